import { OptionsError, Random, ValidationError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { BanditPolicy } from './banditTypes';
import { checkBatchSize } from './armStats';

/** A simulated arm with 0/1 rewards. */
export interface BernoulliBanditArm {
  /** Always `'bernoulli'`. */
  readonly kind: 'bernoulli';
  /** Probability of a reward of 1, in [0, 1]. */
  readonly p: number;
}

/** A simulated arm with normally distributed rewards. */
export interface GaussianBanditArm {
  /** Always `'gaussian'`. */
  readonly kind: 'gaussian';
  /** Expected reward. */
  readonly mean: number;
  /** Standard deviation of the rewards, ≥ 0. */
  readonly sd: number;
}

/** A simulated arm: Bernoulli rewards with rate `p`, or normal rewards. */
export type BanditArm = BernoulliBanditArm | GaussianBanditArm;

/** Progress of {@link simulateBandit}, reported after each batch. */
export interface BanditSimulationProgress {
  /** Steps played so far. */
  readonly step: number;
  /** The horizon. */
  readonly horizon: number;
  /** Cumulative regret so far. */
  readonly regret: number;
}

/** Options of {@link simulateBandit}. */
export interface SimulateBanditOptions {
  /** Number of rounds (units) to play, at most 10,000,000 (default 1000). */
  readonly horizon?: number;
  /** Seed of the reward stream (default 0); the policy keeps its own seed. */
  readonly seed?: number;
  /**
   * Units per update (default 1: select/update each round). Above 1 the
   * simulator asks `policy.allocate(batchSize)` for the batch's counts, plays
   * them, and feeds the batch's rewards back once, as in a daily update.
   */
  readonly batchSize?: number;
  /** Called after each batch (or every 1000 rounds when batchSize is 1). */
  readonly onProgress?: ((p: BanditSimulationProgress) => void) | null;
  /** Stops the simulation with an AbortError when aborted. */
  readonly signal?: AbortSignal | null;
}

const DEFAULTS: Readonly<{
  horizon: number;
  seed: number;
  batchSize: number;
  onProgress: ((p: BanditSimulationProgress) => void) | null;
  signal: AbortSignal | null;
}> = Object.freeze({ horizon: 1000, seed: 0, batchSize: 1, onProgress: null, signal: null });

/** Result of {@link simulateBandit}. */
export interface BanditSimulation {
  /** Pseudo-regret after each round: Σ_t (μ* − μ_{arm played at t}). */
  readonly cumulativeRegret: Float64Array;
  /** Total pseudo-regret at the horizon. */
  readonly regret: number;
  /** Rounds played per arm. */
  readonly pulls: readonly number[];
  /** Sum of the rewards drawn. */
  readonly totalReward: number;
  /** Index of the arm with the highest expected reward. */
  readonly bestArm: number;
}

const SOURCE = 'simulateBandit';

/** Longest simulation (its cumulative regret is one Float64Array of this length). */
const MAX_HORIZON = 10_000_000;

function armMean(a: BanditArm): number {
  return a.kind === 'bernoulli' ? a.p : a.mean;
}

function checkArms(arms: readonly BanditArm[], k: number): void {
  if (!Array.isArray(arms) || arms.length !== k) {
    throw new ValidationError('E_ARM_COUNT', `${SOURCE}: the policy has ${k} arms but ${Array.isArray(arms) ? arms.length : 'no list of'} arms were given.`, {
      source: SOURCE,
      field: 'arms',
    });
  }
  arms.forEach((a, row) => {
    const ok =
      typeof a === 'object' &&
      a !== null &&
      ((a.kind === 'bernoulli' && typeof a.p === 'number' && a.p >= 0 && a.p <= 1) ||
        (a.kind === 'gaussian' && typeof a.mean === 'number' && Number.isFinite(a.mean) && typeof a.sd === 'number' && a.sd >= 0 && Number.isFinite(a.sd))) &&
      Object.keys(a).every((key) => key === 'kind' || (a.kind === 'bernoulli' ? key === 'p' : key === 'mean' || key === 'sd'));
    if (!ok) {
      throw new ValidationError('E_ARM_SPEC', `${SOURCE}: arm ${row} must be { kind: 'bernoulli', p ∈ [0, 1] } or { kind: 'gaussian', mean, sd ≥ 0 }, with no other field.`, {
        source: SOURCE,
        field: 'arms',
        row,
      });
    }
  });
}

/**
 * Plays a bandit policy against simulated arms with known expected rewards
 * and reports its cumulative pseudo-regret, the standard yardstick for
 * comparing policies (sub-linear growth in the horizon means the policy
 * learns). The caller's policy is not changed: the simulation runs on
 * `policy.clone()`. Rewards come from a stream seeded by `seed`.
 *
 * Costs O(horizon · cost of select/update), plus one `allocate` per batch.
 *
 * @param policy - any {@link BanditPolicy} (ThompsonSampling, UCB1, EpsilonGreedy)
 * @param arms - one simulated arm per policy arm
 * @param options - {@link SimulateBanditOptions}
 * @throws `ValidationError` `E_ARM_COUNT`, `E_ARM_SPEC`, `E_BATCH_SIZE`, `E_POLICY` (not a bandit policy)
 * @throws `OptionsError` `E_OPTION_RANGE` (horizon above 10,000,000, onProgress, signal), `E_OPTION_UNKNOWN`, `E_SEED`
 * @throws `AbortError` `E_ABORTED`
 * @example
 * ```ts
 * import { ThompsonSampling, simulateBandit } from '@marksman/experiments';
 * const arms = [{ kind: 'bernoulli', p: 0.05 }, { kind: 'bernoulli', p: 0.1 }] as const;
 * const sim = simulateBandit(new ThompsonSampling(2, { seed: 1 }), arms, { horizon: 2000, seed: 1 });
 * sim.pulls[1] > sim.pulls[0]; // => true
 * sim.regret < 0.05 * 2000; // => true
 * ```
 */
export function simulateBandit(policy: BanditPolicy, arms: readonly BanditArm[], options?: SimulateBanditOptions): BanditSimulation {
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  if (typeof o.horizon !== 'number' || !Number.isInteger(o.horizon) || o.horizon < 1 || o.horizon > MAX_HORIZON) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: horizon must be an integer from 1 to ${MAX_HORIZON}, got ${String(o.horizon)}.`, { source: SOURCE, field: 'horizon' });
  }
  if (o.onProgress !== null && o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: onProgress must be a function or null.`, { source: SOURCE, field: 'onProgress' });
  }
  if (o.signal !== null && o.signal !== undefined && (typeof o.signal !== 'object' || typeof o.signal.aborted !== 'boolean')) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: signal must be an AbortSignal or null.`, { source: SOURCE, field: 'signal' });
  }
  const methods = ['select', 'update', 'updateStats', 'allocate', 'clone'] as const;
  if (typeof policy !== 'object' || policy === null || typeof policy.arms !== 'number' || methods.some((m) => typeof policy[m] !== 'function')) {
    throw new ValidationError('E_POLICY', `${SOURCE}: policy must be a bandit policy (ThompsonSampling, UCB1, EpsilonGreedy or another BanditPolicy).`, { source: SOURCE, field: 'policy' });
  }
  checkBatchSize(o.batchSize, SOURCE);
  checkArms(arms, policy.arms);
  const rng = new Random(o.seed);
  const p = policy.clone();
  const k = arms.length;
  const means = arms.map(armMean);
  const bestArm = means.indexOf(Math.max(...means));
  const best = means[bestArm]!;
  const draw = (i: number): number => {
    const a = arms[i]!;
    return a.kind === 'bernoulli' ? (rng.next() < a.p ? 1 : 0) : rng.normal(a.mean, a.sd);
  };
  const regret = new Float64Array(o.horizon);
  const pulls = new Array<number>(k).fill(0);
  let total = 0;
  let cum = 0;
  let t = 0;
  if (o.batchSize === 1) {
    for (; t < o.horizon; t++) {
      if (t % 1000 === 0) throwIfAborted(o.signal ?? undefined, SOURCE);
      const i = p.select();
      const r = draw(i);
      p.update(i, r);
      pulls[i]!++;
      total += r;
      cum += best - means[i]!;
      regret[t] = cum;
      if (o.onProgress && (t + 1) % 1000 === 0) o.onProgress({ step: t + 1, horizon: o.horizon, regret: cum });
    }
  } else {
    while (t < o.horizon) {
      throwIfAborted(o.signal ?? undefined, SOURCE);
      const size = Math.min(o.batchSize, o.horizon - t);
      const counts = p.allocate(size).counts;
      for (let i = 0; i < k; i++) {
        const c = counts[i]!;
        if (c === 0) continue;
        let sum = 0;
        let ss = 0;
        for (let j = 0; j < c; j++) {
          const r = draw(i);
          sum += r;
          ss += r * r;
          cum += best - means[i]!;
          regret[t++] = cum;
        }
        pulls[i]! += c;
        total += sum;
        p.updateStats(i, { n: c, sum, sumSquares: ss });
      }
      if (o.onProgress) o.onProgress({ step: t, horizon: o.horizon, regret: cum });
    }
  }
  return { cumulativeRegret: regret, regret: cum, pulls, totalReward: total, bestArm };
}
