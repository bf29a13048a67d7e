import type { RocCurve } from '@marksman/metrics';
import { requireNumbers, requireRecord, requireSameLength } from './checks';
import { chartOptions, finiteOrNull, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 320, height: 320 });

/** Trapezoidal area under points given in curve order. @internal */
export function trapezoid(x: Float64Array, y: Float64Array): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return a;
}

/**
 * ROC chart of a `RocCurve` from `@marksman/metrics`' `rocCurve`: the
 * true-positive rate against the false-positive rate, one point per
 * threshold in the curve's order, with the chance diagonal. The title gives
 * the trapezoidal area under the curve (equal to `rocAuc`).
 *
 * Data sets: `roc` (`order`, `fpr`, `tpr`, `threshold`; the first threshold,
 * `Infinity`, is `null`) and `chance`. Costs O(points).
 *
 * @param curve - what `rocCurve` returns (or the same arrays after JSON)
 * @param options - `title`, `width`, `height` (default 320 × 320)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not a curve), `E_LENGTH`, `E_EMPTY` (fewer than 2 points),
 *   `E_NOT_FINITE`; `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { rocCurve } from '@marksman/metrics';
 * import { rocChart } from '@marksman/charts';
 * const spec = rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));
 * spec.title; // => 'ROC curve (AUC 0.750)'
 * spec.datasets.roc.map((p) => [p.fpr, p.tpr]); // => [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]
 * rocChart(rocCurve([0, 1], [0.2, 0.7]), { width: 0 }); // throws E_OPTION_RANGE
 * ```
 */
export function rocChart(curve: RocCurve, options?: ChartOptions): VegaLiteSpec {
  const source = 'rocChart';
  const o = chartOptions(source, DEFAULTS, options);
  const c = requireRecord(source, 'curve', curve, 'the result of rocCurve ({ fpr, tpr, thresholds })');
  const fpr = requireNumbers(source, 'curve.fpr', c.fpr, 2);
  const tpr = requireNumbers(source, 'curve.tpr', c.tpr, 2);
  requireSameLength(source, 'curve.fpr', fpr, 'curve.tpr', tpr);
  const thresholds = c.thresholds === undefined ? null : requireNumbers(source, 'curve.thresholds', c.thresholds, 2, true);
  if (thresholds !== null) requireSameLength(source, 'curve.fpr', fpr, 'curve.thresholds', thresholds);
  const rows: ChartRow[] = Array.from(fpr, (f, i) => ({ order: i, fpr: f, tpr: tpr[i]!, threshold: thresholds === null ? null : finiteOrNull(thresholds[i]!) }));
  const auc = trapezoid(fpr, tpr);
  const rate = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] } });
  return specBase(o.title ?? `ROC curve (AUC ${auc.toFixed(3)})`, { roc: rows, chance: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] }, {
    width: o.width,
    height: o.height,
    layer: [
      {
        data: { name: 'chance' },
        mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: rate('fpr', 'False-positive rate'), y: rate('tpr', 'True-positive rate') },
      },
      {
        data: { name: 'roc' },
        mark: { type: 'line', point: true },
        encoding: {
          x: rate('fpr', 'False-positive rate'),
          y: rate('tpr', 'True-positive rate'),
          order: { field: 'order', type: 'quantitative' },
          tooltip: [
            { field: 'threshold', type: 'quantitative', title: 'score ≥' },
            { field: 'fpr', type: 'quantitative', format: '.3f' },
            { field: 'tpr', type: 'quantitative', format: '.3f' },
          ],
        },
      },
    ],
  });
}
