// A private Docker engine for machines without a registry (and without a
// system dockerd): Debian's docker.io started by hand with flags that leave
// the host's network alone, plus a base image made from Debian's own packages
// (debootstrap), since `FROM python:3.11-slim` cannot be pulled. Used by
// `npm run test:docker` and `scripts/docker/engine.ts start|stop|env`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../setup/python-env.ts';

/** The base image built from Debian packages; FXA_DOCKER_BASE_IMAGE names it for the runner. */
export const LOCAL_BASE_IMAGE = 'fxa-metrics-base:debian';
const BASE_PACKAGES = ['python3', 'python3-pip', 'python3-venv', 'ca-certificates'];

export interface LocalEngine {
  /** everything the engine owns; removed by stop */
  dir: string;
  dataRoot: string;
  /** short on purpose: containerd's socket path under it must stay below 108 characters */
  execRoot: string;
  socket: string;
  pidFile: string;
  logFile: string;
  /** holds a `docker` link to a client that can build with BuildKit, when the one on PATH cannot */
  binDir: string;
}

/** One engine per checkout, under /tmp (never inside the project: the project is bind-mounted into containers). */
export function localEngine(root: string = projectRoot): LocalEngine {
  const dir = join('/tmp', `fxa-docker-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`);
  return {
    dir,
    dataRoot: join(dir, 'root'),
    execRoot: join(dir, 'x'),
    socket: join(dir, 'docker.sock'),
    pidFile: join(dir, 'dockerd.pid'),
    logFile: join(dir, 'dockerd.log'),
    binDir: join(dir, 'bin'),
  };
}

/** The dockerd command line: no iptables, no IP forwarding, no bridge, everything under the engine's dir. */
export function dockerdArgs(e: LocalEngine): string[] {
  return [
    '--iptables=false',
    '--ip6tables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--bridge=none',
    '--storage-driver=overlay2',
    `--data-root=${e.dataRoot}`,
    `--exec-root=${e.execRoot}`,
    `--pidfile=${e.pidFile}`,
    '-H',
    `unix://${e.socket}`,
  ];
}

/** What a shell needs to use the engine with the Docker runner. */
export function engineEnv(e: LocalEngine): Record<string, string> {
  const env: Record<string, string> = {
    DOCKER_HOST: `unix://${e.socket}`,
    FXA_DOCKER_BASE_IMAGE: LOCAL_BASE_IMAGE,
    // with --bridge=none a build's RUN steps (and a Databricks run) have no network otherwise
    FXA_DOCKER_NETWORK: 'host',
  };
  if (existsSync(join(e.binDir, 'docker'))) env.PATH = `${e.binDir}:${process.env.PATH ?? ''}`;
  return env;
}

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
const lastLine = (s: string | null | undefined) => (s ?? '').trim().split('\n').pop() ?? '';
const has = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why an engine cannot be started here, or null when it can (after installing what is missing). */
export function prepareHost(): string | null {
  if (process.platform !== 'linux') return `a private dockerd needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'starting dockerd needs root: run it as root';
  const missing = [
    ['dockerd', 'docker.io'],
    ['debootstrap', 'debootstrap'],
  ]
    .filter(([cmd]) => !has(cmd))
    .map(([, pkg]) => pkg);
  if (missing.length) {
    process.stderr.write(`installing ${missing.join(', ')} with apt-get\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], env);
    if (r.status !== 0) {
      run('apt-get', ['update'], env);
      r = run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], env);
    }
    if (r.status !== 0) return `apt-get install ${missing.join(' ')} failed: ${lastLine(r.stderr) || lastLine(r.stdout)}`;
  }
  return null;
}

function pidOf(e: LocalEngine): number | null {
  if (!existsSync(e.pidFile)) return null;
  const pid = Number(readFileSync(e.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  // only a dockerd started with this engine's data root counts as ours
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.some((a) => a.endsWith('dockerd')) && cmd.includes(`--data-root=${e.dataRoot}`) ? pid : null;
  } catch {
    return null;
  }
}

export function engineRunning(e: LocalEngine): boolean {
  return pidOf(e) !== null && dockerInfo(e).ok;
}

function dockerInfo(e: LocalEngine): { ok: boolean; error: string } {
  const r = run('docker', ['info', '--format', '{{.ServerVersion}}'], { ...process.env, DOCKER_HOST: `unix://${e.socket}` });
  return { ok: r.status === 0, error: lastLine(r.stderr) || (r.error?.message ?? '') };
}

/**
 * Starts the engine unless it already runs. Returns null when it runs, or why it could not start.
 * The `docker` on PATH may be a newer client without buildx (so without BuildKit): then a link to
 * Debian's 20.10 client, which has BuildKit built in, goes first on the engine's PATH.
 */
export async function startEngine(e: LocalEngine): Promise<string | null> {
  if (engineRunning(e)) return null;
  if (existsSync(e.dir)) await stopEngine(e); // leftovers of an engine that died
  // others may pass through to the socket (its group, docker, decides who may use it)
  mkdirSync(e.dir, { recursive: true, mode: 0o711 });
  mkdirSync(e.binDir);
  if (!clientHasBuildKit('docker') && clientHasBuildKit('/usr/bin/docker')) symlinkSync('/usr/bin/docker', join(e.binDir, 'docker'));
  const log = openSync(e.logFile, 'a');
  const child = spawn('dockerd', dockerdArgs(e), { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = `dockerd exited (${signal ?? code})`));
  child.on('error', (err) => (exited = `dockerd did not start: ${err.message}`));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    if (exited) break;
    if (dockerInfo(e).ok) return null;
  }
  const tail = existsSync(e.logFile) ? lastLine(readFileSync(e.logFile, 'utf8')) : '';
  const why = `${exited ?? 'dockerd did not answer within 30 s'}${tail ? `: ${tail}` : ''}`;
  await stopEngine(e);
  return why;
}

/** A client builds with BuildKit when it has it built in (20.10) or has the buildx plugin. */
function clientHasBuildKit(docker: string): boolean {
  const v = run(docker, ['version', '--format', '{{.Client.Version}}']);
  if (v.status !== 0 && !v.stdout) return false;
  const major = Number(v.stdout.trim().split('.')[0]);
  return major < 23 ? major >= 18 : run(docker, ['buildx', 'version']).status === 0;
}

/** Stops our dockerd by its pid, unmounts what it left mounted and removes its dir. */
export async function stopEngine(e: LocalEngine): Promise<void> {
  const pid = pidOf(e);
  if (pid !== null) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && existsSync(`/proc/${pid}`)) await new Promise((r) => setTimeout(r, 200));
    if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  }
  // <exec-root>/netns/default, and any container mount a killed engine left; deepest first
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === e.dir || m.startsWith(e.dir + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) if (run('umount', [m]).status !== 0) run('umount', ['-l', m]);
  rmSync(e.dir, { recursive: true, force: true });
}

/** The Debian mirror and release apt already uses (deb822 .sources or sources.list). */
export function aptMirror(): { mirror: string; suite: string } {
  const suite = /^VERSION_CODENAME=(\S+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  if (!suite) throw new Error('no VERSION_CODENAME in /etc/os-release');
  const paths = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f))];
  const files = paths
    .filter((p) => /\.(list|sources)$/.test(p) && existsSync(p))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const mirror = mirrorFromSources(files, suite);
  if (!mirror) throw new Error(`no apt source for ${suite} main in /etc/apt`);
  return { mirror, suite };
}

/** The first source of `suite` with the main component, in file order. */
export function mirrorFromSources(files: Array<{ path: string; text: string }>, suite: string): string | null {
  for (const { path, text } of files) {
    if (path.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k: string) => new RegExp(`^${k}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
        if (field('Suites').includes(suite) && field('Components').includes('main') && field('URIs')[0]) return field('URIs')[0];
      }
    } else {
      const m = new RegExp(`^deb\\s+(?:\\[[^\\]]*\\]\\s+)?(\\S+)\\s+${suite}\\s+.*\\bmain\\b`, 'm').exec(text);
      if (m) return m[1];
    }
  }
  return null;
}

function listDir(d: string): string[] {
  try {
    return readdirSync(d).sort();
  } catch {
    return [];
  }
}

/** Builds LOCAL_BASE_IMAGE with debootstrap and `docker import`, unless the engine has it. */
export function ensureBaseImage(e: LocalEngine): string | null {
  const env = { ...process.env, ...engineEnv(e) };
  if (run('docker', ['image', 'inspect', LOCAL_BASE_IMAGE], env).status === 0) return null;
  const { mirror, suite } = aptMirror();
  const rootfs = join(e.dir, 'rootfs');
  process.stderr.write(`building ${LOCAL_BASE_IMAGE} from Debian ${suite} packages (${mirror})\n`);
  rmSync(rootfs, { recursive: true, force: true });
  const boot = run('debootstrap', ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, suite, rootfs, mirror]);
  if (boot.status !== 0) return `debootstrap failed: ${lastLine(boot.stdout) || lastLine(boot.stderr)}`;
  // what a container never needs: package lists and caches
  for (const d of ['var/lib/apt/lists', 'var/cache/apt', 'var/cache/debconf']) rmSync(join(rootfs, d), { recursive: true, force: true });
  const imp = spawnSync('sh', ['-c', 'tar -C "$1" -c . | docker import -c "ENV LANG=C.UTF-8" - "$2"', 'import', rootfs, LOCAL_BASE_IMAGE], {
    encoding: 'utf8',
    env,
  });
  rmSync(rootfs, { recursive: true, force: true });
  return imp.status === 0 ? null : `docker import failed: ${lastLine(imp.stderr)}`;
}
