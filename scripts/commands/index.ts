// Every subcommand registers itself here, in the order `--help` lists them.
import type { Command } from 'commander';
import { register as load } from './load.ts';
import { register as generate } from './generate.ts';
import { register as nightly } from './nightly.ts';
import { register as build } from './build.ts';
import { register as backfill } from './backfill.ts';
import { register as validate } from './validate.ts';
import { register as docs } from './docs.ts';
import { register as kpiReport } from './kpi-report.ts';
import { register as sql } from './sql.ts';

export function registerCommands(program: Command): void {
  for (const register of [load, generate, nightly, build, backfill, validate, kpiReport, docs, sql]) register(program);
}
