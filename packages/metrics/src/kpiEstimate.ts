// Internal: the result shape of the KPI intervals and its shared checks.
import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { twoSidedZ } from './normalQuantile';

/**
 * How a {@link KpiEstimate}'s interval was formed: `'wilson'` (score interval
 * of a proportion), `'delta'` (first-order Taylor expansion of a ratio of
 * means), `'wald'` (estimate ± z·standard error of a difference).
 */
export type KpiIntervalMethod = 'wilson' | 'delta' | 'wald';

/** A KPI with its confidence interval. */
export interface KpiEstimate {
  /** The point estimate (the same number the bare KPI function returns on the totals). */
  readonly value: number;
  /** Lower end of the interval. */
  readonly lower: number;
  /** Upper end of the interval. */
  readonly upper: number;
  /** Standard error of `value` (for `'wilson'`, the Wald standard error √(p(1 − p)/n), shown for reference). */
  readonly standardError: number;
  /** Confidence level of the interval, e.g. 0.95. */
  readonly confidence: number;
  /** How the interval was formed. */
  readonly method: KpiIntervalMethod;
  /** Number of units behind the estimate (trials, or units of a ratio, or both arms of an experiment). */
  readonly n: number;
}

/** Options of the KPI interval functions. */
export interface KpiIntervalOptions {
  /** Confidence level in (0, 1); default 0.95. */
  readonly confidence?: number;
}

export const INTERVAL_DEFAULTS: Readonly<{ confidence: number }> = Object.freeze({ confidence: 0.95 });

/** Resolves `{ confidence }` and returns it with its two-sided z. */
export function resolveConfidence(source: string, options: KpiIntervalOptions | undefined): { confidence: number; z: number } {
  const o = resolveOptions(source, INTERVAL_DEFAULTS, options);
  requireConfidence(source, o.confidence);
  return { confidence: o.confidence, z: twoSidedZ(o.confidence) };
}

/** Throws `E_OPTION_RANGE` unless `c` is a number strictly between 0 and 1. */
export function requireConfidence(source: string, c: unknown): asserts c is number {
  if (typeof c !== 'number' || !(c > 0 && c < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: confidence must lie strictly between 0 and 1 (e.g. 0.95), got ${typeof c === 'string' ? JSON.stringify(c) : String(c)}.`, { source, field: 'confidence' });
  }
}

/** A normal-approximation interval value ± z·se. */
export function symmetric(value: number, se: number, z: number, confidence: number, method: KpiIntervalMethod, n: number): KpiEstimate {
  return { value, lower: value - z * se, upper: value + z * se, standardError: se, confidence, method, n };
}
