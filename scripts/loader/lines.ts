// Streams a log file (plain or gzip) as numbered lines, and checksums files.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { isGzip } from './files.ts';

export interface Line {
  /** 1-based */
  number: number;
  /** without its line break; invalid UTF-8 decoded with U+FFFD */
  text: string;
  validUtf8: boolean;
}

/**
 * Yields every line of a file. Lines end at "\n" (a "\r" before it is
 * dropped); a last line without a newline still counts. onBytes reports how
 * many bytes of the file itself (compressed, for .gz) have been read.
 */
export async function* readLines(path: string, onBytes?: (n: number) => void): AsyncGenerator<Line> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length));
  const stream = isGzip(path) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));
  let rest: Buffer | null = null;
  let number = 0;
  const emit = (buf: Buffer): Line => {
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    const b = buf.subarray(0, end);
    return { number: ++number, text: b.toString('utf8'), validUtf8: isUtf8(b) };
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, start)) !== -1) {
      yield emit(buf.subarray(start, nl));
      start = nl + 1;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
  }
  if (rest && rest.length > 0) yield emit(rest);
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
