import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerBuildArgs, dockerImageTag, dockerRunArgs, DOCKER_IMAGE_INPUTS } from '../../../scripts/lib/dbt-docker.ts';
import { dbtArgs, dbtRunner } from '../../../scripts/lib/dbt.ts';

test('the docker run command line: absolute mounts, workdir, env by value and secrets by name only', () => {
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
    passThrough: ['DATABRICKS_TOKEN', 'DATABRICKS_HOST'],
    user: '1000:1000',
  });
  assert.deepEqual(args, [
    'run', '--rm',
    '--user', '1000:1000',
    '-v', '/srv/fxa-metrics:/usr/app',
    '-v', '/var/lib/fxa/data:/var/lib/fxa/data',
    '-w', '/usr/app',
    '-e', 'DBT_LOG_PATH=/var/lib/fxa/data/dbt/logs',
    '-e', 'DBT_PROFILES_DIR=/usr/app',
    '-e', 'DBT_PROJECT_DIR=/usr/app',
    '-e', 'DBT_TARGET_PATH=/var/lib/fxa/data/dbt/target',
    '-e', 'FXA_DATA_DIR=/var/lib/fxa/data',
    '-e', 'FXA_DBT_TARGET=databricks',
    '-e', 'HOME=/tmp',
    '-e', 'DATABRICKS_HOST',
    '-e', 'DATABRICKS_TOKEN',
    'fxa-metrics-dbt:0123456789ab',
    'build', '--vars', '{"from":"2017-03-01","to":"2017-03-02"}', '--target', 'databricks',
  ]);
});

test('a relative data dir is mounted by its absolute path', () => {
  const args = dockerRunArgs({ projectRoot: '/p', dataDir: 'data', image: 'i', dbtArgs: ['debug'], env: {}, passThrough: [] });
  const abs = `${process.cwd()}/data`;
  assert.ok(args.includes(`${abs}:${abs}`));
  assert.ok(args.includes(`FXA_DATA_DIR=${abs}`));
  assert.ok(!args.includes('--user'));
});

test('the image tag is a hash of the Dockerfile and requirements: it changes when they do', () => {
  const files: Record<string, string> = { Dockerfile: 'FROM python:3.11-slim', 'requirements.txt': 'dbt-core==1.11.16', 'requirements-databricks.txt': 'dbt-databricks==1.12.7' };
  const read = (p: string) => Buffer.from(files[p.split('/').pop()!]);
  const tag = dockerImageTag('/p', read);
  assert.match(tag, /^fxa-metrics-dbt:[0-9a-f]{12}$/);
  assert.equal(dockerImageTag('/p', read), tag);
  files['requirements-databricks.txt'] = 'dbt-databricks==1.12.8';
  assert.notEqual(dockerImageTag('/p', read), tag);
  assert.deepEqual(DOCKER_IMAGE_INPUTS, ['Dockerfile', 'requirements.txt', 'requirements-databricks.txt']);
  assert.deepEqual(dockerBuildArgs('/p', tag), ['build', '-t', tag, '-f', '/p/Dockerfile', '/p']);
});

test('FXA_DBT_RUNNER: venv by default, docker on request, anything else a usage error', () => {
  assert.equal(dbtRunner({}), 'venv');
  assert.equal(dbtRunner({ FXA_DBT_RUNNER: 'docker' }), 'docker');
  assert.throws(() => dbtRunner({ FXA_DBT_RUNNER: 'podman' }), (e: { exitCode: number }) => e.exitCode === 2);
});
