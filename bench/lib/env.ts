/** What the benchmark ran on: CPU, cores, load, versions, memory. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

/** The CPU model name (from /proc/cpuinfo on Linux, else os.cpus()). */
export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** The 1-minute load average (0 where the platform has none). */
export function load1(): number {
  return loadavg()[0] ?? 0;
}

/** The process's peak resident set size so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The version of an installed package, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** Path of the Python that may hold PyTorch. */
export const PYTHON = '/usr/bin/python3';

/** PyTorch's version under {@link PYTHON}, or null (with the reason) when it cannot be imported. */
export function torchVersion(): { version: string } | { missing: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return { version: r.stdout.trim() };
  const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${String(r.status)}`;
  return { missing: why };
}

/** The machine and software, for the report. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly tfjs: string;
  readonly tfjsLayers: string;
  readonly tfjsWasm: string;
  readonly torch: string;
  readonly date: string;
}

/** Describes the machine (call once at the start). */
export function describeMachine(torch: string): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    tfjs: tf.version_core,
    tfjsLayers: packageVersion('@tensorflow/tfjs-layers'),
    tfjsWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
    torch,
    date: new Date().toISOString(),
  };
}
