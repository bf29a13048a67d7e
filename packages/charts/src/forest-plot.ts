import { OptionsError } from '@marksman/core';
import type { MetricSummaryInput } from '@marksman/experiments';
import { describeValue, inputError, requireList, requireNumberField } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Options of {@link forestPlot}. */
export interface ForestPlotOptions extends ChartOptions {
  /**
   * `'diff'` (default): each metric's difference treatment − control, in its
   * `format` (`'pp'`, the default, and `'percent'` ×100; `'number'` as is);
   * metrics in different units get a panel each. `'lift'`: the relative
   * lift with its interval, all on one percent axis (results of
   * `proportionsZTest` and `welchTTest` carry it).
   */
  readonly scale?: 'diff' | 'lift';
}

interface Resolved extends BaseOptions {
  scale: 'diff' | 'lift';
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 360, height: 28, scale: 'diff' });

const UNIT_TITLE: Record<string, string> = { pp: 'Difference (percentage points)', percent: 'Difference (%)', number: 'Difference', lift: 'Relative lift (%)' };

/**
 * Forest plot of experiment results: one row per metric with its estimate
 * (a point) and confidence interval (a bar), a rule at zero, and colour
 * saying whether the interval lies above zero, below it or includes it. It
 * takes the list given to `summarizeExperiment` (`{ name, result, format?,
 * role? }` with results of `proportionsZTest`, `welchTTest`,
 * `ratioMetricTest`, `cuped`, …), so the chart and the sentences describe
 * the same numbers. Intervals are the tests' own, unadjusted ones.
 *
 * Data set: `intervals`, one row per metric (`name`, `role`, `unit`,
 * `estimate`, `low`, `high`, `pValue`, `level`, `interval`). Costs
 * O(metrics).
 *
 * @param metrics - `[{ name, result, format?, role? }]`, as for `summarizeExperiment`
 * @param options - `scale` (`'diff'` default, or `'lift'`), `title`, `width` (default 360), `height`
 *   (here: of one metric's row; default 28)
 * @returns a Vega-Lite spec (one panel per unit, stacked)
 * @throws `ValidationError` `E_CHART_INPUT` (a metric without a name, an unknown format or role, a result without
 *   diff / ciLow / ciHigh (or lift / liftCiLow / liftCiHigh with `scale: 'lift'`), an interval whose low end is
 *   above its high end, or a pValue outside [0, 1] or an alpha outside (0, 1) where given), `E_EMPTY`;
 *   `OptionsError` `E_OPTION_RANGE` (scale), `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { proportionsZTest } from '@marksman/experiments';
 * import { forestPlot } from '@marksman/charts';
 * const conversion = proportionsZTest({ n: 21306, conversions: 122 }, { n: 21307, conversions: 267 });
 * const orderValue = { diff: 0.8, ciLow: -1.2, ciHigh: 2.8, pValue: 0.43, alpha: 0.05 };
 * const spec = forestPlot([{ name: 'conversion', result: conversion }, { name: 'order value', result: orderValue, format: 'number' }]);
 * spec.datasets.intervals.map((r) => [r.name, r.unit, r.interval]); // => [['conversion', 'pp', 'above 0'], ['order value', 'number', 'includes 0']]
 * (spec.datasets.intervals[0].estimate as number).toFixed(2); // => '0.68'
 * (spec.vconcat as unknown[]).length; // => 2
 * ```
 */
export function forestPlot(metrics: readonly MetricSummaryInput[], options?: ForestPlotOptions): VegaLiteSpec {
  const source = 'forestPlot';
  const o = chartOptions(source, DEFAULTS, options);
  if (o.scale !== 'diff' && o.scale !== 'lift') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: scale must be 'diff' or 'lift', got ${describeValue(o.scale)}.`, { source, field: 'scale' });
  }
  const list = requireList(source, 'metrics', metrics, 'an array of { name, result } (as for summarizeExperiment)');
  const rows: ChartRow[] = [];
  const units: string[] = [];
  const levels = new Set<number>();
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null || typeof m.name !== 'string' || m.name === '') throw inputError(source, 'metrics.name', 'a metric name', typeof m === 'object' && m !== null ? m.name : m, i);
    const r = m.result as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) throw inputError(source, 'metrics.result', 'a test result { diff, ciLow, ciHigh, pValue, alpha }', r, i);
    const format = m.format ?? 'pp';
    if (format !== 'pp' && format !== 'percent' && format !== 'number') throw inputError(source, 'metrics.format', "'pp', 'percent' or 'number'", format, i);
    const role = m.role ?? 'primary';
    if (role !== 'primary' && role !== 'secondary' && role !== 'guardrail') throw inputError(source, 'metrics.role', "'primary', 'secondary' or 'guardrail'", role, i);
    const unit = o.scale === 'lift' ? 'lift' : (format as string);
    const factor = unit === 'number' ? 1 : 100;
    const [estimate, low, high] = o.scale === 'lift' ? [r.lift, r.liftCiLow, r.liftCiHigh] : [r.diff, r.ciLow, r.ciHigh];
    const field = o.scale === 'lift' ? ['lift', 'liftCiLow', 'liftCiHigh'] : ['diff', 'ciLow', 'ciHigh'];
    const values = [estimate, low, high].map((v, j) => {
      const scaled = factor * requireNumberField(source, `metrics.result.${field[j]}`, v, i);
      // ×100 for percentages: a value near the largest number overflows.
      if (!Number.isFinite(scaled)) throw inputError(source, `metrics.result.${field[j]}`, 'a number whose percentage is finite', v, i);
      return scaled;
    });
    if (values[1]! > values[2]!) throw inputError(source, `metrics.result.${field[1]}`, `at most ${field[2]} (${String(high)})`, low, i);
    const alpha = r.alpha ?? null;
    if (alpha !== null && (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1))) throw inputError(source, 'metrics.result.alpha', 'a number in (0, 1)', alpha, i);
    const pValue = r.pValue ?? null;
    if (pValue !== null && (typeof pValue !== 'number' || !(pValue >= 0 && pValue <= 1))) throw inputError(source, 'metrics.result.pValue', 'a number in [0, 1]', pValue, i);
    if (alpha !== null) levels.add(alpha);
    rows.push({
      name: m.name,
      role,
      unit,
      estimate: values[0]!,
      low: values[1]!,
      high: values[2]!,
      pValue,
      level: alpha === null ? null : 1 - alpha,
      interval: values[1]! > 0 ? 'above 0' : values[2]! < 0 ? 'below 0' : 'includes 0',
    });
    if (!units.includes(unit)) units.push(unit);
  }
  const panels = units.map((unit) => {
    const count = rows.filter((r) => r.unit === unit).length;
    const x = { field: 'estimate', type: 'quantitative', title: UNIT_TITLE[unit] };
    const y = { field: 'name', type: 'nominal', title: null, sort: null };
    return {
      width: o.width,
      height: o.height * count,
      transform: [{ filter: { field: 'unit', equal: unit } }],
      layer: [
        { mark: { type: 'rule', color: 'gray', strokeDash: [4, 4] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { y, x: { field: 'low', type: 'quantitative', title: UNIT_TITLE[unit] }, x2: { field: 'high' }, color: { field: 'interval', type: 'nominal', title: 'Interval', scale: { domain: ['above 0', 'includes 0', 'below 0'], range: ['#54a24b', '#9d9d9d', '#e45756'] } } },
        },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x,
            color: { field: 'interval', type: 'nominal' },
            tooltip: [
              { field: 'name', type: 'nominal', title: 'metric' },
              { field: 'estimate', type: 'quantitative', format: '.3f' },
              { field: 'low', type: 'quantitative', format: '.3f' },
              { field: 'high', type: 'quantitative', format: '.3f' },
              { field: 'level', type: 'quantitative', format: '.0%', title: 'interval level' },
              { field: 'pValue', type: 'quantitative', format: '.4f', title: 'p-value' },
            ],
          },
        },
      ],
    };
  });
  const level = levels.size === 1 ? `${Math.round((1 - [...levels][0]!) * 100)}% ` : '';
  const what = o.scale === 'lift' ? 'Relative lifts' : 'Differences (treatment − control)';
  return specBase(o.title ?? `${what} with ${level}confidence intervals`, { intervals: rows }, { data: { name: 'intervals' }, vconcat: panels });
}
