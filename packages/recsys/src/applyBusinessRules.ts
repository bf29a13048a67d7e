import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { checkId } from './checks';
import { checkK } from './recommender';
import type { Recommendation } from './recommender';
import { minMaxRelevance, readCandidates } from './rerankInput';

/** Business rules for {@link applyBusinessRules}; every rule is optional. */
export interface BusinessRules {
  /** Length of the final list (an integer ≥ 1). Default 10. */
  readonly k: number;
  /** Items never to show: already bought, returned, blocked, in the basket. */
  readonly exclude: readonly Id[] | ReadonlySet<Id> | undefined;
  /** What may be shown: a Set of items in stock, or a function that returns `true` for them (anything else drops the item). */
  readonly inStock: ReadonlySet<Id> | ((itemId: Id) => boolean) | undefined;
  /**
   * A bonus per item (margin, promotion, freshness) added to its relevance,
   * the score min-max normalised over the candidates that pass the filters
   * (in [0, 1]; all 1 when the scores are equal), so a boost of 0.1 is a tenth
   * of the list's score range whatever the model. Items without one get 0.
   * When set, the list is re-sorted by relevance + boost and each returned
   * score is that sum.
   */
  readonly boost: ReadonlyMap<Id, number> | ((itemId: Id) => number) | undefined;
  /** The category (brand, genre, supplier) of each item, for `maxPerCategory`; items without one are not capped. */
  readonly itemCategory: ReadonlyMap<Id, Id> | ((itemId: Id) => Id | undefined) | undefined;
  /** At most this many items of one category in the list (an integer ≥ 1); needs `itemCategory`. */
  readonly maxPerCategory: number | undefined;
}

const DEFAULTS: BusinessRules = Object.freeze({
  k: 10,
  exclude: undefined,
  inStock: undefined,
  boost: undefined,
  itemCategory: undefined,
  maxPerCategory: undefined,
});

/**
 * Applies merchandising rules to a model's candidates, in this order: drop
 * `exclude`d items (already bought), drop items not `inStock`, add `boost`
 * (margin or promotion weighting; re-sorts, ties keep the input order), then
 * walk the list keeping at most `maxPerCategory` items per category, until k
 * items are kept. Without `boost` the input order is kept and scores are
 * unchanged, so the rules can follow a list-wise re-ranker such as
 * `mmrRerank`; with `boost`, apply them first. The input is not changed.
 *
 * Costs O(n log n) for n candidates with `boost`, O(n) without.
 *
 * @param candidates - a model's candidates, best first
 * @param rules - `k` (default 10), `exclude`, `inStock`, `boost`, `itemCategory` with `maxPerCategory`
 * @returns at most k of the candidates
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`,
 *   `E_DUPLICATE` (bad candidates, with the row), `E_NUMBER` (a boost that is not a finite number,
 *   field `boost`); `OptionsError` `E_K`, `E_OPTION_TYPE` (a rule of the wrong kind),
 *   `E_OPTION_RANGE` (maxPerCategory), `E_OPTION_MISSING` (maxPerCategory without itemCategory,
 *   or itemCategory without maxPerCategory), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { applyBusinessRules } from '@marksman/recsys';
 * const candidates = [
 *   { itemId: 'tent', score: 0.9 }, { itemId: 'stove', score: 0.8 }, { itemId: 'mat', score: 0.7 },
 *   { itemId: 'lamp', score: 0.6 }, { itemId: 'mug', score: 0.5 },
 * ];
 * const rules = { k: 3, exclude: ['tent'], inStock: new Set(['stove', 'mat', 'lamp', 'mug']) };
 * applyBusinessRules(candidates, rules).map((r) => r.itemId); // => ['stove', 'mat', 'lamp']
 * const category = new Map([['stove', 'cooking'], ['mug', 'cooking'], ['mat', 'sleeping'], ['lamp', 'light']]);
 * applyBusinessRules(candidates, { k: 3, itemCategory: category, maxPerCategory: 1 }).map((r) => r.itemId); // => ['tent', 'stove', 'mat']
 * const margin = new Map([['mug', 0.8]]); // a bonus worth 80 % of the score range
 * applyBusinessRules(candidates, { k: 2, boost: margin }); // => [{ itemId: 'tent', score: 1 }, { itemId: 'mug', score: 0.8 }]
 * applyBusinessRules(candidates, { maxPerCategory: 2 }); // throws E_OPTION_MISSING
 * ```
 */
export function applyBusinessRules(candidates: readonly Recommendation[], rules?: Partial<BusinessRules>): Recommendation[] {
  const source = 'applyBusinessRules';
  const o = resolveOptions(source, DEFAULTS, rules);
  const k = checkK(source, o.k);
  const excluded = readExclude(source, o.exclude);
  const inStock = o.inStock;
  if (inStock !== undefined && !(inStock instanceof Set) && typeof inStock !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: inStock must be a Set of item ids or a function (itemId) => boolean.`, { source, field: 'inStock' });
  }
  const boost = o.boost;
  if (boost !== undefined && !(boost instanceof Map) && typeof boost !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: boost must be a Map from item id to a number or a function (itemId) => number.`, { source, field: 'boost' });
  }
  const category = o.itemCategory;
  if (category !== undefined && !(category instanceof Map) && typeof category !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: itemCategory must be a Map from item id to category or a function (itemId) => category.`, { source, field: 'itemCategory' });
  }
  const cap = o.maxPerCategory;
  if (cap !== undefined && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: maxPerCategory must be an integer ≥ 1, got ${String(cap)}.`, { source, field: 'maxPerCategory' });
  }
  if ((cap === undefined) !== (category === undefined)) {
    const [given, missing] = cap === undefined ? ['itemCategory', 'maxPerCategory'] : ['maxPerCategory', 'itemCategory'];
    throw new OptionsError('E_OPTION_MISSING', `${source}: ${given} needs ${missing}; give both to cap how many items of one category the list holds.`, { source, field: missing });
  }
  const c = readCandidates(source, candidates);

  // Filters, in input order.
  let keep: number[] = [];
  for (let i = 0; i < c.ids.length; i++) {
    const id = c.ids[i]!;
    if (excluded !== null && excluded.has(id)) continue;
    if (inStock !== undefined && !(inStock instanceof Set ? inStock.has(id) : inStock(id) === true)) continue;
    keep.push(i);
  }
  // Boost: relevance over the kept items plus the bonus; stable sort.
  let scores: Float64Array = c.scores;
  if (boost !== undefined) {
    const rel = minMaxRelevance(Float64Array.from(keep, (i) => c.scores[i]!));
    scores = new Float64Array(c.ids.length);
    keep.forEach((i, t) => {
      const id = c.ids[i]!;
      const b = boost instanceof Map ? (boost.get(id) ?? 0) : boost(id);
      if (typeof b !== 'number' || !Number.isFinite(b)) {
        throw new ValidationError('E_NUMBER', `${source}: the boost of item ${JSON.stringify(id)} is ${String(b)}; boosts must be finite numbers.`, { source, field: 'boost', row: i });
      }
      scores[i] = rel[t]! + b;
    });
    keep = keep.map((i, t) => [i, t] as const).sort((a, b) => scores[b[0]]! - scores[a[0]]! || a[1] - b[1]).map(([i]) => i);
  }
  // Category caps, then the cut-off.
  const out: Recommendation[] = [];
  const perCategory = new Map<Id, number>();
  for (const i of keep) {
    if (out.length === k) break;
    const id = c.ids[i]!;
    if (category !== undefined) {
      const g = category instanceof Map ? category.get(id) : category(id);
      if (g !== undefined) {
        const used = perCategory.get(g) ?? 0;
        if (used >= (cap as number)) continue;
        perCategory.set(g, used + 1);
      }
    }
    out.push({ itemId: id, score: scores[i]! });
  }
  return out;
}

function readExclude(source: string, exclude: readonly Id[] | ReadonlySet<Id> | undefined): ReadonlySet<Id> | null {
  if (exclude === undefined) return null;
  if (exclude instanceof Set) return exclude;
  if (Array.isArray(exclude)) return new Set(exclude.map((id, t) => checkId(source, id, 'exclude', t)));
  throw new OptionsError('E_OPTION_TYPE', `${source}: exclude must be a list or a Set of item ids.`, { source, field: 'exclude' });
}
