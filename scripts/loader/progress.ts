// Load progress: one updating line on a terminal (bytes, lines/s, ETA), a
// plain log line every few seconds otherwise.
import { log, logFormat } from '../lib/log.ts';

export type ProgressMode = 'auto' | 'never';

export interface Progress {
  bytes(n: number): void;
  line(): void;
  lines(n: number): void;
  done(): void;
}

const NONE: Progress = { bytes() {}, line() {}, lines() {}, done() {} };

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(mode: ProgressMode | undefined, totalBytes: number): Progress {
  if (mode !== 'auto') return NONE;
  const tty = Boolean(process.stderr.isTTY) && logFormat() === 'text';
  const interval = tty ? 250 : 5000;
  const start = Date.now();
  let last = start;
  let bytesDone = 0;
  let lines = 0;
  let shown = false;

  const report = (now: number) => {
    const secs = (now - start) / 1000;
    const rate = secs > 0 ? lines / secs : 0;
    const remaining = bytesDone > 0 ? ((totalBytes - bytesDone) * secs) / bytesDone : NaN;
    const pct = totalBytes > 0 ? Math.min(100, (100 * bytesDone) / totalBytes) : 100;
    if (tty) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      process.stderr.write(
        `\r[${bar}] ${pct.toFixed(0)}% ${mib(bytesDone)}/${mib(totalBytes)} ${Math.round(rate)} lines/s ETA ${eta(remaining)}\x1b[K`,
      );
      shown = true;
    } else {
      log.info('loading', { bytes_done: bytesDone, bytes_total: totalBytes, lines, lines_per_s: Math.round(rate), eta: eta(remaining) });
    }
  };

  return {
    bytes(n) {
      bytesDone += n;
    },
    line() {
      // Checking the clock once per 4096 lines keeps this off the hot path.
      if ((++lines & 4095) !== 0) return;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        report(now);
      }
    },
    lines(n) {
      lines += n;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        report(now);
      }
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
