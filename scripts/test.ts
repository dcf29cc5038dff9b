// `npm test`: every test file under tests/ (except the Spark and Docker
// suites, which have their own `npm run test:spark` and `npm run test:docker`),
// run by Node's test runner. The tests use the real dbt in .venv and real
// DuckDB files, so the Python environment is made first; the browser tests
// use Debian's Chromium, installed first when missing.
//   npm test                 all tests
//   npm test -- <pattern>    only test files whose path contains <pattern>
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensurePythonEnv, projectRoot } from './setup/python-env.ts';
import { ensureChromium } from './setup/chromium.ts';

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'spark' && name !== 'docker' && name !== 'fixtures') findTests(p, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(projectRoot, p));
  }
  return out;
}

ensurePythonEnv();
const filters = process.argv.slice(2);
const files = findTests(join(projectRoot, 'tests')).filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
if (files.length === 0) {
  process.stderr.write(`no test files match ${filters.join(' ')}\n`);
  process.exit(2);
}
// the browser tests drive Debian's Chromium: install it first on a new machine
if (files.some((f) => f.startsWith(join('tests', 'browser')))) {
  try {
    ensureChromium();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: projectRoot,
});
process.exit(r.status ?? 1);
