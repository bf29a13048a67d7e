// Internal: grows one tree of histogram gradient boosting on binned data, as
// scikit-learn's `TreeGrower` (LightGBM's leaf-wise growth): the leaf with
// the largest gain is split next, until `maxLeafNodes` leaves, `maxDepth`,
// `minSamplesLeaf` or a gain ≤ 0 stops it. A node's histogram holds, per
// feature and bin, the sums of gradients and hessians and the row count;
// the smaller child's is built from its rows and the larger child's is the
// parent's minus it. Split gains, leaf values (−G / (H + λ)) and the
// direction of missing values follow scikit-learn's splitter. The row loops
// (histograms, their clearing and subtraction, the row partition) run in
// the WebAssembly kernel of hgb-kernel.ts where there is one, else in the
// JavaScript below; both give the same trees.
import type { HgbKernel } from './hgb-kernel';

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

/** The histogram slot of a node that holds none. */
const NO_HIST = -1;

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
  /** The node's histogram slot in the workspace, {@link NO_HIST} when it holds none. */
  hist: number;
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

/** Bytes of WebAssembly memory per page. */
const PAGE = 65536;

/** `x` rounded up to a multiple of 16. */
const align16 = (x: number) => (x + 15) & ~15;

/**
 * Lays out the kernel's memory (offsets into `at`) for the data, the spans,
 * the row lists, the gradients and `histBytes` of histograms, grows it to
 * that size and copies the bins and spans in. False when the memory cannot
 * grow that far (WebAssembly's 32-bit addresses stop at 4 GiB).
 */
function placeData(kernel: HgbKernel, d: BinnedData, spans: Int32Array, at: GrowerWorkspace['at'], histBytes: number): boolean {
  const { n, p, nBins } = d;
  let o = 0;
  const put = (bytes: number) => {
    const start = o;
    o = align16(o + bytes);
    return start;
  };
  at.spans = put(4 * spans.length);
  at.goLeft = put(nBins);
  at.rowBins = put(n * p);
  at.bins = put(n * p);
  at.g = put(4 * n);
  at.h = put(4 * n);
  at.idx = put(4 * n);
  at.tmp = put(4 * n);
  at.hists = o;
  try {
    kernel.memory.grow(Math.max(0, Math.ceil((o + histBytes - kernel.memory.buffer.byteLength) / PAGE)));
  } catch {
    return false;
  }
  const buf = kernel.memory.buffer;
  new Int32Array(buf, at.spans, spans.length).set(spans);
  new Uint8Array(buf, at.rowBins, n * p).set(d.rowBins);
  new Uint8Array(buf, at.bins, n * p).set(d.bins);
  return true;
}

/**
 * Reusable buffers of one fit. With the WebAssembly kernel (see
 * hgb-kernel.ts) the bins, row lists, gradients and histograms live in the
 * kernel's memory and the arrays here are views of it; without it they are
 * plain typed arrays and the JavaScript loops below do the work. Histograms
 * are slots of `size` doubles in one array that grows as needed; growing
 * the kernel's memory replaces every view, so callers take `idx` and
 * {@link GrowerWorkspace.hist} afresh after a {@link GrowerWorkspace.take}.
 */
export class GrowerWorkspace {
  idx: Int32Array;
  tmp: Int32Array;
  /** Per bin, whether the split being applied sends it left (4 or 0 for the kernel, 1 or 0 for the JavaScript loop). */
  goLeft: Uint8Array;
  /** All histogram slots, `size` doubles each. */
  #hists: Float64Array;
  #capacity: number;
  #used = 0;
  readonly #free: number[] = [];
  /** Doubles per histogram. */
  readonly size: number;
  readonly #n: number;
  readonly #nBins: number;

  /** The row-major bins as 32-bit words (p/4 per row) when p is a multiple of 4, else null (JavaScript loop only). */
  readonly rowWords: Uint32Array | null;
  /** A block of gathered rows: bins (p per row; `blockWords` is the same memory), gradients, hessians (JavaScript loop only). */
  readonly blockBins: Uint8Array;
  readonly blockWords: Uint32Array;
  readonly blockG = new Float32Array(BLOCK);
  readonly blockH = new Float32Array(BLOCK);
  /** {@link histogramSpans} of the data. */
  readonly spans: Int32Array;

  /** The kernel, or null for the JavaScript loops. */
  readonly kernel: HgbKernel | null;
  /** Byte offsets in the kernel's memory. */
  readonly at = { spans: 0, goLeft: 0, rowBins: 0, bins: 0, g: 0, h: 0, idx: 0, tmp: 0, hists: 0 };
  /** Kernel only: views of the gradients and hessians in its memory. */
  g: Float32Array;
  h: Float32Array;

  /**
   * `kernel` from `instantiateHgbKernel` for the data's shape, or null for
   * the JavaScript loops (also used when its memory cannot grow to hold the
   * data); `histogramsHint` histogram slots are made to begin with.
   */
  constructor(d: BinnedData, kernel: HgbKernel | null, histogramsHint: number) {
    const { n, p, nBins, rowBins } = d;
    this.spans = histogramSpans(d);
    this.size = p * nBins * 3;
    this.#n = n;
    this.#nBins = nBins;
    this.#capacity = Math.max(2, histogramsHint);
    if (kernel !== null && !placeData(kernel, d, this.spans, this.at, 8 * this.size * this.#capacity)) kernel = null;
    this.kernel = kernel;
    this.idx = this.tmp = new Int32Array(0);
    this.goLeft = new Uint8Array(0);
    this.g = this.h = new Float32Array(0);
    this.#hists = new Float64Array(0);
    this.#views(n, nBins);
    this.rowWords = kernel === null && p % 4 === 0 && rowBins.byteOffset % 4 === 0 ? new Uint32Array(rowBins.buffer, rowBins.byteOffset, (n * p) >> 2) : null;
    this.blockWords = new Uint32Array(kernel === null ? BLOCK * Math.ceil(p / 4) : 0);
    this.blockBins = new Uint8Array(this.blockWords.buffer);
  }

  /** (Re)makes the arrays: views of the kernel's memory, or plain arrays the first time without it. */
  #views(n: number, nBins: number): void {
    const k = this.kernel;
    if (k === null) {
      this.idx = new Int32Array(n);
      this.tmp = new Int32Array(n);
      this.goLeft = new Uint8Array(nBins);
      this.#hists = new Float64Array(this.size * this.#capacity);
      return;
    }
    const buf = k.memory.buffer;
    const at = this.at;
    this.idx = new Int32Array(buf, at.idx, n);
    this.tmp = new Int32Array(buf, at.tmp, n);
    this.goLeft = new Uint8Array(buf, at.goLeft, nBins);
    this.g = new Float32Array(buf, at.g, n);
    this.h = new Float32Array(buf, at.h, n);
    this.#hists = new Float64Array(buf, at.hists, this.size * this.#capacity);
  }

  /** A free histogram slot (contents undefined); may replace every view. */
  take(): number {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    const slot = this.#used++;
    if (slot >= this.#capacity) {
      const old = this.#hists;
      this.#capacity *= 2;
      const k = this.kernel;
      if (k === null) {
        this.#hists = new Float64Array(this.size * this.#capacity);
        this.#hists.set(old);
      } else {
        const need = this.at.hists + 8 * this.size * this.#capacity;
        k.memory.grow(Math.max(0, Math.ceil((need - k.memory.buffer.byteLength) / PAGE)));
        // (the old views are detached now: their lengths read 0)
        this.#views(this.#n, this.#nBins);
      }
    }
    return slot;
  }

  give(slot: number): void {
    this.#free.push(slot);
  }

  /** The histogram in `slot` (a view valid until the next {@link take}). */
  hist(slot: number): Float64Array {
    return this.#hists.subarray(slot * this.size, (slot + 1) * this.size);
  }

  /** Byte offset of `slot` in the kernel's memory. */
  histAt(slot: number): number {
    return this.at.hists + 8 * this.size * slot;
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
function findSplit(node: Node, hist: Float64Array, d: BinnedData, s: GrowerSettings, constantHessian: boolean): void {
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
  findSplit(node, st.ws.hist(node.hist), st.d, st.s, st.constantHessian);
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
  const thr = node.bin;
  const mb = d.missingBin;
  const missLeft = node.missingLeft;
  const goLeft = ws.goLeft;
  const k = ws.kernel;
  const left = k === null ? 1 : 4;
  for (let b = 0; b < goLeft.length; b++) goLeft[b] = (b === mb ? missLeft : b <= thr) ? left : 0;
  if (k !== null) {
    const at = ws.at;
    return k.partition(at.bins + node.feature * d.n, at.idx, at.tmp, node.start, node.end, at.goLeft);
  }
  const idx = ws.idx;
  const tmp = ws.tmp;
  const bins = d.bins;
  const col = node.feature * d.n;
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
  const k = ws.kernel;
  resetRows(ws.idx, n);
  if (k !== null) {
    ws.g.set(g);
    if (h !== null) ws.h.set(h);
  }
  const st = new GrowState(d, s, ws, h === null);
  const nodes = st.nodes;
  const heap = st.heap;
  const root = makeNode(st, 0, n, 0, sumG, sumH, 0);
  if (n < 2 * s.minSamplesLeaf || sumH < MIN_HESSIAN_TO_SPLIT) finalizeNode(st, root);
  else {
    root.hist = ws.take();
    if (k === null) buildRootHistogram(ws.hist(root.hist), d, g, h);
    else kernelRootHistogram(k, ws, d, root.hist, h !== null);
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
      // The parent's histogram becomes the larger child's.
      const hl = node.hist;
      if (k === null) {
        const hsa = ws.hist(hs);
        buildHistogram(hsa, d, ws.idx, small.start, small.end, g, h, ws);
        subtractHistogram(ws.hist(hl), hsa, ws.spans);
      } else {
        const at = ws.at;
        const dst = ws.histAt(hs);
        k.clear(dst, at.spans, ws.spans.length >> 1);
        k.hist(dst, at.rowBins, d.p, d.nBins * 24, at.idx, small.start, small.end, at.g, h === null ? at.g : at.h, h === null ? 0 : 1);
        k.subtract(ws.histAt(hl), dst, at.spans, ws.spans.length >> 1);
      }
      node.hist = NO_HIST;
      small.hist = hs;
      large.hist = hl;
      if (!left.leaf) considerSplit(st, left);
      if (!right.leaf) considerSplit(st, right);
      if (left.leaf) releaseHist(ws, left);
      if (right.leaf) releaseHist(ws, right);
    } else releaseHist(ws, node);
  }
  applyLeafValues(nodes, s.learningRate, ws.idx, raw);
  return toPreOrder(nodes, root.seq);
}

/** The root's histogram by the kernel, as {@link buildRootHistogram}: sums over every row in order, counts from `d.rootCounts`. */
function kernelRootHistogram(k: HgbKernel, ws: GrowerWorkspace, d: BinnedData, slot: number, hasH: boolean): void {
  const hist = ws.hist(slot);
  hist.fill(0);
  const counts = d.rootCounts;
  for (let c = 0, j = 2; c < counts.length; c++, j += 3) hist[j] = counts[c]!;
  const at = ws.at;
  k.sums(ws.histAt(slot), at.rowBins, d.p, d.nBins * 24, at.idx, 0, d.n, at.g, hasH ? at.h : at.g, hasH ? 1 : 0);
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
