// The `fxa-metrics` command: one subcommand per file in scripts/commands/.
import { Command, CommanderError } from 'commander';
import { EXIT_CODE_MEANING, ExitCode } from './lib/errors.ts';
import { fail } from './lib/command.ts';
import { registerCommands } from './commands/index.ts';

export const EXIT_CODES_HELP =
  '\nExit codes:\n' +
  Object.entries(EXIT_CODE_MEANING)
    .map(([code, meaning]) => `  ${code.padEnd(3)}  ${meaning}`)
    .join('\n');

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

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; everything else is a usage error.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
      process.exit(ExitCode.usage);
    }
    fail((e as Error).message, ExitCode.failure);
  }
}

await main(process.argv);
