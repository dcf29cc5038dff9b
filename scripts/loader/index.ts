// The loader's programmatic API (used by the `load` command and by later
// commands such as nightly and bench).
export { loadFiles, type LoadOptions, type LoadResult } from './load.ts';
export type { LoadCounts, LoadedFile } from './counts.ts';
export { resolveHmacKey } from './key.ts';
export { listLogFiles } from './files.ts';
export { recoverDataDir, loadedChecksums } from './manifest.ts';
