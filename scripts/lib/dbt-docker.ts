// The Docker runner for dbt (FXA_DBT_RUNNER=docker): the same dbt command in
// a container built from the project's Dockerfile and pinned requirements.
// The argument lists are built by pure functions so they can be checked
// without a Docker engine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { $ } from 'zx';

/** Where the project is mounted inside the container (the image's workdir). */
export const CONTAINER_PROJECT_DIR = '/usr/app';

/** Files that define the image: a change to any of them gives a new tag. */
export const DOCKER_IMAGE_INPUTS = ['Dockerfile', 'requirements.txt', 'requirements-databricks.txt'];

/** Variables handed to the container by name when set (never by value on the command line). */
export const DOCKER_SECRET_ENV = [
  'DATABRICKS_HOST',
  'DATABRICKS_HTTP_PATH',
  'DATABRICKS_TOKEN',
  'DATABRICKS_CATALOG',
  'DATABRICKS_SCHEMA',
  'FXA_DBT_THREADS',
];

/** `fxa-metrics-dbt:<first 12 hex of sha256 over the image inputs>`. */
export function dockerImageTag(projectRoot: string, read: (p: string) => Buffer = (p) => readFileSync(p)): string {
  const h = createHash('sha256');
  for (const f of DOCKER_IMAGE_INPUTS) {
    h.update(f + '\0');
    h.update(read(join(projectRoot, f)));
    h.update('\0');
  }
  return `fxa-metrics-dbt:${h.digest('hex').slice(0, 12)}`;
}

export function dockerBuildArgs(projectRoot: string, tag: string): string[] {
  return ['build', '-t', tag, '-f', join(projectRoot, 'Dockerfile'), projectRoot];
}

export interface DockerRunSpec {
  projectRoot: string;
  dataDir: string;
  image: string;
  dbtArgs: string[];
  /** non-secret variables, passed as NAME=value (host paths stay valid: the data dir is mounted at the same path) */
  env: Record<string, string>;
  /** variables passed by name only, values taken from the caller's environment */
  passThrough: string[];
  /** uid:gid so that files written into the data dir belong to the caller */
  user?: string;
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
  const args = ['run', '--rm'];
  if (spec.user) args.push('--user', spec.user);
  args.push('-v', `${project}:${CONTAINER_PROJECT_DIR}`, '-v', `${data}:${data}`, '-w', CONTAINER_PROJECT_DIR);
  for (const k of Object.keys(env).sort()) args.push('-e', `${k}=${env[k]}`);
  for (const k of [...spec.passThrough].sort()) if (!(k in env)) args.push('-e', k);
  args.push(spec.image, ...spec.dbtArgs);
  return args;
}

/** Builds the image once per tag: `docker image inspect` first, `docker build` only when missing. */
export async function ensureDockerImage(projectRoot: string, tag: string): Promise<string> {
  const inspect = await $({ quiet: true, nothrow: true })`docker image inspect ${tag}`;
  if (inspect.exitCode === 0) return tag;
  process.stderr.write(`building dbt image ${tag} (once)\n`);
  const build = await $({ quiet: true, nothrow: true, cwd: projectRoot })`docker ${dockerBuildArgs(projectRoot, tag)}`;
  if (build.exitCode !== 0) throw new Error(`docker build of ${tag} failed: ${build.stderr.trim().split('\n').pop() ?? ''}`);
  return tag;
}
