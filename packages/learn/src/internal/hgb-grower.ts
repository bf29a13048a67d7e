// Internal: grows one tree of histogram gradient boosting on binned data, as
// scikit-learn's `TreeGrower` (LightGBM's leaf-wise growth): the leaf with
// the largest gain is split next, until `maxLeafNodes` leaves, `maxDepth`,
// `minSamplesLeaf` or a gain ≤ 0 stops it. A node's histogram holds, per
// feature and bin, the sums of gradients and hessians and the row count;
// the smaller child's is built from its rows and the larger child's is the
// parent's minus it. Split gains, leaf values (−G / (H + λ)) and the
// direction of missing values follow scikit-learn's splitter.

/** Growth settings. */
export interface GrowerSettings {
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly learningRate: number;
}

/** The binned training data and its per-feature facts. */
export interface BinnedData {
  /** Feature-major bins: row i's bin of feature f is at f · n + i (partitions read one column). */
  readonly bins: Uint8Array;
  /** The same bins row-major, at i · p + f (histograms read each row's p bins together). */
  readonly rowBins: Uint8Array;
  readonly n: number;
  readonly p: number;
  /** Histogram bins per feature (maxBins + 1, the last for missing values). */
  readonly nBins: number;
  readonly missingBin: number;
  /** Non-missing bins per feature. */
  readonly nNonMissing: Int32Array;
  /** Whether the feature has missing values in the training rows. */
  readonly hasMissing: Uint8Array;
  /** Training rows per feature and bin (at f · nBins + b): the root's counts, the same at every iteration. */
  readonly rootCounts: Float64Array;
}

/** Rows per feature and bin of feature-major `bins` (n rows, p features), for {@link BinnedData.rootCounts}. O(n · p). */
export function binCounts(bins: Uint8Array, n: number, p: number, nBins: number): Float64Array {
  const out = new Float64Array(p * nBins);
  for (let f = 0; f < p; f++) {
    const o = f * nBins;
    for (let k = f * n, end = k + n; k < end; k++) out[o + bins[k]!]! += 1;
  }
  return out;
}

/** A fitted boosting tree, nodes in pre-order (a left child follows its parent). */
export interface HgbTree {
  /** Split feature, −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split bin: non-missing bins ≤ it go left. */
  readonly bin: Int32Array;
  /** 1 when missing values go left. */
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf value (shrunk by the learning rate); 0 for split nodes. */
  readonly value: Float64Array;
  /** Split gain (0 for leaves). */
  readonly gain: Float64Array;
  /** Training rows reaching the node. */
  readonly count: Int32Array;
}

const MIN_HESSIAN_TO_SPLIT = 1e-3;

interface Node {
  start: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  value: number;
  hist: Float64Array | null;
  leaf: boolean;
  // best split
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  sgL: number;
  shL: number;
  nL: number;
  leftChild: number;
  rightChild: number;
  seq: number;
}

/** Rows a node's histogram gathers at a time (their bins, gradients and hessians then sit together in L1). */
const BLOCK = 256;

/** Reusable buffers of one fit. */
export class GrowerWorkspace {
  readonly idx: Int32Array;
  readonly tmp: Int32Array;
  /** Per bin, whether the split being applied sends it left. */
  readonly goLeft: Uint8Array;
  readonly #pool: Float64Array[] = [];
  readonly #size: number;

  /** The row-major bins as 32-bit words (p/4 per row) when p is a multiple of 4, else null. */
  readonly rowWords: Uint32Array | null;
  /** A block of gathered rows: bins (p per row; `blockWords` is the same memory), gradients, hessians. */
  readonly blockBins: Uint8Array;
  readonly blockWords: Uint32Array;
  readonly blockG = new Float32Array(BLOCK);
  readonly blockH = new Float32Array(BLOCK);

  constructor(n: number, p: number, nBins: number, rowBins: Uint8Array) {
    this.idx = new Int32Array(n);
    this.tmp = new Int32Array(n);
    this.goLeft = new Uint8Array(nBins);
    this.#size = p * nBins * 3;
    this.rowWords = p % 4 === 0 && rowBins.byteOffset % 4 === 0 ? new Uint32Array(rowBins.buffer, rowBins.byteOffset, (n * p) >> 2) : null;
    this.blockWords = new Uint32Array(BLOCK * Math.ceil(p / 4));
    this.blockBins = new Uint8Array(this.blockWords.buffer);
  }

  take(): Float64Array {
    return this.#pool.pop() ?? new Float64Array(this.#size);
  }

  give(h: Float64Array): void {
    this.#pool.push(h);
  }
}

/**
 * Sums of gradients (and hessians) and counts per feature and bin for rows
 * idx[start, end). The rows are taken a block at a time: first their bins
 * (whole 32-bit words when p is a multiple of 4), gradients and hessians are
 * copied into small contiguous buffers, a tight loop whose scattered reads
 * overlap in memory, then the block is summed a row at a time over its p
 * bins, four features per step (the unrolled loop runs markedly faster in
 * V8). Every bin receives its rows in idx order.
 */
function buildHistogram(hist: Float64Array, d: BinnedData, idx: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array | null, ws: GrowerWorkspace): void {
  hist.fill(0);
  const p = d.p;
  const bins = d.rowBins;
  const words = ws.rowWords;
  const bb = ws.blockBins;
  const bw = ws.blockWords;
  const bg = ws.blockG;
  const bh = ws.blockH;
  const q = p >> 2;
  for (let s0 = start; s0 < end; s0 += BLOCK) {
    const m = Math.min(BLOCK, end - s0);
    if (words !== null) {
      for (let u = 0, o = 0; u < m; u++) {
        const i = idx[s0 + u]!;
        bg[u] = g[i]!;
        if (h !== null) bh[u] = h[i]!;
        for (let w = i * q, e = w + q; w < e; w++) bw[o++] = words[w]!;
      }
    } else {
      for (let u = 0, o = 0; u < m; u++) {
        const i = idx[s0 + u]!;
        bg[u] = g[i]!;
        if (h !== null) bh[u] = h[i]!;
        for (let k = i * p, e = k + p; k < e; k++) bb[o++] = bins[k]!;
      }
    }
    accumulateBlock(hist, bb, bg, h === null ? null : bh, m, p, d.nBins * 3);
  }
}

/** Adds the m gathered rows of a block (bins row-major in `bb`, p per row) to `hist`, with stride `st` per feature. */
function accumulateBlock(hist: Float64Array, bb: Uint8Array, bg: Float32Array, bh: Float32Array | null, m: number, p: number, st: number): void {
  const p4 = p - (p % 4);
  const st2 = 2 * st;
  const st3 = 3 * st;
  if (bh !== null) {
    for (let u = 0, row = 0; u < m; u++, row += p) {
      const gi = bg[u]!;
      const hi = bh[u]!;
      let f = 0;
      for (; f < p4; f += 4) {
        const o = f * st;
        const k0 = o + bb[row + f]! * 3;
        const k1 = o + st + bb[row + f + 1]! * 3;
        const k2 = o + st2 + bb[row + f + 2]! * 3;
        const k3 = o + st3 + bb[row + f + 3]! * 3;
        hist[k0]! += gi;
        hist[k0 + 1]! += hi;
        hist[k0 + 2]! += 1;
        hist[k1]! += gi;
        hist[k1 + 1]! += hi;
        hist[k1 + 2]! += 1;
        hist[k2]! += gi;
        hist[k2 + 1]! += hi;
        hist[k2 + 2]! += 1;
        hist[k3]! += gi;
        hist[k3 + 1]! += hi;
        hist[k3 + 2]! += 1;
      }
      for (; f < p; f++) {
        const k = f * st + bb[row + f]! * 3;
        hist[k]! += gi;
        hist[k + 1]! += hi;
        hist[k + 2]! += 1;
      }
    }
  } else {
    for (let u = 0, row = 0; u < m; u++, row += p) {
      const gi = bg[u]!;
      let f = 0;
      for (; f < p4; f += 4) {
        const o = f * st;
        const k0 = o + bb[row + f]! * 3;
        const k1 = o + st + bb[row + f + 1]! * 3;
        const k2 = o + st2 + bb[row + f + 2]! * 3;
        const k3 = o + st3 + bb[row + f + 3]! * 3;
        hist[k0]! += gi;
        hist[k0 + 2]! += 1;
        hist[k1]! += gi;
        hist[k1 + 2]! += 1;
        hist[k2]! += gi;
        hist[k2 + 2]! += 1;
        hist[k3]! += gi;
        hist[k3 + 2]! += 1;
      }
      for (; f < p; f++) {
        const k = f * st + bb[row + f]! * 3;
        hist[k]! += gi;
        hist[k + 2]! += 1;
      }
    }
  }
}

/**
 * The root's histogram: every row in order (so each bin receives its rows
 * as `buildHistogram` would), sums of gradients and hessians only; the
 * counts, which do not change between iterations, are copied from
 * `d.rootCounts`. A third fewer read-modify-writes than `buildHistogram`.
 */
function buildRootHistogram(hist: Float64Array, d: BinnedData, g: Float32Array, h: Float32Array | null): void {
  hist.fill(0);
  const bins = d.rowBins;
  const n = d.n;
  const p = d.p;
  const p4 = p - (p % 4);
  const nBins = d.nBins;
  const st = nBins * 3;
  const st2 = 2 * st;
  const st3 = 3 * st;
  if (h !== null) {
    for (let i = 0, row = 0; i < n; i++, row += p) {
      const gi = g[i]!;
      const hi = h[i]!;
      let f = 0;
      for (; f < p4; f += 4) {
        const o = f * st;
        const k0 = o + bins[row + f]! * 3;
        const k1 = o + st + bins[row + f + 1]! * 3;
        const k2 = o + st2 + bins[row + f + 2]! * 3;
        const k3 = o + st3 + bins[row + f + 3]! * 3;
        hist[k0]! += gi;
        hist[k0 + 1]! += hi;
        hist[k1]! += gi;
        hist[k1 + 1]! += hi;
        hist[k2]! += gi;
        hist[k2 + 1]! += hi;
        hist[k3]! += gi;
        hist[k3 + 1]! += hi;
      }
      for (; f < p; f++) {
        const k = f * st + bins[row + f]! * 3;
        hist[k]! += gi;
        hist[k + 1]! += hi;
      }
    }
  } else {
    for (let i = 0, row = 0; i < n; i++, row += p) {
      const gi = g[i]!;
      let f = 0;
      for (; f < p4; f += 4) {
        const o = f * st;
        hist[o + bins[row + f]! * 3]! += gi;
        hist[o + st + bins[row + f + 1]! * 3]! += gi;
        hist[o + st2 + bins[row + f + 2]! * 3]! += gi;
        hist[o + st3 + bins[row + f + 3]! * 3]! += gi;
      }
      for (; f < p; f++) hist[f * st + bins[row + f]! * 3]! += gi;
    }
  }
  const counts = d.rootCounts;
  for (let c = 0, k = 2; c < counts.length; c++, k += 3) hist[k] = counts[c]!;
}

function nodeValue(sumG: number, sumH: number, l2: number): number {
  return -sumG / (sumH + l2 + 1e-15);
}

/** Finds the best split of a node from its histogram (scikit-learn's `find_node_split`); sets gain −1 when none is valid. */
function findSplit(node: Node, d: BinnedData, s: GrowerSettings, constantHessian: boolean): void {
  const hist = node.hist!;
  const n = node.end - node.start;
  const sumG = node.sumG;
  const sumH = node.sumH;
  const l2 = s.l2Regularization;
  const minLeaf = s.minSamplesLeaf;
  const lossCurrent = sumG * node.value;
  const stride = d.nBins * 3;
  let bestGain = -1;
  let bestF = 0;
  let bestBin = 0;
  let bestMissLeft = false;
  let bestSgL = 0;
  let bestShL = 0;
  let bestNL = 0;
  for (let f = 0; f < d.p; f++) {
    const off = f * stride;
    const miss = d.hasMissing[f]!;
    const nnm = d.nNonMissing[f]!;
    let fGain = -1;
    let fBin = 0;
    let fMissLeft = false;
    let fSgL = 0;
    let fShL = 0;
    let fNL = 0;
    // Left to right: missing values (if any) go right.
    const end = nnm - 1 + miss;
    let sgL = 0;
    let shL = 0;
    let nL = 0;
    for (let b = 0; b < end; b++) {
      const k = off + b * 3;
      const c = hist[k + 2]!;
      nL += c;
      shL += constantHessian ? c : hist[k + 1]!;
      sgL += hist[k]!;
      const nR = n - nL;
      const shR = sumH - shL;
      const sgR = sumG - sgL;
      if (nL < minLeaf) continue;
      if (nR < minLeaf) break;
      if (shL < MIN_HESSIAN_TO_SPLIT) continue;
      if (shR < MIN_HESSIAN_TO_SPLIT) break;
      const gain = lossCurrent - sgL * nodeValue(sgL, shL, l2) - sgR * nodeValue(sgR, shR, l2);
      if (gain > fGain && gain > 0) {
        fGain = gain;
        fBin = b;
        fMissLeft = false;
        fSgL = sgL;
        fShL = shL;
        fNL = nL;
      }
    }
    if (miss === 1) {
      // Right to left: missing values go left.
      let sgR = 0;
      let shR = 0;
      let nR = 0;
      for (let b = nnm - 2; b >= 0; b--) {
        const k = off + (b + 1) * 3;
        const c = hist[k + 2]!;
        nR += c;
        shR += constantHessian ? c : hist[k + 1]!;
        sgR += hist[k]!;
        const nL2 = n - nR;
        const shL2 = sumH - shR;
        const sgL2 = sumG - sgR;
        if (nR < minLeaf) continue;
        if (nL2 < minLeaf) break;
        if (shR < MIN_HESSIAN_TO_SPLIT) continue;
        if (shL2 < MIN_HESSIAN_TO_SPLIT) break;
        const gain = lossCurrent - sgL2 * nodeValue(sgL2, shL2, l2) - sgR * nodeValue(sgR, shR, l2);
        if (gain > fGain && gain > 0) {
          fGain = gain;
          fBin = b;
          fMissLeft = true;
          fSgL = sgL2;
          fShL = shL2;
          fNL = nL2;
        }
      }
    }
    if (fGain > bestGain) {
      bestGain = fGain;
      bestF = f;
      bestBin = fBin;
      bestMissLeft = fMissLeft;
      bestSgL = fSgL;
      bestShL = fShL;
      bestNL = fNL;
    }
  }
  node.gain = bestGain;
  node.feature = bestF;
  node.bin = bestBin;
  node.missingLeft = bestMissLeft;
  node.sgL = bestSgL;
  node.shL = bestShL;
  node.nL = bestNL;
}

/** A max-heap of nodes by gain (earlier nodes first on ties). */
class NodeHeap {
  readonly #items: Node[] = [];

  get size(): number {
    return this.#items.length;
  }

  #before(a: Node, b: Node): boolean {
    return a.gain > b.gain || (a.gain === b.gain && a.seq < b.seq);
  }

  push(node: Node): void {
    const a = this.#items;
    a.push(node);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Node {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.#before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  drain(): Node[] {
    return this.#items.splice(0);
  }
}

/**
 * Grows one tree on gradients `g` and hessians `h` (null: constant hessian
 * 1, as for squared error without weights) of the rows of `d`, whose sums
 * in row order are `sumG` and `sumH` (n for a constant hessian), and adds
 * each training row's leaf value to `raw`. O(n · p · depth) for the
 * histograms (the smaller child only) plus O(leaves · p · bins) for the
 * split search.
 */
export function growHgbTree(d: BinnedData, g: Float32Array, h: Float32Array | null, sumG: number, sumH: number, s: GrowerSettings, ws: GrowerWorkspace, raw: Float64Array): HgbTree {
  const n = d.n;
  const idx = ws.idx;
  for (let i = 0; i < n; i++) idx[i] = i;
  const constantHessian = h === null;
  const nodes: Node[] = [];
  let seq = 0;
  const make = (start: number, end: number, depth: number, sG: number, sH: number, value: number): Node => {
    const node: Node = { start, end, depth, sumG: sG, sumH: sH, value, hist: null, leaf: false, gain: -1, feature: -1, bin: 0, missingLeft: false, sgL: 0, shL: 0, nL: 0, leftChild: -1, rightChild: -1, seq: seq++ };
    nodes.push(node);
    return node;
  };
  const root = make(0, n, 0, sumG, sumH, 0);
  const heap = new NodeHeap();
  let finalized = 0;
  const finalize = (node: Node): void => {
    node.leaf = true;
    finalized++;
    if (node.hist !== null) {
      ws.give(node.hist);
      node.hist = null;
    }
  };
  const considerSplit = (node: Node): void => {
    findSplit(node, d, s, constantHessian);
    if (node.gain <= 0) finalize(node);
    else heap.push(node);
  };
  if (n < 2 * s.minSamplesLeaf || sumH < MIN_HESSIAN_TO_SPLIT) finalize(root);
  else {
    root.hist = ws.take();
    buildRootHistogram(root.hist, d, g, h);
    considerSplit(root);
  }
  const tmp = ws.tmp;
  const bins = d.bins;
  const p = d.p;
  const stride = d.nBins * 3;
  while (heap.size > 0) {
    const node = heap.pop();
    // Partition the node's rows (stable): left rows first.
    const f = node.feature;
    const thr = node.bin;
    const mb = d.missingBin;
    const missLeft = node.missingLeft;
    const col = f * n;
    let l = node.start;
    let r = 0;
    // Branch-free: a bin lookup says left (1) or right (0), and each row is
    // written to both lists while only its side's cursor advances (idx is
    // read at t ≥ l, so an overwritten entry was already read).
    const goLeft = ws.goLeft;
    for (let b = 0; b < goLeft.length; b++) goLeft[b] = (b === mb ? missLeft : b <= thr) ? 1 : 0;
    for (let t = node.start; t < node.end; t++) {
      const i = idx[t]!;
      const c = goLeft[bins[col + i]!]!;
      idx[l] = i;
      tmp[r] = i;
      l += c;
      r += 1 - c;
    }
    idx.set(tmp.subarray(0, r), l);
    const depth = node.depth + 1;
    const sgR = node.sumG - node.sgL;
    const shR = node.sumH - node.shL;
    const left = make(node.start, l, depth, node.sgL, node.shL, nodeValue(node.sgL, node.shL, s.l2Regularization));
    const right = make(l, node.end, depth, sgR, shR, nodeValue(sgR, shR, s.l2Regularization));
    node.leftChild = left.seq;
    node.rightChild = right.seq;
    const nLeft = l - node.start;
    const nRight = node.end - l;
    if (d.hasMissing[f] === 0) node.missingLeft = nLeft > nRight;
    const leaves = finalized + heap.size + 2;
    if (leaves >= s.maxLeafNodes) {
      finalize(left);
      finalize(right);
      for (const other of heap.drain()) finalize(other);
      if (node.hist !== null) ws.give(node.hist);
      node.hist = null;
      break;
    }
    if (depth >= s.maxDepth) {
      finalize(left);
      finalize(right);
    } else {
      if (nLeft < 2 * s.minSamplesLeaf) finalize(left);
      if (nRight < 2 * s.minSamplesLeaf) finalize(right);
    }
    if (!left.leaf || !right.leaf) {
      const small = nLeft < nRight ? left : right;
      const large = small === left ? right : left;
      const hs = ws.take();
      buildHistogram(hs, d, idx, small.start, small.end, g, h, ws);
      const parent = node.hist!;
      const hl = parent; // the parent's histogram becomes the larger child's
      for (let k = 0, len = p * stride; k < len; k++) hl[k] = parent[k]! - hs[k]!;
      node.hist = null;
      small.hist = hs;
      large.hist = hl;
      if (!left.leaf) considerSplit(left);
      if (!right.leaf) considerSplit(right);
      for (const child of [left, right]) {
        if (child.leaf && child.hist !== null) {
          ws.give(child.hist);
          child.hist = null;
        }
      }
    } else if (node.hist !== null) {
      ws.give(node.hist);
      node.hist = null;
    }
  }
  // Leaf values with shrinkage; training rows get their leaf's value.
  const lr = s.learningRate;
  for (const node of nodes) {
    if (!node.leaf) continue;
    node.value *= lr;
    const v = node.value;
    for (let t = node.start; t < node.end; t++) raw[idx[t]!]! += v;
  }
  // Pre-order arrays.
  const m = nodes.length;
  const feature = new Int32Array(m);
  const bin = new Int32Array(m);
  const missingLeft = new Uint8Array(m);
  const leftA = new Int32Array(m);
  const rightA = new Int32Array(m);
  const value = new Float64Array(m);
  const gain = new Float64Array(m);
  const count = new Int32Array(m);
  let next = 0;
  const stack: number[] = [root.seq];
  const parentSlot: number[] = [-1];
  const isLeftSlot: number[] = [0];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const ps = parentSlot.pop()!;
    const isL = isLeftSlot.pop()!;
    const node = nodes[id]!;
    const at = next++;
    if (ps >= 0) {
      if (isL === 1) leftA[ps] = at;
      else rightA[ps] = at;
    }
    count[at] = node.end - node.start;
    if (node.leaf) {
      feature[at] = -1;
      leftA[at] = -1;
      rightA[at] = -1;
      value[at] = node.value;
    } else {
      feature[at] = node.feature;
      bin[at] = node.bin;
      missingLeft[at] = node.missingLeft ? 1 : 0;
      gain[at] = node.gain;
      stack.push(node.rightChild, node.leftChild);
      parentSlot.push(at, at);
      isLeftSlot.push(0, 1);
    }
  }
  return { feature, bin, missingLeft, left: leftA, right: rightA, value, gain, count };
}
