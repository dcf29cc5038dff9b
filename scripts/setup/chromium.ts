// Makes sure Debian's Chromium is installed for the browser test. The test
// never downloads a browser (playwright-core drives the system one), so a new
// machine gets it from apt here: as root it is installed, otherwise the
// message says how.
//
//   node --import tsx scripts/setup/chromium.ts
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL_HINT = 'sudo apt-get install -y --no-install-recommends chromium';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function apt(args: string[]): boolean {
  const r = spawnSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/** Returns Chromium's path, installing it with apt when missing and running as root; throws one line otherwise. */
export function ensureChromium(path: string = CHROMIUM_PATH, opts: { asRoot?: boolean } = {}): string {
  if (existsSync(path)) return path;
  if (!(opts.asRoot ?? isRoot())) throw new Error(`${path} is missing: install Debian's Chromium with \`${INSTALL_HINT}\``);
  process.stderr.write(`${path} is missing: installing Debian's chromium package with apt-get\n`);
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  // a fresh machine often has no package lists yet: update once, then retry
  if (!apt(install) && !(apt(['update']) && apt(install))) {
    throw new Error(`apt-get could not install chromium: install it with \`${INSTALL_HINT}\``);
  }
  if (!existsSync(path)) throw new Error(`the chromium package is installed but ${path} is not there`);
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stderr.write(`chromium: ${ensureChromium()}\n`);
  } catch (e) {
    process.stderr.write(`fxa-metrics: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
