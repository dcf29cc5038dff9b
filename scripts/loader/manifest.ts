// Load records (DIR/loads/<load-id>.json) are the manifest of loaded files
// and the commit point of a load. A load writes everything aside under
// DIR/.staging/<load-id>/, writes its record as <load-id>.json.pending, moves
// its files into place, and finally renames the record to <load-id>.json.
// A load killed anywhere in between is finished or undone by recoverDataDir().
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { layout } from '../lib/paths.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import type { LoadCounts, LoadedFile } from './counts.ts';
import { crashPoint } from './crash.ts';

/** A file the load moves from its staging dir into place; paths relative to the data dir. */
export interface PlannedMove {
  staged: string;
  target: string;
}

export interface LoadRecord {
  load_id: string;
  started_at: string;
  committed_at: string | null;
  files: LoadedFile[];
  /** files this load could not read (absent from records written before there was such a list) */
  unreadable?: LoadedFile[];
  counts: LoadCounts;
  days_touched: string[];
  moves: PlannedMove[];
  quarantine: PlannedMove | null;
}

const PENDING = '.json.pending';

export function newLoadId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const recordPath = (dataDir: string, loadId: string) => join(layout(dataDir).loads, `${loadId}.json`);

export function writePendingRecord(dataDir: string, rec: LoadRecord): void {
  writeFileAtomic(recordPath(dataDir, rec.load_id) + '.pending', JSON.stringify(rec, null, 2) + '\n');
}

function listRecords(dataDir: string, suffix: string): string[] {
  const dir = layout(dataDir).loads;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .sort()
    .map((n) => join(dir, n));
}

export function committedRecords(dataDir: string): LoadRecord[] {
  return listRecords(dataDir, '.json').map((p) => JSON.parse(readFileSync(p, 'utf8')) as LoadRecord);
}

/** sha256 of every file in a committed load record. */
export function loadedChecksums(dataDir: string): Set<string> {
  const out = new Set<string>();
  for (const rec of committedRecords(dataDir)) for (const f of rec.files) out.add(f.sha256);
  return out;
}

function allMoves(rec: LoadRecord): PlannedMove[] {
  return rec.quarantine ? [...rec.moves, rec.quarantine] : rec.moves;
}

/** Moves the staged files into place and commits the record (the last rename is the commit). */
export function commitRecord(dataDir: string, rec: LoadRecord): void {
  let moved = 0;
  for (const m of allMoves(rec)) {
    const staged = join(dataDir, m.staged);
    const target = join(dataDir, m.target);
    if (existsSync(staged)) {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(staged, target);
    } else if (!existsSync(target)) {
      throw new Error(`load ${rec.load_id}: ${m.staged} is missing`);
    }
    if (++moved === 1) crashPoint('mid-rename');
  }
  crashPoint('before-record');
  const committed = { ...rec, committed_at: new Date().toISOString() };
  writeFileAtomic(recordPath(dataDir, rec.load_id) + '.pending', JSON.stringify(committed, null, 2) + '\n');
  renameSync(recordPath(dataDir, rec.load_id) + '.pending', recordPath(dataDir, rec.load_id));
  removeStaging(dataDir, rec.load_id);
}

/** Removes a load's staging dir, and the staging area itself once empty. */
export function removeStaging(dataDir: string, loadId: string): void {
  const staging = layout(dataDir).staging;
  rmSync(join(staging, loadId), { recursive: true, force: true });
  try {
    rmdirSync(staging);
  } catch {
    // another load's work area is still there, or it is gone already
  }
}

/** Removes a directory and its now-empty parents up to (not including) stopAt. */
function removeEmptyDirs(dir: string, stopAt: string): void {
  let d = dir;
  while (d.startsWith(stopAt) && d !== stopAt) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty, or gone
    }
    d = dirname(d);
  }
}

function rollBack(dataDir: string, rec: LoadRecord, pendingPath: string): void {
  const raw = layout(dataDir).raw;
  for (const m of allMoves(rec)) {
    const target = join(dataDir, m.target);
    rmSync(target, { force: true });
    removeEmptyDirs(dirname(target), raw);
  }
  removeStaging(dataDir, rec.load_id);
  rmSync(pendingPath, { force: true });
}

/** What recoverDataDir() finished or undid. */
export interface Recovered {
  /** ids of the loads rolled forward or back */
  loads: string[];
  /** sorted days those loads touched: the days whose models must be rebuilt */
  days: string[];
}

/**
 * Finishes or undoes loads that were killed midway: a pending record whose
 * files are all still staged or already in place is rolled forward, any
 * other is rolled back. Staging dirs without a pending record are removed
 * (nothing of theirs reached raw/). Writes nothing when there is nothing to
 * recover.
 */
export function recoverDataDir(dataDir: string): Recovered {
  for (const tmp of listRecords(dataDir, '.tmp')) rmSync(tmp, { force: true });
  const pendingIds = new Set<string>();
  const days = new Set<string>();
  for (const p of listRecords(dataDir, PENDING)) {
    const rec = JSON.parse(readFileSync(p, 'utf8')) as LoadRecord;
    const complete = allMoves(rec).every((m) => existsSync(join(dataDir, m.staged)) || existsSync(join(dataDir, m.target)));
    if (complete) commitRecord(dataDir, rec);
    else rollBack(dataDir, rec, p);
    pendingIds.add(rec.load_id);
    for (const d of rec.days_touched) days.add(d);
  }
  const recovered = { loads: [...pendingIds], days: [...days].sort() };
  const staging = layout(dataDir).staging;
  if (!existsSync(staging)) return recovered;
  for (const name of readdirSync(staging)) {
    if (!pendingIds.has(name)) removeStaging(dataDir, name);
  }
  return recovered;
}
