import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { addOne, batchMoments, mergeInto } from './moments';
import type { Moments } from './moments';
import { countField, inconsistent, m2FromSums, numberField, requireFiniteState, requireObject, requireSameAccumulator, requireStateObject } from './accumulatorChecks';
import { requireFinite, requireFiniteArray } from './validation';

/**
 * Sufficient statistics of a mean metric, the shape shared with
 * `@marksman/experiments` and with warehouse aggregates
 * (`COUNT(x), SUM(x), SUM(x*x)`).
 */
export interface MeanStats {
  /** Number of values. */
  readonly n: number;
  /** Σ x. */
  readonly sum: number;
  /** Σ x². */
  readonly sumSquares: number;
}

/** Serialised {@link MeanAccumulator}: the exact, numerically stable state. */
export interface MeanAccumulatorJSON {
  /** Number of values. */
  readonly n: number;
  /** Running mean (0 when n = 0). */
  readonly mean: number;
  /** Σ (x − mean)², the centred sum of squares. */
  readonly m2: number;
}

/**
 * Mergeable running mean and variance for streams and shards. Values are
 * added one at a time (Welford 1962) or in batches (corrected two-pass), and
 * shards merge with the parallel formula of Chan, Golub & LeVeque (1979), so
 * any split and merge order gives the one-pass answer up to rounding, and
 * values around 1e9 with a small spread keep an accurate variance (no
 * Σx² − (Σx)²/n cancellation).
 *
 * `mean()` is NaN when empty and `variance()` is NaN with fewer than two
 * values: an empty monitoring window is a state, not an error.
 * Methods that add return `this` for chaining; inputs are never mutated.
 *
 * @example
 * ```ts
 * import { MeanAccumulator } from '@marksman/metrics';
 * const a = new MeanAccumulator().addMany([2, 4, 4, 4]);
 * const b = new MeanAccumulator().add(5).add(5).add(7).add(9);
 * const all = a.merge(b);
 * all.mean(); // => 5
 * all.variance(); // => 4.571428571428571
 * all.toStats(); // => { n: 8, sum: 40, sumSquares: 232 }
 * ```
 */
export class MeanAccumulator {
  private readonly state: Moments = { n: 0, mean: 0, m2: 0 };

  /**
   * Adds one value. O(1).
   *
   * @param x - a finite number
   * @throws `ValidationError` `E_NAN`, `E_NOT_FINITE`
   */
  add(x: number): this {
    requireFinite('MeanAccumulator.add', 'x', x);
    return this.#commit('MeanAccumulator.add', 'x', (s) => addOne(s, x));
  }

  /** Applies `update` to a copy of the state and keeps it only when it stays finite. */
  #commit(source: string, field: string, update: (s: Moments) => void): this {
    const next = { ...this.state };
    update(next);
    requireFiniteState(source, field, next as unknown as Record<string, number>);
    Object.assign(this.state, next);
    return this;
  }

  /**
   * Adds a batch of values (all or nothing: a bad value adds none). O(n).
   *
   * @param xs - finite numbers (array, typed array or Apache Arrow numeric vector, whose typed
   *   array is read in place)
   * @throws `ValidationError` `E_NAN`, `E_NOT_FINITE` with the row at fault, `E_ARROW_TYPE`
   *   (an Arrow vector of text, dates or nested values; an Arrow null is `E_NAN` with its row)
   */
  addMany(xs: ArrayLike<number> | ArrowLikeVector): this {
    const values = vectorArg<number>('MeanAccumulator.addMany', 'xs', xs, 'number');
    requireFiniteArray('MeanAccumulator.addMany', 'xs', values);
    const batch = batchMoments(values);
    requireFiniteState('MeanAccumulator.addMany', 'xs', batch as unknown as Record<string, number>);
    return this.#commit('MeanAccumulator.addMany', 'xs', (s) => mergeInto(s, batch));
  }

  /**
   * Adds another accumulator's values into this one (the other is unchanged). O(1).
   *
   * @param other - an accumulator, e.g. from another shard
   */
  merge(other: MeanAccumulator): this {
    requireSameAccumulator('MeanAccumulator.merge', other, MeanAccumulator);
    const theirs = { ...other.state };
    return this.#commit('MeanAccumulator.merge', 'other', (s) => mergeInto(s, theirs));
  }

  /** Number of values added. */
  count(): number {
    return this.state.n;
  }

  /** Σ x (as n · mean; ±Infinity when it exceeds the largest double, while the state itself stays finite). */
  sum(): number {
    return this.state.n * this.state.mean;
  }

  /** Mean; NaN when empty. */
  mean(): number {
    return this.state.n === 0 ? NaN : this.state.mean;
  }

  /** Sample variance (n − 1 denominator); NaN with fewer than 2 values. */
  variance(): number {
    return this.state.n < 2 ? NaN : this.state.m2 / (this.state.n - 1);
  }

  /** Sample standard deviation; NaN with fewer than 2 values. */
  standardDeviation(): number {
    return Math.sqrt(this.variance());
  }

  /** Standard error of the mean, √(variance / n); NaN with fewer than 2 values. */
  standardError(): number {
    return Math.sqrt(this.variance() / this.state.n);
  }

  /** A copy with the same state. */
  clone(): MeanAccumulator {
    return MeanAccumulator.fromJSON(this.toJSON());
  }

  /**
   * The sufficient statistics `{ n, sum, sumSquares }`. Raw sums lose the
   * variance of values with a large mean and small spread; use `toJSON` to
   * store the state itself.
   */
  toStats(): MeanStats {
    const { n, mean, m2 } = this.state;
    return { n, sum: n * mean, sumSquares: m2 + n * mean * mean };
  }

  /** The exact state `{ n, mean, m2 }`; `fromJSON` restores it bit for bit. */
  toJSON(): MeanAccumulatorJSON {
    return { ...this.state };
  }

  /**
   * An accumulator holding the given sufficient statistics (e.g. from SQL).
   *
   * @param stats - `{ n, sum, sumSquares }`
   * @throws `ValidationError` `E_RANGE` (n not an integer ≥ 0), `E_NAN`, `E_NOT_FINITE`,
   *   `E_INCONSISTENT` (sums no data could produce), `E_INPUT` (not an object)
   */
  static fromStats(stats: MeanStats): MeanAccumulator {
    const source = 'MeanAccumulator.fromStats';
    const o = requireObject(source, stats);
    const n = countField(source, o, 'n');
    const sum = numberField(source, o, 'sum');
    const sumSquares = numberField(source, o, 'sumSquares');
    const acc = new MeanAccumulator();
    acc.state.m2 = m2FromSums(source, 'sumSquares', n, sum, sumSquares);
    acc.state.n = n;
    acc.state.mean = n === 0 ? 0 : sum / n;
    return acc;
  }

  /**
   * Restores an accumulator from {@link MeanAccumulator.toJSON} output.
   *
   * @param json - `{ n, mean, m2 }`
   * @throws `ValidationError` `E_RANGE` (n not an integer ≥ 0), `E_NAN`, `E_NOT_FINITE`,
   *   `E_INCONSISTENT` (m2 < 0, or n = 0 with a non-zero state), `E_INPUT` (not an object)
   */
  static fromJSON(json: MeanAccumulatorJSON): MeanAccumulator {
    const source = 'MeanAccumulator.fromJSON';
    const o = requireStateObject(source, json, ['n', 'mean', 'm2']);
    const n = countField(source, o, 'n');
    const mean = numberField(source, o, 'mean');
    const m2 = numberField(source, o, 'm2');
    if (m2 < 0) inconsistent(source, 'm2', `m2 is ${m2}; a sum of squares cannot be negative.`);
    if (n === 0 && (mean !== 0 || m2 !== 0)) inconsistent(source, 'n', 'n is 0 but mean or m2 is not.');
    if (n === 1 && m2 !== 0) inconsistent(source, 'm2', `n is 1 but m2 is ${m2}; one value has no spread.`);
    const acc = new MeanAccumulator();
    acc.state.n = n;
    acc.state.mean = mean;
    acc.state.m2 = m2;
    return acc;
  }
}
