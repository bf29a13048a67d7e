import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { vectorArg } from './arrowVectorInput';
import { encodeClassification } from './confusionMatrix';

/** How per-class scores are combined by {@link precisionRecallF1}. */
export type ClassAverage = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options of {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options {
  /**
   * `'binary'` (default): scores of the `positive` class only; `'micro'`: from
   * total true/false positives (equals accuracy when every label is
   * included); `'macro'`: unweighted mean over labels; `'weighted'`: mean
   * weighted by each label's support.
   */
  readonly average?: ClassAverage;
  /** The positive label for `average: 'binary'`; default 1. */
  readonly positive?: number | string;
  /** Value used for 0/0 (no predicted or no true rows of a label): 0 (default) or 1. */
  readonly zeroDivision?: 0 | 1;
  /** Labels to score, in order; default `null`: every label seen, sorted. */
  readonly labels?: ArrayLike<number | string> | null;
}

/** Precision, recall and F1 of each label. */
export interface PerClassScores {
  /** The labels, in order. */
  readonly labels: readonly (number | string)[];
  /** Precision per label, tp / (tp + fp). */
  readonly precision: Float64Array;
  /** Recall per label, tp / (tp + fn). */
  readonly recall: Float64Array;
  /** F1 per label, 2PR / (P + R) (0 when P + R = 0). */
  readonly f1: Float64Array;
  /** Rows whose true label is this label. */
  readonly support: Float64Array;
}

/** Result of {@link precisionRecallF1}. */
export interface PrecisionRecallF1 {
  /** Averaged (or positive-class) precision. */
  readonly precision: number;
  /** Averaged (or positive-class) recall. */
  readonly recall: number;
  /** Averaged (or positive-class) F1. */
  readonly f1: number;
  /** Rows of the positive class for `'binary'`, all rows otherwise. */
  readonly support: number;
  /** The scores of every label. */
  readonly perClass: PerClassScores;
}

const DEFAULTS: Readonly<{ average: ClassAverage; positive: number | string; zeroDivision: 0 | 1; labels: ArrayLike<number | string> | null }> =
  Object.freeze({ average: 'binary', positive: 1, zeroDivision: 0, labels: null });

/**
 * Precision, recall and F1 score, binary or averaged over labels, with the
 * conventions of scikit-learn's `precision_recall_fscore_support` (0/0
 * replaced by `zeroDivision`; F1 from the replaced values, 0 when P + R = 0).
 *
 * Costs O(n + k) for k labels.
 *
 * Each labelling may also be an Apache Arrow vector: text (Utf8, dictionary-encoded Utf8),
 * numbers, or Bool read as 1 / 0 (so `positive` 1 is `true`); nulls are refused as `null` in an array is.
 *
 * @param yTrue - true label of each row (numbers or strings)
 * @param yPred - predicted label of each row
 * @param options - `average`, `positive`, `zeroDivision`, `labels`
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of dates or nested values, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_NAN`, `E_LABEL`, `E_UNKNOWN_LABEL`,
 *   `E_NOT_BINARY` (`'binary'` with more than two labels, or without the positive label);
 *   `OptionsError` `E_OPTION_VALUE` (unknown `average` or `zeroDivision`)
 * @example
 * ```ts
 * import { precisionRecallF1 } from '@marksman/metrics';
 * const r = precisionRecallF1([1, 0, 1, 1, 0], [1, 1, 1, 0, 0]);
 * r.precision.toFixed(4); // => '0.6667'
 * r.recall.toFixed(4); // => '0.6667'
 * precisionRecallF1(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'c'], { average: 'macro' }).f1.toFixed(4); // => '0.4444'
 * ```
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number | string> | ArrowLikeVector,
  yPred: ArrayLike<number | string> | ArrowLikeVector,
  options?: PrecisionRecallF1Options,
): PrecisionRecallF1 {
  const source = 'precisionRecallF1';
  const yt = vectorArg(source, 'yTrue', yTrue, 'label');
  const yp = vectorArg(source, 'yPred', yPred, 'label');
  const o = resolveOptions(source, DEFAULTS, options);
  if (!['binary', 'micro', 'macro', 'weighted'].includes(o.average)) {
    throw new OptionsError('E_OPTION_VALUE', `${source}: average must be 'binary', 'micro', 'macro' or 'weighted', got ${String(o.average)}.`, { source, field: 'average' });
  }
  if (o.zeroDivision !== 0 && o.zeroDivision !== 1) {
    throw new OptionsError('E_OPTION_VALUE', `${source}: zeroDivision must be 0 or 1, got ${String(o.zeroDivision)}.`, { source, field: 'zeroDivision' });
  }
  const e = encodeClassification(source, yt, yp, o.labels);
  const k = e.labels.length;
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  for (let i = 0; i < e.t.length; i++) {
    const a = e.t[i] as number;
    const b = e.p[i] as number;
    trueSum[a] = (trueSum[a] as number) + 1;
    predSum[b] = (predSum[b] as number) + 1;
    if (a === b) tp[a] = (tp[a] as number) + 1;
  }
  const zd = o.zeroDivision;
  const div = (a: number, b: number) => (b === 0 ? zd : a / b);
  const fOf = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    precision[c] = div(tp[c] as number, predSum[c] as number);
    recall[c] = div(tp[c] as number, trueSum[c] as number);
    f1[c] = fOf(precision[c] as number, recall[c] as number);
  }
  const perClass: PerClassScores = { labels: Object.freeze([...e.labels]), precision, recall, f1, support: trueSum };
  const n = e.t.length;
  switch (o.average) {
    case 'binary': {
      const pos = e.labels.indexOf(o.positive);
      if (k > 2 || pos < 0) {
        throw new ValidationError('E_NOT_BINARY', `${source}: average 'binary' needs at most two labels including the positive label ${JSON.stringify(o.positive)}; found ${JSON.stringify(e.labels)}. Set positive, or use average 'macro', 'micro' or 'weighted'.`, { source, field: 'yTrue' });
      }
      return { precision: precision[pos] as number, recall: recall[pos] as number, f1: f1[pos] as number, support: trueSum[pos] as number, perClass };
    }
    case 'micro': {
      let t = 0;
      let ps = 0;
      let ts = 0;
      for (let c = 0; c < k; c++) {
        t += tp[c] as number;
        ps += predSum[c] as number;
        ts += trueSum[c] as number;
      }
      const p = div(t, ps);
      const r = div(t, ts);
      return { precision: p, recall: r, f1: fOf(p, r), support: n, perClass };
    }
    case 'macro':
    case 'weighted': {
      let w = 0;
      let sp = 0;
      let sr = 0;
      let sf = 0;
      for (let c = 0; c < k; c++) {
        const wc = o.average === 'macro' ? 1 : (trueSum[c] as number);
        w += wc;
        sp += wc * (precision[c] as number);
        sr += wc * (recall[c] as number);
        sf += wc * (f1[c] as number);
      }
      // w > 0: yTrue is non-empty and every observed label is listed.
      return { precision: sp / w, recall: sr / w, f1: sf / w, support: n, perClass };
    }
  }
}
