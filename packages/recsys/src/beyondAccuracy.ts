// The beyond-accuracy part of evaluateRanking: exposure, novelty, long tail,
// diversity and calibration of the evaluated lists, from @marksman/metrics.
import { OptionsError } from '@marksman/core';
import { isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id } from '@marksman/core';
import { giniOfExposure, intraListDiversity, longTailItems, longTailShare, miscalibration, novelty, personalization } from '@marksman/metrics';
import type { ExposureWeighting, ItemSimilaritySource } from '@marksman/metrics';
import type { Recommender, RecommenderJSON } from './recommender';

/**
 * What {@link evaluateRanking} needs for its beyond-accuracy report
 * (`beyondAccuracy` option). Give `itemFeatures`, `itemVectors` or
 * `similarity` for intra-list diversity, and `itemCategories` for
 * miscalibration; the other metrics need nothing more. Each item map may
 * also be an Apache Arrow table, read as `@marksman/metrics` reads it:
 * `popularity` of `itemId`, `count` rows; `itemCategories` of `itemId`,
 * `category` rows; `itemFeatures` of `itemId`, `feature` rows; `itemVectors`
 * an `itemId` column and one numeric column per dimension.
 */
export interface BeyondAccuracyOptions extends ItemSimilaritySource {
  /**
   * Training interactions per item, for novelty and the long tail. Default:
   * the model's own (distinct users per item, from its `toJSON` snapshot).
   */
  readonly popularity?: ReadonlyMap<Id, number> | ArrowLikeTable | null;
  /** Categories (genres) per item, for miscalibration against each user's history in the model. Default: none (miscalibration is null). */
  readonly itemCategories?: ReadonlyMap<Id, readonly Id[] | ReadonlySet<Id>> | ArrowLikeTable | null;
  /** Share of the most popular items that form the short head (see `longTailItems`). Default 0.2. */
  readonly headShare?: number;
  /** Exposure weighting of the Gini index: `'uniform'` (default) or `'dcg'`. */
  readonly exposureWeighting?: ExposureWeighting;
  /** Smoothing α of miscalibration. Default 0.01. */
  readonly alpha?: number;
}

/**
 * Beyond-accuracy metrics of the evaluated top-k lists (all from
 * `@marksman/metrics`); null where a metric is undefined for these lists or
 * its input was not given.
 */
export interface BeyondAccuracyReport {
  /** Gini index of item exposure over the model's catalogue (`giniOfExposure`): 0 even, (n − 1)/n all on one item. Null when every list is empty. */
  readonly giniOfExposure: number | null;
  /** Mean self-information −log2 p(i) of the recommended items, p the share of training interactions (`novelty`), in bits. Null when every list is empty. */
  readonly novelty: number | null;
  /** Mean share of long-tail items per list (`longTailShare`, APLT). Null when every list is empty. */
  readonly longTailShare: number | null;
  /** 1 − mean cosine overlap of two users' lists (`personalization`). Null with fewer than two non-empty lists. */
  readonly personalization: number | null;
  /** Mean intra-list dissimilarity (`intraListDiversity`). Null without an item similarity, or when no list has two items. */
  readonly intraListDiversity: number | null;
  /** Mean C_KL between each user's history and list category mix (`miscalibration`), in nats. Null without `itemCategories`, or when no evaluated user has a history. */
  readonly miscalibration: number | null;
}

type Resolved = Readonly<Required<BeyondAccuracyOptions>>;

const DEFAULTS: Resolved = Object.freeze({
  itemFeatures: null,
  itemVectors: null,
  similarity: null,
  featureSimilarity: 'jaccard',
  popularity: null,
  itemCategories: null,
  headShare: 0.2,
  exposureWeighting: 'uniform',
  alpha: 0.01,
});

/** Resolves the `beyondAccuracy` option: null when it is off. Internal. */
export function resolveBeyondAccuracy(source: string, option: unknown): Resolved | null {
  if (option === false) return null;
  if (option === true) return DEFAULTS;
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: beyondAccuracy must be true, false or an options object.`, { source, field: 'beyondAccuracy' });
  }
  const o = resolveOptions(source, DEFAULTS, option as BeyondAccuracyOptions);
  // Checked here, before any list is computed; the metrics check the rest (item by item).
  const bad = (field: string, code: string, what: string): never => {
    throw new OptionsError(code, `${source}: beyondAccuracy.${field} ${what}.`, { source, field });
  };
  if (typeof o.headShare !== 'number' || !(o.headShare >= 0 && o.headShare <= 1)) bad('headShare', 'E_OPTION_RANGE', `must be a number in [0, 1], got ${String(o.headShare)}`);
  if (typeof o.alpha !== 'number' || !(o.alpha > 0 && o.alpha <= 1)) bad('alpha', 'E_OPTION_RANGE', `must be a number in (0, 1], got ${String(o.alpha)}`);
  if (o.exposureWeighting !== 'uniform' && o.exposureWeighting !== 'dcg') bad('exposureWeighting', 'E_OPTION_VALUE', `must be 'uniform' or 'dcg', got ${JSON.stringify(o.exposureWeighting)}`);
  for (const f of ['popularity', 'itemCategories', 'itemFeatures', 'itemVectors'] as const) {
    if (o[f] !== null && !(o[f] instanceof Map) && !isArrowTable(o[f])) bad(f, 'E_OPTION_TYPE', 'must be a Map keyed by item id or an Arrow table');
  }
  if (o.similarity !== null && typeof o.similarity !== 'function') bad('similarity', 'E_OPTION_TYPE', 'must be a function (a, b) => number');
  const sources = [o.itemFeatures, o.itemVectors, o.similarity].filter((x) => x !== null).length;
  if (sources > 1) bad('similarity', 'E_OPTION_CONFLICT', 'takes only one of itemFeatures, itemVectors and similarity');
  return o;
}

/** Computes the report for the evaluated lists (each already cut to k). Internal. */
export function beyondAccuracyReport(model: Recommender, lists: ReadonlyMap<Id, readonly Id[]>, o: Resolved): BeyondAccuracyReport {
  let snapshot: RecommenderJSON | null = null;
  const snap = (): RecommenderJSON => (snapshot ??= model.toJSON());
  let nonEmpty = 0;
  let withPairs = 0;
  for (const list of lists.values()) {
    if (list.length > 0) nonEmpty++;
    if (list.length > 1) withPairs++;
  }
  let popularity = o.popularity;
  if (popularity === null && nonEmpty > 0) {
    const s = snap();
    const counts = s.state.popularity ?? [];
    popularity = new Map(s.itemIds.map((id, i) => [id, counts[i] ?? 0]));
  }
  const hasSimilarity = o.itemFeatures !== null || o.itemVectors !== null || o.similarity !== null;
  let calibration: number | null = null;
  if (o.itemCategories !== null && nonEmpty > 0) {
    const s = snap();
    const history = new Map<Id, Id[]>();
    const index = new Map(s.userIds.map((id, u) => [id, u]));
    for (const [user, list] of lists) {
      const u = index.get(user);
      if (u === undefined || list.length === 0) continue;
      const items: Id[] = [];
      for (let t = s.history.indptr[u]!; t < s.history.indptr[u + 1]!; t++) items.push(s.itemIds[s.history.indices[t]!]!);
      if (items.length > 0) history.set(user, items);
    }
    if (history.size > 0) calibration = miscalibration(lists, history, o.itemCategories, { alpha: o.alpha });
  }
  return {
    giniOfExposure: nonEmpty > 0 ? giniOfExposure(lists, model.itemCount, { weighting: o.exposureWeighting }) : null,
    novelty: nonEmpty > 0 && popularity !== null ? novelty(lists, popularity) : null,
    longTailShare: nonEmpty > 0 && popularity !== null ? longTailShare(lists, longTailItems(popularity, { headShare: o.headShare })) : null,
    personalization: nonEmpty > 1 ? personalization(lists) : null,
    intraListDiversity: hasSimilarity && withPairs > 0
      ? intraListDiversity(lists, { itemFeatures: o.itemFeatures, itemVectors: o.itemVectors, similarity: o.similarity, featureSimilarity: o.featureSimilarity })
      : null,
    miscalibration: calibration,
  };
}
