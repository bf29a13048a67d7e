import { OptionsError, Random } from '@marksman/core';
import { isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Interaction } from '@marksman/core';
import { describeValue } from './checks';
import { arrowInteractionRecords, arrowSide, pairsInOrder } from './split';
import type { ArrowSplit, InteractionSplit } from './split';

/** Options of {@link kFoldSplit}. */
export interface KFoldSplitOptions {
  /** Number of folds (integer from 2 to the number of distinct (user, item) pairs). Default 5. */
  readonly folds: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed: number;
}

const DEFAULTS: KFoldSplitOptions = Object.freeze({ folds: 5, seed: 0 });

/**
 * K-fold cross-validation (as scikit-learn's shuffled `KFold` and
 * Surprise's `KFold`) with the (user, item) pair as the unit that is
 * shuffled: the distinct pairs are shuffled with `seed` and cut into `folds`
 * parts whose sizes (in pairs) differ by at most one; split k tests on the
 * records of part k and trains on the rest. All records of a pair (repeat
 * purchases, re-ratings) fall in the same part, so no test pair is also a
 * training pair; every record is tested exactly once. On data without
 * repeated pairs, pairs are records. O(n · folds).
 *
 * @param interactions - records with `userId` and `itemId` (returned as the caller's objects;
 *   `weight` and `timestamp`, when given, are checked)
 * @param options - folds (default 5) and seed (default 0)
 * @returns one train/test split per fold
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`, `E_TIMESTAMP` (with the row);
 *   `OptionsError` `E_OPTION_RANGE` (folds < 2, more folds than pairs, or a bad seed)
 * @example
 * ```ts
 * import { kFoldSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ userId: 1, itemId }));
 * kFoldSplit(rows, { folds: 3 }).map((s) => s.test.length); // => [3, 2, 2]
 * ```
 */
export function kFoldSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<KFoldSplitOptions>): InteractionSplit<T>[];
/**
 * {@link kFoldSplit} on an Apache Arrow table of interactions (`userId`, `itemId`; `weight` and
 * `timestamp` checked when present; other columns carried along): the same folds as for the
 * table's rows as records, each side an Arrow table of the input's schema (see {@link ArrowSplit}).
 *
 * @param interactions - an apache-arrow `Table`
 * @param options - as for records
 * @returns one train/test split of Arrow tables per fold
 * @throws `ValidationError` `E_ARROW_TYPE` for a column of the wrong type (named), a Union or
 *   view column; `E_INPUT` for an Arrow-shaped table that is not apache-arrow's; otherwise as for records
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { kFoldSplit } from '@marksman/recsys';
 * const table = arrow.tableFromArrays({ userId: Int32Array.of(1, 1, 1, 1, 1, 1, 1), itemId: Int32Array.of(1, 2, 3, 4, 5, 6, 7) });
 * kFoldSplit(table, { folds: 3 }).map((s) => [s.train.numRows, s.test.numRows]); // => [[4, 3], [5, 2], [5, 2]]
 * ```
 */
export function kFoldSplit<A extends ArrowLikeTable>(interactions: A, options?: Partial<KFoldSplitOptions>): ArrowSplit<A>[];
export function kFoldSplit<T extends Interaction>(input: readonly T[] | ArrowLikeTable, options?: Partial<KFoldSplitOptions>): InteractionSplit<T>[] | ArrowSplit[] {
  const source = 'kFoldSplit';
  const interactions = (isArrowTable(input) ? arrowInteractionRecords(source, input) : input) as readonly T[];
  const o = resolveOptions(source, DEFAULTS, options);
  const pairs = pairsInOrder(source, interactions);
  const n = pairs.length;
  if (typeof o.folds !== 'number' || !Number.isInteger(o.folds) || o.folds < 2 || o.folds > n) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: folds must be an integer from 2 to the number of (user, item) pairs (${n}), got ${describeValue(o.folds)}.`, { source, field: 'folds' });
  }
  if (!Number.isSafeInteger(o.seed)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: seed must be a safe integer, got ${describeValue(o.seed)}.`, { source, field: 'seed' });
  }
  const order = new Random(o.seed).shuffle(Array.from({ length: n }, (_, q) => q));
  const fold = new Int32Array(interactions.length);
  // The first n mod k parts get one extra pair.
  const base = Math.floor(n / o.folds);
  const extra = n % o.folds;
  let pos = 0;
  for (let k = 0; k < o.folds; k++) {
    const size = base + (k < extra ? 1 : 0);
    for (let t = 0; t < size; t++) for (const r of pairs[order[pos++]!]!) fold[r] = k;
  }
  if (isArrowTable(input)) {
    const sides: ArrowSplit[] = [];
    for (let k = 0; k < o.folds; k++) {
      const inFold = fold.map((f) => (f === k ? 1 : 0));
      sides.push({ train: arrowSide(source, input, inFold, 0), test: arrowSide(source, input, inFold, 1) });
    }
    return sides;
  }
  const out: InteractionSplit<T>[] = [];
  for (let k = 0; k < o.folds; k++) {
    const train: T[] = [];
    const test: T[] = [];
    for (let r = 0; r < interactions.length; r++) (fold[r] === k ? test : train).push(interactions[r]!);
    out.push({ train, test });
  }
  return out;
}
