// Which files a load reads: the paths given, directories searched recursively.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../lib/errors.ts';

const LOG_FILE = /\.(log|ndjson|jsonl)(\.gz)?$/i;

export const isGzip = (path: string) => /\.gz$/i.test(path);

function readable(path: string, kind: number): void {
  try {
    accessSync(path, kind);
  } catch (e) {
    throw usageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function walk(dir: string, out: string[]): void {
  readable(dir, constants.R_OK | constants.X_OK);
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (LOG_FILE.test(e.name) && statSync(p).isFile()) {
      readable(p, constants.R_OK);
      out.push(p);
    }
  }
}

/**
 * The log files of the given inputs, in order: a file is taken as given
 * (whatever its name), a directory contributes its *.log, *.ndjson, *.jsonl
 * files (and their .gz forms) recursively, sorted by path. A path given twice
 * is read once. Paths are kept as given: they become the rows' source_file.
 */
export function listLogFiles(inputs: string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      throw usageError(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) walk(input, out);
    else {
      readable(input, constants.R_OK);
      out.push(input);
    }
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const abs = resolve(p);
    if (seen.has(abs)) return false;
    seen.add(abs);
    return true;
  });
}
