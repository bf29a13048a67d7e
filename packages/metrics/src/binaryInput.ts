// Internal: validation of binary targets and scores for classification metrics.
import { ValidationError } from '@marksman/core';
import { requireFinite, requireList, requireNonEmpty, requireSameLength } from './validation';

/** Binary outcomes as callers give them: 0/1 numbers or booleans. */
export type BinaryLabel = number | boolean;

/** Validates 0/1/boolean outcomes and returns them as 0/1 bytes. */
export function toBinary(source: string, field: string, y: ArrayLike<BinaryLabel>): Uint8Array {
  requireList(source, field, y);
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v === 0 || v === false) out[i] = 0;
    else {
      throw new ValidationError('E_LABEL', `${source}: ${field} at row ${i} is ${String(v)}; binary outcomes must be 0/1 or true/false.`, { source, field, row: i });
    }
  }
  return out;
}

/** Validates a binary target and a same-length score column (finite numbers). */
export function binaryWithScores(
  source: string,
  yTrue: ArrayLike<BinaryLabel>,
  scores: ArrayLike<number>,
  scoreField = 'scores',
): Uint8Array {
  requireSameLength(source, 'yTrue', yTrue, scoreField, scores);
  requireNonEmpty(source, 'yTrue', yTrue);
  const y = toBinary(source, 'yTrue', yTrue);
  for (let i = 0; i < scores.length; i++) requireFinite(source, scoreField, scores[i] as number, i);
  return y;
}

/** Validates probabilities in [0, 1]. */
export function requireProbabilities(source: string, field: string, p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v < 0 || v > 1) {
      throw new ValidationError('E_RANGE', `${source}: ${field} at row ${i} is ${v}; probabilities must lie in [0, 1].`, { source, field, row: i });
    }
  }
}

/** Throws `E_SINGLE_CLASS` unless both outcomes occur. Returns the number of positives. */
export function requireBothClasses(source: string, y: Uint8Array): number {
  let pos = 0;
  for (const v of y) pos += v;
  if (pos === 0 || pos === y.length) {
    throw new ValidationError('E_SINGLE_CLASS', `${source}: yTrue holds only ${pos === 0 ? 'negatives' : 'positives'}; the metric needs both outcomes.`, { source, field: 'yTrue' });
  }
  return pos;
}

/**
 * The scores of the positives and of the negatives, each sorted ascending.
 * Two native numeric sorts of Float64Arrays are much faster than sorting an
 * index array with a comparator, and are all the rank-based binary metrics
 * need.
 */
export function splitSortedScores(y: Uint8Array, scores: ArrayLike<number>, nPos: number): { pos: Float64Array; neg: Float64Array } {
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(y.length - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) pos[a++] = scores[i] as number;
    else neg[b++] = scores[i] as number;
  }
  // -0 and 0 are equal scores; normalise so the sort cannot separate them.
  for (let i = 0; i < pos.length; i++) if (pos[i] === 0) pos[i] = 0;
  for (let i = 0; i < neg.length; i++) if (neg[i] === 0) neg[i] = 0;
  pos.sort();
  neg.sort();
  return { pos, neg };
}

/** Cumulative counts at each distinct score threshold, scores descending. */
export interface ThresholdCounts {
  /** Distinct scores, descending. */
  readonly thresholds: Float64Array;
  /** Positives with score ≥ threshold. */
  readonly tps: Float64Array;
  /** Negatives with score ≥ threshold. */
  readonly fps: Float64Array;
}

/** Counts of true and false positives at every distinct threshold (scikit-learn's `_binary_clf_curve`). */
export function thresholdCounts(y: Uint8Array, scores: ArrayLike<number>, nPos: number): ThresholdCounts {
  const { pos, neg } = splitSortedScores(y, scores, nPos);
  const th: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let a = pos.length - 1;
  let b = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (a >= 0 || b >= 0) {
    const v = Math.max(a >= 0 ? (pos[a] as number) : -Infinity, b >= 0 ? (neg[b] as number) : -Infinity);
    while (a >= 0 && pos[a] === v) {
      tp++;
      a--;
    }
    while (b >= 0 && neg[b] === v) {
      fp++;
      b--;
    }
    th.push(v);
    tps.push(tp);
    fps.push(fp);
  }
  return { thresholds: Float64Array.from(th), tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}
