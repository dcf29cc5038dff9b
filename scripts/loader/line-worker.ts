// Worker thread body: processes the chunks the main thread sends (chunk.ts)
// and posts each result back with the chunk's sequence number.
import { parentPort, workerData } from 'node:worker_threads';
import { makeChunkProcessor, type Chunk } from './chunk.ts';

const { hmacKey, loadId } = workerData as { hmacKey: string; loadId: string };
const process = makeChunkProcessor(hmacKey, loadId);

parentPort!.on('message', (msg: { seq: number; chunk: Chunk }) => {
  try {
    parentPort!.postMessage({ seq: msg.seq, result: process(msg.chunk) });
  } catch (e) {
    parentPort!.postMessage({ seq: msg.seq, error: (e as Error).stack ?? String(e) });
  }
});
