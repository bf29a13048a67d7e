import type { UpliftCurve } from '@marksman/metrics';
import { requireNumbers, requireRecord, requireSameLength } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 360, height: 300 });

function curveSpec(source: string, curve: UpliftCurve, options: ChartOptions | undefined, title: string, yTitle: string): VegaLiteSpec {
  const o = chartOptions(source, DEFAULTS, options);
  const c = requireRecord(source, 'curve', curve, `the result of ${source === 'qiniChart' ? 'qiniCurve' : 'upliftCurve'} ({ targeted, value })`);
  const targeted = requireNumbers(source, 'curve.targeted', c.targeted, 2);
  const value = requireNumbers(source, 'curve.value', c.value, 2);
  requireSameLength(source, 'curve.targeted', targeted, 'curve.value', value);
  const rows: ChartRow[] = Array.from(targeted, (t, i) => ({ targeted: t, value: value[i]! }));
  const last = targeted.length - 1;
  const random: ChartRow[] = [
    { targeted: targeted[0]!, value: value[0]! },
    { targeted: targeted[last]!, value: value[last]! },
  ];
  const x = { field: 'targeted', type: 'quantitative', title: 'People targeted (highest predicted uplift first)' };
  const y = { field: 'value', type: 'quantitative', title: yTitle };
  return specBase(o.title ?? title, { curve: rows, random }, {
    width: o.width,
    height: o.height,
    layer: [
      { data: { name: 'random' }, mark: { type: 'line', strokeDash: [4, 4], color: 'gray' }, encoding: { x, y } },
      {
        data: { name: 'curve' },
        mark: { type: 'line' },
        encoding: { x, y, tooltip: [{ field: 'targeted', type: 'quantitative', title: 'people targeted' }, { field: 'value', type: 'quantitative', format: '.2f', title: yTitle }] },
      },
    ],
  });
}

/**
 * Uplift curve chart of an `UpliftCurve` from `@marksman/metrics`'
 * `upliftCurve`: the estimated incremental outcome of treating the top n by
 * predicted uplift, against n, with the random-targeting line from the
 * start to the end point. A model worth using stays above the line.
 *
 * Data sets: `curve` (`targeted`, `value`) and `random`. Costs O(points).
 *
 * @param curve - what `upliftCurve` returns
 * @param options - `title` (default 'Uplift curve'), `width`, `height` (default 360 × 300)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT`, `E_LENGTH`, `E_EMPTY`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { upliftCurve } from '@marksman/metrics';
 * import { upliftChart } from '@marksman/charts';
 * const spec = upliftChart(upliftCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]));
 * spec.datasets.curve.map((p) => p.value); // => [0, 1, 1, -1.5, 0]
 * spec.datasets.random; // => [{ targeted: 0, value: 0 }, { targeted: 4, value: 0 }]
 * ```
 */
export function upliftChart(curve: UpliftCurve, options?: ChartOptions): VegaLiteSpec {
  return curveSpec('upliftChart', curve, options, 'Uplift curve', 'Incremental outcome (uplift × people targeted)');
}

/**
 * Qini chart of an `UpliftCurve` from `@marksman/metrics`'
 * `qiniCurve`: incremental responders (treated responders minus control
 * responders scaled to the treated group's size) after targeting the top n,
 * against n, with the random-targeting line. The area between the two,
 * normalised by the perfect model's, is `qiniCoefficient`.
 *
 * Data sets: `curve` (`targeted`, `value`) and `random`. Costs O(points).
 *
 * @param curve - what `qiniCurve` returns
 * @param options - `title` (default 'Qini curve'), `width`, `height` (default 360 × 300)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT`, `E_LENGTH`, `E_EMPTY`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { qiniCurve } from '@marksman/metrics';
 * import { qiniChart } from '@marksman/charts';
 * const spec = qiniChart(qiniCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]));
 * spec.title; // => 'Qini curve'
 * spec.datasets.curve.map((p) => p.value); // => [0, 1, 1, -1, 0]
 * ```
 */
export function qiniChart(curve: UpliftCurve, options?: ChartOptions): VegaLiteSpec {
  return curveSpec('qiniChart', curve, options, 'Qini curve', 'Incremental responders');
}
