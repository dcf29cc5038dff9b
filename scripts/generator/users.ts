// A user's fixed traits (uid, devices, how often they come back), derived
// from (seed, user number) alone. Nothing is kept in memory between days:
// each day re-derives the same profile, so a run of millions of users needs
// no more memory than a run of ten.
import { Rng, Weighted } from './random.ts';
import { AGENTS_BY_KIND, DEVICE_KINDS, LOCALES, type DeviceKind } from './pools.ts';

export interface Device {
  /** 32 lower-case hex */
  id: string;
  kind: DeviceKind;
  /** user agent of the browser (flows) */
  webAgent: string;
  /** user agent of the Sync client (activity events) */
  syncAgent: string;
  /** `sync`, or `""` for a device that uses the account without Sync */
  service: string;
  /** the day (from the start) the device was connected; -1 before the run */
  addedDay: number;
}

export interface User {
  /** 32 lower-case hex */
  uid: string;
  /** the uid as activity events log it: upper-case for a few users */
  activityUid: string;
  locale: string;
  devices: Device[];
  /** chance of being active on a given day */
  activeChance: number;
  /** the day (from the start) the account is created; -1 before the run */
  signupDay: number;
}

/** Most people use one or two devices. */
const DEVICE_COUNT = new Weighted<number>([
  [1, 50],
  [2, 30],
  [3, 13],
  [4, 7],
]);

/** Return patterns: daily users, every few days, rare visitors. */
const ACTIVE_CHANCE = new Weighted<number>([
  [0.85, 30],
  [0.3, 40],
  [0.06, 30],
]);

/** Share of users who sign up, per day of the run (a steady stream of new accounts). */
export const NEW_USERS_PER_DAY = 0.01;

/** Share of a run's users whose account is created during the run (capped: most users are existing ones). */
export function newUserShare(days: number): number {
  return Math.min(0.5, NEW_USERS_PER_DAY * days);
}
/** Share of users' further devices that get connected, per day of the run. */
const NEW_DEVICES_PER_DAY = 0.01;
const UPPER_CASE_UID_SHARE = 0.02;
const NON_SYNC_DEVICE_SHARE = 0.12;

export function userProfile(rng: Rng, days: number): User {
  const uid = rng.hex(16);
  const upper = rng.chance(UPPER_CASE_UID_SHARE);
  const locale = LOCALES.pick(rng);
  const activeChance = ACTIVE_CHANCE.pick(rng);
  const signupDay = rng.chance(newUserShare(days)) ? rng.int(0, days - 1) : -1;
  const count = DEVICE_COUNT.pick(rng);
  const devices: Device[] = [];
  for (let i = 0; i < count; i++) {
    const kind = DEVICE_KINDS.pick(rng);
    const agents = rng.pick(AGENTS_BY_KIND[kind]);
    let addedDay = i === 0 ? signupDay : -1;
    if (i > 0 && rng.chance(Math.min(0.5, NEW_DEVICES_PER_DAY * days))) addedDay = Math.max(signupDay, rng.int(0, days - 1));
    devices.push({
      id: rng.hex(16),
      kind,
      webAgent: agents.web,
      syncAgent: agents.sync,
      service: rng.chance(NON_SYNC_DEVICE_SHARE) ? '' : 'sync',
      addedDay,
    });
  }
  return { uid, activityUid: upper ? uid.toUpperCase() : uid, locale, devices, activeChance, signupDay };
}
