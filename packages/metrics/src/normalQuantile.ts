// Internal: the two-sided normal critical value for confidence intervals, on
// the standard normal quantile shared through @marksman/core/internal. Not
// exported from index.ts.
import { normalPpf } from '@marksman/core/internal';

/** Two-sided critical value z for a confidence level in (0, 1): Φ⁻¹(1 − (1 − level)/2). */
export function twoSidedZ(confidence: number): number {
  return -normalPpf((1 - confidence) / 2);
}
