// The frame of every nightly/build/backfill run: the lock, the run report
// written however the run ends (also when a signal stops it, with status
// "interrupted"), and the lock released only after both.
import { InterruptedError, signalExitCode } from '../lib/interrupt.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import { acquireLock } from './lock.ts';
import { recoverRun } from './pending.ts';
import { finishReport, newReport, recordFailure, type RunReport } from './report.ts';

export interface RunOutcome {
  report: RunReport;
  /** null when the report could not be written (then it is one of the report's problems, on stderr) */
  reportFile: string | null;
}

function markInterrupted(report: RunReport, signal: NodeJS.Signals): void {
  report.status = 'interrupted';
  report.exitCode = signalExitCode(signal);
  report.problems.push(`interrupted by ${signal}`);
  report.message = `interrupted by ${signal}: run again to finish (the days not built stay pending)`;
}

export async function runLocked(
  command: string,
  dataDir: string,
  target: WarehouseTarget,
  steps: (report: RunReport) => Promise<void>,
  failureMessage?: string,
): Promise<RunOutcome> {
  const lock = acquireLock(dataDir, command, { freeSpace: () => recoverRun(dataDir) });
  const report = newReport(command, dataDir, target);
  // a signal while no dbt runs (e.g. during the load) ends the process at once, report first
  lock.onInterrupt = (signal) => {
    markInterrupted(report, signal);
    finishReport(report);
  };
  let reportFile: string | null = null;
  try {
    await steps(report);
  } catch (e) {
    if (e instanceof InterruptedError) markInterrupted(report, e.signal);
    else recordFailure(report, e, failureMessage);
    throw e;
  } finally {
    reportFile = finishReport(report);
    lock.release();
  }
  return { report, reportFile };
}
