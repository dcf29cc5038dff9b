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
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
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

export interface LineChunk {
  /** whole lines, in a buffer of their own (it can be moved to a worker) */
  bytes: Uint8Array;
  /** 1-based number of the first line */
  firstLine: number;
  lines: number;
}

const CHUNK_BYTES = 1 << 20;

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = -1;
  while ((i = buf.indexOf(0x0a, i + 1)) !== -1) n++;
  return n;
}

/**
 * Yields a file (plain or gzip) as chunks of about 1 MiB of whole lines, with
 * the same line numbering as readLines. onRaw sees every byte of the file
 * itself (compressed, for .gz), in order, so the caller can checksum the
 * file in the same pass. Given onUnterminatedHeld, a last line without a
 * newline is not yielded, and onUnterminatedHeld is called instead.
 */
export async function* readLineChunks(
  path: string,
  onRaw?: (chunk: Buffer) => void,
  onUnterminatedHeld?: () => void,
): AsyncGenerator<LineChunk> {
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const gzip = isGzip(path);
  if (onRaw && gzip) raw.on('data', (c) => onRaw(c as Buffer));
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 256 << 10 })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  let parts: Buffer[] = [];
  let size = 0;
  let nextLine = 1;
  const cut = (buf: Buffer, end: number): LineChunk => {
    const bytes = new Uint8Array(end);
    bytes.set(buf.subarray(0, end));
    const lines = countNewlines(buf.subarray(0, end)) + (buf[end - 1] === 0x0a ? 0 : 1);
    const c = { bytes, firstLine: nextLine, lines };
    nextLine += lines;
    return c;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (onRaw && !gzip) onRaw(chunk);
    parts.push(chunk);
    size += chunk.length;
    if (size < CHUNK_BYTES) continue;
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    const last = buf.lastIndexOf(0x0a);
    if (last === -1) {
      parts = [buf];
      continue;
    }
    yield cut(buf, last + 1);
    const rest = buf.subarray(last + 1);
    parts = rest.length ? [rest] : [];
    size = rest.length;
  }
  if (size > 0) {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    let end = buf.length;
    if (onUnterminatedHeld && buf[end - 1] !== 0x0a) {
      end = buf.lastIndexOf(0x0a) + 1;
      onUnterminatedHeld();
    }
    if (end > 0) yield cut(buf, end);
  }
}

/**
 * The lines of a file with the given numbers (ascending), in batches of at
 * most one chunk's worth, with readLines' numbering and text.
 */
export async function* readSelectedLines(path: string, numbers: number[]): AsyncGenerator<Line[]> {
  let k = 0;
  for await (const c of readLineChunks(path)) {
    if (k >= numbers.length) return;
    const lastLine = c.firstLine + c.lines - 1;
    if (numbers[k] > lastLine) continue;
    const buf = Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
    const batch: Line[] = [];
    let number = c.firstLine;
    let start = 0;
    while (k < numbers.length && numbers[k] <= lastLine) {
      let nl = buf.indexOf(0x0a, start);
      if (nl === -1) nl = buf.length;
      if (number === numbers[k]) {
        let end = nl;
        if (end > start && buf[end - 1] === 0x0d) end--;
        const b = buf.subarray(start, end);
        batch.push({ number, text: b.toString('utf8'), validUtf8: isUtf8(b) });
        k++;
      }
      number++;
      start = nl + 1;
    }
    yield batch;
  }
}
