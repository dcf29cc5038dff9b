// `npm run bench`: measures the pipeline stage by stage and end to end on
// generated logs, against the performance targets, and writes the figures to
// bench/results/<date>-<size>.json (and <date>-history.json for the history
// depth and multi-device parts). See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BenchUsageError, USAGE, parseBenchArgs, type BenchOptions } from './lib/args.ts';
import { haveTimeV } from './lib/measure.ts';
import { describeMachine, machineInfo, type Machine } from './lib/machine.ts';
import { markdownTable } from './lib/table.ts';
import { projectRoot } from './lib/commands.ts';
import { HEADERS, row, historyChecks, historyRows, multiDeviceChecks, multiDeviceRows, sizeChecks, sizeRows } from './lib/report.ts';
import { runSize, type SizeResult } from './stages/size.ts';
import { historyInput, prepareTemplate, runHistory, type HistoryResult } from './stages/history.ts';
import { runMultiDevice, type MultiDeviceResult } from './stages/multi-device.ts';
import { kpiNightlyRows, runKpiNightly, type KpiNightlyResult } from './stages/kpi-nightly.ts';

const started = performance.now();
const elapsed = () => `${Math.round((performance.now() - started) / 1000)}s`.padStart(5);
const say = (m: string) => process.stderr.write(`[bench ${elapsed()}] ${m}\n`);

function options(): BenchOptions {
  try {
    return parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BenchUsageError) {
      process.stderr.write(`fxa-metrics bench: ${e.message} (npm run bench -- --help)\n`);
      process.exit(2);
    }
    throw e;
  }
}

function writeResult(dir: string, name: string, doc: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  // Paths inside the project are kept relative: the files are committed.
  writeFileSync(file, JSON.stringify(doc, null, 2).split(projectRoot).join('') + '\n');
  return file;
}

const opts = options();
if (opts.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}

const machine: Machine = machineInfo(haveTimeV);
process.stdout.write(describeMachine(machine) + '\n\n');
const date = new Date().toISOString().slice(0, 10);
const resultsDir = opts.resultsDir ?? join(projectRoot, 'bench', 'results');
const optionsDoc = { ...opts, skip: [...opts.skip] };
const problems: string[] = [];
const notes: string[] = [];
const rows: string[][] = [];
const written: string[] = [];

async function part<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    const msg = `${what} did not run: ${(e as Error).message}`;
    problems.push(msg);
    say(msg);
    return null;
  }
}

const sizes: SizeResult[] = [];
if (!opts.skip.has('sizes')) {
  for (const size of opts.sizes) {
    const t0 = performance.now();
    const r = await part(`size ${size}`, () => runSize(size, opts, say));
    if (!r) continue;
    sizes.push(r);
    problems.push(...r.problems);
    notes.push(...r.notes);
    rows.push(...sizeRows(r));
    written.push(
      writeResult(resultsDir, `${date}-${size}`, {
        bench: 'fxa-metrics',
        date,
        size,
        machine,
        options: optionsDoc,
        seconds: (performance.now() - t0) / 1000,
        valid: r.problems.length === 0,
        targets: sizeChecks(r),
        result: r,
      }),
    );
  }
}

let history: HistoryResult | null = null;
let md: MultiDeviceResult | null = null;
let kpi: KpiNightlyResult | null = null;
if (!opts.skip.has('history') || !opts.skip.has('multi-device') || !opts.skip.has('kpi-nightly')) {
  const t0 = performance.now();
  const input = await part('history input', () => historyInput(opts, say));
  if (input) {
    if (!opts.skip.has('history')) history = await part('history depth', () => runHistory(input, opts, say));
    if (!opts.skip.has('multi-device')) {
      md = await part('multi-device', async () =>
        runMultiDevice(await prepareTemplate(input, 90, opts.historyLinesPerDay, opts.seed, say), opts, say),
      );
    }
    if (!opts.skip.has('kpi-nightly')) {
      kpi = await part('kpi nightly', async () =>
        runKpiNightly(await prepareTemplate(input, 90, opts.historyLinesPerDay, opts.seed, say), opts, say),
      );
    }
  }
  if (history) {
    problems.push(...history.problems);
    notes.push(...history.notes);
    rows.push(...historyRows(history));
  }
  if (md) {
    problems.push(...md.problems);
    rows.push(...multiDeviceRows(md));
  }
  if (kpi) {
    problems.push(...kpi.problems);
    rows.push(...kpiNightlyRows(kpi, row));
  }
  if (history || md || kpi) {
    written.push(
      writeResult(resultsDir, `${date}-history`, {
        bench: 'fxa-metrics',
        date,
        size: 'history',
        machine,
        options: optionsDoc,
        seconds: (performance.now() - t0) / 1000,
        valid: (history?.problems.length ?? 0) + (md?.problems.length ?? 0) + (kpi?.problems.length ?? 0) === 0 && md?.sameRows !== false,
        targets: [...(history ? historyChecks(history) : []), ...(md ? multiDeviceChecks(md) : [])],
        history,
        multiDevice: md,
        kpiNightly: kpi,
      }),
    );
  }
}

const total = (performance.now() - started) / 1000;
process.stdout.write(markdownTable(HEADERS, rows) + '\n\n');
process.stdout.write(
  `bench ran ${Math.round(total)} s; medians of ${[...new Set(sizes.map((s) => `${s.size}: ${s.runs}`).concat(history ? [`history: ${history.runs}`] : []))].join(', ') || 'no'} run(s)\n`,
);
for (const f of written) process.stdout.write(`results: ${relative(process.cwd(), f)}\n`);
if (notes.length) {
  process.stdout.write(`\n${notes.length} data-check finding(s) (timings kept):\n`);
  for (const n of notes) process.stdout.write(`  - ${n}\n`);
}
if (problems.length) {
  process.stdout.write(`\n!!! ${problems.length} problem(s) — the figures above are incomplete or INVALID:\n`);
  for (const p of problems) process.stdout.write(`!!! ${p}\n`);
  process.exit(1);
}
