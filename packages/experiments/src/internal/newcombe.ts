// Newcombe's hybrid score interval of a difference of two proportions
// (Newcombe 1998, method 10): the Wilson limits of each proportion combined in
// quadrature. It keeps close to nominal coverage for small counts and rates
// near 0, where the Wald interval of p1 − p2 is too narrow.
import { wilsonInterval } from '@marksman/metrics';

/** p1 − p2 with its Newcombe interval; counts validated by the caller (n1, n2 ≥ 1). */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, confidence: number): { value: number; lower: number; upper: number } {
  const a = wilsonInterval(x1, n1, { confidence });
  const b = wilsonInterval(x2, n2, { confidence });
  const d = a.value - b.value;
  const lower = d - Math.sqrt((a.value - a.lower) ** 2 + (b.upper - b.value) ** 2);
  const upper = d + Math.sqrt((a.upper - a.value) ** 2 + (b.value - b.lower) ** 2);
  return { value: d, lower, upper };
}
