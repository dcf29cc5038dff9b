// runs/pending-days.json: days whose raw data changed but whose models have
// not been rebuilt successfully yet. A run that dies after loading (or during
// dbt) leaves them here, and the next run builds them before clearing them.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from '../lib/paths.ts';
import { isDay, type DayRange } from './days.ts';

export interface PendingState {
  /** days loaded but not yet built */
  days: string[];
  /**
   * Set while a load runs. Still set at the next start means a run died
   * during its load: which days it touched is unknown, so everything is
   * rebuilt once.
   */
  loadStartedAt?: string;
  /** a run died during its load: the next build covers every day */
  needsFullBuild?: boolean;
}

export function pendingPath(dataDir: string): string {
  return join(layout(dataDir).runs, 'pending-days.json');
}

export function readPending(dataDir: string): PendingState {
  const p = pendingPath(dataDir);
  if (!existsSync(p)) return { days: [] };
  const raw = JSON.parse(readFileSync(p, 'utf8')) as PendingState;
  const days = Array.isArray(raw.days) ? raw.days.filter((d) => typeof d === 'string' && isDay(d)) : [];
  const state: PendingState = { days };
  if (raw.loadStartedAt) state.loadStartedAt = raw.loadStartedAt;
  if (raw.needsFullBuild) state.needsFullBuild = true;
  return state;
}

/** Written via a temporary file and rename, so a crash never leaves half a file. */
export function writePending(dataDir: string, state: PendingState): void {
  const p = pendingPath(dataDir);
  mkdirSync(layout(dataDir).runs, { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  const clean: PendingState = { days: [...new Set(state.days)].sort() };
  if (state.loadStartedAt) clean.loadStartedAt = state.loadStartedAt;
  if (state.needsFullBuild) clean.needsFullBuild = true;
  writeFileSync(tmp, JSON.stringify(clean, null, 2) + '\n');
  renameSync(tmp, p);
}

/** Before loading: a load marker left by an earlier run means it died mid-load. */
export function markLoadStarted(dataDir: string, state: PendingState): PendingState {
  const next: PendingState = {
    days: state.days,
    needsFullBuild: state.needsFullBuild || state.loadStartedAt !== undefined,
    loadStartedAt: new Date().toISOString(),
  };
  writePending(dataDir, next);
  return next;
}

export function markLoadDone(dataDir: string, state: PendingState, daysTouched: string[]): PendingState {
  const next: PendingState = { days: [...state.days, ...daysTouched], needsFullBuild: state.needsFullBuild };
  writePending(dataDir, next);
  return next;
}

/** After a successful build: forget the days it covered (keep any others). */
export function markBuilt(dataDir: string, built: DayRange | 'all'): void {
  const state = readPending(dataDir);
  if (built === 'all') {
    writePending(dataDir, { days: [], loadStartedAt: state.loadStartedAt });
    return;
  }
  const left = state.days.filter((d) => d < built.from || d > built.to);
  writePending(dataDir, { ...state, days: left });
}
