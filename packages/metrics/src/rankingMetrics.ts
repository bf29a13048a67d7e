import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { idListArg } from './arrowTableInput';
import { isList, requireId } from './validation';
import type { Id } from './validation';

/**
 * The relevant (test) items of one user: a list or a set of ids, or an Apache
 * Arrow vector of ids (Utf8, dictionary-encoded Utf8 or integers). Duplicates
 * count once.
 */
export type RelevantItems = ArrayLike<number | string> | ReadonlySet<number | string> | ArrowLikeVector;

/** Validates k (an integer ≥ 1; `Infinity` only where allowed). Internal. */
export function requireCutoff(source: string, k: number, allowInfinity: boolean): void {
  const ok = typeof k === 'number' && ((Number.isSafeInteger(k) && k >= 1) || (allowInfinity && k === Infinity));
  if (!ok) {
    throw new ValidationError('E_RANGE', `${source}: k must be an integer from 1 to 2^53 − 1${allowInfinity ? ' or Infinity' : ''}, got ${typeof k === 'string' ? JSON.stringify(k) : String(k)}.`, { source, field: 'k' });
  }
}

/** Validates the relevant items and returns them as a set. Internal. */
export function relevantSet(source: string, given: RelevantItems): ReadonlySet<Id> {
  const relevant = idListArg(source, 'relevant', given);
  if (relevant === null || typeof relevant !== 'object') {
    throw new ValidationError('E_SHAPE', `${source}: the relevant items must be a list or a Set of ids.`, { source, field: 'relevant' });
  }
  if (relevant instanceof Set) {
    for (const id of relevant as ReadonlySet<unknown>) requireId(source, 'relevant', id);
    return relevant as ReadonlySet<Id>;
  }
  if (!isList(relevant)) {
    throw new ValidationError('E_SHAPE', `${source}: the relevant items must be a list or a Set of ids.`, { source, field: 'relevant' });
  }
  const list = relevant as ArrayLike<unknown>;
  const out = new Set<Id>();
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    requireId(source, 'relevant', id, i);
    out.add(id);
  }
  return out;
}

/**
 * Hit indicators of the first min(k, length) recommended items (1 when the
 * item is relevant). Validates the ids and refuses a repeated item in the
 * cut-off list, which would count one relevant item twice. Internal.
 */
export function hitsAt(source: string, given: ArrayLike<Id> | ArrowLikeVector, relevant: ReadonlySet<Id>, k: number): Uint8Array {
  const recommended = idListArg(source, 'recommended', given) as ArrayLike<Id>;
  if (!isList(recommended)) {
    throw new ValidationError('E_SHAPE', `${source}: the recommended items must be a list of ids.`, { source, field: 'recommended' });
  }
  const m = Math.min(k, recommended.length);
  const hits = new Uint8Array(m);
  const seen = new Set<Id>();
  for (let j = 0; j < m; j++) {
    const id = recommended[j];
    requireId(source, 'recommended', id, j);
    if (seen.has(id)) {
      throw new ValidationError('E_DUPLICATE', `${source}: item ${JSON.stringify(id)} appears twice in the recommended list (position ${j}); a ranked list holds each item once.`, { source, field: 'recommended', row: j });
    }
    seen.add(id);
    if (relevant.has(id)) hits[j] = 1;
  }
  return hits;
}

function requireSomeRelevant(source: string, rel: ReadonlySet<Id>): void {
  if (rel.size === 0) {
    throw new ValidationError('E_EMPTY', `${source}: the user has no relevant items, so the metric is undefined; evaluate only users with ≥ 1 test item (rankingReport does this).`, { source, field: 'relevant' });
  }
}

/** Sum of hits. Internal. */
export function countHits(hits: Uint8Array): number {
  let s = 0;
  for (const h of hits) s += h;
  return s;
}

/** DCG / IDCG with IDCG over min(|relevant|, k) positions. Internal (inputs validated). */
export function ndcgOf(hits: Uint8Array, nRelevant: number, k: number): number {
  let dcg = 0;
  for (let j = 0; j < hits.length; j++) if (hits[j] === 1) dcg += 1 / Math.log2(j + 2);
  let idcg = 0;
  const ideal = Math.min(nRelevant, k);
  for (let j = 0; j < ideal; j++) idcg += 1 / Math.log2(j + 2);
  return dcg / idcg;
}

/** Σ hit_j · Precision@j ÷ min(|relevant|, k). Internal (inputs validated). */
export function averagePrecisionOf(hits: Uint8Array, nRelevant: number, k: number): number {
  let found = 0;
  let sum = 0;
  for (let j = 0; j < hits.length; j++) {
    if (hits[j] === 1) {
      found++;
      sum += found / (j + 1);
    }
  }
  return sum / Math.min(nRelevant, k);
}

/** 1 / rank of the first hit, 0 without one. Internal. */
export function reciprocalRankOf(hits: Uint8Array): number {
  for (let j = 0; j < hits.length; j++) if (hits[j] === 1) return 1 / (j + 1);
  return 0;
}

/**
 * Precision at k with binary relevance: hits among the first k recommended
 * items ÷ k. The denominator is k even when fewer than k items were
 * recommended (a short list is not rewarded). 0 when nothing is relevant.
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant (held-out) items: a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1
 * @throws `ValidationError` `E_RANGE` (bad k), `E_DUPLICATE` (an item twice in the top k),
 *   `E_NAN` / `E_ID` (an id that is NaN or not a number or string; an Arrow null too), `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { precisionAtK } from '@marksman/metrics';
 * precisionAtK(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4); // => 0.5
 * precisionAtK(['a', 'b'], ['b'], 4); // => 0.25
 * ```
 */
export function precisionAtK(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k: number): number {
  const source = 'precisionAtK';
  requireCutoff(source, k, false);
  return countHits(hitsAt(source, recommended, relevantSet(source, relevant), k)) / k;
}

/**
 * Recall at k with binary relevance: hits among the first k recommended items
 * ÷ number of relevant items (not capped at k, so it can stay below 1 when
 * |relevant| > k).
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant items (at least one): a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1
 * @throws `ValidationError` `E_EMPTY` (no relevant item), `E_RANGE`, `E_DUPLICATE`, `E_NAN`, `E_ID`, `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { recallAtK } from '@marksman/metrics';
 * recallAtK(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4).toFixed(4); // => '0.6667'
 * ```
 */
export function recallAtK(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k: number): number {
  const source = 'recallAtK';
  requireCutoff(source, k, false);
  const rel = relevantSet(source, relevant);
  requireSomeRelevant(source, rel);
  return countHits(hitsAt(source, recommended, rel, k)) / rel.size;
}

/**
 * Normalised discounted cumulative gain at k with binary relevance:
 * `Σ_{j ≤ k} hit_j / log2(j + 1)` divided by the ideal DCG, which places
 * min(|relevant|, k) hits at the top. 1 when the first min(|relevant|, k)
 * positions are all relevant.
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant items (at least one): a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1
 * @throws `ValidationError` `E_EMPTY`, `E_RANGE`, `E_DUPLICATE`, `E_NAN`, `E_ID`, `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { ndcgAtK } from '@marksman/metrics';
 * // hits at ranks 2 and 4: (1/log2 3 + 1/log2 5) / (1 + 1/log2 3 + 1/2)
 * ndcgAtK(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4).toFixed(4); // => '0.4982'
 * ```
 */
export function ndcgAtK(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k: number): number {
  const source = 'ndcgAtK';
  requireCutoff(source, k, false);
  const rel = relevantSet(source, relevant);
  requireSomeRelevant(source, rel);
  return ndcgOf(hitsAt(source, recommended, rel, k), rel.size, k);
}

/**
 * Average precision at k (its mean over users is MAP@k):
 * `Σ_{j ≤ k} hit_j · Precision@j ÷ min(|relevant|, k)`.
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant items (at least one): a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1
 * @throws `ValidationError` `E_EMPTY`, `E_RANGE`, `E_DUPLICATE`, `E_NAN`, `E_ID`, `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { averagePrecisionAtK } from '@marksman/metrics';
 * // (1/2 + 2/4) / min(3, 4)
 * averagePrecisionAtK(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4).toFixed(4); // => '0.3333'
 * ```
 */
export function averagePrecisionAtK(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k: number): number {
  const source = 'averagePrecisionAtK';
  requireCutoff(source, k, false);
  const rel = relevantSet(source, relevant);
  requireSomeRelevant(source, rel);
  return averagePrecisionOf(hitsAt(source, recommended, rel, k), rel.size, k);
}

/**
 * Reciprocal rank: 1 / position of the first relevant item among the first k
 * recommended (its mean over users is MRR), 0 when none is relevant.
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant items: a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1 or `Infinity` (default: the whole list)
 * @throws `ValidationError` `E_RANGE`, `E_DUPLICATE`, `E_NAN`, `E_ID`, `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { reciprocalRank } from '@marksman/metrics';
 * reciprocalRank(['a', 'b', 'c', 'd'], ['c']); // => 0.3333333333333333
 * reciprocalRank(['a', 'b', 'c', 'd'], ['c'], 2); // => 0
 * ```
 */
export function reciprocalRank(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k = Infinity): number {
  const source = 'reciprocalRank';
  requireCutoff(source, k, true);
  return reciprocalRankOf(hitsAt(source, recommended, relevantSet(source, relevant), k));
}

/**
 * Hit rate at k: 1 when at least one of the first k recommended items is
 * relevant, else 0 (its mean over users is HR@k).
 *
 * Costs O(k + |relevant|).
 *
 * @param recommended - ranked item ids, best first (a list, or an Arrow vector of ids)
 * @param relevant - the user's relevant items: a list, a Set or an Arrow vector of ids
 * @param k - cut-off, an integer ≥ 1
 * @throws `ValidationError` `E_RANGE`, `E_DUPLICATE`, `E_NAN`, `E_ID`, `E_SHAPE` (not a list),
 *   `E_ARROW_TYPE` (an Arrow vector that is not text or integers)
 * @example
 * ```ts
 * import { hitRateAtK } from '@marksman/metrics';
 * hitRateAtK(['a', 'b', 'c'], ['c'], 3); // => 1
 * hitRateAtK(['a', 'b', 'c'], ['c'], 2); // => 0
 * ```
 */
export function hitRateAtK(recommended: ArrayLike<number | string> | ArrowLikeVector, relevant: RelevantItems, k: number): number {
  const source = 'hitRateAtK';
  requireCutoff(source, k, false);
  return countHits(hitsAt(source, recommended, relevantSet(source, relevant), k)) > 0 ? 1 : 0;
}
