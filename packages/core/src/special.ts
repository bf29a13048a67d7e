import { ValidationError } from './errors';

// Lanczos approximation (g = 7, 9 coefficients), as tabulated by Paul Godfrey;
// about 15 significant digits for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Natural log of the gamma function, ln Γ(x), for x > 0 (reflection for
 * x < 0.5). About 15 significant digits. Returns `Infinity` at 0 and at
 * non-positive integers and at `Infinity`, `NaN` for `NaN` and `-Infinity`.
 *
 * Costs O(1).
 *
 * @param x - the argument (a number; `'5'` is refused)
 * @throws {@link ValidationError} `E_NUMBER` when `x` is not of type number
 * @example
 * ```ts
 * import { logGamma } from '@marksman/core';
 * Math.round(Math.exp(logGamma(5))); // => 24
 * ```
 */
export function logGamma(x: number): number {
  if (typeof x !== 'number') {
    throw new ValidationError('E_NUMBER', `logGamma: x must be a number, got ${x === null ? 'null' : typeof x}.`, { source: 'logGamma', field: 'x' });
  }
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
