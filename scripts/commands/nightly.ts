// `fxa-metrics nightly`: the scheduled job (scripts/orchestration/nightly.ts).
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { runNightly } from '../orchestration/nightly.ts';
import { parseDayFlag } from '../lib/days.ts';
import * as cli from '../orchestration/cli-options.ts';

interface NightlyFlags extends cli.CommonFlags {
  input: string;
  date?: string;
  hmacKeyFile?: string;
  maxRejectRate: string;
  sample: string;
  kpiReport: boolean;
  /** the old name of --no-kpi-report */
  report: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('nightly')
    .description('Load new log files, rebuild the days they touched, validate, and write a run-report.')
    .requiredOption('--input <dir>', 'directory of log files; files loaded before (same checksum) are not loaded again')
    .option('--date <YYYY-MM-DD>', 'also rebuild this day, even when nothing new touched it')
    .option('--hmac-key-file <file>', 'file holding the uid HMAC key (default: $FXA_UID_HMAC_KEY)')
    .option('--max-reject-rate <rate>', 'fail the data checks (exit 3) when rejected/read lines exceed this share', '0.01')
    .addOption(cli.sampleOption())
    .option('--no-kpi-report', 'do not write the KPI report <data-dir>/runs/<run-id>.report.html')
    .option('--no-report', 'the same as --no-kpi-report (its earlier name)');
  cli.addCommonOptions(cmd).addHelpText(
    'after',
    `
Days rebuilt: one contiguous range from the earliest to the latest day touched
(a late file for an early day widens it), plus days left by an interrupted run
(<data-dir>/runs/pending-days.json). Nothing new and no --date: does nothing,
exit 0. Run-report: <data-dir>/runs/<run-id>.json; after a build, also the KPI
report <data-dir>/runs/<run-id>.report.html (not with --no-kpi-report; if it
cannot be written the data stays built and the run exits 1).`,
  );
  cmd.action(
    action(async (flags: NightlyFlags) => {
      cli.startLogging(flags);
      const outcome = await runNightly({
        input: flags.input,
        dataDir: resolveDataDir(flags.dataDir),
        target: cli.resolveTarget(flags.target),
        date: parseDayFlag('--date', flags.date),
        hmacKeyFile: flags.hmacKeyFile,
        maxRejectRate: cli.parseRate(flags.maxRejectRate),
        sample: cli.parseSample(flags.sample),
        // the loader's progress lines are plain text: keep them out of JSON logs
        progress: flags.logFormat === 'json' ? 'never' : 'auto',
        kpiReport: flags.kpiReport && flags.report,
      });
      return cli.finishRun(outcome, flags);
    }),
  );
}
