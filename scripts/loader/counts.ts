// The counts a load reports. Invariant: lines_read = loaded_flow_events +
// loaded_activity_events + duplicates + skipped + rejected.

export interface LoadCounts {
  lines_read: number;
  loaded_flow_events: number;
  loaded_activity_events: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  rejected_by_reason: Record<string, number>;
}

export interface LoadedFile {
  path: string;
  sha256: string;
  bytes: number;
  /**
   * unreadable: the file could not be read to its end (truncated or non-gzip
   * .gz, dangling symlink, no permission); none of its lines are loaded
   */
  status: 'loaded' | 'already_loaded' | 'unreadable';
  counts: LoadCounts;
  /** why the file is unreadable */
  reason?: string;
  /** its last line had no newline and the file was still changing: that line was left for a later load */
  incomplete_last_line?: boolean;
}

/** What an operator must hear about the files of a load: each unreadable file and each held-back last line, one line each. */
export function fileNotices(files: LoadedFile[]): string[] {
  const out: string[] = [];
  for (const f of files) if (f.status === 'unreadable') out.push(`unreadable: ${f.path}: ${f.reason}`);
  for (const f of files)
    if (f.incomplete_last_line) out.push(`held back: the last line of ${f.path} (no newline yet, the file is still written)`);
  return out;
}

export function zeroCounts(): LoadCounts {
  return {
    lines_read: 0,
    loaded_flow_events: 0,
    loaded_activity_events: 0,
    duplicates: 0,
    skipped: 0,
    rejected: 0,
    rejected_by_reason: {},
  };
}

export function addCounts(into: LoadCounts, c: LoadCounts): LoadCounts {
  into.lines_read += c.lines_read;
  into.loaded_flow_events += c.loaded_flow_events;
  into.loaded_activity_events += c.loaded_activity_events;
  into.duplicates += c.duplicates;
  into.skipped += c.skipped;
  into.rejected += c.rejected;
  for (const [k, v] of Object.entries(c.rejected_by_reason)) into.rejected_by_reason[k] = (into.rejected_by_reason[k] ?? 0) + v;
  return into;
}

export function countsAddUp(c: LoadCounts): boolean {
  const byReason = Object.values(c.rejected_by_reason).reduce((a, b) => a + b, 0);
  return (
    byReason === c.rejected && c.lines_read === c.loaded_flow_events + c.loaded_activity_events + c.duplicates + c.skipped + c.rejected
  );
}
