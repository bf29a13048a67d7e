// Internal: collapses customers with identical (frequency, recency, T) into
// weighted patterns, and lists the distinct frequencies, so a likelihood
// evaluation costs O(patterns) logs plus O(distinct frequencies) log-gammas.
import type { ClvColumns } from './input';

export interface Patterns {
  /** Number of patterns. */
  k: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many customers share the pattern. */
  w: Float64Array;
  /** Index of the pattern's frequency in `xs`. */
  xi: Int32Array;
  /** Distinct frequencies. */
  xs: Float64Array;
}

export function compress(c: ClvColumns): Patterns {
  const seen = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < c.n; i++) {
    const key = `${c.x[i]}|${c.tx[i]}|${c.T[i]}`;
    const j = seen.get(key);
    if (j === undefined) {
      seen.set(key, x.length);
      x.push(c.x[i]!);
      tx.push(c.tx[i]!);
      T.push(c.T[i]!);
      w.push(1);
    } else {
      w[j] = w[j]! + 1;
    }
  }
  const distinct = [...new Set(x)].sort((a, b) => a - b);
  const pos = new Map(distinct.map((v, i) => [v, i]));
  return {
    k: x.length,
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    w: Float64Array.from(w),
    xi: Int32Array.from(x, (v) => pos.get(v)!),
    xs: Float64Array.from(distinct),
  };
}
