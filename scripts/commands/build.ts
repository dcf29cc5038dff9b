// `fxa-metrics build`: rebuild models for a range of days (or from scratch), no loading.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { usageError } from '../lib/errors.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { runBuild } from '../orchestration/build.ts';
import { parseDayRangeFlags } from '../lib/days.ts';
import * as cli from '../orchestration/cli-options.ts';

interface BuildFlags extends cli.CommonFlags {
  from?: string;
  to?: string;
  fullRefresh?: boolean;
  sample: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('build')
    .description('Rebuild the models for the days --from..--to, or every table from scratch with --full-refresh (no loading).');
  cli
    .addRebuildRangeOptions(cmd, { required: false })
    .option('--full-refresh', 'drop and rebuild every table from all loaded data')
    .addOption(cli.sampleOption());
  cli.addCommonOptions(cmd);
  cmd.action(
    action(async (flags: BuildFlags) => {
      cli.startLogging(flags);
      const { from, to } = parseDayRangeFlags(flags);
      if (flags.fullRefresh && (from || to)) throw usageError('give either --from/--to or --full-refresh, not both');
      if (!flags.fullRefresh && !(from && to)) throw usageError('give --from and --to, or --full-refresh');
      const outcome = await runBuild('build', {
        dataDir: resolveDataDir(flags.dataDir),
        target: cli.resolveTarget(flags.target),
        range: from && to ? { from, to } : null,
        fullRefresh: flags.fullRefresh,
        sample: cli.parseSample(flags.sample),
      });
      return cli.finishRun(outcome, flags);
    }),
  );
}
