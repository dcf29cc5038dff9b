// Starts and stops a real Spark Thrift Server (HiveServer2 protocol) for the
// driver test: HTTP transport over TLS, its own Derby metastore and
// warehouse in a temp dir, reachable only from this machine.
//
// The pyspark wheel ships the thriftserver jar but not
// start-thriftserver.sh, so the server class is started with spark-submit.
// Spark 4's HTTP mode binds every interface (it ignores
// hive.server2.thrift.bind.host), so the server runs in a private network
// namespace (`unshare --net`, only loopback inside) and a relay inside
// exposes it as a Unix socket in the temp dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sparkEnv, sparkHome } from './spark-home.ts';

export interface ThriftServer {
  /** Unix socket that reaches the server's HTTPS port */
  socketPath: string;
  /** HTTP path of the Thrift endpoint */
  httpPath: string;
  /** the server's self-signed certificate (PEM), the one CA to trust */
  caCert: string;
  /** the same key and certificate as PKCS#12, for a TLS endpoint in front of it */
  pfx: Buffer;
  passphrase: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Why the server cannot run on this machine, or null when it can. */
export function thriftServerUnavailable(): string | null {
  if (spawnSync('keytool', ['-help']).error) return 'keytool (JDK) is not on PATH';
  const ns = spawnSync('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up']);
  if (ns.error || ns.status !== 0) {
    return (
      "cannot confine Spark's HTTP Thrift port to loopback: Spark 4 binds every interface in HTTP mode, " +
      `and a private network namespace is not available here (unshare --net: ${ns.error?.message ?? ns.stderr.toString().trim()})`
    );
  }
  return null;
}

const INNER_PORT = 10001; // inside the namespace: no other process can hold it
const HTTP_PATH = 'cliservice';

export async function startThriftServer(dir: string, timeoutMs = 180_000): Promise<ThriftServer> {
  const home = sparkHome();
  const passphrase = randomBytes(12).toString('hex');
  const keystore = join(dir, 'keystore.p12');
  keytool([
    '-genkeypair',
    '-alias',
    'hs2',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-storetype',
    'PKCS12',
    '-keystore',
    keystore,
    '-storepass',
    passphrase,
    '-keypass',
    passphrase,
    '-validity',
    '2',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=dns:localhost,ip:127.0.0.1',
  ]);
  const caCert = keytool(['-exportcert', '-rfc', '-alias', 'hs2', '-keystore', keystore, '-storepass', passphrase]);

  const socketPath = join(dir, 'hs2.sock');
  const logFile = join(dir, 'thriftserver.log');
  const relay = fileURLToPath(new URL('./netns-relay.ts', import.meta.url));
  const tsx = import.meta.resolve('tsx');
  const sparkArgs = [
    '--class',
    'org.apache.spark.sql.hive.thriftserver.HiveThriftServer2',
    '--master',
    'local[1]',
    '--driver-memory',
    '1g',
    '--driver-java-options',
    `-Dderby.system.home=${dir}`,
    '--conf',
    'spark.ui.enabled=false',
    '--conf',
    'spark.driver.host=127.0.0.1',
    '--conf',
    'spark.driver.bindAddress=127.0.0.1',
    '--conf',
    'spark.sql.session.timeZone=UTC',
    '--conf',
    'spark.sql.shuffle.partitions=1',
    '--conf',
    `spark.sql.warehouse.dir=${join(dir, 'spark-warehouse')}`,
    // a throw-away in-memory Derby metastore: faster to create, and it is
    // this JVM's alone (Derby lets one JVM open a database)
    '--conf',
    'spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:memory:fxa_hs2_metastore;create=true',
    '--hiveconf',
    'hive.server2.transport.mode=http',
    '--hiveconf',
    `hive.server2.thrift.http.port=${INNER_PORT}`,
    '--hiveconf',
    'hive.server2.thrift.bind.host=127.0.0.1',
    '--hiveconf',
    `hive.server2.thrift.http.path=${HTTP_PATH}`,
    '--hiveconf',
    'hive.server2.use.SSL=true',
    '--hiveconf',
    `hive.server2.keystore.path=${keystore}`,
    '--hiveconf',
    `hive.server2.keystore.password=${passphrase}`,
    'spark-internal',
  ];
  // Values reach the shell as positional arguments, never inside its script.
  const script =
    'ip link set lo up || exit 1; node=$1 tsx=$2 relay=$3 sock=$4 port=$5; shift 5; ' +
    '"$node" --import "$tsx" "$relay" "$sock" "$port" & exec "$@"';
  const log = openSync(logFile, 'a');
  const child = spawn(
    'unshare',
    [
      '--net',
      '--',
      'sh',
      '-c',
      script,
      'sh',
      process.execPath,
      tsx,
      relay,
      socketPath,
      String(INNER_PORT),
      join(home, 'bin', 'spark-submit'),
      ...sparkArgs,
    ],
    {
      cwd: dir,
      env: sparkEnv(home),
      detached: true, // its own process group: stop() ends the JVM and the relay together
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const server: ThriftServer = {
    socketPath,
    httpPath: `/${HTTP_PATH}`,
    caCert,
    pfx: readFileSync(keystore),
    passphrase,
    logFile,
    stop: () => stopGroup(child, exited),
  };
  try {
    await waitUntilStarted(child, logFile, socketPath, timeoutMs);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

function keytool(args: string[]): string {
  const r = spawnSync('keytool', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keytool ${args[0]} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function waitUntilStarted(child: ChildProcess, logFile: string, socketPath: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Spark Thrift Server exited early:\n${tail(logFile)}`);
    }
    if (existsSync(socketPath) && readFileSync(logFile, 'utf8').includes('HiveThriftServer2 started')) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Spark Thrift Server did not start within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // the relay, should it have outlived the JVM
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
