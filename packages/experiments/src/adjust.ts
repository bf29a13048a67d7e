import { OptionsError, ValidationError } from '@marksman/core';
import { assertNever } from '@marksman/core/internal';

/**
 * Multiple-testing correction: `'bonferroni'` and `'holm'` control the
 * family-wise error rate, `'bh'` (Benjamini–Hochberg) the false discovery rate.
 */
export type AdjustMethod = 'bonferroni' | 'holm' | 'bh';

/**
 * Adjusts a family of p-values for multiple testing; compare the adjusted
 * values with alpha as usual. The family is exactly the array you pass: put
 * in it every comparison you will act on (e.g. all variants × all primary
 * metrics), and state that scope in the report. Agrees with statsmodels'
 * `multipletests(method='bonferroni' | 'holm' | 'fdr_bh')`.
 *
 * - Bonferroni: min(1, m·p).
 * - Holm (step-down): sorted ascending, p̃₍ᵢ₎ = max_{j≤i} min(1, (m − j + 1)·p₍ⱼ₎).
 * - Benjamini–Hochberg (step-up): p̃₍ᵢ₎ = min_{j≥i} min(1, m·p₍ⱼ₎ / j).
 *
 * Costs O(m log m).
 *
 * @param pValues - the family of p-values (not modified)
 * @param method - `'bonferroni'`, `'holm'` or `'bh'`
 * @returns adjusted p-values in the input order
 * @throws `ValidationError` `E_P_VALUE` for a value outside [0, 1];
 *   `OptionsError` `E_ADJUST_METHOD` for an unknown method
 * @example
 * ```ts
 * import { adjustPValues } from '@marksman/experiments';
 * adjustPValues([0.01, 0.04, 0.03], 'holm'); // => [0.03, 0.06, 0.06]
 * adjustPValues([0.01, 0.04, 0.03], 'bh'); // => [0.03, 0.04, 0.04]
 * ```
 */
export function adjustPValues(pValues: readonly number[], method: AdjustMethod): number[] {
  const source = 'adjustPValues';
  if (method !== 'bonferroni' && method !== 'holm' && method !== 'bh') {
    throw new OptionsError('E_ADJUST_METHOD', `${source}: method must be 'bonferroni', 'holm' or 'bh', got ${JSON.stringify(method)}.`, { source, field: 'method' });
  }
  if (!Array.isArray(pValues)) {
    throw new ValidationError('E_P_VALUE', `${source}: pValues must be an array of numbers in [0, 1], got ${pValues === null ? 'null' : typeof pValues}.`, { source, field: 'pValues' });
  }
  const m = pValues.length;
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ValidationError('E_P_VALUE', `${source}: p-value ${i} is ${String(p)}; p-values lie in [0, 1].`, { source, field: 'pValues', row: i });
    }
  });
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const out = new Array<number>(m);
  switch (method) {
    case 'bonferroni':
      for (let i = 0; i < m; i++) out[i] = Math.min(1, m * pValues[i]!);
      return out;
    case 'holm': {
      let running = 0;
      for (let r = 0; r < m; r++) {
        const i = order[r]!;
        running = Math.max(running, Math.min(1, (m - r) * pValues[i]!));
        out[i] = running;
      }
      return out;
    }
    case 'bh': {
      let running = 1;
      for (let r = m - 1; r >= 0; r--) {
        const i = order[r]!;
        running = Math.min(running, Math.min(1, (m * pValues[i]!) / (r + 1)));
        out[i] = running;
      }
      return out;
    }
    default:
      return assertNever(method, 'method');
  }
}
