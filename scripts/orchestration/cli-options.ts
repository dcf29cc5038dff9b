// Options shared by the orchestration commands, parsed the same way everywhere.
import { Option, type Command } from 'commander';
import { usageError } from '../lib/errors.ts';
import { configureLog, log, logFormat, type LogFormat } from '../lib/log.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import { formatSummary } from './summary.ts';
import { reportJson } from './run-report.ts';
import type { RunOutcome } from './nightly.ts';

export const DEFAULT_SAMPLE = 1000;

export interface CommonFlags {
  dataDir?: string;
  target?: string;
  json?: boolean;
  logFormat: LogFormat;
}

/**
 * --data-dir, --target and --log-format, then --json for the run-report
 * (json: false leaves --json to the command); `target` words what --target
 * names for a command that only reads.
 */
export function addCommonOptions(cmd: Command, opts: { json?: boolean; target?: string } = {}): Command {
  const { json = true, target = 'warehouse / dbt target' } = opts;
  cmd
    .option('--data-dir <dir>', 'data directory (default: $FXA_DATA_DIR or ./data)')
    .addOption(new Option('--target <target>', `${target} (default: $FXA_DBT_TARGET or duckdb)`).choices(['duckdb', 'databricks']))
    .addOption(new Option('--log-format <format>', 'log lines as text or JSON').choices(['text', 'json']).default('text'));
  if (json) cmd.option('--json', 'print the run-report as JSON on stdout');
  return cmd;
}

/** --sample of the commands that check tables against their row schemas; read it with parseSample. */
export const sampleOption = () =>
  new Option('--sample <n>', 'rows per table checked against its row schema').default(String(DEFAULT_SAMPLE));

export const parseSample = (value: string): number => parsePositiveInt('--sample', value, 0);

/** --from/--to of the commands that rebuild a range of days; read them with parseDayRangeFlags (scripts/lib/days.ts). */
export function addRebuildRangeOptions(cmd: Command, opts: { required: boolean }): Command {
  const day = (flags: string, description: string) => {
    const o = new Option(flags, description);
    return opts.required ? o.makeOptionMandatory() : o;
  };
  return cmd
    .addOption(day('--from <YYYY-MM-DD>', 'first day to rebuild'))
    .addOption(day('--to <YYYY-MM-DD>', 'last day to rebuild (included)'));
}

export function resolveTarget(flag: string | undefined): WarehouseTarget {
  const t = flag ?? process.env.FXA_DBT_TARGET ?? 'duckdb';
  if (t !== 'duckdb' && t !== 'databricks') throw usageError(`target must be duckdb or databricks, got '${t}' (FXA_DBT_TARGET)`);
  return t;
}

export function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw usageError(`--max-reject-rate must be a number between 0 and 1, got '${value}'`);
  return n;
}

export function parsePositiveInt(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min) throw usageError(`${flag} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

export function startLogging(flags: CommonFlags): void {
  configureLog({ format: flags.logFormat });
}

/** The end of every run: summary on stderr, the run-report on stdout with --json; returns the exit code. */
export function finishRun(outcome: RunOutcome, flags: CommonFlags): number {
  const { report, reportFile } = outcome;
  if (logFormat() === 'json') {
    log.info('run finished', {
      run_id: report.runId,
      command: report.command,
      status: report.status,
      exit_code: report.exitCode,
      message: report.message,
      problems: report.problems,
      report: reportFile,
    });
  } else {
    process.stderr.write(formatSummary(report, reportFile) + '\n');
  }
  if (flags.json) process.stdout.write(reportJson(report) + '\n');
  return report.exitCode;
}
