import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClock, parseTimeV } from '../../../bench/lib/time-v.ts';

// The shape GNU time 1.9 writes with -v (a failed command adds a first line).
const REPORT = `Command exited with non-zero status 3
\tCommand being timed: "node bin/fxa-metrics.mjs load logs --json"
\tUser time (seconds): 12.34
\tSystem time (seconds): 1.50
\tPercent of CPU this job got: 180%
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
\tAverage shared text size (kbytes): 0
\tMaximum resident set size (kbytes): 524288
\tAverage resident set size (kbytes): 0
\tExit status: 3
`;

test('parseTimeV reads CPU times, wall clock, peak RSS and exit status', () => {
  assert.deepEqual(parseTimeV(REPORT), {
    userSeconds: 12.34,
    systemSeconds: 1.5,
    wallSeconds: 62.5,
    maxRssKb: 524288,
    exitStatus: 3,
  });
});

test('parseTimeV gives null for fields that are missing or unreadable', () => {
  const r = parseTimeV('\tUser time (seconds): abc\n\tExit status: 0\n');
  assert.equal(r.userSeconds, null);
  assert.equal(r.maxRssKb, null);
  assert.equal(r.wallSeconds, null);
  assert.equal(r.exitStatus, 0);
});

test('"Average resident set size" is not taken for the maximum', () => {
  assert.equal(parseTimeV('\tAverage resident set size (kbytes): 77\n').maxRssKb, null);
});

test('parseClock reads m:ss.cc and h:mm:ss, and rejects other text', () => {
  assert.equal(parseClock('0:00.11'), 0.11);
  assert.equal(parseClock('1:02:03'), 3723);
  assert.equal(parseClock('soon'), null);
  assert.equal(parseClock(null), null);
});
