import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dockerBuildArgs,
  dockerImageConfig,
  dockerImageTag,
  dockerRunArgs,
  ensureDockerEngine,
  secretLines,
  DOCKER_IMAGE_INPUTS,
} from '../../../scripts/lib/dbt-docker.ts';
import { dbtArgs, dbtRunner } from '../../../scripts/lib/dbt.ts';
import { dockerdArgs, engineEnv, localEngine, mirrorFromSources, LOCAL_BASE_IMAGE } from '../../../scripts/docker/local-engine.ts';

test('the docker run command line: --init, stdin for secrets, uid:gid, network, absolute mounts, env by value and settings by name only', () => {
  const args = dockerRunArgs({
    projectRoot: '/srv/fxa-metrics/',
    dataDir: '/var/lib/fxa/data',
    image: 'fxa-metrics-dbt:0123456789ab',
    dbtArgs: dbtArgs(['build'], { dataDir: '/var/lib/fxa/data', target: 'databricks', vars: { from: '2017-03-01', to: '2017-03-02' } }),
    env: {
      FXA_DATA_DIR: '/var/lib/fxa/data',
      FXA_DBT_TARGET: 'databricks',
      DBT_PROFILES_DIR: '/srv/fxa-metrics',
      DBT_TARGET_PATH: '/var/lib/fxa/data/dbt/target',
      DBT_LOG_PATH: '/var/lib/fxa/data/dbt/logs',
    },
    passThrough: ['DATABRICKS_SCHEMA', 'DATABRICKS_HOST'],
    user: '1000:1000',
    network: 'host',
    stdinSecrets: true,
  });
  assert.deepEqual(args, [
    'run',
    '--rm',
    '--init',
    '-i',
    '--user',
    '1000:1000',
    '--network',
    'host',
    '-v',
    '/srv/fxa-metrics:/usr/app',
    '-v',
    '/var/lib/fxa/data:/var/lib/fxa/data',
    '-w',
    '/usr/app',
    '-e',
    'DBT_LOG_PATH=/var/lib/fxa/data/dbt/logs',
    '-e',
    'DBT_PROFILES_DIR=/usr/app',
    '-e',
    'DBT_PROJECT_DIR=/usr/app',
    '-e',
    'DBT_TARGET_PATH=/var/lib/fxa/data/dbt/target',
    '-e',
    'FXA_DATA_DIR=/var/lib/fxa/data',
    '-e',
    'FXA_DBT_TARGET=databricks',
    '-e',
    'HOME=/tmp',
    '-e',
    'DATABRICKS_HOST',
    '-e',
    'DATABRICKS_SCHEMA',
    'fxa-metrics-dbt:0123456789ab',
    'build',
    '--vars',
    '{"from":"2017-03-01","to":"2017-03-02"}',
    '--target',
    'databricks',
  ]);
});

test('a relative data dir is mounted by its absolute path', () => {
  const args = dockerRunArgs({ projectRoot: '/p', dataDir: 'data', image: 'i', dbtArgs: ['debug'], env: {}, passThrough: [] });
  const abs = `${process.cwd()}/data`;
  assert.ok(args.includes(`${abs}:${abs}`));
  assert.ok(args.includes(`FXA_DATA_DIR=${abs}`));
  assert.ok(!args.includes('--user'));
  assert.ok(!args.includes('-i'), 'stdin stays closed when no secret follows');
});

test('secrets travel as NAME=value lines on stdin; a name or value that cannot be one line is refused', () => {
  assert.equal(secretLines({ DATABRICKS_TOKEN: 'dapi-1 2=3' }), 'DATABRICKS_TOKEN=dapi-1 2=3\n');
  assert.equal(secretLines({}), '');
  assert.throws(
    () => secretLines({ 'A B': 'x' }),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
  assert.throws(
    () => secretLines({ T: 'x\nEVIL=1' }),
    (e: { exitCode: number; message: string }) => e.exitCode === 2 && !e.message.includes('EVIL'),
  );
});

test('image settings: base image, network and CA bundle from the environment', () => {
  assert.deepEqual(dockerImageConfig({}), { baseImage: 'python:3.11-slim', network: undefined, caBundle: undefined });
  const ca = new URL(import.meta.url).pathname; // any file that exists
  assert.deepEqual(dockerImageConfig({ FXA_DOCKER_BASE_IMAGE: 'b:1', FXA_DOCKER_NETWORK: 'host', PIP_CERT: ca }), {
    baseImage: 'b:1',
    network: 'host',
    caBundle: ca,
  });
  assert.equal(dockerImageConfig({ PIP_CERT: ca, FXA_DOCKER_CA_BUNDLE: '' }).caBundle, undefined, 'empty: no bundle even with PIP_CERT');
  assert.equal(dockerImageConfig({ PIP_CERT: '/nonexistent/ca.pem' }).caBundle, undefined);
  assert.throws(
    () => dockerImageConfig({ FXA_DOCKER_CA_BUNDLE: '/nonexistent/ca.pem' }),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
});

test('no engine answering: exit 2, one line saying how to start one or use the venv runner', async () => {
  await assert.rejects(
    ensureDockerEngine({ ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
    (e: { exitCode: number; message: string }) => {
      assert.equal(e.exitCode, 2);
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.message, /no Docker engine answers .*scripts\/docker\/engine\.ts start.*FXA_DBT_RUNNER=venv/);
      return true;
    },
  );
});

test('the image tag is a hash of the Dockerfile and requirements: it changes when they do', () => {
  const files: Record<string, string> = {
    Dockerfile: 'FROM python:3.11-slim',
    'requirements.txt': 'dbt-core==1.11.16',
    'requirements-databricks.txt': 'dbt-databricks==1.12.7',
  };
  const read = (p: string) => Buffer.from(files[p.split('/').pop()!]);
  const tag = dockerImageTag('/p', 'python:3.11-slim', read);
  assert.match(tag, /^fxa-metrics-dbt:[0-9a-f]{12}$/);
  assert.equal(dockerImageTag('/p', 'python:3.11-slim', read), tag);
  assert.notEqual(dockerImageTag('/p', 'fxa-metrics-base:debian', read), tag, 'another base image, another tag');
  files['requirements-databricks.txt'] = 'dbt-databricks==1.12.8';
  assert.notEqual(dockerImageTag('/p', 'python:3.11-slim', read), tag);
  assert.deepEqual(DOCKER_IMAGE_INPUTS, ['Dockerfile', 'requirements.txt', 'requirements-databricks.txt']);
  assert.deepEqual(dockerBuildArgs('/p', tag), [
    'build',
    '-t',
    tag,
    '--build-arg',
    'BASE_IMAGE=python:3.11-slim',
    '-f',
    '/p/Dockerfile',
    '/p',
  ]);
  assert.deepEqual(dockerBuildArgs('/p', tag, { baseImage: 'b:1', network: 'host', caBundle: '/etc/ca.pem' }), [
    'build',
    '-t',
    tag,
    '--build-arg',
    'BASE_IMAGE=b:1',
    '--network',
    'host',
    '--secret',
    'id=pip_ca,src=/etc/ca.pem',
    '-f',
    '/p/Dockerfile',
    '/p',
  ]);
});

test('FXA_DBT_RUNNER: venv by default, docker on request, anything else a usage error', () => {
  assert.equal(dbtRunner({}), 'venv');
  assert.equal(dbtRunner({ FXA_DBT_RUNNER: 'docker' }), 'docker');
  assert.throws(
    () => dbtRunner({ FXA_DBT_RUNNER: 'podman' }),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
});

test('the private engine: dockerd leaves the host network alone, keeps everything under its dir, with a short exec root', () => {
  const e = localEngine('/some/checkout');
  assert.match(e.dir, /^\/tmp\/fxa-docker-[0-9a-f]{8}$/);
  assert.notEqual(localEngine('/other/checkout').dir, e.dir, 'one engine per checkout');
  const args = dockerdArgs(e);
  // no firewall rules, forwarding, masquerading or bridge of its own on the host
  for (const flag of ['--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false', '--bridge=none']) {
    assert.ok(args.includes(flag), flag);
  }
  const paths = args.filter((a) => /^--(data-root|exec-root|pidfile)=/.test(a)).map((a) => a.slice(a.indexOf('=') + 1));
  assert.equal(paths.length, 3, args.join(' '));
  for (const p of paths) assert.ok(p.startsWith(`${e.dir}/`), p);
  assert.equal(args[args.indexOf('-H') + 1], `unix://${e.socket}`);
  assert.ok(e.socket.startsWith(`${e.dir}/`));
  // containerd's socket lives under the exec root: a unix socket path must stay below 108 bytes
  assert.ok(`${e.execRoot}/containerd/containerd-debug.sock`.length < 108);
  assert.deepEqual(engineEnv(e), {
    DOCKER_HOST: `unix://${e.dir}/docker.sock`,
    FXA_DOCKER_BASE_IMAGE: LOCAL_BASE_IMAGE,
    FXA_DOCKER_NETWORK: 'host',
  });
});

test('the Debian mirror for debootstrap comes from apt: deb822 and one-line sources, the suite with main', () => {
  const deb822 = {
    path: '/etc/apt/sources.list.d/debian.sources',
    text: `Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
`,
  };
  assert.equal(mirrorFromSources([deb822], 'bookworm'), 'http://mirror.example/debian');
  assert.equal(mirrorFromSources([deb822], 'trixie'), null);
  const list = { path: '/etc/apt/sources.list', text: 'deb [arch=amd64] http://old.example/debian bookworm main\n' };
  assert.equal(
    mirrorFromSources([{ path: 'x.list', text: 'deb http://x.example/debian bookworm contrib\n' }, list, deb822], 'bookworm'),
    'http://old.example/debian',
  );
});
