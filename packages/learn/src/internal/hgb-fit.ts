// Internal: the boosting loop of histogram gradient boosting, shared by the
// classifier (binary log-loss) and the regressor (squared error), as
// scikit-learn's `BaseHistGradientBoosting.fit`: an optional seeded
// validation split (stratified for classes), binning of the training rows,
// a constant baseline, then one tree per iteration on the gradients and
// hessians of the loss, with early stopping on the validation loss.
import { ConvergenceError, Random, ValidationError, throwIfAborted } from '@marksman/core';
import type { LearnerFitProgress } from '../types';
import { binRows, fitBinning } from './hgb-binning';
import { GrowerWorkspace, binCounts, growHgbTree } from './hgb-grower';
import type { BinnedData, HgbTree } from './hgb-grower';
import { instantiateHgbKernel } from './hgb-kernel';
import { addBinnedPredictions } from './hgb-predict';

/** The loss a boosting fit minimises. */
export type HgbLoss = 'log_loss' | 'squared_error';

/** Boosting settings after checking (Infinity for no limit). */
export interface HgbSettings {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly seed: number;
}

/** What a boosting fit produces. */
export interface HgbResult {
  readonly baseline: number;
  readonly trees: HgbTree[];
  readonly binThresholds: Float64Array[];
  /** Validation loss before the first tree and after each (null without early stopping). */
  readonly validationLoss: Float64Array | null;
  /** Whether the fit held out validation rows and watched them. */
  readonly earlyStopping: boolean;
}

/** Early stopping turns on by itself above this many rows (scikit-learn's 'auto'). */
export const AUTO_EARLY_STOPPING_ROWS = 10_000;

const EPS = 2.220446049250313e-16;

function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Weighted mean loss of raw predictions. */
function meanLoss(loss: HgbLoss, raw: Float64Array, y: Float64Array, w: Float64Array | null): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const l = loss === 'log_loss' ? log1pExp(r) - y[i]! * r : 0.5 * (r - y[i]!) * (r - y[i]!);
    const wi = w === null ? 1 : w[i]!;
    s += wi * l;
    sw += wi;
  }
  return s / sw;
}

/** scikit-learn's `_should_stop`: no score of the last `k` beats the score k + 1 back by more than `tol`. */
function shouldStop(scores: readonly number[], k: number, tol: number): boolean {
  const ref = k + 1;
  if (scores.length < ref) return false;
  const reference = scores[scores.length - ref]! + tol;
  for (let j = scores.length - k; j < scores.length; j++) if (scores[j]! > reference) return false;
  return true;
}

/**
 * Validation rows: ⌈fraction · n⌉ of them, drawn per class in proportion to
 * the class sizes (largest remainders first, at least one row of each class
 * left for training) when `strata` is given. Returns sorted index lists.
 */
function splitRows(n: number, fraction: number, strata: Int32Array | null, nStrata: number, rng: Random): { train: Int32Array; val: Int32Array } {
  const nVal = Math.ceil(fraction * n);
  const isVal = new Uint8Array(n);
  if (strata === null) {
    const pick = rng.sample(n, Math.min(nVal, n - 1));
    for (let k = 0; k < pick.length; k++) isVal[pick[k]!] = 1;
  } else {
    const members: number[][] = Array.from({ length: nStrata }, () => []);
    for (let i = 0; i < n; i++) members[strata[i]!]!.push(i);
    const want = members.map((m) => (m.length * nVal) / n);
    const take = want.map((x, k) => Math.min(Math.floor(x), Math.max(0, members[k]!.length - 1)));
    let left = nVal - take.reduce((a, b) => a + b, 0);
    const order = want.map((_, k) => k).sort((a, b) => want[b]! - Math.floor(want[b]!) - (want[a]! - Math.floor(want[a]!)) || a - b);
    for (const k of order) {
      if (left <= 0) break;
      if (take[k]! < members[k]!.length - 1) {
        take[k]!++;
        left--;
      }
    }
    members.forEach((m, k) => {
      const pick = rng.sample(m.length, take[k]!);
      for (let j = 0; j < pick.length; j++) isVal[m[pick[j]!]!] = 1;
    });
  }
  let v = 0;
  for (let i = 0; i < n; i++) v += isVal[i]!;
  const train = new Int32Array(n - v);
  const val = new Int32Array(v);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isVal[i] === 1) val[b++] = i;
    else train[a++] = i;
  }
  return { train, val };
}

function gather(src: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = src[rows[k]!]!;
  return out;
}

/**
 * Gradients and hessians of the binary log-loss at raw predictions `raw`
 * (times the weights when given): g = σ(r) − y, h = σ(r)(1 − σ(r)), from
 * e = exp(−r). Their single-precision values are summed in row order into
 * `sums` (gradients, hessians): the root's totals, and NaN or ±∞ exactly
 * when one of them is not finite (n finite single-precision values cannot
 * overflow a double).
 */
function logLossGradients(raw: Float64Array, y: Float64Array, w: Float64Array | null, g: Float32Array, h: Float32Array, sums: Float64Array): void {
  const n = raw.length;
  // The sums accumulate in `sums` itself, so that nothing follows the loop (V8 compiles it on-stack
  // during the first call; code after it that had never run would discard that code on every call).
  sums[0] = 0;
  sums[1] = 0;
  for (let i = 0; i < n; i++) {
    const r = raw[i]!;
    const yi = y[i]!;
    let gi: number;
    let hi: number;
    if (r > -700) {
      const e = Math.exp(-r);
      const d = 1 + e;
      gi = (1 - yi - yi * e) / d;
      hi = e / (d * d);
    } else {
      gi = -yi;
      hi = Math.exp(r);
    }
    if (w === null) {
      g[i] = gi;
      h[i] = hi;
    } else {
      const wi = w[i]!;
      g[i] = wi * gi;
      h[i] = wi * hi;
    }
    sums[0] += g[i]!;
    sums[1] += h[i]!;
  }
}

/** Squared-error gradients (residuals) and hessians (null when constant 1) times the weights, summed into `sums` as {@link logLossGradients} does (n for constant hessians). */
function squaredErrorGradients(raw: Float64Array, y: Float64Array, w: Float64Array | null, g: Float32Array, h: Float32Array | null, sums: Float64Array): void {
  const n = raw.length;
  let sg = 0;
  let sh = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : w[i]!;
    g[i] = wi * (raw[i]! - y[i]!);
    sg += g[i]!;
    if (h !== null) {
      h[i] = wi;
      sh += h[i]!;
    }
  }
  sums[0] = sg;
  sums[1] = h === null ? n : sh;
}

/** The first row whose gradient or hessian is not finite, or −1 (a small function of its own, so V8 optimises its loop). */
function firstNonFinite(g: Float32Array, h: Float32Array | null): number {
  if (h === null) {
    for (let i = 0; i < g.length; i++) if (g[i]! - g[i]! !== 0) return i;
  } else {
    for (let i = 0; i < g.length; i++) if (g[i]! - g[i]! !== 0 || h[i]! - h[i]! !== 0) return i;
  }
  return -1;
}

/**
 * Fits the boosted trees. `y` holds 0/1 for log-loss or the targets for
 * squared error; `strata` (class codes) stratifies the validation split.
 * O(iterations · (n · p · depth + leaves · p · bins)) after O(p · n log n)
 * binning.
 */
export function fitHgb(
  source: string,
  s: HgbSettings,
  loss: HgbLoss,
  columns: readonly Float64Array[],
  n: number,
  y: Float64Array,
  weight: Float64Array | null,
  strata: Int32Array | null,
  nStrata: number,
  signal: AbortSignal | null,
  onProgress: ((p: LearnerFitProgress) => void) | null,
): HgbResult {
  const rng = new Random(s.seed);
  const p = columns.length;
  const early = s.earlyStopping === 'auto' ? n > AUTO_EARLY_STOPPING_ROWS : s.earlyStopping;
  let trainRows: Int32Array;
  let valRows: Int32Array = new Int32Array(0);
  if (early) {
    if (n < 2) {
      throw new ValidationError('E_TOO_FEW_ROWS', `${source}: early stopping holds out validation rows, but X has only ${n} row; give more rows or set earlyStopping: false.`, { source, field: 'X' });
    }
    ({ train: trainRows, val: valRows } = splitRows(n, s.validationFraction, strata, nStrata, rng));
  } else {
    trainRows = new Int32Array(n);
    for (let i = 0; i < n; i++) trainRows[i] = i;
  }
  const binning = fitBinning(columns, trainRows, s.maxBins, rng);
  const nTrain = trainRows.length;
  const nVal = valRows.length;
  const rowBins = new Uint8Array(nTrain * p);
  const bins = binRows(columns, trainRows, binning, rowBins);
  const nBins = s.maxBins + 1;
  const rootCounts = binCounts(bins, nTrain, p, nBins);
  const hasMissing = Uint8Array.from({ length: p }, (_, f) => (rootCounts[f * nBins + binning.missingBin]! > 0 ? 1 : 0));
  const nNonMissing = Int32Array.from(binning.thresholds, (t) => t.length + 1);
  const data: BinnedData = { bins, rowBins, n: nTrain, p, nBins, missingBin: binning.missingBin, nNonMissing, hasMissing, rootCounts };
  const yT = gather(y, trainRows);
  const wT = weight === null ? null : gather(weight, trainRows);
  const yV = gather(y, valRows);
  const wV = weight === null ? null : gather(weight, valRows);
  const binsV = early ? binRows(columns, valRows, binning) : new Uint8Array(0);

  // Baseline: the best constant (scikit-learn's fit_intercept_only).
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < nTrain; i++) {
    const wi = wT === null ? 1 : wT[i]!;
    sw += wi;
    swy += wi * yT[i]!;
  }
  let baseline = swy / sw;
  if (loss === 'log_loss') {
    const eps = 10 * EPS;
    const q = Math.min(Math.max(baseline, eps), 1 - eps);
    baseline = Math.log(q / (1 - q));
  }
  if (!Number.isFinite(baseline)) {
    throw new ConvergenceError('E_DIVERGED', `${source}: the mean target overflowed; rescale y.`, { source, field: 'y' });
  }
  const raw = new Float64Array(nTrain).fill(baseline);
  const rawV = new Float64Array(nVal).fill(baseline);
  const g = new Float32Array(nTrain);
  const constantHessian = loss === 'squared_error' && wT === null;
  const h = constantHessian ? null : new Float32Array(nTrain);
  // Histograms alive at once: about one per leaf still to split, and two more while a node splits.
  const ws = new GrowerWorkspace(data, instantiateHgbKernel(p, nBins), Math.min(s.maxLeafNodes, 64) + 2);
  const sums = new Float64Array(2);
  const grower = { maxLeafNodes: s.maxLeafNodes, maxDepth: s.maxDepth, minSamplesLeaf: s.minSamplesLeaf, l2Regularization: s.l2Regularization, learningRate: s.learningRate };
  const trees: HgbTree[] = [];
  const scores: number[] = [];
  const valLoss: number[] = [];
  if (early) {
    const l = meanLoss(loss, rawV, yV, wV);
    valLoss.push(l);
    scores.push(-l);
  }
  for (let it = 0; it < s.maxIter; it++) {
    throwIfAborted(signal ?? undefined, source);
    if (loss === 'log_loss') logLossGradients(raw, yT, wT, g, h!, sums);
    else squaredErrorGradients(raw, yT, wT, g, h, sums);
    // Gradients and hessians are kept in single precision (as scikit-learn's); one that overflows
    // it would turn the histograms into NaN and the tree into a silent constant. Their sums say
    // whether one did; only then are the rows searched.
    const i = Number.isFinite(sums[0]! + sums[1]!) ? -1 : firstNonFinite(g, h);
    if (i >= 0) {
      throw new ConvergenceError(
        'E_DIVERGED',
        `${source}: the ${loss === 'log_loss' ? 'gradient' : 'residual'} of row ${trainRows[i]!} times its weight passes ±3.4e38 (gradients are kept in single precision) at iteration ${it + 1}; rescale ${loss === 'log_loss' ? 'the sample weights' : 'y or the sample weights'}.`,
        { source, field: loss === 'log_loss' ? 'sampleWeight' : 'y', row: trainRows[i]! },
      );
    }
    const tree = growHgbTree(data, g, h, sums[0]!, sums[1]!, grower, ws, raw);
    for (let k = 0; k < tree.value.length; k++) {
      if (!Number.isFinite(tree.value[k]!)) {
        throw new ConvergenceError('E_DIVERGED', `${source}: a leaf value overflowed at iteration ${it + 1}; rescale y or lower learningRate.`, { source, field: 'y' });
      }
    }
    trees.push(tree);
    let vl: number | null = null;
    if (early) {
      addBinnedPredictions(tree, binsV, nVal, binning.missingBin, rawV);
      vl = meanLoss(loss, rawV, yV, wV);
      valLoss.push(vl);
      scores.push(-vl);
    }
    if (onProgress !== null) onProgress({ iteration: it + 1, maxIterations: s.maxIter, loss: meanLoss(loss, raw, yT, wT), validationLoss: vl });
    if (early && shouldStop(scores, s.nIterNoChange, s.tol)) break;
  }
  return { baseline, trees, binThresholds: [...binning.thresholds], validationLoss: early ? Float64Array.from(valLoss) : null, earlyStopping: early };
}
