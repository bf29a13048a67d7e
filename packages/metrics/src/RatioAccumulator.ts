import { comomentsFromJSON, comomentsFromStats, comomentsToStats, emptyComoments, requirePairs } from './bivariate';
import type { ComomentsJSON, RatioStats } from './bivariate';
import { addPair, batchComoments, mergeComoments } from './moments';
import type { Comoments } from './moments';
import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { requireFinite } from './validation';
import { requireFiniteState, requireSameAccumulator } from './accumulatorChecks';

/**
 * Mergeable accumulator for a ratio metric such as revenue per session or
 * clicks per page view, where each unit (user) contributes a numerator x and
 * a denominator y. The metric is Σx / Σy, not the mean of per-unit ratios.
 * Keeps the means and centred co-moments (stable Welford / Chan updates), and
 * converts to the cross sums `{ n, sumX, sumY, sumXX, sumYY, sumXY }`.
 *
 * `ratio()` is NaN when Σy = 0 (including when empty). Methods that add return
 * `this`; inputs are never mutated.
 *
 * @example
 * ```ts
 * import { RatioAccumulator } from '@marksman/metrics';
 * // revenue (x) and sessions (y) per user
 * const acc = new RatioAccumulator().addMany([10, 0, 30], [2, 1, 3]);
 * acc.ratio(); // => 6.666666666666667
 * acc.toStats(); // => { n: 3, sumX: 40, sumY: 6, sumXX: 1000, sumYY: 14, sumXY: 110 }
 * ```
 */
export class RatioAccumulator {
  private readonly state: Comoments = emptyComoments();

  /**
   * Adds one unit. O(1).
   *
   * @param x - the unit's numerator (finite)
   * @param y - the unit's denominator (finite)
   * @throws `ValidationError` `E_NAN`, `E_NOT_FINITE`
   */
  add(x: number, y: number): this {
    requireFinite('RatioAccumulator.add', 'x', x);
    requireFinite('RatioAccumulator.add', 'y', y);
    return this.#commit('RatioAccumulator.add', 'x', (s) => addPair(s, x, y));
  }

  /** Applies `update` to a copy of the state and keeps it only when it stays finite. */
  #commit(source: string, field: string, update: (s: Comoments) => void): this {
    const next = { ...this.state };
    update(next);
    requireFiniteState(source, field, next as unknown as Record<string, number>);
    Object.assign(this.state, next);
    return this;
  }

  /**
   * Adds a batch of units (all or nothing). O(n).
   *
   * @param xs - numerators, one per unit
   * @param ys - denominators, aligned with `xs`
   *   (each an array, typed array or Apache Arrow numeric vector, read in place)
   * @throws `ValidationError` `E_LENGTH`, `E_NAN`, `E_NOT_FINITE`, `E_ARROW_TYPE` (an Arrow vector
   *   of text, dates or nested values; an Arrow null is `E_NAN` with its row)
   */
  addMany(xs: ArrayLike<number> | ArrowLikeVector, ys: ArrayLike<number> | ArrowLikeVector): this {
    const xValues = vectorArg<number>('RatioAccumulator.addMany', 'xs', xs, 'number');
    const yValues = vectorArg<number>('RatioAccumulator.addMany', 'ys', ys, 'number');
    requirePairs('RatioAccumulator.addMany', xValues, yValues);
    const batch = batchComoments(xValues, yValues);
    requireFiniteState('RatioAccumulator.addMany', 'xs', batch as unknown as Record<string, number>);
    return this.#commit('RatioAccumulator.addMany', 'xs', (s) => mergeComoments(s, batch));
  }

  /**
   * Adds another accumulator's units into this one (the other is unchanged). O(1).
   *
   * @param other - an accumulator, e.g. from another shard
   */
  merge(other: RatioAccumulator): this {
    requireSameAccumulator('RatioAccumulator.merge', other, RatioAccumulator);
    const theirs = { ...other.state };
    return this.#commit('RatioAccumulator.merge', 'other', (s) => mergeComoments(s, theirs));
  }

  /** Number of units. */
  count(): number {
    return this.state.n;
  }

  /** Σx / Σy; NaN when Σy = 0. */
  ratio(): number {
    const sy = this.state.n * this.state.meanY;
    return sy === 0 ? NaN : this.state.meanX / this.state.meanY;
  }

  /** Mean numerator per unit; NaN when empty. */
  meanX(): number {
    return this.state.n === 0 ? NaN : this.state.meanX;
  }

  /** Mean denominator per unit; NaN when empty. */
  meanY(): number {
    return this.state.n === 0 ? NaN : this.state.meanY;
  }

  /**
   * Delta-method variance of the ratio estimate Σx/Σy, treating units as
   * independent (Deng, Knoblich & Lu 2018, "Applying the Delta Method in
   * Metric Analytics"): `(s_x² − 2R·s_xy + R²·s_y²) / (n · ȳ²)` with sample
   * (co)variances. NaN with fewer than 2 units or ȳ = 0.
   */
  ratioVariance(): number {
    const { n, meanY, cxx, cyy, cxy } = this.state;
    if (n < 2 || meanY === 0) return NaN;
    const r = this.ratio();
    const v = (cxx - 2 * r * cxy + r * r * cyy) / (n - 1);
    return Math.max(v, 0) / (n * meanY * meanY);
  }

  /** A copy with the same state. */
  clone(): RatioAccumulator {
    return RatioAccumulator.fromJSON(this.toJSON());
  }

  /** The cross sums `{ n, sumX, sumY, sumXX, sumYY, sumXY }`. */
  toStats(): RatioStats {
    return comomentsToStats(this.state);
  }

  /** The exact state (means and centred co-moments); `fromJSON` restores it bit for bit. */
  toJSON(): ComomentsJSON {
    return { ...this.state };
  }

  /**
   * An accumulator holding the given cross sums (e.g. from SQL).
   *
   * @param stats - `{ n, sumX, sumY, sumXX, sumYY, sumXY }`
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT`, `E_INPUT`
   */
  static fromStats(stats: RatioStats): RatioAccumulator {
    const acc = new RatioAccumulator();
    Object.assign(acc.state, comomentsFromStats('RatioAccumulator.fromStats', stats));
    return acc;
  }

  /**
   * Restores an accumulator from {@link RatioAccumulator.toJSON} output.
   *
   * @param json - `{ n, meanX, meanY, cxx, cyy, cxy }`
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT`, `E_INPUT`
   */
  static fromJSON(json: ComomentsJSON): RatioAccumulator {
    const acc = new RatioAccumulator();
    Object.assign(acc.state, comomentsFromJSON('RatioAccumulator.fromJSON', json));
    return acc;
  }
}
