// Generated logs and prepared data dirs are expensive to make and never
// change for a given size and seed: they are kept under bench/cache/ (git-
// ignored) and reused. A directory counts as ready only once its marker file
// is written, so an interrupted preparation is redone, never half-reused.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { projectRoot } from '../../scripts/setup/python-env.ts';

export const cacheRoot = join(projectRoot, 'bench', 'cache');
export const workRoot = join(cacheRoot, 'work');

const MARKER = '.bench-ready.json';

interface Marker<T> {
  stamp: string;
  value: T;
}

function readMarker<T>(dir: string): Marker<T> | null {
  const f = join(dir, MARKER);
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Marker<T>;
  } catch {
    return null;
  }
}

/**
 * A short hash of the code that makes a cached thing (files under the given
 * project paths): when that code changes, the cached thing is made again
 * instead of measuring stale data.
 */
export function codeStamp(paths: string[]): string {
  // Once per bench run: code edited while the bench runs must not make it
  // prepare the same data twice.
  const key = paths.join('\n');
  const known = stamps.get(key);
  if (known) return known;
  const h = createHash('sha256');
  for (const p of paths) {
    const abs = join(projectRoot, p);
    if (!existsSync(abs)) continue;
    const files = statSync(abs).isDirectory() ? filesUnder(abs) : [abs];
    for (const f of files) h.update(relative(projectRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  const stamp = h.digest('hex').slice(0, 12);
  stamps.set(key, stamp);
  return stamp;
}
const stamps = new Map<string, string>();

/** Reuses `dir` when its marker is there with the same stamp; otherwise empties it and calls make(). */
export async function cached<T>(dir: string, stamp: string, make: (dir: string) => Promise<T>): Promise<{ value: T; reused: boolean }> {
  const ready = readMarker<T>(dir);
  if (ready !== null && ready.stamp === stamp) return { value: ready.value, reused: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const value = await make(dir);
  writeFileSync(join(dir, MARKER), JSON.stringify({ stamp, value }, null, 2) + '\n');
  return { value, reused: false };
}

/** A fresh, empty work directory (a data dir for one measured run). */
export function freshWorkDir(name: string): string {
  const dir = join(workRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every regular file under dir, recursively, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name === MARKER) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function totalBytes(files: string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}
