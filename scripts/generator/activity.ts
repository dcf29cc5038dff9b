// Activity events of one user on one day. They are gathered first and
// written in time order with strictly increasing times, so that no two of a
// user's events share the loader's duplicate key by accident: the only
// duplicates in the output are the deliberate repeats.
import type { Rng } from './random.ts';
import type { Emitter } from './emitter.ts';
import { AUTH_LOGGER, head, timestampNs, timestampNsExact } from './envelope.ts';
import { AUTH_PIDS } from './pools.ts';
import type { Device } from './users.ts';

const ACTIVITY_HEADS = AUTH_PIDS.map((pid) => head(AUTH_LOGGER, 'activityEvent', pid, 'event'));

/** Share of activity events logged without `time` (the loader then uses Timestamp). */
export const NO_TIME_SHARE = 0.1;

interface Pending {
  timeMs: number;
  event: string;
  /** JSON text of device_id and service (either may be absent) */
  fields: string;
  userAgent: string;
}

function deviceField(id: string | null): string {
  return id === null ? '' : `,"device_id":"${id}"`;
}

/** device_id as the auth server logs it for an event: present, empty or absent. */
function deviceIdFor(rng: Rng, event: string, device: Device): string | null {
  const u = rng.next();
  switch (event) {
    case 'account.login':
      return u < 0.95 ? null : device.id;
    case 'account.signed':
      return u < 0.85 ? device.id : u < 0.95 ? '' : null;
    case 'account.keyfetch':
      return u < 0.8 ? device.id : null;
    case 'sync.heartbeat':
      return u < 0.97 ? device.id : '';
    default:
      return device.id;
  }
}

export class UserActivity {
  private pending: Pending[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly out: Emitter,
  ) {}

  /** One event on a device at timeMs; userAgent defaults to the device's Sync client. */
  add(timeMs: number, event: string, device: Device, userAgent = device.syncAgent, service = device.service): void {
    const rng = this.rng;
    // A few events come without a service at all.
    const svc = rng.chance(0.02) ? '' : `,"service":"${service}"`;
    this.pending.push({ timeMs, event, fields: deviceField(deviceIdFor(rng, event, device)) + svc, userAgent });
  }

  /** A day's use of a device: sessions that sign certificates and, for Sync, send heartbeats. */
  sessions(dayStartMs: number, device: Device, timeOfDay: (rng: Rng) => number): void {
    const rng = this.rng;
    const n = 1 + (rng.chance(0.4) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const start = dayStartMs + timeOfDay(rng);
      this.add(start, 'account.signed', device);
      if (device.service === 'sync') {
        this.add(start + rng.int(1_000, 60_000), 'sync.heartbeat', device);
        if (rng.chance(0.3)) this.add(start + rng.int(600_000, 3_600_000), 'sync.heartbeat', device);
      }
    }
  }

  /** Writes the gathered events for this uid, in time order, and starts afresh. */
  flush(uid: string): void {
    const list = this.pending;
    if (list.length === 0) return;
    list.sort((a, b) => a.timeMs - b.timeMs);
    const rng = this.rng;
    let last = -Infinity;
    for (const e of list) {
      const t = e.timeMs > last ? e.timeMs : last + 1;
      last = t;
      const withTime = !rng.chance(NO_TIME_SHARE);
      const ts = withTime ? timestampNs(t, rng) : timestampNsExact(t);
      this.out.activity(
        `{"Timestamp":${ts}${rng.pick(ACTIVITY_HEADS)}"${e.event}","uid":"${uid}"${e.fields},"userAgent":"${e.userAgent}"${withTime ? `,"time":${t}` : ''}}}`,
        t,
      );
    }
    this.pending = [];
  }
}
