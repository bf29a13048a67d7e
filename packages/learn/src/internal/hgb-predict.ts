// Internal: predictions of boosted trees from raw features (thresholds in
// the features' units, NaN following each split's learned direction) and
// from binned rows (the validation rows during a fit).
import type { HgbTree } from './hgb-grower';

/** Numeric thresholds of a tree's splits: the bin's upper edge, or +∞ for a split of the non-missing values from the missing ones. */
export function numericThresholds(tree: HgbTree, binThresholds: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(tree.feature.length);
  for (let k = 0; k < out.length; k++) {
    const f = tree.feature[k]!;
    if (f < 0) continue;
    const t = binThresholds[f]!;
    out[k] = tree.bin[k]! < t.length ? t[tree.bin[k]!]! : Infinity;
  }
  return out;
}

/** Adds each tree's leaf value to `raw[i]` for every row i of `columns`. O(n · trees · depth). */
export function addRawPredictions(trees: readonly HgbTree[], thresholds: readonly Float64Array[], columns: readonly Float64Array[], n: number, raw: Float64Array): void {
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t]!;
    const thr = thresholds[t]!;
    const { feature, left, right, missingLeft, value } = tree;
    for (let i = 0; i < n; i++) {
      let node = 0;
      let f = feature[0]!;
      while (f >= 0) {
        const x = columns[f]![i]!;
        const goLeft = x !== x ? missingLeft[node] === 1 : x <= thr[node]!;
        node = goLeft ? left[node]! : right[node]!;
        f = feature[node]!;
      }
      raw[i]! += value[node]!;
    }
  }
}

/** Adds one tree's leaf value to `raw[i]` for every binned row i (feature-major: row i's bin of feature f at f · n + i). O(n · depth). */
export function addBinnedPredictions(tree: HgbTree, bins: Uint8Array, n: number, missingBin: number, raw: Float64Array): void {
  const { feature, left, right, missingLeft, value, bin } = tree;
  for (let i = 0; i < n; i++) {
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const b = bins[f * n + i]!;
      const goLeft = b === missingBin ? missingLeft[node] === 1 : b <= bin[node]!;
      node = goLeft ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    raw[i]! += value[node]!;
  }
}
