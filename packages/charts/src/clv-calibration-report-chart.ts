import { ValidationError } from '@marksman/core';
import type { CalibrationReport } from '@marksman/profiling';
import { inputError, requireList, requireNumberField, requireRecord } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 420, height: 280 });

/**
 * Draws a {@link CalibrationReport} from `@marksman/profiling`'s
 * `calibrationReport`: mean purchases in the holdout period by calibration
 * frequency, the actual line and one line per model (lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases`, for several models at
 * once).
 *
 * Data set: `purchases` (`series`, `frequency`, `label`, `customers`,
 * `purchases`): one row per group for `'actual'` and for each model.
 * Costs O(groups × models).
 *
 * @param report - the result of `calibrationReport(models, summary)`
 * @param options - `title`, `width`, `height` (default 420 × 280)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not a calibration report: a group label that is not text, a holdout
 *   duration that is not a finite number > 0, an unknown time unit), `E_EMPTY`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { BgNbdModel, ParetoNbdModel, calibrationReport, summarizeForClv } from '@marksman/profiling';
 * import { clvCalibrationReportChart } from '@marksman/charts';
 * const line = (customerId: string, timestamp: string) => ({ customerId, orderId: customerId + timestamp, timestamp, quantity: 1, amount: 10 });
 * const summary = summarizeForClv(
 *   [line('a', '2024-01-01'), line('a', '2024-01-15'), line('a', '2024-02-20'), line('b', '2024-01-03'), line('b', '2024-03-01')],
 *   { asOf: '2024-04-01', timeUnit: 'week', calibrationEnd: '2024-02-01' },
 * );
 * const report = calibrationReport([new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week'), new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 'week')], summary);
 * const spec = clvCalibrationReportChart(report);
 * [...new Set(spec.datasets.purchases.map((r) => r.series))]; // => ['actual', 'BG/NBD', 'Pareto/NBD']
 * ```
 */
export function clvCalibrationReportChart(report: CalibrationReport, options?: ChartOptions): VegaLiteSpec {
  const source = 'clvCalibrationReportChart';
  const o = chartOptions(source, DEFAULTS, options);
  const r = requireRecord(source, 'report', report, 'the result of calibrationReport');
  const models = requireList(source, 'report.models', r.models, 'an array of model scores');
  const groups = requireList(source, 'report.groups', r.groups, 'an array of groups');
  const names: string[] = [];
  for (let j = 0; j < models.length; j++) {
    const m = requireRecord(source, 'report.models', models[j], 'a model score');
    if (typeof m.name !== 'string') throw inputError(source, 'report.models.name', 'a string', m.name, j);
    names.push(m.name);
  }
  const data: ChartRow[] = [];
  const labels: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = requireRecord(source, 'report.groups', groups[i], 'a group');
    const predicted = requireList(source, 'report.groups.predicted', g.predicted, 'an array of numbers');
    if (predicted.length !== names.length) {
      throw new ValidationError('E_CHART_INPUT', `${source}: group ${i} has ${predicted.length} predictions for ${names.length} models; pass the report unchanged.`, { source, field: 'report.groups', row: i });
    }
    if (typeof g.label !== 'string') throw inputError(source, 'report.groups.label', 'a string', g.label, i);
    const label = g.label;
    labels.push(label);
    const base = { frequency: requireNumberField(source, 'report.groups.frequency', g.frequency, i), label, customers: requireNumberField(source, 'report.groups.customers', g.customers, i) };
    data.push({ series: 'actual', ...base, purchases: requireNumberField(source, 'report.groups.actual', g.actual, i) });
    names.forEach((name, j) => data.push({ series: name, ...base, purchases: requireNumberField(source, 'report.groups.predicted', predicted[j], i) }));
  }
  const d = r.durationHoldout;
  if (d !== undefined && !(typeof d === 'number' && Number.isFinite(d) && d > 0)) throw inputError(source, 'report.durationHoldout', 'a finite number > 0', d);
  const unit = r.timeUnit;
  if (unit !== undefined && unit !== 'day' && unit !== 'week' && unit !== 'month') throw inputError(source, 'report.timeUnit', "'day', 'week' or 'month'", unit);
  const duration = typeof d === 'number' ? ` (${Number(d.toFixed(2))}${unit !== undefined ? ` ${unit}s` : ''})` : '';
  return specBase(o.title ?? 'Holdout purchases by calibration-period frequency', { purchases: data }, {
    width: o.width,
    height: o.height,
    data: { name: 'purchases' },
    encoding: {
      x: { field: 'label', type: 'ordinal', sort: labels, title: 'Repeat purchases in the calibration period', axis: { labelAngle: 0 } },
      y: { field: 'purchases', type: 'quantitative', title: `Mean purchases in the holdout${duration}` },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['actual', ...names] } },
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
