import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
let dir: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/fxa-metrics.mjs'), 'generate', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fxa-gen-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a good run writes the day files and prints its summary as JSON with --json', () => {
  const out = join(dir, 'ok');
  const r = cli('--out', out, '--start', '2017-12-31', '--days', '2', '--users', '50', '--seed', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(readdirSync(out).sort(), ['fxa-auth-2017-12-31.log', 'fxa-auth-2018-01-01.log']);
  const lines = readdirSync(out).reduce((n, f) => n + readFileSync(join(out, f), 'utf8').split('\n').length - 1, 0);
  assert.equal(summary.lines, lines);
  const k = summary.linesByKind;
  assert.equal(k.flow + k.activity + k.noise + k.bad, lines);
  assert.match(r.stderr, /^generated 2 files in .*: \d+ lines \(flow \d+, activity \d+, noise \d+, bad \d+\)/);
});

test('--gzip writes .log.gz files', () => {
  const out = join(dir, 'gz');
  const r = cli('--out', out, '--start', '2017-03-01', '--days', '1', '--users', '20', '--seed', '3', '--gzip');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(out), ['fxa-auth-2017-03-01.log.gz']);
});

test('bad flags: one line on stderr, exit 2, nothing written', () => {
  const out = join(dir, 'never');
  const good = { '--out': out, '--start': '2017-03-01', '--days': '1', '--users': '10', '--seed': '1' } as Record<string, string>;
  const cases: Array<[Record<string, string | undefined>, RegExp]> = [
    [{ '--out': undefined }, /--out is required/],
    [{ '--start': '2017-02-29' }, /start must be a date/],
    [{ '--start': '01/03/2017' }, /start must be a date/],
    [{ '--days': '0' }, /days must be an integer from 1/],
    [{ '--days': 'three' }, /--days must be a whole number/],
    [{ '--users': '1e3' }, /--users must be a whole number/],
    [{ '--users': '-5' }, /--users must be a whole number/],
    [{ '--seed': '4294967296' }, /seed must be an integer from 0 to 4294967295/],
    [{ '--seed': undefined }, /--seed is required/],
  ];
  for (const [change, message] of cases) {
    const flags = { ...good, ...change };
    const args = Object.entries(flags).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
    const r = cli(...args);
    assert.equal(r.code, 2, `${JSON.stringify(change)}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^fxa-metrics: generate: /);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  assert.equal(existsSync(out), false);
});

test('an --out that is a file is a usage error', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const r = cli('--out', file, '--start', '2017-03-01', '--days', '1', '--users', '1', '--seed', '1');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^fxa-metrics: generate: --out .* is not a directory\n$/);
  assert.equal(readFileSync(file, 'utf8'), 'x');
});
