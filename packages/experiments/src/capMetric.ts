import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector, resolveOptions } from '@marksman/core/internal';
import { isValueList } from './internal/samples';

/** Options of {@link capMetric}: give `cap` or `percentile`, not both. */
export interface CapOptions {
  /** A fixed upper cap (GrowthBook's absolute capping), or null. */
  readonly cap?: number | null;
  /** A percentile in (0, 1] of the values of all variants together (GrowthBook's percentile capping), or null. */
  readonly percentile?: number | null;
  /** With `percentile`: take it over the non-zero values only (GrowthBook's "ignore zeros"); default false. */
  readonly ignoreZeros?: boolean;
}

/** Result of {@link capMetric}. */
export interface CappedMetric {
  /** The cap applied (the fixed cap, or the percentile's value). */
  readonly cap: number;
  /** Capped copies of the variants' values, min(value, cap), in input order. */
  readonly variants: readonly Float64Array[];
  /** Number of values lowered to the cap, per variant. */
  readonly capped: readonly number[];
}

const DEFAULTS: Readonly<{ cap: number | null; percentile: number | null; ignoreZeros: boolean }> = Object.freeze({ cap: null, percentile: null, ignoreZeros: false });
const SOURCE = 'capMetric';

/** Linear-interpolation quantile of sorted values (numpy's default, SQL's PERCENTILE_CONT). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Caps (winsorises from above) a revenue-like metric so that a few whales
 * cannot dominate a test: every value above the cap becomes the cap. The cap
 * is fixed (`cap`) or the `percentile` of the values of all variants pooled
 * together (so every variant is capped at the same level, as GrowthBook's
 * percentile capping; `ignoreZeros` takes the percentile over the non-zero
 * values, as its "ignore zeros" setting). Pass the capped values to
 * {@link welchTTest}, {@link relativeLift}, {@link cuped}… In a warehouse,
 * cap before aggregating (`LEAST(revenue, cap)` per unit, with the cap from
 * `PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY revenue)` over the
 * experiment's units). Capping changes the estimand (the mean of the capped
 * metric) in exchange for a smaller variance; state the cap in the report.
 *
 * Costs O(N log N) for a percentile over N values, O(N) for a fixed cap.
 *
 * @param variants - per-variant values (arrays, typed arrays or Apache Arrow numeric vectors, not modified)
 * @param options - `cap` or `percentile`, and `ignoreZeros`
 * @returns the {@link CappedMetric}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS` (no variants), `E_NOT_FINITE` (a value that is not a
 *   finite number, an Arrow null too, or a variant that is not an array), `E_ARROW_TYPE` (an Arrow vector of
 *   text, dates or nested values), `E_TOO_FEW_UNITS` (no values to take a percentile of);
 *   `OptionsError` `E_OPTION_RANGE` (neither or both of cap and percentile, a percentile outside (0, 1],
 *   a cap that is not finite), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { capMetric } from '@marksman/experiments';
 * const control = [0, 0, 12, 30, 25, 0, 18, 2500];
 * const treatment = [0, 14, 0, 33, 21, 27, 0, 19];
 * capMetric([control, treatment], { cap: 100 }).capped; // => [1, 0]
 * const p = capMetric([control, treatment], { percentile: 0.8, ignoreZeros: true });
 * p.cap.toFixed(1); // => '30.6' (80th percentile of the 10 non-zero values)
 * p.capped; // => [1, 1]
 * Array.from(p.variants[0]!).map((v) => Math.round(v * 10) / 10); // => [0, 0, 12, 30, 25, 0, 18, 30.6]
 * ```
 */
export function capMetric(variants: readonly (ArrayLike<number> | ArrowLikeVector)[], options?: CapOptions): CappedMetric {
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  if ((o.cap === null) === (o.percentile === null)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: give either cap (a fixed value) or percentile (in (0, 1]), not ${o.cap === null ? 'neither' : 'both'}.`, { source: SOURCE, field: 'cap' });
  }
  if (o.cap !== null && (typeof o.cap !== 'number' || !Number.isFinite(o.cap))) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: cap must be a finite number, got ${String(o.cap)}.`, { source: SOURCE, field: 'cap' });
  }
  if (o.percentile !== null && (typeof o.percentile !== 'number' || !(o.percentile > 0 && o.percentile <= 1))) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: percentile must be in (0, 1], got ${String(o.percentile)}.`, { source: SOURCE, field: 'percentile' });
  }
  if (typeof o.ignoreZeros !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: ignoreZeros must be true or false, got ${String(o.ignoreZeros)}.`, { source: SOURCE, field: 'ignoreZeros' });
  }
  if (!Array.isArray(variants) || variants.length === 0) {
    throw new ValidationError('E_TOO_FEW_VARIANTS', `${SOURCE}: give at least one variant's values.`, { source: SOURCE, field: 'variants' });
  }
  const variantValues = variants.map((v) => (isArrowVector(v) ? (arrowVectorValues(SOURCE, 'variants', v, 'number') as ArrayLike<number>) : v));
  let total = 0;
  variantValues.forEach((v, row) => {
    if (!isValueList(v)) throw new ValidationError('E_NOT_FINITE', `${SOURCE}: variant ${row} must be an array of numbers.`, { source: SOURCE, row, field: 'variants' });
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) {
        throw new ValidationError('E_NOT_FINITE', `${SOURCE}: variant ${row} has a non-finite value at index ${i}.`, { source: SOURCE, row, field: 'variants' });
      }
      if (!o.ignoreZeros || v[i] !== 0) total++;
    }
  });
  let cap: number;
  if (o.cap !== null) cap = o.cap;
  else {
    if (total === 0) {
      throw new ValidationError('E_TOO_FEW_UNITS', `${SOURCE}: there are no${o.ignoreZeros ? ' non-zero' : ''} values to take a percentile of.`, { source: SOURCE, field: 'variants' });
    }
    const pooled = new Float64Array(total);
    let k = 0;
    for (const v of variantValues) for (let i = 0; i < v.length; i++) if (!o.ignoreZeros || v[i] !== 0) pooled[k++] = v[i]!;
    pooled.sort();
    cap = quantileSorted(pooled, o.percentile!);
  }
  const capped: number[] = [];
  const out = variantValues.map((v) => {
    const c = Float64Array.from(v);
    let count = 0;
    for (let i = 0; i < c.length; i++) {
      if (c[i]! > cap) {
        c[i] = cap;
        count++;
      }
    }
    capped.push(count);
    return c;
  });
  return { cap, variants: out, capped };
}
