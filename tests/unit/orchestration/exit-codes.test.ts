// The exit codes are written once (scripts/lib/errors.ts); --help prints them
// from there, and the README's table must list the same codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXIT_CODE_MEANING, ExitCode } from '../../../scripts/lib/errors.ts';

test("every exit code has a meaning and a row in the README's table, and the table has no other code", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('Exit codes (every command):'));
  const rows = [...table.slice(0, table.indexOf('\n\n', table.indexOf('| code |'))).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  const codes = Object.values(ExitCode).sort((a, b) => a - b);
  assert.deepEqual(rows, codes);
  assert.deepEqual(Object.keys(EXIT_CODE_MEANING).map(Number), codes);
});
