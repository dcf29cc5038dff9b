// Shared helper for CLI commands: turns any failure into one clear line on
// stderr and a documented exit code, never a stack trace.
import { CliError, ExitCode } from './errors.ts';
import { redact } from './secrets.ts';

export function fail(message: string, code: number): never {
  process.stderr.write(redact(`fxa-metrics: ${message}`) + '\n');
  process.exit(code);
}

/** Wraps a command's action: its resolved value is the exit code (default 0). */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    try {
      const code = (await fn(...args)) ?? ExitCode.ok;
      process.exitCode = code;
    } catch (e) {
      if (e instanceof CliError) fail(e.message, e.exitCode);
      const err = e as Error;
      if (process.env.FXA_DEBUG) process.stderr.write(redact(String(err.stack)) + '\n');
      fail(err?.message ?? String(e), ExitCode.failure);
    }
  };
}
