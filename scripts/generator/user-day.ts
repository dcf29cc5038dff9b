// What one user does on one day: which devices they use, which flows they go
// through, and the activity events that follow from both.
import type { Rng } from './random.ts';
import type { Emitter } from './emitter.ts';
import type { UserActivity } from './activity.ts';
import type { User } from './users.ts';
import { AGENTS_BY_KIND, DEVICE_KINDS } from './pools.ts';
import { abandonedFlow, flowBegin, resetPasswordFlow, signInFlow, signUpFlow, syncTraits, timeOfDay, webTraits } from './flows.ts';

/** Per user-day: a visitor's flow that ends without an account (independent of activity). */
const VISITOR_CHANCE = 0.05;
/** Per active device-day: a sign-in on an already connected device. */
const SIGN_IN_CHANCE = 0.25;
/** Share of those sign-ins that are for another relying party than Sync. */
const WEB_SIGN_IN_SHARE = 0.2;
/** Per active user-day: a password reset (frequent enough that the reset funnel of a small sample is not empty). */
const RESET_CHANCE = 0.03;
/** Per active user-day: chance that each device besides the main one is used. */
const OTHER_DEVICE_CHANCE = 0.6;

export interface DayContext {
  rng: Rng;
  out: Emitter;
  activity: UserActivity;
  /** day number from the start of the run */
  day: number;
  dayStartMs: number;
}

export function simulateUserDay(c: DayContext, user: User): void {
  const { rng, out, activity, day, dayStartMs } = c;
  if (rng.chance(VISITOR_CHANCE)) {
    // Someone without an account; their browser is not one of the user's devices.
    const kind = DEVICE_KINDS.pick(rng);
    const agents = rng.pick(AGENTS_BY_KIND[kind]);
    const device = { id: '', kind, webAgent: agents.web, syncAgent: agents.sync, service: 'sync', addedDay: -1 };
    const traits = rng.chance(0.7) ? syncTraits(rng, null, device) : webTraits(rng, null, device);
    abandonedFlow(rng, out, flowBegin(rng, dayStartMs), traits);
  }
  if (user.signupDay > day) return;
  const signUpToday = user.signupDay === day;
  if (!signUpToday && !rng.chance(user.activeChance)) return;

  // The device used for sure today; the first device is connected since sign-up.
  let main = rng.int(0, user.devices.length - 1);
  if (user.devices[main].addedDay > day) main = 0;
  for (let i = 0; i < user.devices.length; i++) {
    const device = user.devices[i];
    if (device.addedDay > day) continue;
    if (signUpToday && i === 0) {
      const created = signUpFlow(rng, out, user, flowBegin(rng, dayStartMs), syncTraits(rng, user, device));
      activity.add(created + rng.int(500, 5_000), 'device.created', device);
      activity.add(created + rng.int(5_000, 60_000), 'account.signed', device);
      continue;
    }
    if (device.addedDay === day) {
      // Connecting a new device: a Sync sign-in on it, then the device registers.
      const traits = syncTraits(rng, user, device);
      const login = signInFlow(rng, out, user, flowBegin(rng, dayStartMs), traits);
      if (login < 0) continue;
      activity.add(login, 'account.login', device, device.webAgent, traits.service === 'sync' ? 'sync' : '');
      activity.add(login + rng.int(500, 5_000), 'device.created', device);
      activity.add(login + rng.int(1_000, 10_000), 'account.keyfetch', device);
      activity.add(login + rng.int(5_000, 60_000), 'account.signed', device);
      continue;
    }
    if (i !== main && !rng.chance(OTHER_DEVICE_CHANCE)) continue;
    if (rng.chance(SIGN_IN_CHANCE)) {
      const web = rng.chance(WEB_SIGN_IN_SHARE);
      const traits = web ? webTraits(rng, user, device) : syncTraits(rng, user, device);
      const login = signInFlow(rng, out, user, flowBegin(rng, dayStartMs), traits);
      if (login >= 0) {
        activity.add(login, 'account.login', device, traits.userAgent ?? device.webAgent, traits.service === 'sync' ? 'sync' : '');
        if (!web) activity.add(login + rng.int(1_000, 10_000), 'account.keyfetch', device);
      }
    }
    activity.sessions(dayStartMs, device, timeOfDay);
  }
  if (rng.chance(RESET_CHANCE)) {
    const device = user.devices[main];
    resetPasswordFlow(rng, out, user, flowBegin(rng, dayStartMs), syncTraits(rng, user, device));
  }
  activity.flush(user.activityUid);
}
