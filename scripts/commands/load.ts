// `fxa-metrics load`: log files → validated, privacy-safe raw zone (docs/raw-zone.md).
import { Option, type Command } from 'commander';
import { action } from '../lib/command.ts';
import { ExitCode } from '../lib/errors.ts';
import { configureLog, log, type LogFormat } from '../lib/log.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { registerSecret } from '../lib/secrets.ts';
import { listLogFiles, loadFiles, resolveHmacKey, type LoadResult } from '../loader/index.ts';
import { fileNotices } from '../loader/counts.ts';
import { checkDataDirKey } from '../loader/key.ts';
import { loadUnderLock } from '../orchestration/run.ts';

interface LoadFlags {
  dataDir?: string;
  hmacKeyFile?: string;
  json?: boolean;
  logFormat: LogFormat;
}

function countsTable(r: LoadResult): string {
  const c = r.counts;
  const rows: Array<[string, number | string]> = [
    ['files loaded', r.files.filter((f) => f.status === 'loaded').length],
    ['files already loaded', r.files.filter((f) => f.status === 'already_loaded').length],
    ['files unreadable', r.files.filter((f) => f.status === 'unreadable').length],
    ['lines read', c.lines_read],
    ['loaded flow events', c.loaded_flow_events],
    ['loaded activity events', c.loaded_activity_events],
    ['duplicates', c.duplicates],
    ['skipped', c.skipped],
    ['rejected', c.rejected],
    ...Object.entries(c.rejected_by_reason)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]): [string, number] => [`  ${k}`, v]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = r.noop ? 'nothing new to load (every file was loaded before)' : `load ${r.loadId}`;
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(12)}`);
  if (r.quarantineFile) lines.push(`  rejected lines: ${r.quarantineFile}`);
  for (const notice of fileNotices(r.files)) lines.push(`  ${notice}`);
  if (r.daysTouched.length)
    lines.push(`  days: ${r.daysTouched[0]} … ${r.daysTouched[r.daysTouched.length - 1]} (${r.daysTouched.length})`);
  return [head, ...lines].join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('load')
    .description('Validate auth-server log files, HMAC uids and write them to the raw zone (Parquet by day).')
    .argument('<inputs...>', 'log files (.log, .ndjson, .jsonl, optionally .gz) or directories of them')
    .option('--data-dir <dir>', 'data directory (default: $FXA_DATA_DIR or ./data)')
    .option('--hmac-key-file <file>', 'file holding the uid HMAC key (default: $FXA_UID_HMAC_KEY)')
    .option('--json', 'print the load result as JSON on stdout')
    .addOption(new Option('--log-format <format>', 'log lines as text or JSON').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Every input line ends up counted as exactly one of: loaded, duplicate, skipped
(blank or not a metrics event) or rejected (written to <data-dir>/quarantine/).
A file loaded before (same content) is not loaded again. A file that cannot be
read to its end (a truncated or non-gzip .gz, a dangling symlink) is reported,
loads none of its lines, and makes the exit code 3; the other files load.`,
    )
    .action(
      action(async (inputs: string[], flags: LoadFlags) => {
        configureLog({ format: flags.logFormat });
        // Everything that can be wrong with the invocation is checked before anything is written.
        const hmacKey = resolveHmacKey({ keyFile: flags.hmacKeyFile, env: process.env });
        registerSecret(hmacKey);
        listLogFiles(inputs);
        const dataDir = resolveDataDir(flags.dataDir);
        checkDataDirKey(dataDir, hmacKey);
        const result = await loadUnderLock(dataDir, hmacKey, () => loadFiles({ dataDir, hmacKey, inputs, progress: 'auto' }));
        if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        if (flags.logFormat === 'json') log.info('load finished', { load_id: result.loadId, noop: result.noop, counts: result.counts });
        else process.stderr.write(countsTable(result));
        return result.files.some((f) => f.status === 'unreadable') ? ExitCode.dataChecks : ExitCode.ok;
      }),
    );
}
