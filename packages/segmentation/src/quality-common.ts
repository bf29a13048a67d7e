import { ValidationError } from '@marksman/core';
import { readLabels, readPoints, type PointsInput } from './kmeans-input';

/** Validated input of a cluster-quality score. @internal */
export interface Clustering {
  readonly values: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Dense cluster id (0..m-1) of each point. */
  readonly ids: Int32Array;
  /** Points per cluster. */
  readonly counts: Float64Array;
  /** Number of clusters. */
  readonly m: number;
}

/**
 * Reads points and labels and checks, as scikit-learn does, that there are
 * between 2 and n − 1 distinct labels.
 *
 * @internal
 */
export function readClustering(data: PointsInput, labels: ArrayLike<number>, source: string): Clustering {
  const { values, n, d } = readPoints(data, source);
  const { ids, counts, m } = readLabels(labels, n, source);
  checkLabelCount(m, n, source);
  return { values, n, d, ids, counts, m };
}

/** Throws `E_LABEL_COUNT` unless 2 ≤ m ≤ n − 1. @internal */
export function checkLabelCount(m: number, n: number, source: string): void {
  if (m < 2 || m > n - 1) {
    throw new ValidationError(
      'E_LABEL_COUNT',
      `${source}: the labels name ${m} cluster(s) for ${n} point(s); a score needs between 2 and n − 1 clusters.`,
      { source, field: 'labels' },
    );
  }
}

/** Cluster means, row-major m × d. @internal */
export function clusterMeans(c: Clustering): Float64Array {
  const { values, n, d, ids, counts, m } = c;
  const means = new Float64Array(m * d);
  for (let i = 0; i < n; i++) {
    const q = ids[i]! * d;
    for (let j = 0; j < d; j++) means[q + j] = means[q + j]! + values[i * d + j]!;
  }
  for (let g = 0; g < m; g++) for (let j = 0; j < d; j++) means[g * d + j] = means[g * d + j]! / counts[g]!;
  return means;
}
