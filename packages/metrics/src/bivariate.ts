// Internal: conversions and checks shared by RatioAccumulator and CovarianceAccumulator.
import { countField, inconsistent, m2FromSums, numberField, requireObject, requireStateObject } from './accumulatorChecks';
import type { Comoments } from './moments';
import { requireFiniteArray, requireSameLength } from './validation';

/**
 * Cross sums of two per-unit variables X and Y (for a ratio metric: numerator
 * and denominator per unit, e.g. revenue and sessions per user). The shape
 * shared with `@marksman/experiments` and warehouse aggregates.
 */
export interface RatioStats {
  /** Number of units. */
  readonly n: number;
  /** Σ x. */
  readonly sumX: number;
  /** Σ y. */
  readonly sumY: number;
  /** Σ x². */
  readonly sumXX: number;
  /** Σ y². */
  readonly sumYY: number;
  /** Σ x·y. */
  readonly sumXY: number;
}

/** Serialised state of a two-variable accumulator: means and centred co-moments. */
export interface ComomentsJSON {
  /** Number of units. */
  readonly n: number;
  /** Mean of x (0 when n = 0). */
  readonly meanX: number;
  /** Mean of y (0 when n = 0). */
  readonly meanY: number;
  /** Σ (x − meanX)². */
  readonly cxx: number;
  /** Σ (y − meanY)². */
  readonly cyy: number;
  /** Σ (x − meanX)(y − meanY). */
  readonly cxy: number;
}

export function emptyComoments(): Comoments {
  return { n: 0, meanX: 0, meanY: 0, cxx: 0, cyy: 0, cxy: 0 };
}

export function comomentsToStats(s: Comoments): RatioStats {
  const { n, meanX, meanY, cxx, cyy, cxy } = s;
  return {
    n,
    sumX: n * meanX,
    sumY: n * meanY,
    sumXX: cxx + n * meanX * meanX,
    sumYY: cyy + n * meanY * meanY,
    sumXY: cxy + n * meanX * meanY,
  };
}

export function comomentsFromStats(source: string, stats: RatioStats): Comoments {
  const o = requireObject(source, stats);
  const n = countField(source, o, 'n');
  const sumX = numberField(source, o, 'sumX');
  const sumY = numberField(source, o, 'sumY');
  const sumXX = numberField(source, o, 'sumXX');
  const sumYY = numberField(source, o, 'sumYY');
  const sumXY = numberField(source, o, 'sumXY');
  const cxx = m2FromSums(source, 'sumXX', n, sumX, sumXX);
  const cyy = m2FromSums(source, 'sumYY', n, sumY, sumYY);
  if (n === 0) {
    if (sumXY !== 0) inconsistent(source, 'sumXY', 'n is 0 but sumXY is not.');
    return emptyComoments();
  }
  const cxy = sumXY - (sumX * sumY) / n;
  // Cauchy–Schwarz, |cxy| ≤ √(cxx·cyy), allowing for the rounding of each centred sum
  // (1e-9 of the raw sums it was computed from, as in m2FromSums).
  const slackX = 1e-9 * Math.abs(sumXX);
  const slackY = 1e-9 * Math.abs(sumYY);
  const slackXY = 1e-9 * (Math.abs(sumXY) + Math.abs((sumX * sumY) / n));
  if (Math.abs(cxy) > Math.sqrt((cxx + slackX) * (cyy + slackY)) + slackXY) {
    inconsistent(source, 'sumXY', 'sumXY implies a correlation outside [−1, 1]; the sums cannot come from real data.');
  }
  return { n, meanX: sumX / n, meanY: sumY / n, cxx, cyy, cxy };
}

export function comomentsFromJSON(source: string, json: ComomentsJSON): Comoments {
  const o = requireStateObject(source, json, ['n', 'meanX', 'meanY', 'cxx', 'cyy', 'cxy']);
  const s: Comoments = {
    n: countField(source, o, 'n'),
    meanX: numberField(source, o, 'meanX'),
    meanY: numberField(source, o, 'meanY'),
    cxx: numberField(source, o, 'cxx'),
    cyy: numberField(source, o, 'cyy'),
    cxy: numberField(source, o, 'cxy'),
  };
  if (s.cxx < 0 || s.cyy < 0) inconsistent(source, s.cxx < 0 ? 'cxx' : 'cyy', 'a centred sum of squares cannot be negative.');
  if (s.n === 0 && (s.meanX !== 0 || s.meanY !== 0 || s.cxx !== 0 || s.cyy !== 0 || s.cxy !== 0)) {
    inconsistent(source, 'n', 'n is 0 but the state is not empty.');
  }
  if (s.n === 1 && (s.cxx !== 0 || s.cyy !== 0 || s.cxy !== 0)) inconsistent(source, 'n', 'n is 1 but the centred sums are not 0; one unit has no spread.');
  // Cauchy–Schwarz with rounding slack: |cxy| ≤ √cxx·√cyy (two roots, so the
  // product cannot underflow). Deviations below √MIN_NORMAL ≈ 1.5e-154 square
  // to nothing in double precision: such a sum ends at 0 while cxy, a product
  // with the other variable's larger deviations, stays representable. Each
  // sum therefore counts as at least n·MIN_NORMAL here.
  const floor = s.n * 2.2250738585072014e-308;
  const bound = Math.sqrt(Math.max(s.cxx, floor)) * Math.sqrt(Math.max(s.cyy, floor));
  if (Math.abs(s.cxy) > bound * (1 + 1e-9) + 1e-300) {
    inconsistent(source, 'cxy', `|cxy| (${Math.abs(s.cxy)}) exceeds √(cxx·cyy) (${bound}); the correlation would lie outside [−1, 1].`);
  }
  return s;
}

export function requirePairs(source: string, xs: ArrayLike<number>, ys: ArrayLike<number>): void {
  requireSameLength(source, 'xs', xs, 'ys', ys);
  requireFiniteArray(source, 'xs', xs);
  requireFiniteArray(source, 'ys', ys);
}
