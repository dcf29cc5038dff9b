// Synthetic Firefox Accounts auth-server / content-server logs: one file per
// UTC day, deterministic for a seed. See docs/generator.md for what the data
// looks like and how much of it a run makes.
import { mkdirSync } from 'node:fs';
import { Rng } from './random.ts';
import { DayFiles } from './day-files.ts';
import { DAY_MS, Emitter, type LineCounts } from './emitter.ts';
import { UserActivity } from './activity.ts';
import { newUserShare, userProfile } from './users.ts';
import { simulateUserDay, type DayContext } from './user-day.ts';

export interface GenerateOptions {
  /** output directory (created when missing) */
  out: string;
  /** first day, YYYY-MM-DD (UTC) */
  start: string;
  days: number;
  users: number;
  /** integer 0 … 2^32−1 */
  seed: number;
  gzip?: boolean;
}

export interface GenerateResult {
  /** paths of the day files, in day order */
  files: string[];
  lines: number;
  /** uncompressed bytes of all lines (newlines included) */
  bytes: number;
  linesByKind: LineCounts;
  /** exact repeats of a metrics line (already counted in linesByKind.flow / .activity) */
  repeatedLines: number;
}

export const MAX_DAYS = 3660;
export const MAX_USERS = 100_000_000;

/**
 * Lines per user per day for users whose account exists, measured on runs of
 * 20 000–100 000 users (all kinds included: ~42 % flow, ~53 % activity, ~5 %
 * noise, ~0.2 % bad).
 */
export const LINES_PER_USER_DAY = 4.06;

/**
 * Expected lines per user per day of a run of `days` days: users who sign up
 * during the run make no lines before their sign-up day (half the run, on
 * average). About 4.0 for 1–7 days, 3.5 for 30 days.
 */
export function linesPerUserDay(days: number): number {
  return LINES_PER_USER_DAY * (1 - (newUserShare(days) * (days - 1)) / (2 * days));
}

/** The --users that gives about `lines` lines in total over `days` days. */
export function usersForLines(lines: number, days: number): number {
  return Math.max(1, Math.round(lines / (days * linesPerUserDay(days))));
}

/** Parses YYYY-MM-DD as a UTC midnight; NaN unless it is a real calendar date. */
export function parseDay(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return NaN;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? ms : NaN;
}

/** The problem with options, or null when they are usable. */
export function checkOptions(o: GenerateOptions): string | null {
  if (!o.out) return 'an output directory is required';
  if (Number.isNaN(parseDay(o.start))) return `start must be a date YYYY-MM-DD, got "${o.start}"`;
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > MAX_DAYS) return `days must be an integer from 1 to ${MAX_DAYS}, got ${o.days}`;
  if (!Number.isInteger(o.users) || o.users < 1 || o.users > MAX_USERS)
    return `users must be an integer from 1 to ${MAX_USERS}, got ${o.users}`;
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) return `seed must be an integer from 0 to 4294967295, got ${o.seed}`;
  return null;
}

// Stream tags keep the per-user profile stream apart from the per-day stream.
const PROFILE_STREAM = 0x70f11e;
const DAY_STREAM = 0xda7;

export async function generateLogs(opts: GenerateOptions): Promise<GenerateResult> {
  const problem = checkOptions(opts);
  if (problem) throw new RangeError(problem);
  const startMs = parseDay(opts.start);
  mkdirSync(opts.out, { recursive: true });
  const files = new DayFiles(opts.out, startMs, opts.gzip ?? false);
  const dayRng = new Rng(opts.seed, DAY_STREAM);
  const profileRng = new Rng(opts.seed, PROFILE_STREAM);
  const out = new Emitter(files, startMs, opts.days, dayRng);
  const ctx: DayContext = { rng: dayRng, out, activity: new UserActivity(dayRng, out), day: 0, dayStartMs: startMs };
  try {
    for (let day = 0; day < opts.days; day++) {
      // Each day has its own stream: a day's content does not depend on how
      // many random numbers the days before it used.
      dayRng.reseed(opts.seed, DAY_STREAM, day);
      ctx.day = day;
      ctx.dayStartMs = startMs + day * DAY_MS;
      for (let u = 0; u < opts.users; u++) {
        profileRng.reseed(opts.seed, PROFILE_STREAM, u);
        simulateUserDay(ctx, userProfile(profileRng, opts.days));
        if (files.needsDrain) await files.drain();
      }
      await files.close(day);
    }
  } catch (e) {
    files.abort();
    throw e;
  }
  const c = out.counts;
  return {
    files: files.paths,
    lines: c.flow + c.activity + c.noise + c.bad,
    bytes: files.bytes,
    linesByKind: { ...c },
    repeatedLines: out.repeats,
  };
}
