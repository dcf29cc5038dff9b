// Drives spark_session_runner.py: the real dbt on the `spark` target, every
// invocation in one Python process and so in one Spark JVM (starting Spark
// is most of the cost of a small run on this machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dbtArgs, dbtEnv } from '../../scripts/lib/dbt.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { projectRoot, venvBin } from '../../scripts/setup/python-env.ts';
import { sparkEnv, sparkHome } from './spark-home.ts';
import { tail } from './thrift-server.ts';

export interface DbtReply {
  ok: boolean;
  results: Array<{ unique_id: string; status: string; message: string | null }>;
  error: string | null;
}

export class SparkDbtSession {
  private readonly replies: AsyncIterator<string>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly logFile: string,
  ) {
    this.replies = createInterface({ input: child.stdio[3] as Readable })[Symbol.asyncIterator]();
  }

  static start(dataDir: string): SparkDbtSession {
    const home = sparkHome();
    const sparkDir = layout(dataDir).spark;
    mkdirSync(sparkDir, { recursive: true });
    const logFile = join(sparkDir, 'dbt-session.log');
    const log = openSync(logFile, 'a');
    const script = fileURLToPath(new URL('./spark_session_runner.py', import.meta.url));
    const child = spawn(venvBin('python'), [script], {
      cwd: projectRoot,
      env: { ...sparkEnv(home), ...dbtEnv({ dataDir, target: 'spark' }) },
      stdio: ['pipe', log, log, 'pipe'],
    });
    closeSync(log);
    return new SparkDbtSession(child, dataDir, logFile);
  }

  /** One dbt invocation on the spark target (e.g. ['run'], with --vars). */
  async dbt(command: string[], vars?: Record<string, unknown>): Promise<DbtReply> {
    return (await this.send({ dbt: dbtArgs(command, { dataDir: this.dataDir, target: 'spark', vars }) })) as DbtReply;
  }

  /** Writes each table as Parquet under dir/<table> (as Spark reads it). */
  async export(tables: string[], dir: string): Promise<Record<string, string>> {
    const reply = (await this.send({ export: { tables, dir } })) as { ok: boolean; files: Record<string, string>; error?: string };
    if (!reply.ok) throw new Error(`export from Spark failed: ${reply.error}`);
    return reply.files;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    (this.child.stdin as Writable).end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }

  private async send(command: unknown): Promise<unknown> {
    (this.child.stdin as Writable).write(JSON.stringify(command) + '\n');
    const next = await this.replies.next();
    if (next.done) throw new Error(`the Spark dbt session ended:\n${tail(this.logFile)}`);
    return JSON.parse(next.value);
  }
}
