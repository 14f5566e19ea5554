/**
 * The BLAS that the Python references (numpy, scikit-learn, PyTorch) run on, made honest.
 *
 * OpenBLAS picks its kernels from the CPU it recognises; a build that does not know the CPU falls
 * back to old SSE3 kernels (`Prescott`) — Debian's 0.3.21 on some AVX-512 Xeons runs numpy's sgemm
 * at a seventh of its speed that way. This probes what OpenBLAS chose (bench/blas_probe.py, via
 * threadpoolctl), compares it with the newest kernel family the CPU can run (from its flags in
 * /proc/cpuinfo), and where OpenBLAS chose older kernels sets `OPENBLAS_CORETYPE` for every
 * Python run of the bench — after checking that the products still agree.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './env.js';

const SCRIPT = fileURLToPath(new URL('../blas_probe.py', import.meta.url));

/** What bench/blas_probe.py prints. */
interface Probe {
  readonly loaded: string[];
  readonly blas: { library: string | null; version: string | null; kernel: string | null; threads: number | null; path: string | null }[];
  readonly gflops: number;
  readonly sample: number[];
  readonly sum: number;
}

/** The references' BLAS, as the report records it. */
export interface BlasReport {
  /** e.g. 'openblas 0.3.21'. */
  readonly library: string;
  /** The kernel family OpenBLAS chose by itself. */
  readonly detected: string;
  /** The kernel family the references run with (= detected, or the OPENBLAS_CORETYPE set). */
  readonly kernel: string;
  /** OPENBLAS_CORETYPE when it had to be set, else null. */
  readonly coretype: string | null;
  /** numpy's 1024² sgemm, GFLOP/s, on one thread and on all cores, with the kernel in use. */
  readonly numpy1: number;
  readonly numpyAll: number;
  /** numpy's sgemm with OpenBLAS' own choice, when that was overridden. */
  readonly numpyDetected1?: number;
  /** Largest relative difference of the probe's product between the two kernels (when overridden). */
  readonly agreement?: number;
  /** Which of numpy, sklearn and torch were importable (torch uses the same BLAS when listed once). */
  readonly loaded: readonly string[];
  readonly note: string;
}

/** OpenBLAS x86-64 kernel families by the newest instruction set they use (0 SSE3 … 5 AVX-512 BF16). */
const FAMILY_LEVEL: Readonly<Record<string, number>> = {
  prescott: 0, core2: 0, penryn: 0, dunnington: 0, atom: 0, opteron: 0, barcelona: 0, bobcat: 0, katmai: 0, northwood: 0,
  nehalem: 1,
  sandybridge: 2, bulldozer: 2, piledriver: 2, steamroller: 2, excavator: 2,
  haswell: 3, zen: 3, skylake: 3,
  skylakex: 4,
  cooperlake: 5, sapphirerapids: 5,
};

/** The newest family the CPU runs, and the name OPENBLAS_CORETYPE takes for it. */
export function cpuFamily(flags: ReadonlySet<string>): { level: number; coretype: string | null } {
  const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.has(f));
  if (avx512) return { level: flags.has('avx512_bf16') ? 5 : 4, coretype: 'SkylakeX' };
  if (flags.has('avx2') && flags.has('fma')) return { level: 3, coretype: 'Haswell' };
  if (flags.has('avx')) return { level: 2, coretype: 'Sandybridge' };
  if (flags.has('sse4_2')) return { level: 1, coretype: 'Nehalem' };
  return { level: 0, coretype: null };
}

function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set((line?.split(':')[1] ?? '').trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

function probe(env: NodeJS.ProcessEnv, threads: string | null): Probe | string {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env, OMP_WAIT_POLICY: 'PASSIVE' };
  if (threads !== null) Object.assign(e, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads });
  const r = spawnSync(PYTHON, [SCRIPT, '7'], { env: e, encoding: 'utf8' });
  if (r.status !== 0) return r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${String(r.status)}`;
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Probe;
}

function maxRel(a: Probe, b: Probe): number {
  let w = Math.abs(a.sum - b.sum) / Math.abs(b.sum);
  a.sample.forEach((x, i) => (w = Math.max(w, Math.abs(x - b.sample[i]!) / Math.abs(b.sample[i]!))));
  return w;
}

/**
 * Detects the references' BLAS; when OpenBLAS runs kernels older than the CPU supports, sets
 * `process.env.OPENBLAS_CORETYPE` (inherited by every Python the bench starts) once the products
 * agree to 1e-5. Returns null, with the reason, where Python or numpy is missing.
 */
export function honestBlas(cores: number): BlasReport | { missing: string } {
  const preset = process.env['OPENBLAS_CORETYPE'];
  // BENCH_BLAS_SIMULATE=Prescott makes OpenBLAS' own choice that family, as on a CPU it does not
  // know: a way to run the fallback path on a machine where OpenBLAS chooses well.
  const simulate = process.env['BENCH_BLAS_SIMULATE'];
  const own: NodeJS.ProcessEnv = simulate === undefined ? {} : { OPENBLAS_CORETYPE: simulate };
  if (simulate !== undefined) delete process.env['OPENBLAS_CORETYPE'];
  const first = probe(own, '1');
  if (typeof first === 'string') return { missing: first };
  const lib = first.blas[0];
  const library = lib === undefined ? 'unknown (threadpoolctl missing or no BLAS found)' : `${lib.library ?? '?'} ${lib.version ?? ''}`.trim();
  const detected = lib?.kernel ?? 'unknown';
  const all = probe(own, String(cores));
  const numpyAll = typeof all === 'string' ? NaN : all.gflops;
  const loaded = first.loaded;
  if (preset !== undefined && simulate === undefined) {
    return { library, detected, kernel: detected, coretype: preset, numpy1: first.gflops, numpyAll, loaded, note: `OPENBLAS_CORETYPE=${preset} was set by the caller` };
  }
  const cpu = cpuFamily(cpuFlags());
  const level = FAMILY_LEVEL[detected.toLowerCase()];
  if (lib?.library !== 'openblas' || level === undefined || level >= Math.min(cpu.level, 4) || cpu.coretype === null) {
    const why = lib?.library !== 'openblas' ? 'not OpenBLAS: left as it is' : level === undefined ? `kernel family '${detected}' not known to the bench: left as it is` : 'the newest kernels the CPU runs: left as it is';
    return { library, detected, kernel: detected, coretype: null, numpy1: first.gflops, numpyAll, loaded, note: why };
  }
  const env = { OPENBLAS_CORETYPE: cpu.coretype };
  const fixed = probe(env, '1');
  if (typeof fixed === 'string') {
    return { library, detected, kernel: detected, coretype: null, numpy1: first.gflops, numpyAll, loaded, note: `OPENBLAS_CORETYPE=${cpu.coretype} failed (${fixed}): left as it is` };
  }
  const agreement = maxRel(fixed, first);
  if (!(agreement <= 1e-5)) {
    return { library, detected, kernel: detected, coretype: null, numpy1: first.gflops, numpyAll, loaded, agreement, note: `OPENBLAS_CORETYPE=${cpu.coretype} changes the product by ${agreement.toExponential(1)} relative: left as it is` };
  }
  process.env['OPENBLAS_CORETYPE'] = cpu.coretype;
  const fixedAll = probe(env, String(cores));
  return {
    library,
    detected,
    kernel: fixed.blas[0]?.kernel ?? cpu.coretype,
    coretype: cpu.coretype,
    numpy1: fixed.gflops,
    numpyAll: typeof fixedAll === 'string' ? NaN : fixedAll.gflops,
    numpyDetected1: first.gflops,
    agreement,
    loaded,
    note: `OpenBLAS chose '${detected}'${simulate === undefined ? '' : ' (simulated with BENCH_BLAS_SIMULATE)'}, older than the CPU's instruction set: OPENBLAS_CORETYPE=${cpu.coretype} set for every Python run (products agree to ${agreement.toExponential(1)})`,
  };
}

/** One line for the printout and the report. */
export function blasLine(b: BlasReport | { missing: string }): string {
  if ('missing' in b) return `BLAS of the references: not probed (${b.missing})`;
  const users = b.loaded.join(', ');
  const before = b.numpyDetected1 === undefined ? '' : ` (${b.numpyDetected1.toFixed(1)} with '${b.detected}')`;
  return `BLAS of the references (${users}): ${b.library}, kernel ${b.kernel}; numpy 1024² sgemm ${b.numpy1.toFixed(1)} GFLOP/s on 1 thread${before}, ${b.numpyAll.toFixed(1)} on all cores — ${b.note}`;
}
