// `fxa-metrics docs`: the dbt docs site (lineage graph, model and column docs) in the data dir.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { ExitCode, exitCodesLine } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { layout, resolveDataDir } from '../lib/paths.ts';
import { checkTargetConfig } from '../lib/warehouse/index.ts';
import { withLock } from '../orchestration/lock.ts';
import { addCommonOptions, resolveTarget, startLogging, type CommonFlags } from '../orchestration/cli-options.ts';
import { buildDocsSite } from '../docs-site/build.ts';

export function register(program: Command): void {
  const cmd = program
    .command('docs')
    .description(
      'Build the dbt docs site (lineage raw → staging → marts → KPIs, model and column docs) into <data dir>/dbt-docs/ and print where it is.',
    );
  addCommonOptions(cmd, { json: false });
  cmd.addHelpText(
    'after',
    `
Prints two paths on stdout, one a line:
  <data dir>/dbt-docs/static_index.html  a single self-contained page:
                                         open it from disk in a browser
  <data dir>/dbt-docs/index.html         the classic site: serve the folder
                                         over HTTP (it reads manifest.json
                                         and catalog.json next to it)
Works before any build (models, sources and lineage are there; no column
types yet) and after one (columns and types come from the warehouse).
Holds the data dir's lock while dbt runs.
${exitCodesLine([ExitCode.ok, ExitCode.failure, ExitCode.usage, ExitCode.locked])}`,
  );
  cmd.action(
    action(async (flags: CommonFlags) => {
      startLogging(flags);
      const target = resolveTarget(flags.target);
      await checkTargetConfig(target);
      const dataDir = resolveDataDir(flags.dataDir);
      log.info(`dbt docs generate for ${dataDir} (target ${target})`);
      const site = await withLock(dataDir, 'docs', () => buildDocsSite({ dataDir, target }));
      log.info(`dbt docs site written to ${layout(dataDir).dbtDocs}`);
      process.stdout.write(`${site.staticIndex}\n${site.index}\n`);
    }),
  );
}
