// Flow events of sign-in, sign-up and password-reset flows, in the order the
// content server and the auth server log them. flow_time grows strictly
// within a flow (so no two events of a flow share a duplicate key) and every
// event's time is the flow's begin time plus its flow_time.
import type { Rng } from './random.ts';
import type { Emitter } from './emitter.ts';
import { AUTH_LOGGER, CONTENT_LOGGER, head, timestampNs } from './envelope.ts';
import {
  AUTH_PIDS,
  CONTENT_PIDS,
  CONTEXT_BY_KIND,
  EXPERIMENTS,
  LOCALES,
  OAUTH_SERVICES,
  OTHER_BROWSER_AGENTS,
  SYNC_ENTRYPOINTS,
  UTM_CAMPAIGNS,
  UTM_CONTENTS,
  UTM_MEDIUMS,
  UTM_SOURCES,
  UTM_TERMS,
  WEB_ENTRYPOINTS,
} from './pools.ts';
import type { Device, User } from './users.ts';

const CONTENT_HEADS = CONTENT_PIDS.map((pid) => head(CONTENT_LOGGER, 'flowEvent', pid, 'event'));
const AUTH_HEADS = AUTH_PIDS.map((pid) => head(AUTH_LOGGER, 'flowEvent', pid, 'event'));

export const DNT_SHARE = 0.05;
export const LATE_FLOW_SHARE = 0.03;
const EXPERIMENT_SHARE = 0.3;
const SECOND_BEGIN_SHARE = 0.015;
/** Per sign-in attempt: customs (the auth server's abuse check) blocks it. */
const CUSTOMS_SIGN_IN_SHARE = 0.01;
/** Per visitor's sign-up submit: customs blocks it. */
const CUSTOMS_SIGN_UP_SHARE = 0.1;
/** Share of never-clicked verification / confirmation emails that bounce. */
const BOUNCE_SHARE = 0.3;
/** Share of password resets that start from the sign-in page's "forgot password" link. */
const FROM_SIGN_IN_SHARE = 0.4;

/** Relative traffic per UTC hour: Europe's afternoon and America's day. */
const HOUR_WEIGHTS = [3, 2, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 7, 7, 8, 8, 8, 7, 6, 5, 4, 4, 3];
const HOUR_CUMULATIVE = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let acc = 0;
  return HOUR_WEIGHTS.map((w) => (acc += w / total));
})();

/** A time of day (ms since midnight) following the daily traffic curve. */
export function timeOfDay(rng: Rng): number {
  const u = rng.next();
  let h = 0;
  while (h < 23 && u >= HOUR_CUMULATIVE[h]) h++;
  return h * 3_600_000 + Math.floor(rng.next() * 3_600_000);
}

/** When a flow begins: a share starts in the day's last minute, so most of those run past midnight. */
export function flowBegin(rng: Rng, dayStartMs: number): number {
  if (rng.chance(LATE_FLOW_SHARE)) return dayStartMs + 86_400_000 - rng.int(1_000, 60_000);
  return dayStartMs + timeOfDay(rng);
}

/** How long until someone clicks the link in an email: mostly minutes, sometimes hours. */
function clickDelay(rng: Rng): number {
  const u = rng.next();
  if (u < 0.85) return rng.int(8_000, 600_000);
  if (u < 0.98) return rng.int(600_000, 7_200_000);
  return rng.int(7_200_000, 21_600_000);
}

/** The request metadata the content server attaches to every event of a flow. */
interface Traits {
  locale: string | null;
  userAgent: string | null;
  entrypoint: string | null;
  service: string | null;
  context: string | null;
  migration: string | null;
  utm: boolean;
  dnt: boolean;
}

/** Fields shared by every event of a flow, as JSON text after `time` (and `uid`). */
function tail(rng: Rng, t: Traits): string {
  let s = '';
  if (t.locale !== null) s += `,"locale":"${t.locale}"`;
  if (t.userAgent !== null) s += `,"userAgent":"${t.userAgent}"`;
  if (t.entrypoint !== null) s += `,"entrypoint":"${t.entrypoint}"`;
  if (t.service !== null) s += `,"service":"${t.service}"`;
  if (t.context !== null) s += `,"context":"${t.context}"`;
  if (t.migration !== null) s += `,"migration":"${t.migration}"`;
  if (t.utm) {
    s += `,"utm_campaign":"${rng.pick(UTM_CAMPAIGNS)}"`;
    if (rng.chance(0.6)) s += `,"utm_content":"${rng.pick(UTM_CONTENTS)}"`;
    if (rng.chance(0.9)) s += `,"utm_medium":"${rng.pick(UTM_MEDIUMS)}"`;
    if (rng.chance(0.9)) s += `,"utm_source":"${rng.pick(UTM_SOURCES)}"`;
    if (rng.chance(0.25)) s += `,"utm_term":"${rng.pick(UTM_TERMS)}"`;
  }
  if (t.dnt) s += `,"dnt":true`;
  return s;
}

function flowLocale(rng: Rng, user: User | null): string | null {
  if (rng.chance(0.01)) return null;
  return user && rng.chance(0.9) ? user.locale : LOCALES.pick(rng);
}

/** A flow for Sync, from the device's own Firefox. */
export function syncTraits(rng: Rng, user: User | null, device: Device): Traits {
  return {
    locale: flowLocale(rng, user),
    userAgent: rng.chance(0.005) ? null : device.webAgent,
    entrypoint: SYNC_ENTRYPOINTS.pick(rng),
    service: rng.chance(0.95) ? 'sync' : null,
    context: CONTEXT_BY_KIND[device.kind],
    migration: rng.chance(0.005) ? 'sync11' : null,
    utm: rng.chance(0.3),
    dnt: rng.chance(DNT_SHARE),
  };
}

/** A flow for another relying party (OAuth), often from another browser. */
export function webTraits(rng: Rng, user: User | null, device: Device): Traits {
  return {
    locale: flowLocale(rng, user),
    userAgent: rng.chance(0.5) ? rng.pick(OTHER_BROWSER_AGENTS) : device.webAgent,
    entrypoint: WEB_ENTRYPOINTS.pick(rng),
    service: rng.chance(0.8) ? rng.pick(OAUTH_SERVICES) : null,
    context: rng.chance(0.5) ? 'web' : null,
    migration: rng.chance(0.005) ? 'amo' : null,
    utm: rng.chance(0.45),
    dnt: rng.chance(DNT_SHARE),
  };
}

/** One flow being logged: its id, begin time and the fields all its events share. */
class Flow {
  private readonly id: string;
  private readonly tail: string;
  private readonly contentHead: string;
  private readonly authHead: string;
  private flowTime = 0;
  private uidPart = '';

  constructor(
    private readonly rng: Rng,
    private readonly out: Emitter,
    private readonly beginMs: number,
    traits: Traits,
  ) {
    this.id = rng.hex(32);
    this.tail = tail(rng, traits);
    this.contentHead = rng.pick(CONTENT_HEADS);
    this.authHead = rng.pick(AUTH_HEADS);
  }

  /** The time of the last event logged. */
  get now(): number {
    return this.beginMs + this.flowTime;
  }

  /** From now on events carry the account's uid (after login or creation). */
  identify(uid: string): void {
    this.uidPart = `,"uid":"${uid}"`;
  }

  begin(view: string): void {
    this.write(this.contentHead, `flow.${view}.begin`, '');
  }

  /** An event of the content server, minDt..maxDt ms after the previous one. */
  content(event: string, minDt: number, maxDt: number): void {
    this.flowTime += this.rng.int(minDt, maxDt);
    this.write(this.contentHead, event, '');
  }

  /** An event of the auth server, minDt..maxDt ms after the previous one. */
  auth(event: string, minDt: number, maxDt: number, extra = ''): void {
    this.flowTime += this.rng.int(minDt, maxDt);
    this.write(this.authHead, event, extra);
  }

  private write(head: string, event: string, extra: string): void {
    const t = this.beginMs + this.flowTime;
    this.out.flow(
      `{"Timestamp":${timestampNs(t, this.rng)}${head}"${event}","flow_id":"${this.id}","flow_time":${this.flowTime},"time":${t}${this.uidPart}${extra}${this.tail}}}`,
      t,
    );
  }
}

/**
 * The pages every flow starts with: begin, view, maybe experiments, engage,
 * submit. Returns false when the visitor leaves before submitting.
 */
function openingPages(rng: Rng, flow: Flow, view: string, mayAbandon: boolean): boolean {
  flow.begin(view);
  flow.content(`flow.${view}.view`, 40, 1500);
  if (rng.chance(EXPERIMENT_SHARE)) {
    const first = rng.int(0, EXPERIMENTS.length - 1);
    const [name, groups] = EXPERIMENTS[first];
    flow.content(`flow.experiment.${name}.${rng.pick(groups)}`, 1, 40);
    if (rng.chance(0.15)) {
      const [name2, groups2] = EXPERIMENTS[(first + 1) % EXPERIMENTS.length];
      flow.content(`flow.experiment.${name2}.${rng.pick(groups2)}`, 1, 40);
    }
  }
  if (rng.chance(SECOND_BEGIN_SHARE)) {
    // A reload of the first page: the content server logs a second begin.
    flow.content(`flow.${view}.begin`, 3_000, 120_000);
    flow.content(`flow.${view}.view`, 40, 1500);
  }
  if (mayAbandon && rng.chance(0.12)) return false;
  flow.content(`flow.${view}.engage`, 1_500, 25_000);
  if (mayAbandon && rng.chance(0.06)) return false;
  flow.content(`flow.${view}.submit`, 1_000, 30_000);
  return true;
}

/**
 * The email a new session must confirm: sent, the "check your inbox" page,
 * then `neverClicked` of the users stop there (BOUNCE_SHARE of them because
 * it bounced) and the others click its link. Returns whether they clicked.
 */
function emailLinkClicked(rng: Rng, flow: Flow, email: 'confirmation' | 'verification', sentMaxMs: number, neverClicked: number): boolean {
  flow.auth(`email.${email}.sent`, 5, sentMaxMs);
  flow.content('flow.confirm.view', 300, 2_500);
  if (rng.chance(neverClicked)) {
    if (rng.chance(BOUNCE_SHARE)) flow.auth(`email.${email}.bounced`, 2_000, 300_000);
    return false;
  }
  const click = clickDelay(rng);
  flow.auth(`email.${email}.clicked`, click, click + 1_000);
  return true;
}

/**
 * A sign-in (`signin` or `force_auth` page); the user may mistype, be blocked
 * or leave. Returns the time of account.login, or -1 when it never happened.
 */
export function signInFlow(rng: Rng, out: Emitter, user: User, beginMs: number, traits: Traits): number {
  const flow = new Flow(rng, out, beginMs, traits);
  const view = rng.chance(0.2) ? 'force_auth' : 'signin';
  if (!openingPages(rng, flow, view, true)) return -1;
  for (let attempt = 0; attempt < 3; attempt++) {
    const u = rng.next();
    if (u < 0.08) {
      flow.auth('route./account/login.400.103', 80, 900);
      if (attempt === 2 || rng.chance(0.3)) return -1;
      flow.content(`flow.${view}.submit`, 3_000, 40_000);
      continue;
    }
    if (u < 0.09) {
      flow.auth('route./account/login.400.125', 80, 900);
      return -1;
    }
    if (u < 0.09 + CUSTOMS_SIGN_IN_SHARE) {
      // The auth server logs the block, then answers 429 (errno 114).
      flow.auth('customs.blocked', 20, 300);
      flow.auth('route./account/login.429.114', 1, 20);
      return -1;
    }
    break;
  }
  flow.identify(user.uid);
  flow.auth('route./account/login.200', 80, 900);
  flow.auth('account.login', 1, 15);
  const loginMs = flow.now;
  let signal = 'account.login';
  if (rng.chance(0.35)) {
    if (!emailLinkClicked(rng, flow, 'confirmation', 300, 0.1)) return loginMs;
    flow.auth('account.confirmed', 100, 3_000);
    signal = 'account.confirmed';
  }
  if (traits.service === 'sync') {
    flow.auth('route./account/keys.200', 100, 2_000);
    signal = 'account.signed';
  }
  flow.auth('flow.complete', 1, 80, `,"flowCompleteSignal":"${signal}"`);
  return loginMs;
}

/** A new account: created, verification email sent, clicked (most of the time), complete. Returns the creation time. */
export function signUpFlow(rng: Rng, out: Emitter, user: User, beginMs: number, traits: Traits): number {
  const flow = new Flow(rng, out, beginMs, traits);
  openingPages(rng, flow, 'signup', false);
  flow.identify(user.uid);
  flow.auth('route./account/create.200', 100, 1_200);
  flow.auth('account.created', 1, 20);
  const createdMs = flow.now;
  if (!emailLinkClicked(rng, flow, 'verification', 400, 0.12)) return createdMs;
  flow.auth('account.verified', 50, 2_000);
  flow.auth('flow.complete', 1, 80, ',"flowCompleteSignal":"account.verified"');
  return createdMs;
}

/** A visitor who starts signing up or in but never gets an account session (no uid). */
export function abandonedFlow(rng: Rng, out: Emitter, beginMs: number, traits: Traits): void {
  const flow = new Flow(rng, out, beginMs, traits);
  const signUp = rng.chance(0.6);
  if (!openingPages(rng, flow, signUp ? 'signup' : 'signin', true)) return;
  if (!signUp) {
    flow.auth('route./account/login.400.102', 80, 900);
    return;
  }
  if (rng.chance(CUSTOMS_SIGN_UP_SHARE)) {
    flow.auth('customs.blocked', 20, 300);
    flow.auth('route./account/create.429.114', 1, 20);
    return;
  }
  flow.auth(rng.chance(0.7) ? 'route./account/create.400.101' : 'route./account/create.400.107', 100, 1_200);
}

/**
 * A password reset, begun on the reset page or from the sign-in page's
 * "forgot password" link (one flow, so it keeps the sign-in begin): code
 * sent, recovery email clicked, code verified, new password, complete.
 */
export function resetPasswordFlow(rng: Rng, out: Emitter, user: User, beginMs: number, traits: Traits): void {
  const flow = new Flow(rng, out, beginMs, traits);
  if (rng.chance(FROM_SIGN_IN_SHARE)) {
    flow.begin('signin');
    flow.content('flow.signin.view', 40, 1500);
    if (rng.chance(0.5)) flow.content('flow.signin.engage', 1_500, 25_000);
    flow.content('flow.signin.forgot-password', 1_000, 20_000);
    flow.content('flow.reset-password.view', 200, 1_500);
    if (rng.chance(0.1)) return;
    flow.content('flow.reset-password.engage', 1_500, 25_000);
    flow.content('flow.reset-password.submit', 1_000, 30_000);
  } else if (!openingPages(rng, flow, 'reset-password', true)) {
    return;
  }
  flow.auth('route./password/forgot/send_code.200', 100, 900);
  flow.auth('password.forgot.send_code.completed', 1, 20);
  flow.auth('email.recovery.sent', 5, 400);
  flow.content('flow.confirm-reset-password.view', 300, 2_500);
  if (rng.chance(0.2)) return;
  const click = clickDelay(rng);
  flow.auth('email.recovery.clicked', click, click + 1_000);
  flow.content('flow.complete-reset-password.view', 300, 3_000);
  flow.content('flow.complete-reset-password.engage', 2_000, 30_000);
  flow.content('flow.complete-reset-password.submit', 1_000, 20_000);
  if (rng.chance(0.08)) {
    // The link was used too late: the code is no longer valid (errno 105).
    flow.auth('route./password/forgot/verify_code.400.105', 100, 900);
    return;
  }
  flow.auth('route./password/forgot/verify_code.200', 100, 900);
  flow.auth('password.forgot.verify_code.completed', 1, 20);
  if (rng.chance(0.06)) {
    // The reset itself fails (invalid token, errno 110) and the user gives up.
    flow.auth('route./account/reset.401.110', 100, 900);
    return;
  }
  flow.identify(user.uid);
  flow.auth('route./account/reset.200', 100, 900);
  flow.auth('account.reset', 1, 20);
  flow.auth('flow.complete', 1, 80, ',"flowCompleteSignal":"account.reset"');
}
