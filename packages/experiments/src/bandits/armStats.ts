// Internal: per-arm sufficient statistics, validation and rounding shared by
// the bandit policies.
import { ValidationError } from '@marksman/core';
import type { RandomState } from '@marksman/core';
import type { MeanInput, ProportionInput } from '../bayesian/inputs';
import { checkMean, checkProportion } from '../bayesian/inputs';
import type { BanditAllocation, BanditArmSummary, BanditStatsJSON } from './banditTypes';

export type ArmStatsJSON = BanditStatsJSON;

/** Most arms a policy may have. */
export const MAX_ARMS = 10_000;

/** Largest batch `allocate` hands out (UCB1 spends O(arms) per unit). */
export const MAX_BATCH_SIZE = 10_000_000;

export class ArmStats {
  readonly n: Float64Array;
  readonly sum: Float64Array;
  readonly sumSquares: Float64Array;
  total = 0;

  /**
   * @param k - number of arms
   * @param maxPulls - most rewards one arm may hold (Thompson sampling caps it
   *   so that its beta and t posteriors stay fast to evaluate)
   * @param unitInterval - rewards lie in [0, 1] (Bernoulli models)
   */
  constructor(
    readonly k: number,
    readonly maxPulls: number = Number.MAX_SAFE_INTEGER,
    readonly unitInterval = false,
  ) {
    this.n = new Float64Array(k);
    this.sum = new Float64Array(k);
    this.sumSquares = new Float64Array(k);
  }

  static fromJSON(json: unknown, k: number, source: string, maxPulls: number = Number.MAX_SAFE_INTEGER, unitInterval = false): ArmStats {
    const s = new ArmStats(k, maxPulls, unitInterval);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ValidationError('E_BANDIT_STATE', `${source}: saved state has no "stats" object.`, { source, field: 'stats' });
    }
    for (const key of Object.keys(json)) {
      if (key !== 'n' && key !== 'sum' && key !== 'sumSquares') {
        throw new ValidationError('E_BANDIT_STATE', `${source}: saved stats have an unknown field "${key}" (known: n, sum, sumSquares).`, { source, field: `stats.${key}` });
      }
    }
    for (const key of ['n', 'sum', 'sumSquares'] as const) {
      const arr = (json as Record<string, unknown>)[key];
      if (!Array.isArray(arr) || arr.length !== k || !arr.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new ValidationError('E_BANDIT_STATE', `${source}: saved state has a bad "${key}" (expected ${k} finite numbers).`, { source, field: `stats.${key}` });
      }
      s[key].set(arr as number[]);
    }
    for (let i = 0; i < k; i++) {
      const n = s.n[i]!;
      const sum = s.sum[i]!;
      const ss = s.sumSquares[i]!;
      const bad = (field: string, why: string): never => {
        throw new ValidationError('E_BANDIT_STATE', `${source}: saved arm ${i}: ${why}.`, { source, field: `stats.${field}`, row: i });
      };
      if (!Number.isInteger(n) || n < 0 || n > maxPulls) bad('n', `n must be an integer between 0 and ${maxPulls}, got ${n}`);
      if (ss < 0 || (n > 0 && ss < (sum * sum) / n - 1e-9 * Math.max(1, ss))) bad('sumSquares', `sumSquares ${ss} is impossible for n ${n} and sum ${sum}`);
      if (n === 0 && (sum !== 0 || ss !== 0)) bad('sum', 'an arm with no pulls must have sum and sumSquares 0');
      if (unitInterval && (sum < 0 || sum > n)) bad('sum', `rewards in [0, 1] cannot add up to ${sum} in ${n} pulls`);
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

  add(arm: number, reward: number, source: string): void {
    this.checkArm(arm, source);
    const unitInterval = this.unitInterval;
    if (typeof reward !== 'number' || !Number.isFinite(reward) || (unitInterval && (reward < 0 || reward > 1))) {
      throw new ValidationError('E_REWARD', `${source}: reward must be a finite number${unitInterval ? ' in [0, 1]' : ''}, got ${String(reward)}.`, {
        source,
        field: 'reward',
        row: arm,
      });
    }
    this.#commit(arm, 1, reward, reward * reward, source, 'reward');
  }

  addStats(arm: number, stats: ProportionInput | MeanInput, source: string): void {
    this.checkArm(arm, source);
    if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) {
      throw new ValidationError('E_NOT_FINITE', `${source}: stats must be an object { n, conversions } or { n, sum, sumSquares }, got ${stats === null ? 'null' : typeof stats}.`, {
        source,
        field: 'stats',
        row: arm,
      });
    }
    let n: number, sum: number, ss: number;
    if ('conversions' in stats) {
      checkProportion(stats, source, arm);
      n = stats.n;
      sum = stats.conversions;
      ss = stats.conversions;
    } else {
      const unitRange = (v: MeanInput): boolean => typeof v.sum === 'number' && typeof v.n === 'number' && (v.sum < 0 || v.sum > v.n);
      if (this.unitInterval && unitRange(stats)) {
        throw new ValidationError('E_REWARD', `${source}: rewards in [0, 1] cannot add up to ${stats.sum} over ${stats.n} units.`, { source, field: 'sum', row: arm });
      }
      checkMean(stats, source, arm, 1);
      n = stats.n;
      sum = stats.sum;
      ss = stats.sumSquares;
      if (this.unitInterval && ss > sum * (1 + 1e-12)) {
        throw new ValidationError('E_REWARD', `${source}: rewards in [0, 1] cannot give sum ${sum} and sumSquares ${ss} over ${n} units.`, { source, field: 'sum', row: arm });
      }
    }
    this.#commit(arm, n, sum, ss, source, 'n');
  }

  /** Adds to one arm, refusing (unchanged) a total that overflows or exceeds maxPulls. */
  #commit(arm: number, n: number, sum: number, ss: number, source: string, field: string): void {
    const n2 = this.n[arm]! + n;
    const sum2 = this.sum[arm]! + sum;
    const ss2 = this.sumSquares[arm]! + ss;
    if (n2 > this.maxPulls) {
      throw new ValidationError('E_COUNT_TOO_LARGE', `${source}: arm ${arm} would hold ${n2} rewards; this policy supports at most ${this.maxPulls} per arm.`, { source, field, row: arm });
    }
    if (!Number.isFinite(sum2) || !Number.isFinite(ss2)) {
      throw new ValidationError('E_REWARD', `${source}: the rewards of arm ${arm} would add up to more than the largest number; rescale them.`, { source, field, row: arm });
    }
    this.n[arm] = n2;
    this.sum[arm] = sum2;
    this.sumSquares[arm] = ss2;
    this.total += n;
  }

  summary(): BanditArmSummary[] {
    return Array.from({ length: this.k }, (_, arm) => ({ arm, pulls: this.n[arm]!, mean: this.mean(arm) }));
  }
}

export function checkArmCount(arms: number, source: string): void {
  if (typeof arms !== 'number' || !Number.isInteger(arms) || arms < 2 || arms > MAX_ARMS) {
    throw new ValidationError('E_TOO_FEW_ARMS', `${source}: a bandit needs an integer number of arms between 2 and ${MAX_ARMS}, got ${String(arms)}.`, { source, field: 'arms' });
  }
}

export function checkBatchSize(batchSize: number, source: string): void {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new ValidationError('E_BATCH_SIZE', `${source}: batchSize must be an integer between 1 and ${MAX_BATCH_SIZE}, got ${String(batchSize)}.`, { source, field: 'batchSize' });
  }
}

/** Format version written by the policies' toJSON. */
export const BANDIT_JSON_VERSION = 1;

/**
 * Checks the envelope of a saved policy: an object of the right `type`, a
 * supported `version` (1, or absent in states saved before versions
 * existed), only the fields in `keys`, and an arm count. Returns it as a record.
 */
export function readBanditJson(json: unknown, type: string, keys: readonly string[], source: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (json as { type?: unknown }).type !== type) {
    throw new ValidationError('E_BANDIT_STATE', `${source}: not a saved ${type} state.`, { source, field: 'type' });
  }
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'type' && k !== 'version' && !keys.includes(k)) {
      throw new ValidationError('E_BANDIT_STATE', `${source}: unknown field "${k}" (known: type, version, ${keys.join(', ')}).`, { source, field: k });
    }
  }
  if (o.version !== undefined && o.version !== BANDIT_JSON_VERSION) {
    throw new ValidationError('E_BANDIT_STATE', `${source}: state version ${String(o.version)} is not supported (this version reads ${BANDIT_JSON_VERSION}).`, { source, field: 'version' });
  }
  if (typeof o.options !== 'object' || o.options === null || Array.isArray(o.options)) {
    throw new ValidationError('E_BANDIT_STATE', `${source}: saved state has no "options" object.`, { source, field: 'options' });
  }
  return o;
}

/** Checks a saved random stream state (four 32-bit words, not all zero; spareNormal null or finite). */
export function checkRandomState(state: unknown, source: string): RandomState {
  const ok =
    typeof state === 'object' &&
    state !== null &&
    !Array.isArray(state) &&
    Object.keys(state).every((k) => k === 'words' || k === 'spareNormal') &&
    Array.isArray((state as RandomState).words) &&
    (state as RandomState).words.length === 4 &&
    (state as RandomState).words.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
    (state as RandomState).words.some((w) => w !== 0) &&
    ((state as RandomState).spareNormal === null || (typeof (state as RandomState).spareNormal === 'number' && Number.isFinite((state as RandomState).spareNormal)));
  if (!ok) {
    throw new ValidationError('E_BANDIT_STATE', `${source}: saved random state must be { words: four 32-bit unsigned integers, not all 0, spareNormal: null or a number }.`, {
      source,
      field: 'random',
    });
  }
  return state as RandomState;
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
