import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markBuilt, markLoadDone, markLoadStarted, readPending } from '../../../scripts/orchestration/pending.ts';

test('pending days survive until a build covers them; a load that died forces one full build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-pending-'));
  try {
    assert.deepEqual(readPending(dir), { days: [] });
    let s = markLoadStarted(dir, readPending(dir));
    assert.equal(readPending(dir).needsFullBuild, undefined);
    assert.ok(readPending(dir).loadStartedAt);
    s = markLoadDone(dir, s, ['2017-03-03', '2017-03-01']);
    assert.deepEqual(readPending(dir), { days: ['2017-03-01', '2017-03-03'] });

    markBuilt(dir, { from: '2017-03-02', to: '2017-03-05' });
    assert.deepEqual(readPending(dir).days, ['2017-03-01'], 'days outside the built range stay');

    // A run dies during its load: the marker stays, the next run rebuilds everything.
    markLoadStarted(dir, readPending(dir));
    const next = markLoadStarted(dir, readPending(dir));
    assert.equal(next.needsFullBuild, true);
    markLoadDone(dir, next, ['2017-03-09']);
    assert.equal(readPending(dir).needsFullBuild, true, 'kept until the full build succeeded');
    markBuilt(dir, { from: '2017-03-01', to: '2017-03-09' });
    assert.equal(readPending(dir).needsFullBuild, true, 'a range build does not clear it');
    markBuilt(dir, 'all');
    assert.deepEqual(readPending(dir), { days: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
