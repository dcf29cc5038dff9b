// The TypeScript passes ESLint (eslint.config.js) and is formatted as
// prettier would write it (.prettierrc.json); and both tools, so configured,
// do reject code that breaks their rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/setup/python-env.ts';

const bin = (tool: string) => join(projectRoot, 'node_modules', '.bin', tool);
const run = (tool: string, args: string[], input?: string) => spawnSync(bin(tool), args, { cwd: projectRoot, input, encoding: 'utf8' });

test('every TypeScript file passes eslint', () => {
  const r = run('eslint', ['.']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('every TypeScript file is formatted by prettier (npm run format)', () => {
  const r = run('prettier', ['--list-different', '.']);
  assert.equal(r.stdout.trim(), '', `not formatted:\n${r.stdout}`);
  assert.equal(r.status, 0, r.stderr);
});

test('eslint rejects an unused variable and prettier a double-quoted string', () => {
  const lint = run('eslint', ['--stdin', '--stdin-filename', 'lint-probe.ts'], 'const unused = 1;\n');
  assert.equal(lint.status, 1);
  assert.match(lint.stdout, /'unused' is assigned a value but never used/);
  const format = run('prettier', ['--check', '--stdin-filepath', 'lint-probe.ts'], 'export const a = "b";\n');
  assert.notEqual(format.status, 0);
  const formatted = run('prettier', ['--stdin-filepath', 'lint-probe.ts'], 'export const a = "b";\n');
  assert.equal(formatted.stdout, "export const a = 'b';\n");
});
