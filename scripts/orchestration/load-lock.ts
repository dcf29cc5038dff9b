// A standalone `fxa-metrics load` runs under the same data-dir lock as
// nightly/build, and records the days it touched as pending, so that the
// next nightly run rebuilds them even though it finds nothing new to load.
import { withLock } from './lock.ts';
import { markLoadDone, markLoadStarted, readPending } from './pending.ts';

export async function loadUnderLock<R extends { daysTouched: string[] }>(dataDir: string, load: () => Promise<R>): Promise<R> {
  return withLock(dataDir, 'load', async () => {
    const state = markLoadStarted(dataDir, readPending(dataDir));
    const result = await load();
    markLoadDone(dataDir, state, result.daysTouched);
    return result;
  });
}
