// Internal: feature binning for histogram gradient boosting, as
// scikit-learn's `_BinMapper`: per feature, at most `maxBins` bins for the
// non-missing values, whose thresholds are the midpoints between distinct
// values when there are few, else numpy's 'midpoint' percentiles at
// 100·k/maxBins (k = 1…maxBins−1); thresholds are capped at 1e300; bin
// `maxBins` holds the missing values (NaN).
import type { Random } from '@marksman/core';
import { radixScratch, sortFloat64 } from './radix-sort';
import type { RadixScratch } from './radix-sort';

/** Thresholds are capped here (LightGBM's AvoidInf, kept by scikit-learn). */
export const ALMOST_INF = 1e300;

/** Rows used to find the thresholds when there are more (scikit-learn's `subsample`). */
export const BINNING_SUBSAMPLE = 200_000;

/** The bin edges of every feature. */
export interface Binning {
  /** Per feature: increasing thresholds; value x is in bin b when thresholds[b−1] < x ≤ thresholds[b]. */
  readonly thresholds: readonly Float64Array[];
  /** The bin of missing values (= maxBins). */
  readonly missingBin: number;
}

/** numpy's percentile with method='midpoint' of sorted values `s` at quantile q (in [0, 1]). */
function midpointPercentile(s: Float64Array, q: number): number {
  const m = s.length;
  const t = (m - 1) * q;
  const v = 0.5 * (Math.floor(t) + Math.ceil(t));
  if (v >= m - 1) return s[m - 1]!;
  const prev = Math.floor(v);
  const a = s[prev]!;
  if (v % 1 === 0) return a;
  const b = s[prev + 1]!;
  const r = b - (b - a) * 0.5; // numpy's lerp for a weight ≥ 0.5
  return Number.isFinite(r) ? r : a / 2 + b / 2;
}

/** Distinct values a feature may have for {@link fewDistinct} to collect them (a linear search each). */
const FEW = 16;

/**
 * The distinct values of `values` (−0 and +0 as one, the first seen kept)
 * in `out`, and their number, when there are at most min(FEW, limit) of
 * them; else −1, after reading only as far as the first value too many.
 * One pass with a short linear search per value: binary and small integer
 * features (flags, one-hot columns, counts) skip the sort.
 */
function fewDistinct(values: Float64Array, limit: number, out: Float64Array): number {
  const cap = Math.min(FEW, limit);
  let k = 0;
  for (let i = 0, m = values.length; i < m; i++) {
    const v = values[i]!;
    let j = 0;
    while (j < k && out[j] !== v) j++;
    if (j === k) {
      if (k === cap) return -1;
      out[k++] = v;
    }
  }
  return k;
}

/** Midpoints between the k distinct values in `u` (sorted here), as the thresholds of a feature with few values. */
function midpoints(u: Float64Array, k: number): Float64Array {
  const s = u.subarray(0, k).sort();
  const out = new Float64Array(Math.max(0, k - 1));
  for (let j = 1; j < k; j++) out[j - 1] = (s[j - 1]! + s[j]!) * 0.5;
  return out;
}

/**
 * Thresholds of one feature from its non-missing values (sorted in place
 * unless the feature has few distinct values). The few-values route gives
 * the thresholds the sorted route would: both take the midpoints between
 * consecutive distinct values, and a run of equal values (−0 with +0) adds
 * the same to its neighbours whichever of them stands for it.
 */
function featureThresholds(values: Float64Array, maxBins: number, scratch: RadixScratch, few: Float64Array): Float64Array {
  const k = fewDistinct(values, maxBins, few);
  if (k >= 0) return capThresholds(midpoints(few, k));
  return capThresholds(sortedThresholds(values, maxBins, scratch));
}

/** Thresholds above {@link ALMOST_INF} lowered to it, in place. */
function capThresholds(out: Float64Array): Float64Array {
  for (let k = 0; k < out.length; k++) if (out[k]! > ALMOST_INF) out[k] = ALMOST_INF;
  return out;
}

/** Thresholds from the values sorted. */
function sortedThresholds(values: Float64Array, maxBins: number, scratch: RadixScratch): Float64Array {
  sortFloat64(values, scratch);
  const m = values.length;
  let distinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || values[i] !== values[i - 1]) distinct++;
  let out: Float64Array;
  if (distinct <= maxBins) {
    out = new Float64Array(Math.max(0, distinct - 1));
    let k = 0;
    let prev = values[0]!;
    for (let i = 1; i < m; i++) {
      const v = values[i]!;
      if (v !== prev) {
        out[k++] = (prev + v) * 0.5;
        prev = v;
      }
    }
  } else {
    out = new Float64Array(maxBins - 1);
    const step = 100 / maxBins; // numpy.linspace(0, 100, maxBins + 1)
    for (let k = 1; k < maxBins; k++) out[k - 1] = midpointPercentile(values, (k * step) / 100);
  }
  return out;
}

/**
 * Thresholds of every feature from the rows `rows` of `columns` (a random
 * subsample of 200,000 of them when there are more). O(p · m).
 */
export function fitBinning(columns: readonly Float64Array[], rows: Int32Array, maxBins: number, rng: Random): Binning {
  let use = rows;
  if (rows.length > BINNING_SUBSAMPLE) {
    const pick = rng.sample(rows.length, BINNING_SUBSAMPLE);
    use = new Int32Array(BINNING_SUBSAMPLE);
    for (let k = 0; k < BINNING_SUBSAMPLE; k++) use[k] = rows[pick[k]!]!;
  }
  const buf = new Float64Array(use.length);
  const scratch = radixScratch(use.length);
  const few = new Float64Array(FEW);
  const thresholds = columns.map((col) => {
    let m = 0;
    for (let k = 0; k < use.length; k++) {
      const v = col[use[k]!]!;
      if (v === v) buf[m++] = v;
    }
    return featureThresholds(buf.subarray(0, m), maxBins, scratch, few);
  });
  return { thresholds, missingBin: maxBins };
}

/** The bin of value x for thresholds t (x ≤ t[b] ⇒ bin ≤ b; NaN ⇒ the missing bin). */
export function binOf(t: Float64Array, x: number, missingBin: number): number {
  if (x !== x) return missingBin;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = lo + ((hi - lo - 1) >> 1);
    if (x <= t[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cells of the lookup grid `binRows` uses to narrow each binary search. */
const GRID = 1024;

/** The grid cell of x for a grid starting at `lo` with `scale` cells per unit: non-decreasing in x. */
function cellOf(x: number, lo: number, scale: number): number {
  const v = (x - lo) * scale;
  return v <= 0 ? 0 : v >= GRID - 1 ? GRID - 1 : Math.floor(v);
}

/**
 * Bins the rows `rows` of `columns` into a feature-major byte matrix (the
 * bin of row k for feature f at f · rows.length + k, so a partition of the
 * rows on one feature reads one small column) and, when `rowOut` is given,
 * the same bins row-major into it (at k · p + f). A value's bin is found by
 * binary search, narrowed first by a grid of equal cells over the
 * thresholds' range: since the cell of x never decreases as x grows, the
 * thresholds in cells before x's are below x and those in later cells
 * above it, so only the few in x's own cell are searched, and the bin is
 * exactly the plain search's. O(n · p) for well-spread thresholds, at
 * worst O(n · p · log maxBins).
 */
export function binRows(columns: readonly Float64Array[], rows: Int32Array, b: Binning, rowOut: Uint8Array | null = null): Uint8Array {
  const p = columns.length;
  const n = rows.length;
  const out = new Uint8Array(n * p);
  const mb = b.missingBin;
  // below[c]: thresholds in cells before c; upTo[c]: thresholds in cells up to c.
  const below = new Int32Array(GRID);
  const upTo = new Int32Array(GRID);
  for (let f = 0; f < p; f++) {
    const col = columns[f]!;
    const t = b.thresholds[f]!;
    const len = t.length;
    const lo = len > 0 ? t[0]! : 0;
    const span = len > 0 ? t[len - 1]! - lo : 0;
    const scale = span > 0 && Number.isFinite(GRID / span) ? GRID / span : 0;
    if (scale > 0) {
      upTo.fill(0);
      for (let k = 0; k < len; k++) upTo[cellOf(t[k]!, lo, scale)]!++;
      let acc = 0;
      for (let c = 0; c < GRID; c++) {
        below[c] = acc;
        acc += upTo[c]!;
        upTo[c] = acc;
      }
    }
    const base = f * n;
    for (let k = 0; k < n; k++) {
      const x = col[rows[k]!]!;
      let bin: number;
      if (x !== x) bin = mb;
      else {
        let lo2 = 0;
        let hi = len;
        if (scale > 0) {
          const c = cellOf(x, lo, scale);
          lo2 = below[c]!;
          hi = upTo[c]!;
        }
        while (lo2 < hi) {
          const mid = lo2 + ((hi - lo2 - 1) >> 1);
          if (x <= t[mid]!) hi = mid;
          else lo2 = mid + 1;
        }
        bin = lo2;
      }
      out[base + k] = bin;
    }
    if (rowOut !== null) for (let k = 0, j = f; k < n; k++, j += p) rowOut[j] = out[base + k]!;
  }
  return out;
}
