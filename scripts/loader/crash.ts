// Test hook for crash safety: FXA_LOADER_CRASH_AT=<point> ends the process
// abruptly (exit 137, as if killed) when the load reaches that point.
//   staging        lines staged, nothing else written
//   before-commit  Parquet files and quarantine staged, pending record written, nothing moved
//   mid-rename     the first staged file moved into place
//   before-record  every file moved, record not yet committed
export type CrashPoint = 'staging' | 'before-commit' | 'mid-rename' | 'before-record';

export function crashPoint(point: CrashPoint): void {
  if (process.env.FXA_LOADER_CRASH_AT === point) process.exit(137);
}
