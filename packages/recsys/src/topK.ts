// Internal: partial top-k selection with a binary min-heap, O(n log k),
// never a full sort of the candidates. Ties go to the lower index so the
// result is deterministic.

/** Result of a selection, best first. */
export interface TopK {
  readonly index: Int32Array;
  readonly score: Float64Array;
}

/**
 * Selects the k best-scoring indexes in [0, n) (or among `candidates`).
 * `skip[i] !== 0` excludes i; `accept`, when given, is asked only about
 * candidates that would enter the current top k (so a costly filter runs
 * rarely). NaN scores are never selected.
 */
export function selectTopK(
  scores: ArrayLike<number>,
  k: number,
  skip: Uint8Array | null,
  accept: ((i: number) => boolean) | null,
  candidates: Int32Array | null,
): TopK {
  const heapIdx = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher index.
  const n = candidates === null ? scores.length : candidates.length;
  for (let t = 0; t < n; t++) {
    const i = candidates === null ? t : candidates[t]!;
    if (skip !== null && skip[i] !== 0) continue;
    const s = scores[i]!;
    if (s !== s) continue; // NaN
    if (size === k) {
      const ws = heapScore[0]!;
      if (s < ws || (s === ws && i > heapIdx[0]!)) continue;
    }
    if (accept !== null && !accept(i)) continue;
    if (size < k) {
      // sift up
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        const ps = heapScore[p]!;
        const pi = heapIdx[p]!;
        if (ps < s || (ps === s && pi > i)) break;
        heapScore[c] = ps;
        heapIdx[c] = pi;
        c = p;
      }
      heapScore[c] = s;
      heapIdx[c] = i;
    } else {
      // replace root, sift down
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        let m = l;
        const r = l + 1;
        if (r < size) {
          const ls = heapScore[l]!;
          const rs = heapScore[r]!;
          if (rs < ls || (rs === ls && heapIdx[r]! > heapIdx[l]!)) m = r;
        }
        const ms = heapScore[m]!;
        const mi = heapIdx[m]!;
        if (s < ms || (s === ms && i > mi)) break;
        heapScore[c] = ms;
        heapIdx[c] = mi;
        c = m;
      }
      heapScore[c] = s;
      heapIdx[c] = i;
    }
  }
  // Pop into best-first order.
  const index = new Int32Array(size);
  const score = new Float64Array(size);
  const order = Array.from({ length: size }, (_, j) => j);
  order.sort((a, b) => heapScore[b]! - heapScore[a]! || heapIdx[a]! - heapIdx[b]!);
  for (let j = 0; j < size; j++) {
    index[j] = heapIdx[order[j]!]!;
    score[j] = heapScore[order[j]!]!;
  }
  return { index, score };
}
