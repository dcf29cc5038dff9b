// A private Docker engine for the Docker runner on a machine without a system
// engine or a registry (see README, "Docker runner"):
//   node --import tsx scripts/docker/engine.ts start   install docker.io and debootstrap
//        if missing, start dockerd, build the Debian base image; prints the exports
//   node --import tsx scripts/docker/engine.ts env     prints the exports again
//   node --import tsx scripts/docker/engine.ts stop    stop dockerd, unmount, remove its data
// `npm run test:docker` uses a running one (and leaves it running), or starts
// and removes its own.
import { engineEnv, engineRunning, ensureBaseImage, localEngine, prepareHost, startEngine, stopEngine } from './local-engine.ts';

const e = localEngine();
const exportLines = () =>
  Object.entries(engineEnv(e))
    .map(([k, v]) => (k === 'PATH' ? `export PATH="${e.binDir}:$PATH"\n` : `export ${k}='${v}'\n`))
    .join('');
const fail = (why: string): never => {
  process.stderr.write(`${why}\n`);
  process.exit(2);
};

switch (process.argv[2]) {
  case 'start': {
    const why = prepareHost() ?? (await startEngine(e)) ?? ensureBaseImage(e);
    if (why) fail(`no Docker engine: ${why}`);
    process.stderr.write(`dockerd runs (data in ${e.dir}); for the Docker runner:\n`);
    process.stdout.write(exportLines());
    break;
  }
  case 'env':
    if (!engineRunning(e)) fail('the engine does not run: node --import tsx scripts/docker/engine.ts start');
    process.stdout.write(exportLines());
    break;
  case 'stop':
    await stopEngine(e);
    process.stderr.write(`stopped; removed ${e.dir}\n`);
    break;
  default:
    fail('usage: node --import tsx scripts/docker/engine.ts start|env|stop');
}
