// One size (one day of logs): load, dbt build and validate on the same data
// dir, end-to-end nightly on a fresh one, and the native read_json reference,
// each run interleaved so that other work on the machine skews all alike.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runsFor, type BenchOptions, type Size } from '../lib/args.ts';
import { freshWorkDir, filesUnder } from '../lib/cache.ts';
import { sizeLogs, type LogSet } from '../lib/inputs.ts';
import { benchChild, dbt, fxa } from '../lib/commands.ts';
import { parseJsonOutput, type Measured } from '../lib/measure.ts';
import { stageResult, failureLine, type StageResult } from '../lib/stage.ts';
import { dbtBreakdown, type DbtBreakdown } from '../lib/dbt-results.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { tableRowCounts } from '../lib/mart-rows.ts';
import { nightlySummary } from '../lib/nightly-report.ts';

export interface LoadCounts {
  lines_read?: number;
  loaded_flow_events?: number;
  loaded_activity_events?: number;
  duplicates?: number;
  skipped?: number;
  rejected?: number;
}

export interface SizeResult {
  size: Size;
  input: LogSet & { reused: boolean };
  runs: number;
  load: StageResult & {
    linesPerSecond: number | null;
    mbPerSecond: number | null;
    linesPerCpuSecond: number | null;
    counts: LoadCounts | null;
  };
  /** the same load again on the loaded data dir: every file already loaded, only checksummed */
  repeatLoad?: StageResult & { mbPerSecond: number | null; noop: boolean | null };
  build: StageResult & { models: Record<string, Summary & { rows: number | null }>; tests: DbtBreakdown['tests'] | null };
  validate: StageResult;
  nightly: StageResult & { report: unknown };
  native: (StageResult & { linesPerSecond: number | null; querySeconds: Summary | null }) | null;
  /** load rate ÷ native rate, both on process wall time */
  loadVsNative: number | null;
  problems: string[];
  /** data-check findings (exit 3): the timing stands, the finding is reported */
  notes: string[];
}

type Run = { m: Measured; ok: boolean; extra?: Record<string, unknown> };

export async function runSize(size: Size, opts: BenchOptions, say: (m: string) => void): Promise<SizeResult> {
  const input = await sizeLogs(size, opts.seed, say);
  say(
    `${size}: ${input.lines.toLocaleString('en')} lines, ${(input.bytes / 1e6).toFixed(0)} MB in ${input.files} file(s)${input.reused ? ' (cached)' : ''}`,
  );
  const n = runsFor(size, opts);
  const problems: string[] = [];
  const notes: string[] = [];
  const loads: Run[] = [],
    repeats: Run[] = [],
    builds: Run[] = [],
    validates: Run[] = [],
    nightlies: Run[] = [],
    natives: Run[] = [];
  const breakdowns: DbtBreakdown[] = [];
  let counts: LoadCounts | null = null;
  let nightlyReport: unknown = null;
  let tableRows: Record<string, number> | null = null;
  const logFiles = filesUnder(input.dir);

  for (let i = 1; i <= n; i++) {
    const tag = `${size} run ${i}/${n}`;
    const dd = freshWorkDir(`${size}-stages-${i}`);

    say(`${tag}: load`);
    const load = await fxa(['load', input.dir, '--data-dir', dd, '--json']);
    const loadOut = parseJsonOutput(load.stdout) as { counts?: LoadCounts } | null;
    counts = loadOut?.counts ?? counts;
    const lines = loadOut?.counts?.lines_read ?? input.lines;
    loads.push({ m: load, ok: load.exitCode === 0, extra: { counts: loadOut?.counts ?? null, lines } });
    if (load.exitCode !== 0) problems.push(failureLine(`${tag} load`, load));

    say(`${tag}: repeat load (already loaded)`);
    const repeat = await fxa(['load', input.dir, '--data-dir', dd, '--json']);
    const repeatOut = parseJsonOutput(repeat.stdout) as { noop?: boolean; files?: { status: string }[] } | null;
    const noop = repeatOut ? repeatOut.noop === true && (repeatOut.files ?? []).every((f) => f.status === 'already_loaded') : null;
    repeats.push({ m: repeat, ok: repeat.exitCode === 0, extra: { noop } });
    if (repeat.exitCode !== 0) problems.push(failureLine(`${tag} repeat load`, repeat));
    else if (noop === false) problems.push(`${tag} repeat load: not a no-op`);

    say(`${tag}: dbt build`);
    const build = await dbt(['build', '--full-refresh'], { dataDir: dd });
    if (build.runResults) breakdowns.push(dbtBreakdown(build.runResults));
    builds.push({ m: build.run, ok: build.run.exitCode === 0 && build.runResults !== null });
    if (build.run.exitCode !== 0) problems.push(failureLine(`${tag} dbt build`, build.run));
    else if (i === n) tableRows = await tableRowCounts(dd).catch(() => null);

    say(`${tag}: validate`);
    const validate = await fxa(['validate', '--data-dir', dd]);
    // 3 = the checks found something: the stage ran, the finding is reported.
    validates.push({ m: validate, ok: validate.exitCode === 0 || validate.exitCode === 3, extra: { findings: validate.exitCode === 3 } });
    if (validate.exitCode === 3) notes.push(failureLine(`${tag} validate found something`, validate));
    else if (validate.exitCode !== 0) problems.push(failureLine(`${tag} validate`, validate));
    if (!opts.keep) rmSync(dd, { recursive: true, force: true });

    say(`${tag}: nightly (end to end, fresh data dir)`);
    const nd = freshWorkDir(`${size}-nightly-${i}`);
    const nightly = await fxa(['nightly', '--input', input.dir, '--data-dir', nd, '--json']);
    nightlyReport = nightlySummary(parseJsonOutput(nightly.stdout)) ?? nightlyReport;
    nightlies.push({ m: nightly, ok: nightly.exitCode === 0 || nightly.exitCode === 3 });
    if (nightly.exitCode === 3) notes.push(failureLine(`${tag} nightly data checks found something`, nightly));
    else if (nightly.exitCode !== 0) problems.push(failureLine(`${tag} nightly`, nightly));
    if (!opts.keep) rmSync(nd, { recursive: true, force: true });

    if (!opts.skip.has('native')) {
      say(`${tag}: native read_json → Parquet`);
      const wd = freshWorkDir(`${size}-native-${i}`);
      const native = await benchChild('native-read-json.ts', [join(wd, 'out.parquet'), ...logFiles]);
      const out = parseJsonOutput(native.stdout) as { rows?: number; seconds?: number } | null;
      natives.push({
        m: native,
        ok: native.exitCode === 0 && !!out,
        extra: { rows: out?.rows ?? null, querySeconds: out?.seconds ?? null },
      });
      if (native.exitCode !== 0) problems.push(failureLine(`${tag} native read_json`, native));
      rmSync(wd, { recursive: true, force: true });
    }
  }

  const loadStage = stageResult(loads);
  const okLoads = loads.filter((r) => r.ok);
  const lines = okLoads.length ? (okLoads[0].extra!.lines as number) : input.lines;
  const lw = loadStage.wall?.median ?? null;
  const lc = loadStage.cpu?.median ?? null;

  const models: Record<string, Summary & { rows: number | null }> = {};
  const names = [...new Set(breakdowns.flatMap((b) => b.models.map((m) => m.model)))];
  for (const name of names) {
    const ts = breakdowns.map((b) => b.models.find((m) => m.model === name));
    const s = summarize(ts.map((t) => t?.seconds));
    if (s) models[name] = { ...s, rows: tableRows?.[name] ?? ts.find((t) => t?.rows != null)?.rows ?? null };
  }

  let native: SizeResult['native'] = null;
  if (natives.length) {
    const st = stageResult(natives);
    const nw = st.wall?.median ?? null;
    native = {
      ...st,
      linesPerSecond: nw ? lines / nw : null,
      querySeconds: summarize(natives.map((r) => r.extra?.querySeconds as number | null)),
    };
  }
  const loadRate = lw ? lines / lw : null;
  const repeatStage = stageResult(repeats);
  const rw = repeatStage.wall?.median ?? null;

  return {
    size,
    input,
    runs: n,
    load: {
      ...loadStage,
      linesPerSecond: loadRate,
      mbPerSecond: lw ? input.bytes / 1e6 / lw : null,
      linesPerCpuSecond: lc ? lines / lc : null,
      counts,
    },
    repeatLoad: {
      ...repeatStage,
      mbPerSecond: rw ? input.bytes / 1e6 / rw : null,
      noop: repeats.length ? repeats.every((r) => r.extra?.noop === true) : null,
    },
    build: { ...stageResult(builds), models, tests: breakdowns.at(-1)?.tests ?? null },
    validate: stageResult(validates),
    nightly: { ...stageResult(nightlies), report: nightlyReport },
    native,
    loadVsNative: loadRate && native?.linesPerSecond ? loadRate / native.linesPerSecond : null,
    problems,
    notes,
  };
}
