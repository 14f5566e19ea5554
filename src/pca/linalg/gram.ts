import { mirrorUpper, Workspace } from './workspace.js';

/** Samples (or features) copied into the workspace per pass of the Gram product. */
const CHUNK = 2048;

/**
 * The Gram matrix of the centred data `Xc = X − 1·μᵀ` (`X` is `n × d`, row-major) on its
 * smaller side: `XcᵀXc` (`d × d`, `byFeatures`) when `d ≤ n`, else `XcXcᵀ` (`n × n`). Centring
 * happens while the data is copied, chunk by chunk, into the kernel's workspace, so the memory
 * used is `m² + m·CHUNK` floats whatever `n` is.
 * @internal
 */
export function centeredGram(
  x: Float64Array,
  n: number,
  d: number,
  mean: Float64Array,
): { gram: Float64Array; m: number; byFeatures: boolean } {
  const byFeatures = d <= n;
  const m = byFeatures ? d : n;
  const total = byFeatures ? n : d;
  const chunk = Math.min(CHUNK, total + (total & 1));
  const ws = Workspace.create([[m, chunk], [m, m]]);
  const pm = ws.panel(0), pc = ws.panel(1);
  const h = ws.heap;
  const stride = pm.stride;
  for (let t0 = 0; t0 < total; t0 += chunk) {
    const len = Math.min(chunk, total - t0);
    if (byFeatures) {
      // Panel row j holds feature j of samples t0..t0+len (centred).
      for (let t = 0; t < len; t++) {
        const src = (t0 + t) * d;
        let dst = pm.off + t;
        for (let j = 0; j < d; j++, dst += stride) h[dst] = x[src + j]! - mean[j]!;
      }
    } else {
      // Panel row r holds features t0..t0+len of sample r (centred).
      for (let r = 0; r < n; r++) {
        const src = r * d + t0;
        const dst = pm.off + r * stride;
        for (let t = 0; t < len; t++) h[dst + t] = x[src + t]! - mean[t0 + t]!;
      }
    }
    if (len & 1) {
      for (let r = 0; r < m; r++) h[pm.off + r * stride + len] = 0;
    }
    ws.nt(pm, pm, pc, len, true);
  }
  const gram = ws.read(pc);
  mirrorUpper(gram, m);
  return { gram, m, byFeatures };
}
