import { OptionsError, ValidationError } from '@marksman/core';
import { requireFinite, requireFiniteResult, requireInRange, requireNonNegative } from './validation';

const INPUT_KEYS: readonly string[] = ['averageOrderValue', 'purchaseFrequency', 'grossMargin', 'lifespan'];

/** Inputs of {@link historicClv}, all per customer and in one time unit (e.g. years). */
export interface HistoricClvInput {
  /** Average order value (currency per order), ≥ 0; see `averageOrderValue`. */
  readonly averageOrderValue: number;
  /** Orders per customer per time unit (e.g. orders per year), ≥ 0. */
  readonly purchaseFrequency: number;
  /** Gross margin as a fraction of revenue, in [0, 1]. */
  readonly grossMargin: number;
  /** Expected customer lifespan in the same time unit (e.g. years), ≥ 0. */
  readonly lifespan: number;
}

/**
 * Historic (average-based) customer lifetime value:
 * `CLV = averageOrderValue × purchaseFrequency × grossMargin × lifespan`,
 * the gross profit an average customer brings over the expected lifespan,
 * undiscounted. `purchaseFrequency` and `lifespan` must use the same time
 * unit. It treats every customer as the average one; for a per-customer,
 * model-based value (BG/NBD + Gamma-Gamma) use profiling's
 * `customerLifetimeValue`.
 *
 * Costs O(1).
 *
 * @param input - average order value, purchase frequency, gross margin and lifespan
 * @throws `ValidationError` `E_RANGE` (a negative input, or a margin outside [0, 1]),
 *   `E_NAN`, `E_NOT_FINITE`, `E_INPUT` (input is not an object), `E_OVERFLOW` (the product exceeds
 *   the largest double); `OptionsError` `E_OPTION_UNKNOWN` (a misspelt field)
 * @example
 * ```ts
 * import { historicClv } from '@marksman/metrics';
 * // €50 per order, 4 orders a year, 30 % margin, 3-year lifespan
 * historicClv({ averageOrderValue: 50, purchaseFrequency: 4, grossMargin: 0.3, lifespan: 3 }); // => 180
 * ```
 */
export function historicClv(input: HistoricClvInput): number {
  const source = 'historicClv';
  if (input === null || typeof input !== 'object') {
    throw new ValidationError('E_INPUT', `${source}: pass an object { averageOrderValue, purchaseFrequency, grossMargin, lifespan }.`, { source, field: 'input' });
  }
  for (const key of Object.keys(input)) {
    if (!INPUT_KEYS.includes(key)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `${source}: unknown field "${key}". Known fields: ${INPUT_KEYS.join(', ')}.`, { source, field: key });
    }
  }
  const { averageOrderValue, purchaseFrequency, grossMargin, lifespan } = input;
  requireNonNegative(source, 'averageOrderValue', averageOrderValue);
  requireNonNegative(source, 'purchaseFrequency', purchaseFrequency);
  requireFinite(source, 'grossMargin', grossMargin);
  requireInRange(source, 'grossMargin', grossMargin, 0, 1);
  requireNonNegative(source, 'lifespan', lifespan);
  return requireFiniteResult(source, 'averageOrderValue', averageOrderValue * purchaseFrequency * grossMargin * lifespan);
}
