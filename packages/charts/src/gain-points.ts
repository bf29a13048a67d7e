// Internal: the cumulative-gains table behind gainChart and liftChart.
import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector } from '@marksman/core/internal';
import { describeValue, requireList, requireSameLength } from './checks';

/** Cumulative gains after each group of tied scores, highest scores first. */
export interface GainPoints {
  /** People in the data. */
  readonly n: number;
  /** Positives in the data. */
  readonly positives: number;
  /** People targeted after each group (k), starting with 0. */
  readonly targeted: Float64Array;
  /** Positives among them, starting with 0. */
  readonly captured: Float64Array;
  /** Lowest score targeted at each point (NaN at the start). */
  readonly thresholds: Float64Array;
}

/**
 * Sorts by score (descending) and accumulates positives per group of tied
 * scores, so ties are never split in an arbitrary order. Validates 0/1 (or
 * boolean) outcomes and finite scores (either may be an Arrow vector, read
 * through core's reader: Bool or numeric outcomes, numeric scores; nulls
 * reach the checks below as `null`). O(n log n).
 */
export function gainPoints(source: string, yGiven: ArrayLike<number | boolean> | ArrowLikeVector, sGiven: ArrayLike<number> | ArrowLikeVector): GainPoints {
  const yTrue = isArrowVector(yGiven) ? arrowVectorValues(source, 'yTrue', yGiven, 'binary') : yGiven;
  const scores = isArrowVector(sGiven) ? arrowVectorValues(source, 'scores', sGiven, 'number') : sGiven;
  const y = requireList(source, 'yTrue', yTrue, 'an array of 0/1 outcomes');
  const s = requireList(source, 'scores', scores, 'an array of scores');
  requireSameLength(source, 'yTrue', y, 'scores', s);
  const n = y.length;
  const label = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v === 1 || v === true) label[i] = 1;
    else if (v !== 0 && v !== false) {
      throw new ValidationError('E_LABEL', `${source}: yTrue[${i}] is ${describeValue(v)}; outcomes must be 0/1 or booleans.`, { source, field: 'yTrue', row: i });
    }
    positives += label[i]!;
    const x = s[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValidationError('E_NOT_FINITE', `${source}: scores[${i}] is ${describeValue(x)}; every score must be a finite number.`, { source, field: 'scores', row: i });
    }
  }
  if (positives === 0) {
    throw new ValidationError('E_SINGLE_CLASS', `${source}: yTrue holds no positive, so there is nothing to capture; a gain or lift chart needs at least one 1.`, { source, field: 'yTrue' });
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (s[b] as number) - (s[a] as number));
  const targeted: number[] = [0];
  const captured: number[] = [0];
  const thresholds: number[] = [NaN];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    tp += label[i]!;
    const here = s[i] as number;
    const next = r + 1 < n ? (s[order[r + 1]!] as number) : NaN;
    if (next !== here) {
      targeted.push(r + 1);
      captured.push(tp);
      thresholds.push(here);
    }
  }
  return { n, positives, targeted: Float64Array.from(targeted), captured: Float64Array.from(captured), thresholds: Float64Array.from(thresholds) };
}
