// Internal helpers shared by the frequentist tests and the design functions:
// p-values and confidence bounds for a statistic with a normal or Student t
// reference distribution, for each alternative. Tails come from the accurate
// complements in ./distributions (never 1 − cdf).
import { OptionsError } from '@marksman/core';
import { normalCdf, normalIsf, normalSf, studentTCdf, studentTIsf, studentTSf } from './distributions';

/**
 * Direction of the alternative hypothesis about treatment − control:
 * `'two-sided'` (≠ 0), `'greater'` (> 0) or `'less'` (< 0). Same words as scipy.
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** An interval [low, high]; one-sided tests give an infinite end, as scipy does. */
export interface Interval {
  low: number;
  high: number;
}

export function checkAlternative(alt: unknown, source: string): Alternative {
  if (alt === 'two-sided' || alt === 'greater' || alt === 'less') return alt;
  throw new OptionsError('E_ALTERNATIVE', `${source}: alternative must be 'two-sided', 'greater' or 'less', got ${JSON.stringify(alt)}.`, {
    source,
    field: 'alternative',
  });
}

export function checkAlpha(alpha: unknown, source: string, field = 'alpha'): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new OptionsError('E_ALPHA', `${source}: ${field} must be in (0, 1), got ${String(alpha)}.`, { source, field });
  }
  return alpha;
}

/** Upper tail P(S > s) of the reference law (normal when df is Infinity). */
function upper(s: number, df: number): number {
  return df === Infinity ? normalSf(s) : studentTSf(s, df);
}

function lower(s: number, df: number): number {
  return df === Infinity ? normalCdf(s) : studentTCdf(s, df);
}

/** p-value of a statistic `s` (z or t with `df` degrees of freedom; Infinity = normal). */
export function pValueOf(s: number, df: number, alt: Alternative): number {
  if (Number.isNaN(s)) return NaN;
  switch (alt) {
    case 'greater':
      return upper(s, df);
    case 'less':
      return lower(s, df);
    case 'two-sided':
      return Math.min(1, 2 * upper(Math.abs(s), df));
  }
}

/** Critical value c with P(S > c) = tail. */
export function criticalValue(tail: number, df: number): number {
  return df === Infinity ? normalIsf(tail) : studentTIsf(tail, df);
}

/** Confidence interval of an estimate with standard error `se` at level 1 − alpha. */
export function intervalOf(estimate: number, se: number, df: number, alpha: number, alt: Alternative): Interval {
  switch (alt) {
    case 'two-sided': {
      const c = criticalValue(alpha / 2, df);
      return { low: estimate - c * se, high: estimate + c * se };
    }
    case 'greater':
      return { low: estimate - criticalValue(alpha, df) * se, high: Infinity };
    case 'less':
      return { low: -Infinity, high: estimate + criticalValue(alpha, df) * se };
  }
}
