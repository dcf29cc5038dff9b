// The Docker runner for dbt (FXA_DBT_RUNNER=docker): the same dbt command in
// a container built from the project's Dockerfile and pinned requirements.
// The argument lists are built by pure functions so they can be checked
// without a Docker engine; tests/docker/ runs them against a real one.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { $ } from 'zx';
import { usageError, CliError } from './errors.ts';

/** Where the project is mounted inside the container (the image's workdir). */
export const CONTAINER_PROJECT_DIR = '/usr/app';

/** Files that define the image: a change to any of them gives a new tag. */
export const DOCKER_IMAGE_INPUTS = ['Dockerfile', 'requirements.txt', 'requirements-databricks.txt'];

/** The Dockerfile's default base (a machine with a registry pulls it). */
export const DEFAULT_BASE_IMAGE = 'python:3.11-slim';

/** The build secret's id: the Dockerfile mounts it for pip at /run/secrets/pip_ca. */
export const CA_SECRET_ID = 'pip_ca';

/** Settings dbt reads from the environment, handed over by name (`-e NAME`) when set; none is secret. */
export const DOCKER_PASS_ENV = [
  'DATABRICKS_HOST',
  'DATABRICKS_HTTP_PATH',
  'DATABRICKS_CATALOG',
  'DATABRICKS_SCHEMA',
  'FXA_DBT_THREADS',
  'FXA_DUCKDB_MEMORY_LIMIT',
];

/**
 * Secrets dbt needs for a target. They go to the container as NAME=value lines on its
 * stdin (the image's entrypoint exports them), so they are in no command line and in
 * no `docker inspect` output; `-e NAME` would keep the value in the container's config.
 */
export const DOCKER_STDIN_SECRETS: Record<string, string[]> = { databricks: ['DATABRICKS_TOKEN'] };

export interface DockerImageConfig {
  /** BASE_IMAGE build argument (FXA_DOCKER_BASE_IMAGE) */
  baseImage: string;
  /** `docker build --network` and the network of dbt runs that need one (FXA_DOCKER_NETWORK) */
  network?: string;
  /** a CA bundle pip must trust, as a build secret (FXA_DOCKER_CA_BUNDLE, else PIP_CERT) */
  caBundle?: string;
}

/** The image settings from the environment. FXA_DOCKER_CA_BUNDLE= (empty) means none, even with PIP_CERT set. */
export function dockerImageConfig(env: NodeJS.ProcessEnv = process.env): DockerImageConfig {
  const caBundle = env.FXA_DOCKER_CA_BUNDLE ?? env.PIP_CERT;
  if (env.FXA_DOCKER_CA_BUNDLE && !existsSync(env.FXA_DOCKER_CA_BUNDLE)) {
    throw usageError(`FXA_DOCKER_CA_BUNDLE: no such file ${env.FXA_DOCKER_CA_BUNDLE}`);
  }
  return {
    baseImage: env.FXA_DOCKER_BASE_IMAGE || DEFAULT_BASE_IMAGE,
    network: env.FXA_DOCKER_NETWORK || undefined,
    caBundle: caBundle && existsSync(caBundle) ? resolve(caBundle) : undefined,
  };
}

/**
 * `fxa-metrics-dbt:<first 12 hex of sha256 over the image inputs and the base image>`.
 * The network and the CA bundle change how the image is fetched, not what is in it.
 */
export function dockerImageTag(
  projectRoot: string,
  baseImage: string = DEFAULT_BASE_IMAGE,
  read: (p: string) => Buffer = (p) => readFileSync(p),
): string {
  const h = createHash('sha256');
  for (const f of DOCKER_IMAGE_INPUTS) {
    h.update(f + '\0');
    h.update(read(join(projectRoot, f)));
    h.update('\0');
  }
  h.update(`BASE_IMAGE=${baseImage}\0`);
  return `fxa-metrics-dbt:${h.digest('hex').slice(0, 12)}`;
}

/** The `docker build …` argument list; run it with DOCKER_BUILDKIT=1 (the Dockerfile mounts a secret). */
export function dockerBuildArgs(projectRoot: string, tag: string, config: DockerImageConfig = { baseImage: DEFAULT_BASE_IMAGE }): string[] {
  const args = ['build', '-t', tag, '--build-arg', `BASE_IMAGE=${config.baseImage}`];
  if (config.network) args.push('--network', config.network);
  if (config.caBundle) args.push('--secret', `id=${CA_SECRET_ID},src=${config.caBundle}`);
  args.push('-f', join(projectRoot, 'Dockerfile'), projectRoot);
  return args;
}

export interface DockerRunSpec {
  projectRoot: string;
  dataDir: string;
  image: string;
  dbtArgs: string[];
  /** non-secret variables, passed as NAME=value (host paths stay valid: the data dir is mounted at the same path) */
  env: Record<string, string>;
  /** non-secret variables passed by name only, values taken from the caller's environment */
  passThrough: string[];
  /** uid:gid so that files written into the data dir belong to the caller */
  user?: string;
  /** `--network`: none for DuckDB (dbt needs none), the configured one for a remote warehouse */
  network?: string;
  /** secrets follow on stdin: keep it open (`-i`) */
  stdinSecrets?: boolean;
}

/** The `docker run …` argument list (without the leading `docker`). */
export function dockerRunArgs(spec: DockerRunSpec): string[] {
  const project = resolve(spec.projectRoot);
  const data = resolve(spec.dataDir);
  const env: Record<string, string> = {
    ...spec.env,
    FXA_DATA_DIR: data,
    DBT_PROFILES_DIR: CONTAINER_PROJECT_DIR,
    DBT_PROJECT_DIR: CONTAINER_PROJECT_DIR,
    // the image has no home directory for an arbitrary uid
    HOME: '/tmp',
  };
  // --init: dbt is not PID 1, so a SIGTERM the CLI forwards stops it
  const args = ['run', '--rm', '--init'];
  if (spec.stdinSecrets) args.push('-i');
  if (spec.user) args.push('--user', spec.user);
  if (spec.network) args.push('--network', spec.network);
  args.push('-v', `${project}:${CONTAINER_PROJECT_DIR}`, '-v', `${data}:${data}`, '-w', CONTAINER_PROJECT_DIR);
  for (const k of Object.keys(env).sort()) args.push('-e', `${k}=${env[k]}`);
  for (const k of [...spec.passThrough].sort()) if (!(k in env)) args.push('-e', k);
  args.push(spec.image, ...spec.dbtArgs);
  return args;
}

export interface DockerDbtSpec {
  projectRoot: string;
  dataDir: string;
  /** the resolved target (duckdb, spark, databricks) */
  target: string;
  dbtArgs: string[];
  /** dbt's non-secret environment (paths, target, dbt settings) */
  env: Record<string, string>;
  /** the caller's extra variables, which may hold secrets: they travel on stdin */
  secrets: Record<string, string>;
  /** the environment the docker client runs with */
  callerEnv: NodeJS.ProcessEnv;
  user?: string;
}

/** The docker arguments and the stdin of one dbt run; builds the image first if it is missing. */
export async function dockerDbtInvocation(spec: DockerDbtSpec): Promise<{ args: string[]; input: string }> {
  const config = dockerImageConfig(spec.callerEnv);
  const image = await ensureDockerImage(spec.projectRoot, config, spec.callerEnv);
  const secrets: Record<string, string> = { ...spec.secrets };
  for (const k of DOCKER_STDIN_SECRETS[spec.target] ?? []) if (spec.callerEnv[k] !== undefined) secrets[k] = spec.callerEnv[k]!;
  const args = dockerRunArgs({
    projectRoot: spec.projectRoot,
    dataDir: spec.dataDir,
    image,
    dbtArgs: spec.dbtArgs,
    env: spec.env,
    passThrough: DOCKER_PASS_ENV.filter((k) => spec.callerEnv[k] !== undefined && !(k in secrets)),
    user: spec.user,
    network: spec.target === 'duckdb' ? 'none' : config.network,
    stdinSecrets: Object.keys(secrets).length > 0,
  });
  return { args, input: secretLines(secrets) };
}

/** NAME=value lines for the entrypoint; a value with a newline cannot be one line and is refused. */
export function secretLines(secrets: Record<string, string>): string {
  return Object.entries(secrets)
    .map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw usageError(`not a variable name: ${k}`);
      if (/[\r\n]/.test(v)) throw usageError(`${k} holds a line break: it cannot be handed to the container`);
      return `${k}=${v}\n`;
    })
    .join('');
}

let engineChecked = '';

/** Exit 2 with one line when no engine answers: say how to start one, or to use the venv runner. */
export async function ensureDockerEngine(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const key = env.DOCKER_HOST ?? '';
  if (engineChecked === key) return;
  const info = await $({ quiet: true, nothrow: true, env })`docker info --format ${'{{.ServerVersion}}'}`.catch((e: Error) => ({
    exitCode: 127,
    stderr: e.message,
  }));
  if (info.exitCode !== 0) {
    const why = info.stderr.trim().split('\n').pop() || `docker exited ${info.exitCode}`;
    throw usageError(
      `FXA_DBT_RUNNER=docker: no Docker engine answers (docker info: ${why}); start one ` +
        `(without a system engine: node --import tsx scripts/docker/engine.ts start) or use FXA_DBT_RUNNER=venv`,
    );
  }
  engineChecked = key;
}

/** Builds the image once per tag: `docker image inspect` first, `docker build` only when missing. */
export async function ensureDockerImage(
  projectRoot: string,
  config: DockerImageConfig = dockerImageConfig(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  await ensureDockerEngine(env);
  const tag = dockerImageTag(projectRoot, config.baseImage);
  const inspect = await $({ quiet: true, nothrow: true, env })`docker image inspect ${tag}`;
  if (inspect.exitCode === 0) return tag;
  process.stderr.write(`building dbt image ${tag} from ${config.baseImage} (once)\n`);
  const build = await $({
    quiet: true,
    nothrow: true,
    cwd: projectRoot,
    env: { ...env, DOCKER_BUILDKIT: '1' },
  })`docker ${dockerBuildArgs(projectRoot, tag, config)}`;
  if (build.exitCode !== 0) {
    const lines = build.stderr
      .trim()
      .split('\n')
      .filter((l) => /error/i.test(l));
    throw new CliError(`docker build of ${tag} failed: ${(lines.pop() ?? build.stderr.trim().split('\n').pop() ?? '').trim()}`);
  }
  return tag;
}
