import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { readLabels, readPoints, type PointsInput } from './kmeans-input';
import { describeValue } from './checks';

/** Options of {@link describeClusters}. */
export interface DescribeClustersOptions {
  /** Name of each feature (column), in order (default: the field names of records, sorted; `x0`, `x1`, … for rows). */
  readonly featureNames?: readonly string[] | undefined;
  /** How many distinguishing features to list per cluster (default 3). */
  readonly top?: number;
}

interface ResolvedDescribeClustersOptions {
  featureNames: readonly string[] | undefined;
  top: number;
}

const DEFAULTS: Readonly<ResolvedDescribeClustersOptions> = Object.freeze({ featureNames: undefined, top: 3 });

/** A feature on which a cluster stands out from the population. */
export interface DistinguishingFeature {
  /** Feature name. */
  readonly feature: string;
  /** Column index of the feature. */
  readonly index: number;
  /** (cluster mean − population mean) / population standard deviation. */
  readonly zScore: number;
  /** Whether the cluster is above or below the population on this feature. */
  readonly direction: 'higher' | 'lower';
  /** Cluster mean, in the data's units. */
  readonly clusterMean: number;
  /** Population mean, in the data's units. */
  readonly populationMean: number;
}

/** Profile of one cluster (see {@link describeClusters}). */
export interface ClusterProfile {
  /** The cluster's label as given. */
  readonly label: number;
  /** Number of points. */
  readonly size: number;
  /** size / n. */
  readonly share: number;
  /** Mean of each feature over the cluster, in the data's units. */
  readonly centroid: number[];
  /** Standard deviation (population, ddof 0) of each feature within the cluster. */
  readonly sd: number[];
  /** Per feature: (cluster mean − population mean) / population sd; 0 for a constant feature. */
  readonly zScores: number[];
  /** The `top` features with the largest |z-score|, largest first. */
  readonly distinguishing: DistinguishingFeature[];
}

/** What {@link describeClusters} returns. */
export interface ClusterDescription {
  /** Feature names, in column order. */
  readonly features: string[];
  /** Number of points. */
  readonly n: number;
  /** Population mean of each feature. */
  readonly populationMean: number[];
  /** Population standard deviation (ddof 0) of each feature. */
  readonly populationSd: number[];
  /** One profile per cluster, in increasing label order. */
  readonly clusters: ClusterProfile[];
}

/**
 * Describes clusters in the units a marketer knows: size and share, the
 * centroid (mean of each feature), within-cluster spread, and z-scores of
 * the cluster means against the whole population, with the features that
 * most distinguish each cluster. Pass the features in their original units
 * (not the standardized ones the clustering may have used) with the labels.
 * O(n·d + m·d·log d).
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}, in original units
 * @param labels - cluster label (any integers) of each point, e.g. `kmeans(...).labels`
 * @param options - see {@link DescribeClustersOptions}
 * @throws `ValidationError` `E_LABELS`, `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`
 * @throws `OptionsError` `E_OPTION_RANGE` when `featureNames` does not match the columns or `top` is not a positive integer
 * @example
 * ```ts
 * import { describeClusters } from '@marksman/segmentation';
 * const rows = [[10, 1], [20, 1], [300, 9], [310, 11]];
 * const out = describeClusters(rows, [0, 0, 1, 1], { featureNames: ['recencyDays', 'orders'] });
 * out.clusters[1].centroid; // => [305, 10]
 * out.clusters[1].distinguishing[0].feature; // => 'recencyDays'
 * out.clusters[1].distinguishing[0].direction; // => 'higher'
 * ```
 */
export function describeClusters(data: PointsInput, labels: ArrayLike<number>, options?: DescribeClustersOptions): ClusterDescription {
  const source = 'describeClusters';
  const o = resolveOptions<ResolvedDescribeClustersOptions>(source, DEFAULTS, options);
  const { values, n, d, names: recordNames } = readPoints(data, source);
  const { ids, counts, m } = readLabels(labels, n, source);
  if (!Number.isSafeInteger(o.top) || o.top < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: top must be a positive integer, got ${describeValue(o.top)}.`, { source, field: 'top' });
  }
  if (o.featureNames !== undefined && !Array.isArray(o.featureNames)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: featureNames must be an array of ${d} strings (one per column), got ${describeValue(o.featureNames)}.`, { source, field: 'featureNames' });
  }
  // Records name their features (sorted); rows are x0, x1, … unless featureNames says otherwise.
  const names = o.featureNames !== undefined ? o.featureNames.slice() : recordNames !== null ? recordNames.slice() : Array.from({ length: d }, (_, j) => `x${j}`);
  if (names.length !== d || names.some((x) => typeof x !== 'string')) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: featureNames must hold ${d} strings (one per column), got ${names.length}.`, { source, field: 'featureNames' });
  }

  // Two-pass means and variances, overall and per cluster.
  const popMean = new Float64Array(d);
  const sums = new Float64Array(m * d);
  for (let i = 0; i < n; i++) {
    const q = ids[i]! * d;
    for (let j = 0; j < d; j++) {
      const v = values[i * d + j]!;
      popMean[j] = popMean[j]! + v;
      sums[q + j] = sums[q + j]! + v;
    }
  }
  for (let j = 0; j < d; j++) popMean[j] = popMean[j]! / n;
  for (let g = 0; g < m; g++) for (let j = 0; j < d; j++) sums[g * d + j] = sums[g * d + j]! / counts[g]!;
  const popVar = new Float64Array(d);
  const within = new Float64Array(m * d);
  for (let i = 0; i < n; i++) {
    const q = ids[i]! * d;
    for (let j = 0; j < d; j++) {
      const v = values[i * d + j]!;
      const a = v - popMean[j]!;
      const b = v - sums[q + j]!;
      popVar[j] = popVar[j]! + a * a;
      within[q + j] = within[q + j]! + b * b;
    }
  }
  const popSd = Array.from(popVar, (v) => Math.sqrt(v / n));

  // Original label of each dense id, then profiles in label order.
  const labelOf = new Float64Array(m);
  for (let i = n - 1; i >= 0; i--) labelOf[ids[i]!] = labels[i]!;
  const order = Array.from({ length: m }, (_, g) => g).sort((a, b) => labelOf[a]! - labelOf[b]!);
  const clusters: ClusterProfile[] = order.map((g) => {
    const centroid = Array.from({ length: d }, (_, j) => sums[g * d + j]!);
    const sd = Array.from({ length: d }, (_, j) => Math.sqrt(within[g * d + j]! / counts[g]!));
    const zScores = centroid.map((c, j) => (popSd[j]! > 0 ? (c - popMean[j]!) / popSd[j]! : 0));
    const distinguishing = zScores
      .map((z, j) => ({ z, j }))
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j)
      .slice(0, o.top)
      .map(({ z, j }): DistinguishingFeature => ({
        feature: names[j]!,
        index: j,
        zScore: z,
        direction: z >= 0 ? 'higher' : 'lower',
        clusterMean: centroid[j]!,
        populationMean: popMean[j]!,
      }));
    return { label: labelOf[g]!, size: counts[g]!, share: counts[g]! / n, centroid, sd, zScores, distinguishing };
  });
  return { features: names, n, populationMean: Array.from(popMean), populationSd: popSd, clusters };
}
