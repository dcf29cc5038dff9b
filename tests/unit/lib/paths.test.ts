// docs/raw-zone.md lists the data dir's layout; paths.ts builds it. Every
// path paths.ts knows must be in that list, so the two cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from '../../../scripts/lib/paths.ts';
import { projectRoot } from '../../../scripts/setup/python-env.ts';

const ROOT = '/DATA';

/** Every path of the layout, relative to the data dir, functions called with the placeholders the docs use. */
function layoutPaths(): string[] {
  const l = layout(ROOT);
  const out: string[] = [];
  for (const [name, value] of Object.entries(l)) {
    if (name === 'root') continue;
    if (typeof value === 'string') out.push(value);
    else if (name === 'rawTable') out.push(l.rawTable('flow_events'), l.rawTable('activity_events'));
    else if (name === 'rawPartition') out.push(l.rawPartition('flow_events', 'YYYY-MM-DD'));
    else if (name === 'runReport' || name === 'kpiReport') out.push((value as (id: string) => string)('<run-id>'));
    else if (name === 'uploadedList') out.push(l.uploadedList('<volume-hash>'));
    else assert.fail(`layout().${name}: a new kind of entry; add it here and to docs/raw-zone.md`);
  }
  return out.map((p) => p.slice(ROOT.length + 1));
}

/** The paths of `layoutPaths()` that the layout block of `doc` does not list (itself, a path under it, or a listed directory holding it). */
function missingFromDocs(doc: string): string[] {
  const start = doc.indexOf('<data dir>/');
  const block = doc.slice(start, doc.indexOf('```', start)).split('\n').slice(1);
  const entries = block
    .flatMap((line) =>
      line
        .trim()
        .split(/\s{2,}/)[0]
        .split(', '),
    )
    .map((e) => e.replace(/\/$/, ''));
  return layoutPaths().filter((p) => !entries.some((e) => e === p || e.startsWith(`${p}/`) || p.startsWith(`${e}/`)));
}

test('docs/raw-zone.md lists every path of the data dir layout', () => {
  assert.deepEqual(missingFromDocs(readFileSync(join(projectRoot, 'docs', 'raw-zone.md'), 'utf8')), []);
});

test('a layout path the docs do not list is reported', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'raw-zone.md'), 'utf8');
  assert.deepEqual(missingFromDocs(doc.replace(/^ *key-fingerprint .*\n/m, '')), ['key-fingerprint']);
  assert.deepEqual(missingFromDocs(doc.replace(/^ *uploads\/.*\n/m, '')), ['uploads', 'uploads/<volume-hash>.txt']);
});
