// The 45 generated days the KPI tests build twice (real generator, loader,
// dbt and DuckDB): once at once with every data test, once night by night
// with day 10 arriving late and its night repeated with the file delivered
// again. The late night rebuilds 01-10 .. 02-11 (to + M + 27) and reads from
// 01-09 (users_last_seen) or earlier, so the last days stay as they were and
// every window bound is exercised.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { generateLogs } from '../../scripts/generator/index.ts';
import { loadFiles } from '../../scripts/loader/index.ts';
import { dbtOk } from './models-compare.ts';

// Models and seeds, as a night's `dbt build` does, without the tests.
const NIGHT = ['build', '--resource-type', 'seed', '--resource-type', 'model'];

/** Builds both data dirs (removed after the test); returns their paths. */
export async function fullAndNightly(
  t: TestContext,
  opts: { prefix: string; hmacKey: string; seed: number },
): Promise<{ full: string; nightly: string }> {
  const root = mkdtempSync(join(tmpdir(), `fxa-${opts.prefix}-`));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const full = join(root, 'full');
  const nightly = join(root, 'nightly');
  const { files } = await generateLogs({ out: join(root, 'logs'), start: '2024-01-01', days: 45, users: 40, seed: opts.seed });
  assert.equal(files.length, 45);
  const late = files[9];
  const again = join(root, 'logs', 'redelivered-2024-01-10.log');
  copyFileSync(late, again);

  const fullBuild = (async () => {
    await loadFiles({ dataDir: full, hmacKey: opts.hmacKey, inputs: files, progress: 'never' });
    // With every data test of the marts on real data.
    await dbtOk(full, ['build', '--exclude', 'test_type:unit']);
  })();
  const nights = (async () => {
    let vars: Record<string, string> = {};
    for (const inputs of [files.slice(0, 30).filter((f) => f !== late), files.slice(30), [late], [again]]) {
      const r = await loadFiles({ dataDir: nightly, hmacKey: opts.hmacKey, inputs, progress: 'never' });
      if (r.daysTouched.length) vars = { from: r.daysTouched[0], to: r.daysTouched[r.daysTouched.length - 1] };
      await dbtOk(nightly, NIGHT, vars);
    }
    assert.deepEqual(vars, { from: '2024-01-10', to: '2024-01-10' }, 'the last nights were the late day');
  })();
  await Promise.all([fullBuild, nights]);
  return { full, nightly };
}
