import { OptionsError, Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { RandomState } from '@marksman/core';
import { MAX_BETA_SHAPE, MIN_BETA_PRIOR } from '../bayesian/inputs';
import type { MeanInput, ProportionInput } from '../bayesian/inputs';
import { betaPosterior, probabilityBest, studentPosterior } from '../bayesian/posterior';
import type { Posterior } from '../bayesian/posterior';
import { ArmStats, allocationFromShares, argmax, checkArmCount, checkBatchSize, checkRandomState, readBanditJson } from './armStats';
import type { BanditAllocation, BanditArmSummary, BanditPolicy, BanditStatsJSON } from './banditTypes';

/** Reward model of {@link ThompsonSampling}. */
export type ThompsonLikelihood = 'bernoulli' | 'gaussian';

/** Options of {@link ThompsonSampling}. */
export interface ThompsonSamplingOptions {
  /** `'bernoulli'` (0/1 or [0, 1] rewards, beta prior; default) or `'gaussian'` (any real reward, normal-gamma prior). */
  readonly likelihood?: ThompsonLikelihood;
  /** Bernoulli: prior Beta(priorAlpha, priorBeta) first shape, in [0.001, 1e9] (default 1). */
  readonly priorAlpha?: number;
  /** Bernoulli: prior second shape, in [0.001, 1e9] (default 1). */
  readonly priorBeta?: number;
  /** Gaussian: prior mean μ₀ of each arm's mean (default 0). */
  readonly priorMean?: number;
  /** Gaussian: prior strength κ₀ in pseudo-observations on the mean (default 1). */
  readonly priorStrength?: number;
  /** Gaussian: gamma prior shape α₀ on the reward precision (default 1). */
  readonly priorShape?: number;
  /** Gaussian: gamma prior rate β₀ on the reward precision (default 1; prior guess of the variance ≈ β₀/α₀). */
  readonly priorRate?: number;
  /**
   * Top-two Thompson sampling for best-arm identification (Russo 2016): with
   * probability `topTwo` play the sampled best arm, otherwise re-sample until
   * another arm is best and play that one. Default null (plain Thompson
   * sampling); 0.5 is the usual choice.
   */
  readonly topTwo?: number | null;
  /** Seed of the policy's random stream (default 0). */
  readonly seed?: number;
}

type Resolved = {
  likelihood: ThompsonLikelihood;
  priorAlpha: number;
  priorBeta: number;
  priorMean: number;
  priorStrength: number;
  priorShape: number;
  priorRate: number;
  topTwo: number | null;
  seed: number;
};

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  likelihood: 'bernoulli' as ThompsonLikelihood,
  priorAlpha: 1,
  priorBeta: 1,
  priorMean: 0,
  priorStrength: 1,
  priorShape: 1,
  priorRate: 1,
  topTwo: null,
  seed: 0,
});

/** The saved state of a {@link ThompsonSampling} policy (see {@link ThompsonSampling.toJSON}). */
export interface ThompsonSamplingJSON {
  /** Always `'ThompsonSampling'`. */
  readonly type: 'ThompsonSampling';
  /** Format version, 1 (absent in states saved before versions existed). */
  readonly version?: 1;
  /** Number of arms. */
  readonly arms: number;
  /** The options, all filled in. */
  readonly options: ThompsonSamplingOptions;
  /** Per-arm counts, sums and sums of squares of the rewards. */
  readonly stats: BanditStatsJSON;
  /** State of the policy's random stream. */
  readonly random: RandomState;
}

const SOURCE = 'ThompsonSampling';

function checkOptions(o: Resolved): void {
  if (o.likelihood !== 'bernoulli' && o.likelihood !== 'gaussian') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: likelihood must be 'bernoulli' or 'gaussian', got ${String(o.likelihood)}.`, { source: SOURCE, field: 'likelihood' });
  }
  for (const field of ['priorAlpha', 'priorBeta', 'priorStrength', 'priorShape', 'priorRate'] as const) {
    const min = field === 'priorAlpha' || field === 'priorBeta' ? MIN_BETA_PRIOR : 0;
    if (typeof o[field] !== 'number' || !(o[field] > 0 && o[field] >= min) || !(o[field] <= MAX_BETA_SHAPE)) {
      throw new OptionsError('E_PRIOR', `${SOURCE}: ${field} must be a number in ${min > 0 ? `[${min}` : '(0'}, ${MAX_BETA_SHAPE}], got ${typeof o[field] === 'string' ? JSON.stringify(o[field]) : String(o[field])}.`, { source: SOURCE, field });
    }
  }
  if (typeof o.priorMean !== 'number' || !Number.isFinite(o.priorMean)) {
    throw new OptionsError('E_PRIOR', `${SOURCE}: priorMean must be finite, got ${String(o.priorMean)}.`, { source: SOURCE, field: 'priorMean' });
  }
  if (o.topTwo !== null && !(typeof o.topTwo === 'number' && o.topTwo > 0 && o.topTwo < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: topTwo must be null or in (0, 1), got ${String(o.topTwo)}.`, { source: SOURCE, field: 'topTwo' });
  }
}

/**
 * Thompson sampling (Thompson 1933; Agrawal & Goyal 2012; Russo et al.
 * 2018): play each arm with the posterior probability that it is best, by
 * drawing one value from every arm's posterior and playing the largest.
 * Regret grows logarithmically in the horizon for Bernoulli arms.
 *
 * - `'bernoulli'`: each arm's rate has the prior Beta(priorAlpha, priorBeta);
 *   a reward r ∈ [0, 1] adds r successes and 1 − r failures.
 * - `'gaussian'`: each arm's rewards are N(μ, 1/λ) with the conjugate
 *   normal-gamma prior μ | λ ~ N(priorMean, 1/(priorStrength·λ)),
 *   λ ~ Gamma(priorShape, priorRate); draws take λ then μ.
 *
 * `allocate(batchSize)` returns the exact posterior probabilities of being
 * best (one-dimensional integrals, not simulation) as traffic shares, for
 * teams that update once a day. The state, including the random stream,
 * round-trips through `toJSON`/`fromJSON`.
 *
 * Costs O(k) per `select` for k arms, O(k·Q) per `allocate` (Q: a few hundred
 * cdf evaluations).
 *
 * @example
 * ```ts
 * import { ThompsonSampling } from '@marksman/experiments';
 * const ts = new ThompsonSampling(2, { seed: 7 });
 * ts.updateStats(0, { n: 1000, conversions: 100 });
 * ts.updateStats(1, { n: 1000, conversions: 130 });
 * ts.allocate(100).counts; // => [2, 98]
 * const copy = ThompsonSampling.fromJSON(JSON.parse(JSON.stringify(ts)));
 * copy.select() === ts.select(); // => true
 * ```
 */
export class ThompsonSampling implements BanditPolicy {
  /** Number of arms. */
  readonly arms: number;
  readonly #o: Resolved;
  #stats: ArmStats;
  #rng: Random;

  /**
   * @param arms - number of arms, an integer ≥ 2
   * @param options - {@link ThompsonSamplingOptions}
   * @throws `ValidationError` `E_TOO_FEW_ARMS`
   * @throws `OptionsError` `E_PRIOR` (a prior parameter ≤ 0 or above 1e9; priorAlpha and priorBeta below 0.001),
   *   `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`, `E_SEED`
   */
  constructor(arms: number, options?: ThompsonSamplingOptions) {
    checkArmCount(arms, SOURCE);
    this.arms = arms;
    this.#o = resolveOptions(SOURCE, DEFAULTS, options);
    checkOptions(this.#o);
    this.#stats = new ArmStats(arms, MAX_BETA_SHAPE, this.#o.likelihood === 'bernoulli');
    this.#rng = new Random(this.#o.seed);
  }

  /**
   * Restores a policy saved with {@link ThompsonSampling.toJSON}.
   *
   * @param json - the saved state
   * @throws `ValidationError` `E_BANDIT_STATE` when the state is not a ThompsonSampling state
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * ThompsonSampling.fromJSON(new ThompsonSampling(3).toJSON()).arms; // => 3
   * ```
   */
  static fromJSON(json: ThompsonSamplingJSON): ThompsonSampling {
    const source = `${SOURCE}.fromJSON`;
    const o = readBanditJson(json, SOURCE, ['arms', 'options', 'stats', 'random'], source);
    const p = new ThompsonSampling(o.arms as number, o.options as ThompsonSamplingOptions);
    p.#stats = ArmStats.fromJSON(o.stats, p.arms, source, MAX_BETA_SHAPE, p.#o.likelihood === 'bernoulli');
    p.#rng = Random.fromState(checkRandomState(o.random, source));
    return p;
  }

  #posterior(i: number): Posterior {
    const o = this.#o;
    const s = this.#stats;
    if (o.likelihood === 'bernoulli') return betaPosterior(o.priorAlpha + s.sum[i]!, o.priorBeta + s.n[i]! - s.sum[i]!);
    const g = this.#gaussian(i);
    // marginal of the mean: Student t with 2α dof, scale √(β/(ακ))
    return studentPosterior(g.mean, Math.sqrt(g.rate / (g.shape * g.kappa)), 2 * g.shape);
  }

  #gaussian(i: number): { mean: number; kappa: number; shape: number; rate: number } {
    const o = this.#o;
    const n = this.#stats.n[i]!;
    const sum = this.#stats.sum[i]!;
    const kappa = o.priorStrength + n;
    const mean = (o.priorStrength * o.priorMean + sum) / kappa;
    const xbar = n > 0 ? sum / n : 0;
    const ss = n > 0 ? Math.max(0, this.#stats.sumSquares[i]! - sum * xbar) : 0;
    const rate = o.priorRate + 0.5 * ss + (o.priorStrength * n * (xbar - o.priorMean) ** 2) / (2 * kappa);
    return { mean, kappa, shape: o.priorShape + n / 2, rate };
  }

  #draw(i: number): number {
    const o = this.#o;
    const s = this.#stats;
    if (o.likelihood === 'bernoulli') return this.#rng.beta(o.priorAlpha + s.sum[i]!, o.priorBeta + s.n[i]! - s.sum[i]!);
    const g = this.#gaussian(i);
    const precision = this.#rng.gamma(g.shape, 1 / g.rate);
    return this.#rng.normal(g.mean, 1 / Math.sqrt(g.kappa * precision));
  }

  #sampleDraws(): Float64Array {
    const draws = new Float64Array(this.arms);
    for (let i = 0; i < this.arms; i++) draws[i] = this.#draw(i);
    return draws;
  }

  /**
   * The arm to play next: the argmax of one posterior draw per arm (with
   * `topTwo`, sometimes the challenger instead: the leader of a fresh draw
   * that differs from the first leader, or after 10 tries the runner-up of
   * the last draw).
   *
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * const ts = new ThompsonSampling(3, { seed: 1 });
   * [0, 1, 2].includes(ts.select()); // => true
   * ```
   */
  select(): number {
    const first = argmax(this.#sampleDraws());
    const beta = this.#o.topTwo;
    if (beta === null || this.#rng.next() < beta) return first;
    let draws = this.#sampleDraws();
    for (let attempt = 0; attempt < 10; attempt++) {
      const other = argmax(draws);
      if (other !== first) return other;
      draws = this.#sampleDraws();
    }
    draws[first] = -Infinity;
    return argmax(draws);
  }

  /**
   * Records one reward.
   *
   * @param arm - arm index
   * @param reward - in [0, 1] for `'bernoulli'`, any finite number for `'gaussian'`
   * @throws `ValidationError` `E_ARM`, `E_REWARD`
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * const ts = new ThompsonSampling(2);
   * ts.update(1, 1);
   * ts.summary()[1].pulls; // => 1
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
   * @throws `ValidationError` `E_ARM`, the sufficient-statistics codes (`E_CONVERSIONS_EXCEED_N`, …), `E_COUNT_TOO_LARGE`
   *   (an arm would hold more than 1e9 rewards), `E_REWARD` (rewards outside [0, 1] for 'bernoulli', or overflowing sums)
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * const ts = new ThompsonSampling(2);
   * ts.updateStats(0, { n: 10, conversions: 3 });
   * ts.summary()[0].mean; // => 0.3
   * ```
   */
  updateStats(arm: number, stats: ProportionInput | MeanInput): void {
    // For 'bernoulli', mean statistics of [0, 1] rewards are fine for the beta model (ArmStats checks the range).
    this.#stats.addStats(arm, stats, `${SOURCE}.updateStats`);
  }

  /**
   * Traffic shares for the next batch: each arm's exact posterior probability
   * of being best (plain Thompson probabilities, also with `topTwo`).
   *
   * @param batchSize - units in the batch, a positive integer
   * @throws `ValidationError` `E_BATCH_SIZE`
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * new ThompsonSampling(4).allocate(10).counts; // => [3, 3, 2, 2]
   * ```
   */
  allocate(batchSize: number): BanditAllocation {
    checkBatchSize(batchSize, `${SOURCE}.allocate`);
    const posts = Array.from({ length: this.arms }, (_, i) => this.#posterior(i));
    const shares = posts.map((_, i) => probabilityBest(posts, i));
    return allocationFromShares(shares, batchSize);
  }

  /**
   * Pulls and mean observed reward per arm.
   *
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * new ThompsonSampling(2).summary().length; // => 2
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
   * import { ThompsonSampling } from '@marksman/experiments';
   * const a = new ThompsonSampling(2, { seed: 3 });
   * a.clone().select() === a.select(); // => true
   * ```
   */
  clone(): ThompsonSampling {
    return ThompsonSampling.fromJSON(this.toJSON());
  }

  /**
   * The whole state as a plain object (options, per-arm statistics, random stream).
   *
   * @example
   * ```ts
   * import { ThompsonSampling } from '@marksman/experiments';
   * new ThompsonSampling(2).toJSON().type; // => 'ThompsonSampling'
   * ```
   */
  toJSON(): ThompsonSamplingJSON {
    return { type: 'ThompsonSampling', version: 1, arms: this.arms, options: { ...this.#o }, stats: this.#stats.toJSON(), random: this.#rng.getState() };
  }
}
