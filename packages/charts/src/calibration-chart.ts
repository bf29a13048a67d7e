import type { CalibrationCurve } from '@marksman/metrics';
import { requireNumbers, requireRecord, requireSameLength } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 320, height: 320 });

/**
 * Reliability diagram of a `CalibrationCurve` from `@marksman/metrics`'
 * `calibrationCurve`: the observed share of positives against the mean
 * predicted probability, one point per bin (its area proportional to the
 * rows in the bin), with the diagonal of perfect calibration.
 *
 * Data sets: `calibration` (`meanPredicted`, `fractionPositive`, `count`)
 * and `perfect`. Costs O(bins).
 *
 * @param curve - what `calibrationCurve` returns
 * @param options - `title` (default 'Calibration'), `width`, `height` (default 320 × 320)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT`, `E_LENGTH`, `E_EMPTY`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { calibrationCurve } from '@marksman/metrics';
 * import { calibrationChart } from '@marksman/charts';
 * const curve = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { bins: 3 });
 * const spec = calibrationChart(curve);
 * spec.datasets.calibration.map((b) => b.fractionPositive); // => [0, 0.5, 1]
 * spec.datasets.calibration.map((b) => b.count); // => [3, 2, 4]
 * ```
 */
export function calibrationChart(curve: CalibrationCurve, options?: ChartOptions): VegaLiteSpec {
  const source = 'calibrationChart';
  const o = chartOptions(source, DEFAULTS, options);
  const c = requireRecord(source, 'curve', curve, 'the result of calibrationCurve ({ fractionPositive, meanPredicted, counts })');
  const observed = requireNumbers(source, 'curve.fractionPositive', c.fractionPositive);
  const predicted = requireNumbers(source, 'curve.meanPredicted', c.meanPredicted);
  const counts = requireNumbers(source, 'curve.counts', c.counts);
  requireSameLength(source, 'curve.meanPredicted', predicted, 'curve.fractionPositive', observed);
  requireSameLength(source, 'curve.meanPredicted', predicted, 'curve.counts', counts);
  const rows: ChartRow[] = Array.from(predicted, (p, i) => ({ meanPredicted: p, fractionPositive: observed[i]!, count: counts[i]! }));
  const axis = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] } });
  return specBase(o.title ?? 'Calibration', { calibration: rows, perfect: [{ meanPredicted: 0, fractionPositive: 0 }, { meanPredicted: 1, fractionPositive: 1 }] }, {
    width: o.width,
    height: o.height,
    layer: [
      {
        data: { name: 'perfect' },
        mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: axis('meanPredicted', 'Mean predicted probability'), y: axis('fractionPositive', 'Observed share of positives') },
      },
      {
        data: { name: 'calibration' },
        mark: { type: 'line' },
        encoding: { x: axis('meanPredicted', 'Mean predicted probability'), y: axis('fractionPositive', 'Observed share of positives') },
      },
      {
        data: { name: 'calibration' },
        mark: { type: 'point', filled: true },
        encoding: {
          x: axis('meanPredicted', 'Mean predicted probability'),
          y: axis('fractionPositive', 'Observed share of positives'),
          size: { field: 'count', type: 'quantitative', title: 'Rows in bin' },
          tooltip: [
            { field: 'meanPredicted', type: 'quantitative', format: '.3f', title: 'mean predicted' },
            { field: 'fractionPositive', type: 'quantitative', format: '.3f', title: 'observed' },
            { field: 'count', type: 'quantitative', title: 'rows' },
          ],
        },
      },
    ],
  });
}
