// The few lines an operator reads after a run (stderr), from the run-report.
import { fileNotices } from '../loader/counts.ts';
import type { RunReport } from './run-report.ts';

export function formatSummary(r: RunReport, reportFile: string | null): string {
  const lines: string[] = [];
  lines.push(`${r.command} ${r.runId}: ${r.status} (exit ${r.exitCode})${r.message ? ' — ' + r.message : ''}`);
  if (r.load) {
    const c = r.load.counts;
    const count = (status: string) => r.load!.files.filter((f) => f.status === status).length;
    const unreadable = count('unreadable');
    lines.push(
      `  load: ${count('loaded')} new file(s), ${count('already_loaded')} already loaded` +
        `${unreadable ? `, ${unreadable} unreadable` : ''}; lines ${c.lines_read}: ` +
        `${c.loaded_flow_events} flow + ${c.loaded_activity_events} activity loaded, ${c.duplicates} duplicate, ` +
        `${c.skipped} skipped, ${c.rejected} rejected (${(r.load.rejectRate * 100).toFixed(2)}%)`,
    );
    const reasons = Object.entries(c.rejected_by_reason);
    if (reasons.length) lines.push(`  rejected by reason: ${reasons.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (r.load.quarantineFile) lines.push(`  quarantine: ${r.load.quarantineFile}`);
    for (const notice of fileNotices(r.load.files)) lines.push(`  ${notice}`);
  }
  if (r.build) {
    const where = r.build.mode === 'range' ? r.build.ranges.map((x) => `${x.from}..${x.to}`).join(', ') : r.build.mode;
    const models = r.build.dbt.flatMap((d) => d.models);
    const tests = r.build.dbt.flatMap((d) => d.tests);
    const secs = r.build.dbt.reduce((s, d) => s + (d.elapsedSeconds ?? 0), 0);
    lines.push(
      `  dbt build ${where}: ${models.filter((m) => m.status === 'success').length}/${models.length} models, ` +
        `${tests.filter((t) => t.status === 'pass').length}/${tests.length} tests passed in ${secs.toFixed(1)} s`,
    );
  }
  if (r.tables)
    lines.push(
      `  rows: ${Object.entries(r.tables)
        .map(([t, n]) => `${t}=${n}`)
        .join(', ')}`,
    );
  if (r.validation) lines.push(`  validate: ${r.validation.findings.length} finding(s) over ${r.validation.tables.length} table(s)`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  if (reportFile) lines.push(`  report: ${reportFile}`);
  if (r.kpiReport) lines.push(`  KPI report: ${r.kpiReport}`);
  return lines.join('\n');
}
