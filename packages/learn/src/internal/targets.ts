// Internal: reads what a fit learns from besides the features: class labels
// (encoded as dense codes), numeric targets, sample weights and class weights.
import { OptionsError, ValidationError } from '@marksman/core';
import type { ClassLabel } from '../types';
import { describeValue, isPlainObject } from './checks';

/** Labels encoded as codes into the sorted classes. */
export interface EncodedLabels {
  readonly classes: readonly ClassLabel[];
  readonly y: Int32Array;
  /** Rows per class (unweighted). */
  readonly counts: Float64Array;
}

/** Class weights: none, balanced (n / (classes · rows of the class), as scikit-learn), or a weight per label. */
export type ClassWeight = null | 'balanced' | Readonly<Record<string, number>>;

const isNumericView = (v: unknown): v is ArrayLike<number> =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);

function lengthCheck(source: string, field: string, len: number, n: number): void {
  if (len !== n) {
    throw new ValidationError('E_LENGTH', `${source}: ${field} has ${len} values for ${n} rows of X; give one per row, in the same order.`, { source, field });
  }
}

/** Sorts labels as numpy's `unique` does for one type: numbers ascending, strings by code unit, false before true. */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Up to this many distinct labels are found by scanning a list rather than a Map. */
const FEW_LABELS = 8;

/**
 * encodeLabels for a typed array of at most two distinct finite numbers
 * (the usual binary target), or null for anything else (then read by the
 * general loop, which also finds the row at fault). One pass codes each row
 * by a comparison and notes any row that is neither class, without a
 * branch per row: for random 0/1 labels the general loop's "same as the row
 * before?" test is a coin flip the CPU mispredicts half the time.
 */
function encodeTwoNumbers(y: ArrayLike<number>, n: number): EncodedLabels | null {
  const a = y[0]!;
  let b = a;
  for (let i = 1; i < n && b === a; i++) b = y[i]!;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const out = new Int32Array(n);
  let nHi = 0;
  let other = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    const c = +(v === hi);
    other |= (c ^ 1) & +(v !== lo);
    out[i] = c;
    nHi += c;
  }
  if (other !== 0) return null;
  if (hi === lo) return { classes: [lo === 0 ? 0 : lo], y: new Int32Array(n), counts: Float64Array.of(n) };
  return { classes: [lo === 0 ? 0 : lo, hi === 0 ? 0 : hi], y: out, counts: Float64Array.of(n - nHi, nHi) };
}

/** encodeLabels for a typed array: numbers only, read without boxing. */
function encodeNumbers(source: string, y: ArrayLike<number>, n: number): EncodedLabels {
  const two = encodeTwoNumbers(y, n);
  if (two !== null) return two;
  const few: number[] = [];
  let many: Set<number> | null = null;
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (v === last) continue;
    if (!Number.isFinite(v)) {
      throw new ValidationError('E_LABEL', `${source}: y[${i}] is ${describeValue(v)}; labels must be strings, finite numbers or booleans.`, { source, field: 'y', row: i });
    }
    last = v;
    if (many !== null) {
      many.add(v);
      continue;
    }
    let k = 0;
    while (k < few.length && few[k] !== v) k++;
    if (k === few.length) {
      few.push(v);
      if (few.length > FEW_LABELS) many = new Set(few);
    }
  }
  const classes = (many === null ? few : [...many]).map((c) => (c === 0 ? 0 : c)).sort((a, b) => a - b);
  return { classes, ...codeRows(y, n, classes) };
}

/** Reads class labels (one type: strings, finite numbers or booleans) and encodes them. O(n log C). */
export function encodeLabels(source: string, y: unknown, n: number): EncodedLabels {
  if (!Array.isArray(y) && !isNumericView(y)) {
    throw new ValidationError('E_LABEL', `${source}: y must be an array of labels (strings, numbers or booleans) or a typed array, got ${describeValue(y)}.`, { source, field: 'y' });
  }
  const labels = y as ArrayLike<unknown>;
  lengthCheck(source, 'y', labels.length, n);
  if (isNumericView(y)) return encodeNumbers(source, y, n);
  // A few distinct labels (the usual case) are kept in a short list, scanned only when a row's label differs from
  // the row before (a value equal to the last one is valid and known); past FEW_LABELS they go to a Map.
  const few: ClassLabel[] = [];
  let many: Map<ClassLabel, number> | null = null;
  const firstType = typeof labels[0];
  let last: unknown = undefined;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v === last) continue;
    const t = typeof v;
    const ok = t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v));
    if (!ok || t !== firstType) {
      const why = ok ? `, but label 0 is a ${firstType}; give labels of one type` : '; labels must be strings, finite numbers or booleans';
      throw new ValidationError('E_LABEL', `${source}: y[${i}] is ${describeValue(v)}${why}.`, { source, field: 'y', row: i });
    }
    last = v;
    if (many !== null) {
      if (!many.has(v as ClassLabel)) many.set(v as ClassLabel, 0);
      continue;
    }
    let k = 0;
    while (k < few.length && few[k] !== v) k++;
    if (k === few.length) {
      few.push(v as ClassLabel);
      if (few.length > FEW_LABELS) many = new Map(few.map((c) => [c, 0]));
    }
  }
  const classes = (many === null ? few : [...many.keys()]).slice().sort(compareLabels);
  return { classes, ...codeRows(labels as ArrayLike<ClassLabel>, n, classes) };
}

/**
 * Each row's index in the sorted `classes` (every row's label is one of them) and the count per class. The index is
 * looked up only when a row's label differs from the row before: by a short scan for a few classes, else in a Map.
 */
function codeRows<T>(labels: ArrayLike<T>, n: number, classes: readonly T[]): { y: Int32Array; counts: Float64Array } {
  const C = classes.length;
  const code = C <= FEW_LABELS ? null : new Map<T, number>(classes.map((c, k) => [c, k]));
  const out = new Int32Array(n);
  const counts = new Float64Array(C);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (i === 0 || v !== labels[i - 1]) {
      if (code === null) {
        k = 0;
        while (classes[k] !== v) k++;
      } else k = code.get(v)!;
    }
    out[i] = k;
    counts[k]! += 1;
  }
  return { y: out, counts };
}

/** Throws `E_SINGLE_CLASS` when the labels hold one class only. */
export function requireTwoClasses(source: string, classes: readonly ClassLabel[]): void {
  if (classes.length < 2) {
    throw new ValidationError(
      'E_SINGLE_CLASS',
      `${source}: every label in y is ${describeValue(classes[0])}; a classifier needs at least two classes to tell apart.`,
      { source, field: 'y' },
    );
  }
}

/** Reads numeric regression targets (finite, |y| ≤ 1e150). O(n). */
export function readTargets(source: string, y: unknown, n: number, borrow = false): Float64Array {
  if (!Array.isArray(y) && !isNumericView(y)) {
    throw new ValidationError('E_INPUT', `${source}: y must be an array or typed array of numbers, got ${describeValue(y)}.`, { source, field: 'y' });
  }
  const src = y as ArrayLike<unknown>;
  lengthCheck(source, 'y', src.length, n);
  // The common case first, one comparison a value; a Float64Array the caller only reads is then used as it is (no copy).
  if (src instanceof Float64Array && allWithinTarget(src)) return borrow ? src : src.slice();
  // Otherwise value by value, naming the first one at fault.
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError('E_NOT_FINITE', `${source}: y[${i}] is ${describeValue(v)}; regression targets must be finite numbers.`, { source, field: 'y', row: i });
    }
    if (Math.abs(v) > MAX_TARGET) {
      throw new ValidationError('E_TOO_LARGE', `${source}: y[${i}] is ${v}; squared errors of targets beyond ±1e150 overflow, so rescale y (for example to thousands).`, { source, field: 'y', row: i });
    }
    out[i] = v;
  }
  return out;
}

/**
 * Whether every value is within ±MAX_TARGET (false for NaN and ±Infinity). A function of its own, so that nothing
 * after its loop needs type feedback: with the loop inline, its code compiled during the first long loop (on-stack
 * replacement) had no feedback for the comparison after it, and was seen to give up there again on later calls.
 */
function allWithinTarget(src: Float64Array): boolean {
  for (let i = 0; i < src.length; i++) if (!(Math.abs(src[i]!) <= MAX_TARGET)) return false;
  return true;
}

/** Largest regression target magnitude: squares stay finite, and so do sums of squares over 10⁸ rows. */
export const MAX_TARGET = 1e150;

/** Largest total sample weight: weighted sums and squares of ordinary targets stay finite. */
export const MAX_WEIGHT_SUM = 1e100;

/** Reads sample weights (finite, ≥ 0, with a sum in (0, 1e100]); null when none were given. O(n). */
export function readSampleWeight(source: string, w: unknown, n: number, borrow = false): Float64Array | null {
  if (w === null || w === undefined) return null;
  if (!Array.isArray(w) && !isNumericView(w)) {
    throw new ValidationError('E_WEIGHTS', `${source}: sampleWeight must be an array or typed array of numbers, got ${describeValue(w)}.`, { source, field: 'sampleWeight' });
  }
  const src = w as ArrayLike<unknown>;
  lengthCheck(source, 'sampleWeight', src.length, n);
  // As readTargets: a Float64Array the caller only reads is used as it is once checked.
  const out = borrow && src instanceof Float64Array ? src : new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError('E_WEIGHTS', `${source}: sampleWeight[${i}] is ${describeValue(v)}; weights must be finite numbers ≥ 0.`, { source, field: 'sampleWeight', row: i });
    }
    if (out !== src) out[i] = v;
    sum += v;
  }
  if (!(sum > 0) || !(sum <= MAX_WEIGHT_SUM)) {
    throw new ValidationError(
      'E_WEIGHTS',
      `${source}: sampleWeight ${sum > 0 ? `sums to ${sum.toExponential(1)}, past 1e100, where weighted sums of targets overflow; divide the weights by a common factor (only their ratios matter)` : 'is 0 for every row; give some row a positive weight'}.`,
      { source, field: 'sampleWeight' },
    );
  }
  return out;
}

/** Checks a classWeight option (before the labels are known). */
export function checkClassWeight(source: string, cw: unknown): ClassWeight {
  if (cw === null || cw === 'balanced') return cw;
  if (!isPlainObject(cw)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: classWeight must be null, 'balanced' or an object of weights per label such as { '1': 5 }, got ${describeValue(cw)}.`, { source, field: 'classWeight' });
  }
  for (const [key, w] of Object.entries(cw)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: classWeight for "${key}" must be a finite number > 0, got ${describeValue(w)}.`, { source, field: `classWeight.${key}` });
    }
  }
  return cw as Readonly<Record<string, number>>;
}

/**
 * The weight of every row: sample weight × class weight (scikit-learn's
 * `compute_class_weight`: 'balanced' uses unweighted class counts).
 * Returns a fresh array, or with `borrow` (for a caller that only reads it)
 * the sample weights themselves when there are no class weights. O(n).
 */
export function rowWeights(source: string, labels: EncodedLabels, cw: ClassWeight, sampleWeight: Float64Array | null, borrow = false): Float64Array {
  const C = labels.classes.length;
  const n = labels.y.length;
  const perClass = new Float64Array(C).fill(1);
  if (cw === 'balanced') {
    for (let c = 0; c < C; c++) perClass[c] = n / (C * labels.counts[c]!);
  } else if (cw !== null) {
    const byName = new Map(labels.classes.map((c, k) => [String(c), k]));
    for (const [key, w] of Object.entries(cw)) {
      const k = byName.get(key);
      if (k === undefined) {
        throw new OptionsError('E_OPTION_RANGE', `${source}: classWeight names label "${key}", which is not among the labels (${labels.classes.map(String).join(', ')}).`, { source, field: `classWeight.${key}` });
      }
      perClass[k] = w;
    }
  }
  if (borrow && cw === null && sampleWeight !== null) return sampleWeight;
  const out = new Float64Array(n);
  const codes = labels.y;
  if (sampleWeight === null) {
    if (cw === null) out.fill(1);
    else for (let i = 0; i < n; i++) out[i] = perClass[codes[i]!]!;
  } else if (cw === null) out.set(sampleWeight);
  else for (let i = 0; i < n; i++) out[i] = perClass[codes[i]!]! * sampleWeight[i]!;
  return out;
}
