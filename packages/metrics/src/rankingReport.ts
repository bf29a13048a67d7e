import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { averagePrecisionOf, countHits, hitsAt, ndcgOf, reciprocalRankOf, relevantSet } from './rankingMetrics';
import type { RelevantItems } from './rankingMetrics';
import { requirePositiveIntegerOption } from './validation';
import type { Id } from './validation';

/** Options of {@link rankingReport}. */
export interface RankingReportOptions {
  /** Cut-off; default 10. */
  readonly k?: number;
}

/** The metric of each evaluated user, aligned with `users`. */
export interface RankingPerUser {
  /** Evaluated users: Map keys, or array indexes. */
  readonly users: readonly (number | string)[];
  /** Precision@k per user. */
  readonly precision: Float64Array;
  /** Recall@k per user. */
  readonly recall: Float64Array;
  /** NDCG@k per user. */
  readonly ndcg: Float64Array;
  /** AP@k per user. */
  readonly averagePrecision: Float64Array;
  /** Reciprocal rank within the top k per user. */
  readonly reciprocalRank: Float64Array;
  /** Hit (0 or 1) within the top k per user. */
  readonly hit: Float64Array;
}

/** Mean ranking metrics over the users with at least one relevant item. */
export interface RankingReport {
  /** The cut-off used. */
  readonly k: number;
  /** Number of users evaluated (those with ≥ 1 relevant item). */
  readonly users: number;
  /** Users listed in `relevant` with no relevant item, left out of the means. */
  readonly skippedUsers: number;
  /** Mean Precision@k. */
  readonly precision: number;
  /** Mean Recall@k. */
  readonly recall: number;
  /** Mean NDCG@k. */
  readonly ndcg: number;
  /** MAP@k: mean average precision at k. */
  readonly map: number;
  /** MRR@k: mean reciprocal rank of the first hit within the top k. */
  readonly mrr: number;
  /** HR@k: share of users with a hit in the top k. */
  readonly hitRate: number;
  /** The per-user values behind the means (for paired tests between models). */
  readonly perUser: RankingPerUser;
}

const DEFAULTS: Readonly<Required<RankingReportOptions>> = Object.freeze({ k: 10 });

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

/**
 * Precision, recall, NDCG, MAP, MRR and hit rate at k, averaged over every
 * user with at least one relevant item (binary relevance; the definitions of
 * {@link precisionAtK}, {@link recallAtK}, {@link ndcgAtK},
 * {@link averagePrecisionAtK}, {@link reciprocalRank}, {@link hitRateAtK}).
 * A user with relevant items but no recommendations scores 0 on every metric;
 * users without relevant items are skipped and counted in `skippedUsers`.
 *
 * Both arguments are `Map`s keyed by user id, or both are arrays with user i
 * at index i. Either may also be an Apache Arrow table of `userId`, `itemId`
 * rows (text, dictionary-encoded text or integer ids), read as the Map of each
 * user's items in row order: the recommendations' rows in rank order, the
 * relevant rows the user's test interactions (give the other argument as a
 * Map, or a table too). Remove training items from the recommendations before
 * calling.
 *
 * Costs O(Σ_u (k + |relevant_u|)).
 *
 * @param recommended - ranked item ids per user, best first (or an Arrow table of `userId`, `itemId`)
 * @param relevant - relevant (held-out) items per user (or an Arrow table of `userId`, `itemId` test interactions)
 * @param options - `k` (default 10)
 * @throws `ValidationError` `E_SHAPE` (one Map and one array, or not a list), `E_LENGTH` (arrays
 *   of different lengths), `E_EMPTY` (no user has a relevant item), `E_DUPLICATE`, `E_NAN`, `E_ID`
 *   (an id that is not a number or string, an Arrow null too), `E_ARROW_TYPE` (an Arrow id column
 *   that is not text or integers), `E_COLUMN` (an Arrow table without `userId` or `itemId`);
 *   `OptionsError` `E_OPTION_RANGE` (k not an integer ≥ 1), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { rankingReport } from '@marksman/metrics';
 * const recs = new Map([['u1', ['a', 'b', 'c']], ['u2', ['c', 'a', 'b']]]);
 * const test = new Map([['u1', ['a']], ['u2', ['b', 'd']], ['u3', []]]);
 * const r = rankingReport(recs, test, { k: 2 });
 * r.users; // => 2
 * r.precision; // => 0.25
 * r.hitRate; // => 0.5
 * ```
 */
export function rankingReport(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  relevant: PerUser<RelevantItems> | ArrowLikeTable,
  options?: RankingReportOptions,
): RankingReport {
  const source = 'rankingReport';
  const { k } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k);
  const recommendedByUser = perUserArg(source, recommended);
  const relevantByUser = perUserArg(source, relevant);
  const recIsMap = recommendedByUser instanceof Map;
  if (recIsMap !== relevantByUser instanceof Map) {
    throw new ValidationError('E_SHAPE', `${source}: give both recommended and relevant as Maps keyed by user id, or both as arrays (user i at index i).`, { source, field: 'relevant' });
  }
  const recEntries = perUserEntries(source, 'recommended', recommendedByUser);
  const relEntries = perUserEntries(source, 'relevant', relevantByUser);
  if (!recIsMap && recEntries.length !== relEntries.length) {
    throw new ValidationError('E_LENGTH', `${source}: recommended has ${recEntries.length} users but relevant has ${relEntries.length}; give one list per user in both.`, { source, field: 'relevant' });
  }
  const recByUser = new Map<Id, ArrayLike<Id>>(recEntries);
  const users: Id[] = [];
  const cols = { precision: [] as number[], recall: [] as number[], ndcg: [] as number[], ap: [] as number[], rr: [] as number[], hit: [] as number[] };
  let skipped = 0;
  const empty: readonly Id[] = [];
  for (const [user, relList] of relEntries) {
    const rel = relevantSet(source, relList);
    if (rel.size === 0) {
      skipped++;
      continue;
    }
    // A user missing from recommended got no recommendations; a user present with a non-list is an error.
    const hits = hitsAt(source, recByUser.has(user) ? (recByUser.get(user) as ArrayLike<Id>) : empty, rel, k);
    const h = countHits(hits);
    users.push(user);
    cols.precision.push(h / k);
    cols.recall.push(h / rel.size);
    cols.ndcg.push(ndcgOf(hits, rel.size, k));
    cols.ap.push(averagePrecisionOf(hits, rel.size, k));
    cols.rr.push(reciprocalRankOf(hits));
    cols.hit.push(h > 0 ? 1 : 0);
  }
  if (users.length === 0) {
    throw new ValidationError('E_EMPTY', `${source}: no user has a relevant item, so there is nothing to evaluate.`, { source, field: 'relevant' });
  }
  const perUser: RankingPerUser = {
    users,
    precision: Float64Array.from(cols.precision),
    recall: Float64Array.from(cols.recall),
    ndcg: Float64Array.from(cols.ndcg),
    averagePrecision: Float64Array.from(cols.ap),
    reciprocalRank: Float64Array.from(cols.rr),
    hit: Float64Array.from(cols.hit),
  };
  return {
    k,
    users: users.length,
    skippedUsers: skipped,
    precision: mean(perUser.precision),
    recall: mean(perUser.recall),
    ndcg: mean(perUser.ndcg),
    map: mean(perUser.averagePrecision),
    mrr: mean(perUser.reciprocalRank),
    hitRate: mean(perUser.hit),
    perUser,
  };
}
