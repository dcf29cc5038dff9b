// Starts a loader worker thread: TypeScript is compiled on the fly by tsx,
// whichever way the parent process was started.
import { register } from 'tsx/esm/api';

register();
await import('./line-worker.ts');
