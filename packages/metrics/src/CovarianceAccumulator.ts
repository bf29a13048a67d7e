import { comomentsFromJSON, comomentsFromStats, comomentsToStats, emptyComoments, requirePairs } from './bivariate';
import type { ComomentsJSON, RatioStats } from './bivariate';
import { addPair, batchComoments, mergeComoments } from './moments';
import type { Comoments } from './moments';
import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { requireFinite } from './validation';
import { requireFiniteState, requireSameAccumulator } from './accumulatorChecks';

/**
 * Mergeable running means, variances and covariance of two variables, e.g.
 * an experiment metric y and its pre-period covariate x for CUPED, where the
 * adjustment coefficient is θ = cov(x, y) / var(x) (`slope()`). Stable
 * Welford / Chan updates; converts to the cross sums
 * `{ n, sumX, sumY, sumXX, sumYY, sumXY }`.
 *
 * Statistics that need more data than was added return NaN (a state, not an
 * error). Methods that add return `this`; inputs are never mutated.
 *
 * @example
 * ```ts
 * import { CovarianceAccumulator } from '@marksman/metrics';
 * const acc = new CovarianceAccumulator().addMany([1, 2, 3, 4], [2, 4, 5, 9]);
 * acc.covariance().toFixed(4); // => '3.6667'
 * acc.slope(); // => 2.2
 * acc.correlation().toFixed(4); // => '0.9648'
 * ```
 */
export class CovarianceAccumulator {
  private readonly state: Comoments = emptyComoments();

  /**
   * Adds one pair. O(1).
   *
   * @param x - first variable (e.g. pre-period covariate)
   * @param y - second variable (e.g. the metric)
   * @throws `ValidationError` `E_NAN`, `E_NOT_FINITE`
   */
  add(x: number, y: number): this {
    requireFinite('CovarianceAccumulator.add', 'x', x);
    requireFinite('CovarianceAccumulator.add', 'y', y);
    return this.#commit('CovarianceAccumulator.add', 'x', (s) => addPair(s, x, y));
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
   * Adds a batch of pairs (all or nothing). O(n).
   *
   * @param xs - first variable
   * @param ys - second variable, aligned with `xs`
   *   (each an array, typed array or Apache Arrow numeric vector, read in place)
   * @throws `ValidationError` `E_LENGTH`, `E_NAN`, `E_NOT_FINITE`, `E_ARROW_TYPE` (an Arrow vector
   *   of text, dates or nested values; an Arrow null is `E_NAN` with its row)
   */
  addMany(xs: ArrayLike<number> | ArrowLikeVector, ys: ArrayLike<number> | ArrowLikeVector): this {
    const xValues = vectorArg<number>('CovarianceAccumulator.addMany', 'xs', xs, 'number');
    const yValues = vectorArg<number>('CovarianceAccumulator.addMany', 'ys', ys, 'number');
    requirePairs('CovarianceAccumulator.addMany', xValues, yValues);
    const batch = batchComoments(xValues, yValues);
    requireFiniteState('CovarianceAccumulator.addMany', 'xs', batch as unknown as Record<string, number>);
    return this.#commit('CovarianceAccumulator.addMany', 'xs', (s) => mergeComoments(s, batch));
  }

  /**
   * Adds another accumulator's pairs into this one (the other is unchanged). O(1).
   *
   * @param other - an accumulator, e.g. from another shard
   */
  merge(other: CovarianceAccumulator): this {
    requireSameAccumulator('CovarianceAccumulator.merge', other, CovarianceAccumulator);
    const theirs = { ...other.state };
    return this.#commit('CovarianceAccumulator.merge', 'other', (s) => mergeComoments(s, theirs));
  }

  /** Number of pairs. */
  count(): number {
    return this.state.n;
  }

  /** Mean of x; NaN when empty. */
  meanX(): number {
    return this.state.n === 0 ? NaN : this.state.meanX;
  }

  /** Mean of y; NaN when empty. */
  meanY(): number {
    return this.state.n === 0 ? NaN : this.state.meanY;
  }

  /** Sample variance of x (n − 1); NaN with fewer than 2 pairs. */
  varianceX(): number {
    return this.state.n < 2 ? NaN : this.state.cxx / (this.state.n - 1);
  }

  /** Sample variance of y (n − 1); NaN with fewer than 2 pairs. */
  varianceY(): number {
    return this.state.n < 2 ? NaN : this.state.cyy / (this.state.n - 1);
  }

  /** Sample covariance (n − 1); NaN with fewer than 2 pairs. */
  covariance(): number {
    return this.state.n < 2 ? NaN : this.state.cxy / (this.state.n - 1);
  }

  /** Pearson correlation; NaN with fewer than 2 pairs or a constant variable. */
  correlation(): number {
    const { n, cxx, cyy, cxy } = this.state;
    if (n < 2 || cxx === 0 || cyy === 0) return NaN;
    return Math.max(-1, Math.min(1, cxy / Math.sqrt(cxx * cyy)));
  }

  /** Least-squares slope of y on x, cov(x, y) / var(x) (CUPED's θ); NaN when x is constant. */
  slope(): number {
    const { n, cxx, cxy } = this.state;
    if (n < 2 || cxx === 0) return NaN;
    return cxy / cxx;
  }

  /** A copy with the same state. */
  clone(): CovarianceAccumulator {
    return CovarianceAccumulator.fromJSON(this.toJSON());
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
  static fromStats(stats: RatioStats): CovarianceAccumulator {
    const acc = new CovarianceAccumulator();
    Object.assign(acc.state, comomentsFromStats('CovarianceAccumulator.fromStats', stats));
    return acc;
  }

  /**
   * Restores an accumulator from {@link CovarianceAccumulator.toJSON} output.
   *
   * @param json - `{ n, meanX, meanY, cxx, cyy, cxy }`
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT`, `E_INPUT`
   */
  static fromJSON(json: ComomentsJSON): CovarianceAccumulator {
    const acc = new CovarianceAccumulator();
    Object.assign(acc.state, comomentsFromJSON('CovarianceAccumulator.fromJSON', json));
    return acc;
  }
}
