// The dbt models pass the project's sqlfluff rules (.sqlfluff), and the
// linter, so configured, does reject SQL that breaks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectRoot, venvBin } from '../../scripts/setup/python-env.ts';

interface LintedFile {
  filepath: string;
  violations: Array<{ code: string; description: string; start_line_no: number }>;
}

function lint(args: string[], input?: string): LintedFile[] {
  const r = spawnSync(venvBin('sqlfluff'), ['lint', '--format', 'json', '--nofail', ...args], {
    cwd: projectRoot,
    input,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `sqlfluff did not run: ${r.stderr}`);
  return JSON.parse(r.stdout) as LintedFile[];
}

test('every model passes sqlfluff', () => {
  const files = lint(['models']);
  assert.ok(files.length >= 8, `linted ${files.length} model files`);
  const problems = files.flatMap((f) => f.violations.map((v) => `${f.filepath}:${v.start_line_no} ${v.code} ${v.description}`));
  assert.deepEqual(problems, []);
});

test('SQL against the style is rejected', () => {
  const [file] = lint(['-'], 'SELECT Flow_Id, count(*) FROM {{ ref("flow_events") }} GROUP BY 1\n');
  const codes = new Set(file.violations.map((v) => v.code));
  assert.ok(codes.has('CP01'), `upper-case keywords flagged: ${[...codes].join(', ')}`);
  assert.ok(codes.has('AL03'), `unnamed aggregate flagged: ${[...codes].join(', ')}`);
});

test('SQL in the house style passes', () => {
  const sql = 'select\n    flow_id,\n    count(*) as events\nfrom {{ ref("flow_events") }}\ngroup by flow_id\n';
  const [file] = lint(['-'], sql);
  assert.deepEqual(
    file.violations.map((v) => v.code),
    [],
  );
});
