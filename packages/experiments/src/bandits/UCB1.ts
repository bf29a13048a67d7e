import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { MeanInput, ProportionInput } from '../bayesian/inputs';
import { ArmStats, allocationFromShares, checkArmCount, checkBatchSize, readBanditJson } from './armStats';
import type { BanditAllocation, BanditArmSummary, BanditPolicy, BanditStatsJSON } from './banditTypes';

/** Options of {@link UCB1}. */
export interface UCB1Options {
  /**
   * Multiplier c of the exploration bonus c·√(2 ln t / nᵢ) (default 1, the
   * value of Auer et al. for rewards in [0, 1]; scale it with the reward
   * range for other rewards).
   */
  readonly explorationScale?: number;
}

const DEFAULTS: Readonly<Required<UCB1Options>> = Object.freeze({ explorationScale: 1 });

/** The saved state of a {@link UCB1} policy. */
export interface UCB1JSON {
  /** Always `'UCB1'`. */
  readonly type: 'UCB1';
  /** Format version, 1 (absent in states saved before versions existed). */
  readonly version?: 1;
  /** Number of arms. */
  readonly arms: number;
  /** The options, all filled in. */
  readonly options: UCB1Options;
  /** Per-arm counts, sums and sums of squares of the rewards. */
  readonly stats: BanditStatsJSON;
}

const SOURCE = 'UCB1';

/**
 * UCB1 (Auer, Cesa-Bianchi & Fischer 2002): play every arm once, then the arm
 * with the highest upper confidence bound x̄ᵢ + c·√(2 ln t / nᵢ), where t is
 * the total number of pulls. Deterministic (no seed); regret O(log T) for
 * rewards in [0, 1]. For a periodic batch, `allocate` hands out the units one
 * at a time to the arm with the highest bound, counting each unit as a pull
 * (the means stay as they are until the rewards come in).
 *
 * Costs O(k) per `select`, O(k·batchSize) per `allocate`.
 *
 * @example
 * ```ts
 * import { UCB1 } from '@marksman/experiments';
 * const ucb = new UCB1(2);
 * ucb.updateStats(0, { n: 100, conversions: 10 });
 * ucb.updateStats(1, { n: 100, conversions: 30 });
 * ucb.select(); // => 1
 * ```
 */
export class UCB1 implements BanditPolicy {
  /** Number of arms. */
  readonly arms: number;
  readonly #o: Required<UCB1Options>;
  #stats: ArmStats;

  /**
   * @param arms - number of arms, an integer ≥ 2
   * @param options - {@link UCB1Options}
   * @throws `ValidationError` `E_TOO_FEW_ARMS`
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
   */
  constructor(arms: number, options?: UCB1Options) {
    checkArmCount(arms, SOURCE);
    this.arms = arms;
    this.#o = resolveOptions(SOURCE, DEFAULTS, options);
    const c = this.#o.explorationScale;
    if (typeof c !== 'number' || !(c >= 0) || !Number.isFinite(c)) {
      throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: explorationScale must be a finite number ≥ 0, got ${String(c)}.`, { source: SOURCE, field: 'explorationScale' });
    }
    this.#stats = new ArmStats(arms);
  }

  /**
   * Restores a policy saved with {@link UCB1.toJSON}.
   *
   * @param json - the saved state
   * @throws `ValidationError` `E_BANDIT_STATE`
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * UCB1.fromJSON(new UCB1(4).toJSON()).arms; // => 4
   * ```
   */
  static fromJSON(json: UCB1JSON): UCB1 {
    const source = `${SOURCE}.fromJSON`;
    const o = readBanditJson(json, SOURCE, ['arms', 'options', 'stats'], source);
    const p = new UCB1(o.arms as number, o.options as UCB1Options);
    p.#stats = ArmStats.fromJSON(o.stats, p.arms, source);
    return p;
  }

  #best(extra: Float64Array | null, extraTotal: number): number {
    const s = this.#stats;
    let best = -1;
    let bestValue = -Infinity;
    const logT = Math.log(s.total + extraTotal);
    for (let i = 0; i < this.arms; i++) {
      const n = s.n[i]! + (extra ? extra[i]! : 0);
      if (n === 0) return i;
      const value = s.mean(i) + this.#o.explorationScale * Math.sqrt((2 * logT) / n);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    return best;
  }

  /**
   * The arm with the highest upper confidence bound (an unplayed arm first).
   *
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * new UCB1(3).select(); // => 0
   * ```
   */
  select(): number {
    return this.#best(null, 0);
  }

  /**
   * Records one reward.
   *
   * @param arm - arm index
   * @param reward - a finite number (in [0, 1] for the textbook guarantee)
   * @throws `ValidationError` `E_ARM`, `E_REWARD`
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * const u = new UCB1(2);
   * u.update(0, 1);
   * u.select(); // => 1
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
   * import { UCB1 } from '@marksman/experiments';
   * const u = new UCB1(2);
   * u.updateStats(1, { n: 4, sum: 2, sumSquares: 2 });
   * u.summary()[1].mean; // => 0.5
   * ```
   */
  updateStats(arm: number, stats: ProportionInput | MeanInput): void {
    this.#stats.addStats(arm, stats, `${SOURCE}.updateStats`);
  }

  /**
   * Units for the next batch, handed out one by one to the highest bound.
   *
   * @param batchSize - units in the batch, a positive integer
   * @throws `ValidationError` `E_BATCH_SIZE`
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * new UCB1(2).allocate(4).counts; // => [2, 2]
   * ```
   */
  allocate(batchSize: number): BanditAllocation {
    checkBatchSize(batchSize, `${SOURCE}.allocate`);
    const extra = new Float64Array(this.arms);
    for (let b = 0; b < batchSize; b++) {
      const i = this.#best(extra, b + 1);
      extra[i]! += 1;
    }
    const counts = Array.from(extra);
    return { shares: counts.map((c) => c / batchSize), counts: allocationFromShares(counts, batchSize).counts };
  }

  /**
   * Pulls and mean observed reward per arm.
   *
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * new UCB1(2).summary()[0].pulls; // => 0
   * ```
   */
  summary(): BanditArmSummary[] {
    return this.#stats.summary();
  }

  /**
   * An independent copy with the same state.
   *
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * new UCB1(2).clone().arms; // => 2
   * ```
   */
  clone(): UCB1 {
    return UCB1.fromJSON(this.toJSON());
  }

  /**
   * The whole state as a plain object.
   *
   * @example
   * ```ts
   * import { UCB1 } from '@marksman/experiments';
   * new UCB1(2).toJSON().type; // => 'UCB1'
   * ```
   */
  toJSON(): UCB1JSON {
    return { type: 'UCB1', version: 1, arms: this.arms, options: { ...this.#o }, stats: this.#stats.toJSON() };
  }
}
