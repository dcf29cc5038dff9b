// The per-line work of a load, for the lines DuckDB did not accept (or a
// whole file it could not read): classify (rules), normalise (uid HMACed),
// encode the rows for staging, and build the quarantine records of rejected
// lines. Pure computation with no I/O.
import { isUtf8 } from 'node:buffer';
import type { RawTable } from '../lib/paths.ts';
import { toActivityRow, toFlowRow, type RowContext } from './normalise.ts';
import { makeUidHasher, scrubRejectedLine, scrubUidLikeRuns } from './privacy.ts';
import type { QuarantineRecord } from './quarantine.ts';
import { classifyLine } from './rules.ts';
import { activityCsv, flowCsv, ordOf } from './staged-csv.ts';
import { makeUserAgentParser } from './user-agent.ts';
import { makeDayOf } from './writer.ts';

export interface Chunk {
  /** whole lines; the last one may lack its newline only at the end of a file */
  bytes: Uint8Array;
  fileIndex: number;
  sourceFile: string;
  /** 1-based number of the chunk's first line */
  firstLine: number;
}

export interface TableBatch {
  /** staged CSV rows (staged-csv.ts) */
  csv: string;
  rows: number;
  days: string[];
}

export interface ChunkResult {
  lines: number;
  skipped: number;
  rejected_by_reason: Record<string, number>;
  quarantine: QuarantineRecord[];
  tables: Record<RawTable, TableBatch>;
}

export interface ChunkProcessor {
  (chunk: Chunk): ChunkResult;
}

/** One batch of lines of one file: handle() each line in order, then result(). */
interface Batch {
  handle(number: number, text: string, validUtf8: boolean): void;
  result(lines: number): ChunkResult;
}

type BatchFactory = (fileIndex: number, sourceFile: string) => Batch;

/** Batches sharing one set of HMAC and user-agent caches (one per thread). */
function makeBatchFactory(hmacKey: string, loadId: string): BatchFactory {
  const hashUid = makeUidHasher(hmacKey);
  const parseUa = makeUserAgentParser();
  const dayOf = makeDayOf();

  return (fileIndex, sourceFile) => {
    const ctx: RowContext = { hashUid, parseUa, loadId, sourceFile };
    const rejected: Record<string, number> = {};
    const quarantine: QuarantineRecord[] = [];
    const flow: string[] = [];
    const activity: string[] = [];
    const flowDays = new Set<string>();
    const activityDays = new Set<string>();
    let skipped = 0;

    const reject = (line: number, reason: string, detail: string, text: string, parsed?: unknown) => {
      rejected[reason] = (rejected[reason] ?? 0) + 1;
      quarantine.push({
        load_id: loadId,
        source_file: sourceFile,
        source_line: line,
        reason,
        detail: scrubUidLikeRuns(detail, hashUid),
        line: scrubRejectedLine(text, parsed, hashUid),
      });
    };

    return {
      handle(number, text, validUtf8) {
        if (!validUtf8) {
          reject(number, 'invalid_utf8', 'line is not valid UTF-8', text);
          return;
        }
        const r = classifyLine(text);
        if (r.kind === 'skip') skipped++;
        else if (r.kind === 'reject') reject(number, r.reason, r.detail, text, r.value);
        else if (r.kind === 'flow') {
          const row = toFlowRow(r.fields, number, ctx);
          flow.push(flowCsv(ordOf(fileIndex, number), row));
          flowDays.add(dayOf(row.time_ms));
        } else {
          const row = toActivityRow(r.envelope, r.fields, text, number, ctx);
          activity.push(activityCsv(ordOf(fileIndex, number), row));
          activityDays.add(dayOf(row.time_ms));
        }
      },
      result(lines) {
        return {
          lines,
          skipped,
          rejected_by_reason: rejected,
          quarantine,
          tables: {
            flow_events: { csv: flow.join(''), rows: flow.length, days: [...flowDays] },
            activity_events: { csv: activity.join(''), rows: activity.length, days: [...activityDays] },
          },
        };
      },
    };
  };
}

/** A processor with its own HMAC and user-agent caches (one per thread). */
export function makeChunkProcessor(hmacKey: string, loadId: string): ChunkProcessor {
  const newBatch = makeBatchFactory(hmacKey, loadId);
  const decoder = new TextDecoder('utf-8');

  return (chunk) => {
    const batch = newBatch(chunk.fileIndex, chunk.sourceFile);
    const bytes = chunk.bytes;
    let number = chunk.firstLine;
    let lines = 0;
    if (isUtf8(bytes)) {
      // Decoding the whole chunk once is much cheaper than line by line; "\n" splits the text where it splits the bytes.
      const text = decoder.decode(bytes);
      let start = 0;
      while (start < text.length) {
        let nl = text.indexOf('\n', start);
        if (nl === -1) nl = text.length;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        batch.handle(number++, text.slice(start, end), true);
        lines++;
        start = nl + 1;
      }
    } else {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let start = 0;
      while (start < buf.length) {
        let nl = buf.indexOf(0x0a, start);
        if (nl === -1) nl = buf.length;
        const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
        const b = buf.subarray(start, end);
        batch.handle(number++, b.toString('utf8'), isUtf8(b));
        lines++;
        start = nl + 1;
      }
    }
    return batch.result(lines);
  };
}

/** Scattered lines of one file (text without line breaks), in line order. */
export interface LineSet {
  fileIndex: number;
  sourceFile: string;
  lines: { number: number; text: string; validUtf8: boolean }[];
}

/**
 * The same per-line work for lines picked out of a file (those DuckDB did
 * not accept): the result counts only these lines.
 */
export function makeLineSetProcessor(hmacKey: string, loadId: string): (set: LineSet) => ChunkResult {
  const newBatch = makeBatchFactory(hmacKey, loadId);
  return (set) => {
    const batch = newBatch(set.fileIndex, set.sourceFile);
    for (const l of set.lines) batch.handle(l.number, l.text, l.validUtf8);
    return batch.result(set.lines.length);
  };
}
