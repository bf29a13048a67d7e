import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { binaryWithScores, requireProbabilities } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/**
 * Brier score: mean squared difference between the predicted probability and
 * the 0/1 outcome (0 is perfect; always predicting 0.5 scores 0.25).
 *
 * Costs O(n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans
 * @param probabilities - predicted probability of outcome 1, in [0, 1]
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_RANGE`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { brierScore } from '@marksman/metrics';
 * brierScore([1, 0, 1], [0.9, 0.2, 0.6]).toFixed(4); // => '0.0700'
 * ```
 */
export function brierScore(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, probabilities: ArrayLike<number> | ArrowLikeVector): number {
  const source = 'brierScore';
  return brierScoreOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'probabilities', probabilities, 'number'));
}

function brierScoreOf(yTrue: ArrayLike<BinaryLabel>, probabilities: ArrayLike<number>): number {
  const source = 'brierScore';
  const y = binaryWithScores(source, yTrue, probabilities, 'probabilities');
  requireProbabilities(source, 'probabilities', probabilities);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = (probabilities[i] as number) - (y[i] as number);
    s += d * d;
  }
  return s / y.length;
}
