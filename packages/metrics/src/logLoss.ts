import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { binaryWithScores, requireProbabilities } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /**
   * Probabilities are clipped to [eps, 1 − eps] so that a confident mistake
   * costs a large but finite amount; default `Number.EPSILON`
   * (2.220446049250313e-16, scikit-learn's `eps='auto'` for float64).
   */
  readonly eps?: number;
}

const DEFAULTS: Readonly<Required<LogLossOptions>> = Object.freeze({ eps: Number.EPSILON });

/**
 * Binary log loss (cross-entropy), natural log, averaged over rows:
 * `−mean(y·ln p + (1 − y)·ln(1 − p))` with p clipped to [eps, 1 − eps].
 *
 * Costs O(n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans
 * @param probabilities - predicted probability of outcome 1, in [0, 1]
 * @param options - `eps` (clipping, default `Number.EPSILON`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_RANGE` (a probability outside [0, 1]), `E_LENGTH`, `E_EMPTY`,
 *   `E_LABEL`, `E_NAN`, `E_NOT_FINITE`; `OptionsError` `E_OPTION_RANGE` (eps outside (0, 0.5))
 * @example
 * ```ts
 * import { logLoss } from '@marksman/metrics';
 * logLoss([1, 0, 1], [0.9, 0.2, 0.6]).toFixed(4); // => '0.2798'
 * ```
 */
export function logLoss(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, probabilities: ArrayLike<number> | ArrowLikeVector, options?: LogLossOptions): number {
  const source = 'logLoss';
  return logLossOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'probabilities', probabilities, 'number'), options);
}

function logLossOf(yTrue: ArrayLike<BinaryLabel>, probabilities: ArrayLike<number>, options?: LogLossOptions): number {
  const source = 'logLoss';
  const { eps } = resolveOptions(source, DEFAULTS, options);
  if (typeof eps !== 'number' || !(eps > 0 && eps < 0.5)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: eps must lie in (0, 0.5), got ${String(eps)}.`, { source, field: 'eps' });
  }
  const y = binaryWithScores(source, yTrue, probabilities, 'probabilities');
  requireProbabilities(source, 'probabilities', probabilities);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(Math.max(probabilities[i] as number, eps), 1 - eps);
    s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / y.length;
}
