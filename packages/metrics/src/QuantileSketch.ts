import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { countField, inconsistent, requireSameAccumulator, requireStateObject } from './accumulatorChecks';
import { requireFinite, requireInRange, requireList } from './validation';
import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';

// Why not a package: @datadog/sketches-js (the reference DDSketch in
// TypeScript) ships CommonJS only and serialises to protobuf; this package
// depends on @marksman/core alone and saves plain, validated JSON. DDSketch
// is short: logarithmic buckets and integer counts.

/** Options of {@link QuantileSketch}. */
export interface QuantileSketchOptions {
  /** Relative accuracy α in (0, 1): every quantile is within α·|true value|; default 0.01. */
  readonly relativeAccuracy?: number;
}

/** Saved state of a {@link QuantileSketch}. */
export interface QuantileSketchJSON {
  /** Relative accuracy α. */
  readonly relativeAccuracy: number;
  /** Buckets of positive values: `[index, count]` pairs, index ascending; bucket i holds (γ^(i−1), γ^i]. */
  readonly positive: ReadonlyArray<readonly [number, number]>;
  /** Buckets of negative values by the index of their absolute value. */
  readonly negative: ReadonlyArray<readonly [number, number]>;
  /** Number of zeros. */
  readonly zeros: number;
  /** Smallest value seen (0 when empty). */
  readonly min: number;
  /** Largest value seen (0 when empty). */
  readonly max: number;
}

const DEFAULTS: Readonly<{ relativeAccuracy: number }> = Object.freeze({ relativeAccuracy: 0.01 });
const JSON_KEYS: readonly string[] = ['relativeAccuracy', 'positive', 'negative', 'zeros', 'min', 'max'];

/**
 * Mergeable quantile sketch with relative-error guarantees: DDSketch (Masson,
 * Rim & Lee 2019, "DDSketch: a fast and fully-mergeable quantile sketch with
 * relative-error guarantees", PVLDB 12(12)). A value x > 0 goes to bucket
 * ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and a bucket answers 2γ^i/(γ + 1),
 * within α·x of every value in it (negative values mirror this; zeros are
 * counted apart). So `quantile(q)` is within α·|x_q| of x_q, the value of
 * rank ⌊q·(n − 1)⌋ of the data; the extremes are exact. Counts are integers,
 * so shards merged in any order give exactly the one-pass sketch. Memory is
 * one bucket per occupied power of γ: about log(max/min)/(2α) buckets (α =
 * 0.01, values from 0.01 to 1e6: at most about 920).
 *
 * `quantile()` of an empty sketch is NaN (a state, not an error).
 *
 * @example
 * ```ts
 * import { QuantileSketch } from '@marksman/metrics';
 * const a = new QuantileSketch({ relativeAccuracy: 0.01 }).addMany([12, 40, 7, 95, 3]);
 * const b = new QuantileSketch({ relativeAccuracy: 0.01 }).addMany([18, 60, 22, 5, 31]);
 * const all = a.merge(b);
 * all.count(); // => 10
 * all.quantile(0.5).toFixed(1); // => '18.0' (the exact median of rank 4 is 18)
 * [all.min(), all.max()]; // => [3, 95]
 * QuantileSketch.fromJSON(JSON.parse(JSON.stringify(all))).quantile(0.9) === all.quantile(0.9); // => true
 * ```
 */
export class QuantileSketch {
  readonly #alpha: number;
  readonly #logGamma: number;
  readonly #positive = new Map<number, number>();
  readonly #negative = new Map<number, number>();
  #zeros = 0;
  #count = 0;
  #min = Infinity;
  #max = -Infinity;

  /**
   * @param options - `relativeAccuracy` α (default 0.01)
   * @throws `OptionsError` `E_OPTION_RANGE` (α outside (0, 1)), `E_OPTION_UNKNOWN`
   */
  constructor(options?: QuantileSketchOptions) {
    const o = resolveOptions('QuantileSketch', DEFAULTS, options);
    const a = o.relativeAccuracy;
    if (typeof a !== 'number' || !(a > 0 && a < 1)) {
      throw new OptionsError('E_OPTION_RANGE', `QuantileSketch: relativeAccuracy must lie strictly between 0 and 1 (e.g. 0.01 for 1 %), got ${String(a)}.`, { source: 'QuantileSketch', field: 'relativeAccuracy' });
    }
    this.#alpha = a;
    this.#logGamma = Math.log1p((2 * a) / (1 - a));
  }

  #index(x: number): number {
    return Math.ceil(Math.log(x) / this.#logGamma);
  }

  #insert(x: number, n: number): void {
    if (x > 0) {
      const i = this.#index(x);
      this.#positive.set(i, (this.#positive.get(i) ?? 0) + n);
    } else if (x < 0) {
      const i = this.#index(-x);
      this.#negative.set(i, (this.#negative.get(i) ?? 0) + n);
    } else this.#zeros += n;
    this.#count += n;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
  }

  /**
   * Adds one value. O(1).
   *
   * @param x - a finite number
   * @throws `ValidationError` `E_NAN`, `E_NOT_FINITE`
   */
  add(x: number): this {
    requireFinite('QuantileSketch.add', 'x', x);
    this.#insert(x, 1);
    return this;
  }

  /**
   * Adds a batch of values (all or nothing: checked first). O(n).
   *
   * @param xs - finite numbers (array, typed array or Apache Arrow numeric vector, read in place)
   * @throws `ValidationError` `E_SHAPE`, `E_NAN`, `E_NOT_FINITE` (with the row), `E_ARROW_TYPE`
   *   (an Arrow vector of text, dates or nested values; an Arrow null is `E_NAN` with its row)
   */
  addMany(xs: ArrayLike<number> | ArrowLikeVector): this {
    const values = vectorArg<number>('QuantileSketch.addMany', 'xs', xs, 'number');
    requireList('QuantileSketch.addMany', 'xs', values);
    for (let i = 0; i < values.length; i++) requireFinite('QuantileSketch.addMany', 'xs', values[i] as number, i);
    for (let i = 0; i < values.length; i++) this.#insert(values[i] as number, 1);
    return this;
  }

  /**
   * Adds another sketch's counts into this one (the other is unchanged). O(buckets).
   *
   * @param other - a sketch with the same relative accuracy
   * @throws `ValidationError` `E_MERGE_TYPE` (not a QuantileSketch), `E_INCONSISTENT` (another accuracy)
   */
  merge(other: QuantileSketch): this {
    requireSameAccumulator('QuantileSketch.merge', other, QuantileSketch);
    if (other.#alpha !== this.#alpha) {
      inconsistent('QuantileSketch.merge', 'other', `the sketches have different relative accuracies (${this.#alpha} and ${other.#alpha}); their buckets do not line up.`);
    }
    for (const [i, c] of other.#positive) this.#positive.set(i, (this.#positive.get(i) ?? 0) + c);
    for (const [i, c] of other.#negative) this.#negative.set(i, (this.#negative.get(i) ?? 0) + c);
    this.#zeros += other.#zeros;
    this.#count += other.#count;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
    return this;
  }

  /** Number of values added. */
  count(): number {
    return this.#count;
  }

  /** The relative accuracy α. */
  relativeAccuracy(): number {
    return this.#alpha;
  }

  /** Smallest value (exact); NaN when empty. */
  min(): number {
    return this.#count === 0 ? NaN : this.#min;
  }

  /** Largest value (exact); NaN when empty. */
  max(): number {
    return this.#count === 0 ? NaN : this.#max;
  }

  /**
   * The q-quantile: within α·|x| of x, the value of rank ⌊q·(n − 1)⌋ (0-based)
   * of the values added; exact at q = 0 and q = 1. NaN when empty. O(buckets · log buckets).
   *
   * @param q - a probability in [0, 1]
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`
   */
  quantile(q: number): number {
    requireInRange('QuantileSketch.quantile', 'q', q, 0, 1);
    if (this.#count === 0) return NaN;
    if (q === 0) return this.#min;
    if (q === 1) return this.#max;
    const rank = Math.floor(q * (this.#count - 1));
    const gamma = Math.exp(this.#logGamma);
    const value = (i: number) => (2 * Math.exp(i * this.#logGamma)) / (gamma + 1);
    let seen = 0;
    for (const i of [...this.#negative.keys()].sort((a, b) => b - a)) {
      seen += this.#negative.get(i) as number;
      if (seen > rank) return this.#clamp(-value(i));
    }
    seen += this.#zeros;
    if (seen > rank) return 0;
    for (const i of [...this.#positive.keys()].sort((a, b) => a - b)) {
      seen += this.#positive.get(i) as number;
      if (seen > rank) return this.#clamp(value(i));
    }
    return this.#max;
  }

  #clamp(x: number): number {
    return Math.min(Math.max(x, this.#min), this.#max);
  }

  /** A copy with the same state. */
  clone(): QuantileSketch {
    return QuantileSketch.fromJSON(this.toJSON());
  }

  /** The exact state; {@link QuantileSketch.fromJSON} restores it. */
  toJSON(): QuantileSketchJSON {
    const pairs = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]).map(([i, c]) => [i, c] as const);
    return {
      relativeAccuracy: this.#alpha,
      positive: pairs(this.#positive),
      negative: pairs(this.#negative),
      zeros: this.#zeros,
      min: this.#count === 0 ? 0 : this.#min,
      max: this.#count === 0 ? 0 : this.#max,
    };
  }

  /**
   * Restores a sketch from {@link QuantileSketch.toJSON} output, checking it.
   *
   * @param json - a saved state
   * @throws `ValidationError` `E_INPUT` (not an object, unknown field), `E_SHAPE`, `E_RANGE` (a bucket
   *   that is not an `[integer, count ≥ 1]` pair), `E_INCONSISTENT` (duplicate or unsorted buckets, min > max,
   *   extremes outside the buckets), `E_NAN`, `E_NOT_FINITE`; `OptionsError` `E_OPTION_RANGE`
   */
  static fromJSON(json: QuantileSketchJSON): QuantileSketch {
    const source = 'QuantileSketch.fromJSON';
    const o = requireStateObject(source, json, JSON_KEYS);
    for (const k of JSON_KEYS) if (o[k] === undefined) throw new ValidationError('E_INPUT', `${source}: the saved state has no "${k}".`, { source, field: k });
    const sketch = new QuantileSketch({ relativeAccuracy: o.relativeAccuracy as number });
    const zeros = countField(source, o, 'zeros');
    requireFinite(source, 'min', o.min as number);
    requireFinite(source, 'max', o.max as number);
    let total = zeros;
    for (const side of ['positive', 'negative'] as const) {
      const list = o[side] as unknown;
      requireList(source, side, list);
      const store = side === 'positive' ? sketch.#positive : sketch.#negative;
      let last = -Infinity;
      for (let r = 0; r < list.length; r++) {
        const pair = list[r] as unknown;
        if (!Array.isArray(pair) || pair.length !== 2 || !Number.isSafeInteger(pair[0]) || !Number.isSafeInteger(pair[1]) || (pair[1] as number) < 1) {
          throw new ValidationError('E_RANGE', `${source}: ${side}[${r}] must be an [index, count] pair of integers with count ≥ 1.`, { source, field: side, row: r });
        }
        if ((pair[0] as number) <= last) inconsistent(source, side, `${side} buckets must be in ascending index order without repeats (row ${r}).`);
        last = pair[0] as number;
        store.set(pair[0] as number, pair[1] as number);
        total += pair[1] as number;
      }
    }
    if (!Number.isSafeInteger(total)) inconsistent(source, 'positive', 'the bucket counts add up beyond 2^53 − 1.');
    const min = o.min as number;
    const max = o.max as number;
    if (total === 0) {
      if (min !== 0 || max !== 0) inconsistent(source, 'min', 'an empty sketch has min and max 0.');
      return sketch;
    }
    if (min > max) inconsistent(source, 'min', `min (${min}) exceeds max (${max}).`);
    // the extremes must fall in the occupied range of buckets
    const lo = sketch.#negative.size > 0 ? -1 : zeros > 0 ? 0 : 1;
    const hi = sketch.#positive.size > 0 ? 1 : zeros > 0 ? 0 : -1;
    if (Math.sign(min) !== lo || Math.sign(max) !== hi) inconsistent(source, 'min', 'min and max do not match the signs of the occupied buckets.');
    const check = (field: 'min' | 'max', x: number) => {
      if (x === 0) return;
      const store = x > 0 ? sketch.#positive : sketch.#negative;
      if (!store.has(sketch.#index(Math.abs(x)))) inconsistent(source, field, `${field} (${x}) lies in no occupied bucket.`);
    };
    check('min', min);
    check('max', max);
    sketch.#zeros = zeros;
    sketch.#count = total;
    sketch.#min = min;
    sketch.#max = max;
    return sketch;
  }
}
