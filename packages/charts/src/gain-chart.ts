import type { ArrowLikeVector } from '@marksman/core';
import { gainPoints } from './gain-points';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 320, height: 320 });

/**
 * Cumulative gains chart of a response (or propensity) model: targeting the
 * people with the highest scores first, the share of all positives captured
 * against the share of people targeted, evaluated after each group of tied
 * scores; with the random-targeting diagonal and the perfect model (all
 * positives first). Read it as "the top 20% by score hold 55% of the
 * buyers".
 *
 * Data sets: `gains` (`targeted` and `captured` as people and positives,
 * `share` and `capturedShare` in [0, 1], `threshold` = lowest score
 * targeted, null at the start), `random`, `perfect`. Costs O(n log n).
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
 * import { gainChart } from '@marksman/charts';
 * const spec = gainChart([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]);
 * spec.datasets.gains.map((p) => [p.share, p.capturedShare]); // => [[0, 0], [0.25, 0.5], [0.5, 0.5], [0.75, 1], [1, 1]]
 * gainChart([0, 0], [0.3, 0.1]); // throws E_SINGLE_CLASS
 * ```
 */
export function gainChart(yTrue: ArrayLike<number | boolean> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector, options?: ChartOptions): VegaLiteSpec {
  const source = 'gainChart';
  const o = chartOptions(source, DEFAULTS, options);
  const g = gainPoints(source, yTrue, scores);
  const rows: ChartRow[] = Array.from(g.targeted, (k, i) => ({
    targeted: k,
    captured: g.captured[i]!,
    share: k / g.n,
    capturedShare: g.captured[i]! / g.positives,
    threshold: i === 0 ? null : g.thresholds[i]!,
  }));
  const axis = (field: string, title: string) => ({ field, type: 'quantitative', title, axis: { format: '.0%' }, scale: { domain: [0, 1] } });
  const x = axis('share', 'Share of people targeted (highest scores first)');
  const y = axis('capturedShare', 'Share of positives captured');
  const reference = (name: string, color: string, dash: number[]) => ({
    data: { name },
    mark: { type: 'line', strokeDash: dash, color },
    encoding: { x, y },
  });
  return specBase(
    o.title ?? 'Cumulative gains',
    {
      gains: rows,
      random: [{ share: 0, capturedShare: 0 }, { share: 1, capturedShare: 1 }],
      perfect: [{ share: 0, capturedShare: 0 }, { share: g.positives / g.n, capturedShare: 1 }, { share: 1, capturedShare: 1 }],
    },
    {
      width: o.width,
      height: o.height,
      layer: [
        reference('random', 'gray', [4, 4]),
        reference('perfect', 'gray', [1, 3]),
        {
          data: { name: 'gains' },
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y,
            tooltip: [
              { field: 'targeted', type: 'quantitative', title: 'people targeted' },
              { field: 'captured', type: 'quantitative', title: 'positives captured' },
              { field: 'threshold', type: 'quantitative', title: 'score ≥' },
            ],
          },
        },
      ],
    },
  );
}
