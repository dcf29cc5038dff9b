// Reads dbt's run_results.json into what a run-report needs, and tells model
// errors (exit 1) from failing data tests (exit 3).
import type { DbtRun, RunResults } from '../lib/dbt.ts';
import { stripAnsi } from '../lib/ansi.ts';

export interface NodeResult {
  unique_id: string;
  name: string;
  status: string;
  seconds: number;
  /** rows affected as the adapter reports it (null when it does not) */
  rows: number | null;
  message: string | null;
}

export interface TestResult extends NodeResult {
  failures: number | null;
}

export interface DbtSummary {
  exitCode: number;
  elapsedSeconds: number | null;
  models: NodeResult[];
  tests: TestResult[];
  /** models/seeds/snapshots that errored */
  nodeErrors: NodeResult[];
  /** nodes dbt skipped because something upstream failed (an error or a failing test) */
  skipped: NodeResult[];
  /** data and unit tests that failed or could not run */
  testFailures: TestResult[];
  /** dbt ended badly without telling why in run_results (profile, parse or connection errors) */
  crashed: boolean;
  /** last lines of dbt's output when it failed, for the operator */
  errorTail: string | null;
}

export const isTest = (uniqueId: string) => uniqueId.startsWith('test.') || uniqueId.startsWith('unit_test.');

function nodeName(uniqueId: string): string {
  const parts = uniqueId.split('.');
  return parts.slice(2).join('.') || uniqueId;
}

function rowsOf(r: RunResults['results'][number]): number | null {
  const n = r.adapter_response?.rows_affected;
  return typeof n === 'number' && n >= 0 ? n : null;
}

export function summariseDbt(run: DbtRun): DbtSummary {
  const results = run.runResults?.results ?? [];
  const models: NodeResult[] = [];
  const tests: TestResult[] = [];
  for (const r of results) {
    const base = {
      unique_id: r.unique_id,
      name: nodeName(r.unique_id),
      status: r.status,
      seconds: Math.round(r.execution_time * 1000) / 1000,
      rows: rowsOf(r),
      message: r.message,
    };
    if (isTest(r.unique_id)) tests.push({ ...base, failures: r.failures });
    else models.push(base);
  }
  const nodeErrors = models.filter((m) => m.status === 'error');
  const skipped = models.filter((m) => m.status === 'skipped');
  const testFailures = tests.filter((t) => t.status === 'fail' || t.status === 'error');
  const explained = nodeErrors.length > 0 || testFailures.length > 0;
  const crashed = run.exitCode !== 0 && !explained;
  const tail = run.exitCode !== 0 ? lastLines(`${run.stdout}\n${run.stderr}`, 15) : null;
  return {
    exitCode: run.exitCode,
    elapsedSeconds: run.runResults?.elapsed_time ?? null,
    models,
    tests,
    nodeErrors,
    skipped,
    testFailures,
    crashed,
    errorTail: tail,
  };
}

/** Every node other than a test built: the rebuilt days are done. */
export function modelsBuilt(s: DbtSummary): boolean {
  return !s.crashed && s.nodeErrors.length === 0 && s.skipped.length === 0 && s.models.length > 0;
}

function lastLines(text: string, n: number): string {
  return stripAnsi(text)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-n)
    .join('\n');
}
