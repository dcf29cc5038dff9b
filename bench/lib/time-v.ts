// Reads the report of GNU `/usr/bin/time -v`. Its user and system times and
// its "Maximum resident set size" cover the process and every child it waited
// for (rusage of the process tree), so the peak RSS is that of the largest
// single process of a stage — e.g. dbt started by the nightly command.

export interface TimeReport {
  userSeconds: number | null;
  systemSeconds: number | null;
  /** "Elapsed (wall clock)": only to 1/100 s, the caller's own clock is preferred */
  wallSeconds: number | null;
  maxRssKb: number | null;
  exitStatus: number | null;
}

function field(text: string, label: string): string | null {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith(label + ':')) return t.slice(label.length + 1).trim();
  }
  return null;
}

function num(s: string | null): number | null {
  if (s === null || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** "h:mm:ss" or "m:ss.cc" → seconds. */
export function parseClock(s: string | null): number | null {
  if (!s) return null;
  const parts = s.split(':').map(Number);
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p))) return null;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

export function parseTimeV(text: string): TimeReport {
  return {
    userSeconds: num(field(text, 'User time (seconds)')),
    systemSeconds: num(field(text, 'System time (seconds)')),
    wallSeconds: parseClock(field(text, 'Elapsed (wall clock) time (h:mm:ss or m:ss)')),
    maxRssKb: num(field(text, 'Maximum resident set size (kbytes)')),
    exitStatus: num(field(text, 'Exit status')),
  };
}
