import { OptionsError, ValidationError, StateError } from '@marksman/core';
import { arrowCheckedRecords, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { catalogueCoverage, rankingReport } from '@marksman/metrics';
import type { RankingPerUser } from '@marksman/metrics';
import { checkRecordId, describeValue } from './checks';
import type { Recommender } from './recommender';
import { beyondAccuracyReport, resolveBeyondAccuracy } from './beyondAccuracy';
import type { BeyondAccuracyOptions, BeyondAccuracyReport } from './beyondAccuracy';
import { runRerankHook } from './rerankHook';
import type { RerankHook } from './rerankHook';

/** Options of {@link evaluateRanking}. */
export interface EvaluateRankingOptions {
  /** Cut-off k (integer ≥ 1). Default 10. */
  readonly k: number;
  /**
   * Training interactions to keep out of each user's list, in addition to
   * what the model has seen (`excludeSeen`). Give it when the model's
   * history differs from the training split. Default: none.
   */
  readonly train: readonly Interaction[] | ArrowLikeTable | undefined;
  /**
   * Re-ranks each user's candidates before evaluation, so a re-ranker is
   * judged by the same protocol as a model: the model gives `candidates`
   * items per user, the hook returns the list, and its first k are
   * evaluated. Default: none (the model's top k).
   */
  readonly rerank: RerankHook | undefined;
  /** How many candidates per user the model gives `rerank` (an integer ≥ k). Default 100; unused without `rerank`, but still checked (an integer ≥ 1). */
  readonly candidates: number;
  /**
   * Also report beyond-accuracy metrics of the evaluated lists in
   * `beyondAccuracy`: Gini of exposure, novelty, long-tail share,
   * personalization, and intra-list diversity / miscalibration when item
   * features / categories are given. `true` for the defaults. Default false.
   */
  readonly beyondAccuracy: boolean | BeyondAccuracyOptions;
}

/** Result of {@link evaluateRanking}: means over users with ≥ 1 test item. */
export interface RankingEvaluation {
  /** The cut-off used. */
  readonly k: number;
  /** Users evaluated (those with at least one test interaction). */
  readonly users: number;
  /** Of `users`, those the model did not know (scored with the popularity fallback). */
  readonly coldStartUsers: number;
  /** Mean Precision@k (hits / k). */
  readonly precision: number;
  /** Mean Recall@k (hits / test items). */
  readonly recall: number;
  /** Mean NDCG@k (binary gain, ideal over min(test items, k)). */
  readonly ndcg: number;
  /** MAP@k (Σ hit_j · Precision@j ÷ min(test items, k)). */
  readonly map: number;
  /** MRR@k (reciprocal rank of the first hit in the top k). */
  readonly mrr: number;
  /** Share of users with at least one hit in the top k. */
  readonly hitRate: number;
  /** Share of the model's items that appear in some user's top k. */
  readonly coverage: number;
  /** The per-user values behind the means (for paired comparisons of models). */
  readonly perUser: RankingPerUser;
  /** Beyond-accuracy metrics of the same lists; present only when the `beyondAccuracy` option is set. */
  readonly beyondAccuracy?: BeyondAccuracyReport;
}

const DEFAULTS: EvaluateRankingOptions = Object.freeze({ k: 10, train: undefined, rerank: undefined, candidates: 100, beyondAccuracy: false });

function groupItems(source: string, field: string, rows: readonly Interaction[]): Map<Id, Id[]> {
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_INPUT', `${source}: ${field} must be an array of { userId, itemId } records.`, { source, field });
  }
  const out = new Map<Id, Id[]>();
  for (let r = 0; r < rows.length; r++) {
    const rec = rows[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: ${field} row ${r} is not a { userId, itemId } record.`, { source, field, row: r });
    }
    checkRecordId(source, rec.userId, 'userId', r, field);
    checkRecordId(source, rec.itemId, 'itemId', r, field);
    let list = out.get(rec.userId);
    if (list === undefined) {
      list = [];
      out.set(rec.userId, list);
    }
    list.push(rec.itemId);
  }
  return out;
}

/**
 * Evaluates a fitted recommender on held-out interactions with the ranking
 * protocol of the Marksman benchmarks: for every user with test items, the
 * top k (items seen in training excluded) is compared with the test items
 * (binary relevance). Precision, recall, NDCG, MAP, MRR and hit rate come
 * from `rankingReport` in `@marksman/metrics`; coverage from
 * `catalogueCoverage`. Users unknown to the model get the popularity
 * fallback and are counted in `coldStartUsers`.
 *
 * With `rerank`, the model gives each user `candidates` items and the hook's
 * list is evaluated instead (e.g. `mmrRerank`, `calibratedRerank`). With
 * `beyondAccuracy`, the result also carries exposure, novelty, long-tail,
 * personalization, diversity and calibration metrics of the same lists
 * (see {@link BeyondAccuracyReport}); the training popularity and histories
 * they need come from the model's `toJSON` snapshot unless given.
 *
 * Costs one `recommendMany` over the test users (or one `recommend` per user
 * when `train` is given) plus O(test interactions), plus the hook per user.
 *
 * @param model - a fitted recommender
 * @param test - held-out `{ userId, itemId }` records, or an Apache Arrow table with those columns
 * @param options - k (default 10; Precision@k still divides by k when k exceeds the catalogue), train, rerank, candidates (default 100), beyondAccuracy (default false)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE` (with the row), `E_EMPTY` (no test interactions),
 *   `E_RERANK` (the hook returned something other than a list of distinct items), and the
 *   metrics' errors for beyond-accuracy inputs (e.g. `E_UNKNOWN_ITEM` for an item without
 *   features); `OptionsError` `E_K`, `E_OPTION_TYPE`, `E_OPTION_RANGE`, `E_OPTION_VALUE`,
 *   `E_OPTION_CONFLICT`; `StateError` `E_NOT_RECOMMENDER` (model lacks `recommend`,
 *   `recommendMany`, `isKnownUser` or `itemCount`), `E_NOT_FITTED`
 * @example
 * ```ts
 * import { Popularity, evaluateRanking } from '@marksman/recsys';
 * const train = [{ userId: 1, itemId: 'a' }, { userId: 2, itemId: 'a' }, { userId: 2, itemId: 'b' }, { userId: 3, itemId: 'c' }];
 * const model = await new Popularity().fit(train);
 * const r = evaluateRanking(model, [{ userId: 1, itemId: 'b' }, { userId: 3, itemId: 'b' }], { k: 1 });
 * [r.users, r.precision, r.hitRate]; // => [2, 0.5, 0.5]
 * // Lists at k = 2: user 1 gets [b, c], user 3 gets [a, b]; b is shown twice, a and c once.
 * const wide = evaluateRanking(model, [{ userId: 1, itemId: 'b' }, { userId: 3, itemId: 'b' }], { k: 2, beyondAccuracy: true });
 * wide.beyondAccuracy?.giniOfExposure?.toFixed(4); // => '0.1667'
 * wide.beyondAccuracy?.personalization; // => 0.5
 * ```
 */
export function evaluateRanking(model: Recommender, test: readonly Interaction[] | ArrowLikeTable, options?: Partial<EvaluateRankingOptions>): RankingEvaluation {
  const source = 'evaluateRanking';
  const testRows = isArrowTable(test) ? (arrowCheckedRecords(source, test, { userId: 'id', itemId: 'id' }) as unknown as readonly Interaction[]) : test;
  const m = model as Partial<Record<'recommend' | 'recommendMany' | 'isKnownUser', unknown>> & { itemCount?: unknown } | null;
  if (m === null || typeof m !== 'object' || typeof m.recommend !== 'function' || typeof m.recommendMany !== 'function' || typeof m.isKnownUser !== 'function' || typeof m.itemCount !== 'number') {
    throw new StateError('E_NOT_RECOMMENDER', `${source}: model is ${describeValue(model)}, not a recommender (Popularity, ItemKNN, ALS, BPR, ExplicitMF…).`, { source, field: 'model' });
  }
  const o = resolveOptions(source, DEFAULTS, options);
  if (typeof o.k !== 'number' || !Number.isSafeInteger(o.k) || o.k < 1) {
    throw new OptionsError('E_K', `${source}: k must be a safe integer ≥ 1, got ${describeValue(o.k)}.`, { source, field: 'k' });
  }
  const train = isArrowTable(o.train) ? (arrowCheckedRecords(source, o.train, { userId: 'id', itemId: 'id' }) as unknown as readonly Interaction[]) : o.train;
  if (train !== undefined && !Array.isArray(train)) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: train must be an array of { userId, itemId } records or an Arrow table, got ${describeValue(train)}.`, { source, field: 'train' });
  }
  if (o.rerank !== undefined && typeof o.rerank !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: rerank must be a function (userId, candidates) => recommendations.`, { source, field: 'rerank' });
  }
  // Checked even without rerank (where it is unused), so that a typo'd value is not silently ignored.
  if (typeof o.candidates !== 'number' || !Number.isSafeInteger(o.candidates) || o.candidates < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: candidates must be an integer ≥ 1 (≥ k with rerank), got ${String(o.candidates)}.`, { source, field: 'candidates' });
  }
  if (o.rerank !== undefined && o.candidates < o.k) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: candidates must be an integer ≥ k (${o.k}), got ${String(o.candidates)}.`, { source, field: 'candidates' });
  }
  const extras = resolveBeyondAccuracy(source, o.beyondAccuracy);
  const pool = o.rerank === undefined ? o.k : o.candidates;
  const relevant = groupItems(source, 'test', testRows);
  if (relevant.size === 0) {
    throw new ValidationError('E_EMPTY', `${source}: there are no test interactions to evaluate.`, { source, field: 'test' });
  }
  const users = [...relevant.keys()];
  let lists: Array<Array<{ itemId: Id; score: number }>>;
  if (train === undefined) {
    lists = model.recommendMany(users, { k: pool });
  } else {
    const seen = groupItems(source, 'train', train);
    lists = users.map((u) => model.recommend(u, { k: pool, exclude: seen.get(u) ?? [] }));
  }
  const recommended = new Map<Id, Id[]>();
  const rerank = o.rerank;
  users.forEach((u, t) => recommended.set(u, rerank === undefined ? lists[t]!.map((r) => r.itemId) : runRerankHook(source, rerank, u, lists[t]!, o.k)));
  const report = rankingReport(recommended, relevant, { k: o.k });
  const coverage = catalogueCoverage(recommended, model.itemCount, { k: o.k });
  let coldStartUsers = 0;
  for (const u of users) if (!model.isKnownUser(u)) coldStartUsers++;
  const result: RankingEvaluation = {
    k: o.k,
    users: report.users,
    coldStartUsers,
    precision: report.precision,
    recall: report.recall,
    ndcg: report.ndcg,
    map: report.map,
    mrr: report.mrr,
    hitRate: report.hitRate,
    coverage,
    perUser: report.perUser,
  };
  return extras === null ? result : { ...result, beyondAccuracy: beyondAccuracyReport(model, recommended, extras) };
}
