// The loader end to end on small hand-written files: rows and values read
// back from the Parquet files with DuckDB, counts, quarantine, duplicates,
// repeat loads, gzip, and privacy of every byte written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadFiles, loadedChecksums, type LoadCounts } from '../../../scripts/loader/index.ts';
import { countsAddUp } from '../../../scripts/loader/counts.ts';
import { hmacUid } from '../../../scripts/loader/privacy.ts';
import { FIXTURES, KEY, query, rawRows, tempDir, flowEvent, activityEvent, writeFinishedFile } from './helpers.ts';

const DAY1 = join(FIXTURES, 'day1.log');
const DAY2 = join(FIXTURES, 'day2.log');
const RAW_UIDS = [
  '0123456789abcdef0123456789abcdef',
  'fedcba9876543210fedcba9876543210',
  'aaaabbbbccccddddeeeeffff00001111',
  '99998888777766665555444433332222',
];
const h = (uid: string) => hmacUid(KEY, uid);

const load = (dataDir: string, inputs: string[]) => loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' });

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

const DAY1_COUNTS: LoadCounts = {
  lines_read: 17,
  loaded_flow_events: 4,
  loaded_activity_events: 3,
  duplicates: 2,
  skipped: 2,
  rejected: 6,
  rejected_by_reason: {
    'flow.flow_id': 1,
    invalid_json: 1,
    not_an_object: 1,
    'activity.uid': 1,
    invalid_envelope: 1,
    'activity.event': 1,
  },
};

test('day1 fixture: counts by outcome and reason, adding up to lines read', async (t) => {
  const dataDir = tempDir(t);
  const r = await load(dataDir, [DAY1]);
  assert.equal(r.noop, false);
  assert.match(r.loadId!, /^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  assert.deepEqual(r.counts, DAY1_COUNTS);
  assert.ok(countsAddUp(r.counts));
  assert.equal(r.files.length, 1);
  assert.equal(r.files[0].status, 'loaded');
  assert.deepEqual(r.files[0].counts, DAY1_COUNTS);
  assert.equal(r.files[0].bytes, statSync(DAY1).size);
  assert.deepEqual(r.daysTouched, ['2017-03-01', '2017-03-02']);
  assert.deepEqual([...loadedChecksums(dataDir)], [r.files[0].sha256]);
});

test('day1 fixture: flow rows normalised, stored under their UTC day, first duplicate kept', async (t) => {
  const dataDir = tempDir(t);
  const r = await load(dataDir, [DAY1]);
  const rows = await rawRows(dataDir, 'flow_events');
  const pick = (x: Record<string, unknown>) => [x.source_line, x.day, x.type, x.flow_id, x.flow_time, x.time_ms];
  const a1 = 'a1'.repeat(32);
  assert.deepEqual(rows.map(pick), [
    [1, '2017-03-01', 'flow.begin', a1, 0, 1488326400100],
    [2, '2017-03-01', 'flow.signin.view', a1, 1500, 1488326401600],
    [6, '2017-03-01', 'flow.complete', a1, 10000, 1488326410100],
    [15, '2017-03-02', 'flow.signin.submit', a1, 86400900, 1488412801000],
  ]);
  const [begin, view, complete] = rows;
  assert.deepEqual(
    [
      begin.ua_browser,
      begin.ua_version,
      begin.ua_os,
      begin.entrypoint,
      begin.service,
      begin.context,
      begin.utm_campaign,
      begin.utm_source,
      begin.dnt,
      begin.uid,
    ],
    ['Firefox', '52', 'Windows 10', 'menupanel', 'sync', 'fx_desktop_v3', 'fxa-embedded-form', 'firstrun', false, null],
  );
  // line 2 (upper-case flow id, with a UA) wins over its duplicate on line 5
  assert.equal(view.ua_browser, 'Firefox');
  assert.equal(view.locale, 'en-US');
  // dnt: utm_* null; upper-case uid hashed as lower-case
  assert.deepEqual(
    [complete.dnt, complete.utm_campaign, complete.utm_medium, complete.uid],
    [true, null, null, h('fedcba9876543210fedcba9876543210')],
  );
  for (const row of rows) {
    assert.equal(row.source_file, DAY1);
    assert.equal(row.load_id, r.loadId);
  }
});

test('day1 fixture: activity rows (device id, empty service, Timestamp time, UA)', async (t) => {
  const dataDir = tempDir(t);
  await load(dataDir, [DAY1]);
  const rows = await rawRows(dataDir, 'activity_events');
  const pick = (x: Record<string, unknown>) => [
    x.source_line,
    x.day,
    x.type,
    x.uid,
    x.device_id,
    x.service,
    x.time_ms,
    x.ua_browser,
    x.ua_version,
    x.ua_os,
  ];
  const u = h('0123456789abcdef0123456789abcdef');
  assert.deepEqual(rows.map(pick), [
    [7, '2017-03-01', 'account.login', u, 'd0'.repeat(16), 'sync', 1488330000000, 'Chrome', '56', 'Mac OS X 10.12'],
    [9, '2017-03-01', 'account.keyfetch', u, null, '', 1488333600999, null, null, null],
    [17, '2017-03-01', 'account.reset', h('99998888777766665555444433332222'), null, null, 1488334000000, 'Firefox', '6', 'iOS'],
  ]);
});

test('quarantine: file, line number, reason, detail, and the line with uids HMACed', async (t) => {
  const dataDir = tempDir(t);
  const r = await load(dataDir, [DAY1]);
  assert.equal(r.quarantineFile, join(dataDir, 'quarantine', `${r.loadId}.ndjson`));
  const recs = readFileSync(r.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    recs.map((q) => [q.source_file, q.source_line, q.reason, q.load_id]),
    [
      [DAY1, 10, 'flow.flow_id', r.loadId],
      [DAY1, 11, 'invalid_json', r.loadId],
      [DAY1, 12, 'not_an_object', r.loadId],
      [DAY1, 13, 'activity.uid', r.loadId],
      [DAY1, 14, 'invalid_envelope', r.loadId],
      [DAY1, 16, 'activity.event', r.loadId],
    ],
  );
  for (const q of recs) assert.ok(typeof q.detail === 'string' && q.detail.length > 0);
  assert.match(recs[0].detail, /flow_id/);
  assert.equal(recs[1].line, `fxa-auth-server: request failed for uid ${h('aaaabbbbccccddddeeeeffff00001111')} (timeout)`);
  assert.equal(recs[2].line, '[{"Type":"flowEvent"}]');
  const rejected = JSON.parse(recs[5].line);
  assert.equal(rejected.Fields.uid, h('aaaabbbbccccddddeeeeffff00001111'));
  assert.equal(rejected.Fields.event, '');
  assert.equal(rejected.Fields.service, 'sync');
});

test('duplicates within and across files are stored once (one load, two files)', async (t) => {
  const dataDir = tempDir(t);
  const r = await load(dataDir, [DAY1, DAY2]);
  assert.equal(r.counts.duplicates, 4);
  assert.deepEqual(
    r.files.map((f) => [f.counts.loaded_flow_events, f.counts.loaded_activity_events, f.counts.duplicates]),
    [
      [4, 3, 2],
      [1, 1, 2],
    ],
  );
  const flows = await query(
    `SELECT flow_id, type, flow_time, time_ms, count(*) AS n FROM read_parquet('${dataDir}/raw/flow_events/*/*.parquet')
     GROUP BY ALL HAVING count(*) > 1`,
  );
  assert.deepEqual(flows, []);
  assert.equal((await rawRows(dataDir, 'flow_events')).length, 5);
  assert.equal((await rawRows(dataDir, 'activity_events')).length, 4);
  for (const f of r.files) assert.ok(countsAddUp(f.counts));
});

test('duplicates across loads are stored once; a day with only duplicates gets no new file', async (t) => {
  const dataDir = tempDir(t);
  const first = await load(dataDir, [DAY1]);
  const second = await load(dataDir, [DAY2]);
  assert.deepEqual(second.counts, {
    lines_read: 4,
    loaded_flow_events: 1,
    loaded_activity_events: 1,
    duplicates: 2,
    skipped: 0,
    rejected: 0,
    rejected_by_reason: {},
  });
  assert.deepEqual(second.daysTouched, ['2017-03-02']);
  assert.equal(second.quarantineFile, null);
  const flows = await rawRows(dataDir, 'flow_events');
  assert.equal(flows.length, 5);
  const view = flows.find((f) => f.type === 'flow.signin.view')!;
  assert.deepEqual([view.load_id, view.locale], [first.loadId, 'en-US'], 'the first stored copy stays');
  const b = flows.find((f) => f.flow_id === 'b2'.repeat(32))!;
  assert.deepEqual([b.type, b.day, b.ua_os, b.load_id], ['flow.begin', '2017-03-02', 'Android', second.loadId]);
  const acts = await rawRows(dataDir, 'activity_events');
  assert.equal(acts.length, 4);
  assert.deepEqual(
    acts.filter((a) => a.load_id === second.loadId).map((a) => [a.ua_os, a.device_id]),
    [['Linux', 'f5'.repeat(16)]],
  );
  assert.deepEqual(readdirSync(join(dataDir, 'raw', 'flow_events', 'day=2017-03-01')), [`${first.loadId}.parquet`]);
  assert.deepEqual(
    readdirSync(join(dataDir, 'raw', 'flow_events', 'day=2017-03-02')).sort(),
    [`${first.loadId}.parquet`, `${second.loadId}.parquet`].sort(),
  );
});

test('loading the same file again, or a copy under another name, is a no-op', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  await load(dataDir, [DAY1]);
  const before = filesUnder(dataDir).map((p) => [p, statSync(p).mtimeMs]);
  const again = await load(dataDir, [DAY1]);
  assert.deepEqual([again.noop, again.loadId, again.quarantineFile, again.daysTouched], [true, null, null, []]);
  assert.equal(again.files[0].status, 'already_loaded');
  assert.equal(again.counts.lines_read, 0);
  const copy = join(work, 'renamed.ndjson');
  copyFileSync(DAY1, copy);
  const renamed = await load(dataDir, [work]);
  assert.deepEqual([renamed.noop, renamed.files.map((f) => [f.path, f.status])], [true, [[copy, 'already_loaded']]]);
  assert.deepEqual(
    filesUnder(dataDir).map((p) => [p, statSync(p).mtimeMs]),
    before,
    'nothing written',
  );
});

test('a mix of new and already-loaded files loads only the new one', async (t) => {
  const dataDir = tempDir(t);
  await load(dataDir, [DAY1]);
  const r = await load(dataDir, [DAY1, DAY2]);
  assert.equal(r.noop, false);
  assert.deepEqual(
    r.files.map((f) => f.status),
    ['already_loaded', 'loaded'],
  );
  assert.equal(r.counts.lines_read, 4);
});

test('.gz input is read like the plain file', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const gz = join(work, 'day1.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(DAY1)));
  const r = await load(dataDir, [gz]);
  assert.deepEqual(r.counts, DAY1_COUNTS);
  const rows = await rawRows(dataDir, 'flow_events');
  assert.deepEqual(
    rows.map((x) => [x.source_file, x.source_line]),
    [
      [gz, 1],
      [gz, 2],
      [gz, 6],
      [gz, 15],
    ],
  );
});

test('a directory means every log file in it, recursively, in path order', async (t) => {
  const dataDir = tempDir(t);
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  copyFileSync(DAY2, join(dir, 'b', 'day2.jsonl'));
  copyFileSync(DAY1, join(dir, 'a.log'));
  writeFileSync(join(dir, 'README.txt'), 'not a log\n');
  const r = await load(dataDir, [dir]);
  assert.deepEqual(
    r.files.map((f) => relative(dir, f.path)),
    ['a.log', join('b', 'day2.jsonl')],
  );
  assert.equal(r.counts.lines_read, 21);
});

test('strings are stored verbatim: SQL-looking text, quotes, emoji, a 10 KB user agent', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const sqlish = "x'; drop table flow_events; --";
  const quotes = `he said "hi" and 'bye' \\ back\\slash; <script>`;
  const emoji = 'fr-FR 🦊🔥 ñ 中文';
  const longUa = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Firefox/52.0 ' + 'Ab0;\'"'.repeat(2048);
  const longText = 'é'.repeat(10_240);
  const lines = [
    flowEvent({ event: sqlish, locale: emoji, context: quotes, userAgent: longUa, entrypoint: "'", service: '', migration: longText }),
    activityEvent({ event: quotes, service: sqlish, userAgent: longUa }),
    activityEvent({ event: sqlish, userAgent: longUa, device_id: 'nope' }),
  ].map((e) => JSON.stringify(e));
  const file = join(work, `it's "odd".log`);
  writeFileSync(file, lines.join('\n') + '\n');
  const r = await load(dataDir, [file]);
  assert.deepEqual([r.counts.loaded_flow_events, r.counts.loaded_activity_events, r.counts.rejected], [1, 1, 1]);
  const [f] = await rawRows(dataDir, 'flow_events');
  assert.deepEqual(
    [f.type, f.locale, f.context, f.entrypoint, f.service, f.migration, f.source_file],
    [sqlish, emoji, quotes, "'", '', longText, file],
  );
  assert.deepEqual([f.ua_browser, f.ua_version, f.ua_os], ['Firefox', '52', 'Windows 10']);
  const [a] = await rawRows(dataDir, 'activity_events');
  assert.deepEqual([a.type, a.service, a.ua_browser], [quotes, sqlish, 'Firefox']);
  // the rejected line, with its 10 KB user agent, is quarantined as it was (it holds no uid-like run)
  const [q] = readFileSync(r.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(q.reason, 'activity.device_id');
  assert.equal(JSON.parse(q.line).Fields.userAgent, longUa);
  assert.equal(JSON.parse(q.line).Fields.event, sqlish);
});

test('a raw uid never reaches disk: no file under the data dir holds one, in either case', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const gz = join(work, 'day2.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(DAY2)));
  await load(dataDir, [DAY1]);
  await load(dataDir, [gz]);
  const files = filesUnder(dataDir);
  assert.ok(files.some((p) => p.endsWith('.parquet')) && files.some((p) => p.includes('quarantine')));
  for (const p of files) {
    const bytes = readFileSync(p).toString('latin1').toLowerCase();
    for (const uid of RAW_UIDS) assert.ok(!bytes.includes(uid), `${relative(dataDir, p)} holds raw uid ${uid}`);
  }
  // and the fixtures really do hold them, so the check above means something
  const input = readFileSync(DAY1, 'latin1').toLowerCase();
  for (const uid of RAW_UIDS) assert.ok(input.includes(uid));
});

test('a final line without newline counts; blank and CRLF lines are handled', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'crlf.log');
  const ev = (n: number) => JSON.stringify(flowEvent({ flow_time: n }));
  writeFinishedFile(file, `${ev(1)}\r\n\r\n${ev(2)}\n\n${ev(3)}`);
  const r = await load(dataDir, [file]);
  assert.deepEqual([r.counts.lines_read, r.counts.loaded_flow_events, r.counts.skipped], [5, 3, 2]);
  const rows = await rawRows(dataDir, 'flow_events');
  assert.deepEqual(
    rows.map((x) => [x.source_line, x.flow_time]),
    [
      [1, 1],
      [3, 2],
      [5, 3],
    ],
  );
});

test('each table has a zero-row schema file under day=1970-01-01', async (t) => {
  const dataDir = tempDir(t);
  await load(dataDir, [DAY1]);
  for (const table of ['flow_events', 'activity_events']) {
    const file = join(dataDir, 'raw', table, 'day=1970-01-01', '_empty.parquet');
    const n = await query(`SELECT count(*) AS n FROM read_parquet('${file}')`);
    assert.deepEqual(n, [{ n: 0 }]);
    const cols = await query(`SELECT name, type FROM parquet_schema('${file}') WHERE name <> 'duckdb_schema'`);
    assert.ok(cols.some((c) => c.name === 'time_ms' && c.type === 'INT64'));
    assert.ok(cols.some((c) => c.name === 'uid' && c.type === 'BYTE_ARRAY'));
    assert.ok(cols.some((c) => c.name === 'load_id'));
  }
});

test('a line that is not valid UTF-8 is rejected as invalid_utf8, the rest still loads', async (t) => {
  const dataDir = tempDir(t);
  const work = tempDir(t);
  const file = join(work, 'bytes.log');
  const good = Buffer.from(JSON.stringify(flowEvent({ flow_time: 1 })) + '\n');
  const bad = Buffer.concat([Buffer.from(JSON.stringify(flowEvent({ flow_time: 2 })).replace('en', '')), Buffer.from([0xff, 0xfe, 0x0a])]);
  writeFileSync(file, Buffer.concat([good, bad]));
  const r = await load(dataDir, [file]);
  assert.deepEqual([r.counts.loaded_flow_events, r.counts.rejected, r.counts.rejected_by_reason], [1, 1, { invalid_utf8: 1 }]);
  const [q] = readFileSync(r.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual([q.source_line, q.reason], [2, 'invalid_utf8']);
});

test('inputs with no log file in them: a no-op that creates nothing', async (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  mkdirSync(join(work, 'empty'));
  const r = await load(dataDir, [join(work, 'empty')]);
  assert.deepEqual([r.noop, r.loadId, r.files], [true, null, []]);
  assert.equal(statSync(work).isDirectory() && readdirSync(work).includes('data'), false);
});
