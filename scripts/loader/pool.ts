// Runs the per-line work (chunk.ts) on worker threads and on the calling
// thread, or on the calling thread alone when workers would not pay off (a
// small load) or are turned off. Results come back as promises; the caller
// consumes them in dispatch order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeChunkProcessor, type Chunk, type ChunkProcessor, type ChunkResult } from './chunk.ts';

export interface ChunkRunner {
  /** how many chunks may be in flight before the caller should wait for the oldest */
  readonly capacity: number;
  run(chunk: Chunk): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** Below this many bytes to read, starting worker threads costs more than it saves. */
const WORKERS_FROM_BYTES = 4 << 20;

/**
 * Worker threads for a load of totalBytes: FXA_LOADER_WORKERS when set
 * (0 = none, all on the main thread; a positive number applies whatever the
 * size, which lets tests run small inputs through workers), else none for a
 * small load and one per core but one otherwise (up to 3): the main thread
 * reads, checksums and writes, and works on chunks too whenever the workers
 * are busy. A worker costs about half a CPU-second to start (TypeScript
 * loader, schemas), so fewer, busier threads win.
 */
export function workerCount(totalBytes: number): number {
  const env = process.env.FXA_LOADER_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, 16);
  }
  return totalBytes < WORKERS_FROM_BYTES ? 0 : Math.max(1, Math.min(availableParallelism() - 1, 3));
}

export function inlineRunner(hmacKey: string, loadId: string): ChunkRunner {
  const process = makeChunkProcessor(hmacKey, loadId);
  return {
    capacity: 1,
    run: async (chunk) => process(chunk),
    close: async () => {},
  };
}

interface Job {
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
}

export function workerRunner(hmacKey: string, loadId: string, n: number): ChunkRunner {
  const entry = new URL('./line-worker-entry.mjs', import.meta.url);
  const jobs = new Map<number, Job>();
  const busy: number[] = [];
  let seq = 0;
  let failure: Error | null = null;

  const fail = (e: Error) => {
    failure ??= e;
    for (const j of jobs.values()) j.reject(failure);
    jobs.clear();
  };

  // The key travels in workerData: memory only, like everywhere else.
  const workers = Array.from({ length: n }, (_, i) => {
    const w = new Worker(entry, { workerData: { hmacKey, loadId }, execArgv: [] });
    busy.push(0);
    w.on('message', (m: { seq: number; result?: ChunkResult; error?: string }) => {
      busy[i]--;
      const job = jobs.get(m.seq);
      jobs.delete(m.seq);
      if (!job) return;
      if (m.error !== undefined) job.reject(new Error(`loader worker: ${m.error}`));
      else job.resolve(m.result!);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (jobs.size > 0) fail(new Error(`loader worker exited with code ${code}`));
    });
    return w;
  });

  let inline: ChunkProcessor | null = null;

  return {
    capacity: 2 * n + 1,
    run(chunk) {
      if (failure) return Promise.reject(failure);
      // The least busy worker takes the chunk (its bytes are moved, not copied);
      // when every worker already has two queued, this thread does it.
      let i = 0;
      for (let k = 1; k < n; k++) if (busy[k] < busy[i]) i = k;
      if (busy[i] >= 2) {
        inline ??= makeChunkProcessor(hmacKey, loadId);
        try {
          return Promise.resolve(inline(chunk));
        } catch (e) {
          return Promise.reject(e as Error);
        }
      }
      busy[i]++;
      const s = seq++;
      return new Promise<ChunkResult>((resolve, reject) => {
        jobs.set(s, { resolve, reject });
        workers[i].postMessage({ seq: s, chunk }, [chunk.bytes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
