import { StateError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { arrowCheckedRecords, isArrowTable } from '@marksman/core/internal';
import { checkRecordId, describeValue } from './checks';

/** Anything with a rating prediction, such as {@link ExplicitMF}. */
export interface RatingPredictor {
  /** The predicted rating of `itemId` by `userId`. */
  predictRating(userId: Id, itemId: Id): number;
  /** True when the model knows the user (optional; used to count unknown users). */
  isKnownUser?(userId: Id): boolean;
}

/** Result of {@link evaluateRating}. */
export interface RatingEvaluation {
  /** Test ratings scored. */
  readonly n: number;
  /** Root mean squared error √(Σ (r − r̂)² / n). */
  readonly rmse: number;
  /** Mean absolute error Σ |r − r̂| / n. */
  readonly mae: number;
  /** Test rows whose user the model does not know (they got the baseline prediction); null when the model cannot tell. */
  readonly unknownUsers: number | null;
}

/**
 * RMSE and MAE of a rating model on held-out ratings (`weight` = the true
 * rating), as Surprise's `accuracy.rmse`/`accuracy.mae`: every test row
 * counts, unknown users and items get the model's fallback prediction.
 * A prediction that is not a finite number is refused (`E_PREDICTION`, with
 * the row), so the result is never NaN. O(n · cost of one prediction).
 *
 * @param model - a fitted model with `predictRating`, e.g. {@link ExplicitMF}
 * @param test - `{ userId, itemId, weight }` records, or an Apache Arrow table with those columns
 * @returns n, rmse, mae and the number of rows with unknown users
 * @throws `StateError` `E_NOT_RATING_MODEL` (no `predictRating`), `E_NOT_FITTED`, `E_PREDICTION` (the model
 *   returned NaN, ±Infinity or a non-number for a row); `ValidationError` `E_INPUT`, `E_NO_INTERACTIONS`,
 *   `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER` (with the row)
 * @example
 * ```ts
 * import { evaluateRating } from '@marksman/recsys';
 * const always3 = { predictRating: () => 3 };
 * const r = evaluateRating(always3, [{ userId: 'a', itemId: 'x', weight: 5 }, { userId: 'b', itemId: 'x', weight: 2 }]);
 * [r.n, r.mae, r.rmse]; // => [2, 1.5, 1.5811]
 * ```
 */
export function evaluateRating(model: RatingPredictor, test: readonly Interaction[] | ArrowLikeTable): RatingEvaluation {
  const source = 'evaluateRating';
  const testRows = isArrowTable(test) ? (arrowCheckedRecords(source, test, { userId: 'id', itemId: 'id', weight: 'number' }) as unknown as readonly Interaction[]) : test;
  if (model === null || typeof model !== 'object' || typeof (model as { predictRating?: unknown }).predictRating !== 'function') {
    throw new StateError('E_NOT_RATING_MODEL', `${source}: the model has no predictRating(userId, itemId) method; use an ExplicitMF.`, { source, field: 'model' });
  }
  if (!Array.isArray(testRows)) {
    throw new ValidationError('E_INPUT', `${source}: test must be an array of { userId, itemId, weight } records or an Arrow table.`, { source, field: 'test' });
  }
  if (testRows.length === 0) {
    throw new ValidationError('E_NO_INTERACTIONS', `${source}: there are no test ratings.`, { source, field: 'test' });
  }
  const canTell = typeof model.isKnownUser === 'function';
  let unknown = 0;
  let se = 0;
  let ae = 0;
  for (let r = 0; r < testRows.length; r++) {
    const rec = testRows[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId, weight } record.`, { source, row: r, field: 'test' });
    }
    checkRecordId(source, rec.userId, 'userId', r);
    checkRecordId(source, rec.itemId, 'itemId', r);
    const w: unknown = rec.weight;
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new ValidationError('E_NUMBER', `${source}: row ${r} has rating ${describeValue(w)}; test ratings must be finite numbers in weight.`, { source, row: r, field: 'weight' });
    }
    const predicted: unknown = model.predictRating(rec.userId, rec.itemId);
    if (typeof predicted !== 'number' || !Number.isFinite(predicted)) {
      throw new StateError('E_PREDICTION', `${source}: the model predicted ${describeValue(predicted)} for row ${r} (userId ${describeValue(rec.userId)}, itemId ${describeValue(rec.itemId)}); predictRating must return a finite number. Refit the model (it may have diverged) or fix the predictor.`, { source, row: r, field: 'predictRating' });
    }
    const e = w - predicted;
    se += e * e;
    ae += Math.abs(e);
    if (canTell && !model.isKnownUser!(rec.userId)) unknown++;
  }
  return { n: testRows.length, rmse: Math.sqrt(se / testRows.length), mae: ae / testRows.length, unknownUsers: canTell ? unknown : null };
}
