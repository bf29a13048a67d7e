import type { MeanInput, ProportionInput } from '../bayesian/inputs';

/** Traffic shares for the next batch, from {@link BanditPolicy.allocate}. */
export interface BanditAllocation {
  /** Share of the batch per arm; non-negative, sums to 1. */
  readonly shares: readonly number[];
  /** Whole number of units per arm (largest-remainder rounding of shares·batchSize); sums to batchSize. */
  readonly counts: readonly number[];
}

/** What a policy has seen of one arm. */
export interface BanditArmSummary {
  /** Index of the arm. */
  readonly arm: number;
  /** Number of rewards observed. */
  readonly pulls: number;
  /** Mean observed reward (0 before the first pull). */
  readonly mean: number;
}

/**
 * The interface every bandit policy implements: choose an arm, learn from
 * rewards one at a time or in aggregated batches, propose traffic shares for
 * a periodic batch, and save its whole state (including its random stream)
 * as JSON.
 */
export interface BanditPolicy {
  /** Number of arms. */
  readonly arms: number;
  /** The arm to show next (advances the policy's random stream where the policy is randomised). */
  select(): number;
  /** Records one reward for `arm`. */
  update(arm: number, reward: number): void;
  /**
   * Records a batch of rewards for `arm` given as sufficient statistics:
   * `{ n, conversions }` (0/1 rewards) or `{ n, sum, sumSquares }`.
   */
  updateStats(arm: number, stats: ProportionInput | MeanInput): void;
  /** Traffic shares and unit counts for the next `batchSize` units (periodic updates). */
  allocate(batchSize: number): BanditAllocation;
  /** Pulls and mean reward per arm. */
  summary(): BanditArmSummary[];
  /** An independent copy with the same state and random stream. */
  clone(): BanditPolicy;
  /** The policy's whole state as a plain JSON-safe object. */
  toJSON(): object;
}

/** Per-arm reward statistics inside a saved bandit state. */
export interface BanditStatsJSON {
  /** Rewards observed per arm. */
  readonly n: number[];
  /** Sum of rewards per arm. */
  readonly sum: number[];
  /** Sum of squared rewards per arm. */
  readonly sumSquares: number[];
}
