/** A half-open bucket range [start, end) inside [0, 1). */
export type BucketRange = readonly [start: number, end: number];

function equalWeights(n: number): number[] {
  if (!(n >= 1)) return [];
  return new Array<number>(n).fill(1 / n);
}

/**
 * Bucket ranges of the variations of one experiment, exactly as GrowthBook's
 * SDK specification defines them: variation i owns
 * [Σ_{j<i} wⱼ, Σ_{j<i} wⱼ + coverage·wᵢ). Coverage is clamped to [0, 1]
 * (so lowering it removes units without moving anybody to another
 * variation). As in GrowthBook, weights whose length differs from
 * `numVariations` or whose sum is off 1 by more than 0.01 are replaced by
 * equal weights; {@link assign} is stricter and refuses such weights.
 *
 * Costs O(numVariations).
 *
 * @param numVariations - number of variations (0 or less gives no ranges)
 * @param coverage - share of units that enter the experiment, default 1
 * @param weights - traffic split between variations, default equal
 * @returns one [start, end) range per variation
 * @example
 * ```ts
 * import { getBucketRanges } from '@marksman/experiments';
 * getBucketRanges(3, 0.2, [0.2, 0.3, 0.5]); // => [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]
 * ```
 */
export function getBucketRanges(numVariations: number, coverage = 1, weights?: readonly number[] | null): BucketRange[] {
  const cov = Number.isNaN(coverage) ? 1 : Math.min(1, Math.max(0, coverage));
  let w: readonly number[] = weights ?? equalWeights(numVariations);
  if (w.length !== numVariations) w = equalWeights(numVariations);
  const total = w.reduce((s, x) => s + x, 0);
  if (total < 0.99 || total > 1.01) w = equalWeights(numVariations);
  let cumulative = 0;
  return w.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + cov * weight] as const;
  });
}

/**
 * The variation whose range holds bucket `n` (ranges as from
 * {@link getBucketRanges}), or −1 when the bucket falls outside every range
 * (the unit is not in the experiment). Ranges are half-open, as in GrowthBook.
 *
 * Costs O(number of ranges).
 *
 * @param n - a bucket from {@link hash}
 * @param ranges - one range per variation
 * @example
 * ```ts
 * import { chooseVariation } from '@marksman/experiments';
 * chooseVariation(0.6, [[0, 0.5], [0.5, 1]]); // => 1
 * chooseVariation(0.4, [[0, 0.25], [0.5, 0.75]]); // => -1
 * ```
 */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (n >= r[0] && n < r[1]) return i;
  }
  return -1;
}
