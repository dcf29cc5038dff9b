// `fxa-metrics sql`: the DuckDB warehouse in the DuckDB shell, read-only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { ExitCode, usageError } from '../lib/errors.ts';
import { layout, resolveDataDir } from '../lib/paths.ts';
import { ensurePythonEnv, venvBin } from '../setup/python-env.ts';

export function register(program: Command): void {
  program
    .command('sql')
    .description('Open <data dir>/warehouse.duckdb read-only in the DuckDB shell (.venv/bin/duckdb), or run the SQL given and exit.')
    .argument('[sql...]', 'SQL to run instead of the interactive shell (one argument, quoted)')
    .option('--data-dir <dir>', 'data directory (default: $FXA_DATA_DIR or ./data)')
    .addHelpText(
      'after',
      `
Read-only, so it cannot change a table; while the shell is open it holds
the file, and a nightly run's dbt waits a few seconds for it, then fails.`,
    )
    .action(
      action(async (sql: string[], flags: { dataDir?: string }) => {
        const warehouse = layout(resolveDataDir(flags.dataDir)).warehouse;
        if (!existsSync(warehouse)) throw usageError(`no warehouse at ${warehouse}: run \`fxa-metrics nightly\` or \`build\` first`);
        ensurePythonEnv();
        const r = spawnSync(venvBin('duckdb'), ['-readonly', warehouse, ...(sql.length ? [sql.join(' ')] : [])], { stdio: 'inherit' });
        return r.status === 0 ? ExitCode.ok : ExitCode.failure;
      }),
    );
}
