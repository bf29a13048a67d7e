import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { toBinary } from './binaryInput';
import type { UpliftStrategy } from './upliftAtK';
import { prepare } from './upliftCurves';
import { descendingOrder } from './upliftOrder';

/** Options of {@link upliftByPercentile}. */
export interface UpliftByPercentileOptions {
  /** Number of bins (default 10: deciles); a whole number ≥ 1 and smaller than the number of people. */
  readonly bins?: number;
  /**
   * `'overall'` (default): everyone ranked by score is cut into bins, and each bin's treated and control
   * rates are compared. `'by_group'`: the treated and the control group are each ranked and cut into bins
   * of their own.
   */
  readonly strategy?: UpliftStrategy;
}

/** One bin (or the total) of {@link upliftByPercentile}. */
export interface UpliftPercentileRow {
  /** Upper edge of the bin in percent of the ranking (`round(b · 100 / bins)`: 10, 20, … 100); 100 for the total. */
  readonly percentile: number;
  /** Treated people in the bin. */
  readonly nTreatment: number;
  /** Control people in the bin. */
  readonly nControl: number;
  /** Response rate of the treated in the bin, or `null` when the bin holds none. */
  readonly responseRateTreatment: number | null;
  /** Response rate of the control group in the bin, or `null` when the bin holds none. */
  readonly responseRateControl: number | null;
  /** `responseRateTreatment − responseRateControl`, or `null` when either is. */
  readonly uplift: number | null;
  /** Binomial standard error of the treated rate, √(p(1 − p)/n), or `null`. */
  readonly stdTreatment: number | null;
  /** Binomial standard error of the control rate, or `null`. */
  readonly stdControl: number | null;
  /** √(stdTreatment² + stdControl²), or `null`. */
  readonly stdUplift: number | null;
}

/** Result of {@link upliftByPercentile}. */
export interface UpliftByPercentile {
  /** One row per bin, best-scored first. */
  readonly bins: readonly UpliftPercentileRow[];
  /** The same figures over everyone (scikit-uplift's `total=True` row, with the standard errors of the whole groups). */
  readonly total: UpliftPercentileRow;
  /**
   * Average of the bins' uplift weighted by their treated counts (scikit-uplift's
   * `weighted_average_uplift`); `null` when a bin's uplift is undefined (a bin without treated or
   * control people), where scikit-uplift gives NaN.
   */
  readonly weightedAverageUplift: number | null;
}

const DEFAULTS: Readonly<Required<UpliftByPercentileOptions>> = Object.freeze({ bins: 10, strategy: 'overall' });

/** Sizes of numpy's `array_split(n, bins)`: the first n mod bins pieces one longer. */
function splitSizes(n: number, bins: number): number[] {
  const base = Math.floor(n / bins);
  const extra = n % bins;
  return Array.from({ length: bins }, (_, b) => base + (b < extra ? 1 : 0));
}

function row(percentile: number, nT: number, yT: number, nC: number, yC: number): UpliftPercentileRow {
  const rT = nT > 0 ? yT / nT : null;
  const rC = nC > 0 ? yC / nC : null;
  const vT = rT === null ? null : (rT * (1 - rT)) / nT;
  const vC = rC === null ? null : (rC * (1 - rC)) / nC;
  return {
    percentile,
    nTreatment: nT,
    nControl: nC,
    responseRateTreatment: rT,
    responseRateControl: rC,
    uplift: rT === null || rC === null ? null : rT - rC,
    stdTreatment: vT === null ? null : Math.sqrt(vT),
    stdControl: vC === null ? null : Math.sqrt(vC),
    stdUplift: vT === null || vC === null ? null : Math.sqrt(vT + vC),
  };
}

/**
 * Uplift by percentile (scikit-uplift's `uplift_by_percentile` with
 * `std=True, total=True`): people are ranked by predicted uplift (highest
 * first, ties as scikit-uplift: the later row first) and cut into `bins`
 * bins of sizes as numpy's `array_split` (the first n mod bins bins one
 * larger); each bin reports the treated and control counts, response rates,
 * their difference and binomial standard errors. Deciles by default. A good
 * model shows uplift falling from the first bin to the last.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcome per person: 0/1 or booleans
 * @param treatment - 1/true if treated, 0/false for control
 * @param scores - predicted uplift (higher = target first)
 * @param options - `bins` (default 10) and `strategy` (default `'overall'`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL` (outcome or treatment not
 *   0/1), `E_NAN`, `E_NOT_FINITE`, `E_BINS` (bins not smaller than the number of people);
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { upliftByPercentile } from '@marksman/metrics';
 * const y = [1, 0, 1, 1, 0, 0, 0, 1];
 * const t = [1, 0, 1, 0, 1, 0, 1, 0];
 * const table = upliftByPercentile(y, t, [8, 7, 6, 5, 4, 3, 2, 1], { bins: 2 });
 * table.bins.map((b) => b.uplift); // => [0.5, -0.5]
 * table.total.uplift; // => 0
 * ```
 */
export function upliftByPercentile(
  yTrue: ArrayLike<number | boolean> | ArrowLikeVector,
  treatment: ArrayLike<number | boolean> | ArrowLikeVector,
  scores: ArrayLike<number> | ArrowLikeVector,
  options?: UpliftByPercentileOptions,
): UpliftByPercentile {
  const source = 'upliftByPercentile';
  return upliftByPercentileOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'treatment', treatment, 'binary'), vectorArg(source, 'scores', scores, 'number'), options);
}

function upliftByPercentileOf(
  yTrue: ArrayLike<number | boolean>,
  treatment: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  options?: UpliftByPercentileOptions,
): UpliftByPercentile {
  const source = 'upliftByPercentile';
  const { bins, strategy } = resolveOptions(source, DEFAULTS, options);
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: bins must be a whole number ≥ 1, got ${String(bins)}.`, { source, field: 'bins' });
  }
  if (strategy !== 'overall' && strategy !== 'by_group') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: strategy must be 'overall' or 'by_group', got ${String(strategy)}.`, { source, field: 'strategy' });
  }
  const p = prepare(source, yTrue, treatment, scores);
  const y = toBinary(source, 'yTrue', yTrue);
  const n = y.length;
  if (bins >= n) {
    throw new ValidationError('E_BINS', `${source}: ${bins} bins need more than ${bins} people, got ${n}; use fewer bins.`, { source, field: 'bins' });
  }
  const order = descendingOrder(scores);
  const percentile = (b: number) => Math.round(((b + 1) * 100) / bins);
  const out: UpliftPercentileRow[] = [];
  let totalT = 0;
  let totalYT = 0;
  for (let i = 0; i < n; i++) {
    if (p.t[i] === 1) {
      totalT++;
      totalYT += y[i] as number;
    }
  }
  let totalYC = 0;
  for (let i = 0; i < n; i++) if (p.t[i] === 0) totalYC += y[i] as number;
  if (strategy === 'overall') {
    let r = 0;
    splitSizes(n, bins).forEach((size, b) => {
      let nT = 0;
      let yT = 0;
      let yC = 0;
      for (const end = r + size; r < end; r++) {
        const i = order[r] as number;
        if (p.t[i] === 1) {
          nT++;
          yT += y[i] as number;
        } else yC += y[i] as number;
      }
      out.push(row(percentile(b), nT, yT, size - nT, yC));
    });
  } else {
    const treatedRanked: number[] = [];
    const controlRanked: number[] = [];
    for (const i of order) (p.t[i] === 1 ? treatedRanked : controlRanked).push(y[i] as number);
    const sizesT = splitSizes(treatedRanked.length, bins);
    const sizesC = splitSizes(controlRanked.length, bins);
    let rT = 0;
    let rC = 0;
    for (let b = 0; b < bins; b++) {
      let yT = 0;
      let yC = 0;
      for (const end = rT + sizesT[b]!; rT < end; rT++) yT += treatedRanked[rT]!;
      for (const end = rC + sizesC[b]!; rC < end; rC++) yC += controlRanked[rC]!;
      out.push(row(percentile(b), sizesT[b]!, yT, sizesC[b]!, yC));
    }
  }
  let weighted: number | null = 0;
  let weight = 0;
  for (const b of out) {
    if (b.uplift === null) {
      weighted = null;
      break;
    }
    weighted += b.nTreatment * b.uplift;
    weight += b.nTreatment;
  }
  return { bins: out, total: row(100, totalT, totalYT, n - totalT, totalYC), weightedAverageUplift: weighted === null || weight === 0 ? null : weighted / weight };
}
