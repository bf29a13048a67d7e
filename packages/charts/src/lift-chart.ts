import type { ArrowLikeVector } from '@marksman/core';
import { gainPoints } from './gain-points';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 320, height: 320 });

/**
 * Cumulative lift chart of a response (or propensity) model: targeting the
 * highest scores first, the positive rate among the people targeted divided
 * by the overall positive rate, against the share targeted (evaluated after
 * each group of tied scores). Lift 3 at 10% means the top tenth responds
 * three times as often as everyone; it falls to 1 at 100%. A dashed rule
 * marks lift 1 (random targeting).
 *
 * Data sets: `lift` (`targeted`, `captured`, `share`, `lift`,
 * `threshold`), `baseline`. Costs O(n log n).
 *
 * @param yTrue - outcomes, 0/1 or booleans (at least one positive), or an Apache Arrow Bool or numeric vector
 * @param scores - model scores, higher = target first (or an Arrow numeric vector, read in place)
 * @param options - `title`, `width`, `height` (default 320 × 320)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_SINGLE_CLASS` (no positive), `E_LABEL`, `E_NOT_FINITE`, `E_LENGTH`,
 *   `E_EMPTY`, `E_CHART_INPUT` (an Arrow null is `E_LABEL` / `E_NOT_FINITE` with its row), `E_ARROW_TYPE` (an Arrow
 *   vector of text, dates or nested values); `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { liftChart } from '@marksman/charts';
 * const spec = liftChart([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]);
 * spec.datasets.lift.map((p) => [p.share, p.lift]); // => [[0.25, 2], [0.5, 1], [0.75, 1.3333333333333333], [1, 1]]
 * ```
 */
export function liftChart(yTrue: ArrayLike<number | boolean> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector, options?: ChartOptions): VegaLiteSpec {
  const source = 'liftChart';
  const o = chartOptions(source, DEFAULTS, options);
  const g = gainPoints(source, yTrue, scores);
  const rate = g.positives / g.n;
  const rows: ChartRow[] = [];
  for (let i = 1; i < g.targeted.length; i++) {
    const k = g.targeted[i]!;
    rows.push({ targeted: k, captured: g.captured[i]!, share: k / g.n, lift: g.captured[i]! / k / rate, threshold: g.thresholds[i]! });
  }
  const x = { field: 'share', type: 'quantitative', title: 'Share of people targeted (highest scores first)', axis: { format: '.0%' }, scale: { domain: [0, 1] } };
  const y = { field: 'lift', type: 'quantitative', title: 'Cumulative lift (× the overall positive rate)' };
  return specBase(o.title ?? 'Cumulative lift', { lift: rows, baseline: [{ share: 0, lift: 1 }, { share: 1, lift: 1 }] }, {
    width: o.width,
    height: o.height,
    layer: [
      { data: { name: 'baseline' }, mark: { type: 'line', strokeDash: [4, 4], color: 'gray' }, encoding: { x, y } },
      {
        data: { name: 'lift' },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'lift', type: 'quantitative', format: '.2f' },
            { field: 'targeted', type: 'quantitative', title: 'people targeted' },
            { field: 'captured', type: 'quantitative', title: 'positives captured' },
            { field: 'threshold', type: 'quantitative', title: 'score ≥' },
          ],
        },
      },
    ],
  });
}
