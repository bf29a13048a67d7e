import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkIndex, checkMean, checkPositive, checkProbability, checkProportion, checkVariantCount } from './bayesian/inputs';
import type { MeanInput, ProportionInput } from './bayesian/inputs';
import { checkDifference } from './bayesian/bayesBinomial';
import type { BayesDifference } from './bayesian/bayesTypes';
import { mixtureBoundary, mixtureLogLikelihoodRatio, plannedTau2 } from './internal/msprt';

/** Options of {@link sequentialTest}. */
export interface SequentialTestOptions {
  /** Bound on the false-positive rate over all looks together (default 0.05). */
  readonly alpha?: number;
  /**
   * Variance τ² of the normal mixing distribution over the true difference,
   * in squared metric units (Johari et al. 2017). Small τ² suits small
   * effects. Default `null`: derived from `plannedSampleSize` (below).
   */
  readonly tau2?: number | null;
  /**
   * Per-variant sample size at which the confidence sequence should be
   * tightest, used when `tau2` is null: τ² = V* · (−2 ln α + ln(1 − 2 ln α))
   * with V* the variance of the estimate at plannedSampleSize units per
   * variant ((s²_c + s²_v)/plannedSampleSize for the difference): the
   * mixture that makes the boundary tightest at that size (Howard et al.
   * 2021; Waudby-Smith et al. 2023), the rule behind GrowthBook's sequential
   * tuning parameter (default 5000). GrowthBook's tuning parameter counts
   * the units of both arms together, this one each variant's: GrowthBook's
   * 5000 is `plannedSampleSize: 2500` here (exactly, for equal arms).
   */
  readonly plannedSampleSize?: number;
  /**
   * Scale of the estimate, its confidence sequence and its test:
   * `'absolute'` (default; x̄_v − x̄_c) or `'relative'` (x̄_v / x̄_c − 1 with
   * the delta-method variance s²_v/(n_v x̄_c²) + s²_c x̄_v²/(n_c x̄_c⁴), as
   * GrowthBook's relative sequential test). `tau2`, when given, is on the
   * same scale.
   */
  readonly difference?: BayesDifference;
  /** Index of the control variant (default 0). */
  readonly control?: number;
  /**
   * The result of the previous look at the same experiment, or null for the
   * first look. With it, p-values are running minima and intervals running
   * intersections, so they never get worse from one look to the next. A
   * result that went through JSON works too (unbounded ends read back as null).
   */
  readonly previous?: SequentialTestResult | null;
}

const DEFAULTS: Readonly<{
  alpha: number;
  tau2: number | null;
  plannedSampleSize: number;
  control: number;
  previous: SequentialTestResult | null;
  difference: BayesDifference;
}> = Object.freeze({ alpha: 0.05, tau2: null, plannedSampleSize: 5000, control: 0, previous: null, difference: 'absolute' });

/** One variant compared with the control at this look. */
export interface SequentialComparison {
  /** Index of the variant in the input list. */
  readonly index: number;
  /** Estimated absolute difference x̄_variant − x̄_control (rates for proportions). */
  readonly diff: number;
  /** Estimated relative lift x̄_variant / x̄_control − 1 (NaN when the control mean is 0). */
  readonly lift: number;
  /** Standard error of the estimate on the result's `difference` scale at this look (√(s²_c/n_c + s²_v/n_v) for the difference). */
  readonly standardError: number;
  /** Mixing variance τ² used at this look. */
  readonly tau2: number;
  /** Mixture likelihood ratio Λ against "no difference" at this look (≥ 1/alpha rejects). */
  readonly likelihoodRatio: number;
  /** Always-valid p-value: the running minimum over looks of min(1, 1/Λ). Never increases. */
  readonly pValue: number;
  /** Lower end of the (1 − alpha) confidence sequence for `diff` (or `lift` on the relative scale), intersected over looks. */
  readonly ciLow: number;
  /** Upper end of the (1 − alpha) confidence sequence, intersected over looks. */
  readonly ciHigh: number;
  /** `pValue ≤ alpha`: the difference is significant and stays so at later looks. */
  readonly significant: boolean;
}

/** Result of {@link sequentialTest} at one look; pass it as `previous` at the next look. */
export interface SequentialTestResult {
  /** 1 at the first look, then one more than `previous.look`. */
  readonly look: number;
  /** The false-positive bound used. */
  readonly alpha: number;
  /** Index of the control variant. */
  readonly control: number;
  /** Scale of the estimates and intervals: `'absolute'` (diff) or `'relative'` (lift). */
  readonly difference: BayesDifference;
  /** Per-variant sample sizes at this look (the next look must not have fewer). */
  readonly n: readonly number[];
  /** One comparison per non-control variant, in input order. */
  readonly comparisons: readonly SequentialComparison[];
}

const SOURCE = 'sequentialTest';

const PREVIOUS_KEYS: readonly string[] = ['look', 'alpha', 'control', 'difference', 'n', 'comparisons'];

/**
 * Checks that `previous` is a result of this function for the same design:
 * a look number, the same alpha and control, one cumulative n per variant,
 * and one comparison per non-control variant whose p-value lies in [0, 1]
 * and whose interval is not reversed (null ends, from JSON, mean unbounded).
 * A forged or corrupted previous look would otherwise carry a p-value of −5
 * or an empty interval into every later look.
 */
function checkPrevious(prev: unknown, k: number, control: number, alpha: number, difference: BayesDifference): void {
  const bad = (field: string, why: string): never => {
    throw new OptionsError('E_PREVIOUS_MISMATCH', `${SOURCE}: previous.${field} ${why}; pass the result of the previous look with the same variants, control and alpha.`, {
      source: SOURCE,
      field: `previous.${field}`,
    });
  };
  if (typeof prev !== 'object' || prev === null || Array.isArray(prev)) bad('look', 'is missing (previous is not a result object)');
  const p = prev as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!PREVIOUS_KEYS.includes(key)) bad(key, `is not a field of a sequentialTest result (known: ${PREVIOUS_KEYS.join(', ')})`);
  if (typeof p.look !== 'number' || !Number.isInteger(p.look) || p.look < 1 || p.look > 1e9) bad('look', `must be an integer ≥ 1, got ${String(p.look)}`);
  if (p.alpha !== alpha) bad('alpha', `is ${String(p.alpha)}, this look uses ${alpha}`);
  if (p.control !== control) bad('control', `is ${String(p.control)}, this look uses ${control}`);
  // results saved before the relative scale existed carry no `difference`: they were absolute
  if ((p.difference ?? 'absolute') !== difference) bad('difference', `is ${String(p.difference)}, this look uses '${difference}'`);
  const n = p.n;
  if (!Array.isArray(n) || n.length !== k || !n.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    bad('n', `must hold ${k} whole numbers ≥ 0`);
  }
  const cs = p.comparisons;
  if (!Array.isArray(cs) || cs.length !== k - 1) bad('comparisons', `must hold ${k - 1} comparisons`);
  let j = 0;
  for (let i = 0; i < k; i++) {
    if (i === control) continue;
    const c = (cs as unknown[])[j++];
    const at = `comparisons[${j - 1}]`;
    if (typeof c !== 'object' || c === null) bad(at, 'is not a comparison object');
    const x = c as Record<string, unknown>;
    if (x.index !== i) bad(`${at}.index`, `is ${String(x.index)}, expected ${i}`);
    if (typeof x.pValue !== 'number' || !(x.pValue >= 0 && x.pValue <= 1)) bad(`${at}.pValue`, `must be a number in [0, 1], got ${String(x.pValue)}`);
    const lo = x.ciLow === null ? -Infinity : x.ciLow;
    const hi = x.ciHigh === null ? Infinity : x.ciHigh;
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
      bad(`${at}.ciLow`, `and ciHigh must form an interval (numbers, or null for unbounded), got [${String(x.ciLow)}, ${String(x.ciHigh)}]`);
    }
  }
}

function isProportion(v: ProportionInput | MeanInput): v is ProportionInput {
  return typeof v === 'object' && v !== null && 'conversions' in v;
}

/**
 * Always-valid inference for continuous monitoring ("peeking") of an A/B
 * test: the mixture sequential probability ratio test (mSPRT) of Johari,
 * Koomen, Pekelis & Walsh ("Peeking at A/B tests", KDD 2017; Operations
 * Research 2022) with a normal mixing distribution N(0, τ²) over the true
 * difference θ of means or proportions. With θ̂ the estimated difference and
 * V its variance at a look,
 * Λ = √(V/(V+τ²)) · exp(τ² θ̂² / (2V(V+τ²))),
 * and rejecting when Λ ≥ 1/α keeps the chance of any false positive, over
 * any number of looks, at most α (Ville's inequality; asymptotically, since
 * V is estimated). The always-valid p-value is the running minimum of 1/Λ
 * and the confidence sequence θ̂ ± √(V(V+τ²)/τ² · ln((V+τ²)/(V α²))) is the
 * normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon (2021), as
 * in GrowthBook's sequential engine; it covers θ at every look at once with
 * probability ≥ 1 − α. Look as often as you like: pass each look's result
 * as `previous` to the next. Size the experiment with
 * {@link sequentialSampleSize}.
 *
 * Data are cumulative per-variant sufficient statistics: `{ n, conversions }`
 * (variance p̂(1 − p̂)) or `{ n, sum, sumSquares }` (sample variance). Each
 * variant is compared with the control; no multiplicity correction is made.
 * With `difference: 'relative'` the same mixture runs on the relative lift
 * and its delta-method variance, giving GrowthBook's relative confidence
 * sequence and always-valid p-value (half-width and p-value agree with
 * gbstats' `SequentialTwoSidedTTest` when `plannedSampleSize` is half its
 * tuning parameter).
 * When a look has no variance yet (e.g. no conversions anywhere) its
 * comparison carries no evidence: Λ = 1 and the interval is unbounded (±1
 * for proportions).
 *
 * Costs O(k) per look for k variants.
 *
 * @param variants - cumulative per-variant statistics at this look, all of the same kind; at least two
 * @param options - {@link SequentialTestOptions}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS`, `E_ZERO_VISITORS`, `E_CONVERSIONS_EXCEED_N`, `E_NEGATIVE_COUNT`,
 *   `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_SUM_SQUARES`, `E_TOO_FEW_UNITS`, `E_METRIC_KIND` (proportions mixed with means),
 *   `E_LOOK_ORDER` (fewer units than at the previous look)
 * @throws `OptionsError` `E_OPTION_RANGE` (also for an unknown `difference`), `E_PREVIOUS_MISMATCH` (previous look of another design, or not
 *   a well-formed result: a p-value outside [0, 1], a reversed interval, a bad look number), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { sequentialTest } from '@marksman/experiments';
 * const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
 * day1.comparisons[0].pValue.toFixed(3); // => '0.413'
 * const day2 = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: day1 });
 * day2.look; // => 2
 * day2.comparisons[0].pValue.toFixed(3); // => '0.057'
 * const rel = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { difference: 'relative' });
 * [rel.comparisons[0].ciLow.toFixed(3), rel.comparisons[0].ciHigh.toFixed(3)]; // => ['-0.052', '0.672'] (lift: −5 % to +67 %)
 * ```
 */
export function sequentialTest(variants: readonly (ProportionInput | MeanInput)[], options?: SequentialTestOptions): SequentialTestResult {
  checkVariantCount(variants, SOURCE);
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  checkProbability(o.alpha, 'alpha', SOURCE);
  if (o.tau2 !== null) checkPositive(o.tau2, 'tau2', SOURCE);
  checkPositive(o.plannedSampleSize, 'plannedSampleSize', SOURCE);
  checkIndex(o.control, variants.length, 'control', SOURCE);
  checkDifference(o.difference, SOURCE);
  const relative = o.difference === 'relative';
  const proportions = isProportion(variants[0]!);
  const stats = variants.map((v, i) => {
    if (isProportion(v) !== proportions) {
      throw new ValidationError('E_METRIC_KIND', `${SOURCE}: variant ${i} is not of the same kind as variant 0; give all { n, conversions } or all { n, sum, sumSquares }.`, {
        source: SOURCE,
        row: i,
      });
    }
    if (isProportion(v)) {
      checkProportion(v, SOURCE, i);
      const p = v.conversions / v.n;
      return { n: v.n, mean: p, variance: p * (1 - p) };
    }
    const m = checkMean(v, SOURCE, i);
    return { n: v.n, ...m };
  });
  const prev = o.previous;
  if (prev !== null) {
    checkPrevious(prev, variants.length, o.control, o.alpha, o.difference);
    stats.forEach((s, i) => {
      if (s.n < prev.n[i]!) {
        throw new ValidationError('E_LOOK_ORDER', `${SOURCE}: variant ${i} has n = ${s.n}, fewer than ${prev.n[i]} at the previous look; pass cumulative statistics.`, {
          source: SOURCE,
          field: 'n',
          row: i,
        });
      }
    });
  }

  // Bounds of the parameter: a difference of rates lies in [−1, 1], a lift of rates in [−1, ∞).
  const lowest = proportions ? -1 : -Infinity;
  const highest = proportions && !relative ? 1 : Infinity;
  const c = stats[o.control]!;
  const comparisons: SequentialComparison[] = [];
  let k = 0;
  stats.forEach((v, i) => {
    if (i === o.control) return;
    const before = prev?.comparisons[k];
    k++;
    const diff = v.mean - c.mean;
    const lift = c.mean === 0 ? NaN : diff / c.mean;
    // Per-unit variances of the estimate: V = a/n_v + b/n_c, and V* = (a + b)/plannedSampleSize.
    let a = v.variance;
    let b = c.variance;
    if (relative) {
      const m2 = c.mean * c.mean;
      a = c.mean === 0 ? 0 : v.variance / m2;
      b = c.mean === 0 ? 0 : (c.variance * v.mean * v.mean) / (m2 * m2);
    }
    const estimate = relative ? lift : diff;
    const V = a / v.n + b / c.n;
    const tau2 = o.tau2 ?? plannedTau2(a + b, o.plannedSampleSize, o.alpha);
    let logLR = 0;
    let low = lowest;
    let high = highest;
    if (V > 0 && tau2 > 0 && Number.isFinite(estimate)) {
      logLR = mixtureLogLikelihoodRatio(estimate, V, tau2);
      const half = mixtureBoundary(V, tau2, o.alpha) * Math.sqrt(V);
      low = Math.max(lowest, estimate - half);
      high = Math.min(highest, estimate + half);
    }
    let pValue = Math.min(1, Math.exp(-logLR));
    if (before) {
      // A result stored as JSON turns ±Infinity into null: read that as unbounded.
      pValue = Math.min(pValue, typeof before.pValue === 'number' ? before.pValue : 1);
      const l = Math.max(low, typeof before.ciLow === 'number' ? before.ciLow : -Infinity);
      const h = Math.min(high, typeof before.ciHigh === 'number' ? before.ciHigh : Infinity);
      // An empty intersection can only happen on the ≤ α event of a miss; keep this look's interval then.
      if (l <= h) {
        low = l;
        high = h;
      }
    }
    comparisons.push({
      index: i,
      diff,
      lift,
      standardError: Math.sqrt(V),
      tau2,
      likelihoodRatio: Math.exp(logLR),
      pValue,
      ciLow: low,
      ciHigh: high,
      significant: pValue <= o.alpha,
    });
  });
  return { look: (prev?.look ?? 0) + 1, alpha: o.alpha, control: o.control, difference: o.difference, n: stats.map((s) => s.n), comparisons };
}
