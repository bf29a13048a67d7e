import type { PrecisionRecallCurve } from '@marksman/metrics';
import { requireNumbers, requireRecord, requireSameLength } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 320, height: 320 });

/**
 * Precision–recall chart of a `PrecisionRecallCurve` from
 * `@marksman/metrics`' `precisionRecallCurve`, drawn as scikit-learn draws
 * it: a step function whose precision over each recall increment is the
 * precision at the increment's end, so the area under the steps is the
 * average precision, given in the title (equal to `averagePrecisionScore`).
 * A dashed line marks the share of positives (the precision of targeting
 * everyone: the curve's point at the lowest threshold).
 *
 * Data sets: `pr` (`recall`, `precision`, `threshold`, null for the final
 * point) and `baseline`. Costs O(points).
 *
 * @param curve - what `precisionRecallCurve` returns
 * @param options - `title`, `width`, `height` (default 320 × 320)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT`, `E_LENGTH`, `E_EMPTY` (fewer than 2 points), `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { precisionRecallCurve } from '@marksman/metrics';
 * import { precisionRecallChart } from '@marksman/charts';
 * const spec = precisionRecallChart(precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));
 * spec.title; // => 'Precision–recall curve (AP 0.833)'
 * spec.datasets.pr.map((p) => p.recall); // => [0, 0.5, 0.5, 1, 1]
 * spec.datasets.baseline[0].precision; // => 0.5
 * ```
 */
export function precisionRecallChart(curve: PrecisionRecallCurve, options?: ChartOptions): VegaLiteSpec {
  const source = 'precisionRecallChart';
  const o = chartOptions(source, DEFAULTS, options);
  const c = requireRecord(source, 'curve', curve, 'the result of precisionRecallCurve ({ precision, recall, thresholds })');
  const precision = requireNumbers(source, 'curve.precision', c.precision, 2);
  const recall = requireNumbers(source, 'curve.recall', c.recall, 2);
  requireSameLength(source, 'curve.precision', precision, 'curve.recall', recall);
  const thresholds = c.thresholds === undefined ? null : requireNumbers(source, 'curve.thresholds', c.thresholds, 1);
  if (thresholds !== null && thresholds.length !== precision.length - 1) {
    requireSameLength(source, 'curve.thresholds (plus the final point)', { length: thresholds.length + 1 }, 'curve.precision', precision);
  }
  const m = precision.length;
  // The curve runs from the lowest threshold (recall 1) to the final point
  // (recall 0); drawn from recall 0 upwards, so `order` follows the recall.
  const rows: ChartRow[] = [];
  for (let j = 0; j < m; j++) {
    const i = m - 1 - j;
    rows.push({ order: j, recall: recall[i]!, precision: precision[i]!, threshold: thresholds === null || i === m - 1 ? null : thresholds[i]! });
  }
  // Average precision: Σ (R_n − R_{n−1}) P_n, as scikit-learn.
  let ap = 0;
  for (let i = 0; i < m - 1; i++) ap -= (recall[i + 1]! - recall[i]!) * precision[i]!;
  const prevalence = precision[0]!;
  const axis = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] } });
  return specBase(o.title ?? `Precision–recall curve (AP ${ap.toFixed(3)})`, { pr: rows, baseline: [{ recall: 0, precision: prevalence }, { recall: 1, precision: prevalence }] }, {
    width: o.width,
    height: o.height,
    layer: [
      {
        data: { name: 'baseline' },
        mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: axis('recall', 'Recall'), y: axis('precision', 'Precision') },
      },
      {
        data: { name: 'pr' },
        mark: { type: 'line', interpolate: 'step-before', point: true },
        encoding: {
          x: axis('recall', 'Recall'),
          y: axis('precision', 'Precision'),
          order: { field: 'order', type: 'quantitative' },
          tooltip: [
            { field: 'threshold', type: 'quantitative', title: 'score ≥' },
            { field: 'recall', type: 'quantitative', format: '.3f' },
            { field: 'precision', type: 'quantitative', format: '.3f' },
          ],
        },
      },
    ],
  });
}
