// One measured stage across its runs: the raw runs go to the results file,
// the summaries to the table.
import { maxOf, summarize, type Summary } from './stats.ts';
import { cpuSeconds, forRecord, type Measured } from './measure.ts';

export interface StageResult {
  runs: Array<ReturnType<typeof forRecord> & Record<string, unknown>>;
  wall: Summary | null;
  cpu: Summary | null;
  peakRssKb: number | null;
  /** runs whose exit code was not an accepted one */
  failed: number;
}

export function stageResult(runs: Array<{ m: Measured; ok: boolean; extra?: Record<string, unknown> }>): StageResult {
  const good = runs.filter((r) => r.ok);
  return {
    runs: runs.map((r) => ({ ...forRecord(r.m), ...r.extra })),
    wall: summarize(good.map((r) => r.m.wallSeconds)),
    cpu: summarize(good.map((r) => cpuSeconds(r.m))),
    peakRssKb: maxOf(runs.map((r) => r.m.maxRssKb)),
    failed: runs.length - good.length,
  };
}

/** One line about a failed process, for the problems list. */
export function failureLine(what: string, m: Measured): string {
  // dbt reports its errors on stdout; the CLI on stderr.
  const text = m.stderrTail.trim() || m.stdout.slice(-4000).trim();
  const last = text.split('\n').filter(Boolean).slice(-3).join(' / ');
  return `${what}: exit ${m.exitCode ?? m.signal}${last ? ` — ${last.slice(0, 400)}` : ''}`;
}
