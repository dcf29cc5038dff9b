// Runs one child process and measures it: wall time on our own clock, user
// and system CPU and peak RSS from GNU `/usr/bin/time -v` (null when that
// tool is missing). Each measured stage is its own process, so its startup
// cost is part of what is measured, as it is for an operator.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimeV } from './time-v.ts';

const TIME_BIN = '/usr/bin/time';
export const haveTimeV = existsSync(TIME_BIN);

export interface Measured {
  command: string;
  exitCode: number | null;
  signal: string | null;
  wallSeconds: number;
  userSeconds: number | null;
  systemSeconds: number | null;
  maxRssKb: number | null;
  stdout: string;
  /** last part of stderr, for error messages */
  stderrTail: string;
}

export interface MeasureOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** echo the child's stderr while it runs */
  echo?: boolean;
}

const STDERR_TAIL = 8_000;

export async function measure(cmd: string, args: string[], opts: MeasureOptions = {}): Promise<Measured> {
  const tmp = mkdtempSync(join(tmpdir(), 'fxa-bench-time-'));
  const report = join(tmp, 'time.txt');
  const [file, argv] = haveTimeV ? [TIME_BIN, ['-v', '-o', report, cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  try {
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (opts.echo) process.stderr.write(b);
      err = (err + b.toString('utf8')).slice(-STDERR_TAIL);
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const t = existsSync(report) ? parseTimeV(readFileSync(report, 'utf8')) : null;
    return {
      command: [cmd, ...args].join(' '),
      exitCode: t?.exitStatus ?? code,
      signal,
      wallSeconds,
      userSeconds: t?.userSeconds ?? null,
      systemSeconds: t?.systemSeconds ?? null,
      maxRssKb: t?.maxRssKb ?? null,
      stdout: Buffer.concat(out).toString('utf8'),
      stderrTail: err,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** CPU seconds (user + system) of a measured process, or null. */
export function cpuSeconds(m: Pick<Measured, 'userSeconds' | 'systemSeconds'>): number | null {
  return m.userSeconds === null || m.systemSeconds === null ? null : m.userSeconds + m.systemSeconds;
}

/** The JSON document a `--json` command printed on stdout (the last one, if several). */
export function parseJsonOutput(stdout: string): unknown {
  const text = stdout.trim();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split('\n').reverse();
    for (const l of lines) {
      try {
        return JSON.parse(l);
      } catch {
        /* not this line */
      }
    }
    return null;
  }
}

/** Keeps a measured run small enough for the results file. */
export function forRecord(m: Measured): Omit<Measured, 'stdout' | 'stderrTail'> & { stderrTail?: string } {
  const { stdout: _out, stderrTail, ...rest } = m;
  return m.exitCode === 0 ? rest : { ...rest, stderrTail: stderrTail.slice(-2000) };
}
