// What the test commands share (npm test, test:spark, test:docker): which
// test files a run takes, and Node's test runner started on them.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../setup/python-env.ts';

/** The *.test.ts files below `dir` (relative to the project), sorted, as paths from the project root; `skip` names folders left out. */
export function findTestFiles(dir: string, skip: string[] = [], out: string[] = []): string[] {
  const abs = join(projectRoot, dir);
  for (const name of readdirSync(abs).sort()) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) {
      if (!skip.includes(name)) findTestFiles(relative(projectRoot, p), skip, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(projectRoot, p));
  }
  return out;
}

/**
 * The files whose path (`by: 'name'`: file name) contains one of `filters`,
 * every file without any; when none is left, says so and exits 2.
 */
export function selectTestFiles(files: string[], filters: string[], what: string, by: 'path' | 'name' = 'path'): string[] {
  const key = by === 'name' ? basename : (f: string) => f;
  const picked = files.filter((f) => filters.length === 0 || filters.some((p) => key(f).includes(p)));
  if (picked.length === 0) {
    process.stderr.write(`no ${what} files match ${filters.join(' ')}\n`);
    process.exit(2);
  }
  return picked;
}

/** Node's test runner on `files` from the project root, `concurrency` files at a time; returns its exit status. */
export function runTestFiles(files: string[], concurrency: number, env?: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], {
    stdio: 'inherit',
    cwd: projectRoot,
    env,
  });
  return r.status ?? 1;
}
