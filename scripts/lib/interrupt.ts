// SIGINT/SIGTERM to a run (`kill <pid>`, Ctrl-C, cron, systemd): the run
// stops its dbt, waits for it, writes its report as "interrupted" and only
// then releases the data dir's lock. This module holds the one fact "this
// process was asked to stop", which dbt.ts and the commands read.
import { constants } from 'node:os';
import { CliError, ExitCode } from './errors.ts';

let received: NodeJS.Signals | null = null;

export function interruption(): NodeJS.Signals | null {
  return received;
}

export function markInterrupted(signal: NodeJS.Signals): void {
  received ??= signal;
}

/** 128 + the signal's number, as shells report a process a signal ended: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT'
    ? ExitCode.interruptedSigint
    : signal === 'SIGTERM'
      ? ExitCode.interruptedSigterm
      : 128 + (constants.signals[signal] ?? 0);
}

/** Thrown where a run notices it was asked to stop (when its dbt ended, or before starting one). */
export class InterruptedError extends CliError {
  constructor(readonly signal: NodeJS.Signals) {
    super(
      `interrupted by ${signal}: dbt was stopped; the days it was building stay pending for the next run`,
      signalExitCode(signal) as 130 | 143,
    );
    this.name = 'InterruptedError';
  }
}
