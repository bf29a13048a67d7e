import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { toBinary } from './binaryInput';
import { compareLabels, requireLabel, requireNonEmpty, requireSameLength } from './validation';
import type { Label } from './validation';

// Group-fairness gaps of a binary decision (e.g. "send the offer"), with the
// definitions of fairlearn's `demographic_parity_*`, `equal_opportunity_*`
// and `equalized_odds_difference` (method 'between_groups'): the largest
// minus the smallest per-group rate. Hardt, Price & Srebro (2016), "Equality
// of Opportunity in Supervised Learning".

/** Per-group rates of a binary decision. Rates that need a missing outcome are NaN. */
export interface GroupRates {
  /** The groups, sorted (numbers ascending, then strings). */
  readonly groups: readonly (number | string)[];
  /** Rows per group. */
  readonly count: Float64Array;
  /** Share of each group selected (ŷ = 1). */
  readonly selectionRate: Float64Array;
  /** True-positive rate (recall) per group, P(ŷ = 1 | y = 1); NaN without `yTrue` or without positives. */
  readonly truePositiveRate: Float64Array;
  /** False-positive rate per group, P(ŷ = 1 | y = 0); NaN without `yTrue` or without negatives. */
  readonly falsePositiveRate: Float64Array;
}

/** A decision or outcome per row: 0/1, booleans, or an Arrow vector (numeric or Bool). */
type Binary = ArrayLike<number | boolean> | ArrowLikeVector;
/** A group label per row: numbers, strings, or an Arrow vector (text, numeric or Bool as 1 / 0). */
type Groups = ArrayLike<number | string> | ArrowLikeVector;

function computeRates(source: string, yTrueIn: Binary | null, yPredIn: Binary, groupsIn: Groups): GroupRates {
  const yPred = vectorArg(source, 'yPred', yPredIn, 'binary');
  const groups = vectorArg(source, 'groups', groupsIn, 'label');
  const yTrue = yTrueIn === null ? null : vectorArg(source, 'yTrue', yTrueIn, 'binary');
  requireSameLength(source, 'yPred', yPred, 'groups', groups);
  if (yTrue !== null) requireSameLength(source, 'yPred', yPred, 'yTrue', yTrue);
  requireNonEmpty(source, 'yPred', yPred);
  const p = toBinary(source, 'yPred', yPred);
  const t = yTrue === null ? null : toBinary(source, 'yTrue', yTrue);
  const index = new Map<Label, number>();
  const names: Label[] = [];
  const code = new Int32Array(p.length);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    requireLabel(source, 'groups', g, i);
    let c = index.get(g);
    if (c === undefined) {
      c = names.length;
      index.set(g, c);
      names.push(g);
    }
    code[i] = c;
  }
  const order = names.map((_, i) => i).sort((a, b) => compareLabels(names[a] as Label, names[b] as Label));
  const rank = new Int32Array(names.length);
  order.forEach((c, r) => (rank[c] = r));
  const k = names.length;
  const count = new Float64Array(k);
  const selected = new Float64Array(k);
  const pos = new Float64Array(k);
  const tp = new Float64Array(k);
  const neg = new Float64Array(k);
  const fp = new Float64Array(k);
  for (let i = 0; i < p.length; i++) {
    const g = rank[code[i] as number] as number;
    count[g] = (count[g] as number) + 1;
    selected[g] = (selected[g] as number) + (p[i] as number);
    if (t !== null) {
      if (t[i] === 1) {
        pos[g] = (pos[g] as number) + 1;
        tp[g] = (tp[g] as number) + (p[i] as number);
      } else {
        neg[g] = (neg[g] as number) + 1;
        fp[g] = (fp[g] as number) + (p[i] as number);
      }
    }
  }
  return {
    groups: Object.freeze(order.map((c) => names[c] as Label)),
    count,
    selectionRate: Float64Array.from(count, (n, g) => (selected[g] as number) / n),
    truePositiveRate: Float64Array.from(pos, (n, g) => (n > 0 ? (tp[g] as number) / n : NaN)),
    falsePositiveRate: Float64Array.from(neg, (n, g) => (n > 0 ? (fp[g] as number) / n : NaN)),
  };
}

function spread(source: string, rates: Float64Array, groups: readonly Label[], what: string): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let g = 0; g < rates.length; g++) {
    const r = rates[g] as number;
    if (Number.isNaN(r)) {
      throw new ValidationError('E_UNDEFINED_RATE', `${source}: group ${JSON.stringify(groups[g])} has no rows with ${what}, so its rate is undefined; drop or merge the group.`, { source, field: 'groups' });
    }
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  return hi - lo;
}

/**
 * Selection rate, true-positive rate and false-positive rate of a binary
 * decision in each group (the table behind the fairness gaps).
 *
 * Costs O(n + g log g) for g groups.
 *
 * Each argument may also be an Apache Arrow vector: decisions and outcomes numeric or Bool,
 * groups text (Utf8, dictionary-encoded Utf8), numbers or Bool (read as 1 / 0); nulls are
 * refused as `null` in an array is.
 *
 * @param yPred - the decision per row, 0/1 or booleans
 * @param groups - group label per row (e.g. age band)
 * @param yTrue - actual outcome per row (0/1 or booleans), or `null` for selection rates only
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of another type, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_LABEL`, `E_NAN`
 * @example
 * ```ts
 * import { fairnessByGroup } from '@marksman/metrics';
 * const r = fairnessByGroup([1, 0, 1, 1], ['a', 'a', 'b', 'b'], [1, 1, 0, 1]);
 * Array.from(r.selectionRate); // => [0.5, 1]
 * Array.from(r.truePositiveRate); // => [0.5, 1]
 * ```
 */
export function fairnessByGroup(
  yPred: ArrayLike<number | boolean> | ArrowLikeVector,
  groups: ArrayLike<number | string> | ArrowLikeVector,
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector | null = null,
): GroupRates {
  return computeRates('fairnessByGroup', yTrue, yPred, groups);
}

/**
 * Demographic parity difference: largest minus smallest selection rate
 * P(ŷ = 1 | group) across groups. 0 means every group is selected at the same rate.
 *
 * Costs O(n + g log g).
 *
 * Each argument may also be an Apache Arrow vector: decisions and outcomes numeric or Bool,
 * groups text (Utf8, dictionary-encoded Utf8), numbers or Bool (read as 1 / 0); nulls are
 * refused as `null` in an array is.
 *
 * @param yPred - the decision per row, 0/1 or booleans
 * @param groups - group label per row
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of another type, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_LABEL`, `E_NAN`
 * @example
 * ```ts
 * import { demographicParityDifference } from '@marksman/metrics';
 * demographicParityDifference([1, 0, 1, 1, 0, 0], ['a', 'a', 'b', 'b', 'c', 'c']); // => 1
 * ```
 */
export function demographicParityDifference(yPred: ArrayLike<number | boolean> | ArrowLikeVector, groups: ArrayLike<number | string> | ArrowLikeVector): number {
  const source = 'demographicParityDifference';
  const r = computeRates(source, null, yPred, groups);
  return spread(source, r.selectionRate, r.groups, 'a decision');
}

/**
 * Demographic parity ratio: smallest ÷ largest selection rate across groups
 * (1 is parity; the "four-fifths rule" flags values below 0.8).
 *
 * Costs O(n + g log g).
 *
 * Each argument may also be an Apache Arrow vector: decisions and outcomes numeric or Bool,
 * groups text (Utf8, dictionary-encoded Utf8), numbers or Bool (read as 1 / 0); nulls are
 * refused as `null` in an array is.
 *
 * @param yPred - the decision per row, 0/1 or booleans
 * @param groups - group label per row
 * @throws `ValidationError` `E_ZERO_DENOMINATOR` (no group has any selection), `E_ARROW_TYPE`
 *   (an Arrow vector of another type, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_LABEL`, `E_NAN`
 * @example
 * ```ts
 * import { demographicParityRatio } from '@marksman/metrics';
 * demographicParityRatio([1, 0, 1, 1], ['a', 'a', 'b', 'b']); // => 0.5
 * ```
 */
export function demographicParityRatio(yPred: ArrayLike<number | boolean> | ArrowLikeVector, groups: ArrayLike<number | string> | ArrowLikeVector): number {
  const source = 'demographicParityRatio';
  const r = computeRates(source, null, yPred, groups);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r.selectionRate) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === 0) {
    throw new ValidationError('E_ZERO_DENOMINATOR', `${source}: no group has any selected row, so the ratio is 0/0.`, { source, field: 'yPred' });
  }
  return lo / hi;
}

/**
 * Equal opportunity difference: largest minus smallest true-positive rate
 * P(ŷ = 1 | y = 1, group) across groups.
 *
 * Costs O(n + g log g).
 *
 * Each argument may also be an Apache Arrow vector: decisions and outcomes numeric or Bool,
 * groups text (Utf8, dictionary-encoded Utf8), numbers or Bool (read as 1 / 0); nulls are
 * refused as `null` in an array is.
 *
 * @param yTrue - actual outcome per row, 0/1 or booleans
 * @param yPred - the decision per row, 0/1 or booleans
 * @param groups - group label per row
 * @throws `ValidationError` `E_UNDEFINED_RATE` (a group without positives), `E_ARROW_TYPE`
 *   (an Arrow vector of another type, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_LABEL`, `E_NAN`
 * @example
 * ```ts
 * import { equalOpportunityDifference } from '@marksman/metrics';
 * equalOpportunityDifference([1, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 1], ['a', 'a', 'a', 'b', 'b', 'b']); // => 0.5
 * ```
 */
export function equalOpportunityDifference(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  yPred: ArrayLike<number | boolean> | ArrowLikeVector,
  groups: ArrayLike<number | string> | ArrowLikeVector,
): number {
  const source = 'equalOpportunityDifference';
  const r = computeRates(source, yTrue, yPred, groups);
  return spread(source, r.truePositiveRate, r.groups, 'a positive outcome (yTrue = 1)');
}

/**
 * Equalized odds difference: the larger of the true-positive-rate gap and the
 * false-positive-rate gap across groups (fairlearn's
 * `equalized_odds_difference`).
 *
 * Costs O(n + g log g).
 *
 * Each argument may also be an Apache Arrow vector: decisions and outcomes numeric or Bool,
 * groups text (Utf8, dictionary-encoded Utf8), numbers or Bool (read as 1 / 0); nulls are
 * refused as `null` in an array is.
 *
 * @param yTrue - actual outcome per row, 0/1 or booleans
 * @param yPred - the decision per row, 0/1 or booleans
 * @param groups - group label per row
 * @throws `ValidationError` `E_UNDEFINED_RATE` (a group without positives or without negatives),
 *   `E_ARROW_TYPE` (an Arrow vector of another type, named), `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`
 * @example
 * ```ts
 * import { equalizedOddsDifference } from '@marksman/metrics';
 * // TPR gap 0.5, FPR gap 1
 * equalizedOddsDifference([1, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 1], ['a', 'a', 'a', 'b', 'b', 'b']); // => 1
 * ```
 */
export function equalizedOddsDifference(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  yPred: ArrayLike<number | boolean> | ArrowLikeVector,
  groups: ArrayLike<number | string> | ArrowLikeVector,
): number {
  const source = 'equalizedOddsDifference';
  const r = computeRates(source, yTrue, yPred, groups);
  return Math.max(
    spread(source, r.truePositiveRate, r.groups, 'a positive outcome (yTrue = 1)'),
    spread(source, r.falsePositiveRate, r.groups, 'a negative outcome (yTrue = 0)'),
  );
}
