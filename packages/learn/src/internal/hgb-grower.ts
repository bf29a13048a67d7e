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

/**
 * The parts of a histogram (offsets [from, to) in pairs, histogram entries
 * of 3) that rows can reach: per feature its non-missing bins and its
 * missing bin (joined when adjacent). The rest stays 0 in every histogram,
 * so clearing and subtracting skip it: a binary feature has 3 bins of 256.
 */
function histogramSpans(d: BinnedData): Int32Array {
  const out: number[] = [];
  const st = d.nBins * 3;
  for (let f = 0; f < d.p; f++) {
    const a = f * st;
    const end = a + 3 * d.nNonMissing[f]!;
    const miss = a + 3 * d.missingBin;
    if (end === miss) out.push(a, miss + 3);
    else out.push(a, end, miss, miss + 3);
  }
  return Int32Array.from(out);
}

/** Sets the spans of `hist` to 0. */
function clearSpans(hist: Float64Array, spans: Int32Array): void {
  for (let s = 0; s < spans.length; s += 2) {
    for (let k = spans[s]!, e = spans[s + 1]!; k < e; k++) hist[k] = 0;
  }
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

/** The histogram of a node that holds none (a shared empty array, so `hist` keeps one type). */
const NO_HIST = new Float64Array(0);

/**
 * A node while the tree grows. Every field gets its final type in the
 * constructor, and the floating-point ones start as NaN before their value
 * is stored, so V8 gives them a double representation from the first node
 * (a field that first holds a small integer, as the root's value 0 or a
 * constant hessian's sum n, and later a fraction would change the objects'
 * layout and throw away optimised code in the middle of the first tree).
 */
class Node {
  start: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  value: number;
  /** The node's histogram, {@link NO_HIST} when it holds none. */
  hist: Float64Array;
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

  constructor(start: number, end: number, depth: number, sumG: number, sumH: number, value: number, seq: number) {
    this.start = start;
    this.end = end;
    this.depth = depth;
    this.sumG = NaN;
    this.sumH = NaN;
    this.value = NaN;
    this.hist = NO_HIST;
    this.leaf = false;
    this.gain = NaN;
    this.feature = -1;
    this.bin = 0;
    this.missingLeft = false;
    this.sgL = NaN;
    this.shL = NaN;
    this.nL = NaN;
    this.leftChild = -1;
    this.rightChild = -1;
    this.seq = seq;
    this.sumG = sumG;
    this.sumH = sumH;
    this.value = value;
    this.gain = -1;
    this.sgL = 0;
    this.shL = 0;
    this.nL = 0;
  }
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
  /** {@link histogramSpans} of the data. */
  readonly spans: Int32Array;

  constructor(d: BinnedData) {
    const { n, p, nBins, rowBins } = d;
    this.spans = histogramSpans(d);
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
  clearSpans(hist, ws.spans);
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
 * The counts are copied before the row loop, so that nothing follows the
 * loop: V8 compiles it on-stack while the first call runs, and code after it
 * that had never run would throw that compiled code away on every call.
 */
function buildRootHistogram(hist: Float64Array, d: BinnedData, g: Float32Array, h: Float32Array | null): void {
  hist.fill(0);
  const counts = d.rootCounts;
  for (let c = 0, k = 2; c < counts.length; c++, k += 3) hist[k] = counts[c]!;
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
}

function nodeValue(sumG: number, sumH: number, l2: number): number {
  return -sumG / (sumH + l2 + 1e-15);
}

/** Finds the best split of a node from its histogram (scikit-learn's `find_node_split`); sets gain −1 when none is valid. */
function findSplit(node: Node, d: BinnedData, s: GrowerSettings, constantHessian: boolean): void {
  const hist = node.hist;
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

/** The state of one tree while it grows (passed to module-level helpers rather than captured by closures made for each tree). */
class GrowState {
  readonly nodes: Node[] = [];
  readonly heap = new NodeHeap();
  /** Nodes made leaves so far. */
  finalized = 0;
  readonly d: BinnedData;
  readonly s: GrowerSettings;
  readonly ws: GrowerWorkspace;
  readonly constantHessian: boolean;

  constructor(d: BinnedData, s: GrowerSettings, ws: GrowerWorkspace, constantHessian: boolean) {
    this.d = d;
    this.s = s;
    this.ws = ws;
    this.constantHessian = constantHessian;
  }
}

/** A new node, numbered in creation order. */
function makeNode(st: GrowState, start: number, end: number, depth: number, sumG: number, sumH: number, value: number): Node {
  const node = new Node(start, end, depth, sumG, sumH, value, st.nodes.length);
  st.nodes.push(node);
  return node;
}

/** Gives a node's histogram (if any) back to the pool. */
function releaseHist(ws: GrowerWorkspace, node: Node): void {
  if (node.hist !== NO_HIST) {
    ws.give(node.hist);
    node.hist = NO_HIST;
  }
}

/** Makes a node a leaf. */
function finalizeNode(st: GrowState, node: Node): void {
  node.leaf = true;
  st.finalized++;
  releaseHist(st.ws, node);
}

/** Finds a node's best split: a leaf when none gains, else queued by gain. */
function considerSplit(st: GrowState, node: Node): void {
  findSplit(node, st.d, st.s, st.constantHessian);
  if (node.gain <= 0) finalizeNode(st, node);
  else st.heap.push(node);
}

/**
 * Splits the rows idx[node.start, node.end) stably by the node's split, left
 * rows first, and returns where the right rows begin. Branch-free: a bin
 * lookup says left (1) or right (0), and each row is written to both lists
 * while only its side's cursor advances (idx is read at t ≥ l, so an
 * overwritten entry was already read).
 */
function partitionRows(d: BinnedData, ws: GrowerWorkspace, node: Node): number {
  const idx = ws.idx;
  const tmp = ws.tmp;
  const bins = d.bins;
  const thr = node.bin;
  const mb = d.missingBin;
  const missLeft = node.missingLeft;
  const col = node.feature * d.n;
  const goLeft = ws.goLeft;
  for (let b = 0; b < goLeft.length; b++) goLeft[b] = (b === mb ? missLeft : b <= thr) ? 1 : 0;
  let l = node.start;
  let r = 0;
  for (let t = node.start, end = node.end; t < end; t++) {
    const i = idx[t]!;
    const c = goLeft[bins[col + i]!]!;
    idx[l] = i;
    tmp[r] = i;
    l += c;
    r += 1 - c;
  }
  idx.set(tmp.subarray(0, r), l);
  return l;
}

/** parent − small over the spans, in place in `parent` (which becomes the larger child's histogram). */
function subtractHistogram(parent: Float64Array, small: Float64Array, spans: Int32Array): void {
  for (let s = 0; s < spans.length; s += 2) {
    for (let k = spans[s]!, e = spans[s + 1]!; k < e; k++) parent[k] = parent[k]! - small[k]!;
  }
}

/** idx[i] = i for i < n (a function of its own: a loop compiled on-stack is then not followed by code that never ran). */
function resetRows(idx: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) idx[i] = i;
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
  resetRows(idx, n);
  const st = new GrowState(d, s, ws, h === null);
  const nodes = st.nodes;
  const heap = st.heap;
  const root = makeNode(st, 0, n, 0, sumG, sumH, 0);
  if (n < 2 * s.minSamplesLeaf || sumH < MIN_HESSIAN_TO_SPLIT) finalizeNode(st, root);
  else {
    root.hist = ws.take();
    buildRootHistogram(root.hist, d, g, h);
    considerSplit(st, root);
  }
  const l2 = s.l2Regularization;
  while (heap.size > 0) {
    const node = heap.pop();
    const l = partitionRows(d, ws, node);
    const depth = node.depth + 1;
    const sgR = node.sumG - node.sgL;
    const shR = node.sumH - node.shL;
    const left = makeNode(st, node.start, l, depth, node.sgL, node.shL, nodeValue(node.sgL, node.shL, l2));
    const right = makeNode(st, l, node.end, depth, sgR, shR, nodeValue(sgR, shR, l2));
    node.leftChild = left.seq;
    node.rightChild = right.seq;
    const nLeft = l - node.start;
    const nRight = node.end - l;
    if (d.hasMissing[node.feature] === 0) node.missingLeft = nLeft > nRight;
    const leaves = st.finalized + heap.size + 2;
    if (leaves >= s.maxLeafNodes) {
      finalizeNode(st, left);
      finalizeNode(st, right);
      for (const other of heap.drain()) finalizeNode(st, other);
      releaseHist(ws, node);
      break;
    }
    if (depth >= s.maxDepth) {
      finalizeNode(st, left);
      finalizeNode(st, right);
    } else {
      if (nLeft < 2 * s.minSamplesLeaf) finalizeNode(st, left);
      if (nRight < 2 * s.minSamplesLeaf) finalizeNode(st, right);
    }
    if (!left.leaf || !right.leaf) {
      const small = nLeft < nRight ? left : right;
      const large = small === left ? right : left;
      const hs = ws.take();
      buildHistogram(hs, d, idx, small.start, small.end, g, h, ws);
      // The parent's histogram becomes the larger child's.
      const hl = node.hist;
      subtractHistogram(hl, hs, ws.spans);
      node.hist = NO_HIST;
      small.hist = hs;
      large.hist = hl;
      if (!left.leaf) considerSplit(st, left);
      if (!right.leaf) considerSplit(st, right);
      if (left.leaf) releaseHist(ws, left);
      if (right.leaf) releaseHist(ws, right);
    } else releaseHist(ws, node);
  }
  applyLeafValues(nodes, s.learningRate, idx, raw);
  return toPreOrder(nodes, root.seq);
}

/** Shrinks each leaf's value by the learning rate and adds it to the raw scores of the training rows that reach the leaf. */
function applyLeafValues(nodes: readonly Node[], lr: number, idx: Int32Array, raw: Float64Array): void {
  for (const node of nodes) {
    if (!node.leaf) continue;
    node.value *= lr;
    const v = node.value;
    for (let t = node.start; t < node.end; t++) raw[idx[t]!]! += v;
  }
}

/** The grown nodes as pre-order arrays, from the root `rootId`. */
function toPreOrder(nodes: readonly Node[], rootId: number): HgbTree {
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
  const stack: number[] = [rootId];
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
