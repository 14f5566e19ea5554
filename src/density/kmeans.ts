/**
 * The starting point of EM: k-means++ seeding (Arthur & Vassilvitskii 2007, in its greedy form
 * with `2 + ⌊ln k⌋` candidates per centre, as scikit-learn's `kmeans_plusplus`) refined by
 * Lloyd's k-means, and nearest-centre labels. Float64, on row-major arrays.
 * @internal
 */

function squaredDistance(data: Float64Array, r: number, centers: Float64Array, c: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const e = data[r * d + i]! - centers[c * d + i]!;
    s += e * e;
  }
  return s;
}

/** The index of the first `w` whose cumulative sum exceeds `u·Σw` (a draw ∝ `w`). */
function drawProportional(w: Float64Array, total: number, u: number): number {
  const target = u * total;
  let acc = 0;
  for (let i = 0; i < w.length; i++) {
    acc += w[i]!;
    if (acc > target) return i;
  }
  // Rounding left the target at the very end: the last index with positive weight.
  for (let i = w.length - 1; i >= 0; i--) if (w[i]! > 0) return i;
  return w.length - 1;
}

/**
 * Greedy k-means++: the first centre is a uniformly drawn row; each next one is the best (by the
 * resulting potential `Σᵣ minⱼ ‖xᵣ − cⱼ‖²`) of `2 + ⌊ln k⌋` rows drawn with probability
 * ∝ `D(x)²`, the squared distance to the nearest centre so far. When all rows coincide with the
 * centres (`Σ D² = 0`), the next centre is drawn uniformly. Returns the `k × d` centres.
 * @internal
 */
export function kmeansPlusPlus(data: Float64Array, n: number, d: number, k: number, rng: () => number): Float64Array {
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.min(n - 1, Math.floor(rng() * n));
  centers.set(data.subarray(first * d, first * d + d), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let r = 0; r < n; r++) {
    closest[r] = squaredDistance(data, r, centers, 0, d);
    potential += closest[r]!;
  }
  const candidate = new Float64Array(n);
  const best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestIndex = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const index = potential > 0 ? drawProportional(closest, potential, rng()) : Math.min(n - 1, Math.floor(rng() * n));
      let p = 0;
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let i = 0; i < d; i++) {
          const e = data[r * d + i]! - data[index * d + i]!;
          s += e * e;
        }
        candidate[r] = Math.min(closest[r]!, s);
        p += candidate[r]!;
      }
      if (p < bestPotential) {
        bestPotential = p;
        bestIndex = index;
        best.set(candidate);
      }
    }
    centers.set(data.subarray(bestIndex * d, bestIndex * d + d), c * d);
    closest.set(best);
    potential = bestPotential;
  }
  return centers;
}

/** The index of each row's nearest centre (the first on ties). @internal */
export function nearestCenters(data: Float64Array, n: number, d: number, centers: Float64Array, k: number): Int32Array {
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const s = squaredDistance(data, r, centers, c, d);
      if (s < bestDistance) {
        bestDistance = s;
        best = c;
      }
    }
    labels[r] = best;
  }
  return labels;
}

/**
 * Lloyd's k-means from `centers` (updated in place): assign each row to its nearest centre, move
 * each centre to the mean of its rows (an empty cluster keeps its centre), until no label
 * changes or `maxIter` rounds. Returns the final labels.
 * @internal
 */
export function lloyd(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, maxIter = 300): Int32Array {
  let labels = nearestCenters(data, n, d, centers, k);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iter = 0; iter < maxIter; iter++) {
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < n; r++) {
      const c = labels[r]!;
      counts[c] = counts[c]! + 1;
      for (let i = 0; i < d; i++) sums[c * d + i] = sums[c * d + i]! + data[r * d + i]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let i = 0; i < d; i++) centers[c * d + i] = sums[c * d + i]! / counts[c]!;
    }
    const next = nearestCenters(data, n, d, centers, k);
    let changed = false;
    for (let r = 0; r < n && !changed; r++) changed = next[r] !== labels[r];
    labels = next;
    if (!changed) break;
  }
  return labels;
}
