// The dbt docs site of the project (lineage raw → staging → marts → KPIs,
// model and column docs) built into <data dir>/dbt-docs/. dbt writes it into
// its own target dir; only the site's four files are copied out, so the docs
// dir holds nothing but the site and dbt keeps its partial-parse state.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { runDbt, type DbtRun } from '../lib/dbt.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import { stripAnsi } from '../lib/ansi.ts';

/** static_index.html embeds manifest and catalog; index.html reads the two JSON files beside it. */
export const SITE_FILES = ['static_index.html', 'index.html', 'manifest.json', 'catalog.json'] as const;

export interface DocsSite {
  dir: string;
  /** one self-contained page: opens straight from disk */
  staticIndex: string;
  /** the classic site: needs manifest.json and catalog.json served next to it over HTTP */
  index: string;
}

export interface DocsSiteOptions {
  dataDir: string;
  target: WarehouseTarget;
}

/** Runs `dbt docs generate --static` and publishes its files into the data dir's docs dir. */
export async function buildDocsSite(opts: DocsSiteOptions): Promise<DocsSite> {
  const l = layout(opts.dataDir);
  mkdirSync(opts.dataDir, { recursive: true });
  const run = await runDbt(['docs', 'generate', '--static'], { dataDir: opts.dataDir, target: opts.target });
  if (run.exitCode !== 0) {
    throw new CliError(
      `dbt docs generate failed (exit ${run.exitCode}): ${dbtErrorLine(run)} (dbt log: ${join(l.dbtLogs, 'dbt.log')})`,
      ExitCode.failure,
    );
  }
  for (const f of SITE_FILES) {
    if (!existsSync(join(l.dbtTarget, f))) throw new CliError(`dbt docs generate wrote no ${f} in ${l.dbtTarget}`, ExitCode.failure);
  }
  // Copied beside the docs dir, then swapped in: a reader never sees half a site.
  const next = `${l.dbtDocs}.partial`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  for (const f of SITE_FILES) copyFileSync(join(l.dbtTarget, f), join(next, f));
  rmSync(l.dbtDocs, { recursive: true, force: true });
  renameSync(next, l.dbtDocs);
  return { dir: l.dbtDocs, staticIndex: join(l.dbtDocs, 'static_index.html'), index: join(l.dbtDocs, 'index.html') };
}

const CLOCK = /^\d\d:\d\d:\d\d\s+/;
/** dbt's section headers ("Runtime Error", "Compilation Error") say less than the line after them. */
const HEADER_ONLY = /^[A-Za-z ]*Error$/;

/** The line of dbt's output that best says what went wrong. */
export function dbtErrorLine(run: Pick<DbtRun, 'stdout' | 'stderr'>): string {
  const lines = stripAnsi(`${run.stdout}\n${run.stderr}`)
    .split('\n')
    .map((s) => s.replace(CLOCK, '').trim())
    .filter((s) => s.length > 0);
  const errors = lines.filter((s) => /error|exception|failed|not found/i.test(s) && !HEADER_ONLY.test(s));
  return (errors.pop() ?? lines.pop() ?? 'no output').slice(0, 300);
}
