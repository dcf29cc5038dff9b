// The bench's input logs, made by the project's own generator and cached:
// one day per size (S, M, L), and a 91-day history for the depth runs.
import { linkSync, copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { SIZES, type Size } from './args.ts';
import { cacheRoot, cached, codeStamp, filesUnder, totalBytes } from './cache.ts';

/** The code whose change makes generated logs stale. */
export const generatorStamp = () => codeStamp(['scripts/generator']);

export const SIZE_DAY = '2024-03-01';
export const HISTORY_START = '2024-01-01';
export const HISTORY_DAYS = 91;

export interface LogSet {
  dir: string;
  files: number;
  lines: number;
  bytes: number;
  users: number;
  linesByKind: Record<string, number>;
  generatedSeconds: number;
}

interface Generator {
  generateLogs(o: { out: string; start: string; days: number; users: number; seed: number; gzip?: boolean }): Promise<{
    files: unknown;
    lines: number;
    bytes: number;
    linesByKind: Record<string, number>;
  }>;
  usersForLines(lines: number, days: number): number;
}

async function generator(): Promise<Generator> {
  try {
    return (await import('../../scripts/generator/index.ts')) as unknown as Generator;
  } catch (e) {
    throw new Error(`the log generator (scripts/generator/index.ts) cannot be loaded: ${(e as Error).message}`, { cause: e });
  }
}

async function generate(out: string, start: string, days: number, lines: number, seed: number): Promise<LogSet> {
  const g = await generator();
  const users = g.usersForLines(lines, days);
  const t0 = performance.now();
  const r = await g.generateLogs({ out, start, days, users, seed });
  const generatedSeconds = (performance.now() - t0) / 1000;
  const files = filesUnder(out);
  return { dir: out, files: files.length, lines: r.lines, bytes: totalBytes(files), users, linesByKind: r.linesByKind, generatedSeconds };
}

/** One day of logs of the given size, generated once per size and seed. */
export async function sizeLogs(size: Size, seed: number, say: (m: string) => void): Promise<LogSet & { reused: boolean }> {
  const dir = join(cacheRoot, `${size}-${seed}`);
  const { value, reused } = await cached(dir, generatorStamp(), async (d) => {
    say(`generating ${size} logs (${SIZES[size].toLocaleString('en')} lines) into ${relative(process.cwd(), d)} …`);
    return generate(join(d, 'logs'), SIZE_DAY, 1, SIZES[size], seed);
  });
  // Paths are this checkout's, whatever the marker recorded.
  return { ...value, dir: join(dir, 'logs'), reused };
}

export interface HistoryLogs extends LogSet {
  /** day → directory holding that day's files only (hard links into logs/) */
  dayDirs: Record<string, string>;
  days: string[];
}

/** The day a generated file holds, from the date in its name. */
export function dayOfFile(path: string): string | null {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(basename(path)) ?? /(\d{4}-\d{2}-\d{2})/.exec(path);
  return m ? m[1] : null;
}

function link(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** 91 days of logs at about `perDay` lines a day, split into one directory per day. */
export async function historyLogs(perDay: number, seed: number, say: (m: string) => void): Promise<HistoryLogs & { reused: boolean }> {
  const dir = join(cacheRoot, `history-${perDay}-${seed}`, 'input');
  const { value, reused } = await cached(dir, generatorStamp(), async (d) => {
    say(`generating ${HISTORY_DAYS} days of history logs (~${perDay.toLocaleString('en')} lines a day) …`);
    const set = await generate(join(d, 'logs'), HISTORY_START, HISTORY_DAYS, perDay * HISTORY_DAYS, seed);
    const dayDirs: Record<string, string> = {};
    for (const f of filesUnder(set.dir)) {
      const day = dayOfFile(relative(set.dir, f));
      if (!day) throw new Error(`cannot tell the day of generated file ${f} (no YYYY-MM-DD in its name)`);
      const dd = join(d, 'days', day);
      mkdirSync(dd, { recursive: true });
      // Flattened relative path: unique within the day, extension kept for the loader.
      link(f, join(dd, relative(set.dir, f).split(/[\\/]/).join('__')));
      dayDirs[day] = dd;
    }
    const days = Object.keys(dayDirs).sort();
    if (days.length < HISTORY_DAYS) throw new Error(`the generator wrote ${days.length} days, expected ${HISTORY_DAYS}`);
    return { ...set, dayDirs, days };
  });
  const dayDirs = Object.fromEntries(value.days.map((day) => [day, join(dir, 'days', day)]));
  return { ...value, dir: join(dir, 'logs'), dayDirs, reused };
}
