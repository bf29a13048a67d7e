// Number formats of the demo's summary and report, one place so they agree:
// thousands separators, the currency sign before the number, signed effects,
// p-values to four decimals and `< 0.0001` below that.

/** 12,345 */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** $1,234.56, −$3.10 */
export function money(x: number, digits = 2): string {
  const body = Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${x < 0 ? '−' : ''}$${body}`;
}

/** +$2.69 / −$0.40 (an effect in money) */
export const moneyDiff = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${money(x, digits)}`;

/** 12.3% */
export const pct = (x: number, digits = 1): string => `${(100 * x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;

/** A probability as a percentage that never rounds to a certainty: 97.3%, > 99.9%, < 0.1% */
export const probability = (x: number): string => (x > 0.999 ? '> 99.9%' : x < 0.001 ? '< 0.1%' : pct(x));

/** A share that is not zero never prints as 0.0%: 12.3%, < 0.1% */
export const share = (x: number): string => (x > 0 && x < 0.0005 ? '< 0.1%' : pct(x));

/** +1.23 pp / −0.40 pp (a difference of two proportions) */
export function pp(x: number, digits = 2): string {
  const v = (100 * x).toFixed(digits);
  return `${x >= 0 ? '+' : '−'}${v.replace('-', '')} pp`;
}

/** A number with fixed decimals and thousands separators: 1,234.57 */
export const num = (x: number, digits = 2): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A p-value: 0.0123, or `< 0.0001` below that. */
export const pValue = (p: number): string => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));

/** `p = 0.0123` or `p < 0.0001` */
export const pEquals = (p: number): string => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

/** 2024-03-01 */
export const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** Seconds, as 0.8 s */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Left- and right-aligned table cells. */
export const padEnd = (s: string, n: number): string => s.padEnd(n);
export const padStart = (s: string, n: number): string => s.padStart(n);
