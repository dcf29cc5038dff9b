// `fxa-metrics generate`: synthetic auth-server / content-server logs, one
// file per UTC day, for tests, demos and the benchmark.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { usageError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { checkOptions, generateLogs, MAX_DAYS, MAX_USERS, type GenerateOptions } from '../generator/index.ts';

interface Flags {
  out?: string;
  start?: string;
  days?: string;
  users?: string;
  seed?: string;
  gzip?: boolean;
  json?: boolean;
}

/** A whole non-negative decimal number; anything else ("1e3", "2.5", "-1", "") is a usage error. */
function wholeNumber(flag: string, value: string | undefined): number {
  if (value === undefined) throw usageError(`generate: --${flag} is required`);
  if (!/^\d{1,15}$/.test(value)) throw usageError(`generate: --${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function optionsFrom(flags: Flags): GenerateOptions {
  if (!flags.out) throw usageError('generate: --out is required');
  if (!flags.start) throw usageError('generate: --start is required (YYYY-MM-DD)');
  const opts: GenerateOptions = {
    out: flags.out,
    start: flags.start,
    days: wholeNumber('days', flags.days),
    users: wholeNumber('users', flags.users),
    seed: wholeNumber('seed', flags.seed),
    gzip: flags.gzip ?? false,
  };
  const problem = checkOptions(opts);
  if (problem) throw usageError(`generate: ${problem}`);
  try {
    if (!statSync(opts.out).isDirectory()) throw usageError(`generate: --out ${opts.out} exists and is not a directory`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return opts;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write realistic synthetic auth-server and content-server logs: one file per UTC day, deterministic for a seed.')
    .option('--out <dir>', 'output directory (created when missing; day files in it are overwritten)')
    .option('--start <YYYY-MM-DD>', 'first UTC day')
    .option('--days <n>', `number of days (1–${MAX_DAYS})`)
    .option('--users <n>', `number of users (1–${MAX_USERS}); each makes about 4 lines a day (docs/generator.md)`)
    .option('--seed <s>', 'random seed, a whole number 0–4294967295: the same seed gives byte-identical files')
    .option('--gzip', 'write fxa-auth-YYYY-MM-DD.log.gz instead of .log')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      `
Files: DIR/fxa-auth-YYYY-MM-DD.log[.gz]; an event goes into the file of the
UTC day of its time. Each line is a mozlog envelope (flowEvent, activityEvent,
or noise of other Types); ~0.2 % of lines are deliberately broken.

Example:
  fxa-metrics generate --out sample-logs --start 2017-03-01 --days 7 --users 2000 --seed 1`,
    )
    .action(
      action(async (flags: Flags) => {
        const opts = optionsFrom(flags);
        const started = performance.now();
        const result = await generateLogs(opts).catch((e: NodeJS.ErrnoException) => {
          // The output directory cannot be created or written: a usage problem, not a crash.
          if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'ENOTDIR' || e.code === 'EROFS' || e.code === 'EEXIST') {
            throw usageError(`generate: cannot write to ${opts.out}: ${e.message}`);
          }
          throw e;
        });
        const seconds = (performance.now() - started) / 1000;
        const k = result.linesByKind;
        log.info(
          `generated ${result.files.length} files in ${opts.out}: ${result.lines} lines ` +
            `(flow ${k.flow}, activity ${k.activity}, noise ${k.noise}, bad ${k.bad}), ` +
            `${(result.bytes / 1e6).toFixed(1)} MB uncompressed, ${seconds.toFixed(1)} s ` +
            `(${Math.round(result.lines / Math.max(seconds, 1e-3))} lines/s)`,
        );
        if (flags.json) process.stdout.write(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(3)) }) + '\n');
      }),
    );
}
