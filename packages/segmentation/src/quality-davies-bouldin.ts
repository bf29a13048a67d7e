import type { PointsInput } from './kmeans-input';
import { clusterMeans, readClustering } from './quality-common';

/**
 * Davies-Bouldin index (Davies & Bouldin 1979): the mean over clusters of
 * the worst ratio (sᵢ + sⱼ) / ‖μᵢ − μⱼ‖, where sᵢ is the mean distance of
 * cluster i's points to its centroid. Lower is better; 0 is the minimum.
 * Follows scikit-learn's `davies_bouldin_score` exactly, including its edge
 * cases: 0 when all sᵢ or all centroid distances are ≈ 0 (≤ 1e-8), and a
 * pair of coincident centroids contributing 0. O(n·d + m²·d).
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}
 * @param labels - cluster label (any integers) of each point
 * @returns the index (≥ 0)
 * @throws `ValidationError` `E_LABEL_COUNT` unless 2 ≤ clusters ≤ n − 1; `E_LABELS`, `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`
 * @example
 * ```ts
 * import { daviesBouldin } from '@marksman/segmentation';
 * daviesBouldin([[0], [2], [10], [12]], [0, 0, 1, 1]); // => 0.2
 * ```
 */
export function daviesBouldin(data: PointsInput, labels: ArrayLike<number>): number {
  const c = readClustering(data, labels, 'daviesBouldin');
  const { values, n, d, ids, counts, m } = c;
  const means = clusterMeans(c);
  const spread = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const q = ids[i]! * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = values[i * d + j]! - means[q + j]!;
      s += t * t;
    }
    spread[ids[i]!] = spread[ids[i]!]! + Math.sqrt(s);
  }
  let allSpreadZero = true;
  for (let g = 0; g < m; g++) {
    spread[g] = spread[g]! / counts[g]!;
    if (spread[g]! > 1e-8) allSpreadZero = false;
  }
  const dist = new Float64Array(m * m);
  let allDistZero = true;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = means[a * d + j]! - means[b * d + j]!;
        s += t * t;
      }
      const v = Math.sqrt(s);
      dist[a * m + b] = v;
      dist[b * m + a] = v;
      if (v > 1e-8) allDistZero = false;
    }
  }
  if (allSpreadZero || allDistZero) return 0;
  let total = 0;
  for (let a = 0; a < m; a++) {
    let worst = 0;
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const v = dist[a * m + b]!;
      const r = v === 0 ? 0 : (spread[a]! + spread[b]!) / v;
      if (r > worst) worst = r;
    }
    total += worst;
  }
  return total / m;
}
