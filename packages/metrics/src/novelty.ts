import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { itemNumbersArg, perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { isList, requireFinite, requireFiniteResult, requireId, requirePositiveIntegerOption } from './validation';

/** Options of {@link novelty}. */
export interface NoveltyOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
  /**
   * Denominator of the popularity share. `null` (default): the total of all
   * popularity counts, so p(i) is item i's share of all interactions. A
   * number U: p(i) = count(i) / U, the share of U users who interacted with i
   * (Zhou et al. 2010); every count must then be ≤ U.
   */
  readonly users?: number | null;
}

const DEFAULTS: Readonly<Required<NoveltyOptions>> = Object.freeze({ k: Infinity, users: null });

/**
 * Novelty of recommendations as mean self-information (Zhou et al. 2010,
 * PNAS 107:4511; Vargas & Castells 2011): for each user, the mean over the
 * first k recommended items of `−log2 p(i)`, where p(i) is item i's
 * popularity share in the training data (see `options.users`); then the mean
 * over users whose list is non-empty. Higher means less popular (more novel)
 * items. In bits.
 *
 * Costs O(Σ_u min(k, |list_u|) + |popularity|).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param popularity - training interaction count per item (e.g. number of users who bought it):
 *   a Map, or an Arrow table of `itemId`, `count` rows (one per item)
 * @param options - `k` (default `Infinity`), `users` (default `null`: share of all interactions)
 * @throws `ValidationError` `E_UNKNOWN_ITEM` (a recommended item with no positive popularity:
 *   its self-information would be infinite), `E_RANGE` (a negative count, or a count above
 *   `users`), `E_EMPTY` (no user has a recommendation), `E_SHAPE` (popularity not a Map, a user's
 *   recommendations not a list), `E_OVERFLOW` (counts adding up beyond the largest double), `E_NAN`, `E_ID`
 *   (an Arrow null too, with its row), `E_DUPLICATE` (an item on two rows of a popularity table),
 *   `E_ARROW_TYPE` (an Arrow id column that is not text or integers, or a numeric column that is
 *   not numbers), `E_COLUMN` (an Arrow table without a needed column);
 *   `OptionsError` `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { novelty } from '@marksman/metrics';
 * const popularity = new Map([['a', 6], ['b', 1], ['c', 1]]); // shares 3/4, 1/8, 1/8
 * novelty([['b'], ['c']], popularity); // => 3
 * novelty([['a', 'b']], popularity, { users: 8 }).toFixed(4); // => '1.7075'
 * ```
 */
export function novelty(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  popularity: ReadonlyMap<number | string, number> | ArrowLikeTable,
  options?: NoveltyOptions,
): number {
  const source = 'novelty';
  const { k, users } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  if (users !== null) requirePositiveIntegerOption(source, 'users', users);
  const recommendedByUser = perUserArg(source, recommended);
  const popularityMap = itemNumbersArg(source, popularity, 'count');
  if (!(popularityMap instanceof Map)) {
    throw new ValidationError('E_SHAPE', `${source}: popularity must be a Map from item id to interaction count, got ${popularityMap === null ? 'null' : Array.isArray(popularityMap) ? 'an array' : typeof popularityMap}.`, { source, field: 'popularity' });
  }
  let total = 0;
  for (const [id, count] of popularityMap) {
    requireId(source, 'popularity', id);
    requireFinite(source, 'popularity', count);
    if (count < 0 || (users !== null && count > users)) {
      throw new ValidationError('E_RANGE', `${source}: popularity of item ${JSON.stringify(id)} is ${count}; counts must be ≥ 0${users !== null ? ` and ≤ users (${users})` : ''}.`, { source, field: 'popularity' });
    }
    total += count;
  }
  requireFiniteResult(source, 'popularity', total);
  const denominator = users ?? total;
  const logDen = Math.log2(denominator);
  let sum = 0;
  let n = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    if (!isList(list)) {
      throw new ValidationError('E_SHAPE', `${source}: the recommendations of user ${JSON.stringify(user)} must be a list of ids, got ${list === null ? 'null' : typeof list}.`, { source, field: 'recommended' });
    }
    const m = Math.min(k, list.length);
    if (m === 0) continue;
    let s = 0;
    for (let j = 0; j < m; j++) {
      const id = list[j];
      requireId(source, 'recommended', id, j);
      const c = popularityMap.get(id);
      if (c === undefined || c <= 0) {
        throw new ValidationError('E_UNKNOWN_ITEM', `${source}: item ${JSON.stringify(id)} recommended to user ${JSON.stringify(user)} has no positive popularity count, so its self-information is infinite; give it a count (e.g. add-one smoothing).`, { source, field: 'recommended', row: j });
      }
      s += logDen - Math.log2(c);
    }
    sum += s / m;
    n++;
  }
  if (n === 0) throw new ValidationError('E_EMPTY', `${source}: no user has a recommended item.`, { source, field: 'recommended' });
  return sum / n;
}
