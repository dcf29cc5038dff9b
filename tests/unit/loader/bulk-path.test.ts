// The load path's two deciders, DuckDB (the bulk) and JavaScript (the lines
// DuckDB does not accept), must give a line the same outcome: the JSON that
// DuckDB reads leniently, line numbers whatever the line breaks, the HMAC in
// SQL, and no raw uid in anything DuckDB spills.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, blobValue } from '@duckdb/node-api';
import { loadFiles } from '../../../scripts/loader/index.ts';
import { countsAddUp } from '../../../scripts/loader/counts.ts';
import { toActivityRow, toFlowRow } from '../../../scripts/loader/normalise.ts';
import { hmacUid, makeUidHasher } from '../../../scripts/loader/privacy.ts';
import { classifyLine } from '../../../scripts/loader/rules.ts';
import { HMAC_SQL, hmacPads } from '../../../scripts/loader/scan-sql.ts';
import { MAX_LINE_BYTES, SCAN_DUCKDB_SETTINGS } from '../../../scripts/loader/scan.ts';
import { makeUserAgentParser } from '../../../scripts/loader/user-agent.ts';
import { activityEvent, flowEvent, KEY, loadOutcomes, rawRows, tempDir, writeFinishedFile, type Row } from './helpers.ts';

const load = (dataDir: string, inputs: string[]) => loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' });
const said = (c: { kind: string; reason?: string }) => (c.kind === 'reject' ? `reject ${c.reason}` : c.kind);

/** Both sides of a leniency: the line alone (DuckDB decides), and with a second fault that hands it to JavaScript. */
async function bothSides(t: TestContext, cases: { text: string; want: string; withFault: string; wantWithFault: string }[]) {
  const texts = cases.flatMap((c) => [c.text, c.withFault]);
  const got = await loadOutcomes(t, texts);
  for (const [i, c] of cases.entries()) {
    assert.equal(said(got[2 * i]), c.want, `load: ${c.text}`);
    assert.equal(said(classifyLine(c.text)), c.want, `rules: ${c.text}`);
    assert.equal(said(got[2 * i + 1]), c.wantWithFault, `load: ${c.withFault}`);
    assert.equal(said(classifyLine(c.withFault)), c.wantWithFault, `rules: ${c.withFault}`);
  }
}

const FLOW = JSON.stringify(flowEvent());
const ACT = JSON.stringify(activityEvent());
const badFlowId = (s: string) => s.replace(/"flow_id":"[0-9a-f]+"/, '"flow_id":"nothex"');

test('numbers where an integer is due: quoted, with a fraction or exponent, or a boolean are rejected as the field', async (t) => {
  const cases = ['"1500"', '1500.0', '1.5e3', 'true', 'NaN', '-Infinity', '1500'].map((v) => {
    const text = FLOW.replace('"flow_time":1500', `"flow_time":${v}`);
    const want = v === '1500' ? 'flow' : 'reject flow.flow_time';
    return { text, want, withFault: badFlowId(text), wantWithFault: 'reject flow.flow_id' };
  });
  // the Timestamp of an activity event: same rule, invalid_envelope
  for (const v of ['"1488330000000000000"', '1.48833e18', 'false']) {
    const text = ACT.replace('"Timestamp":1488330000000000000', `"Timestamp":${v}`);
    cases.push({
      text,
      want: 'reject invalid_envelope',
      withFault: text.replace('"event":"account.login"', '"event":""'),
      wantWithFault: 'reject invalid_envelope',
    });
  }
  await bothSides(t, cases);
});

test('dnt must be a boolean, not a string or number DuckDB would cast', async (t) => {
  await bothSides(
    t,
    ['"true"', '1', '0', 'true'].map((v) => {
      const text = FLOW.replace('"time":', `"dnt":${v},"time":`);
      return {
        text,
        want: v === 'true' ? 'flow' : 'reject flow.dnt',
        withFault: badFlowId(text),
        wantWithFault: v === 'true' ? 'reject flow.flow_id' : 'reject flow.flow_id',
      };
    }),
  );
});

test('a number, boolean or object where a string is due is rejected, not read as its text', async (t) => {
  const hexDigits = '12345678901234567890123456789012';
  await bothSides(
    t,
    [
      { text: ACT.replace(/"uid":"[0-9a-f]+"/, `"uid":${hexDigits}`), want: 'reject activity.uid' },
      { text: ACT.replace('"service":"sync"', '"service":5'), want: 'reject activity.service' },
      { text: ACT.replace('"service":"sync"', '"service":{"a":1}'), want: 'reject activity.service' },
      { text: FLOW.replace('"event":"flow.signin.view"', '"event":true'), want: 'reject flow.event' },
    ].map((c) => ({ ...c, withFault: c.text.replace('"Timestamp":', '"Timestamp":-'), wantWithFault: 'reject invalid_envelope' })),
  );
});

test('trailing commas and NaN / Infinity outside the checked fields are accepted, as DuckDB reads them', async (t) => {
  const variants = [
    FLOW.replace(/\}\}$/, '},}'),
    FLOW.replace(/\}\}$/, ', }}'),
    FLOW.replace('"Pid":1', '"Pid":NaN'),
    FLOW.replace('"Pid":1', '"Pid":-inf'),
    FLOW.replace('"Pid":1', '"Pid":[1,2,]'),
  ];
  await bothSides(
    t,
    variants.map((text) => ({ text, want: 'flow', withFault: badFlowId(text), wantWithFault: 'reject flow.flow_id' })),
  );
  // two commas, or a comma with nothing before it, are not lenient JSON
  await bothSides(
    t,
    [FLOW.replace(/\}\}$/, '},,}'), FLOW.replace('"Pid":1', '"Pid":[,]')].map((text) => ({
      text,
      want: 'reject invalid_json',
      withFault: badFlowId(text),
      wantWithFault: 'reject invalid_json',
    })),
  );
});

test('duplicate keys: the first one counts, on both sides', async (t) => {
  const validFirst = FLOW.replace('"flow_time":1500', '"flow_time":1500,"flow_time":"bad"');
  const invalidFirst = FLOW.replace('"flow_time":1500', '"flow_time":"bad","flow_time":1500');
  const typeTwice = FLOW.replace('"Type":"flowEvent"', '"Type":"log","Type":"flowEvent"');
  await bothSides(t, [
    { text: validFirst, want: 'flow', withFault: badFlowId(validFirst), wantWithFault: 'reject flow.flow_id' },
    { text: invalidFirst, want: 'reject flow.flow_time', withFault: badFlowId(invalidFirst), wantWithFault: 'reject flow.flow_id' },
    { text: typeTwice, want: 'skip', withFault: badFlowId(typeTwice), wantWithFault: 'skip' },
  ]);
  // and the value stored is the first
  const dataDir = tempDir(t);
  const file = join(dataDir, 'dup.log');
  writeFileSync(file, FLOW.replace('"locale"', '"x"').replace('"flow_time":1500', '"flow_time":1500,"flow_time":99') + '\n');
  await load(join(dataDir, 'd'), [file]);
  assert.deepEqual(
    (await rawRows(join(dataDir, 'd'), 'flow_events')).map((r) => r.flow_time),
    [1500],
  );
});

test('a lone surrogate: rejected in a stored field, harmless elsewhere (DuckDB refuses the line, JavaScript decides)', async (t) => {
  const stored = FLOW.replace('"event":"flow.signin.view"', '"event":"flow.signin.view","locale":"a\\ud800b"');
  const ignored = FLOW.replace('"Pid":1', '"Pid":"\\udc00"');
  await bothSides(t, [
    {
      text: stored,
      want: 'reject flow.locale',
      withFault: stored.replace('"Timestamp":', '"Timestamp":-'),
      wantWithFault: 'reject invalid_envelope',
    },
    { text: ignored, want: 'flow', withFault: badFlowId(ignored), wantWithFault: 'reject flow.flow_id' },
  ]);
});

/**
 * A file whose every event carries its own line number as flow_time, with
 * blank lines, CRLF endings, whitespace around objects, junk, a line too
 * long for DuckDB, and no newline at the end.
 */
function numberedFile(lines: number, opts: { longLine?: boolean } = {}): { bytes: Buffer; events: number } {
  const parts: string[] = [];
  let events = 0;
  for (let n = 1; n <= lines; n++) {
    const eol = n === lines ? '' : n % 7 === 0 ? '\r\n' : '\n';
    const ev = (extra: Record<string, unknown> = {}) =>
      JSON.stringify(
        flowEvent({ flow_time: n, time: 1488326400000 + n, flow_id: (n % 65536).toString(16).padStart(4, '0').repeat(16), ...extra }),
      );
    let text: string;
    if (n % 53 === 0) text = '';
    else if (n % 59 === 0) text = ' \t ';
    else if (n % 61 === 0) text = '{"Type":"flowEvent",';
    else if (n % 67 === 0) text = `  ${ev()} `;
    else if (opts.longLine && n === 500) text = ev({ migration: 'm'.repeat(MAX_LINE_BYTES + 10) });
    else text = ev();
    if (text.includes('flowEvent"') && text.trim().endsWith('}')) events++;
    parts.push(text + eol);
  }
  return { bytes: Buffer.from(parts.join('')), events };
}

async function assertNumbering(t: TestContext, path: string, lines: number, events: number): Promise<void> {
  const dataDir = tempDir(t);
  const r = await load(dataDir, [path]);
  assert.ok(countsAddUp(r.counts));
  assert.equal(r.counts.lines_read, lines);
  assert.equal(r.counts.loaded_flow_events, events);
  const rows = await rawRows(dataDir, 'flow_events');
  assert.equal(rows.length, events);
  for (const row of rows) assert.equal(row.source_line, row.flow_time, 'source_line is the line number');
  assert.equal(rows.at(-1)!.source_line, lines, 'the last line, without its newline');
  const rejected = readFileSync(r.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { source_line: number; line: string });
  assert.deepEqual(
    rejected.map((q) => q.source_line),
    Array.from({ length: lines }, (_, i) => i + 1).filter((n) => n % 61 === 0 && n % 53 && n % 59),
  );
  for (const q of rejected) assert.equal(q.line, '{"Type":"flowEvent",');
}

test('line numbers in the raw zone and the quarantine: CRLF, blank lines, no final newline, .gz', async (t) => {
  const work = tempDir(t);
  const { bytes, events } = numberedFile(5000);
  const plain = join(work, 'small.log');
  writeFinishedFile(plain, bytes);
  await assertNumbering(t, plain, 5000, events);
  const gz = join(work, 'small.log.gz');
  writeFinishedFile(gz, gzipSync(bytes));
  await assertNumbering(t, gz, 5000, events);
});

// several of DuckDB's JSON read buffers (32 MiB here), so lines cross buffer boundaries
const BIG_FILE_BYTES = 80 << 20;

test("line numbers in a file larger than DuckDB's read buffer, with a line over 4 MiB", async (t) => {
  const work = tempDir(t);
  const lines = Math.ceil(BIG_FILE_BYTES / JSON.stringify(flowEvent()).length);
  const { bytes, events } = numberedFile(lines, { longLine: true });
  const plain = join(work, 'big.log');
  writeFinishedFile(plain, bytes);
  assert.ok(statSync(plain).size > BIG_FILE_BYTES);
  await assertNumbering(t, plain, lines, events);
});

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  /* eslint-disable no-loss-of-precision -- numbers beyond 2^53 on purpose: how JSON writes them is what is tested */
  123,
  -1,
  0,
  1.5,
  'str',
  '',
  true,
  false,
  null,
  [],
  {},
  [1, 'a'],
  { a: { b: [1, null] } },
  12345678901234567890,
  '🦊 fox',
  'é\u2028x',
  "'; DROP TABLE raw; --",
  'a"b\\c/d\n\t',
  'x'.repeat(5000),
  9007199254740993,
  253402300800000,
  /* eslint-enable no-loss-of-precision */
  'ABCDEF0123456789ABCDEF0123456789',
  'abcdef0123456789abcdef012345678',
  'g'.repeat(32),
  'A1'.repeat(32),
  'a1'.repeat(31),
];
const NUMBER_TEXTS = ['1.0', '1e3', '-0', '1E2', '0.5', '-5', '18446744073709551616', '1500', 'NaN', '"7"', 'true'];

/** One fuzzed line: a valid event (unique duplicate key) mutated in zero to three ways, some textual. */
function fuzzLine(r: () => number, i: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[Math.floor(r() * 22)]).join('');
  const base =
    r() < 0.5
      ? flowEvent({
          event: pick(['flow.signin.view', 'flow.begin', 'flow.x.begin', 'flow..begin', 'flow.a\nb.begin', 'flow.complete']),
          flow_id: hex(64),
          flow_time: i,
          time: 1488326400000 + Math.floor(r() * 86400000 * 2),
          uid: r() < 0.7 ? hex(32) : undefined,
          locale: pick(['en-US', 'fr', null, '', 'de-DE.default']),
          userAgent: pick(['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Firefox/52.0', '', null, 'curl/7.1']),
          service: pick(['sync', '', null, undefined]),
          utm_campaign: pick(['c1', undefined, null]),
          dnt: pick([true, false, null, undefined]),
          entrypoint: pick(['menupanel', undefined]),
        })
      : activityEvent(
          {
            event: pick(['account.login', 'sync.heartbeat', 'flow.x.begin']),
            uid: hex(32),
            device_id: pick([hex(32), '', null, undefined]),
            service: pick(['sync', '', null, undefined]),
            userAgent: pick(['Firefox-iOS-FxA/6.1b5234 (Firefox)', null, undefined]),
            time: pick([1488330000000 + i, undefined, null]),
          },
          { Timestamp: 1488330000000000000 + i * 1_000_123 },
        );
  const fields = base.Fields as Record<string, unknown>;
  const mutations = r() < 0.4 ? 0 : 1 + Math.floor(r() * 2);
  for (let m = 0; m < mutations; m++) {
    const keys = Object.keys(fields);
    const what = Math.floor(r() * 6);
    if (what === 0 && keys.length) delete fields[pick(keys)];
    else if (what === 1 && keys.length) fields[pick(keys)] = pick(ODD_VALUES);
    else if (what === 2) fields[pick(['uid', 'flow_id', 'device_id'])] = hex(pick([0, 31, 32, 33, 64]));
    else if (what === 3) base[pick(['Timestamp', 'Fields', 'Type'])] = pick([...ODD_VALUES, 'flowEvent', 'log', 1e21]);
    else if (what === 4) delete base[pick(['Timestamp', 'Fields', 'Type'])];
    else fields.extra = pick(ODD_VALUES);
  }
  let text = JSON.stringify(base);
  const t = r();
  if (t < 0.08) text = text.replace(/"time":\d+/, `"time":${pick(NUMBER_TEXTS)}`);
  else if (t < 0.11) text = text.replace(/"Timestamp":\d+/, `"Timestamp":${pick(['1.48833e18', '-1', '25340230079999999999900', '"1"'])}`);
  else if (t < 0.15) text = text.replace(/\}\}$/, pick(['},}', '}, }', ',"x":NaN}}', ',"x":-Infinity}}', '}}  ', '}}x', '}}\u000b']));
  else if (t < 0.19) text = text.replace(/"uid":"/, pick(['"uid":"\\u0041', '"uid":"\\ud800', '"uid":"\\/']));
  else if (t < 0.22) text = text.replace(/"event":"/, pick(['"event":"\\ud83e\\udd8a', '"event":"\\"', '"event":"\\\\']));
  else if (t < 0.26)
    text = text.replace(/,"(service|event|uid|time)":/, (_m, k: string) => `,"${k}":${pick(['"dup"', '5', 'null'])},${JSON.stringify(k)}:`);
  else if (t < 0.28) text = text.slice(0, Math.floor(r() * text.length));
  else if (t < 0.3) text = pick(['', '   ', '[1,2]', '"str"', '123', 'null', '{}', '{"Type":"flowEvent"}', 'not json']);
  else if (t < 0.32) text = text.replace('"Fields":{', `"Fields":{"Timestamp":${1488330000000000000 + i},`);
  return text;
}

test('fuzzed corpus: every line DuckDB accepts is accepted by the JavaScript rules with the same row, and the others get their outcome', async (t) => {
  const r = rng(7);
  const lines = Array.from({ length: 4000 }, (_, i) => fuzzLine(r, i));
  const work = tempDir(t);
  const file = join(work, 'fuzz.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const res = await load(join(work, 'data'), [file]);
  assert.ok(countsAddUp(res.counts));
  const rows = new Map<number, Row>();
  for (const table of ['flow_events', 'activity_events'] as const) {
    for (const row of await rawRows(join(work, 'data'), table)) rows.set(row.source_line as number, { ...row, table });
  }
  const quarantine = new Map(
    readFileSync(res.quarantineFile!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const q = JSON.parse(l) as { source_line: number; reason: string };
        return [q.source_line, q.reason] as const;
      }),
  );
  const ctx = { hashUid: makeUidHasher(KEY), parseUa: makeUserAgentParser(), sourceFile: file, loadId: res.loadId! };
  let accepted = 0;
  let duplicates = 0;
  for (const [i, text] of lines.entries()) {
    const n = i + 1;
    const c = classifyLine(text);
    const row = rows.get(n);
    if (c.kind === 'reject') {
      assert.equal(quarantine.get(n), c.reason, `line ${n}: ${text.slice(0, 200)}`);
    } else if (c.kind === 'skip') {
      assert.ok(!row && !quarantine.has(n), `line ${n} is skipped: ${text.slice(0, 200)}`);
    } else if (!row) {
      assert.ok(!quarantine.has(n), `line ${n} is accepted: ${text.slice(0, 200)}`);
      duplicates++;
    } else {
      accepted++;
      const expected = c.kind === 'flow' ? toFlowRow(c.fields, n, ctx) : toActivityRow(c.envelope, c.fields, text, n, ctx);
      const { day: _d, table, ...stored } = row;
      // -0 is written as 0
      for (const [k, v] of Object.entries(expected)) if (v === 0) (expected as unknown as Record<string, unknown>)[k] = 0;
      assert.equal(table, c.kind === 'flow' ? 'flow_events' : 'activity_events');
      assert.deepEqual(stored, { ...expected }, `line ${n}: ${text.slice(0, 200)}`);
    }
  }
  assert.ok(accepted > 1000 && quarantine.size > 500, `${accepted} accepted, ${quarantine.size} rejected`);
  assert.equal(duplicates, res.counts.duplicates);
});

test('HMAC in SQL equals hmacUid for short, block-sized, long and non-ASCII keys', async () => {
  const r = rng(42);
  const uids = Array.from({ length: 200 }, () => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join(''));
  const keys = ['k', KEY, 'x'.repeat(64), 'y'.repeat(65), 'clé secrète 🦊'.repeat(7)];
  const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const con = await inst.connect();
  try {
    await con.run('CREATE TABLE u (uid VARCHAR)');
    const app = await con.createAppender('u');
    for (const u of uids) {
      app.appendVarchar(u);
      app.endRow();
    }
    app.closeSync();
    for (const key of keys) {
      const pads = hmacPads(key);
      const rows = (
        await con.runAndReadAll(`SELECT uid, ${HMAC_SQL('uid')} AS h FROM u ORDER BY uid`, [blobValue(pads.inner), blobValue(pads.outer)])
      ).getRowsJS();
      assert.equal(rows.length, uids.length);
      for (const [uid, h] of rows) assert.equal(h, hmacUid(key, uid as string), `key of ${key.length} chars`);
    }
  } finally {
    con.closeSync();
    inst.closeSync();
  }
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

test('a load that spills under a small memory cap writes no raw uid: not in the spill files, not in any file written', async (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const file = join(work, 'many.log');
  const r = rng(3);
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const uids = Array.from({ length: 2000 }, () => hex(32));
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const uid = uids[i % uids.length];
    lines.push(
      JSON.stringify(
        i % 2
          ? activityEvent({
              uid: i % 4 === 1 ? uid.toUpperCase() : uid,
              device_id: hex(32),
              time: 1488330000000 + i,
              event: `e.${hex(12)}`,
            })
          : flowEvent({ uid, flow_id: hex(64), flow_time: i, time: 1488326400000 + i, locale: hex(40) }),
      ),
    );
    if (i % 5000 === 0) lines.push(`{"Type":"flowEvent","Fields":{"uid":"${uid}"`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const before = process.env.FXA_LOADER_MEMORY_LIMIT;
  process.env.FXA_LOADER_MEMORY_LIMIT = '64MB';
  t.after(() => {
    if (before === undefined) delete process.env.FXA_LOADER_MEMORY_LIMIT;
    else process.env.FXA_LOADER_MEMORY_LIMIT = before;
  });
  // DuckDB removes its spill files when it is done: read them while the load runs
  const seen = new Map<string, Buffer>();
  const watch = setInterval(() => {
    for (const p of filesUnder(join(dataDir, '.staging')).filter((f) => f.includes('duckdb-spill'))) {
      try {
        // read a spill file again only once it has grown by half
        const size = statSync(p).size;
        if (size > 1.5 * (seen.get(p)?.length ?? 0)) seen.set(p, readFileSync(p));
      } catch {
        // gone meanwhile
      }
    }
  }, 10);
  let res;
  try {
    res = await load(dataDir, [file]);
  } finally {
    clearInterval(watch);
  }
  assert.equal(res.counts.loaded_activity_events + res.counts.loaded_flow_events, 100_000);
  const spilled = [...seen.keys()].filter((p) => p.includes('duckdb-spill'));
  assert.ok(spilled.length > 0, 'DuckDB spilled');
  const all = [...seen.entries(), ...filesUnder(dataDir).map((p) => [p, readFileSync(p)] as const)];
  for (const [p, bytes] of all) {
    const text = bytes.toString('latin1').toLowerCase();
    for (const uid of uids) assert.ok(!text.includes(uid), `raw uid in ${p}`);
  }
  // the spill files hold plain text, HMACs among it: the search above could have found a raw uid
  const hashed = hmacUid(KEY, uids[0]);
  assert.ok(
    spilled.some((p) => seen.get(p)!.toString('latin1').includes(hashed)),
    'an HMAC is readable in the spill files',
  );
});

test("the scan's DuckDB, which sees raw uids, cannot spill: no temp directory, no temp space", async () => {
  const inst = await DuckDBInstance.create(':memory:', SCAN_DUCKDB_SETTINGS);
  const con = await inst.connect();
  try {
    const [row] = (
      await con.runAndReadAll("SELECT current_setting('temp_directory') AS dir, current_setting('max_temp_directory_size') AS size")
    ).getRowObjectsJS();
    assert.equal(row.dir, '');
    assert.match(String(row.size), /^0(\.0)? ?(bytes|B|KiB)$/);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
});
