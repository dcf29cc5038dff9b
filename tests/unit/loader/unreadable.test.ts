// A file that cannot be read to its end (a truncated or non-gzip .gz, a
// dangling symlink) is reported by path and reason, loads none of its lines,
// and does not stop the other files; it is read again only once its content
// changed. A file still being written keeps its unterminated last line for
// a later load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadFiles } from '../../../scripts/loader/index.ts';
import { countsAddUp } from '../../../scripts/loader/counts.ts';
import { KEY, markFinished, rawRows, tempDir, flowEvent, writeFinishedFile } from './helpers.ts';

const load = (dataDir: string, inputs: string[]) => loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' });
const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify(flowEvent({ flow_time: from + i })) + '\n').join('');
const loadRecords = (dataDir: string) => readdirSync(join(dataDir, 'loads')).filter((n) => n.endsWith('.json'));

test('a truncated .gz is reported with its reason, none of its lines load, the other files do', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const good = join(work, 'a.log');
  writeFileSync(good, lines(1, 3));
  const whole = gzipSync(lines(100, 2000));
  const truncated = join(work, 'b.log.gz');
  writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const r = await load(dataDir, [work]);
  assert.deepEqual(
    r.files.map((f) => [f.path, f.status]),
    [
      [good, 'loaded'],
      [truncated, 'unreadable'],
    ],
  );
  const bad = r.files[1];
  assert.match(bad.reason!, /^truncated gzip \(unexpected end of file\)$/);
  assert.deepEqual([bad.counts.lines_read, r.counts.lines_read, r.counts.loaded_flow_events], [0, 3, 3]);
  assert.ok(countsAddUp(r.counts));
  // the complete lines before the cut are not loaded either: a file loads whole or not at all
  assert.deepEqual(
    (await rawRows(dataDir, 'flow_events')).map((x) => [x.source_file, x.flow_time]),
    [
      [good, 1],
      [good, 2],
      [good, 3],
    ],
  );
  assert.equal(r.quarantineFile, null);
  assert.equal(existsSync(join(dataDir, '.staging')), false, 'nothing of it is left staged');
});

test('a .gz that is not gzip, and a dangling symlink, are reported; the other file loads', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  writeFileSync(join(work, 'a.log'), lines(1, 2));
  writeFileSync(join(work, 'b.log.gz'), lines(10, 2));
  symlinkSync(join(work, 'gone.log'), join(work, 'c.log'));
  const r = await load(dataDir, [work]);
  assert.deepEqual(
    r.files.map((f) => [f.path, f.status, f.reason]),
    [
      [join(work, 'a.log'), 'loaded', undefined],
      [join(work, 'b.log.gz'), 'unreadable', 'not gzip data (incorrect header check)'],
      [join(work, 'c.log'), 'unreadable', 'dangling symlink'],
    ],
  );
  assert.equal(r.counts.loaded_flow_events, 2);
});

test('an unreadable file is not read again while its content is the same; once it changed it loads', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const gz = join(work, 'b.log.gz');
  const whole = gzipSync(lines(100, 50));
  writeFileSync(gz, whole.subarray(0, whole.length - 9));
  const first = await load(dataDir, [work]);
  assert.equal(first.files[0].status, 'unreadable');
  assert.equal(loadRecords(dataDir).length, 1, 'the load records the unreadable file, with its checksum');

  const again = await load(dataDir, [work]);
  assert.deepEqual([again.noop, again.files[0].status], [true, 'unreadable']);
  assert.match(again.files[0].reason!, new RegExp(`^truncated gzip .*\\(unchanged since load ${first.loadId}: not read again\\)$`));
  assert.equal(loadRecords(dataDir).length, 1, 'nothing new committed');

  writeFileSync(gz, whole);
  const fixed = await load(dataDir, [work]);
  assert.deepEqual([fixed.files[0].status, fixed.counts.loaded_flow_events], ['loaded', 50]);
});

test('a file still being written: its unterminated last line is neither counted nor quarantined, and loads once complete', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'growing.log');
  const third = JSON.stringify(flowEvent({ flow_time: 3 }));
  writeFileSync(file, lines(1, 2) + third.slice(0, 40));
  const r1 = await load(dataDir, [file]);
  assert.deepEqual(
    [r1.counts.lines_read, r1.counts.loaded_flow_events, r1.counts.rejected, r1.quarantineFile, r1.files[0].incomplete_last_line],
    [2, 2, 0, null, true],
  );
  assert.ok(countsAddUp(r1.counts));

  appendFileSync(file, third.slice(40) + '\n');
  const r2 = await load(dataDir, [file]);
  assert.deepEqual(
    [r2.counts.lines_read, r2.counts.loaded_flow_events, r2.counts.duplicates, r2.counts.rejected, r2.files[0].incomplete_last_line],
    [3, 1, 2, 0, undefined],
  );
  assert.deepEqual(
    // two loads in one second order their load ids by the random suffix: compare by line
    (await rawRows(dataDir, 'flow_events')).map((x) => [x.source_line, x.flow_time]).sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  );
});

test('a held-back last line that never completes is read again once the file is quiet, and rejected then', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'stopped.log');
  writeFileSync(file, lines(1, 2) + '{"Type":"flowEvent","Fields":{');
  const r1 = await load(dataDir, [file]);
  assert.deepEqual([r1.counts.lines_read, r1.files[0].incomplete_last_line], [2, true]);

  markFinished(file);
  const r2 = await load(dataDir, [file]);
  assert.deepEqual(
    [r2.files[0].status, r2.counts.lines_read, r2.counts.duplicates, r2.counts.rejected_by_reason],
    ['loaded', 3, 2, { invalid_json: 1 }],
  );
  const q = readFileSync(r2.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { source_line: number });
  assert.deepEqual(
    q.map((x) => x.source_line),
    [3],
  );
  const r3 = await load(dataDir, [file]);
  assert.deepEqual([r3.noop, r3.files[0].status], [true, 'already_loaded']);
});

test('an unterminated last line of a file not changed for minutes loads at once; a recent whitespace-only tail is held back too', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'done.log');
  writeFinishedFile(file, lines(1, 2) + JSON.stringify(flowEvent({ flow_time: 3 })));
  const blankTail = join(work, 'blank-tail.log');
  writeFileSync(blankTail, lines(7, 1) + '  ');
  const r = await load(dataDir, [file, blankTail]);
  assert.deepEqual([r.counts.lines_read, r.counts.loaded_flow_events, r.counts.skipped], [4, 4, 0]);
  assert.deepEqual(
    r.files.map((f) => f.incomplete_last_line),
    [undefined, true],
  );
});

test('a file read line by line (DuckDB refused it) holds back its unterminated last line the same way', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'refused.log');
  // an object broken over two lines makes DuckDB's reader fail the file
  writeFileSync(file, lines(1, 1) + '{\n}\n' + lines(2, 1) + JSON.stringify(flowEvent({ flow_time: 3 })).slice(0, 30));
  const r = await load(dataDir, [file]);
  assert.deepEqual(
    [r.counts.lines_read, r.counts.loaded_flow_events, r.counts.rejected_by_reason, r.files[0].incomplete_last_line],
    [4, 2, { invalid_json: 2 }, true],
  );
});
