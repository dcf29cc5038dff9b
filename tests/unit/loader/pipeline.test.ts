// The load path on a file mixing every outcome, staging, and checksumming
// in the same read; and the chunked reading of the line-by-line code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadFiles, loadedChecksums } from '../../../scripts/loader/index.ts';
import { countsAddUp } from '../../../scripts/loader/counts.ts';
import { readLineChunks, readLines } from '../../../scripts/loader/lines.ts';
import { activityEvent, FIXTURES, flowEvent, KEY, rawRows, tempDir, writeFinishedFile } from './helpers.ts';

// A 19-digit Timestamp, as the servers write it; its last digits need not survive as a JavaScript number.
// eslint-disable-next-line no-loss-of-precision
const NANOSECOND_TIMESTAMP = 1488330000123456789;

const load = (dataDir: string, inputs: string[]) => loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' });

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

/**
 * A file of a few MiB (several chunks) mixing every outcome: flow and activity
 * events, duplicates, noise, blank and CRLF lines, bad JSON, rule breaks, a
 * line of 1.5 MiB, invalid UTF-8, and no newline at the end.
 */
function mixedFile(path: string): number {
  const parts: Buffer[] = [];
  const add = (s: string, eol = '\n') => parts.push(Buffer.from(s + eol));
  for (let i = 0; i < 12_000; i++) {
    const flowId = hex(i % 3000, 8).repeat(8);
    const uid = hex(i % 700, 32);
    switch (i % 12) {
      case 0:
        add(
          JSON.stringify(
            flowEvent({
              event: 'flow.signin.begin',
              flow_id: flowId,
              flow_time: 0,
              time: 1488326400000 + i,
              uid,
              userAgent: `Mozilla/5.0 (X11; Linux x86_64; rv:${50 + (i % 5)}.0) Gecko/20100101 Firefox/${50 + (i % 5)}.0`,
            }),
          ),
        );
        break;
      case 1:
        add(
          JSON.stringify(
            flowEvent({
              flow_id: flowId.toUpperCase(),
              flow_time: i,
              time: 1488326400000 + i * 1000,
              dnt: i % 2 === 0,
              utm_source: 'x"y,z',
            }),
          ),
          '\r\n',
        );
        break;
      case 2:
        add(
          JSON.stringify(activityEvent({ uid: uid.toUpperCase(), device_id: hex(i % 50, 32), time: 1488330000000 + (i % 997) * 60_000 })),
        );
        break;
      case 3:
        add(
          JSON.stringify(
            activityEvent({ uid, device_id: '', service: i % 2 ? '' : null, time: null }, { Timestamp: NANOSECOND_TIMESTAMP + i }),
          ),
        );
        break;
      case 4:
        add(JSON.stringify({ Type: 'log', Fields: { msg: `uid ${uid}` } }));
        break;
      case 5:
        add(i % 5 === 0 ? '' : '   ');
        break;
      case 6:
        add(`{"Type":"flowEvent","Fields":{"uid":"${uid}"`);
        break;
      case 7:
        add(JSON.stringify(flowEvent({ flow_id: 'zz', uid })));
        break;
      case 8:
        add(JSON.stringify(activityEvent({ uid: 'nope', event: 'x' })));
        break;
      case 9:
        // a duplicate of an earlier flow line (same key), and of an earlier activity line
        add(JSON.stringify(flowEvent({ flow_id: flowId, flow_time: i - 8, time: 1488326400000 + (i - 8) * 1000 })));
        break;
      case 10:
        parts.push(Buffer.concat([Buffer.from(JSON.stringify(flowEvent({ flow_time: i })).slice(0, 60)), Buffer.from([0xc3, 0x28, 0x0a])]));
        break;
      default:
        add(
          JSON.stringify(
            flowEvent({ flow_id: flowId, flow_time: i, time: 1488412800000 + i, locale: 'fr-FR 🦊', context: i % 2 ? '' : null }),
          ),
        );
    }
    if (i === 6000) add(JSON.stringify(flowEvent({ flow_time: 1, time: 1488326400001, migration: 'm'.repeat(1_500_000) })));
  }
  add(JSON.stringify(activityEvent({ event: 'last.line', time: 1488330000001 })), '');
  const bytes = Buffer.concat(parts);
  writeFinishedFile(path, bytes);
  return bytes.length;
}

test('a file mixing every outcome: rows, counts and quarantine, each line accounted for once', async (t) => {
  const work = tempDir(t);
  const file = join(work, 'mixed.log');
  assert.ok(mixedFile(file) > 3 << 20, 'several MiB');
  const dataDir = join(work, 'data');
  const r = await load(dataDir, [file]);
  assert.ok(countsAddUp(r.counts));
  const quarantine = readFileSync(r.quarantineFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { source_line: number; reason: string });
  const flow = await rawRows(dataDir, 'flow_events');
  const activity = await rawRows(dataDir, 'activity_events');
  assert.equal(r.counts.lines_read, 12_002);
  assert.ok(flow.length > 4000 && activity.length > 1000 && quarantine.length > 3000);
  assert.ok(r.counts.duplicates > 0);
  assert.equal(r.counts.rejected_by_reason.invalid_utf8, 1000);
  assert.ok(
    flow.some((x) => x.migration === 'm'.repeat(1_500_000)),
    'the 1.5 MiB line is stored',
  );
  assert.equal(activity.at(-1)!.type, 'last.line');
  assert.equal(activity.at(-1)!.source_line, 12_002);
  // each line is accounted for exactly once
  const seen = [...flow, ...activity].map((x) => x.source_line as number).concat(quarantine.map((q) => q.source_line));
  assert.equal(new Set(seen).size, seen.length);
  assert.equal(seen.length + r.counts.duplicates + r.counts.skipped, 12_002);
});

test('staged rows cross verbatim: quotes, commas, line breaks, NUL, and the empty string apart from null', async (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const odd = 'a,"b"\n c\r\n\u0000 d"" ,';
  const file = join(work, 'odd.log');
  writeFileSync(
    file,
    [
      flowEvent({ event: odd, locale: '', context: null, entrypoint: '"', service: ',', utm_term: '\n' }),
      activityEvent({ event: odd, service: '', device_id: '' }),
      activityEvent({ event: 'no.service', time: 1488330000005 }, {}),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  const noService = JSON.parse(readFileSync(file, 'utf8').split('\n')[2]);
  delete noService.Fields.service;
  writeFinishedFile(file, readFileSync(file, 'utf8').split('\n').slice(0, 2).concat(JSON.stringify(noService)).join('\n'));
  await load(dataDir, [file]);
  const [f] = await rawRows(dataDir, 'flow_events');
  assert.deepEqual([f.type, f.locale, f.context, f.entrypoint, f.service, f.utm_term, f.migration], [odd, '', null, '"', ',', '\n', null]);
  const acts = await rawRows(dataDir, 'activity_events');
  assert.deepEqual(
    acts.map((a) => [a.type, a.service, a.device_id]),
    [
      [odd, '', null],
      ['no.service', null, 'd0'.repeat(16)],
    ],
  );
});

test('the checksum taken while loading is the sha256 of the file as stored (plain and .gz)', async (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const gz = join(work, 'day2.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'day2.log'))));
  const inputs = [join(FIXTURES, 'day1.log'), gz];
  const r = await load(dataDir, inputs);
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  assert.deepEqual(
    r.files.map((f) => [f.sha256, f.bytes]),
    inputs.map((p) => [sha(p), readFileSync(p).length]),
  );
  assert.deepEqual([...loadedChecksums(dataDir)].sort(), inputs.map(sha).sort());
});

test('files of equal size but different content both load; equal content is loaded once', async (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const a = join(work, 'a.log');
  const b = join(work, 'b.log');
  const c = join(work, 'c.log');
  writeFileSync(a, JSON.stringify(flowEvent({ flow_time: 1111 })) + '\n');
  writeFileSync(b, JSON.stringify(flowEvent({ flow_time: 2222 })) + '\n');
  writeFileSync(c, readFileSync(a));
  const r = await load(dataDir, [a, b, c]);
  assert.deepEqual(
    r.files.map((f) => f.status),
    ['loaded', 'loaded', 'already_loaded'],
  );
  assert.deepEqual(
    (await rawRows(dataDir, 'flow_events')).map((x) => x.flow_time),
    [1111, 2222],
  );
  const d = join(work, 'd.log');
  writeFileSync(d, JSON.stringify(flowEvent({ flow_time: 3333 })) + '\n');
  const again = await load(dataDir, [d, b]);
  assert.deepEqual(
    again.files.map((f) => f.status),
    ['loaded', 'already_loaded'],
  );
  assert.deepEqual((await rawRows(dataDir, 'flow_events')).map((x) => x.flow_time).sort(), [1111, 2222, 3333]);
});

test('chunks hold whole lines, cover the file byte for byte and number lines like readLines', async (t) => {
  const work = tempDir(t);
  const file = join(work, 'mixed.log');
  mixedFile(file);
  const gz = join(work, 'mixed.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(file)));
  const expected = [];
  for await (const l of readLines(file)) expected.push(l.number);
  for (const path of [file, gz]) {
    const pieces: Buffer[] = [];
    const raw: Buffer[] = [];
    let next = 1;
    for await (const c of readLineChunks(path, (b) => raw.push(Buffer.from(b)))) {
      assert.equal(c.firstLine, next);
      next += c.lines;
      assert.ok(c.bytes.length > 0);
      pieces.push(Buffer.from(c.bytes));
    }
    assert.ok(pieces.length > 2);
    assert.equal(next - 1, expected.length);
    assert.ok(Buffer.concat(pieces).equals(readFileSync(file)));
    assert.ok(Buffer.concat(raw).equals(readFileSync(path)));
    for (const p of pieces.slice(0, -1)) assert.equal(p.at(-1), 0x0a);
  }
});
