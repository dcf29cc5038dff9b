// What the figures were measured on: they only mean something next to it.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { version as duckdbNodeVersion } from '@duckdb/node-api';
import { venvBin } from '../../scripts/setup/python-env.ts';

export interface Machine {
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  os: string;
  node: string;
  duckdbNode: string;
  duckdbPython: string | null;
  timeV: boolean;
  loadAverage: number[];
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return `${m[1]} (${os.type()} ${os.release()})`;
  } catch {
    /* not Linux */
  }
  return `${os.type()} ${os.release()}`;
}

function pythonDuckdb(): string | null {
  const r = spawnSync(venvBin('python'), ['-c', 'import duckdb; print(duckdb.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function machineInfo(timeV: boolean): Machine {
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    os: osName(),
    node: process.version,
    duckdbNode: duckdbNodeVersion(),
    duckdbPython: pythonDuckdb(),
    timeV,
    // Other work on the machine skews the figures; the load average says how much.
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function describeMachine(m: Machine): string {
  return [
    `machine: ${m.cores} cores, ${m.memoryGiB} GiB, ${m.cpuModel}`,
    `         ${m.os}; Node ${m.node}; DuckDB ${m.duckdbNode} (node-api), ${m.duckdbPython ?? '?'} (Python, dbt)`,
    `         load average at start ${m.loadAverage.join(' ')}${m.timeV ? '' : '; /usr/bin/time missing: no CPU time or peak RSS'}`,
  ].join('\n');
}
