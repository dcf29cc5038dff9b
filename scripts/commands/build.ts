// `fxa-metrics build`: rebuild models for a range of days (or from scratch), no loading.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { usageError } from '../lib/errors.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { runBuild } from '../orchestration/build.ts';
import { parseDayFlag } from '../lib/days.ts';
import {
  addCommonOptions,
  finishRun,
  parsePositiveInt,
  resolveTarget,
  startLogging,
  DEFAULT_SAMPLE,
  type CommonFlags,
} from '../orchestration/cli-options.ts';

interface BuildFlags extends CommonFlags {
  from?: string;
  to?: string;
  fullRefresh?: boolean;
  sample: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('build')
    .description('Rebuild the models for the days --from..--to, or every table from scratch with --full-refresh (no loading).')
    .option('--from <YYYY-MM-DD>', 'first day to rebuild')
    .option('--to <YYYY-MM-DD>', 'last day to rebuild (included)')
    .option('--full-refresh', 'drop and rebuild every table from all loaded data')
    .option('--sample <n>', 'rows per table checked against its row schema', String(DEFAULT_SAMPLE));
  addCommonOptions(cmd);
  cmd.action(
    action(async (flags: BuildFlags) => {
      startLogging(flags);
      const from = parseDayFlag('--from', flags.from);
      const to = parseDayFlag('--to', flags.to);
      if (flags.fullRefresh && (from || to)) throw usageError('give either --from/--to or --full-refresh, not both');
      if (!flags.fullRefresh && !(from && to)) throw usageError('give --from and --to, or --full-refresh');
      if (from && to && from > to) throw usageError(`--from ${from} is after --to ${to}`);
      const outcome = await runBuild('build', {
        dataDir: resolveDataDir(flags.dataDir),
        target: resolveTarget(flags.target),
        range: from && to ? { from, to } : null,
        fullRefresh: flags.fullRefresh,
        sample: parsePositiveInt('--sample', flags.sample, 0),
      });
      return finishRun(outcome, flags);
    }),
  );
}
