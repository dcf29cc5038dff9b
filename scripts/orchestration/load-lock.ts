// A standalone `fxa-metrics load` runs under the same data-dir lock as
// nightly/build, recovers a killed load first, binds the data dir to its
// key, and records the days it touched as pending, so that the next nightly
// run rebuilds them even though it finds nothing new to load.
import { bindDataDirKey } from '../loader/key.ts';
import { withLock } from './lock.ts';
import { markLoadDone, markLoadStarted, recoverRun, setAsideDamagedLoadRecords } from './pending.ts';

export async function loadUnderLock<R extends { daysTouched: string[] }>(dataDir: string, hmacKey: string, load: () => Promise<R>): Promise<R> {
  return withLock(dataDir, 'load', async () => {
    setAsideDamagedLoadRecords(dataDir);
    const recovered = recoverRun(dataDir);
    bindDataDirKey(dataDir, hmacKey);
    const state = markLoadStarted(dataDir, recovered);
    const result = await load();
    markLoadDone(dataDir, state, result.daysTouched);
    return result;
  }, { freeSpace: () => recoverRun(dataDir) });
}
