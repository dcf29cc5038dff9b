// The frame of every command that writes the data dir: the lock, the run
// state recovered first, and for nightly/build/backfill the run-report
// written however the run ends (also when a signal stops it, with status
// "interrupted"), the lock released only after it.
import { CliError, ExitCode } from '../lib/errors.ts';
import { InterruptedError, signalExitCode } from '../lib/interrupt.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import { bindDataDirKey } from '../loader/key.ts';
import { withLock, type HeldLock } from './lock.ts';
import { finishReport, newReport, raise, type RunReport } from './run-report.ts';
import { recordLoad, recoverRunState, type RunState } from './run-state.ts';

export interface RunOutcome {
  report: RunReport;
  /** null when the report could not be written (then it is one of the report's problems, on stderr) */
  reportFile: string | null;
}

/** The data dir's lock; when the disk is too full to write it, recovering what a killed run left frees space first. */
function lockDataDir<T>(dataDir: string, command: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  return withLock(dataDir, command, fn, { freeSpace: () => recoverRunState(dataDir) });
}

function markInterrupted(report: RunReport, signal: NodeJS.Signals): void {
  raise(report, signalExitCode(signal), `interrupted by ${signal}`, 'interrupted');
  report.message = `interrupted by ${signal}: run again to finish (the days not built stay pending)`;
}

export async function runLocked(
  command: string,
  dataDir: string,
  target: WarehouseTarget,
  steps: (report: RunReport, state: RunState) => Promise<void>,
  failureMessage?: string,
): Promise<RunOutcome> {
  return lockDataDir(dataDir, command, async (lock) => {
    const report = newReport(command, dataDir, target);
    // a signal while no dbt runs (e.g. during the load) ends the process at once, report first
    lock.onInterrupt = (signal) => {
      markInterrupted(report, signal);
      finishReport(report);
    };
    let reportFile: string | null;
    try {
      // A load killed midway may have left files in raw/ before its commit:
      // finish or undo it before anything reads the raw zone (its days join the pending days).
      await steps(report, recoverRunState(dataDir));
    } catch (e) {
      if (e instanceof InterruptedError) markInterrupted(report, e.signal);
      else {
        raise(report, e instanceof CliError ? e.exitCode : ExitCode.failure, (e as Error).message, 'failed');
        if (failureMessage) report.message = failureMessage;
      }
      throw e;
    } finally {
      reportFile = finishReport(report);
    }
    return { report, reportFile };
  });
}

/** A load in a run: binds the data dir to the load's key, and its days join the run state (see recordLoad). */
export function runLoad<R extends { daysTouched: string[] }>(
  dataDir: string,
  state: RunState,
  hmacKey: string,
  load: () => Promise<R>,
): Promise<{ result: R; state: RunState }> {
  bindDataDirKey(dataDir, hmacKey);
  return recordLoad(dataDir, state, load);
}

/**
 * A standalone `fxa-metrics load`: under the same lock as nightly/build,
 * after the same recovery, and its days recorded as pending, so that the
 * next nightly run rebuilds them even though it finds nothing new to load.
 */
export async function loadUnderLock<R extends { daysTouched: string[] }>(
  dataDir: string,
  hmacKey: string,
  load: () => Promise<R>,
): Promise<R> {
  return lockDataDir(dataDir, 'load', async () => (await runLoad(dataDir, recoverRunState(dataDir), hmacKey, load)).result);
}
