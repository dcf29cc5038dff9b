// Runs one load in its own process, so a test can kill it midway
// (FXA_LOADER_CRASH_AT) and look at what it left behind.
//   node --import tsx tests/unit/loader/load-child.ts <data-dir> <input>...
import { loadFiles } from '../../../scripts/loader/index.ts';
import { KEY } from './helpers.ts';

const [dataDir, ...inputs] = process.argv.slice(2);
const r = await loadFiles({ dataDir, hmacKey: KEY, inputs, progress: 'never' });
process.stdout.write(JSON.stringify(r) + '\n');
