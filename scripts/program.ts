// The `fxa-metrics` program as commander defines it: every subcommand, its
// options and the exit codes. scripts/cli.ts runs it; `npm run gen:docs`
// reads it to write the README's command table.
import { Command } from 'commander';
import { EXIT_CODE_MEANINGS } from './lib/errors.ts';
import { registerCommands } from './commands/index.ts';

export const EXIT_CODES_HELP = [
  '',
  'Exit codes:',
  ...Object.entries(EXIT_CODE_MEANINGS).map(([code, { meaning, when }]) => `  ${code}  ${meaning}: ${when}`),
].join('\n');

export function buildProgram(): Command {
  const program = new Command('fxa-metrics')
    .description('Firefox Accounts metrics events → analyst tables (dbt on DuckDB or Databricks).')
    .addHelpText('after', EXIT_CODES_HELP)
    // A usage error is one line: `fxa-metrics: <what is wrong> (see --help)`.
    .configureOutput({
      outputError: (str, write) => write(`fxa-metrics: ${str.trim().replace(/^error: /, '')} (see --help)\n`),
    })
    .exitOverride();
  registerCommands(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}
