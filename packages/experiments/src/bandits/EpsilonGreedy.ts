import { OptionsError, Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { RandomState } from '@marksman/core';
import type { MeanInput, ProportionInput } from '../bayesian/inputs';
import { ArmStats, allocationFromShares, checkArmCount, checkBatchSize, checkRandomState, readBanditJson } from './armStats';
import type { BanditAllocation, BanditArmSummary, BanditPolicy, BanditStatsJSON } from './banditTypes';

/** Options of {@link EpsilonGreedy}. */
export interface EpsilonGreedyOptions {
  /** Probability of exploring a uniformly random arm (default 0.1). */
  readonly epsilon?: number;
  /** Seed of the policy's random stream (default 0). */
  readonly seed?: number;
}

const DEFAULTS: Readonly<Required<EpsilonGreedyOptions>> = Object.freeze({ epsilon: 0.1, seed: 0 });

/** The saved state of an {@link EpsilonGreedy} policy. */
export interface EpsilonGreedyJSON {
  /** Always `'EpsilonGreedy'`. */
  readonly type: 'EpsilonGreedy';
  /** Format version, 1 (absent in states saved before versions existed). */
  readonly version?: 1;
  /** Number of arms. */
  readonly arms: number;
  /** The options, all filled in. */
  readonly options: EpsilonGreedyOptions;
  /** Per-arm counts, sums and sums of squares of the rewards. */
  readonly stats: BanditStatsJSON;
  /** State of the policy's random stream. */
  readonly random: RandomState;
}

const SOURCE = 'EpsilonGreedy';

/**
 * ε-greedy: play every arm once, then with probability ε a uniformly random
 * arm and otherwise the arm with the best mean reward (ties: the lowest
 * index). Simple and robust, but with a fixed ε its regret grows linearly
 * (a share ε/k·(k−1) of traffic keeps going to worse arms); prefer
 * {@link ThompsonSampling} when regret matters. `allocate` gives ε/k to every
 * arm and the rest to the leader(s).
 *
 * Costs O(k) per `select` and `allocate`.
 *
 * @example
 * ```ts
 * import { EpsilonGreedy } from '@marksman/experiments';
 * const eg = new EpsilonGreedy(2, { epsilon: 0.2, seed: 1 });
 * eg.updateStats(0, { n: 50, conversions: 5 });
 * eg.updateStats(1, { n: 50, conversions: 9 });
 * eg.allocate(100).counts; // => [10, 90]
 * ```
 */
export class EpsilonGreedy implements BanditPolicy {
  /** Number of arms. */
  readonly arms: number;
  readonly #o: Required<EpsilonGreedyOptions>;
  #stats: ArmStats;
  #rng: Random;

  /**
   * @param arms - number of arms, an integer ≥ 2
   * @param options - {@link EpsilonGreedyOptions}
   * @throws `ValidationError` `E_TOO_FEW_ARMS`
   * @throws `OptionsError` `E_OPTION_RANGE` (ε outside [0, 1]), `E_OPTION_UNKNOWN`, `E_SEED`
   */
  constructor(arms: number, options?: EpsilonGreedyOptions) {
    checkArmCount(arms, SOURCE);
    this.arms = arms;
    this.#o = resolveOptions(SOURCE, DEFAULTS, options);
    const e = this.#o.epsilon;
    if (typeof e !== 'number' || !(e >= 0 && e <= 1)) {
      throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: epsilon must be in [0, 1], got ${String(e)}.`, { source: SOURCE, field: 'epsilon' });
    }
    this.#stats = new ArmStats(arms);
    this.#rng = new Random(this.#o.seed);
  }

  /**
   * Restores a policy saved with {@link EpsilonGreedy.toJSON}.
   *
   * @param json - the saved state
   * @throws `ValidationError` `E_BANDIT_STATE`
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * EpsilonGreedy.fromJSON(new EpsilonGreedy(2).toJSON()).arms; // => 2
   * ```
   */
  static fromJSON(json: EpsilonGreedyJSON): EpsilonGreedy {
    const source = `${SOURCE}.fromJSON`;
    const o = readBanditJson(json, SOURCE, ['arms', 'options', 'stats', 'random'], source);
    const p = new EpsilonGreedy(o.arms as number, o.options as EpsilonGreedyOptions);
    p.#stats = ArmStats.fromJSON(o.stats, p.arms, source);
    p.#rng = Random.fromState(checkRandomState(o.random, source));
    return p;
  }

  /** Indices of the arms with the best mean (all tied ones). */
  #leaders(): number[] {
    let best = -Infinity;
    let out: number[] = [];
    for (let i = 0; i < this.arms; i++) {
      const m = this.#stats.mean(i);
      if (m > best) {
        best = m;
        out = [i];
      } else if (m === best) out.push(i);
    }
    return out;
  }

  /**
   * An unplayed arm first; then a random arm with probability ε, else the leader.
   *
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * new EpsilonGreedy(2).select(); // => 0
   * ```
   */
  select(): number {
    for (let i = 0; i < this.arms; i++) if (this.#stats.n[i] === 0) return i;
    if (this.#rng.next() < this.#o.epsilon) return this.#rng.int(this.arms);
    return this.#leaders()[0]!;
  }

  /**
   * Records one reward.
   *
   * @param arm - arm index
   * @param reward - a finite number
   * @throws `ValidationError` `E_ARM`, `E_REWARD`
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * const eg = new EpsilonGreedy(2);
   * eg.update(0, 2.5);
   * eg.summary()[0].mean; // => 2.5
   * ```
   */
  update(arm: number, reward: number): void {
    this.#stats.add(arm, reward, `${SOURCE}.update`);
  }

  /**
   * Records a batch of rewards for one arm from sufficient statistics.
   *
   * @param arm - arm index
   * @param stats - `{ n, conversions }` or `{ n, sum, sumSquares }`
   * @throws `ValidationError` `E_ARM` and the sufficient-statistics codes
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * const eg = new EpsilonGreedy(2);
   * eg.updateStats(1, { n: 20, conversions: 5 });
   * eg.summary()[1].mean; // => 0.25
   * ```
   */
  updateStats(arm: number, stats: ProportionInput | MeanInput): void {
    this.#stats.addStats(arm, stats, `${SOURCE}.updateStats`);
  }

  /**
   * Shares ε/k for every arm plus 1 − ε split among the leaders.
   *
   * @param batchSize - units in the batch, a positive integer
   * @throws `ValidationError` `E_BATCH_SIZE`
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * const eg = new EpsilonGreedy(4, { epsilon: 0.4 });
   * eg.updateStats(0, { n: 10, conversions: 5 });
   * eg.allocate(10).counts; // => [7, 1, 1, 1]
   * ```
   */
  allocate(batchSize: number): BanditAllocation {
    checkBatchSize(batchSize, `${SOURCE}.allocate`);
    const eps = this.#o.epsilon;
    const leaders = this.#leaders();
    const shares = Array.from({ length: this.arms }, (_, i) => eps / this.arms + (leaders.includes(i) ? (1 - eps) / leaders.length : 0));
    return allocationFromShares(shares, batchSize);
  }

  /**
   * Pulls and mean observed reward per arm.
   *
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * new EpsilonGreedy(3).summary().length; // => 3
   * ```
   */
  summary(): BanditArmSummary[] {
    return this.#stats.summary();
  }

  /**
   * An independent copy with the same state and random stream.
   *
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * const a = new EpsilonGreedy(2, { seed: 5 });
   * a.update(0, 1); a.update(1, 0);
   * a.clone().select() === a.select(); // => true
   * ```
   */
  clone(): EpsilonGreedy {
    return EpsilonGreedy.fromJSON(this.toJSON());
  }

  /**
   * The whole state as a plain object (options, statistics, random stream).
   *
   * @example
   * ```ts
   * import { EpsilonGreedy } from '@marksman/experiments';
   * new EpsilonGreedy(2).toJSON().type; // => 'EpsilonGreedy'
   * ```
   */
  toJSON(): EpsilonGreedyJSON {
    return { type: 'EpsilonGreedy', version: 1, arms: this.arms, options: { ...this.#o }, stats: this.#stats.toJSON(), random: this.#rng.getState() };
  }
}
