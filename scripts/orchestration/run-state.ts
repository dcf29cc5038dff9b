// The run state, one API over its two halves: runs/pending-days.json (the
// days whose raw data changed but whose models have not been rebuilt
// successfully yet, and whether the last build still awaits its checks and
// report) and the loader's load records (loads/*.json), from which a load
// killed midway is finished or undone. A run that dies while loading, during
// dbt or after dbt leaves its days here, and the next run finishes the job.
//
// Every run under the lock starts with recoverRunState(), loads through
// recordLoad(), and after dbt calls markBuilt() and then markValidated().
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { log } from '../lib/log.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import { recoverDataDir } from '../loader/manifest.ts';
import { isDay, type DayRange } from '../lib/days.ts';

export interface RunState {
  /** days loaded but not yet built */
  days: string[];
  /**
   * Set while a load runs. Still set at the next start means a run died
   * during its load: the loads committed since then are looked up in the
   * manifest, and their days added.
   */
  loadStartedAt?: string;
  /** which days need a build is not known (the state file was damaged): the next build covers every day */
  needsFullBuild?: boolean;
  /** models were built, but the run died before its checks and report: the next run does them */
  unvalidated?: boolean;
}

function parseRunState(text: string): RunState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const days = Array.isArray(r.days) ? r.days.filter((d): d is string => typeof d === 'string' && isDay(d)) : [];
  const state: RunState = { days };
  if (typeof r.loadStartedAt === 'string') state.loadStartedAt = r.loadStartedAt;
  if (r.needsFullBuild) state.needsFullBuild = true;
  if (r.unvalidated) state.unvalidated = true;
  return state;
}

/**
 * The run state. A file that cannot be read as one (a disk fault, an edit by
 * hand) loses which days were pending: it is replaced by "rebuild every day
 * once", which is always correct, with a warning naming the file.
 */
export function readRunState(dataDir: string): RunState {
  const p = layout(dataDir).pendingDays;
  if (!existsSync(p)) return { days: [] };
  const state = parseRunState(readFileSync(p, 'utf8'));
  if (state) return state;
  log.warn(`${p} is damaged (not the run state's JSON): rebuilding every day once, then it is written anew`);
  return { days: [], needsFullBuild: true };
}

function writeRunState(dataDir: string, state: RunState): void {
  const clean: RunState = { days: [...new Set(state.days)].sort() };
  if (state.loadStartedAt) clean.loadStartedAt = state.loadStartedAt;
  if (state.needsFullBuild) clean.needsFullBuild = true;
  if (state.unvalidated) clean.unvalidated = true;
  writeFileAtomic(layout(dataDir).pendingDays, JSON.stringify(clean, null, 2) + '\n');
}

/**
 * The first step of every run under the lock, before anything is written:
 * damaged load records are set aside (or stop the run), temporary files of
 * killed writes are removed, a load killed midway is finished or undone
 * (which also frees its staging space), and the days it touched, or that a
 * load committed by a run that died before recording them touched, join the
 * pending days. Writes the state only when it changed.
 */
export function recoverRunState(dataDir: string): RunState {
  setAsideDamagedLoadRecords(dataDir);
  removeStaleTemporaries(dataDir);
  const recovered = recoverDataDir(dataDir);
  const state = readRunState(dataDir);
  const days = new Set([...state.days, ...recovered.days]);
  if (state.loadStartedAt) for (const d of daysCommittedSince(dataDir, state.loadStartedAt)) days.add(d);
  const next: RunState = { ...state, days: [...days] };
  delete next.loadStartedAt;
  if (recovered.loads.length) log.warn('finished or undid a load that was killed midway', { loads: recovered.loads, days: recovered.days });
  if (recovered.loads.length || state.loadStartedAt || state.needsFullBuild || days.size !== state.days.length)
    writeRunState(dataDir, next);
  return next;
}

/** What a killed writeFileAtomic left: only whole files are written there (the lock, the key fingerprint, run-reports, run state, upload lists). */
function removeStaleTemporaries(dataDir: string): void {
  const l = layout(dataDir);
  for (const dir of [l.root, l.runs, l.uploads]) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) if (n.endsWith('.tmp')) rmSync(join(dir, n), { force: true });
  }
}

/** Days of the loads committed at or after `since` (a load started after its run's marker). */
function daysCommittedSince(dataDir: string, since: string): string[] {
  const dir = layout(dataDir).loads;
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    if (!n.endsWith('.json')) continue;
    const rec = readLoadRecord(join(dir, n));
    if (rec && typeof rec.started_at === 'string' && rec.started_at >= since && Array.isArray(rec.days_touched))
      out.push(...rec.days_touched);
  }
  return out;
}

function readLoadRecord(path: string): { started_at?: unknown; days_touched?: string[] } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * A load record that is not valid JSON stops every load (the manifest is
 * read whole). A committed one is set aside as <id>.json.damaged: its rows
 * stay in raw/, and should its files come again they are read again and
 * their rows dropped as duplicates of those already stored. A pending one
 * (a load killed before its commit) cannot be finished or undone without
 * its list of files: the run stops and names it.
 */
export function setAsideDamagedLoadRecords(dataDir: string): void {
  const dir = layout(dataDir).loads;
  if (!existsSync(dir)) return;
  for (const n of readdirSync(dir).sort()) {
    if (!n.endsWith('.json') && !n.endsWith('.json.pending')) continue;
    const p = join(dir, n);
    if (readLoadRecord(p) !== null) continue;
    if (n.endsWith('.json.pending')) {
      const id = n.slice(0, -'.json.pending'.length);
      throw new CliError(
        `load record ${p} is damaged (not valid JSON), and that load never committed: remove raw/*/day=*/${id}*.parquet, ` +
          `quarantine/${id}.ndjson, .staging/${id} and the record, then run build --full-refresh (README: "When something goes wrong")`,
        ExitCode.failure,
      );
    }
    renameSync(p, `${p}.damaged`);
    log.warn(`load record ${p} is damaged (not valid JSON): set aside as ${n}.damaged; its rows stay loaded`);
  }
}

/**
 * Runs a load, its days joining the pending days once it returns. While it
 * runs the state carries a marker (loadStartedAt), so that a run dying in
 * the load still leaves the days of what it committed pending.
 */
export async function recordLoad<R extends { daysTouched: string[] }>(
  dataDir: string,
  state: RunState,
  load: () => Promise<R>,
): Promise<{ result: R; state: RunState }> {
  const started: RunState = { ...state, loadStartedAt: new Date().toISOString() };
  writeRunState(dataDir, started);
  const result = await load();
  const done: RunState = { ...state, days: [...state.days, ...result.daysTouched] };
  delete done.loadStartedAt;
  writeRunState(dataDir, done);
  return { result, state: done };
}

/** After a build in which every model built: forget the days it covered (keep any others); its checks are due. */
export function markBuilt(dataDir: string, built: DayRange | 'all'): void {
  const state = readRunState(dataDir);
  if (built === 'all') {
    writeRunState(dataDir, { days: [], loadStartedAt: state.loadStartedAt, unvalidated: true });
    return;
  }
  const left = state.days.filter((d) => d < built.from || d > built.to);
  writeRunState(dataDir, { ...state, days: left, unvalidated: true });
}

/** After the checks of a finished build ran (whatever they found): nothing is left to validate. */
export function markValidated(dataDir: string): void {
  const state = readRunState(dataDir);
  if (!state.unvalidated) return;
  writeRunState(dataDir, { ...state, unvalidated: false });
}
