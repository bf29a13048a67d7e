import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { topItems } from './topItems';
import { requirePositiveIntegerOption } from './validation';
import type { Id } from './validation';

/** Options of {@link personalization}. */
export interface PersonalizationOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
}

const DEFAULTS: Readonly<Required<PersonalizationOptions>> = Object.freeze({ k: Infinity });

/**
 * Personalization (inter-list diversity): 1 minus the mean, over all pairs
 * of users, of the cosine similarity of their lists as sets,
 * `|L_u ∩ L_v| / √(|L_u|·|L_v|)`. When every list has the same length L this
 * is the mean Hamming distance `1 − |L_u ∩ L_v| / L` of Zhou et al. (2010,
 * PNAS 107:4511); the cosine form for lists of any length is the
 * `personalization` of the recmetrics Python package. 0: everyone gets
 * the same list; 1: no two users share an item. Users with an empty list
 * are left out.
 *
 * The pair sum is gathered per item (Σ over items of the pairs of users that
 * share it, from Σ 1/√|L_u| and Σ 1/|L_u| over its users), so it costs
 * O(Σ_u min(k, |list_u|)), not O(users²).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param options - `k` (default `Infinity`)
 * @throws `ValidationError` `E_EMPTY` (fewer than two users with a non-empty list),
 *   `E_DUPLICATE`, `E_SHAPE`, `E_NAN`, `E_ID` (an Arrow null too), `E_ARROW_TYPE` (an Arrow id
 *   column that is not text or integers), `E_COLUMN` (an Arrow table without `userId` or `itemId`);
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { personalization } from '@marksman/metrics';
 * personalization([['a', 'b'], ['a', 'b'], ['a', 'b']]); // => 0
 * personalization([['a', 'b'], ['c', 'd']]); // => 1
 * // Pairs: 1–2 share a (cosine 1/2), 1–3 and 2–3 share nothing → 1 − (1/2)/3.
 * personalization([['a', 'b'], ['a', 'c'], ['d', 'e']]).toFixed(4); // => '0.8333'
 * ```
 */
export function personalization(recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable, options?: PersonalizationOptions): number {
  const source = 'personalization';
  const { k } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  const recommendedByUser = perUserArg(source, recommended);
  // Per item: s = Σ_u 1/√n_u and t = Σ_u 1/n_u over the users whose list holds it;
  // Σ over pairs u < v of 1/√(n_u n_v) is then (s² − t)/2.
  const s = new Map<Id, number>();
  const t = new Map<Id, number>();
  let users = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    const items = topItems(source, list, k, user);
    const n = items.length;
    if (n === 0) continue;
    users++;
    const w = 1 / Math.sqrt(n);
    for (const id of items) {
      s.set(id, (s.get(id) ?? 0) + w);
      t.set(id, (t.get(id) ?? 0) + 1 / n);
    }
  }
  if (users < 2) {
    throw new ValidationError('E_EMPTY', `${source}: it compares users' lists in pairs, so it needs at least two users with a non-empty list (got ${users}).`, { source, field: 'recommended' });
  }
  let pairSum = 0;
  for (const [id, si] of s) pairSum += (si * si - (t.get(id) as number)) / 2;
  const pairs = (users * (users - 1)) / 2;
  const mean = pairSum / pairs;
  return Math.min(1, Math.max(0, 1 - mean));
}
