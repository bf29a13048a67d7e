// Internal: per-arm sufficient statistics, validation and rounding shared by
// the bandit policies.
import { ValidationError } from '@marksman/core';
import type { MeanInput, ProportionInput } from '../bayesian/inputs';
import { checkMean, checkProportion } from '../bayesian/inputs';
import type { BanditAllocation, BanditArmSummary, BanditStatsJSON } from './banditTypes';

export type ArmStatsJSON = BanditStatsJSON;

export class ArmStats {
  readonly n: Float64Array;
  readonly sum: Float64Array;
  readonly sumSquares: Float64Array;
  total = 0;

  constructor(readonly k: number) {
    this.n = new Float64Array(k);
    this.sum = new Float64Array(k);
    this.sumSquares = new Float64Array(k);
  }

  static fromJSON(json: ArmStatsJSON, k: number, source: string): ArmStats {
    const s = new ArmStats(k);
    for (const key of ['n', 'sum', 'sumSquares'] as const) {
      const arr = json?.[key];
      if (!Array.isArray(arr) || arr.length !== k || !arr.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new ValidationError('E_BANDIT_STATE', `${source}: saved state has a bad "${key}" (expected ${k} finite numbers).`, { source, field: key });
      }
      s[key].set(arr);
    }
    s.total = s.n.reduce((a, b) => a + b, 0);
    return s;
  }

  toJSON(): ArmStatsJSON {
    return { n: Array.from(this.n), sum: Array.from(this.sum), sumSquares: Array.from(this.sumSquares) };
  }

  mean(i: number): number {
    return this.n[i]! > 0 ? this.sum[i]! / this.n[i]! : 0;
  }

  checkArm(arm: number, source: string): void {
    if (!Number.isInteger(arm) || arm < 0 || arm >= this.k) {
      throw new ValidationError('E_ARM', `${source}: arm must be an integer in [0, ${this.k - 1}], got ${String(arm)}.`, { source, field: 'arm' });
    }
  }

  add(arm: number, reward: number, source: string, unitInterval: boolean): void {
    this.checkArm(arm, source);
    if (typeof reward !== 'number' || !Number.isFinite(reward) || (unitInterval && (reward < 0 || reward > 1))) {
      throw new ValidationError('E_REWARD', `${source}: reward must be a finite number${unitInterval ? ' in [0, 1]' : ''}, got ${String(reward)}.`, {
        source,
        field: 'reward',
        row: arm,
      });
    }
    this.n[arm]! += 1;
    this.sum[arm]! += reward;
    this.sumSquares[arm]! += reward * reward;
    this.total += 1;
  }

  addStats(arm: number, stats: ProportionInput | MeanInput, source: string): void {
    this.checkArm(arm, source);
    let n: number, sum: number, ss: number;
    if (typeof stats === 'object' && stats !== null && 'conversions' in stats) {
      checkProportion(stats, source, arm);
      n = stats.n;
      sum = stats.conversions;
      ss = stats.conversions;
    } else {
      checkMean(stats, source, arm, 1);
      n = stats.n;
      sum = stats.sum;
      ss = stats.sumSquares;
    }
    this.n[arm]! += n;
    this.sum[arm]! += sum;
    this.sumSquares[arm]! += ss;
    this.total += n;
  }

  summary(): BanditArmSummary[] {
    return Array.from({ length: this.k }, (_, arm) => ({ arm, pulls: this.n[arm]!, mean: this.mean(arm) }));
  }
}

export function checkArmCount(arms: number, source: string): void {
  if (!Number.isInteger(arms) || arms < 2) {
    throw new ValidationError('E_TOO_FEW_ARMS', `${source}: a bandit needs an integer number of arms ≥ 2, got ${String(arms)}.`, { source, field: 'arms' });
  }
}

export function checkBatchSize(batchSize: number, source: string): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('E_BATCH_SIZE', `${source}: batchSize must be a positive integer, got ${String(batchSize)}.`, { source, field: 'batchSize' });
  }
}

/** Shares → whole counts summing to batchSize (largest remainder; ties to the lower index). */
export function allocationFromShares(shares: readonly number[], batchSize: number): BanditAllocation {
  const total = shares.reduce((a, b) => a + b, 0);
  const norm = shares.map((s) => s / total);
  const raw = norm.map((s) => s * batchSize);
  const counts = raw.map((r) => Math.floor(r));
  let left = batchSize - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) counts[order[j]!.i]! += 1;
  return { shares: norm, counts };
}

/** Index of the largest value (ties: the lowest index). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
