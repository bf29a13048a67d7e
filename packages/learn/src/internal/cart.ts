import type { Random } from '@marksman/core';

/**
 * CART trees on typed arrays (Breiman, Friedman, Olshen & Stone 1984), for
 * classification (Gini or entropy) and regression (squared error), grown
 * depth first like scikit-learn's `DecisionTreeClassifier` /
 * `DecisionTreeRegressor` (`splitter="best"`):
 *
 * - each feature is sorted once per data set ({@link codeColumns}): every row
 *   gets the index of its distinct value (its code) and its position in the
 *   feature's sorted order (its rank), shared by every tree of a forest;
 * - a node owns a slice of one row-index array (rows in increasing order);
 *   only the features the node examines are read: a feature with few
 *   distinct values compared with the node's rows is scanned through a
 *   histogram of weighted class totals (or target sums) per code, O(rows +
 *   codes); any other is read in sorted order by sorting the node rows'
 *   ranks, O(rows · log rows), which visits rows exactly as one global sort
 *   does; a split then partitions the one slice stably, O(rows), so a node
 *   costs O(rows · examined features) and not O(rows · p);
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
  /**
   * The stream of the feature draws as its state words ({@link streamWords}),
   * advanced in place as `Random.nextUint32` would advance it; null scans
   * every feature in order.
   */
  readonly stream: Int32Array | null;
}

/** What a tree learns: class codes in [0, nClasses), or numeric targets. */
export type CartTarget = { readonly kind: 'class'; readonly y: Int32Array; readonly nClasses: number } | { readonly kind: 'regression'; readonly y: Float64Array };

export interface CartData {
  /** Feature columns with their codes and sort order (from {@link codeColumns}). */
  readonly coded: CodedColumns;
  readonly target: CartTarget;
  /** Weight per row (class weight × sample weight × bootstrap count); rows with weight 0 are left out. */
  readonly weight: Float64Array;
}

/** Feature columns prepared once for growing trees on them. */
export interface CodedColumns {
  /** Feature columns, each of length n. */
  readonly columns: readonly Float64Array[];
  /** Row indices sorted by each feature. */
  readonly sorted: readonly Int32Array[];
  /** Position of each row in `sorted[f]`. */
  readonly rank: readonly Int32Array[];
  /** Each feature's values in sorted order (`values[f][k]` is the value of row `sorted[f][k]`). */
  readonly values: readonly Float64Array[];
  /** Index of each row's value among the feature's distinct values (ascending). */
  readonly code: readonly Int32Array[];
  /**
   * `code` in 8 bits where the feature has at most 256 distinct values, in
   * 16 bits where it has at most 65,536 (a half or a quarter of the memory
   * for the per-row gathers of the histograms and partitions), else `code`
   * itself.
   */
  readonly narrow: readonly (Uint8Array | Uint16Array | Int32Array)[];
  /** Each feature's distinct values, ascending. */
  readonly levels: readonly Float64Array[];
  /** For a feature with two distinct values, its codes (0 or 1) as bytes, a quarter of `code`'s memory; else null. */
  readonly bits: readonly (Uint8Array | null)[];
  /** The largest number of distinct values of a feature. */
  readonly maxLevels: number;
}

const FEATURE_EPS = 1e-7;
const LN2 = Math.log(2);
/** A feature is scanned through a histogram of its codes when it has at most this many distinct values per node row. */
const HISTOGRAM_RATIO = 2;

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

const TWO_POW_32 = 2 ** 32;

/** 2³² less its remainder modulo m (m ≥ 1): a 32-bit draw at or above it is drawn again, as `Random.int(m)` does. */
export function drawLimit(m: number): number {
  return TWO_POW_32 - (TWO_POW_32 % m);
}

/**
 * A `Random`'s stream as its four xoshiro128** state words (from
 * `getState`, as 32-bit integers): {@link growTree} and the forest's
 * bootstrap step the generator on local copies of them, in registers, and
 * write them back, so a stream is read without a method call per draw and
 * gives the same numbers as `nextUint32` and `int`.
 */
export function streamWords(rng: Random): Int32Array {
  return Int32Array.from(rng.getState().words);
}

/** Bits per digit of the rank sort. */
const RADIX_BITS = 8;
/** Runs at most this long are sorted by insertion. */
const INSERTION_MAX = 48;

/**
 * Sorts `keys[start, end)`, distinct integers in [0, top], ascending, when
 * they differ above their lowest `low` bits (those bits are not sorted on):
 * by insertion for short runs, else least significant digit first from bit
 * `low` (8 bits a pass, as many passes as `top` needs, through `aux`).
 * O(size · ⌈(log₂ top − low) / 8⌉).
 */
function sortRanks(keys: Int32Array, aux: Int32Array, count: Int32Array, start: number, end: number, low: number, top: number): void {
  const size = end - start;
  if (size <= INSERTION_MAX) {
    for (let t = start + 1; t < end; t++) {
      const k = keys[t]!;
      let u = t - 1;
      while (u >= start && keys[u]! > k) {
        keys[u + 1] = keys[u]!;
        u--;
      }
      keys[u + 1] = k;
    }
    return;
  }
  const buckets = 1 << RADIX_BITS;
  const mask = buckets - 1;
  let from = keys;
  let to = aux;
  for (let shift = low; top >> shift > 0; shift += RADIX_BITS) {
    count.fill(0);
    for (let t = start; t < end; t++) count[(from[t]! >> shift) & mask]!++;
    let at = start;
    for (let d = 0; d < buckets; d++) {
      const c = count[d]!;
      count[d] = at;
      at += c;
    }
    for (let t = start; t < end; t++) {
      const k = from[t]!;
      to[count[(k >> shift) & mask]!++] = k;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from !== keys) keys.set(from.subarray(start, end), start);
}

/**
 * Sorts each column once and codes its values (distinct value index, rank
 * in the sorted order), for every tree grown on these columns. O(p · n log n).
 */
export function codeColumns(columns: readonly Float64Array[]): CodedColumns {
  const sorted: Int32Array[] = [];
  const rank: Int32Array[] = [];
  const code: Int32Array[] = [];
  const levels: Float64Array[] = [];
  const values: Float64Array[] = [];
  const bits: (Uint8Array | null)[] = [];
  const narrow: (Uint8Array | Uint16Array | Int32Array)[] = [];
  let maxLevels = 0;
  for (const col of columns) {
    const n = col.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    const key = col.slice();
    sortPairs(key, idx);
    const rk = new Int32Array(n);
    const cd = new Int32Array(n);
    const lv: number[] = [];
    for (let s = 0; s < n; s++) {
      const i = idx[s]!;
      rk[i] = s;
      if (s === 0 || key[s]! !== key[s - 1]!) lv.push(key[s]!);
      cd[i] = lv.length - 1;
    }
    sorted.push(idx);
    values.push(key);
    rank.push(rk);
    code.push(cd);
    levels.push(Float64Array.from(lv));
    bits.push(lv.length === 2 ? Uint8Array.from(cd) : null);
    narrow.push(lv.length <= 256 ? Uint8Array.from(cd) : lv.length <= 65536 ? Uint16Array.from(cd) : cd);
    if (lv.length > maxLevels) maxLevels = lv.length;
  }
  return { columns, sorted, rank, values, code, narrow, levels, bits, maxLevels };
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
 * Buffers a tree grows in, sized for the data's rows, distinct values and
 * classes; a forest passes one to every tree so that each tree does not
 * allocate its own. Histogram buffers are all zero between uses.
 */
export interface CartWorkspace {
  readonly rows: Int32Array;
  readonly tmp: Int32Array;
  readonly keys: Int32Array;
  /** Weight and target of the row at each position of `rows` (moved with it), and partition buffers for them. */
  readonly rowW: Float64Array;
  readonly rowY: Float64Array;
  readonly tmpW: Float64Array;
  readonly tmpY: Float64Array;
  /** Second buffer of the rank sort, and its digit counts. */
  readonly keysAux: Int32Array;
  readonly digitCount: Int32Array;
  readonly binN: Int32Array;
  /** Per code: weighted class totals (classification, C per code) or weight and weighted target sum (regression, 2 per code). */
  readonly binW: Float64Array;
}

/** Buffers for growing trees on `coded` with `width` classes (1 for regression). */
export function cartWorkspace(coded: CodedColumns, width: number): CartWorkspace {
  const n = coded.columns.length > 0 ? coded.columns[0]!.length : 0;
  return {
    rows: new Int32Array(n),
    tmp: new Int32Array(n),
    keys: new Int32Array(n),
    keysAux: new Int32Array(n),
    rowW: new Float64Array(n),
    rowY: new Float64Array(n),
    tmpW: new Float64Array(n),
    tmpY: new Float64Array(n),
    digitCount: new Int32Array(1 << RADIX_BITS),
    binN: new Int32Array(coded.maxLevels),
    binW: new Float64Array(coded.maxLevels * Math.max(2, width)),
  };
}

/** Grows one tree. Rows with weight 0 are not used. O(depth · n · (examined features) · C). */
export function growTree(data: CartData, params: CartParams, workspace?: CartWorkspace): TreeArrays {
  const { coded, weight, target } = data;
  const isClass = target.kind === 'class';
  const yc = isClass ? target.y : new Int32Array(0);
  const yr = isClass ? new Float64Array(0) : target.y;
  const C = isClass ? target.nClasses : 1;
  const p = coded.columns.length;
  const crit = params.criterion;
  const gini = crit === 'gini';
  const nAll = weight.length;
  const work = workspace ?? cartWorkspace(coded, C);
  // The active rows (weight > 0) in increasing order; splits keep that
  // order (stable partitions), so a node's rows are read from memory in
  // order and its totals sum in a fixed order.
  const rows = work.rows;
  let n = 0;
  // rowW and rowY hold each position's weight and target (class code as a number), so that the scans
  // read them in order rather than gathering them through the row index.
  const { tmp, keys, keysAux, digitCount, binN, binW, rowW, rowY, tmpW, tmpY } = work;
  for (let i = 0; i < nAll; i++) {
    const w = weight[i]!;
    if (w > 0) {
      rows[n] = i;
      rowW[n] = w;
      rowY[n] = isClass ? yc[i]! : yr[i]!;
      n++;
    }
  }
  const featOrder = new Int32Array(p);
  // Bits of a row rank, for the sorted route's keys.
  const rankBits = 32 - Math.clz32(Math.max(1, nAll - 1));
  const drawLimits = Float64Array.from({ length: p + 1 }, (_, m) => (m > 0 ? drawLimit(m) : 0));
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

  // Stack of [start, end, depth, parent, isLeft]; entry k's features known
  // to be constant on its rows (found constant in an ancestor, or made
  // constant by a split on them) are flagged in known[k]: they cannot split
  // the node, so they are passed over without reading them.
  const stack: number[] = [0, n, 0, -1, 0];
  const known: Uint8Array[] = [new Uint8Array(p)];
  // Entry k's totals (classification: weighted class totals, class counts, total weight; regression: weight, weighted target sum).
  const sumWidth = isClass ? 2 * C + 1 : 2;
  const sums: Float64Array[] = [new Float64Array(sumWidth)];
  const cur = new Uint8Array(p);
  while (stack.length > 0) {
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const slot = stack.length / 5;
    cur.set(known[slot]!);
    const id = feature.length;
    if (parent >= 0) {
      if (isLeft === 1) left[parent] = id;
      else right[parent] = id;
    }
    let wN = 0;
    let imp: number;
    let sumY = 0;
    // A child's totals were summed by its parent's partition, over the same rows in the same order.
    const pre = parent >= 0 ? sums[slot]! : null;
    if (isClass && pre !== null) {
      for (let c = 0; c < C; c++) {
        totW[c] = pre[c]!;
        totN[c] = pre[C + c]!;
      }
      wN = pre[2 * C]!;
      imp = impurityOf(crit, totW, 0, C, wN);
    } else if (isClass) {
      totW.fill(0);
      totN.fill(0);
      for (let t = start; t < end; t++) {
        const c = rowY[t]!;
        const w = rowW[t]!;
        totW[c]! += w;
        totN[c]! += 1;
        wN += w;
      }
      imp = impurityOf(crit, totW, 0, C, wN);
    } else {
      // Two passes (mean, then squared deviations), so a constant target has impurity exactly 0.
      if (pre !== null) {
        wN = pre[0]!;
        sumY = pre[1]!;
      } else {
        for (let t = start; t < end; t++) {
          const w = rowW[t]!;
          wN += w;
          sumY += w * rowY[t]!;
        }
      }
      const mean = wN > 0 ? sumY / wN : 0;
      let ss = 0;
      for (let t = start; t < end; t++) {
        const d = rowY[t]! - mean;
        ss += rowW[t]! * d * d;
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
    const stream = params.stream;
    if (stream !== null) {
      // Fisher–Yates with Random.int(p − f)'s draws: xoshiro128** (as Random.nextUint32) on the state words,
      // a draw at or above the limit drawn again, the remainder x − ⌊x / m⌋·m exact for x, m below 2³².
      let s0 = stream[0]!;
      let s1 = stream[1]!;
      let s2 = stream[2]!;
      let s3 = stream[3]!;
      for (let f = 0; f < p - 1; f++) {
        const m = p - f;
        const limit = drawLimits[m]!;
        let x: number;
        do {
          const a = Math.imul(s1, 5);
          x = Math.imul((a << 7) | (a >>> 25), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
        } while (x >= limit);
        const g = f + (x - Math.floor(x / m) * m);
        const t = featOrder[f]!;
        featOrder[f] = featOrder[g]!;
        featOrder[g] = t;
      }
      stream[0] = s0;
      stream[1] = s1;
      stream[2] = s2;
      stream[3] = s3;
    }
    let bestF = -1;
    let bestCode = -1;
    let bestProxy = -Infinity;
    let bestThr = NaN;
    // The best feature's lowest and highest codes in the node, and the code right after the split.
    let bestLo = -1;
    let bestHi = -1;
    let bestNext = -1;
    // Rows left of the best split.
    let bestNL = 0;
    let visited = 0;
    for (let fi = 0; fi < p; fi++) {
      if (visited >= params.maxFeatures && bestF >= 0) break;
      const f = featOrder[fi]!;
      if (cur[f] === 1) continue;
      const cd = coded.narrow[f]!;
      const lv = coded.levels[f]!;
      if (lv.length === 2 && (!isClass || C === 2)) {
        const bit = coded.bits[f]!;
        // Two values (0/1 flags, one-hot columns): only the totals of the rows with code 0 are needed, summed
        // in registers (z is 1 for code 0, else 0; the products are exact, so the sums equal the histogram's).
        let nL = 0;
        let wL = 0;
        let sL = 0;
        if (isClass) {
          let w0 = 0;
          let w1 = 0;
          for (let t = start; t < end; t++) {
            const z = 1 - bit[rows[t]!]!;
            const zw = z * rowW[t]!;
            const c = rowY[t]!;
            nL += z;
            w0 += (1 - c) * zw;
            w1 += c * zw;
          }
          leftW[0] = w0;
          leftW[1] = w1;
          wL = w0 + w1;
        } else {
          for (let t = start; t < end; t++) {
            const z = 1 - bit[rows[t]!]!;
            const w = rowW[t]!;
            nL += z;
            wL += z * w;
            sL += z * (w * rowY[t]!);
          }
        }
        const v = lv[0]!;
        const vNext = lv[1]!;
        if (nL === 0 || nL === size || !(vNext > v + FEATURE_EPS)) {
          cur[f] = 1; // constant here
          continue;
        }
        visited++;
        if (nL >= minLeaf && size - nL >= minLeaf) {
          const proxy = splitProxy(isClass, gini, sL, sumY, wL, wN - wL, leftW, totW, C);
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestF = f;
            bestCode = 0;
            bestLo = 0;
            bestHi = 1;
            bestNext = 1;
            bestNL = nL;
            let thr = (v + vNext) / 2;
            if (thr === vNext || !Number.isFinite(thr)) thr = v;
            bestThr = thr;
          }
        }
        continue;
      }
      if (lv.length <= HISTOGRAM_RATIO * size) {
        // Histogram of the node's rows per code: O(size + codes in range).
        let lo = lv.length;
        let hi = -1;
        if (isClass) {
          for (let t = start; t < end; t++) {
            const b = cd[rows[t]!]!;
            binN[b]!++;
            binW[b * C + (rowY[t]! | 0)]! += rowW[t]!;
            if (b < lo) lo = b;
            if (b > hi) hi = b;
          }
        } else {
          for (let t = start; t < end; t++) {
            const b = cd[rows[t]!]!;
            const w = rowW[t]!;
            binN[b]!++;
            binW[2 * b]! += w;
            binW[2 * b + 1]! += w * rowY[t]!;
            if (b < lo) lo = b;
            if (b > hi) hi = b;
          }
        }
        if (lv[hi]! > lv[lo]! + FEATURE_EPS) {
          visited++;
          let nL = 0;
          let wL = 0;
          let sL = 0;
          let prev = -1;
          if (isClass) leftW.fill(0);
          for (let b = lo; b <= hi; b++) {
            const cnt = binN[b]!;
            if (cnt === 0) continue;
            if (prev >= 0) {
              const v = lv[prev]!;
              const vNext = lv[b]!;
              if (vNext > v + FEATURE_EPS && nL >= minLeaf && size - nL >= minLeaf) {
                const proxy = splitProxy(isClass, gini, sL, sumY, wL, wN - wL, leftW, totW, C);
                if (proxy > bestProxy) {
                  bestProxy = proxy;
                  bestF = f;
                  bestCode = prev;
                  bestLo = lo;
                  bestHi = hi;
                  bestNext = b;
                  bestNL = nL;
                  let thr = (v + vNext) / 2;
                  if (thr === vNext || !Number.isFinite(thr)) thr = v;
                  bestThr = thr;
                }
              }
            }
            nL += cnt;
            if (isClass) {
              for (let c = 0; c < C; c++) {
                const a = binW[b * C + c]!;
                leftW[c]! += a;
                wL += a;
              }
            } else {
              wL += binW[2 * b]!;
              sL += binW[2 * b + 1]!;
            }
            prev = b;
          }
        } else cur[f] = 1;
        // Leave the histogram buffers zero.
        if (hi >= lo) {
          binN.fill(0, lo, hi + 1);
          if (isClass) binW.fill(0, lo * C, (hi + 1) * C);
          else binW.fill(0, 2 * lo, 2 * (hi + 1));
        }
        continue;
      }
      // Many distinct values: visit the node's rows in the feature's sorted order (sorting their ranks).
      const rk = coded.rank[f]!;
      const srt = coded.sorted[f]!;
      const xs = coded.values[f]!;
      const posBits = 32 - Math.clz32(size - 1);
      if (posBits + rankBits <= 31) {
        // Each key is the row's rank above its position in the node (so that the sorted scan reads the weight and
        // target carried at that position, near the node's other rows, rather than through the row index).
        for (let t = start; t < end; t++) keys[t] = (rk[rows[t]!]! << posBits) | (t - start);
        sortRanks(keys, keysAux, digitCount, start, end, posBits, ((nAll - 1) << posBits) | ((1 << posBits) - 1));
        const posMask = (1 << posBits) - 1;
        const kFirst = keys[start]!;
        const kLast = keys[end - 1]!;
        if (xs[kLast >>> posBits]! <= xs[kFirst >>> posBits]! + FEATURE_EPS) {
          cur[f] = 1; // constant here
          continue;
        }
        visited++;
        let wL = 0;
        let sL = 0;
        if (isClass) leftW.fill(0);
        let k = kFirst;
        for (let t = start; t < end - 1; t++) {
          const at = start + (k & posMask);
          const w = rowW[at]!;
          if (isClass) leftW[rowY[at]! | 0]! += w;
          else sL += w * rowY[at]!;
          wL += w;
          const kNext = keys[t + 1]!;
          const v = xs[k >>> posBits]!;
          const vNext = xs[kNext >>> posBits]!;
          const here = at;
          k = kNext;
          if (vNext <= v + FEATURE_EPS) continue;
          const nL = t - start + 1;
          if (nL < minLeaf || size - nL < minLeaf) continue;
          const proxy = splitProxy(isClass, gini, sL, sumY, wL, wN - wL, leftW, totW, C);
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestF = f;
            bestCode = cd[rows[here]!]!;
            bestLo = cd[rows[start + (kFirst & posMask)]!]!;
            bestHi = cd[rows[start + (kLast & posMask)]!]!;
            bestNext = cd[rows[start + (kNext & posMask)]!]!;
            bestNL = nL;
            let thr = (v + vNext) / 2;
            if (thr === vNext || !Number.isFinite(thr)) thr = v;
            bestThr = thr;
          }
        }
        continue;
      }
      for (let t = start; t < end; t++) keys[t] = rk[rows[t]!]!;
      sortRanks(keys, keysAux, digitCount, start, end, 0, nAll - 1);
      const first = srt[keys[start]!]!;
      const last = srt[keys[end - 1]!]!;
      if (xs[keys[end - 1]!]! <= xs[keys[start]!]! + FEATURE_EPS) {
        cur[f] = 1; // constant here
        continue;
      }
      visited++;
      let wL = 0;
      let sL = 0;
      if (isClass) leftW.fill(0);
      let i = srt[keys[start]!]!;
      for (let t = start; t < end - 1; t++) {
        const w = weight[i]!;
        if (isClass) leftW[yc[i]!]! += w;
        else sL += w * yr[i]!;
        wL += w;
        const kNext = keys[t + 1]!;
        const iNext = srt[kNext]!;
        const v = xs[keys[t]!]!;
        const vNext = xs[kNext]!;
        const here = i;
        i = iNext;
        if (vNext <= v + FEATURE_EPS) continue;
        const nL = t - start + 1;
        if (nL < minLeaf || size - nL < minLeaf) continue;
        const proxy = splitProxy(isClass, gini, sL, sumY, wL, wN - wL, leftW, totW, C);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestF = f;
          bestCode = cd[here]!;
          bestLo = cd[first]!;
          bestHi = cd[last]!;
          bestNext = cd[i]!;
          bestNL = nL;
          let thr = (v + vNext) / 2;
          if (thr === vNext || !Number.isFinite(thr)) thr = v;
          bestThr = thr;
        }
      }
    }
    if (bestF < 0) continue;

    // Partition the node's slice stably: rows whose code is at most the best
    // split's go left; the children's totals are summed on the way.
    while (known.length < slot + 2) {
      known.push(new Uint8Array(p));
      sums.push(new Float64Array(sumWidth));
    }
    const sumR = sums[slot]!.fill(0);
    const sumL = sums[slot + 1]!.fill(0);
    const cdB = coded.narrow[bestF]!;
    const childDepth = depth + 1;
    const sizeR = size - bestNL;
    if (isClass && (childDepth >= params.maxDepth || Math.max(bestNL, sizeR) < Math.max(params.minSamplesSplit, 2 * minLeaf))) {
      // Both children are leaves (by depth or size), and a class leaf needs only its totals: they are summed
      // without moving the rows (a row adds w or an exact 0 to each side's sums, in row order as after a
      // partition). The children's entries span bestNL and sizeR positions; their rows are never read.
      leafSums(C, rows, rowW, rowY, cdB, bestCode, start, end, sumL, sumR);
      feature[id] = bestF;
      threshold[id] = bestThr;
      stack.push(start + bestNL, end, childDepth, id, 0);
      stack.push(start, start + bestNL, childDepth, id, 1);
      continue;
    }
    // Without branches: every row is written to both sides and only the
    // side it belongs to advances (a row's code above the split's gives 1
    // from the sign bit of bestCode − code), so the unpredictable left/right
    // test costs no mispredicted jumps. l ≤ t, so a write at l never
    // overwrites a row not yet read.
    let l = start;
    let r = 0;
    for (let t = start; t < end; t++) {
      const i = rows[t]!;
      const w = rowW[t]!;
      const y = rowY[t]!;
      const goRight = (bestCode - cdB[i]!) >>> 31;
      rows[l] = i;
      rowW[l] = w;
      rowY[l] = y;
      tmp[r] = i;
      tmpW[r] = w;
      tmpY[r] = y;
      l += 1 - goRight;
      r += goRight;
    }
    // The children's totals, each side's rows summed in their order (the
    // order the rows had in the node, as the partition is stable).
    childSums(isClass, C, rowW, rowY, start, l, sumL);
    childSums(isClass, C, tmpW, tmpY, 0, r, sumR);
    rows.set(tmp.subarray(0, r), l);
    rowW.set(tmpW.subarray(0, r), l);
    rowY.set(tmpY.subarray(0, r), l);
    feature[id] = bestF;
    threshold[id] = bestThr;
    // Push right first so the left child gets the next id (pre-order).
    const lvB = coded.levels[bestF]!;
    known[slot]!.set(cur);
    known[slot]![bestF] = lvB[bestHi]! <= lvB[bestNext]! + FEATURE_EPS ? 1 : 0;
    known[slot + 1]!.set(cur);
    known[slot + 1]![bestF] = lvB[bestCode]! <= lvB[bestLo]! + FEATURE_EPS ? 1 : 0;
    stack.push(l, end, depth + 1, id, 0);
    stack.push(start, l, depth + 1, id, 1);
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

/**
 * A child's totals from its rows' weights `w` and targets `y` at positions
 * [from, to), into `out` (cleared beforehand): classification: weighted
 * class totals, class counts, total weight; regression: total weight and
 * weighted target sum. Two classes are summed in registers (y is 0 or 1,
 * so y·w and (1 − y)·w are w or 0 exactly, and the sums equal per-class
 * sums in the same order).
 */
function childSums(isClass: boolean, C: number, w: Float64Array, y: Float64Array, from: number, to: number, out: Float64Array): void {
  let wT = 0;
  if (!isClass) {
    let sT = 0;
    for (let t = from; t < to; t++) {
      const wt = w[t]!;
      wT += wt;
      sT += wt * y[t]!;
    }
    out[0] = wT;
    out[1] = sT;
    return;
  }
  if (C === 2) {
    let w0 = 0;
    let w1 = 0;
    let n1 = 0;
    for (let t = from; t < to; t++) {
      const wt = w[t]!;
      const c = y[t]!;
      w0 += (1 - c) * wt;
      w1 += c * wt;
      n1 += c;
      wT += wt;
    }
    out[0] = w0;
    out[1] = w1;
    out[2] = to - from - n1;
    out[3] = n1;
    out[4] = wT;
    return;
  }
  for (let t = from; t < to; t++) {
    const wt = w[t]!;
    const c = y[t]!;
    out[c]! += wt;
    out[C + c]! += 1;
    wT += wt;
  }
  out[2 * C] = wT;
}

/**
 * The totals of a class split's two children (as {@link childSums} gives
 * them after a partition) from the node's rows at [start, end) in place: a
 * row goes right when its code is above `bestCode`, and adds its weight
 * times 1 to its side's sums and times 0 (an exact +0) to the other's.
 */
function leafSums(C: number, rows: Int32Array, w: Float64Array, y: Float64Array, code: Uint8Array | Uint16Array | Int32Array, bestCode: number, start: number, end: number, outL: Float64Array, outR: Float64Array): void {
  let wL = 0;
  let wR = 0;
  if (C === 2) {
    let w0L = 0;
    let w1L = 0;
    let n1L = 0;
    let nL = 0;
    let w0R = 0;
    let w1R = 0;
    let n1R = 0;
    for (let t = start; t < end; t++) {
      const goRight = (bestCode - code[rows[t]!]!) >>> 31;
      const goLeft = 1 - goRight;
      const wt = w[t]!;
      const c = y[t]!;
      const w0 = (1 - c) * wt;
      const w1 = c * wt;
      w0L += goLeft * w0;
      w1L += goLeft * w1;
      n1L += goLeft * c;
      nL += goLeft;
      wL += goLeft * wt;
      w0R += goRight * w0;
      w1R += goRight * w1;
      n1R += goRight * c;
      wR += goRight * wt;
    }
    outL[0] = w0L;
    outL[1] = w1L;
    outL[2] = nL - n1L;
    outL[3] = n1L;
    outL[4] = wL;
    outR[0] = w0R;
    outR[1] = w1R;
    outR[2] = end - start - nL - n1R;
    outR[3] = n1R;
    outR[4] = wR;
    return;
  }
  for (let t = start; t < end; t++) {
    const goRight = (bestCode - code[rows[t]!]!) >>> 31;
    const goLeft = 1 - goRight;
    const wt = w[t]!;
    const c = y[t]! | 0;
    outL[c]! += goLeft * wt;
    outL[C + c]! += goLeft;
    wL += goLeft * wt;
    outR[c]! += goRight * wt;
    outR[C + c]! += goRight;
    wR += goRight * wt;
  }
  outL[2 * C] = wL;
  outR[2 * C] = wR;
}

/** Leaf reached by row i of column-major data. */
export function leafOf(tree: TreeArrays, columns: readonly ArrayLike<number>[], i: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = columns[tree.feature[node]!]![i]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/**
 * The split's improvement up to a constant, larger is better, from the left side's sums: for
 * regression −(wL·mseL + wR·mseR) (scikit-learn's proxy improvement, from the weighted sums of y),
 * for gini −(wL·giniL + wR·giniR) up to the constant −wN, for entropy −(wL·HL + wR·HR), from the
 * class weights on the left (`leftW`) and in the node (`totW`).
 */
function splitProxy(isClass: boolean, gini: boolean, sL: number, sumY: number, wL: number, wR: number, leftW: Float64Array, totW: Float64Array, C: number): number {
  if (!isClass) {
    const sR = sumY - sL;
    return (sL * sL) / wL + (sR * sR) / wR;
  }
  if (gini) {
    let sqL = 0;
    let sqR = 0;
    for (let c = 0; c < C; c++) {
      const a = leftW[c]!;
      const r = totW[c]! - a;
      sqL += a * a;
      sqR += r * r;
    }
    return sqL / wL + sqR / wR;
  }
  let hL = 0;
  let hR = 0;
  for (let c = 0; c < C; c++) {
    const a = leftW[c]!;
    const r = totW[c]! - a;
    if (a > 0) hL -= a * Math.log(a / wL);
    if (r > 0) hR -= r * Math.log(r / wR);
  }
  return -(hL + hR);
}
