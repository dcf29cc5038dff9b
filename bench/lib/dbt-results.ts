// Per-model figures from dbt's run_results.json.
import type { RunResults } from '../../scripts/lib/dbt.ts';

export interface ModelTiming {
  model: string;
  status: string;
  seconds: number;
  rows: number | null;
}

export interface DbtBreakdown {
  elapsed: number;
  models: ModelTiming[];
  tests: { count: number; failed: number; seconds: number };
}

export function dbtBreakdown(rr: RunResults): DbtBreakdown {
  const models: ModelTiming[] = [];
  const tests = { count: 0, failed: 0, seconds: 0 };
  for (const r of rr.results) {
    if (r.unique_id.startsWith('model.')) {
      models.push({
        model: r.unique_id.split('.').slice(2).join('.'),
        status: r.status,
        seconds: r.execution_time,
        rows: r.adapter_response?.rows_affected ?? null,
      });
    } else if (r.unique_id.startsWith('test.') || r.unique_id.startsWith('unit_test.')) {
      tests.count++;
      tests.seconds += r.execution_time;
      if (r.status === 'fail' || r.status === 'error') tests.failed++;
    }
  }
  return { elapsed: rr.elapsed_time, models, tests };
}
