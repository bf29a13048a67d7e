import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { itemNumbersArg } from './arrowTableInput';
import { requireFinite, requireId } from './validation';
import type { Id } from './validation';

/** Options of {@link longTailItems}. */
export interface LongTailItemsOptions {
  /** Share of the catalogue's items, the most popular, that form the short head; default 0.2. */
  readonly headShare?: number;
}

const DEFAULTS: Readonly<Required<LongTailItemsOptions>> = Object.freeze({ headShare: 0.2 });

/**
 * The long tail of a catalogue: every item outside the short head, where the
 * short head is the ⌈headShare · n⌉ most popular of the n catalogue items
 * (the top 20 % by default, as in Abdollahpouri, Burke & Mobasher 2019).
 * Ties at the boundary all join the head: an item is in the head when fewer
 * than ⌈headShare · n⌉ items are strictly more popular, so the split does
 * not depend on the order of the map. Items with popularity 0 are in the
 * tail (unless `headShare` is 1).
 *
 * Costs O(n log n).
 *
 * @param popularity - the catalogue: training interaction count per item (include items with 0):
 *   a Map, or an Arrow table of `itemId`, `count` rows (one per item)
 * @param options - `headShare` in [0, 1] (default 0.2)
 * @returns the ids of the long-tail items
 * @throws `ValidationError` `E_EMPTY` (empty map), `E_RANGE` (a negative count), `E_SHAPE`
 *   (not a Map), `E_NAN`, `E_NOT_FINITE`, `E_ID` (an Arrow null too, with its row), `E_DUPLICATE`
 *   (an item on two rows of a table), `E_ARROW_TYPE` (an Arrow id column that is not text or integers, or a numeric column that is
 *   not numbers), `E_COLUMN` (an Arrow table without a needed column); `OptionsError` `E_OPTION_RANGE` (`headShare`
 *   outside [0, 1]), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { longTailItems } from '@marksman/metrics';
 * const popularity = new Map([['a', 50], ['b', 30], ['c', 30], ['d', 4], ['e', 1], ['f', 0], ['g', 0], ['h', 2], ['i', 1], ['j', 1]]);
 * [...longTailItems(popularity)]; // => ['d', 'e', 'f', 'g', 'h', 'i', 'j'] (head: a, and b and c tied for second)
 * [...longTailItems(popularity, { headShare: 0.1 })]; // => ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']
 * ```
 */
export function longTailItems(popularity: ReadonlyMap<number | string, number> | ArrowLikeTable, options?: LongTailItemsOptions): Set<number | string> {
  const source = 'longTailItems';
  const { headShare } = resolveOptions(source, DEFAULTS, options);
  if (typeof headShare !== 'number' || !(headShare >= 0 && headShare <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: headShare must be a number in [0, 1], got ${String(headShare)}.`, { source, field: 'headShare' });
  }
  const popularityMap = itemNumbersArg(source, popularity, 'count');
  if (!(popularityMap instanceof Map)) {
    throw new ValidationError('E_SHAPE', `${source}: popularity must be a Map from item id to interaction count.`, { source, field: 'popularity' });
  }
  if (popularityMap.size === 0) throw new ValidationError('E_EMPTY', `${source}: the popularity map is empty; give a count for every catalogue item.`, { source, field: 'popularity' });
  const counts: number[] = [];
  for (const [id, c] of popularityMap) {
    requireId(source, 'popularity', id);
    requireFinite(source, 'popularity', c);
    if (c < 0) throw new ValidationError('E_RANGE', `${source}: popularity of item ${JSON.stringify(id)} is ${c}; counts must be ≥ 0.`, { source, field: 'popularity' });
    counts.push(c);
  }
  // toPrecision keeps 0.2 · 15 (3.0000000000000004 in floating point) at 3.
  const h = Math.ceil(Number((headShare * popularityMap.size).toPrecision(12)));
  const tail = new Set<Id>();
  if (h === 0) {
    for (const id of popularityMap.keys()) tail.add(id);
    return tail;
  }
  // The h-th largest count: items at or above it are in the head.
  const threshold = counts.sort((a, b) => b - a)[h - 1] as number;
  for (const [id, c] of popularityMap) if (c < threshold) tail.add(id);
  return tail;
}
