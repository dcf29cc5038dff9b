// The nightly's report step on hand-made KPI tables: written next to the run
// report, or recorded as a problem without touching anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeKpiWarehouse, sampleRows } from './kpi-fixture.ts';
import { kpiReportPath, latestKpiReport } from '../../../scripts/kpi-report/run-step.ts';
import { kpiReportStep } from '../../../scripts/orchestration/steps.ts';
import { newReport } from '../../../scripts/orchestration/run-report.ts';
import { formatSummary } from '../../../scripts/orchestration/summary.ts';

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fxa-report-step-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'writes <runs>/<run-id>.report.html and records its path in the run report and summary',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, sampleRows());
    const report = newReport('nightly', dir, 'duckdb');
    await kpiReportStep(report, { dataDir: dir, target: 'duckdb' });
    const out = join(dir, 'runs', `${report.runId}.report.html`);
    assert.equal(report.kpiReport, out);
    assert.equal(kpiReportPath(dir, report.runId), out);
    assert.match(readFileSync(out, 'utf8'), /<title>Firefox Accounts KPI report<\/title>/);
    assert.deepEqual(report.problems, []);
    assert.equal(report.exitCode, 0);
    assert.equal(report.status, 'ok');
    assert.match(formatSummary(report, null), new RegExp(`\\n  KPI report: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  }),
);

test(
  'a report that cannot be written is a problem of the run: exit 1, status failed, nothing written',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, {}, ['kpi_engagement_daily']);
    const report = newReport('nightly', dir, 'duckdb');
    await kpiReportStep(report, { dataDir: dir, target: 'duckdb' });
    assert.equal(report.exitCode, 1);
    assert.equal(report.status, 'failed');
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0], /^KPI report not written: KPI tables not built \(kpi_multi_device_daily is missing/);
    assert.equal(report.kpiReport, undefined);
    assert.ok(!existsSync(kpiReportPath(dir, report.runId)));
  }),
);

test(
  'after failed data checks a report failure still raises the exit code to 1, keeping the earlier status',
  withDir(async (dir) => {
    const report = newReport('nightly', dir, 'duckdb');
    report.exitCode = 3;
    report.status = 'data_checks_failed';
    report.problems.push('dbt test x: fail');
    await kpiReportStep(report, { dataDir: dir, target: 'duckdb' });
    assert.equal(report.exitCode, 1);
    assert.equal(report.status, 'data_checks_failed');
    assert.equal(report.problems.length, 2);
    assert.match(report.problems[1], /^KPI report not written: no warehouse at /);
  }),
);

test(
  'latestKpiReport: the newest run report by run id, null when there is none',
  withDir(async (dir) => {
    assert.equal(latestKpiReport(dir), null);
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', '20170302T000000Z-aaaaaa.json'), '{}');
    assert.equal(latestKpiReport(dir), null);
    for (const id of ['20170302T000000Z-aaaaaa', '20170303T000000Z-bbbbbb', '20170301T000000Z-cccccc']) {
      writeFileSync(join(dir, 'runs', `${id}.report.html`), '');
    }
    assert.equal(latestKpiReport(dir), join(dir, 'runs', '20170303T000000Z-bbbbbb.report.html'));
  }),
);
