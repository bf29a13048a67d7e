import { ValidationError } from '@marksman/core';
import { countField, inconsistent, requireFiniteState, requireObject, requireSameAccumulator, requireStateObject } from './accumulatorChecks';
import { requireList } from './validation';
import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';

/** Sufficient statistics of a proportion (conversion) metric, shared with `@marksman/experiments`. */
export interface ProportionStats {
  /** Number of units (trials, visitors). */
  readonly n: number;
  /** Number of units that converted. */
  readonly conversions: number;
}

/**
 * Mergeable conversion counter: units seen and units converted. Exact
 * (integer counts), so merging shards in any order gives the same state.
 *
 * `rate()` is NaN when empty (a state, not an error). Methods that add return
 * `this`; inputs are never mutated.
 *
 * @example
 * ```ts
 * import { ProportionAccumulator } from '@marksman/metrics';
 * const web = new ProportionAccumulator().addMany([1, 0, 0, 1]);
 * const app = new ProportionAccumulator().addCounts(6, 1);
 * const all = web.merge(app);
 * all.toStats(); // => { n: 10, conversions: 3 }
 * all.rate(); // => 0.3
 * ```
 */
export class ProportionAccumulator {
  private n = 0;
  private k = 0;

  /**
   * Adds one unit. O(1).
   *
   * @param converted - `true`/`1` for a conversion, `false`/`0` otherwise
   * @throws `ValidationError` `E_RANGE` for any other value
   */
  add(converted: boolean | number): this {
    return this.#commit('ProportionAccumulator.add', 'converted', 1, toOutcome('ProportionAccumulator.add', converted));
  }

  /**
   * Adds a batch of outcomes (all or nothing). O(n).
   *
   * @param outcomes - booleans or 0/1 numbers (or an Apache Arrow Bool or numeric vector)
   * @throws `ValidationError` `E_RANGE` with the row at fault (an Arrow null too), `E_ARROW_TYPE`
   *   (an Arrow vector of text, dates or nested values)
   */
  addMany(outcomes: ArrayLike<boolean | number> | ArrowLikeVector): this {
    const values = vectorArg<boolean | number>('ProportionAccumulator.addMany', 'outcomes', outcomes, 'binary');
    requireList('ProportionAccumulator.addMany', 'outcomes', values);
    let k = 0;
    for (let i = 0; i < values.length; i++) k += toOutcome('ProportionAccumulator.addMany', values[i] as boolean | number, i);
    return this.#commit('ProportionAccumulator.addMany', 'outcomes', values.length, k);
  }

  /** Adds counts, refusing (unchanged) a total above 2^53 − 1. */
  #commit(source: string, field: string, n: number, k: number): this {
    requireFiniteState(source, field, { n: this.n + n });
    this.n += n;
    this.k += k;
    return this;
  }

  /**
   * Adds aggregated counts (e.g. a day's totals). O(1).
   *
   * @param n - units, an integer ≥ 0
   * @param conversions - conversions among them, an integer in [0, n]
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT` (conversions > n)
   */
  addCounts(n: number, conversions: number): this {
    const s = checkCounts('ProportionAccumulator.addCounts', { n, conversions });
    return this.#commit('ProportionAccumulator.addCounts', 'n', s.n, s.conversions);
  }

  /**
   * Adds another accumulator's counts into this one (the other is unchanged). O(1).
   *
   * @param other - an accumulator, e.g. from another shard
   */
  merge(other: ProportionAccumulator): this {
    requireSameAccumulator('ProportionAccumulator.merge', other, ProportionAccumulator);
    return this.#commit('ProportionAccumulator.merge', 'other', other.n, other.k);
  }

  /** Number of units. */
  count(): number {
    return this.n;
  }

  /** Number of conversions. */
  conversions(): number {
    return this.k;
  }

  /** Conversion rate k / n; NaN when empty. */
  rate(): number {
    return this.n === 0 ? NaN : this.k / this.n;
  }

  /** Standard error of the rate, √(p(1 − p)/n); NaN when empty. */
  standardError(): number {
    const p = this.rate();
    return Math.sqrt((p * (1 - p)) / this.n);
  }

  /** A copy with the same counts. */
  clone(): ProportionAccumulator {
    return new ProportionAccumulator().merge(this);
  }

  /** The sufficient statistics `{ n, conversions }`. */
  toStats(): ProportionStats {
    return { n: this.n, conversions: this.k };
  }

  /** Same as {@link ProportionAccumulator.toStats}; `fromJSON` restores it. */
  toJSON(): ProportionStats {
    return this.toStats();
  }

  /**
   * An accumulator holding the outcomes counts.
   *
   * @param stats - `{ n, conversions }`
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT`, `E_INPUT`
   */
  static fromStats(stats: ProportionStats): ProportionAccumulator {
    const s = checkCounts('ProportionAccumulator.fromStats', stats);
    return new ProportionAccumulator().addCounts(s.n, s.conversions);
  }

  /**
   * Restores an accumulator from {@link ProportionAccumulator.toJSON} output.
   *
   * @param json - `{ n, conversions }`
   * @throws `ValidationError` `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INCONSISTENT`, `E_INPUT`
   */
  static fromJSON(json: ProportionStats): ProportionAccumulator {
    requireStateObject('ProportionAccumulator.fromJSON', json, ['n', 'conversions']);
    const s = checkCounts('ProportionAccumulator.fromJSON', json);
    return new ProportionAccumulator().addCounts(s.n, s.conversions);
  }
}

function toOutcome(source: string, v: boolean | number, row?: number): number {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  const where = row === undefined ? '' : ` at row ${row}`;
  throw new ValidationError('E_RANGE', `${source}: outcome${where} is ${String(v)}; give true/false or 1/0.`, row === undefined ? { source, field: 'converted' } : { source, field: 'outcomes', row });
}

function checkCounts(source: string, stats: ProportionStats): ProportionStats {
  const o = requireObject(source, stats);
  const n = countField(source, o, 'n');
  const conversions = countField(source, o, 'conversions');
  if (conversions > n) inconsistent(source, 'conversions', `conversions (${conversions}) exceed n (${n}).`);
  return { n, conversions };
}
