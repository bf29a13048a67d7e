import { OptionsError, Random, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Interaction } from '@marksman/core';
import type { InteractionSplit } from './split';

/** Options of {@link kFoldSplit}. */
export interface KFoldSplitOptions {
  /** Number of folds (integer ≥ 2). Default 5. */
  readonly folds: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed: number;
}

const DEFAULTS: KFoldSplitOptions = Object.freeze({ folds: 5, seed: 0 });

/**
 * K-fold cross-validation over records (as scikit-learn's shuffled `KFold`
 * and Surprise's `KFold`): the records are shuffled with `seed` and cut
 * into `folds` parts whose sizes differ by at most one; split k tests on
 * part k and trains on the rest. Every record is tested exactly once.
 * O(n · folds).
 *
 * @param interactions - the records (returned as the caller's objects)
 * @param options - folds (default 5) and seed (default 0)
 * @returns one train/test split per fold
 * @throws `ValidationError` `E_INPUT`; `OptionsError` `E_OPTION_RANGE` (folds < 2, or more folds than records)
 * @example
 * ```ts
 * import { kFoldSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ userId: 1, itemId }));
 * kFoldSplit(rows, { folds: 3 }).map((s) => s.test.length); // => [3, 2, 2]
 * ```
 */
export function kFoldSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<KFoldSplitOptions>): InteractionSplit<T>[] {
  const source = 'kFoldSplit';
  if (!Array.isArray(interactions)) {
    throw new ValidationError('E_INPUT', `${source}: interactions must be an array of records.`, { source, field: 'interactions' });
  }
  const o = resolveOptions(source, DEFAULTS, options);
  const n = interactions.length;
  if (!Number.isInteger(o.folds) || o.folds < 2 || o.folds > n) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: folds must be an integer from 2 to the number of records (${n}), got ${String(o.folds)}.`, { source, field: 'folds' });
  }
  if (!Number.isSafeInteger(o.seed)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: seed must be a safe integer, got ${String(o.seed)}.`, { source, field: 'seed' });
  }
  const order = new Random(o.seed).shuffle(Array.from({ length: n }, (_, r) => r));
  const fold = new Int32Array(n);
  // The first n mod k parts get one extra record.
  const base = Math.floor(n / o.folds);
  const extra = n % o.folds;
  let pos = 0;
  for (let k = 0; k < o.folds; k++) {
    const size = base + (k < extra ? 1 : 0);
    for (let t = 0; t < size; t++) fold[order[pos++]!] = k;
  }
  const out: InteractionSplit<T>[] = [];
  for (let k = 0; k < o.folds; k++) {
    const train: T[] = [];
    const test: T[] = [];
    for (let r = 0; r < n; r++) (fold[r] === k ? test : train).push(interactions[r]!);
    out.push({ train, test });
  }
  return out;
}
