// `npm test`: every test file under tests/ (except the Spark and Docker
// suites, which have their own `npm run test:spark` and `npm run test:docker`),
// run by Node's test runner. The tests use the real dbt in .venv and real
// DuckDB files, so the Python environment is made first; the browser tests
// use Debian's Chromium, installed first when missing.
//   npm test                 all tests
//   npm test -- <pattern>    only test files whose path contains <pattern>
import { join } from 'node:path';
import { ensurePythonEnv } from './setup/python-env.ts';
import { ensureChromium } from './setup/chromium.ts';
import { findTestFiles, runTestFiles, selectTestFiles } from './lib/test-files.ts';

ensurePythonEnv();
const files = selectTestFiles(findTestFiles('tests', ['spark', 'docker', 'fixtures']), process.argv.slice(2), 'test');
// the browser tests drive Debian's Chromium: install it first on a new machine
if (files.some((f) => f.startsWith(join('tests', 'browser')))) {
  try {
    ensureChromium();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
}
process.exit(runTestFiles(files, 2));
