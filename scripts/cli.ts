// The `fxa-metrics` command: one subcommand per file in scripts/commands/,
// put together in scripts/program.ts.
import { CommanderError } from 'commander';
import { ExitCode } from './lib/errors.ts';
import { fail } from './lib/command.ts';
import { buildProgram } from './program.ts';

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
