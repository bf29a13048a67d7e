import type { Random } from '@marksman/core';

/**
 * CART trees on typed arrays (Breiman, Friedman, Olshen & Stone 1984), for
 * classification (Gini or entropy) and regression (squared error), grown
 * depth first like scikit-learn's `DecisionTreeClassifier` /
 * `DecisionTreeRegressor` (`splitter="best"`):
 *
 * - each feature is sorted once (for the whole fit); a node keeps, for every
 *   feature, its samples in sorted order as a slice of one index array (with
 *   their values, targets and weights gathered alongside, so scans read
 *   memory in order), and a split stably partitions those slices, so a level
 *   costs O(n·p);
 * - thresholds are midpoints between consecutive distinct values (values
 *   closer than 1e-7 count as equal), scanned with running weighted class
 *   counts (or running weighted sums of the target); the split maximises the
 *   decrease in weighted impurity;
 * - **ties**: a candidate replaces the best only when strictly better, and
 *   features are scanned in column order (thresholds in increasing order),
 *   so among equally good splits the lowest feature index and then the
 *   lowest threshold wins (scikit-learn visits features in a random order
 *   instead, so on tied data the two may pick different, equally good
 *   splits);
 * - a node is a leaf at `maxDepth`, with fewer than `minSamplesSplit` or
 *   `2·minSamplesLeaf` samples, when it is pure, or when no split leaves
 *   `minSamplesLeaf` samples on both sides.
 *
 * Nodes are numbered in pre-order (a left child directly follows its
 * parent), as scikit-learn's `tree_` arrays are.
 */

/** Impurity measure of a tree: Gini impurity or entropy (in bits) for classes, squared error for numbers. */
export type CartCriterion = 'gini' | 'entropy' | 'squared_error';

/** A fitted tree as flat arrays (node i). */
export interface TreeArrays {
  /** Split feature, −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold: x ≤ threshold goes left. NaN for a leaf. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training samples reaching the node (distinct rows). */
  readonly samples: Int32Array;
  /** Total weight of the training samples reaching the node. */
  readonly weightedSamples: Float64Array;
  /** Classification: weighted class totals, node-major (value[i·C + c]); regression: the weighted mean target (width 1). */
  readonly value: Float64Array;
  /** Classification: unweighted class counts, node-major; regression: null. */
  readonly counts: Float64Array | null;
  readonly impurity: Float64Array;
  readonly depth: Int32Array;
  /** Width of `value` per node: the number of classes, or 1 for regression. */
  readonly nClasses: number;
  /** Impurity decrease per feature, normalised to sum 1 (all zero for a single leaf). */
  readonly importances: Float64Array;
}

export interface CartParams {
  readonly criterion: CartCriterion;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per node (forests); p means all. */
  readonly maxFeatures: number;
  /** Random source for feature sampling; null scans every feature in order. */
  readonly rng: Random | null;
}

/** What a tree learns: class codes in [0, nClasses), or numeric targets. */
export type CartTarget = { readonly kind: 'class'; readonly y: Int32Array; readonly nClasses: number } | { readonly kind: 'regression'; readonly y: Float64Array };

export interface CartData {
  /** Feature columns, each of length n. */
  readonly columns: readonly Float64Array[];
  readonly target: CartTarget;
  /** Weight per row (class weight × sample weight × bootstrap count); rows with weight 0 are left out. */
  readonly weight: Float64Array;
  /** Row indices sorted by each feature (from {@link presort}). */
  readonly sorted: readonly Int32Array[];
}

const FEATURE_EPS = 1e-7;
const LN2 = Math.log(2);

/** Sorts `key` ascending in place, moving `idx` along (quicksort, median of three, insertion sort on short runs). */
function sortPairs(key: Float64Array, idx: Int32Array): void {
  const stack: number[] = [0, key.length - 1];
  while (stack.length > 0) {
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > 16) {
      const mid = (lo + hi) >>> 1;
      let a = key[lo]!;
      let b = key[mid]!;
      const c = key[hi]!;
      if (a > b) [a, b] = [b, a];
      const pivot = c < a ? a : c > b ? b : c;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (key[i]! < pivot) i++;
        while (key[j]! > pivot) j--;
        if (i <= j) {
          const tk = key[i]!;
          key[i] = key[j]!;
          key[j] = tk;
          const ti = idx[i]!;
          idx[i] = idx[j]!;
          idx[j] = ti;
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    for (let i = lo + 1; i <= hi; i++) {
      const tk = key[i]!;
      const ti = idx[i]!;
      let j = i - 1;
      while (j >= lo && key[j]! > tk) {
        key[j + 1] = key[j]!;
        idx[j + 1] = idx[j]!;
        j--;
      }
      key[j + 1] = tk;
      idx[j + 1] = ti;
    }
  }
}

/** Row indices sorted by each column, once per data set. O(p · n log n). */
export function presort(columns: readonly Float64Array[]): Int32Array[] {
  return columns.map((col) => {
    const idx = new Int32Array(col.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    sortPairs(col.slice(), idx);
    return idx;
  });
}

function impurityOf(criterion: CartCriterion, counts: Float64Array, off: number, C: number, total: number): number {
  if (total <= 0) return 0;
  if (criterion === 'gini') {
    let sq = 0;
    for (let c = 0; c < C; c++) {
      const v = counts[off + c]!;
      sq += v * v;
    }
    return 1 - sq / (total * total);
  }
  let h = 0;
  for (let c = 0; c < C; c++) {
    const v = counts[off + c]!;
    if (v > 0) {
      const p = v / total;
      h -= p * Math.log(p);
    }
  }
  return h / LN2;
}

/**
 * Buffers a tree grows in, sized for the data's rows and features; a forest
 * passes one to every tree so that each tree does not allocate its own.
 */
export interface CartWorkspace {
  readonly orders: Int32Array[];
  readonly vals: Float64Array[];
  readonly goesLeft: Uint8Array;
  readonly tmpI: Int32Array;
  readonly tmpV: Float64Array;
}

/** Buffers for growing trees on `n` rows of `p` features. */
export function cartWorkspace(n: number, p: number): CartWorkspace {
  return {
    orders: Array.from({ length: p }, () => new Int32Array(n)),
    vals: Array.from({ length: p }, () => new Float64Array(n)),
    goesLeft: new Uint8Array(n),
    tmpI: new Int32Array(n),
    tmpV: new Float64Array(n),
  };
}

/** Grows one tree. Rows with weight 0 are not used. O(depth · n · p · C). */
export function growTree(data: CartData, params: CartParams, workspace?: CartWorkspace): TreeArrays {
  const { columns, weight, target } = data;
  const isClass = target.kind === 'class';
  const yc = isClass ? target.y : new Int32Array(0);
  const yr = isClass ? new Float64Array(0) : target.y;
  const C = isClass ? target.nClasses : 1;
  const p = columns.length;
  const crit = params.criterion;
  const gini = crit === 'gini';
  const nAll = weight.length;
  const work = workspace ?? cartWorkspace(nAll, p);
  // Per-feature slices of active rows (weight > 0), in sorted order, with the
  // values gathered alongside so that scans read them in order (targets and
  // weights are read through the row index: fewer arrays to move when a
  // split partitions every feature's slice).
  const orders = work.orders;
  const vals = work.vals;
  let n = 0;
  for (let i = 0; i < nAll; i++) if (weight[i]! > 0) n++;
  for (let f = 0; f < p; f++) {
    const src = data.sorted[f]!;
    const x = columns[f]!;
    const o = orders[f]!;
    const v = vals[f]!;
    let k = 0;
    for (let s = 0; s < src.length; s++) {
      const i = src[s]!;
      if (weight[i]! > 0) {
        o[k] = i;
        v[k] = x[i]!;
        k++;
      }
    }
  }
  const { goesLeft, tmpI, tmpV } = work;
  const featOrder = new Int32Array(p);
  const leftW = new Float64Array(C);
  const totW = new Float64Array(C);
  const totN = new Float64Array(C);

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const samples: number[] = [];
  const depthArr: number[] = [];
  const impurity: number[] = [];
  const value: number[] = [];
  const counts: number[] = [];
  const importances = new Float64Array(p);
  const nodeW: number[] = [];

  // Stack of [start, end, depth, parent, isLeft]
  const stack: number[] = [0, n, 0, -1, 0];
  while (stack.length > 0) {
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const id = feature.length;
    if (parent >= 0) {
      if (isLeft === 1) left[parent] = id;
      else right[parent] = id;
    }
    const o0 = orders[0]!;
    let wN = 0;
    let imp: number;
    let sumY = 0;
    if (isClass) {
      totW.fill(0);
      totN.fill(0);
      for (let t = start; t < end; t++) {
        const i = o0[t]!;
        const c = yc[i]!;
        const w = weight[i]!;
        totW[c]! += w;
        totN[c]! += 1;
        wN += w;
      }
      imp = impurityOf(crit, totW, 0, C, wN);
    } else {
      // Two passes (mean, then squared deviations), so a constant target has impurity exactly 0.
      for (let t = start; t < end; t++) {
        const i = o0[t]!;
        const w = weight[i]!;
        wN += w;
        sumY += w * yr[i]!;
      }
      const mean = wN > 0 ? sumY / wN : 0;
      let ss = 0;
      for (let t = start; t < end; t++) {
        const i = o0[t]!;
        const d = yr[i]! - mean;
        ss += weight[i]! * d * d;
      }
      imp = wN > 0 ? ss / wN : 0;
    }
    const size = end - start;
    feature.push(-1);
    threshold.push(NaN);
    left.push(-1);
    right.push(-1);
    samples.push(size);
    depthArr.push(depth);
    impurity.push(imp);
    nodeW.push(wN);
    if (isClass) {
      for (let c = 0; c < C; c++) {
        value.push(totW[c]!);
        counts.push(totN[c]!);
      }
    } else {
      value.push(wN > 0 ? sumY / wN : 0);
    }
    const minLeaf = params.minSamplesLeaf;
    if (depth >= params.maxDepth || size < params.minSamplesSplit || size < 2 * minLeaf || imp <= Number.EPSILON) continue;

    // Feature visiting order.
    for (let f = 0; f < p; f++) featOrder[f] = f;
    const rng = params.rng;
    if (rng !== null) {
      for (let f = 0; f < p - 1; f++) {
        const g = f + rng.int(p - f);
        const t = featOrder[f]!;
        featOrder[f] = featOrder[g]!;
        featOrder[g] = t;
      }
    }
    let bestF = -1;
    let bestPos = -1;
    let bestProxy = -Infinity;
    let bestThr = NaN;
    let visited = 0;
    for (let fi = 0; fi < p; fi++) {
      if (visited >= params.maxFeatures && bestF >= 0) break;
      const f = featOrder[fi]!;
      const xs = vals[f]!;
      const os = orders[f]!;
      if (xs[end - 1]! <= xs[start]! + FEATURE_EPS) continue; // constant here
      visited++;
      let wL = 0;
      if (isClass) {
        leftW.fill(0);
        for (let t = start; t < end - 1; t++) {
          const i = os[t]!;
          const w = weight[i]!;
          leftW[yc[i]!]! += w;
          wL += w;
          const v = xs[t]!;
          const vNext = xs[t + 1]!;
          if (vNext <= v + FEATURE_EPS) continue;
          const nL = t - start + 1;
          if (nL < minLeaf || size - nL < minLeaf) continue;
          const wR = wN - wL;
          let proxy: number;
          if (gini) {
            let sqL = 0;
            let sqR = 0;
            for (let c = 0; c < C; c++) {
              const a = leftW[c]!;
              const b = totW[c]! - a;
              sqL += a * a;
              sqR += b * b;
            }
            // −(wL·giniL + wR·giniR) up to the constant −wN
            proxy = sqL / wL + sqR / wR;
          } else {
            let hL = 0;
            let hR = 0;
            for (let c = 0; c < C; c++) {
              const a = leftW[c]!;
              const b = totW[c]! - a;
              if (a > 0) hL -= a * Math.log(a / wL);
              if (b > 0) hR -= b * Math.log(b / wR);
            }
            proxy = -(hL + hR);
          }
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestF = f;
            bestPos = t + 1;
            let thr = (v + vNext) / 2;
            if (thr === vNext || !Number.isFinite(thr)) thr = v;
            bestThr = thr;
          }
        }
      } else {
        let sL = 0;
        for (let t = start; t < end - 1; t++) {
          const i = os[t]!;
          const w = weight[i]!;
          sL += w * yr[i]!;
          wL += w;
          const v = xs[t]!;
          const vNext = xs[t + 1]!;
          if (vNext <= v + FEATURE_EPS) continue;
          const nL = t - start + 1;
          if (nL < minLeaf || size - nL < minLeaf) continue;
          const wR = wN - wL;
          const sR = sumY - sL;
          // −(wL·mseL + wR·mseR) up to a constant (scikit-learn's proxy improvement)
          const proxy = (sL * sL) / wL + (sR * sR) / wR;
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestF = f;
            bestPos = t + 1;
            let thr = (v + vNext) / 2;
            if (thr === vNext || !Number.isFinite(thr)) thr = v;
            bestThr = thr;
          }
        }
      }
    }
    if (bestF < 0) continue;

    // Partition every feature's slice stably: rows of [start, bestPos) in the best order go left.
    const ordB = orders[bestF]!;
    for (let t = start; t < end; t++) goesLeft[ordB[t]!] = t < bestPos ? 1 : 0;
    // Children that will be leaves whatever their rows (depth or size) read only feature 0's slice (their totals).
    const sizeL = bestPos - start;
    const sizeR = end - bestPos;
    const leafBySize = (m: number) => depth + 1 >= params.maxDepth || m < params.minSamplesSplit || m < 2 * minLeaf;
    const onlyFirst = leafBySize(sizeL) && leafBySize(sizeR);
    for (let f = 0; f < (onlyFirst ? 1 : p); f++) {
      if (f === bestF) continue;
      const ord = orders[f]!;
      const xs = vals[f]!;
      let l = start;
      let r = 0;
      for (let t = start; t < end; t++) {
        const i = ord[t]!;
        if (goesLeft[i] === 1) {
          ord[l] = i;
          xs[l] = xs[t]!;
          l++;
        } else {
          tmpI[r] = i;
          tmpV[r] = xs[t]!;
          r++;
        }
      }
      ord.set(tmpI.subarray(0, r), l);
      xs.set(tmpV.subarray(0, r), l);
    }
    feature[id] = bestF;
    threshold[id] = bestThr;
    // Push right first so the left child gets the next id (pre-order).
    stack.push(bestPos, end, depth + 1, id, 0);
    stack.push(start, bestPos, depth + 1, id, 1);
  }

  // Importances: weighted impurity decrease per feature.
  const m = feature.length;
  for (let i = 0; i < m; i++) {
    const f = feature[i]!;
    if (f < 0) continue;
    const l = left[i]!;
    const r = right[i]!;
    importances[f]! += nodeW[i]! * impurity[i]! - nodeW[l]! * impurity[l]! - nodeW[r]! * impurity[r]!;
  }
  let s = 0;
  for (let f = 0; f < p; f++) s += importances[f]!;
  if (s > 0) for (let f = 0; f < p; f++) importances[f]! /= s;
  else importances.fill(0);

  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    samples: Int32Array.from(samples),
    weightedSamples: Float64Array.from(nodeW),
    value: Float64Array.from(value),
    counts: isClass ? Float64Array.from(counts) : null,
    impurity: Float64Array.from(impurity),
    depth: Int32Array.from(depthArr),
    nClasses: C,
    importances,
  };
}

/** Leaf reached by row i of column-major data. */
export function leafOf(tree: TreeArrays, columns: readonly ArrayLike<number>[], i: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = columns[tree.feature[node]!]![i]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}
