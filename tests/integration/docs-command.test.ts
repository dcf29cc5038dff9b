// `fxa-metrics docs` with real dbt: the site lands in <data dir>/dbt-docs/,
// its embedded manifest holds the lineage raw → staging → marts → KPIs, and
// after a build its catalog has the tables' columns. A dbt failure is exit 1
// with one line and leaves the previous site in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../../scripts/generator/index.ts';
import { loadFiles } from '../../scripts/loader/index.ts';
import { runDbt } from '../../scripts/lib/dbt.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { cli, projectRoot, tempDir, TEST_KEY } from './nightly-helpers.ts';

interface Manifest {
  nodes: Record<string, { resource_type: string; original_file_path: string }>;
  sources: Record<string, unknown>;
  parent_map: Record<string, string[]>;
}
interface Catalog {
  nodes: Record<string, { columns: Record<string, { type: string }> }>;
}

/** The JSON object that starts at text[start] (a `{`), read up to its matching `}`. */
function jsonObjectAt(text: string, start: number): unknown {
  assert.equal(text[start], '{');
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error('unbalanced JSON');
}

/** The manifest and catalog dbt inlined into static_index.html (each after its schema URL's object start). */
function embedded(html: string): { manifest: Manifest; catalog: Catalog } {
  const objectOf = (schema: string) => {
    const at = html.indexOf(`{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/${schema}/`);
    assert.ok(at >= 0, `static_index.html embeds a ${schema}`);
    return jsonObjectAt(html, at);
  };
  return { manifest: objectOf('manifest') as Manifest, catalog: objectOf('catalog') as Catalog };
}

/** Every node upstream of id. */
function ancestors(m: Manifest, id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(m.parent_map[id] ?? [])];
  while (todo.length) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    todo.push(...(m.parent_map[p] ?? []));
  }
  return seen;
}

const model = (name: string) => `model.fxa_metrics.${name}`;
const KPI_DIR = join(projectRoot, 'models', 'marts', 'kpi');

function docsOk(dataDir: string, env: Record<string, string> = {}): { staticIndex: string; index: string } {
  const r = cli(['docs', '--data-dir', dataDir], env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.deepEqual(lines, [join(layout(dataDir).dbtDocs, 'static_index.html'), join(layout(dataDir).dbtDocs, 'index.html')]);
  for (const f of lines) assert.ok(statSync(f).size > 100_000, f);
  return { staticIndex: lines[0], index: lines[1] };
}

test('docs on a fresh data dir: the site holds the lineage; a dbt failure keeps it; after a build the catalog has columns', async (t) => {
  const { dir, cleanup } = tempDir('docs');
  t.after(cleanup);
  const dataDir = join(dir, 'data');

  const site = docsOk(dataDir);
  assert.deepEqual(readdirSync(layout(dataDir).dbtDocs).sort(), ['catalog.json', 'index.html', 'manifest.json', 'static_index.html']);
  const html = readFileSync(site.staticIndex, 'utf8');
  const { manifest: m, catalog } = embedded(html);
  // The file next to it is the same manifest.
  const beside = JSON.parse(readFileSync(join(layout(dataDir).dbtDocs, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(Object.keys(beside.parent_map).sort(), Object.keys(m.parent_map).sort());

  await t.test('lineage: raw sources → staging → marts', () => {
    assert.deepEqual(m.parent_map[model('stg_flow_events')], ['source.fxa_metrics.raw.flow_events']);
    assert.deepEqual(m.parent_map[model('stg_activity_events')], ['source.fxa_metrics.raw.activity_events']);
    assert.ok(m.parent_map[model('flow_metadata')].includes(model('stg_flow_events')));
    assert.ok(m.parent_map[model('activity_events')].includes(model('stg_activity_events')));
    assert.ok(ancestors(m, model('daily_multi_device_users')).has('source.fxa_metrics.raw.activity_events'));
  });

  await t.test('lineage: every model in models/marts/kpi is in the site, fed by marts and, through them, by a raw source', () => {
    const kpis = existsSync(KPI_DIR)
      ? readdirSync(KPI_DIR)
          .filter((f) => f.endsWith('.sql'))
          .map((f) => f.slice(0, -4))
      : [];
    for (const name of kpis) {
      const id = model(name);
      assert.ok(m.nodes[id], `${id} in the manifest`);
      const parents = m.parent_map[id] ?? [];
      assert.ok(
        parents.some((p) => p.startsWith('model.') && !p.includes('.stg_')),
        `${id} reads a mart: ${parents}`,
      );
      assert.ok(
        [...ancestors(m, id)].some((a) => a.startsWith('source.fxa_metrics.raw.')),
        `${id} traces back to raw`,
      );
    }
    if (kpis.includes('kpi_engagement_daily')) {
      const parents = m.parent_map[model('kpi_engagement_daily')];
      assert.ok(parents.includes(model('users_last_seen')), String(parents));
      assert.ok(ancestors(m, model('kpi_engagement_daily')).has(model('activity_events')));
    }
  });

  await t.test('before a build the catalog knows no table', () => {
    assert.equal(catalog.nodes[model('flow_metadata')], undefined);
  });

  await t.test('a dbt failure: exit 1, one line saying why, and the previous site left as it was', () => {
    const before = readFileSync(site.staticIndex);
    const r = cli(['docs', '--data-dir', dataDir], { FXA_DUCKDB_MEMORY_LIMIT: 'not-a-size' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('fxa-metrics: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0], /^fxa-metrics: dbt docs generate failed \(exit \d+\): .*Memory/);
    assert.ok(readFileSync(site.staticIndex).equals(before));
  });

  await t.test('after a build the catalog has the built tables and their columns', async () => {
    const logs = await generateLogs({ out: join(dir, 'logs'), start: '2017-03-01', days: 1, users: 30, seed: 3 });
    await loadFiles({ dataDir, hmacKey: TEST_KEY, inputs: logs.files, progress: 'never' });
    const run = await runDbt(['run', '--select', '+flow_metadata'], { dataDir, target: 'duckdb' });
    assert.equal(run.exitCode, 0, run.stdout);
    const again = docsOk(dataDir);
    const built = embedded(readFileSync(again.staticIndex, 'utf8')).catalog;
    const columns = Object.keys(built.nodes[model('flow_metadata')]?.columns ?? {}).map((c) => c.toLowerCase());
    for (const c of ['flow_id', 'begin_time', 'new_account']) assert.ok(columns.includes(c), `flow_metadata.${c} in ${columns}`);
    // Not built: still no columns.
    assert.equal(built.nodes[model('activity_events')], undefined);
  });
});

test('docs refuses a bad target (exit 2) and a locked data dir (exit 4) without running dbt', (t) => {
  const { dir, cleanup } = tempDir('docs-refused');
  t.after(cleanup);
  const bad = cli(['docs', '--data-dir', dir, '--target', 'spark']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^fxa-metrics: .*spark.*\n$/);

  const lock = layout(dir).lock;
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'nightly' }) + '\n');
  const locked = cli(['docs', '--data-dir', dir]);
  assert.equal(locked.code, 4, locked.stderr);
  assert.match(locked.stderr, /fxa-metrics: data dir .* is locked by pid/);
  assert.ok(!existsSync(layout(dir).dbtDocs));
  assert.ok(!existsSync(layout(dir).dbtTarget), 'dbt never ran');
});
