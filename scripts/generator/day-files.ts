// One output file per UTC day. Lines are gathered into ~1 MB chunks before
// they reach the stream; each file is written under a hidden temporary name
// and renamed when complete, so a reader never sees a half-written day.
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

const CHUNK_BYTES = 1 << 20;
/** Room for the longest line after a chunk has reached CHUNK_BYTES. */
const SLACK_BYTES = 1 << 16;
const DAY_MS = 86_400_000;

export function dayName(startMs: number, dayIndex: number): string {
  return new Date(startMs + dayIndex * DAY_MS).toISOString().slice(0, 10);
}

export function logFileName(day: string, gzip: boolean): string {
  return `fxa-auth-${day}.log${gzip ? '.gz' : ''}`;
}

class DayFile {
  // Lines are encoded straight into a buffer: appending to one string would
  // build a rope of thousands of pieces that V8 must flatten again.
  private buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
  private used = 0;
  bytes = 0;
  private readonly sink: WriteStream | Gzip;
  private readonly done: Promise<void>;
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    private readonly tmpPath: string,
    gzip: boolean,
    private readonly onBackpressure: (f: DayFile) => void,
  ) {
    const file = createWriteStream(tmpPath, { highWaterMark: 4 * CHUNK_BYTES });
    if (gzip) {
      const gz = createGzip({ level: 6 });
      this.sink = gz;
      this.done = pipeline(gz, file);
    } else {
      this.sink = file;
      this.done = finished(file);
    }
    // Remembered and rethrown at the next drain or close, never unhandled.
    this.done.catch((e: Error) => (this.failure = e));
  }

  push(line: string): void {
    // A line longer than the slack (never made here) still fits: it is encoded on its own.
    if (line.length * 3 + 1 > SLACK_BYTES) {
      this.spill();
      this.send(Buffer.from(line + '\n', 'utf8'));
      return;
    }
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = 10;
    if (this.used >= CHUNK_BYTES) this.spill();
  }

  private spill(): void {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
    this.used = 0;
    this.send(chunk);
  }

  private send(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (!this.sink.write(chunk)) this.onBackpressure(this);
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.sink.writableNeedDrain) return;
    await Promise.race([once(this.sink, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.spill();
    this.sink.end();
    await this.done;
    if (this.failure) throw this.failure;
    renameSync(this.tmpPath, this.path);
  }

  abort(): void {
    this.sink.destroy();
    rmSync(this.tmpPath, { force: true });
  }
}

/** The open day files of a run, indexed by day number from the start. */
export class DayFiles {
  private readonly open = new Map<number, DayFile>();
  private readonly waiting = new Set<DayFile>();
  readonly paths: string[] = [];
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly startMs: number,
    private readonly gzip: boolean,
  ) {}

  day(index: number): DayFile {
    let f = this.open.get(index);
    if (!f) {
      const name = logFileName(dayName(this.startMs, index), this.gzip);
      f = new DayFile(join(this.dir, name), join(this.dir, `.${name}.partial`), this.gzip, (x) => this.waiting.add(x));
      this.open.set(index, f);
    }
    return f;
  }

  get needsDrain(): boolean {
    return this.waiting.size > 0;
  }

  async drain(): Promise<void> {
    for (const f of this.waiting) await f.drain();
    this.waiting.clear();
  }

  /** Finishes a day's file (creating it empty if nothing fell on that day). */
  async close(index: number): Promise<void> {
    const f = this.day(index);
    this.waiting.delete(f);
    await f.close();
    this.open.delete(index);
    this.bytes += f.bytes;
    this.paths.push(f.path);
  }

  /** After a failure: removes the temporary files, keeps finished days. */
  abort(): void {
    for (const f of this.open.values()) f.abort();
    this.open.clear();
  }
}
