// `fxa-metrics backfill`: a build of a long range in bounded chunks, with progress.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { runBuild } from '../orchestration/build.ts';
import { parseDayRangeFlags } from '../lib/days.ts';
import * as cli from '../orchestration/cli-options.ts';

interface BackfillFlags extends cli.CommonFlags {
  from: string;
  to: string;
  chunkDays: string;
  sample: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('backfill')
    .description('Rebuild the models for --from..--to in chunks of --chunk-days days, oldest first (no loading).');
  cli.addRebuildRangeOptions(cmd, { required: true }).option('--chunk-days <n>', 'days per dbt build', '7').addOption(cli.sampleOption());
  cli.addCommonOptions(cmd);
  cmd.action(
    action(async (flags: BackfillFlags) => {
      cli.startLogging(flags);
      const { from, to } = parseDayRangeFlags(flags);
      const outcome = await runBuild('backfill', {
        dataDir: resolveDataDir(flags.dataDir),
        target: cli.resolveTarget(flags.target),
        range: { from: from!, to: to! },
        chunkDays: cli.parsePositiveInt('--chunk-days', flags.chunkDays),
        sample: cli.parseSample(flags.sample),
      });
      return cli.finishRun(outcome, flags);
    }),
  );
}
