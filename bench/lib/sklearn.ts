/** Running a scikit-learn script on a float64 matrix, for the benchmarks that compare with it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON } from './env.js';

/**
 * Writes `x` (raw float64) and `script` to a temporary folder, runs
 * `python3 script <data path> ...args` with `OMP_WAIT_POLICY=PASSIVE` (and `env` on top), and
 * parses its stdout as JSON; null (with a line saying why) when the run fails or Python lacks
 * scikit-learn. The folder is removed afterwards.
 */
export function runSklearnScript<T>(prefix: string, script: string, x: Float64Array, args: readonly string[], env: NodeJS.ProcessEnv = {}): T | null {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const dataPath = join(dir, 'x.f64');
    const scriptPath = join(dir, 'bench.py');
    writeFileSync(dataPath, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(scriptPath, script);
    const r = spawnSync(PYTHON, [scriptPath, dataPath, ...args], {
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', ...env },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) {
      console.log(`scikit-learn run failed or unavailable (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`);
      return null;
    }
    return JSON.parse(r.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
