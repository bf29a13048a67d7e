import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector, resolveOptions } from '@marksman/core/internal';
import { perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { topItems } from './topItems';
import { requireId, requirePositiveIntegerOption } from './validation';

/** Options of {@link longTailShare}. */
export interface LongTailShareOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
}

const DEFAULTS: Readonly<Required<LongTailShareOptions>> = Object.freeze({ k: Infinity });

/**
 * Average percentage of long-tail items (APLT, Abdollahpouri, Burke &
 * Mobasher 2017, 2019): for each user, the share of the first k recommended
 * items that lie in the long tail; then the mean over users with a non-empty
 * list. Build the tail with {@link longTailItems} from training popularity.
 *
 * Costs O(Σ_u min(k, |list_u|)).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param longTail - the long-tail item ids (e.g. from `longTailItems`): a Set, or an Arrow vector of ids
 * @param options - `k` (default `Infinity`)
 * @throws `ValidationError` `E_EMPTY` (no user has a recommendation), `E_SHAPE` (longTail not a
 *   Set), `E_DUPLICATE`, `E_NAN`, `E_ID` (an Arrow null too), `E_ARROW_TYPE` (an Arrow id column that is not text or integers, or a numeric column that is
 *   not numbers), `E_COLUMN` (an Arrow table without a needed column);
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { longTailItems, longTailShare } from '@marksman/metrics';
 * const tail = longTailItems(new Map([['hit', 90], ['indie', 3], ['cult', 2], ['rare', 1], ['lost', 0]]));
 * longTailShare([['hit', 'indie'], ['cult', 'rare'], []], tail); // => 0.75 (1/2 and 2/2; the empty list is left out)
 * ```
 */
export function longTailShare(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  longTail: ReadonlySet<number | string> | ArrowLikeVector,
  options?: LongTailShareOptions,
): number {
  const source = 'longTailShare';
  const { k } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  const recommendedByUser = perUserArg(source, recommended);
  let longTailSet = longTail;
  if (isArrowVector(longTail)) {
    const list = arrowVectorValues(source, 'longTail', longTail, 'id');
    for (let i = 0; i < list.length; i++) requireId(source, 'longTail', list[i], i);
    longTailSet = new Set(Array.from(list as ArrayLike<number | string>));
  }
  if (!(longTailSet instanceof Set)) {
    throw new ValidationError('E_SHAPE', `${source}: longTail must be a Set of item ids (longTailItems builds one).`, { source, field: 'longTail' });
  }
  for (const id of longTailSet as ReadonlySet<unknown>) requireId(source, 'longTail', id);
  let sum = 0;
  let users = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    const items = topItems(source, list, k, user);
    if (items.length === 0) continue;
    let inTail = 0;
    for (const id of items) if (longTailSet.has(id)) inTail++;
    sum += inTail / items.length;
    users++;
  }
  if (users === 0) throw new ValidationError('E_EMPTY', `${source}: no user has a recommended item.`, { source, field: 'recommended' });
  return sum / users;
}
