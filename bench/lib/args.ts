// Flags of `npm run bench`. Pure: argv in, options out, BenchUsageError on
// anything it does not understand (the runner prints it on one line, exit 2).
import { parseArgs } from 'node:util';

export const SIZES = { S: 100_000, M: 2_000_000, L: 40_000_000 } as const;
export type Size = keyof typeof SIZES;
export const DEFAULT_SIZES: Size[] = ['S', 'M'];

export const PARTS = ['sizes', 'native', 'history', 'multi-device', 'kpi-nightly'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  sizes: Size[];
  /** null: 3 runs for S and the history depths, 1 for M and L */
  runs: number | null;
  seed: number;
  historyLinesPerDay: number;
  skip: Set<Part>;
  keep: boolean;
  resultsDir: string | null;
  help: boolean;
}

export class BenchUsageError extends Error {}

export const USAGE = `usage: npm run bench [-- options]
  --size S|M|L         size(s) to run, repeatable or comma-separated (default S,M)
                         S = 100 thousand lines, M = 2 million, L = 40 million (one day each)
  --runs N             runs of every measured stage (default 3 for S and history, 1 for M and L)
  --seed N             generator seed (default 1); logs are cached per size and seed
  --history-lines-per-day N
                       lines per day of the 91-day history data (default 30000)
  --skip PART          leave out a part, repeatable: ${PARTS.join(', ')}
  --keep               keep the work data dirs under bench/cache/work
  --results-dir DIR    where result JSON files go (default bench/results)
  --help`;

function positiveInt(flag: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw)) throw new BenchUsageError(`${flag} wants a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new BenchUsageError(`${flag} must be between 1 and ${max}, got ${n}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        size: { type: 'string', multiple: true },
        runs: { type: 'string' },
        seed: { type: 'string' },
        'history-lines-per-day': { type: 'string' },
        skip: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
        'results-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new BenchUsageError((e as Error).message);
  }
  const v = parsed.values;

  const sizes: Size[] = [];
  for (const s of (v.size ?? []).flatMap((x) => x.split(','))) {
    const up = s.trim().toUpperCase();
    if (!(up in SIZES)) throw new BenchUsageError(`--size must be S, M or L, got '${s}'`);
    if (!sizes.includes(up as Size)) sizes.push(up as Size);
  }

  const skip = new Set<Part>();
  for (const p of (v.skip ?? []).flatMap((x) => x.split(','))) {
    const t = p.trim();
    if (!(PARTS as readonly string[]).includes(t)) throw new BenchUsageError(`--skip takes ${PARTS.join(', ')}; got '${p}'`);
    skip.add(t as Part);
  }

  return {
    sizes: sizes.length ? sizes : [...DEFAULT_SIZES],
    runs: v.runs === undefined ? null : positiveInt('--runs', v.runs, 50),
    seed: v.seed === undefined ? 1 : positiveInt('--seed', v.seed, 2 ** 31 - 1),
    historyLinesPerDay:
      v['history-lines-per-day'] === undefined ? 30_000 : positiveInt('--history-lines-per-day', v['history-lines-per-day'], 10_000_000),
    skip,
    keep: v.keep ?? false,
    resultsDir: v['results-dir'] ?? null,
    help: v.help ?? false,
  };
}

/** Runs of a stage at a size: the flag when given, else 3 for small inputs and 1 for large ones. */
export function runsFor(size: Size | 'history', opts: Pick<BenchOptions, 'runs'>): number {
  if (opts.runs !== null) return opts.runs;
  return size === 'S' || size === 'history' ? 3 : 1;
}
