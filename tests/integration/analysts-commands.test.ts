// docs/analysts.md's shell commands work as written: every line of each
// block marked `<!-- tested -->` runs in the project directory against a
// data dir that a nightly run built (FXA_DATA_DIR), and exits 0. The SQL
// shell is read-only: a statement that would change a table fails and
// changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../../scripts/generator/index.ts';
import { loadFiles } from '../../scripts/loader/index.ts';
import { projectRoot } from '../../scripts/setup/python-env.ts';
import { dbtOk } from './models-compare.ts';

const DOC = 'docs/analysts.md';

/** The shell blocks of a Markdown page, each with whether a `<!-- tested -->` line precedes it. */
export function shellBlocks(markdown: string): Array<{ line: number; tested: boolean; commands: string[] }> {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i])) continue;
    const start = i;
    const commands: string[] = [];
    while (++i < lines.length && !lines[i].startsWith('```'))
      if (lines[i].trim() && !lines[i].trim().startsWith('#')) commands.push(lines[i]);
    blocks.push({ line: start + 1, tested: lines[start - 1]?.trim() === '<!-- tested -->', commands });
  }
  return blocks;
}

function sh(command: string, dataDir: string) {
  const r = spawnSync('bash', ['-c', command], {
    cwd: projectRoot,
    env: { ...process.env, FXA_DATA_DIR: dataDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every shell block of docs/analysts.md is marked tested', () => {
  const blocks = shellBlocks(readFileSync(join(projectRoot, DOC), 'utf8'));
  assert.ok(blocks.length >= 3, 'the page has its shell blocks');
  assert.deepEqual(
    blocks.filter((b) => !b.tested).map((b) => `${DOC}:${b.line}`),
    [],
  );
  assert.deepEqual(
    shellBlocks('x\n<!-- tested -->\n```sh\na   # c\n# only a comment\n```\n```sh\nb\n```\n').map((b) => [b.tested, b.commands]),
    [
      [true, ['a   # c']],
      [false, ['b']],
    ],
  );
});

test("docs/analysts.md's commands run as written on a built data dir", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'fxa-analysts-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const { files } = await generateLogs({ out: join(root, 'logs'), start: '2024-01-01', days: 2, users: 10, seed: 3 });
  await loadFiles({ dataDir, hmacKey: 'analysts-test-key', inputs: files, progress: 'never' });
  await dbtOk(dataDir, ['build', '--exclude', 'test_type:unit']);

  const commands = shellBlocks(readFileSync(join(projectRoot, DOC), 'utf8')).flatMap((b) => b.commands);
  for (const command of commands) {
    await t.test(command, () => {
      const r = sh(command, dataDir);
      assert.equal(r.status, 0, `${command}\n${r.stdout}\n${r.stderr}`);
      if (/fxa-metrics sql|npm run sql/.test(command)) assert.match(r.stdout, /flow_id|flows/, 'the query printed its rows');
    });
  }

  await t.test('the SQL shell opens the warehouse read-only', () => {
    const count = () => sh(`npx fxa-metrics sql "select count(*) as n from flow_metadata"`, dataDir).stdout.match(/│\s*(\d+)\s*│/)?.[1];
    const before = count();
    assert.ok(Number(before) > 0, 'flow_metadata has rows');
    const r = sh(`npx fxa-metrics sql "delete from flow_metadata"`, dataDir);
    assert.equal(r.status, 1);
    assert.match(r.stdout + r.stderr, /read-only/i);
    assert.equal(count(), before);
  });

  await t.test('without a warehouse: one line naming the path, exit 2', () => {
    const r = sh(`npx fxa-metrics sql "select 1"`, join(root, 'empty'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^fxa-metrics: no warehouse at .*empty\/warehouse\.duckdb/);
  });
});
