// The native engine (DuckDB reads and checks the files with SQL generated
// from the JSON Schemas) against the JS engine (ajv on every line): on a
// seeded fuzzed corpus both must give the same rows, counts and quarantine,
// and no line the generated checks accept may be one ajv rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, blobValue } from '@duckdb/node-api';
import { loadFiles } from '../../../scripts/loader/index.ts';
import { countsAddUp } from '../../../scripts/loader/counts.ts';
import { loaderEngine } from '../../../scripts/loader/engine.ts';
import { HMAC_SQL, hmacPads, NATIVE_DUCKDB_OPTIONS, NativeEngine } from '../../../scripts/loader/native-engine.ts';
import { scanFile } from '../../../scripts/loader/lines.ts';
import { hmacUid } from '../../../scripts/loader/privacy.ts';
import { classifyLine } from '../../../scripts/loader/rules.ts';
import { FIXTURES, KEY, activityEvent, flowEvent, query, tempDir } from './helpers.ts';
import { rowDifference } from '../../lib/marts.ts';

type Engine = 'js' | 'native';

async function withEngine<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  const before = process.env.FXA_LOADER_ENGINE;
  process.env.FXA_LOADER_ENGINE = engine;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.FXA_LOADER_ENGINE;
    else process.env.FXA_LOADER_ENGINE = before;
  }
}

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  123, -1, 0, 1.5, 'str', '', true, false, null, [], {}, [1, 'a'], { a: { b: [1, null] } }, 12345678901234567890,
  '🦊 fox', 'é\u2028x', "'; DROP TABLE raw; --", 'a"b\\c/d\n\t', 'x'.repeat(5000), 9007199254740993, 253402300800000,
  'ABCDEF0123456789ABCDEF0123456789', 'abcdef0123456789abcdef012345678', 'g'.repeat(32), 'A1'.repeat(32), 'a1'.repeat(31),
];
const NUMBER_TEXTS = ['1.0', '1e3', '-0', '1E2', '0.5', '-5', '18446744073709551616', '1500'];

/** One fuzzed line: a valid event mutated in one to three ways, some mutations textual. */
function fuzzLine(r: () => number, i: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[Math.floor(r() * 22)]).join('');
  const kind = r() < 0.5 ? 'flow' : 'activity';
  const base =
    kind === 'flow'
      ? flowEvent({
          event: pick(['flow.signin.view', 'flow.begin', 'flow.x.begin', 'flow..begin', 'flow.a\nb.begin', 'flow.complete', 'account.created']),
          flow_id: hex(64),
          flow_time: Math.floor(r() * 100000),
          time: 1488326400000 + Math.floor(r() * 86400000 * 2),
          uid: r() < 0.7 ? hex(32) : undefined,
          locale: pick(['en-US', 'fr', null, '', 'de-DE.default']),
          userAgent: pick(['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Firefox/52.0', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36', '', null, 'curl/7.1', 'Mozilla/5.0 (Android 7.0; Mobile; rv:52.0) Gecko/52.0 Firefox/52.0']),
          service: pick(['sync', '', null, undefined]),
          utm_campaign: pick(['c1', undefined, null]),
          utm_term: pick(['t', undefined]),
          dnt: pick([true, false, null, undefined, 'true']),
          entrypoint: pick(['menupanel', undefined]),
        })
      : activityEvent({
          event: pick(['account.login', 'sync.heartbeat', 'flow.x.begin', 'device.created']),
          uid: hex(32),
          device_id: pick([hex(32), '', null, undefined]),
          service: pick(['sync', '', null, undefined]),
          userAgent: pick(['Firefox-iOS-FxA/6.1b5234 (Firefox)', 'Mozilla/5.0 (X11; Linux x86_64; rv:52.0) Gecko/20100101 Firefox/52.0', null, undefined]),
          time: pick([1488330000000 + Math.floor(r() * 86400000), undefined, null]),
        }, { Timestamp: 1488330000000000000 + Math.floor(r() * 1e6) * 1_000_000_123 });
  // Fields set to undefined are dropped by JSON.stringify, like absent ones.
  const fields = base.Fields as Record<string, unknown>;
  const mutations = r() < 0.3 ? 0 : 1 + Math.floor(r() * 3);
  for (let m = 0; m < mutations; m++) {
    const keys = Object.keys(fields);
    const what = Math.floor(r() * 8);
    if (what === 0 && keys.length) delete fields[pick(keys)];
    else if (what === 1 && keys.length) fields[pick(keys)] = pick(ODD_VALUES);
    else if (what === 2) fields[pick(['uid', 'flow_id', 'device_id'])] = hex(pick([0, 31, 32, 33, 63, 64, 65]));
    else if (what === 3) fields[pick(['flow_time', 'time'])] = pick([-1, 1.5, -0.5, 2 ** 53, 253402300799999, 253402300800000]);
    else if (what === 4) base[pick(['Timestamp', 'Fields', 'Type'])] = pick([...ODD_VALUES, 'flowEvent', 'activityEvent', 'log', 1e21, 253402300799999999999]);
    else if (what === 5) fields.extra = pick(ODD_VALUES);
    else if (what === 6) delete base[pick(['Timestamp', 'Fields', 'Type'])];
    else base.Type = pick(['flowEvent', 'activityEvent', 'log', 'flowevent', 5, null]);
  }
  let text = JSON.stringify(base);
  // Textual mutations: number spellings, lenient JSON, escapes, duplicate keys, truncation, junk.
  const t = r();
  if (t < 0.06) text = text.replace(/"flow_time":\d+/, `"flow_time":${pick(NUMBER_TEXTS)}`);
  else if (t < 0.1) text = text.replace(/"time":\d+/, `"time":${pick(NUMBER_TEXTS)}`);
  else if (t < 0.13) text = text.replace(/"Timestamp":\d+/, `"Timestamp":${pick(['1.488330000e18', '1488330000000000000.0', '-1', '25340230079999999999900'])}`);
  else if (t < 0.16) text = text.replace(/\}\}$/, pick(['},}', '}, }', ',"x":NaN}}', ',"x":-Infinity}}', '}}  ', '} }', '}}x']));
  else if (t < 0.19) text = text.replace('{"Timestamp"', pick(['{"Type":"log","Timestamp"', '{"Fields":{},"Timestamp"', '{"Type":"flowEvent","Timestamp"']));
  else if (t < 0.22) text = text.replace(/"uid":"/, pick(['"uid":"\\u0041', '"uid":"\\ud800', '"uid":"', '"uid":"\\/']));
  else if (t < 0.24) text = text.replace(/"event":"/, pick(['"event":"\\ud83e\\udd8a', '"event":"\\ud800', '"event":"\\"', '"event":"\\\\']));
  else if (t < 0.26) text = text.replace(/,"(service|event|flow_time)":/, (_m, k: string) => `,"${k}":"dup",${JSON.stringify(k)}:`);
  else if (t < 0.29) text = text.slice(0, Math.floor(r() * text.length));
  else if (t < 0.31) text = pick(['', '   ', '\t', '[1,2]', '"str"', '123', 'null', 'true', '{}', '{"Type":"flowEvent"}', 'not json', `uid ${hex(32)} here`]);
  else if (t < 0.33) text = `  ${text}\t`;
  else if (t < 0.35) text = text.replace('"Fields":{', `"Fields":{"Timestamp":${1488330000000000000 + i},`);
  return text;
}

function fuzzCorpus(seed: number, lines: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const line = fuzzLine(r, i);
    out.push(line);
    if (r() < 0.05) out.push(line); // exact repeats: duplicates within the file
  }
  return out;
}

interface Outcome {
  counts: unknown;
  quarantine: unknown[];
  dataDir: string;
}

async function loadWith(engine: Engine, dataDir: string, inputs: string[]): Promise<Outcome> {
  const r = await withEngine(engine, () => loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' }));
  assert.ok(countsAddUp(r.counts));
  const quarantine = r.quarantineFile
    ? readFileSync(r.quarantineFile, 'utf8').trim().split('\n').map((l) => {
        const { load_id: _l, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      })
    : [];
  return { counts: r.files.map((f) => f.counts), quarantine, dataDir };
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One raw table of a data dir, lineage but load_id included. */
const rawRows = (dir: string, table: string) =>
  `SELECT * EXCLUDE (load_id) FROM read_parquet(${q(join(dir, 'raw', table, '*', '*.parquet'))}, hive_partitioning = true, hive_types = {'day': 'VARCHAR'})`;

async function assertSameRawZone(a: Outcome, b: Outcome): Promise<void> {
  assert.deepEqual(b.counts, a.counts);
  assert.deepEqual(b.quarantine, a.quarantine);
  for (const table of ['flow_events', 'activity_events']) {
    const d = await rowDifference(query, rawRows(a.dataDir, table), rawRows(b.dataDir, table));
    assert.deepEqual([d.onlyA, d.onlyB], [0, 0], `${table}: rows only in ${a.dataDir}, only in ${b.dataDir}`);
  }
}

test('engine choice: js by default, native on request, anything else a usage error', async () => {
  for (const [value, expected] of [[undefined, 'js'], ['', 'js'], ['js', 'js'], ['native', 'native']] as const) {
    const before = process.env.FXA_LOADER_ENGINE;
    if (value === undefined) delete process.env.FXA_LOADER_ENGINE;
    else process.env.FXA_LOADER_ENGINE = value;
    try {
      assert.equal(loaderEngine(), expected);
    } finally {
      if (before === undefined) delete process.env.FXA_LOADER_ENGINE;
      else process.env.FXA_LOADER_ENGINE = before;
    }
  }
  await withEngine('fast' as Engine, async () => {
    assert.throws(() => loaderEngine(), (e: Error & { exitCode?: number }) => /FXA_LOADER_ENGINE/.test(e.message));
  });
});

test('fuzzed corpus: the generated checks never accept a line ajv rejects, and agree with it on kind', async (t) => {
  const work = tempDir(t);
  const lines = fuzzCorpus(20240301, 3000);
  const file = join(work, 'fuzz.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const engine = await NativeEngine.open({ hmacKey: KEY, stagingDir: work });
  let kinds: string[];
  try {
    kinds = await engine.classifyFile(file);
  } finally {
    engine.close();
  }
  assert.equal(kinds.length, lines.length);
  const tally: Record<string, number> = {};
  lines.forEach((line, i) => {
    const js = classifyLine(line).kind;
    const native = kinds[i];
    tally[`${native}/${js}`] = (tally[`${native}/${js}`] ?? 0) + 1;
    if (native !== 'js') assert.equal(native, js, `line ${i + 1}: native ${native}, ajv ${js}: ${line.slice(0, 300)}`);
  });
  // The corpus exercises every outcome on both sides.
  for (const k of ['flow/flow', 'activity/activity', 'skip/skip', 'js/reject']) assert.ok((tally[k] ?? 0) > 20, `${k}: ${JSON.stringify(tally)}`);
  // Most valid events take the fast path: the guards that send valid lines to ajv are narrow.
  const validToJs = (tally['js/flow'] ?? 0) + (tally['js/activity'] ?? 0) + (tally['js/skip'] ?? 0);
  assert.ok(validToJs < (tally['flow/flow'] + tally['activity/activity']) / 2, JSON.stringify(tally));
});

test('fuzzed corpus: both engines write the same rows, counts by reason and quarantine records', async (t) => {
  const work = tempDir(t);
  const main = join(work, 'fuzz.log');
  writeFileSync(main, fuzzCorpus(7, 2500).join('\n'));
  // A second file repeats some events (duplicates across files) and is gzipped.
  const again = join(work, 'again.log.gz');
  writeFileSync(again, gzipSync(fuzzCorpus(7, 300).concat(fuzzCorpus(8, 300)).join('\n') + '\n'));
  // A file DuckDB cannot number as we do (CR, NUL, invalid UTF-8) goes through the per-line path whole.
  const odd = join(work, 'odd.log');
  writeFileSync(
    odd,
    Buffer.concat([
      Buffer.from(fuzzCorpus(9, 200).join('\r\n') + '\r\n'),
      Buffer.from(JSON.stringify(flowEvent({ locale: 'x\u0000y' })).replace('\\u0000', '\u0000') + '\n'),
      Buffer.from('{"Type":"flowEvent","x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n\n'),
    ]),
  );
  const inputs = [main, again, odd, join(FIXTURES, 'day1.log')];
  // The native engine must really read the first two files itself (a DuckDB failure would fall back silently).
  mkdirSync(join(work, 'probe'));
  const engine = await NativeEngine.open({ hmacKey: KEY, stagingDir: join(work, 'probe') });
  try {
    for (const [i, f] of [main, again].entries()) {
      const staged = await engine.stageFile(i, f);
      assert.equal(staged.lines, (await scanFile(f)).lines);
      const rows = staged.outputs.reduce((n, o) => n + o.rows, 0);
      assert.ok(staged.outputs.length === 2 && rows > staged.lines / 4, `${f}: ${rows} of ${staged.lines} lines staged natively`);
    }
  } finally {
    engine.close();
  }
  assert.equal((await scanFile(odd)).plainLines, false);
  const js = await loadWith('js', join(work, 'js'), inputs);
  const native = await loadWith('native', join(work, 'native'), inputs);
  const totals = js.counts as { loaded_flow_events: number; loaded_activity_events: number; duplicates: number; rejected: number }[];
  assert.ok(totals[0].loaded_flow_events > 200 && totals[0].loaded_activity_events > 200 && totals[0].rejected > 300);
  assert.ok(totals[1].duplicates > 100, 'the second file repeats the first');
  await assertSameRawZone(js, native);

  // A second night: the same corpus again, plus new lines, against the committed partitions.
  const next = join(work, 'next.log');
  writeFileSync(next, fuzzCorpus(7, 400).concat(fuzzCorpus(10, 400)).join('\n'));
  const js2 = await loadWith('js', js.dataDir, [next]);
  const native2 = await loadWith('native', native.dataDir, [next]);
  assert.ok((js2.counts as { duplicates: number }[])[0].duplicates > 100);
  await assertSameRawZone(js2, native2);
});

test('HMAC in SQL equals hmacUid for short, block-sized, long and non-ASCII keys', async () => {
  const r = rng(42);
  const uids = Array.from({ length: 200 }, () => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join(''));
  const keys = ['k', KEY, 'x'.repeat(64), 'y'.repeat(65), 'clé secrète 🦊'.repeat(7)];
  const inst = await DuckDBInstance.create(':memory:', NATIVE_DUCKDB_OPTIONS);
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
      const rows = (await con.runAndReadAll(`SELECT uid, ${HMAC_SQL('uid')} AS h FROM u ORDER BY uid`, [blobValue(pads.inner), blobValue(pads.outer)])).getRowsJS();
      assert.equal(rows.length, uids.length);
      for (const [uid, h] of rows) assert.equal(h, hmacUid(key, uid as string), `key of ${key.length} chars`);
    }
  } finally {
    con.closeSync();
    inst.closeSync();
  }
});

test('the native engine never spills: no temp directory, no temp space', async () => {
  const inst = await DuckDBInstance.create(':memory:', NATIVE_DUCKDB_OPTIONS);
  const con = await inst.connect();
  try {
    const [row] = (await con.runAndReadAll(
      "SELECT current_setting('temp_directory') AS dir, current_setting('max_temp_directory_size') AS size",
    )).getRowObjectsJS();
    assert.equal(row.dir, '');
    assert.match(String(row.size), /^0(\.0)? ?(bytes|B|KiB)$/);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
});
