import { OptionsError, ValidationError } from '@marksman/core';
import type { ClvPurchaseModel, ClvSummary } from '@marksman/profiling';
import { describeValue, inputError, requireList, requireMethod, requireNumberField, requireRecord } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Options of {@link clvCalibrationChart}. */
export interface ClvCalibrationChartOptions extends ChartOptions {
  /** Customers with this many repeat purchases or more in the calibration period share the last group (an integer ≥ 1; default 6). */
  readonly maxFrequency?: number;
}

interface Resolved extends BaseOptions {
  maxFrequency: number;
}

const TIME_UNITS = Object.freeze(['day', 'week', 'month'] as const);

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 380, height: 280, maxFrequency: 6 });

/**
 * Checks a purchase model on a holdout period, as lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases`: customers are grouped
 * by their repeat purchases in the calibration period, and for each group
 * the chart shows the mean number of purchases they actually made in the
 * holdout period next to the mean the model expected
 * (`model.conditionalExpectedPurchases(durationHoldout, customer)`). A good
 * model's line follows the actual one. Unlike lifetimes, customers above
 * `maxFrequency` are not dropped: they form the last group (`6+`).
 *
 * Data set: `purchases`, two rows per group (`series` `'actual'` and
 * `'model'`, `frequency`, `label`, `customers`, `purchases`). Costs O(n)
 * model evaluations.
 *
 * @param summary - `summarizeForClv(transactions, { asOf, timeUnit, calibrationEnd })` (the holdout columns are needed)
 * @param model - a purchase model fitted on the same summary (`fitBgNbd`, `fitParetoNbd`)
 * @param options - `maxFrequency` (default 6), `title`, `width`, `height` (default 380 × 280)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_NO_HOLDOUT` (a summary made without `calibrationEnd`),
 *   `E_CHART_INPUT` (not a summary, a summary whose calibrationEnd, durationHoldout or timeUnit is not one
 *   summarizeForClv makes, or not a purchase model), `E_EMPTY`;
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { BgNbdModel, summarizeForClv } from '@marksman/profiling';
 * import { clvCalibrationChart } from '@marksman/charts';
 * const line = (customerId: string, timestamp: string) => ({ customerId, orderId: `${customerId}${timestamp}`, timestamp, quantity: 1, amount: 10 });
 * const summary = summarizeForClv(
 *   [line('a', '2024-01-01'), line('a', '2024-01-15'), line('a', '2024-02-20'), line('b', '2024-01-03'), line('b', '2024-03-01')],
 *   { asOf: '2024-03-31', timeUnit: 'week', calibrationEnd: '2024-01-31' },
 * );
 * const model = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
 * const spec = clvCalibrationChart(summary, model);
 * spec.datasets.purchases.filter((r) => r.series === 'actual').map((r) => [r.label, r.customers, r.purchases]); // => [['0', 1, 1], ['1', 1, 1]]
 * ```
 */
export function clvCalibrationChart(summary: ClvSummary, model: ClvPurchaseModel, options?: ClvCalibrationChartOptions): VegaLiteSpec {
  const source = 'clvCalibrationChart';
  const o = chartOptions(source, DEFAULTS, options);
  if (!Number.isSafeInteger(o.maxFrequency) || o.maxFrequency < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: maxFrequency must be an integer ≥ 1, got ${describeValue(o.maxFrequency)}.`, { source, field: 'maxFrequency' });
  }
  const s = requireRecord(source, 'summary', summary, 'the result of summarizeForClv');
  requireMethod(source, 'model', model, 'conditionalExpectedPurchases', 'a fitted purchase model (fitBgNbd or fitParetoNbd)');
  if (s.calibrationEnd === undefined || s.calibrationEnd === null) {
    throw new ValidationError('E_CHART_NO_HOLDOUT', `${source}: the summary has no holdout period; make it with summarizeForClv(transactions, { asOf, timeUnit, calibrationEnd }).`, { source, field: 'summary.calibrationEnd' });
  }
  requireNumberField(source, 'summary.calibrationEnd', s.calibrationEnd);
  const duration = requireNumberField(source, 'summary.durationHoldout', s.durationHoldout);
  if (!(duration > 0)) throw inputError(source, 'summary.durationHoldout', 'a positive length of the holdout period', duration);
  if (s.timeUnit !== undefined && s.timeUnit !== null && !(TIME_UNITS as readonly unknown[]).includes(s.timeUnit)) {
    throw inputError(source, 'summary.timeUnit', `one of ${TIME_UNITS.join(', ')}`, s.timeUnit);
  }
  const rows = requireList(source, 'summary.rows', s.rows, 'an array of customer rows');
  const max = o.maxFrequency;
  const count = new Float64Array(max + 1);
  const actual = new Float64Array(max + 1);
  const predicted = new Float64Array(max + 1);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown> | null;
    if (typeof row !== 'object' || row === null) throw inputError(source, 'summary.rows', 'a customer row', row, i);
    const f = requireNumberField(source, 'summary.rows.frequency', row.frequency, i);
    const holdout = row.frequencyHoldout;
    if (typeof holdout !== 'number' || !Number.isFinite(holdout)) {
      throw new ValidationError('E_CHART_NO_HOLDOUT', `${source}: row ${i} has no frequencyHoldout; make the summary with summarizeForClv(transactions, { asOf, timeUnit, calibrationEnd }).`, {
        source,
        field: 'summary.rows.frequencyHoldout',
        row: i,
      });
    }
    const g = Math.min(f, max);
    count[g] = count[g]! + 1;
    actual[g] = actual[g]! + holdout;
    predicted[g] = predicted[g]! + model.conditionalExpectedPurchases(duration, row as never);
  }
  const data: ChartRow[] = [];
  const labels: string[] = [];
  for (let g = 0; g <= max; g++) {
    if (count[g] === 0) continue;
    const label = g === max ? `${max}+` : String(g);
    labels.push(label);
    data.push({ series: 'actual', frequency: g, label, customers: count[g]!, purchases: actual[g]! / count[g]! });
    data.push({ series: 'model', frequency: g, label, customers: count[g]!, purchases: predicted[g]! / count[g]! });
  }
  const unit = typeof s.timeUnit === 'string' ? ` ${s.timeUnit}s` : '';
  return specBase(o.title ?? 'Holdout purchases by calibration-period frequency', { purchases: data }, {
    width: o.width,
    height: o.height,
    data: { name: 'purchases' },
    encoding: {
      x: { field: 'label', type: 'ordinal', sort: labels, title: 'Repeat purchases in the calibration period', axis: { labelAngle: 0 } },
      y: { field: 'purchases', type: 'quantitative', title: `Mean purchases in the holdout (${Number(duration.toFixed(2))}${unit})` },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['actual', 'model'] } },
      tooltip: [
        { field: 'label', type: 'nominal', title: 'calibration frequency' },
        { field: 'series', type: 'nominal' },
        { field: 'purchases', type: 'quantitative', format: '.3f', title: 'mean holdout purchases' },
        { field: 'customers', type: 'quantitative' },
      ],
    },
    layer: [{ mark: { type: 'line' } }, { mark: { type: 'point', filled: true } }],
  });
}
