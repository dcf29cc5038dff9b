// Whole files the project writes (run state, run-reports, the lock) go
// through a temporary file and a rename, so a crash or a full disk never
// leaves half a file, and a failed write names the file it could not write.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, ExitCode } from './errors.ts';

/** Why a write failed, in words an operator acts on. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  return code ?? (e as Error).message;
}

/** The error of a failed write: one line naming the file. */
export function writeError(path: string, e: unknown): CliError {
  return new CliError(`cannot write ${path}: ${reason(e)}`, ExitCode.failure);
}

/** Writes `text` to `path` atomically; on failure nothing is left behind (no temporary file). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(path, e);
  }
}
