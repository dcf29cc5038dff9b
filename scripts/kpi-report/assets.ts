// The scripts inlined into the report page, read from installed files: the
// page must open with no network at all.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReportAssets {
  /** Chart.js 4's UMD build (defines the global `Chart`) */
  chartJs: string;
  /** the page's own script: draws the charts from the embedded JSON */
  clientJs: string;
}

export function readAssets(): ReportAssets {
  // chart.js exports no subpath for its UMD file: find it beside the main entry
  const main = createRequire(import.meta.url).resolve('chart.js');
  return {
    chartJs: readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8'),
    clientJs: readFileSync(fileURLToPath(new URL('./client.js', import.meta.url)), 'utf8'),
  };
}
