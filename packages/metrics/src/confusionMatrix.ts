import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { vectorArg } from './arrowVectorInput';
import { compareLabels, requireLabel, requireNonEmpty, requireSameLength } from './validation';
import type { Label } from './validation';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Row/column labels in the order wanted; default `null`: every label seen in
   * either input, sorted (numbers ascending, then strings). Every observed label
   * must be listed.
   */
  readonly labels?: ArrayLike<number | string> | null;
}

/** A confusion matrix: `counts[i * labels.length + j]` rows with true label i predicted as j. */
export interface ConfusionMatrix {
  /** Labels of rows (true) and columns (predicted), in order. */
  readonly labels: readonly (number | string)[];
  /** Row-major counts, `labels.length × labels.length`; rows are true labels. */
  readonly counts: Float64Array;
  /** Number of rows counted. */
  readonly n: number;
}

const DEFAULTS: Readonly<{ labels: ArrayLike<number | string> | null }> = Object.freeze({ labels: null });

/** Validated label codes of both inputs against one label list. Internal. */
export function encodeClassification(
  source: string,
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  labels: ArrayLike<Label> | null,
): { labels: Label[]; t: Int32Array; p: Int32Array } {
  requireSameLength(source, 'yTrue', yTrue, 'yPred', yPred);
  requireNonEmpty(source, 'yTrue', yTrue);
  let list: Label[];
  if (labels === null) {
    const set = new Set<Label>();
    for (let i = 0; i < yTrue.length; i++) {
      const a = yTrue[i];
      requireLabel(source, 'yTrue', a, i);
      set.add(a);
      const b = yPred[i];
      requireLabel(source, 'yPred', b, i);
      set.add(b);
    }
    list = [...set].sort(compareLabels);
  } else {
    list = [];
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      requireLabel(source, 'labels', l, i);
      if (list.includes(l)) throw new ValidationError('E_DUPLICATE', `${source}: label ${JSON.stringify(l)} is listed twice in options.labels.`, { source, field: 'labels', row: i });
      list.push(l);
    }
    requireNonEmpty(source, 'labels', list);
  }
  const index = new Map<Label, number>(list.map((l, i) => [l, i]));
  const t = new Int32Array(yTrue.length);
  const p = new Int32Array(yTrue.length);
  for (const [field, y, out] of [['yTrue', yTrue, t], ['yPred', yPred, p]] as const) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      requireLabel(source, field, v, i);
      const c = index.get(v);
      if (c === undefined) {
        throw new ValidationError('E_UNKNOWN_LABEL', `${source}: ${field} at row ${i} is ${JSON.stringify(v)}, which is not in options.labels.`, { source, field, row: i });
      }
      out[i] = c;
    }
  }
  return { labels: list, t, p };
}

/**
 * Confusion matrix of true against predicted labels (rows true, columns
 * predicted), laid out as scikit-learn's `confusion_matrix`.
 *
 * Costs O(n + k²) for k labels.
 *
 * Each labelling may also be an Apache Arrow vector: text (Utf8, dictionary-encoded Utf8),
 * numbers, or Bool read as 1 / 0; nulls are refused as `null` in an array is.
 *
 * @param yTrue - true label of each row (numbers or strings)
 * @param yPred - predicted label of each row
 * @param options - `labels` (order and set of labels)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of dates or nested values, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_NAN`, `E_LABEL`, `E_UNKNOWN_LABEL`
 *   (a label missing from `options.labels`), `E_DUPLICATE` (a label listed twice)
 * @example
 * ```ts
 * import { confusionMatrix } from '@marksman/metrics';
 * const m = confusionMatrix(['buy', 'skip', 'buy', 'skip'], ['buy', 'buy', 'buy', 'skip']);
 * m.labels; // => ['buy', 'skip']
 * Array.from(m.counts); // => [2, 0, 1, 1]
 * ```
 */
export function confusionMatrix(
  yTrue: ArrayLike<number | string> | ArrowLikeVector,
  yPred: ArrayLike<number | string> | ArrowLikeVector,
  options?: ConfusionMatrixOptions,
): ConfusionMatrix {
  const source = 'confusionMatrix';
  const t = vectorArg(source, 'yTrue', yTrue, 'label');
  const p = vectorArg(source, 'yPred', yPred, 'label');
  const { labels } = resolveOptions(source, DEFAULTS, options);
  const e = encodeClassification(source, t, p, labels);
  const k = e.labels.length;
  const counts = new Float64Array(k * k);
  for (let i = 0; i < e.t.length; i++) {
    const c = (e.t[i] as number) * k + (e.p[i] as number);
    counts[c] = (counts[c] as number) + 1;
  }
  return { labels: Object.freeze(e.labels), counts, n: e.t.length };
}
