import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { toBinary } from './binaryInput';
import { requireBooleanOption, requireFinite, requireFiniteResult, requireNonEmpty, requireSameLength } from './validation';

// Uplift (incremental response) evaluation, after Radcliffe (2007), "Using
// control groups to target on predicted lift: building and assessing uplift
// models", Direct Marketing Analytics Journal 1(3):14–21, with the exact
// conventions of scikit-uplift (`sklift.metrics`: uplift_curve, qini_curve,
// perfect_*_curve, uplift_auc_score, qini_auc_score), so numbers agree with it.

/**
 * A cumulative uplift or Qini curve: the population is sorted by score,
 * highest first, and the curve is evaluated after each group of tied scores.
 * Starts at (0, 0).
 */
export interface UpliftCurve {
  /** Number of people targeted (x), from 0 to n, increasing. */
  readonly targeted: Float64Array;
  /** Curve value at each `targeted` (y): incremental responders, see the function. */
  readonly value: Float64Array;
}

/** Checked uplift input (internal: shared with upliftAtK and upliftByPercentile). */
export interface Prepared {
  source: string;
  y: Float64Array;
  t: Uint8Array;
}

/** Checks outcome, treatment and scores once (same lengths, finite, both groups present). */
export function prepare(source: string, yTrue: ArrayLike<number | boolean>, treatment: ArrayLike<number | boolean>, scores: ArrayLike<number>): Prepared {
  requireSameLength(source, 'yTrue', yTrue, 'treatment', treatment);
  requireSameLength(source, 'yTrue', yTrue, 'scores', scores);
  requireNonEmpty(source, 'yTrue', yTrue);
  const y = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const v = yTrue[i];
    const num = v === true ? 1 : v === false ? 0 : (v as number);
    requireFinite(source, 'yTrue', num, i);
    y[i] = num;
  }
  const t = toBinary(source, 'treatment', treatment);
  for (let i = 0; i < scores.length; i++) requireFinite(source, 'scores', scores[i] as number, i);
  let nT = 0;
  for (const v of t) nT += v;
  if (nT === 0 || nT === t.length) {
    throw new ValidationError('E_SINGLE_CLASS', `${source}: every row is ${nT === 0 ? 'control' : 'treated'}; uplift needs both a treated and a control group.`, { source, field: 'treatment' });
  }
  return { source, y, t };
}

/**
 * Cumulative sums at the end of each group of tied scores (scores sorted
 * descending), plus the (0, 0) start. `kind` selects the curve formula.
 */
function curve(p: Prepared, scores: ArrayLike<number>, kind: 'uplift' | 'qini'): UpliftCurve {
  const n = p.y.length;
  // Distinct scores by a native sort, then per-score sums found by binary
  // search: no index permutation (and no comparator calls) is needed.
  const sorted = Float64Array.from(scores);
  for (let i = 0; i < n; i++) if (sorted[i] === 0) sorted[i] = 0; // −0 and 0 are one score
  sorted.sort();
  let d = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[d - 1]) sorted[d++] = sorted[i] as number;
  const distinct = sorted.subarray(0, d);
  const count = new Float64Array(d);
  const treated = new Float64Array(d);
  const yTreated = new Float64Array(d);
  const yControl = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const v = scores[r] as number;
    let lo = 0;
    let hi = d - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((distinct[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    count[lo] = (count[lo] as number) + 1;
    if (p.t[r] === 1) {
      treated[lo] = (treated[lo] as number) + 1;
      yTreated[lo] = (yTreated[lo] as number) + (p.y[r] as number);
    } else {
      yControl[lo] = (yControl[lo] as number) + (p.y[r] as number);
    }
  }
  const xs = new Float64Array(d + 1);
  const vs = new Float64Array(d + 1);
  let all = 0;
  let nT = 0;
  let yT = 0;
  let yC = 0;
  // Highest score first.
  for (let g = d - 1, k = 1; g >= 0; g--, k++) {
    all += count[g] as number;
    nT += treated[g] as number;
    yT += yTreated[g] as number;
    yC += yControl[g] as number;
    const nC = all - nT;
    xs[k] = all;
    if (kind === 'uplift') {
      // (treated rate − control rate) × targeted; an empty group's rate counts as 0 (as in sklift).
      vs[k] = ((nT > 0 ? yT / nT : 0) - (nC > 0 ? yC / nC : 0)) * all;
    } else {
      // Incremental responders: treated responders minus control responders scaled to the treated size.
      vs[k] = yT - (nC > 0 ? (yC * nT) / nC : 0);
    }
    requireFiniteResult(p.source, 'yTrue', vs[k] as number);
  }
  return { targeted: xs, value: vs };
}

/** Trapezoidal area under a curve. */
function area(c: UpliftCurve): number {
  let a = 0;
  for (let k = 1; k < c.targeted.length; k++) {
    a += (((c.targeted[k] as number) - (c.targeted[k - 1] as number)) * ((c.value[k] as number) + (c.value[k - 1] as number))) / 2;
  }
  return a;
}

/** Area under the straight line from (0, 0) to the curve's end point (random targeting). */
function diagonalArea(c: UpliftCurve): number {
  const last = c.targeted.length - 1;
  return ((c.targeted[last] as number) * (c.value[last] as number)) / 2;
}

/**
 * Uplift curve (scikit-uplift's `uplift_curve`): targeting the people with
 * the highest scores first, the value after targeting the top n is
 * `(Y_T/N_T − Y_C/N_C) · n`, where N_T, N_C are the treated and control
 * people among them and Y_T, Y_C their summed outcomes (a group with no one
 * yet counts as rate 0). It estimates the incremental outcome of treating the
 * top n. Evaluated after each group of tied scores; starts at (0, 0).
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person (0/1, booleans, or any finite number such as revenue)
 * @param treatment - 1/true if the person was treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS` (no treated or no control), `E_LENGTH`, `E_EMPTY`,
 *   `E_LABEL` (treatment not 0/1), `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { upliftCurve } from '@marksman/metrics';
 * const c = upliftCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]);
 * Array.from(c.targeted); // => [0, 1, 2, 3, 4]
 * Array.from(c.value); // => [0, 1, 1, -1.5, 0]
 * ```
 */
export function upliftCurve(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
): UpliftCurve {
  const source = 'upliftCurve';
  return upliftCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function upliftCurveOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
): UpliftCurve {
  return curve(prepare('upliftCurve', yTrue, treatment, scores), scores, 'uplift');
}

/**
 * Qini curve (Radcliffe 2007; scikit-uplift's `qini_curve`): after targeting
 * the top n by score, `Y_T − Y_C · N_T / N_C`, the treated responders minus
 * the control responders scaled to the treated group's size (0 for the second
 * term while there is no control). Evaluated after each group of tied
 * scores; starts at (0, 0).
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person (0/1, booleans, or any finite number)
 * @param treatment - 1/true if treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { qiniCurve } from '@marksman/metrics';
 * const c = qiniCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]);
 * Array.from(c.value); // => [0, 1, 1, -1, 0]
 * ```
 */
export function qiniCurve(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
): UpliftCurve {
  const source = 'qiniCurve';
  return qiniCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function qiniCurveOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
): UpliftCurve {
  return curve(prepare('qiniCurve', yTrue, treatment, scores), scores, 'qini');
}

/** Options of {@link qiniCoefficient}. */
export interface QiniCoefficientOptions {
  /**
   * Whether the perfect model may have negative effects (default `true`,
   * scikit-uplift's default): it then targets treated responders first and
   * control responders last. With `false` the perfect curve is Radcliffe's
   * optimum without negative effects: it rises straight to the overall gain.
   */
  readonly negativeEffect?: boolean;
}

const QINI_DEFAULTS: Readonly<Required<QiniCoefficientOptions>> = Object.freeze({ negativeEffect: true });

/**
 * Qini coefficient (Radcliffe 2007; scikit-uplift's `qini_auc_score`): the
 * area between the model's Qini curve and the random-targeting diagonal,
 * divided by the same area for the perfect model. 1 for a perfect ranking,
 * about 0 for random scores, negative when worse than random.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person, 0/1 or booleans for the perfect curve to be meaningful
 * @param treatment - 1/true if treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @param options - `negativeEffect` (default `true`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`,
 *   `E_NOT_FINITE`, `E_DEGENERATE` (the perfect model is no better than random, e.g. no
 *   responders, so the ratio is undefined); `OptionsError` `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { qiniCoefficient } from '@marksman/metrics';
 * const y = [1, 0, 1, 0, 1, 0];
 * const t = [1, 1, 0, 0, 1, 0];
 * qiniCoefficient(y, t, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]).toFixed(4); // => '-0.1538'
 * qiniCoefficient(y, t, [1, 0, -1, 0, 1, 0]); // => 1
 * ```
 */
export function qiniCoefficient(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
  options?: QiniCoefficientOptions,
): number {
  const source = 'qiniCoefficient';
  return qiniCoefficientOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'), options);
}

function qiniCoefficientOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  options?: QiniCoefficientOptions,
): number {
  const source = 'qiniCoefficient';
  const { negativeEffect } = resolveOptions(source, QINI_DEFAULTS, options);
  requireBooleanOption(source, 'negativeEffect', negativeEffect);
  const p = prepare(source, yTrue, treatment, scores);
  const actual = curve(p, scores, 'qini');
  let perfect: UpliftCurve;
  if (negativeEffect) {
    const ideal = Float64Array.from(p.y, (v, i) => (p.t[i] === 1 ? v : -v));
    perfect = curve(p, ideal, 'qini');
  } else {
    const end = actual.value[actual.value.length - 1] as number;
    const n = p.y.length;
    perfect = { targeted: Float64Array.from([0, end, n]), value: Float64Array.from([0, end, end]) };
  }
  return normalisedArea(source, actual, perfect);
}

function normalisedArea(source: string, actual: UpliftCurve, perfect: UpliftCurve): number {
  const baseline = diagonalArea(perfect);
  const best = area(perfect) - baseline;
  if (!(Math.abs(best) > 0)) {
    throw new ValidationError('E_DEGENERATE', `${source}: the perfect model is no better than random targeting here (for example there are no responders), so the normalised area is undefined.`, { source, field: 'yTrue' });
  }
  return (area(actual) - baseline) / best;
}

/**
 * Normalised area under the uplift curve (AUUC; scikit-uplift's
 * `uplift_auc_score`): the area between the model's uplift curve and the
 * random-targeting diagonal, divided by the same area for the perfect uplift
 * curve (scikit-uplift's `perfect_uplift_curve`: treated responders and
 * control non-responders first). 1 for a perfect ranking, about 0 for random
 * scores.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person, 0/1 or booleans
 * @param treatment - 1/true if treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`,
 *   `E_NOT_FINITE`, `E_DEGENERATE`
 * @example
 * ```ts
 * import { areaUnderUpliftCurve } from '@marksman/metrics';
 * areaUnderUpliftCurve([1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]).toFixed(2); // => '-0.44'
 * ```
 */
export function areaUnderUpliftCurve(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
): number {
  const source = 'areaUnderUpliftCurve';
  return areaUnderUpliftCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function areaUnderUpliftCurveOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
): number {
  const source = 'areaUnderUpliftCurve';
  const p = prepare(source, yTrue, treatment, scores);
  const actual = curve(p, scores, 'uplift');
  // Control responders vs treated non-responders decide which of the two ideal orders is better.
  let controlResponders = 0;
  let treatedNonResponders = 0;
  for (let i = 0; i < p.y.length; i++) {
    if (p.t[i] === 0 && p.y[i] === 1) controlResponders++;
    if (p.t[i] === 1 && p.y[i] === 0) treatedNonResponders++;
  }
  const useOutcome = controlResponders > treatedNonResponders;
  const ideal = Float64Array.from(p.y, (v, i) => 2 * (v === p.t[i] ? 1 : 0) + (useOutcome ? v : (p.t[i] as number)));
  const perfect = curve(p, ideal, 'uplift');
  return normalisedArea(source, actual, perfect);
}
