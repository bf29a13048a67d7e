import type { ChooseKResult } from '@marksman/segmentation';
import { inputError, requireList, requireNumberField, requireRecord } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 360, height: 120 });

const PANELS = [
  { key: 'inertia', title: 'Inertia (lower is better; look for the elbow)' },
  { key: 'silhouette', title: 'Silhouette (higher is better)' },
  { key: 'calinskiHarabasz', title: 'Calinski-Harabasz (higher is better)' },
  { key: 'daviesBouldin', title: 'Davies-Bouldin (lower is better)' },
] as const;

/**
 * The scores of `chooseK` from `@marksman/segmentation` against k, one panel
 * per score (inertia first, then each cluster-quality score that was
 * computed), with the recommended k marked by a dashed rule in every panel and
 * a larger red point. The spec's `description` carries the
 * result's `reason`.
 *
 * Data set: `scores`, one row per k and score (`k`, `score`, `value`,
 * `recommended`). Costs O(k values × scores).
 *
 * @param result - what `chooseK` returns
 * @param options - `title` (default 'Choosing k: k = … recommended'), `width`, `height` (of each panel; default 360 × 120)
 * @returns a Vega-Lite spec (panels stacked vertically)
 * @throws `ValidationError` `E_CHART_INPUT` (not a chooseK result, or a reason that is not text), `E_EMPTY` (an empty table);
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { chooseK } from '@marksman/segmentation';
 * import { chooseKChart } from '@marksman/charts';
 * const rows = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * const spec = chooseKChart(chooseK(rows, { kRange: [2, 5], seed: 1, metrics: ['silhouette'] }));
 * spec.title; // => 'Choosing k: k = 3 recommended'
 * spec.datasets.scores.filter((r) => r.score === 'silhouette').map((r) => r.k); // => [2, 3, 4, 5]
 * (spec.vconcat as unknown[]).length; // => 2
 * ```
 */
export function chooseKChart(result: ChooseKResult, options?: ChartOptions): VegaLiteSpec {
  const source = 'chooseKChart';
  const o = chartOptions(source, DEFAULTS, options);
  const r = requireRecord(source, 'result', result, 'the result of chooseK ({ table, recommendedK, reason })');
  const table = requireList(source, 'result.table', r.table, 'an array of { k, inertia, silhouette, … } rows');
  const recommended = requireNumberField(source, 'result.recommendedK', r.recommendedK);
  const rows: ChartRow[] = [];
  const present = new Set<string>();
  for (let i = 0; i < table.length; i++) {
    const row = table[i];
    if (typeof row !== 'object' || row === null) throw inputError(source, 'result.table', 'a row { k, inertia, … }', row, i);
    const rec = row as Record<string, unknown>;
    const k = requireNumberField(source, 'result.table.k', rec.k, i);
    for (const { key } of PANELS) {
      const v = rec[key];
      if (v === null || v === undefined) continue;
      rows.push({ k, score: key, value: requireNumberField(source, `result.table.${key}`, v, i), recommended: k === recommended });
      present.add(key);
    }
  }
  const panels = PANELS.filter((p) => present.has(p.key)).map((p) => ({
    title: p.title,
    width: o.width,
    height: o.height,
    transform: [{ filter: { field: 'score', equal: p.key } }],
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { datum: recommended, type: 'quantitative' } } },
      { mark: { type: 'line' }, encoding: { x: { field: 'k', type: 'quantitative', title: 'k (clusters)', axis: { tickMinStep: 1 } }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } } } },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: { field: 'k', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative' },
          color: { condition: { test: 'datum.recommended', value: '#e45756' }, value: '#4c78a8' },
          size: { condition: { test: 'datum.recommended', value: 110 }, value: 50 },
          tooltip: [{ field: 'k', type: 'quantitative' }, { field: 'value', type: 'quantitative', format: '.4g', title: p.key }],
        },
      },
    ],
  }));
  if (r.reason !== undefined && r.reason !== null && typeof r.reason !== 'string') throw inputError(source, 'result.reason', 'a sentence (text)', r.reason);
  const reason = typeof r.reason === 'string' ? r.reason : '';
  return specBase(o.title ?? `Choosing k: k = ${recommended} recommended`, { scores: rows }, { description: reason, data: { name: 'scores' }, vconcat: panels });
}
