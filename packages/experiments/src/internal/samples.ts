// Internal: turning the accepted per-variant inputs of the frequentist tests
// (raw values, mean/sd/n, or sufficient statistics) into n, mean and
// variance, with the typed errors of ../bayesian/inputs (shared codes).
import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector } from '@marksman/core/internal';
import { type MeanInput, type ProportionInput, checkMean, checkProportion } from '../bayesian/inputs';

/** A sample summarized by its mean, standard deviation (n − 1 denominator) and size. */
export interface MeanSdInput {
  /** Sample mean. */
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator). */
  readonly sd: number;
  /** Number of units. */
  readonly n: number;
}

/** What a mean-metric test accepts for one variant (raw values may be an Apache Arrow vector, i.e. a table column). */
export type MeanSample = readonly number[] | Float64Array | ArrowLikeVector | MeanSdInput | MeanInput;

/** n, mean and unbiased variance of one variant. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

export function missing(source: string, field: string): never {
  throw new ValidationError('E_MISSING_VARIANT', `${source}: the ${field} variant is missing; pass the ${field} statistics.`, { source, field });
}

/** True for an array or typed array of values (not a string, not an arbitrary object). */
export function isValueList(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * Throws `E_OVERFLOW` unless every named statistic is finite: values near
 * ±1e308 make means, differences or variances overflow, and a test built on
 * them would report an infinite statistic or NaN p-value.
 */
export function requireFiniteResult(source: string, stats: Readonly<Record<string, number>>): void {
  for (const [field, v] of Object.entries(stats)) {
    if (!Number.isFinite(v)) {
      throw new ValidationError('E_OVERFLOW', `${source}: ${field} is ${v}; the inputs are too large for double precision (rescale the metric).`, { source, field });
    }
  }
}

/** Mean and variance of raw values by two passes (no cancellation). */
export function rawMoments(values: ArrayLike<number>, source: string, row: number): Moments {
  const n = values.length;
  if (n < 2) {
    throw new ValidationError('E_TOO_FEW_UNITS', `${source}: variant ${row} has ${n} values; a mean metric needs at least 2.`, { source, row, field: 'values' });
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} has a non-finite value at index ${i}.`, { source, row, field: 'values' });
    }
    s += v;
  }
  const mean = s / n;
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
    c += d;
  }
  const variance = (ss - (c * c) / n) / (n - 1);
  requireFiniteResult(source, { mean, variance });
  return { n, mean, variance };
}

export function meanMoments(sample: MeanSample | undefined, source: string, row: number, field: string): Moments {
  if (sample === undefined || sample === null) missing(source, field);
  if (isArrowVector(sample)) return rawMoments(arrowVectorValues(source, field, sample, 'number') as ArrayLike<number>, source, row);
  if (isValueList(sample)) return rawMoments(sample, source, row);
  if (typeof sample !== 'object') {
    throw new ValidationError('E_NOT_FINITE', `${source}: the ${field} variant must be an array of values, { mean, sd, n } or { n, sum, sumSquares }, got ${typeof sample}.`, {
      source,
      row,
      field,
    });
  }
  const s = sample as MeanSdInput | MeanInput;
  let out: Moments;
  if ('sd' in s && 'mean' in s) {
    if (typeof s.mean !== 'number' || typeof s.sd !== 'number' || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) {
      throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} needs a finite mean and sd.`, { source, row, field: 'mean' });
    }
    if (s.sd < 0) throw new ValidationError('E_NEGATIVE_SD', `${source}: variant ${row} has sd = ${s.sd}; a standard deviation cannot be negative.`, { source, row, field: 'sd' });
    if (typeof s.n !== 'number' || !Number.isSafeInteger(s.n) || s.n < 2) {
      throw new ValidationError('E_TOO_FEW_UNITS', `${source}: variant ${row} has n = ${String(s.n)}; a mean metric needs a whole number of at least 2 units (up to 2^53 − 1).`, { source, row, field: 'n' });
    }
    out = { n: s.n, mean: s.mean, variance: s.sd * s.sd };
  } else {
    const m = checkMean(s as MeanInput, source, row, 2);
    out = { n: (s as MeanInput).n, mean: m.mean, variance: m.variance };
  }
  requireFiniteResult(source, { mean: out.mean, variance: out.variance });
  return out;
}

/** What a proportion test accepts for one variant: counts, or raw 0/1 outcomes (an array or an Apache Arrow vector). */
export type ProportionSample = ProportionInput | readonly (0 | 1 | boolean)[] | ArrowLikeVector;

export function proportionCounts(input: ProportionSample | undefined, source: string, row: number, field: string): ProportionInput {
  if (input === undefined || input === null) missing(source, field);
  const sample = isArrowVector(input) ? Array.from(arrowVectorValues(source, field, input, 'binary')) : input;
  if (typeof sample !== 'object') {
    throw new ValidationError('E_NOT_FINITE', `${source}: the ${field} variant must be { n, conversions } or an array of 0/1 outcomes, got ${typeof sample}.`, { source, row, field });
  }
  if (Array.isArray(sample)) {
    let conversions = 0;
    for (let i = 0; i < sample.length; i++) {
      const v = sample[i] as unknown;
      if (v === 1 || v === true) conversions++;
      else if (v !== 0 && v !== false) {
        throw new ValidationError('E_NOT_BINARY', `${source}: variant ${row} has ${JSON.stringify(v)} at index ${i}; outcomes must be 0/1 or booleans.`, { source, row, field: 'values' });
      }
    }
    const counts = { n: sample.length, conversions };
    checkProportion(counts, source, row);
    return counts;
  }
  checkProportion(sample as ProportionInput, source, row);
  return sample as ProportionInput;
}
