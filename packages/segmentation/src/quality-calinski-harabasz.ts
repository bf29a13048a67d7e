import type { PointsInput } from './kmeans-input';
import { clusterMeans, readClustering } from './quality-common';

/**
 * Calinski-Harabasz index (variance ratio criterion; Caliński & Harabasz
 * 1974): between-cluster dispersion over within-cluster dispersion, each
 * divided by its degrees of freedom,
 * CH = [Σₖ nₖ‖μₖ − μ‖² / (m − 1)] / [Σᵢ ‖xᵢ − μ(xᵢ)‖² / (n − m)].
 * Higher is better. Equals scikit-learn's `calinski_harabasz_score`
 * (including its value 1 when every cluster is a single repeated point).
 * O(n·d).
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}
 * @param labels - cluster label (any integers) of each point
 * @returns the index (≥ 0)
 * @throws `ValidationError` `E_LABEL_COUNT` unless 2 ≤ clusters ≤ n − 1; `E_LABELS`, `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`
 * @example
 * ```ts
 * import { calinskiHarabasz } from '@marksman/segmentation';
 * calinskiHarabasz([[0], [2], [10], [12]], [0, 0, 1, 1]); // => 50
 * ```
 */
export function calinskiHarabasz(data: PointsInput, labels: ArrayLike<number>): number {
  const c = readClustering(data, labels, 'calinskiHarabasz');
  const { values, n, d, ids, counts, m } = c;
  const means = clusterMeans(c);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + values[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  let extra = 0;
  for (let g = 0; g < m; g++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = means[g * d + j]! - mean[j]!;
      s += t * t;
    }
    extra += counts[g]! * s;
  }
  let intra = 0;
  for (let i = 0; i < n; i++) {
    const q = ids[i]! * d;
    for (let j = 0; j < d; j++) {
      const t = values[i * d + j]! - means[q + j]!;
      intra += t * t;
    }
  }
  return intra === 0 ? 1 : (extra * (n - m)) / (intra * (m - 1));
}
