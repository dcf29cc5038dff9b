// The part of a nightly run report (`fxa-metrics nightly --json`) worth
// keeping next to the timings: outcome, load counts and per-model dbt times.
// The full report (every test, every file) stays in the data dir's runs/.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

export function nightlySummary(report: unknown): Obj | null {
  const r = obj(report);
  if (!r) return null;
  const load = obj(r.load);
  const build = obj(r.build);
  const dbtRuns = Array.isArray(build?.dbt) ? (build!.dbt as unknown[]) : [];
  return {
    status: r.status ?? null,
    exitCode: r.exitCode ?? null,
    message: r.message ?? null,
    loadCounts: obj(load?.counts) ?? null,
    days: build?.days ?? null,
    dbt: dbtRuns.map((d) => {
      const o = obj(d) ?? {};
      const models = Array.isArray(o.models) ? (o.models as unknown[]).map(obj).filter((m): m is Obj => m !== null) : [];
      return {
        elapsedSeconds: o.elapsedSeconds ?? null,
        models: models.map((m) => ({ name: m.name ?? m.unique_id, seconds: m.seconds ?? null })),
      };
    }),
  };
}

/** Lines the nightly run read, from a nightlySummary(). */
export function nightlyLinesRead(summary: unknown): number | null {
  const n = obj(obj(summary)?.loadCounts)?.lines_read;
  return typeof n === 'number' ? n : null;
}
