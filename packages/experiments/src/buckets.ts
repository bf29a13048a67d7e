import { OptionsError } from '@marksman/core';

/** A half-open bucket range [start, end) inside [0, 1). */
export type BucketRange = readonly [start: number, end: number];

/** Most variations an experiment may have. */
export const MAX_VARIATIONS = 10_000;

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

function refuse(source: string, code: string, field: string, message: string, row?: number): never {
  throw new OptionsError(code, `${source}: ${message}`, row === undefined ? { source, field } : { source, field, row });
}

/**
 * Checks a list of bucket ranges: an array of [start, end] pairs with
 * 0 ≤ start ≤ end ≤ 1 that do not overlap (ranges of width 0 may touch).
 * Throws `E_RANGES`.
 */
export function checkRanges(ranges: unknown, source: string, field = 'ranges'): asserts ranges is readonly BucketRange[] {
  if (!Array.isArray(ranges)) refuse(source, 'E_RANGES', field, `${field} must be an array of [start, end] pairs, got ${show(ranges)}.`);
  ranges.forEach((r: unknown, i) => {
    const ok = Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number' && r[0] >= 0 && r[0] <= r[1] && r[1] <= 1;
    if (!ok) refuse(source, 'E_RANGES', field, `range ${i} must be [start, end] with 0 ≤ start ≤ end ≤ 1, got ${Array.isArray(r) ? JSON.stringify(r) : show(r)}.`, i);
  });
  const order = ranges.map((_, i) => i).sort((a, b) => (ranges as BucketRange[])[a]![0] - (ranges as BucketRange[])[b]![0] || a - b);
  for (let j = 1; j < order.length; j++) {
    const prev = (ranges as BucketRange[])[order[j - 1]!]!;
    const cur = (ranges as BucketRange[])[order[j]!]!;
    if (cur[0] < prev[1]) {
      refuse(source, 'E_RANGES', field, `ranges ${order[j - 1]} [${prev[0]}, ${prev[1]}) and ${order[j]} [${cur[0]}, ${cur[1]}) overlap; a unit would belong to two variations.`, order[j]);
    }
  }
}

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
 * Values no GrowthBook case covers are refused instead of being turned into
 * NaN or negative ranges: a numVariations that is not an integer (or above
 * 10,000), a coverage that is not a finite number, weights that are not an
 * array of finite numbers ≥ 0.
 *
 * Costs O(numVariations).
 *
 * @param numVariations - number of variations, an integer (0 or less gives no ranges, as GrowthBook)
 * @param coverage - share of units that enter the experiment, default 1 (finite; clamped to [0, 1])
 * @param weights - traffic split between variations, default equal
 * @returns one [start, end) range per variation
 * @throws `OptionsError` `E_VARIATIONS`, `E_COVERAGE`, `E_WEIGHTS`
 * @example
 * ```ts
 * import { getBucketRanges } from '@marksman/experiments';
 * getBucketRanges(3, 0.2, [0.2, 0.3, 0.5]); // => [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]
 * ```
 */
export function getBucketRanges(numVariations: number, coverage = 1, weights?: readonly number[] | null): BucketRange[] {
  const source = 'getBucketRanges';
  if (typeof numVariations !== 'number' || !Number.isInteger(numVariations) || numVariations > MAX_VARIATIONS) {
    refuse(source, 'E_VARIATIONS', 'numVariations', `numVariations must be an integer up to ${MAX_VARIATIONS}, got ${show(numVariations)}.`);
  }
  if (typeof coverage !== 'number' || !Number.isFinite(coverage)) {
    refuse(source, 'E_COVERAGE', 'coverage', `coverage must be a finite number (values outside [0, 1] are clamped), got ${show(coverage)}.`);
  }
  if (weights !== undefined && weights !== null) {
    if (!Array.isArray(weights)) refuse(source, 'E_WEIGHTS', 'weights', `weights must be an array of numbers or null, got ${show(weights)}.`);
    weights.forEach((w: unknown, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) refuse(source, 'E_WEIGHTS', 'weights', `weight ${i} must be a finite number ≥ 0, got ${show(w)}.`, i);
    });
  }
  const cov = Math.min(1, Math.max(0, coverage));
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
 * @param n - a bucket from {@link hash}, in [0, 1]
 * @param ranges - one range per variation: [start, end] with 0 ≤ start ≤ end ≤ 1, not overlapping
 * @throws `OptionsError` `E_BUCKET` for a bucket that is not a number in [0, 1], `E_RANGES`
 * @example
 * ```ts
 * import { chooseVariation } from '@marksman/experiments';
 * chooseVariation(0.6, [[0, 0.5], [0.5, 1]]); // => 1
 * chooseVariation(0.4, [[0, 0.25], [0.5, 0.75]]); // => -1
 * ```
 */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  if (typeof n !== 'number' || !(n >= 0 && n <= 1)) refuse('chooseVariation', 'E_BUCKET', 'n', `the bucket must be a number in [0, 1] (from hash), got ${show(n)}.`);
  checkRanges(ranges, 'chooseVariation');
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (n >= r[0] && n < r[1]) return i;
  }
  return -1;
}
