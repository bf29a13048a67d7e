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
  /** Scratch arrays of xs.length values, reused by every likelihood evaluation. */
  scratch: Float64Array;
  scratch2: Float64Array;
}

export function compress(c: ClvColumns): Patterns {
  // Nested maps frequency → T → recency → pattern index: no key strings, and
  // patterns keep the order in which they first appear.
  const seen = new Map<number, Map<number, Map<number, number>>>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < c.n; i++) {
    const xi = c.x[i]!;
    const ti = c.tx[i]!;
    const Ti = c.T[i]!;
    let byT = seen.get(xi);
    if (byT === undefined) seen.set(xi, (byT = new Map()));
    let byTx = byT.get(Ti);
    if (byTx === undefined) byT.set(Ti, (byTx = new Map()));
    const j = byTx.get(ti);
    if (j === undefined) {
      byTx.set(ti, x.length);
      x.push(xi);
      tx.push(ti);
      T.push(Ti);
      w.push(1);
    } else {
      w[j] = w[j]! + 1;
    }
  }
  const distinct = [...seen.keys()].sort((a, b) => a - b);
  const pos = new Map(distinct.map((v, i) => [v, i]));
  return {
    k: x.length,
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    w: Float64Array.from(w),
    xi: Int32Array.from(x, (v) => pos.get(v)!),
    xs: Float64Array.from(distinct),
    scratch: new Float64Array(distinct.length),
    scratch2: new Float64Array(distinct.length),
  };
}
