import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { idListArg, perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { topItems } from './topItems';
import { requireId, requirePositiveIntegerOption } from './validation';
import type { Id } from './validation';

/** How one appearance in a list counts towards an item's exposure in {@link giniOfExposure}. */
export type ExposureWeighting = 'uniform' | 'dcg';

/** Options of {@link giniOfExposure}. */
export interface GiniOfExposureOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
  /**
   * `'uniform'` (default): every appearance counts 1. `'dcg'`: an appearance
   * at 0-based position j counts 1 / log2(j + 2), the NDCG discount, so the
   * top of a list weighs more (exposure as users' attention, Singh &
   * Joachims 2018).
   */
  readonly weighting?: ExposureWeighting;
}

const DEFAULTS: Readonly<Required<GiniOfExposureOptions>> = Object.freeze({ k: Infinity, weighting: 'uniform' });

/**
 * Gini index of item exposure across users' lists: how unequally the
 * recommender spreads its slots over the catalogue. An item's exposure is the
 * number of lists it appears in (within the first k; position-weighted with
 * `weighting: 'dcg'`), and items of the catalogue that no list shows count
 * with exposure 0. With exposures sorted ascending, x₍₁₎ ≤ … ≤ x₍ₙ₎ over the
 * n catalogue items,
 * `G = Σᵢ (2i − n − 1) · x₍ᵢ₎ / (n · Σᵢ xᵢ)`:
 * 0 when every item gets the same exposure, (n − 1)/n when one item gets it
 * all. This is RecBole's `GiniIndex` (Zhao et al. 2021); RankSys and Elliot
 * divide by n − 1 instead of n (their value is this one times n/(n − 1)),
 * and RankSys reports 1 minus it as diversity. Unlike catalogue coverage it
 * tells lists that show a few items to everyone and the rest once apart
 * from an even spread.
 *
 * Costs O(Σ_u min(k, |list_u|) + n log n).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param catalogue - the catalogue: its item ids (every recommended item must be among them; a
 *   list, a Set or an Arrow vector of ids), or just its size n (items never recommended then count as n minus the distinct recommended)
 * @param options - `k` (default `Infinity`), `weighting` (default `'uniform'`)
 * @throws `ValidationError` `E_UNKNOWN_ITEM` (a recommended item not in the catalogue),
 *   `E_RANGE` (a catalogue size that is not an integer from 1 to 2^53 − 1, or smaller than the number
 *   of distinct recommended items), `E_EMPTY` (empty catalogue, or no list holds an item),
 *   `E_DUPLICATE` (an item twice in one list), `E_SHAPE`, `E_NAN`, `E_ID` (an Arrow null too),
 *   `E_ARROW_TYPE` (an Arrow id column that is not text or integers), `E_COLUMN` (an Arrow table without a needed column);
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_VALUE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { giniOfExposure } from '@marksman/metrics';
 * // Exposures a: 2, b: 1, c: 1, d: 0 over a catalogue of four items.
 * giniOfExposure([['a', 'b'], ['a', 'c']], ['a', 'b', 'c', 'd']); // => 0.375
 * giniOfExposure([['a', 'b'], ['b', 'a']], 2); // => 0 (equal exposure)
 * giniOfExposure([['a'], ['a'], ['a']], 4); // => 0.75 (one item takes it all: (n − 1)/n)
 * giniOfExposure([['a', 'b'], ['a', 'c']], 4, { weighting: 'dcg' }).toFixed(4); // => '0.4599'
 * ```
 */
export function giniOfExposure(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  catalogue: number | ArrayLike<number | string> | ReadonlySet<number | string> | ArrowLikeVector,
  options?: GiniOfExposureOptions,
): number {
  const source = 'giniOfExposure';
  const { k, weighting } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  const recommendedByUser = perUserArg(source, recommended);
  const catalogueIds = idListArg(source, 'catalogue', catalogue) as number | ArrayLike<number | string> | ReadonlySet<number | string>;
  if (weighting !== 'uniform' && weighting !== 'dcg') {
    throw new OptionsError('E_OPTION_VALUE', `${source}: weighting must be 'uniform' or 'dcg', got ${JSON.stringify(weighting)}.`, { source, field: 'weighting' });
  }
  const known = readCatalogue(source, catalogueIds);
  const exposure = new Map<Id, number>();
  let total = 0;
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    const items = topItems(source, list, k, user);
    for (let j = 0; j < items.length; j++) {
      const id = items[j] as Id;
      if (known.ids !== null && !known.ids.has(id)) {
        throw new ValidationError('E_UNKNOWN_ITEM', `${source}: item ${JSON.stringify(id)} recommended to user ${JSON.stringify(user)} is not in the catalogue.`, { source, field: 'recommended', row: j });
      }
      const w = weighting === 'uniform' ? 1 : 1 / Math.log2(j + 2);
      exposure.set(id, (exposure.get(id) ?? 0) + w);
      total += w;
    }
  }
  if (exposure.size > known.size) {
    throw new ValidationError('E_RANGE', `${source}: ${exposure.size} distinct items were recommended but the catalogue size is ${known.size}.`, { source, field: 'catalogue' });
  }
  if (total === 0) {
    throw new ValidationError('E_EMPTY', `${source}: no list holds an item, so exposure is undefined.`, { source, field: 'recommended' });
  }
  // Zero-exposure items take the first n − |exposed| places of the ascending order.
  const n = known.size;
  const shown = Float64Array.from(exposure.values()).sort();
  const offset = n - shown.length;
  let weighted = 0;
  for (let t = 0; t < shown.length; t++) weighted += (2 * (offset + t + 1) - n - 1) * (shown[t] as number);
  return weighted / (n * total);
}

/** The catalogue as a set of ids (null when only its size is known) and its size. */
function readCatalogue(source: string, catalogue: number | ArrayLike<number | string> | ReadonlySet<number | string>): { ids: ReadonlySet<Id> | null; size: number } {
  if (typeof catalogue === 'number') {
    // Beyond 2^53 − 1 the size has no exact integer form and the Gini sums overflow.
    if (!Number.isSafeInteger(catalogue) || catalogue < 1) {
      throw new ValidationError('E_RANGE', `${source}: the catalogue size must be an integer from 1 to 2^53 − 1, got ${catalogue}.`, { source, field: 'catalogue' });
    }
    return { ids: null, size: catalogue };
  }
  if (catalogue === null || typeof catalogue !== 'object') {
    throw new ValidationError('E_SHAPE', `${source}: the catalogue must be a list or Set of item ids, or its size.`, { source, field: 'catalogue' });
  }
  const set = new Set<Id>();
  if (catalogue instanceof Set) {
    for (const id of catalogue as ReadonlySet<unknown>) {
      requireId(source, 'catalogue', id);
      set.add(id);
    }
  } else {
    const list = catalogue as ArrayLike<unknown>;
    for (let i = 0; i < list.length; i++) {
      const id = list[i];
      requireId(source, 'catalogue', id, i);
      set.add(id);
    }
  }
  if (set.size === 0) throw new ValidationError('E_EMPTY', `${source}: the catalogue is empty.`, { source, field: 'catalogue' });
  return { ids: set, size: set.size };
}
