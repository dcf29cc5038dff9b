// `npm run test:docker`: the Docker runner against a real engine
// (tests/docker/*.test.ts). Uses the private engine of
// scripts/docker/engine.ts when it already runs (and leaves it running);
// otherwise installs docker.io and debootstrap with apt-get, starts its own
// dockerd, builds the Debian base image, and afterwards stops that dockerd by
// its pid and removes its mounts and data. The project's image is built
// before the tests (the tests then check that runs reuse it).
//   npm run test:docker                            skips, saying why, where no engine can start
//   npm run test:docker -- --require-engine        fails instead of skipping (CI)
//   npm run test:docker -- --keep                  leaves a started engine running
//   npm run test:docker -- <pattern>               only test files whose name contains <pattern>
import { ensurePythonEnv, projectRoot } from './setup/python-env.ts';
import { findTestFiles, runTestFiles, selectTestFiles } from './lib/test-files.ts';
import { engineEnv, engineRunning, ensureBaseImage, localEngine, prepareHost, startEngine, stopEngine } from './docker/local-engine.ts';
import { dockerImageConfig, ensureDockerImage } from './lib/dbt-docker.ts';

const argv = process.argv.slice(2);
const requireEngine = argv.includes('--require-engine');
const keep = argv.includes('--keep');
const filters = argv.filter((a) => !a.startsWith('--'));
const files = selectTestFiles(findTestFiles('tests/docker'), filters, 'Docker test', 'name');

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const say = (s: string) => process.stderr.write(`test:docker: ${s}\n`);
const engine = localEngine();
const reused = engineRunning(engine);
let ownEngine = false;

async function cleanup(): Promise<void> {
  if (!ownEngine || keep) return;
  ownEngine = false;
  await stopEngine(engine);
  say(`stopped the engine, removed ${engine.dir}`);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => void cleanup().finally(() => process.exit(1)));
}

let status: number;
let skipped = false;
try {
  let why: string | null = null;
  if (reused) say(`using the running engine in ${engine.dir} (left running)`);
  else {
    why = prepareHost();
    if (!why) {
      ownEngine = true;
      why = await startEngine(engine);
      if (!why) say(`dockerd started (${seconds()})`);
    }
  }
  why ??= ensureBaseImage(engine);
  if (why) {
    say(`${requireEngine ? 'FAILED' : 'SKIPPED, nothing was tested'}: no Docker engine: ${why}`);
    status = requireEngine ? 1 : 0;
    skipped = !requireEngine;
  } else {
    const env = { ...process.env, ...engineEnv(engine) };
    ensurePythonEnv(); // the venv runner is the reference the tests compare with
    const image = await ensureDockerImage(projectRoot, dockerImageConfig(env), env);
    say(`base and dbt image ${image} ready (${seconds()})`);
    status = runTestFiles(files, 1, { ...env, TZ: 'UTC' });
  }
} catch (e) {
  say(`FAILED: ${(e as Error).message}`);
  status = 1;
} finally {
  await cleanup();
}
say(
  `${skipped ? 'skipped' : status === 0 ? 'passed' : 'failed'} in ${seconds()}${keep && ownEngine ? `; the engine keeps running: eval "$(node --import tsx scripts/docker/engine.ts env)"` : ''}`,
);
process.exit(status);
