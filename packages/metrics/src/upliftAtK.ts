import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { prepare } from './upliftCurves';
import { descendingOrder } from './upliftOrder';

/** How {@link upliftAtK} takes its top k (scikit-uplift's `strategy`). */
export type UpliftStrategy = 'overall' | 'by_group';

/** Options of {@link upliftAtK}. */
export interface UpliftAtKOptions {
  /**
   * The top k: a share in (0, 1) (default 0.3) or a whole number of people ≥ 1. A share
   * gives ⌊share · n⌋ people, truncated as scikit-uplift does.
   */
  readonly k?: number;
  /**
   * `'overall'` (default): the top k of everyone by score, then the treated and control response rates
   * among them. `'by_group'`: the top k of the treated and, separately, the top k of the control group
   * (a share then applies to each group's size).
   */
  readonly strategy?: UpliftStrategy;
}

const DEFAULTS: Readonly<Required<UpliftAtKOptions>> = Object.freeze({ k: 0.3, strategy: 'overall' });

/** Reads k as a count out of `size` (share → truncated count), or throws naming `k`. */
export function countOf(source: string, k: number, size: number, what: string): number {
  if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0 || (k >= 1 && !Number.isInteger(k))) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: k must be a share in (0, 1) or a whole number of people ≥ 1, got ${String(k)}.`, { source, field: 'k' });
  }
  const count = k < 1 ? Math.floor(size * k) : k;
  if (count < 1 || count > size) {
    throw new ValidationError('E_K_RANGE', `${source}: k = ${k} selects ${count} of the ${size} people ${what}; choose a k that selects between 1 and ${size}.`, { source, field: 'k' });
  }
  return count;
}

/**
 * Uplift at k (scikit-uplift's `uplift_at_k`): the response rate of the
 * treated minus that of the control group among the people a model ranks
 * highest. People are ranked by score, highest first; equal scores keep
 * scikit-uplift's order (the later row first), so results match it exactly.
 *
 * With `strategy: 'overall'` the top ⌊k · n⌋ of everyone are taken (as
 * scikit-uplift, k as a share is truncated, and a whole k ≥ 1 must be
 * smaller than n); with `'by_group'` the top ⌊k · n_T⌋ treated and the top
 * ⌊k · n_C⌋ control people.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person (0/1, booleans or any finite number: the rates are means)
 * @param treatment - 1/true if treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @param options - `k` (default 0.3) and `strategy` (default `'overall'`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`,
 *   `E_K_RANGE` (k selects nobody, everybody (overall), more than a group holds (by_group)),
 *   `E_EMPTY_GROUP` (the overall top k holds no treated or no control person, so a rate is undefined);
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { upliftAtK } from '@marksman/metrics';
 * const y = [1, 0, 1, 0, 1, 0, 0, 1, 0, 0];
 * const t = [1, 0, 1, 0, 0, 1, 1, 0, 0, 1];
 * const s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];
 * // Top ⌊0.6 · 10⌋ = 6: treated rows 0, 2, 5 (2 of 3 respond), control rows 1, 3, 4 (1 of 3).
 * upliftAtK(y, t, s, { k: 0.6 }).toFixed(4); // => '0.3333'
 * // Top 4 of each group: treated 0, 2, 5, 6 (2 of 4), control 1, 3, 4, 7 (2 of 4).
 * upliftAtK(y, t, s, { k: 4, strategy: 'by_group' }); // => 0
 * ```
 */
export function upliftAtK(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
  options?: UpliftAtKOptions,
): number {
  const source = 'upliftAtK';
  return upliftAtKOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'), options);
}

function upliftAtKOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  options?: UpliftAtKOptions,
): number {
  const source = 'upliftAtK';
  const { k, strategy } = resolveOptions(source, DEFAULTS, options);
  if (strategy !== 'overall' && strategy !== 'by_group') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: strategy must be 'overall' or 'by_group', got ${String(strategy)}.`, { source, field: 'strategy' });
  }
  const p = prepare(source, yTrue, treatment, scores);
  const n = p.y.length;
  const order = descendingOrder(scores);
  let nT = 0;
  for (const v of p.t) nT += v;
  let yT = 0;
  let yC = 0;
  let takenT = 0;
  let takenC = 0;
  if (strategy === 'overall') {
    const size = countOf(source, k, n, 'in all');
    if (size === n) {
      throw new ValidationError('E_K_RANGE', `${source}: k = ${k} selects all ${n} people; uplift at k is for the top of the ranking, so choose k < ${n}.`, { source, field: 'k' });
    }
    for (let r = 0; r < size; r++) {
      const i = order[r] as number;
      if (p.t[i] === 1) {
        takenT++;
        yT += p.y[i] as number;
      } else {
        takenC++;
        yC += p.y[i] as number;
      }
    }
    if (takenT === 0 || takenC === 0) {
      throw new ValidationError('E_EMPTY_GROUP', `${source}: the top ${size} people hold no ${takenT === 0 ? 'treated' : 'control'} person, so their response rate is undefined; choose a larger k or strategy 'by_group'.`, { source, field: 'k' });
    }
  } else {
    const wantT = countOf(source, k, nT, 'in the treated group');
    const wantC = countOf(source, k, n - nT, 'in the control group');
    for (let r = 0; r < n && (takenT < wantT || takenC < wantC); r++) {
      const i = order[r] as number;
      if (p.t[i] === 1) {
        if (takenT < wantT) {
          takenT++;
          yT += p.y[i] as number;
        }
      } else if (takenC < wantC) {
        takenC++;
        yC += p.y[i] as number;
      }
    }
  }
  return yT / takenT - yC / takenC;
}
