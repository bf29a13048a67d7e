import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { itemLabelsArg, perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { topItems } from './topItems';
import { requireId, requirePositiveIntegerOption } from './validation';
import type { Id } from './validation';

/** Options of {@link miscalibration}. */
export interface MiscalibrationOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
  /** Smoothing of the list's distribution towards the history's, q̃ = (1 − α)·q + α·p; default 0.01 (Steck 2018). Must lie in (0, 1]. */
  readonly alpha?: number;
}

const DEFAULTS: Readonly<Required<MiscalibrationOptions>> = Object.freeze({ k: Infinity, alpha: 0.01 });

/**
 * Miscalibration C_KL of Steck (2018, "Calibrated recommendations", RecSys):
 * how far the category mix of each user's list is from the mix of what the
 * user interacted with. Each item spreads one unit of mass evenly over its
 * categories, p(g|i) = 1/|G(i)|; the history's distribution is
 * p(g|u) = mean over the history of p(g|i) (a repeated history item counts
 * each time), the list's q(g|u) = mean over the first k items of p(g|i)
 * (equal rank weights). Then `C_KL = Σ_g p(g|u) · ln(p(g|u) / q̃(g|u))` with
 * q̃ = (1 − α)·q + α·p, in nats, averaged over users that have both a
 * history and a non-empty list. 0: the list mirrors the history's mix.
 *
 * Costs O(Σ_u (|history_u| + k) · categories per item).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param history - the items each user interacted with (training data), keyed the same way
 *   (a Map by user id, an array with user i at index i, or an Arrow table of `userId`, `itemId`
 *   rows; with one Arrow table give the other argument as a Map or a table)
 * @param itemCategories - the categories (genres) of every item that appears in a list or a history:
 *   a Map, or an Arrow table of `itemId`, `category` rows (one row per item and category)
 * @param options - `k` (default `Infinity`), `alpha` (default 0.01)
 * @throws `ValidationError` `E_UNKNOWN_ITEM` (an item without categories), `E_EMPTY` (an item
 *   with an empty category list, or no user with both a history and a list), `E_SHAPE` (one
 *   Map and one array, or a bad list), `E_DUPLICATE`, `E_NAN`, `E_ID` (an Arrow null too),
 *   `E_ARROW_TYPE` (an Arrow id column that is not text or integers), `E_COLUMN` (an Arrow table
 *   without a needed column); `OptionsError`
 *   `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { miscalibration } from '@marksman/metrics';
 * const genre = new Map([['a1', ['Action']], ['a2', ['Action']], ['a3', ['Action']], ['d1', ['Drama']], ['d2', ['Drama']]]);
 * const history = [['a1', 'a2', 'a3', 'd1']]; // p = 3/4 Action, 1/4 Drama
 * miscalibration([['a2', 'd2']], history, genre).toFixed(4); // => '0.1283'
 * miscalibration([['a1', 'a2']], history, genre).toFixed(4); // => '0.9374' (no drama at all)
 * miscalibration([['a1', 'a2', 'a3', 'd1']], history, genre); // => 0
 * ```
 */
export function miscalibration(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  history: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  itemCategories: ReadonlyMap<number | string, ArrayLike<number | string> | ReadonlySet<number | string>> | ArrowLikeTable,
  options?: MiscalibrationOptions,
): number {
  const source = 'miscalibration';
  const { k, alpha } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: alpha must lie in (0, 1], got ${String(alpha)}; with 0 a category missing from the list makes the divergence infinite.`, { source, field: 'alpha' });
  }
  const recommendedByUser = perUserArg(source, recommended);
  const historyByUser = perUserArg(source, history);
  const categoriesByItem = itemLabelsArg(source, itemCategories, 'category');
  if (!(categoriesByItem instanceof Map)) {
    throw new ValidationError('E_SHAPE', `${source}: itemCategories must be a Map from item id to a list or Set of categories.`, { source, field: 'itemCategories' });
  }
  const recIsMap = recommendedByUser instanceof Map;
  if (recIsMap !== historyByUser instanceof Map) {
    throw new ValidationError('E_SHAPE', `${source}: give both recommended and history as Maps keyed by user id, or both as arrays (user i at index i).`, { source, field: 'history' });
  }
  const histByUser = new Map<Id, ArrayLike<unknown>>(perUserEntries(source, 'history', historyByUser));
  const categories = categoryReader(source, categoriesByItem);
  let sum = 0;
  let users = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    const items = topItems(source, list, k, user);
    const hist = histByUser.get(user);
    if (items.length === 0 || hist === undefined) continue;
    if (hist === null || typeof hist !== 'object' || typeof hist.length !== 'number') {
      throw new ValidationError('E_SHAPE', `${source}: the history of user ${JSON.stringify(user)} must be a list of item ids.`, { source, field: 'history' });
    }
    if (hist.length === 0) continue;
    const p = new Map<Id, number>();
    for (let t = 0; t < hist.length; t++) {
      const id = hist[t];
      requireId(source, 'history', id, t);
      addItem(p, categories(id, 'history'), 1 / hist.length);
    }
    const q = new Map<Id, number>();
    for (const id of items) addItem(q, categories(id, 'recommended'), 1 / items.length);
    let kl = 0;
    for (const [g, pg] of p) kl += pg * Math.log(pg / ((1 - alpha) * (q.get(g) ?? 0) + alpha * pg));
    sum += kl;
    users++;
  }
  if (users === 0) {
    throw new ValidationError('E_EMPTY', `${source}: no user has both a history and a recommended item.`, { source, field: 'recommended' });
  }
  return sum / users;
}

/** Adds one item's categories, each with mass weight / |categories|. */
function addItem(dist: Map<Id, number>, cats: readonly Id[], weight: number): void {
  const w = weight / cats.length;
  for (const g of cats) dist.set(g, (dist.get(g) ?? 0) + w);
}

/** Validated, deduplicated categories of an item, cached. */
function categoryReader(source: string, itemCategories: ReadonlyMap<Id, ArrayLike<Id> | ReadonlySet<Id>>): (id: Id, field: string) => readonly Id[] {
  const cache = new Map<Id, readonly Id[]>();
  return (id, field) => {
    let c = cache.get(id);
    if (c !== undefined) return c;
    const raw = itemCategories.get(id) as unknown;
    if (raw === undefined) {
      throw new ValidationError('E_UNKNOWN_ITEM', `${source}: item ${JSON.stringify(id)} (in ${field}) has no entry in itemCategories.`, { source, field: 'itemCategories' });
    }
    let list: Iterable<unknown>;
    if (raw instanceof Set) list = raw as ReadonlySet<unknown>;
    else if (raw !== null && typeof raw === 'object' && typeof (raw as ArrayLike<unknown>).length === 'number') list = Array.from(raw as ArrayLike<unknown>);
    else throw new ValidationError('E_SHAPE', `${source}: the categories of item ${JSON.stringify(id)} must be a list or a Set.`, { source, field: 'itemCategories' });
    const set = new Set<Id>();
    for (const g of list) {
      requireId(source, 'itemCategories', g);
      set.add(g);
    }
    if (set.size === 0) {
      throw new ValidationError('E_EMPTY', `${source}: item ${JSON.stringify(id)} has no category, so it has no place in the category distribution.`, { source, field: 'itemCategories' });
    }
    c = [...set];
    cache.set(id, c);
    return c;
  };
}
