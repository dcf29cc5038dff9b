// `fxa-metrics kpi-report` (alias `report`): the KPI report as one self-contained HTML file.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { log } from '../lib/log.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { checkTargetConfig, openWarehouse } from '../lib/warehouse/index.ts';
import { addCommonOptions, resolveTarget, startLogging, type CommonFlags } from '../orchestration/cli-options.ts';
import { writeKpiReport } from '../kpi-report/index.ts';
import { parseDayRangeFlags } from '../lib/days.ts';

interface KpiReportFlags extends CommonFlags {
  out: string;
  from?: string;
  to?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('kpi-report')
    .alias('report')
    .description('Write the KPI report (charts and tables of the KPI marts) as one HTML file that opens without network (alias: report).')
    .requiredOption('--out <file>', 'the HTML file to write (replaced when it exists)')
    .option('--from <YYYY-MM-DD>', 'first day shown (default: the first day in the KPI tables)')
    .option('--to <YYYY-MM-DD>', 'last day shown, included (default: the last day in the KPI tables)');
  addCommonOptions(cmd, { json: false, target: 'warehouse to read' });
  cmd.addHelpText(
    'after',
    `
Days are activity days for the activity KPIs and flow begin days for the flow
KPIs. Exit 2 when a flag is bad or the KPI tables are not built yet (run
\`fxa-metrics nightly\` or \`fxa-metrics build\`); a range without data still
writes the report, saying "no data in range".`,
  );
  cmd.action(
    action(async (flags: KpiReportFlags) => {
      startLogging(flags);
      const range = parseDayRangeFlags(flags);
      const target = resolveTarget(flags.target);
      await checkTargetConfig(target);
      const wh = await openWarehouse({ target, dataDir: resolveDataDir(flags.dataDir), readOnly: true });
      try {
        const written = await writeKpiReport(wh, resolve(flags.out), range);
        const days = written.range ? `${written.range.from}..${written.range.to}` : 'no data';
        log.info(`KPI report: ${written.path} (${days}; ${written.chartsWithData} of ${written.charts} charts with data)`);
        process.stdout.write(`${written.path}\n`);
      } finally {
        await wh.close();
      }
    }),
  );
}
