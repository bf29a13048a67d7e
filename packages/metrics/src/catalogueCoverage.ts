import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { idListArg, perUserArg } from './arrowTableInput';
import { perUserEntries } from './perUser';
import type { PerUser } from './perUser';
import { isList, requireId, requirePositiveIntegerOption } from './validation';
import type { Id } from './validation';

/** Options of {@link catalogueCoverage}. */
export interface CatalogueCoverageOptions {
  /** Only the first k items of each list count; default `Infinity` (whole lists). */
  readonly k?: number;
}

const DEFAULTS: Readonly<Required<CatalogueCoverageOptions>> = Object.freeze({ k: Infinity });

/**
 * Catalogue coverage (aggregate diversity): the share of the catalogue that
 * appears in at least one user's top-k list, `|∪_u top_k(u)| / |catalogue|`.
 *
 * Costs O(Σ_u min(k, |list_u|) + |catalogue|).
 *
 * @param recommended - ranked item ids per user (a Map keyed by user, an array of lists, or an
 *   Arrow table of `userId`, `itemId` rows, each user's rows in rank order)
 * @param catalogue - the catalogue: its item ids (every recommended item must be among them; a
 *   list, a Set or an Arrow vector of ids), or just its size
 * @param options - `k` (default `Infinity`)
 * @throws `ValidationError` `E_UNKNOWN_ITEM` (a recommended item not in the catalogue),
 *   `E_RANGE` (a catalogue size that is not a positive integer, or smaller than the number
 *   of distinct recommended items), `E_EMPTY` (empty catalogue list), `E_SHAPE`, `E_NAN`, `E_ID`
 *   (an Arrow null too), `E_ARROW_TYPE` (an Arrow id column that is not text or integers), `E_COLUMN` (an Arrow table without a needed column);
 *   `OptionsError` `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { catalogueCoverage } from '@marksman/metrics';
 * catalogueCoverage([['a', 'b'], ['a', 'c']], ['a', 'b', 'c', 'd', 'e']); // => 0.6
 * catalogueCoverage([['a', 'b'], ['a', 'c']], 5, { k: 1 }); // => 0.2
 * ```
 */
export function catalogueCoverage(
  recommended: PerUser<ArrayLike<number | string>> | ArrowLikeTable,
  catalogue: number | ArrayLike<number | string> | ReadonlySet<number | string> | ArrowLikeVector,
  options?: CatalogueCoverageOptions,
): number {
  const source = 'catalogueCoverage';
  const { k } = resolveOptions(source, DEFAULTS, options);
  requirePositiveIntegerOption(source, 'k', k, true);
  const recommendedByUser = perUserArg(source, recommended);
  const catalogueIds = idListArg(source, 'catalogue', catalogue) as number | ArrayLike<number | string> | ReadonlySet<number | string>;
  let known: ReadonlySet<Id> | null = null;
  let size: number;
  if (typeof catalogueIds === 'number') {
    if (!Number.isSafeInteger(catalogueIds) || catalogueIds < 1) {
      throw new ValidationError('E_RANGE', `${source}: the catalogue size must be an integer from 1 to 2^53 − 1, got ${catalogueIds}.`, { source, field: 'catalogue' });
    }
    size = catalogueIds;
  } else {
    if (!(catalogueIds instanceof Set) && !isList(catalogueIds)) {
      throw new ValidationError('E_SHAPE', `${source}: catalogue must be a size, a list or a Set of ids, got ${catalogueIds === null ? 'null' : typeof catalogueIds}.`, { source, field: 'catalogue' });
    }
    const set = new Set<Id>();
    if (catalogueIds instanceof Set) {
      for (const id of catalogueIds as ReadonlySet<unknown>) {
        requireId(source, 'catalogue', id);
        set.add(id);
      }
    } else {
      const list = catalogueIds as ArrayLike<unknown>;
      for (let i = 0; i < list.length; i++) {
        const id = list[i];
        requireId(source, 'catalogue', id, i);
        set.add(id);
      }
    }
    if (set.size === 0) throw new ValidationError('E_EMPTY', `${source}: the catalogue is empty.`, { source, field: 'catalogue' });
    known = set;
    size = set.size;
  }
  const shown = new Set<Id>();
  for (const [user, list] of perUserEntries(source, 'recommended', recommendedByUser)) {
    if (!isList(list)) {
      throw new ValidationError('E_SHAPE', `${source}: the recommendations of user ${JSON.stringify(user)} must be a list of ids, got ${list === null ? 'null' : typeof list}.`, { source, field: 'recommended' });
    }
    const m = Math.min(k, list.length);
    for (let j = 0; j < m; j++) {
      const id = list[j];
      requireId(source, 'recommended', id, j);
      if (known !== null && !known.has(id)) {
        throw new ValidationError('E_UNKNOWN_ITEM', `${source}: item ${JSON.stringify(id)} recommended to user ${JSON.stringify(user)} is not in the catalogue.`, { source, field: 'recommended', row: j });
      }
      shown.add(id);
    }
  }
  if (shown.size > size) {
    throw new ValidationError('E_RANGE', `${source}: ${shown.size} distinct items were recommended but the catalogue size is ${size}.`, { source, field: 'catalogue' });
  }
  return shown.size / size;
}
