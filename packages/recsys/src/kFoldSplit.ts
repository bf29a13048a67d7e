import { OptionsError, Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Interaction } from '@marksman/core';
import { describeValue } from './checks';
import { pairsInOrder } from './split';
import type { InteractionSplit } from './split';

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
export function kFoldSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<KFoldSplitOptions>): InteractionSplit<T>[] {
  const source = 'kFoldSplit';
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
  const out: InteractionSplit<T>[] = [];
  for (let k = 0; k < o.folds; k++) {
    const train: T[] = [];
    const test: T[] = [];
    for (let r = 0; r < interactions.length; r++) (fold[r] === k ? test : train).push(interactions[r]!);
    out.push({ train, test });
  }
  return out;
}
