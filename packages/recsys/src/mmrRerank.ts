import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { itemSimilarity } from '@marksman/metrics';
import type { ItemSimilarity, ItemSimilaritySource } from '@marksman/metrics';
import { checkK } from './recommender';
import type { Recommendation } from './recommender';
import { greedySelect, minMaxRelevance, pickRecommendations, readCandidates, requireUnitOption } from './rerankInput';

/**
 * Options of {@link mmrRerank}: the list length, the trade-off, and exactly
 * one source of item similarity (`itemFeatures`, `itemVectors` or
 * `similarity`, as in `itemSimilarity` of `@marksman/metrics`).
 */
export interface MmrRerankOptions extends ItemSimilaritySource {
  /** Length of the re-ranked list (an integer ≥ 1); fewer come back when there are fewer candidates. Default 10. */
  readonly k: number;
  /** Weight of relevance against novelty with respect to the items already chosen, in [0, 1]: 1 keeps the relevance order, 0 picks for diversity alone. Default 0.5. */
  readonly lambda: number;
}

const DEFAULTS: Readonly<Required<MmrRerankOptions>> = Object.freeze({
  k: 10,
  lambda: 0.5,
  itemFeatures: null,
  itemVectors: null,
  similarity: null,
  featureSimilarity: 'jaccard',
});

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998, SIGIR): re-ranks a
 * model's candidates for diversity. The list is built greedily; each step
 * adds the candidate i that maximises
 * `λ · rel(i) − (1 − λ) · max_{j chosen} sim(i, j)`
 * (the penalty is 0 for the first pick). `rel` is the candidate's score
 * min-max normalised over the candidate list, `(s − min) / (max − min)` (all
 * 1 when every score is equal), so λ means the same for any model's score
 * scale; similarity comes from item features (Jaccard or cosine), item
 * vectors (cosine, e.g. an ALS model's `itemFactors`) or your function, in
 * [−1, 1]. Ties go to the earlier candidate. Each returned item keeps its
 * candidate score; the order is the new one. The input is not changed.
 *
 * Each candidate's largest similarity to the chosen items is cached and
 * updated with the newest pick only, so the cost is O(k · n) similarity
 * evaluations for n candidates (not O(k² · n)). With `itemFeatures` or
 * `itemVectors`, a fresh similarity is built per call; to re-rank many users,
 * build one with `itemSimilarity` and pass it as `similarity` so item
 * preparation is shared.
 *
 * @param candidates - a model's candidates, best first (e.g. `recommend(user, { k: 100 })`)
 * @param options - `k` (default 10), `lambda` (default 0.5), one of `itemFeatures` / `itemVectors` /
 *   `similarity`, `featureSimilarity` (default `'jaccard'`)
 * @returns at most k of the candidates, in MMR order
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`,
 *   `E_DUPLICATE` (bad candidates, with the row), `E_UNKNOWN_ITEM` (a candidate without features
 *   or vector) and the other checks of `itemSimilarity`; `OptionsError` `E_K`, `E_OPTION_RANGE`
 *   (lambda), `E_OPTION_MISSING`, `E_OPTION_CONFLICT`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { mmrRerank } from '@marksman/recsys';
 * const genres = new Map([['heat', ['Action', 'Crime']], ['ronin', ['Action', 'Crime']], ['up', ['Animation']]]);
 * const candidates = [{ itemId: 'heat', score: 0.9 }, { itemId: 'ronin', score: 0.8 }, { itemId: 'up', score: 0.5 }];
 * mmrRerank(candidates, { k: 2, lambda: 1, itemFeatures: genres }).map((r) => r.itemId); // => ['heat', 'ronin']
 * mmrRerank(candidates, { k: 2, lambda: 0.5, itemFeatures: genres }).map((r) => r.itemId); // => ['heat', 'up']
 * mmrRerank(candidates, { k: 2, lambda: 0.5, itemFeatures: genres })[1]; // => { itemId: 'up', score: 0.5 }
 * mmrRerank(candidates, { k: 2 }); // throws E_OPTION_MISSING
 * ```
 */
export function mmrRerank(candidates: readonly Recommendation[], options?: Partial<MmrRerankOptions>): Recommendation[] {
  const source = 'mmrRerank';
  const { k, lambda, itemFeatures, itemVectors, similarity, featureSimilarity } = resolveOptions(source, DEFAULTS, options);
  checkK(source, k);
  requireUnitOption(source, 'lambda', lambda);
  const given = [itemFeatures, itemVectors, similarity].filter((x) => x !== null).length;
  if (given !== 1) {
    throw new OptionsError(
      given === 0 ? 'E_OPTION_MISSING' : 'E_OPTION_CONFLICT',
      `${source}: give exactly one of itemFeatures (a Map of feature sets), itemVectors (a Map of vectors) or similarity (a function); got ${given}.`,
      { source, field: 'similarity' },
    );
  }
  const sim: ItemSimilarity = itemSimilarity({ itemFeatures, itemVectors, similarity, featureSimilarity });
  const c = readCandidates(source, candidates);
  const n = c.ids.length;
  const rel = minMaxRelevance(c.scores);
  const maxSim = new Float64Array(n).fill(-Infinity);
  const m = Math.min(k, n);
  const order = greedySelect(
    n,
    m,
    (i, round) => lambda * rel[i]! - (round === 0 ? 0 : (1 - lambda) * maxSim[i]!),
    (j, round, taken) => {
      if (round === m - 1) return;
      const idj = c.ids[j]!;
      for (let i = 0; i < n; i++) {
        if (taken[i] === 1) continue;
        const s = sim(c.ids[i]!, idj);
        if (s > maxSim[i]!) maxSim[i] = s;
      }
    },
  );
  return pickRecommendations(c, order);
}
