import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { perUserArg } from './arrowTableInput';
import { buildItemSimilarity } from './itemSimilarity';
import type { ItemSimilaritySource } from './itemSimilarity';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { topItems } from './topItems';
import { requirePositiveIntegerOption } from './validation';

/** Options of {@link intraListDiversity}: where similarity comes from, and the cut-off. */
export interface IntraListDiversityOptions extends ItemSimilaritySource {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
}

const DEFAULTS: Readonly<Required<IntraListDiversityOptions>> = Object.freeze({
  k: Infinity,
  itemFeatures: null,
  itemVectors: null,
  similarity: null,
  featureSimilarity: 'jaccard',
});

/**
 * Intra-list diversity (Ziegler et al. 2005; Smyth & McClave 2001): for each
 * user, the mean dissimilarity 1 − sim(i, j) over the pairs of items in the
 * first k of the list, `ILD(L) = Σ_{i<j} (1 − sim(Lᵢ, Lⱼ)) / (|L|(|L| − 1)/2)`;
 * then the mean over users whose list has at least two items. Similarity
 * comes from item feature sets (Jaccard or cosine), item vectors (cosine) or
 * your function, as in {@link itemSimilarity}. With features or non-negative
 * similarities the result lies in [0, 1] (1: no two items share a feature);
 * cosine of vectors can be negative, so it may reach 2.
 *
 * Costs O(Σ_u min(k, |list_u|)²) similarity evaluations.
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param options - exactly one of `itemFeatures`, `itemVectors`, `similarity` (the first two may
 *   be Arrow tables, as in {@link itemSimilarity});
 *   `featureSimilarity` (default `'jaccard'`); `k` (default `Infinity`)
 * @throws `ValidationError` `E_EMPTY` (no list has two items), `E_UNKNOWN_ITEM` (a listed item
 *   without features or vector), `E_DUPLICATE`, `E_SHAPE`, `E_LENGTH`, `E_RANGE`, `E_NAN`, `E_ID`
 *   (an Arrow null too), `E_ARROW_TYPE` (an Arrow id column that is not text or integers, or a numeric column that is
 *   not numbers), `E_COLUMN` (an Arrow table without a needed column);
 *   `OptionsError` `E_OPTION_MISSING`, `E_OPTION_CONFLICT`, `E_OPTION_TYPE`, `E_OPTION_VALUE`,
 *   `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { intraListDiversity } from '@marksman/metrics';
 * const genres = new Map([['heat', ['Action', 'Crime']], ['ronin', ['Action', 'Crime', 'Thriller']], ['up', ['Animation']], ['cars', ['Animation']]]);
 * // ann: heat–ronin share 2 of 3 genres (1 − 2/3); bob: nothing in common (1).
 * intraListDiversity([['heat', 'ronin'], ['heat', 'up']], { itemFeatures: genres }).toFixed(4); // => '0.6667'
 * // A list of three: pairs heat–ronin 1/3, heat–up 1, ronin–up 1 → 7/9.
 * intraListDiversity([['heat', 'ronin', 'up']], { itemFeatures: genres }).toFixed(4); // => '0.7778'
 * intraListDiversity([['up', 'cars']], { itemFeatures: genres }); // => 0
 * intraListDiversity([['heat']], { itemFeatures: genres }); // throws E_EMPTY
 * ```
 */
export function intraListDiversity(recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable, options: IntraListDiversityOptions): number {
  const source = 'intraListDiversity';
  const { k, itemFeatures, itemVectors, similarity, featureSimilarity } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  const recommendedByUser = perUserArg(source, recommended);
  const sim = buildItemSimilarity(source, { itemFeatures, itemVectors, similarity, featureSimilarity });
  let sum = 0;
  let users = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    const items = topItems(source, list, k, user);
    const m = items.length;
    if (m < 2) continue;
    let d = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) d += 1 - sim(items[i]!, items[j]!);
    sum += d / ((m * (m - 1)) / 2);
    users++;
  }
  if (users === 0) {
    throw new ValidationError('E_EMPTY', `${source}: no list holds two items, so there is no pair to compare.`, { source, field: 'recommended' });
  }
  return sum / users;
}
