// Rejected lines, one JSON object per line, staged with the load and moved to
// DIR/quarantine/<load-id>.ndjson on commit. The caller passes text that has
// already been scrubbed of uids (privacy.ts).
import { closeSync, openSync, writeSync } from 'node:fs';

export interface QuarantineRecord {
  load_id: string;
  source_file: string;
  /** 1-based */
  source_line: number;
  /** reason code, as counted in rejected_by_reason */
  reason: string;
  /** human explanation (ajv's message, the JSON parse error…) */
  detail: string;
  /** the rejected line, uids HMACed */
  line: string;
}

export class QuarantineWriter {
  private fd: number | null = null;
  private buffer: string[] = [];
  records = 0;

  constructor(readonly path: string) {}

  add(rec: QuarantineRecord): void {
    this.buffer.push(JSON.stringify(rec) + '\n');
    this.records++;
    if (this.buffer.length >= 1000) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    if (this.fd === null) this.fd = openSync(this.path, 'w');
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
