// `fxa-metrics validate`: the live warehouse against schemas/tables/*.json.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { ExitCode } from '../lib/errors.ts';
import { log, logFormat } from '../lib/log.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { checkTargetConfig, openWarehouse } from '../lib/warehouse/index.ts';
import { redact } from '../lib/secrets.ts';
import { readTableContracts } from '../orchestration/table-contracts.ts';
import { validateWarehouse } from '../orchestration/validate.ts';
import * as cli from '../orchestration/cli-options.ts';

interface ValidateFlags extends cli.CommonFlags {
  sample: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description('Check the live warehouse against the table contracts in schemas/tables/ (columns, types, nullability, sampled rows).')
    .addOption(cli.sampleOption());
  cli.addCommonOptions(cmd, { json: false });
  cmd.option('--json', 'print the findings as JSON on stdout');
  cmd.addHelpText('after', `\nExit ${ExitCode.ok} when the warehouse matches every contract, ${ExitCode.dataChecks} on any finding.`);
  cmd.action(
    action(async (flags: ValidateFlags) => {
      cli.startLogging(flags);
      const target = cli.resolveTarget(flags.target);
      const sample = cli.parseSample(flags.sample);
      await checkTargetConfig(target);
      const contracts = readTableContracts();
      const wh = await openWarehouse({ target, dataDir: resolveDataDir(flags.dataDir), readOnly: true });
      let result;
      try {
        result = await validateWarehouse(wh, contracts, sample);
      } finally {
        await wh.close();
      }
      if (flags.json) process.stdout.write(redact(JSON.stringify(result, null, 2)) + '\n');
      for (const f of result.findings) {
        const extra = f.rows ? ` (${f.rows} of the sampled rows, e.g. ${f.example})` : '';
        if (logFormat() === 'json')
          log.error(f.message, { table: f.table, column: f.column, kind: f.kind, rows: f.rows, example: f.example });
        else process.stderr.write(`${f.kind}: ${f.message}${extra}\n`);
      }
      const sampled = result.tables.reduce((s, t) => s + t.sampledRows, 0);
      log.info(`validate: ${result.findings.length} finding(s) over ${result.tables.length} table(s), ${sampled} rows sampled`);
      return result.findings.length ? ExitCode.dataChecks : ExitCode.ok;
    }),
  );
}
