// Which files a load reads: the paths given, directories searched recursively.
import { accessSync, constants, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../lib/errors.ts';

const LOG_FILE = /\.(log|ndjson|jsonl)(\.gz)?$/i;

export const isGzip = (path: string) => /\.gz$/i.test(path);

/** A log file found in an input directory that cannot be opened: the load reports it and goes on. */
export interface UnreadableFile {
  path: string;
  reason: string;
}

export interface LogFiles {
  /** the files to read, in order */
  files: string[];
  /** files found in a directory that cannot be opened (dangling symlink, no read permission) */
  unreadable: UnreadableFile[];
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function readable(path: string, kind: number): void {
  try {
    accessSync(path, kind);
  } catch (e) {
    throw usageError(`cannot read ${path}: ${errCode(e)}`);
  }
}

/** Why a directory entry that looks like a log file cannot be opened, or null when it can. */
function whyUnreadable(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return 'not a regular file';
    accessSync(path, constants.R_OK);
    return null;
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT' && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return 'dangling symlink';
    return code === 'EACCES' ? 'no read permission (EACCES)' : String(code);
  }
}

function walk(dir: string, out: LogFiles): void {
  readable(dir, constants.R_OK | constants.X_OK);
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (LOG_FILE.test(e.name)) {
      const why = whyUnreadable(p);
      if (why === 'not a regular file') continue;
      if (why) out.unreadable.push({ path: p, reason: why });
      else out.files.push(p);
    }
  }
}

/**
 * A file changed this recently whose last line has no newline is taken to be
 * still written: that line is left for a later load (see the loader README).
 */
export const STILL_WRITTEN_WITHIN_MS = 5 * 60_000;

/** A file that could not be read to its end: the load reports it and goes on with the others. */
export class FileReadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

/** The reason a file could not be read to its end, for the run-report (zlib's codes named). */
export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const message = String((e as Error)?.message ?? e).split('\n')[0];
  if (code === 'Z_BUF_ERROR') return `truncated gzip (${message})`;
  if (code === 'Z_DATA_ERROR') return /header/.test(message) ? `not gzip data (${message})` : `corrupt gzip data (${message})`;
  if (code === 'ENOENT') return 'the file vanished while it was read (ENOENT)';
  return code ? `${code}: ${message}` : message;
}

/**
 * The log files of the given inputs, in order: a file is taken as given
 * (whatever its name), a directory contributes its *.log, *.ndjson, *.jsonl
 * files (and their .gz forms) recursively, sorted by path. A path given twice
 * is read once. Paths are kept as given: they become the rows' source_file.
 * A path named in the inputs that cannot be read is a usage error; a file
 * found in a directory that cannot be opened is listed as unreadable, so
 * that one bad file does not stop the others.
 */
export function listLogFiles(inputs: string[]): LogFiles {
  const out: LogFiles = { files: [], unreadable: [] };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      throw usageError(`cannot read ${input}: ${errCode(e)}`);
    }
    if (st.isDirectory()) walk(input, out);
    else {
      readable(input, constants.R_OK);
      out.files.push(input);
    }
  }
  const seen = new Set<string>();
  const once = (p: string) => {
    const abs = resolve(p);
    if (seen.has(abs)) return false;
    seen.add(abs);
    return true;
  };
  return { files: out.files.filter(once), unreadable: out.unreadable.filter((u) => once(u.path)) };
}
