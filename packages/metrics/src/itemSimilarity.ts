import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { itemLabelsArg, itemVectorsArg } from './arrowTableInput';
import { requireFinite, requireId } from './validation';
import type { Id } from './validation';

/** Similarity of two items, in [−1, 1] (1: the same; cosine of vectors may be negative). */
export type ItemSimilarity = (a: number | string, b: number | string) => number;

/** How two items' feature sets are compared in {@link itemSimilarity}. */
export type FeatureSimilarity = 'jaccard' | 'cosine';

/**
 * Where item similarity comes from: exactly one of `itemFeatures`,
 * `itemVectors` or `similarity`. Shared by {@link itemSimilarity},
 * {@link intraListDiversity} and the re-rankers of `@marksman/recsys`.
 * An Arrow table is read in full on every call that takes it (O(rows)): for
 * a function called once per user, such as `mmrRerank`, build the similarity
 * once with {@link itemSimilarity} and pass it as `similarity`.
 */
export interface ItemSimilaritySource {
  /**
   * A set of features per item (genres, categories, tags, brands): a list or
   * a Set of labels; repeated labels count once. Compared by
   * `featureSimilarity`. Items with no features have similarity 0 to every
   * other item. Or an Apache Arrow table of `itemId`, `feature` rows (one row
   * per item and feature; text, dictionary-encoded text or integers), where
   * an item without a row is unknown (`E_UNKNOWN_ITEM` when asked about).
   */
  readonly itemFeatures?: ReadonlyMap<number | string, ArrayLike<number | string> | ReadonlySet<number | string>> | ArrowLikeTable | null;
  /**
   * A vector per item (embeddings, a factor model's item factors), all of one
   * length; compared by cosine. A zero vector has similarity 0 to every item.
   * Or an Apache Arrow table with an `itemId` column and one numeric column
   * per dimension (every other column, in schema order), one row per item.
   */
  readonly itemVectors?: ReadonlyMap<number | string, ArrayLike<number>> | ArrowLikeTable | null;
  /** Your own similarity of two items; it must return a finite number in [−1, 1]. */
  readonly similarity?: ItemSimilarity | null;
  /** `'jaccard'` (default): |A ∩ B| / |A ∪ B|; `'cosine'`: |A ∩ B| / √(|A|·|B|). Only with `itemFeatures`. */
  readonly featureSimilarity?: FeatureSimilarity;
}

const DEFAULTS: Readonly<Required<ItemSimilaritySource>> = Object.freeze({
  itemFeatures: null,
  itemVectors: null,
  similarity: null,
  featureSimilarity: 'jaccard',
});

/**
 * A similarity function between items, from feature sets (Jaccard or
 * cosine), from vectors (cosine) or from your own function (checked to
 * return a finite value in [−1, 1]). Each item's features or vector is
 * validated and prepared the first time it is asked about (the set, or the
 * vector's norm) and cached, so build it once and reuse it across users;
 * asking about an item absent from the map throws `E_UNKNOWN_ITEM` then.
 *
 * Costs O(1) to build; a first look-up of an item O(its size), then
 * O(|A| + |B|) per pair of feature sets, O(dimension) per pair of vectors.
 *
 * @param source - exactly one of `itemFeatures`, `itemVectors`, `similarity`; `featureSimilarity`
 * @returns `(a, b) => similarity` in [−1, 1]
 * @throws `OptionsError` `E_OPTION_MISSING` (none of the three given), `E_OPTION_CONFLICT`
 *   (more than one), `E_OPTION_TYPE` (not a Map / function), `E_OPTION_VALUE` (bad
 *   `featureSimilarity`), `E_OPTION_UNKNOWN`; from the returned function: `ValidationError`
 *   `E_UNKNOWN_ITEM` (an item not in the map), `E_SHAPE` (features not a list or Set, vector not
 *   a list), `E_LENGTH` (vectors of different lengths), `E_EMPTY` (a vector of length 0),
 *   `E_NAN`, `E_NOT_FINITE`, `E_ID` (bad values), `E_RANGE` (your function returned a value
 *   outside [−1, 1]); when building from an Arrow table: `E_ARROW_TYPE` (an id column that is not
 *   text or integers, a vector column that is not numbers), `E_COLUMN` (no `itemId`, `feature` or
 *   vector column), `E_DUPLICATE` (an item on two rows of a vector table), `E_ID` / `E_NAN` (a
 *   null, with its row)
 * @example
 * ```ts
 * import { itemSimilarity } from '@marksman/metrics';
 * const genres = new Map([['heat', ['Action', 'Crime']], ['ronin', ['Action', 'Crime', 'Thriller']], ['up', ['Animation']]]);
 * const jaccard = itemSimilarity({ itemFeatures: genres });
 * jaccard('heat', 'ronin').toFixed(4); // => '0.6667'
 * jaccard('heat', 'up'); // => 0
 * itemSimilarity({ itemFeatures: genres, featureSimilarity: 'cosine' })('heat', 'ronin').toFixed(4); // => '0.8165'
 * const cosine = itemSimilarity({ itemVectors: new Map([['x', [1, 0]], ['y', [1, 1]], ['z', [-1, 0]]]) });
 * cosine('x', 'y').toFixed(4); // => '0.7071'
 * cosine('x', 'z'); // => -1
 * jaccard('heat', 'alien'); // throws E_UNKNOWN_ITEM
 * ```
 */
export function itemSimilarity(source: ItemSimilaritySource): ItemSimilarity {
  return buildItemSimilarity('itemSimilarity', source);
}

/** {@link itemSimilarity} with errors that name `fn`. Internal. */
export function buildItemSimilarity(fn: string, options: ItemSimilaritySource | undefined): ItemSimilarity {
  const o = resolveOptions(fn, DEFAULTS, options);
  const given = (['itemFeatures', 'itemVectors', 'similarity'] as const).filter((f) => o[f] !== null);
  if (given.length === 0) {
    throw new OptionsError('E_OPTION_MISSING', `${fn}: say how items are compared: give itemFeatures (a Map of feature sets), itemVectors (a Map of vectors) or similarity (a function).`, { source: fn, field: 'itemFeatures' });
  }
  if (given.length > 1) {
    throw new OptionsError('E_OPTION_CONFLICT', `${fn}: give only one of itemFeatures, itemVectors and similarity (got ${given.join(' and ')}).`, { source: fn, field: given[1] as string });
  }
  if (o.featureSimilarity !== 'jaccard' && o.featureSimilarity !== 'cosine') {
    throw new OptionsError('E_OPTION_VALUE', `${fn}: featureSimilarity must be 'jaccard' or 'cosine', got ${JSON.stringify(o.featureSimilarity)}.`, { source: fn, field: 'featureSimilarity' });
  }
  if (o.similarity !== null) {
    const user = o.similarity;
    if (typeof user !== 'function') {
      throw new OptionsError('E_OPTION_TYPE', `${fn}: similarity must be a function (a, b) => number.`, { source: fn, field: 'similarity' });
    }
    return (a, b) => {
      const s = user(a, b);
      requireFinite(fn, 'similarity', s);
      if (s < -1 || s > 1) {
        throw new ValidationError('E_RANGE', `${fn}: similarity(${JSON.stringify(a)}, ${JSON.stringify(b)}) returned ${s}; it must lie in [−1, 1].`, { source: fn, field: 'similarity' });
      }
      return s;
    };
  }
  if (o.itemFeatures !== null) return featureSimilarityOf(fn, itemLabelsArg(fn, o.itemFeatures, 'feature'), o.featureSimilarity);
  return vectorCosineOf(fn, itemVectorsArg(fn, o.itemVectors) as ReadonlyMap<Id, ArrayLike<number>>);
}

function requireMap(fn: string, field: string, x: unknown): void {
  if (!(x instanceof Map)) {
    throw new OptionsError('E_OPTION_TYPE', `${fn}: ${field} must be a Map from item id to ${field === 'itemFeatures' ? 'a list or Set of features' : 'a vector'}.`, { source: fn, field });
  }
}

function unknownItem(fn: string, field: string, id: unknown): never {
  throw new ValidationError('E_UNKNOWN_ITEM', `${fn}: item ${JSON.stringify(id)} has no entry in ${field}; give every compared item one.`, { source: fn, field });
}

function featureSimilarityOf(fn: string, features: ReadonlyMap<Id, ArrayLike<Id> | ReadonlySet<Id>>, measure: FeatureSimilarity): ItemSimilarity {
  requireMap(fn, 'itemFeatures', features);
  const cache = new Map<Id, ReadonlySet<Id>>();
  const setOf = (id: Id): ReadonlySet<Id> => {
    let s = cache.get(id);
    if (s !== undefined) return s;
    const raw = features.get(id) as unknown;
    if (raw === undefined) unknownItem(fn, 'itemFeatures', id);
    const set = new Set<Id>();
    if (raw instanceof Set) {
      for (const f of raw as ReadonlySet<unknown>) {
        requireId(fn, 'itemFeatures', f);
        set.add(f);
      }
    } else if (raw !== null && typeof raw === 'object' && typeof (raw as ArrayLike<unknown>).length === 'number') {
      const list = raw as ArrayLike<unknown>;
      for (let i = 0; i < list.length; i++) {
        const f = list[i];
        requireId(fn, 'itemFeatures', f, i);
        set.add(f);
      }
    } else {
      throw new ValidationError('E_SHAPE', `${fn}: the features of item ${JSON.stringify(id)} must be a list or a Set of labels.`, { source: fn, field: 'itemFeatures' });
    }
    s = set;
    cache.set(id, s);
    return s;
  };
  return (a, b) => {
    const A = setOf(a);
    const B = setOf(b);
    if (A.size === 0 || B.size === 0) return 0;
    const [small, large] = A.size <= B.size ? [A, B] : [B, A];
    let common = 0;
    for (const f of small) if (large.has(f)) common++;
    return measure === 'jaccard' ? common / (A.size + B.size - common) : common / Math.sqrt(A.size * B.size);
  };
}

function vectorCosineOf(fn: string, vectors: ReadonlyMap<Id, ArrayLike<number>>): ItemSimilarity {
  requireMap(fn, 'itemVectors', vectors);
  const cache = new Map<Id, { v: ArrayLike<number>; norm: number }>();
  let dim = -1;
  let dimItem: Id = '';
  const entry = (id: Id): { v: ArrayLike<number>; norm: number } => {
    let e = cache.get(id);
    if (e !== undefined) return e;
    const v = vectors.get(id) as unknown;
    if (v === undefined) unknownItem(fn, 'itemVectors', id);
    if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
      throw new ValidationError('E_SHAPE', `${fn}: the vector of item ${JSON.stringify(id)} must be a list or typed array of numbers.`, { source: fn, field: 'itemVectors' });
    }
    const vec = v as ArrayLike<number>;
    if (vec.length === 0) {
      throw new ValidationError('E_EMPTY', `${fn}: the vector of item ${JSON.stringify(id)} is empty.`, { source: fn, field: 'itemVectors' });
    }
    if (dim < 0) {
      dim = vec.length;
      dimItem = id;
    } else if (vec.length !== dim) {
      throw new ValidationError('E_LENGTH', `${fn}: the vector of item ${JSON.stringify(id)} has ${vec.length} values but that of item ${JSON.stringify(dimItem)} has ${dim}; all vectors need one length.`, { source: fn, field: 'itemVectors' });
    }
    let ss = 0;
    for (let d = 0; d < vec.length; d++) {
      const x = vec[d] as number;
      requireFinite(fn, 'itemVectors', x, d);
      ss += x * x;
    }
    e = { v: vec, norm: Math.sqrt(ss) };
    cache.set(id, e);
    return e;
  };
  return (a, b) => {
    const A = entry(a);
    const B = entry(b);
    if (A.norm === 0 || B.norm === 0) return 0;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += (A.v[d] as number) * (B.v[d] as number);
    const c = dot / (A.norm * B.norm);
    return c > 1 ? 1 : c < -1 ? -1 : c;
  };
}
