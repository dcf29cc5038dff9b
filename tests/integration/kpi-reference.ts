// The KPI definitions of docs/kpis.md computed the plain way, in TypeScript
// over the base marts' rows (no windows, no running sums: for each day, the
// sets of users of the days it looks at), so that the KPI models can be
// checked against a second, independent implementation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/setup/python-env.ts';

export type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;
const shiftDay = (day: string, days: number) => new Date(Date.parse(day + 'T00:00:00Z') + days * DAY_MS).toISOString().slice(0, 10);

function setsByKey<K>(rows: Row[], key: (r: Row) => K): Map<K, Set<string>> {
  const out = new Map<K, Set<string>>();
  for (const r of rows) {
    const k = key(r);
    if (!out.has(k)) out.set(k, new Set());
    out.get(k)!.add(String(r.uid));
  }
  return out;
}

/**
 * kpi_engagement_daily from activity_events (uid, day, ua_os) and
 * daily_multi_device_users (uid, day) rows.
 */
export function engagementRows(activity: Row[], multi: Row[], mauDays = 28): Row[] {
  const active = setsByKey(activity, (r) => String(r.day));
  const multiDevice = setsByKey(multi, (r) => String(r.day));
  const os = setsByKey(activity, (r) => `${r.day}|${r.ua_os ?? 'unknown'}`);
  const osNames = [...new Set(activity.map((r) => String(r.ua_os ?? 'unknown')))];
  const empty = new Set<string>();
  const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((u) => !b.has(u)));
  const union = (sets: Set<string>[]) => new Set(sets.flatMap((s) => [...s]));

  const segments: Array<[string, string, (day: string) => Set<string>]> = [
    ['all', 'all', (d) => active.get(d) ?? empty],
    ...osNames.map((name): [string, string, (day: string) => Set<string>] => ['ua_os', name, (d) => os.get(`${d}|${name}`) ?? empty]),
    ['devices', 'multi-device', (d) => multiDevice.get(d) ?? empty],
  ];
  const rows: Row[] = [];
  for (const day of [...active.keys()].sort()) {
    const window = Array.from({ length: mauDays }, (_, k) => shiftDay(day, -k));
    const week = window.slice(0, 7);
    const figures: Array<[string, string, number, number, number]> = segments.map(([breakdown, segment, users]) => [
      breakdown,
      segment,
      users(day).size,
      week.reduce((n, d) => n + users(d).size, 0),
      union(window.map(users)).size,
    ]);
    // single-device: active and not multi-device on the day; in the MAU,
    // active in the window and multi-device on none of its days.
    const singleOn = (d: string) => minus(active.get(d) ?? empty, multiDevice.get(d) ?? empty);
    figures.push([
      'devices',
      'single-device',
      singleOn(day).size,
      week.reduce((n, d) => n + singleOn(d).size, 0),
      minus(union(window.map((d) => active.get(d) ?? empty)), union(window.map((d) => multiDevice.get(d) ?? empty))).size,
    ]);
    for (const [breakdown, segment, dau, weekSum, mau] of figures) {
      if (mau === 0) continue;
      rows.push({ day, breakdown, segment, dau, dau_7day_mean: weekSum / 7, mau, engagement_ratio: weekSum / 7 / mau });
    }
  }
  return rows;
}

/** Linear interpolation between the nearest of the sorted values, at (n - 1) × p. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export interface FlowFacts {
  flow_id: string;
  export_date: string;
  completed: boolean;
  new_account: boolean;
  service: string | null;
  entrypoint: string | null;
  context: string | null;
  ua_os: string | null;
  utm_campaign: string | null;
  /** every event type of the flow, with repeats */
  types: string[];
  /** flow_time of each flow.complete event */
  completeTimes: number[];
}

/** flow_metadata rows joined with their flow_events rows. */
export function flowFacts(metadata: Row[], events: Row[]): FlowFacts[] {
  const byFlow = new Map<string, Row[]>();
  for (const e of events) {
    const id = String(e.flow_id);
    if (!byFlow.has(id)) byFlow.set(id, []);
    byFlow.get(id)!.push(e);
  }
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return metadata.map((m) => {
    const evs = byFlow.get(String(m.flow_id)) ?? [];
    return {
      flow_id: String(m.flow_id),
      export_date: String(m.export_date),
      completed: m.completed === true,
      new_account: m.new_account === true,
      service: text(m.service),
      entrypoint: text(m.entrypoint),
      context: text(m.context),
      ua_os: text(m.ua_os),
      utm_campaign: text(m.utm_campaign),
      types: evs.map((e) => String(e.type)),
      completeTimes: evs.filter((e) => e.type === 'flow.complete').map((e) => Number(e.flow_time)),
    };
  });
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(t);
  }
  return out;
}

export function timeToConnectRows(flows: FlowFacts[]): Row[] {
  const sync = flows.filter((f) => f.service === 'sync' || f.service === null || f.service === '');
  return [...groupBy(sync, (f) => `${f.export_date}|${f.new_account}`).values()].map((group) => {
    const completed = group.filter((f) => f.completed);
    const times = completed.map((f) => Math.min(...f.completeTimes)).sort((a, b) => a - b);
    return {
      export_date: group[0].export_date,
      new_account: group[0].new_account,
      flows_begun: group.length,
      flows_completed: completed.length,
      completion_rate: completed.length / group.length,
      flow_time_p25_ms: percentile(times, 0.25),
      flow_time_p50_ms: percentile(times, 0.5),
      flow_time_p75_ms: percentile(times, 0.75),
    };
  });
}

export interface FunnelStep {
  funnel: string;
  step_number: number;
  step_name: string;
  events: string[];
}

/** The funnels of seeds/funnel_steps.csv, steps in order (plain CSV: no quoted commas). */
export function readFunnels(file = join(projectRoot, 'seeds', 'funnel_steps.csv')): Map<string, FunnelStep[]> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  const funnels = new Map<string, FunnelStep[]>();
  for (const line of lines) {
    const v = Object.fromEntries(line.split(',').map((x, i) => [cols[i], x]));
    const steps = funnels.get(v.funnel) ?? [];
    funnels.set(v.funnel, steps);
    const step = steps.find((s) => s.step_number === Number(v.step_number));
    if (step) step.events.push(v.event);
    else steps.push({ funnel: v.funnel, step_number: Number(v.step_number), step_name: v.step_name, events: [v.event] });
  }
  for (const steps of funnels.values()) steps.sort((a, b) => a.step_number - b.step_number);
  return funnels;
}

const SEGMENT = ['entrypoint', 'service', 'context', 'ua_os', 'utm_campaign'] as const;
const segmentOf = (f: FlowFacts) => Object.fromEntries(SEGMENT.map((c) => [c, f[c]]));

export function funnelRows(flows: FlowFacts[], funnels: Map<string, FunnelStep[]>): Row[] {
  const rows: Row[] = [];
  for (const [funnel, steps] of funnels) {
    // How many steps in a row, from the first, each flow has an event of.
    const reached = (f: FlowFacts) => {
      const types = new Set(f.types);
      let n = 0;
      while (n < steps.length && steps[n].events.some((e) => types.has(e))) n++;
      return n;
    };
    for (const group of groupBy(flows, (f) => JSON.stringify([f.export_date, segmentOf(f)])).values()) {
      const depths = group.map(reached);
      if (!depths.some((d) => d >= 1)) continue;
      steps.forEach((s, i) =>
        rows.push({
          export_date: group[0].export_date,
          funnel,
          step_number: s.step_number,
          step_name: s.step_name,
          ...segmentOf(group[0]),
          flows: depths.filter((d) => d > i).length,
        }),
      );
    }
  }
  return rows;
}

export function flowOutcomeRows(flows: FlowFacts[]): Row[] {
  const key = (f: FlowFacts) => JSON.stringify([f.export_date, f.entrypoint, f.utm_campaign, f.service, f.ua_os]);
  return [...groupBy(flows, key).values()].map((g) => ({
    export_date: g[0].export_date,
    entrypoint: g[0].entrypoint,
    utm_campaign: g[0].utm_campaign,
    service: g[0].service,
    ua_os: g[0].ua_os,
    flows_begun: g.length,
    flows_completed: g.filter((f) => f.completed).length,
    flows_new_account: g.filter((f) => f.new_account).length,
    flows_verified: g.filter((f) => f.new_account && f.types.includes('account.verified')).length,
  }));
}

export const isErrorEvent = (type: string) =>
  type === 'customs.blocked' || /^route\..+\.[0-9]{3}\.[0-9]+$/.test(type) || /^email\..+\.bounced$/.test(type);

export function flowErrorRows(flows: FlowFacts[]): Row[] {
  const counts = new Map<string, { export_date: string; error: string; flows: Set<string>; events: number }>();
  for (const f of flows.filter((x) => !x.completed)) {
    for (const type of f.types.filter(isErrorEvent)) {
      const k = `${f.export_date}|${type}`;
      const c = counts.get(k) ?? { export_date: f.export_date, error: type, flows: new Set<string>(), events: 0 };
      c.flows.add(f.flow_id);
      c.events++;
      counts.set(k, c);
    }
  }
  return [...counts.values()].map((c) => ({ export_date: c.export_date, error: c.error, abandoned_flows: c.flows.size, events: c.events }));
}

/** kpi_multi_device_daily from the reference engagement rows. */
export function multiDeviceRows(engagement: Row[]): Row[] {
  const multi = new Map(engagement.filter((r) => r.segment === 'multi-device').map((r) => [r.day, r]));
  return engagement
    .filter((r) => r.breakdown === 'all')
    .map((r) => {
      const m = multi.get(r.day);
      const mDau = m ? Number(m.dau) : 0;
      const mMau = m ? Number(m.mau) : 0;
      return {
        day: r.day,
        dau: r.dau,
        multi_device_dau: mDau,
        multi_device_dau_share: mDau / Number(r.dau),
        mau: r.mau,
        multi_device_mau: mMau,
        multi_device_mau_share: mMau / Number(r.mau),
      };
    });
}
