// Internal: what every re-ranker shares. The candidate list is validated once
// here (ids, finite scores, no repeats) and handed inward as columns; the
// greedy selection loop of MMR, xQuAD and calibration lives here too.
import { OptionsError, ValidationError } from '@marksman/core';
import type { Id } from '@marksman/core';
import type { Recommendation } from './recommender';

/** A validated candidate list as columns, in input order. */
export interface CandidateColumns {
  readonly ids: readonly Id[];
  readonly scores: Float64Array;
}

function isId(v: unknown): v is Id {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Checks a candidate list: an array of `{ itemId, score }` with ids that are
 * non-empty strings or finite numbers, finite scores, and no item twice.
 */
export function readCandidates(source: string, candidates: readonly Recommendation[]): CandidateColumns {
  if (!Array.isArray(candidates)) {
    throw new ValidationError('E_INPUT', `${source}: candidates must be an array of { itemId, score } (a model's recommend output).`, { source, field: 'candidates' });
  }
  const n = candidates.length;
  const ids: Id[] = new Array<Id>(n);
  const scores = new Float64Array(n);
  const seen = new Set<Id>();
  for (let r = 0; r < n; r++) {
    const c = candidates[r] as Recommendation | null | undefined;
    if (c === null || typeof c !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: candidate ${r} is not an { itemId, score } object.`, { source, field: 'candidates', row: r });
    }
    if (!isId(c.itemId)) {
      throw new ValidationError(c.itemId === undefined || c.itemId === null ? 'E_MISSING' : 'E_ID_TYPE', `${source}: candidate ${r} has itemId ${JSON.stringify(c.itemId)}; ids must be non-empty strings or finite numbers.`, { source, field: 'itemId', row: r });
    }
    if (typeof c.score !== 'number' || !Number.isFinite(c.score)) {
      throw new ValidationError('E_NUMBER', `${source}: candidate ${r} (item ${JSON.stringify(c.itemId)}) has score ${String(c.score)}; scores must be finite numbers.`, { source, field: 'score', row: r });
    }
    if (seen.has(c.itemId)) {
      throw new ValidationError('E_DUPLICATE', `${source}: item ${JSON.stringify(c.itemId)} appears twice among the candidates (position ${r}); give each item once.`, { source, field: 'itemId', row: r });
    }
    seen.add(c.itemId);
    ids[r] = c.itemId;
    scores[r] = c.score;
  }
  return { ids, scores };
}

/**
 * Min-max normalised scores, (s − min) / (max − min), in [0, 1]; all 1 when
 * every score is equal (nothing to tell the candidates apart by relevance).
 */
export function minMaxRelevance(scores: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const out = new Float64Array(scores.length);
  const range = hi - lo;
  for (let i = 0; i < scores.length; i++) out[i] = range > 0 ? (scores[i]! - lo) / range : 1;
  return out;
}

/** Throws `E_OPTION_RANGE` unless `value` is a number in [lo, hi]. */
export function requireUnitOption(source: string, field: string, value: unknown, lo = 0, hi = 1, openLo = false): number {
  const ok = typeof value === 'number' && (openLo ? value > lo : value >= lo) && value <= hi;
  if (!ok) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${String(value)}.`, { source, field });
  }
  return value as number;
}

/** Throws `E_OPTION_TYPE` unless `value` is a Map. */
export function requireMapOption(source: string, field: string, value: unknown, what: string): void {
  if (!(value instanceof Map)) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: ${field} must be a Map from item id to ${what}.`, { source, field });
  }
}

/** Checks a list of item ids (a user's history) and returns it as an array. */
export function readItemList(source: string, field: string, list: unknown): Id[] {
  if (list === null || typeof list !== 'object' || typeof (list as ArrayLike<unknown>).length !== 'number') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: ${field} must be a list of item ids.`, { source, field });
  }
  const a = list as ArrayLike<unknown>;
  const out: Id[] = new Array<Id>(a.length);
  for (let r = 0; r < a.length; r++) {
    const id = a[r];
    if (!isId(id)) {
      throw new ValidationError('E_ID_TYPE', `${source}: ${field}[${r}] is ${JSON.stringify(id)}; ids must be non-empty strings or finite numbers.`, { source, field, row: r });
    }
    out[r] = id;
  }
  return out;
}

/**
 * Greedy list building: `m` rounds; each round adds the not-yet-chosen
 * candidate with the largest `gain(i, round)` (ties to the earlier
 * candidate), then calls `chosen(i, round, taken)` so the caller can
 * update its state (`taken[j]` is 1 for every chosen j). Returns the chosen indexes in order. O(m · n) gain evaluations.
 */
export function greedySelect(
  n: number,
  m: number,
  gain: (i: number, round: number) => number,
  chosen: (i: number, round: number, taken: Uint8Array) => void,
): number[] {
  const taken = new Uint8Array(n);
  const order: number[] = [];
  for (let round = 0; round < m; round++) {
    let best = -1;
    let bestGain = -Infinity;
    for (let i = 0; i < n; i++) {
      if (taken[i] === 1) continue;
      const g = gain(i, round);
      if (best < 0 || g > bestGain) {
        best = i;
        bestGain = g;
      }
    }
    taken[best] = 1;
    order.push(best);
    chosen(best, round, taken);
  }
  return order;
}

/** The chosen candidates as recommendations, each with its input score. */
export function pickRecommendations(c: CandidateColumns, order: readonly number[]): Recommendation[] {
  return order.map((i) => ({ itemId: c.ids[i]!, score: c.scores[i]! }));
}
