import type { RetentionCohorts } from '@marksman/profiling';
import { inputError, requireList, requireNumberField, requireRecord } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** The periods of `retentionCohorts`, with the word the default title uses. */
const ADJECTIVE: Readonly<Record<string, string>> = Object.freeze({ day: 'daily', week: 'weekly', month: 'monthly', quarter: 'quarterly', year: 'yearly' });

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 480, height: 300 });

/**
 * Retention cohort table from `retentionCohorts` (`@marksman/profiling`) as
 * a heat map: one row per acquisition cohort (labelled with its size), one
 * column per period since the first purchase, each cell the share of the
 * cohort that bought in that period (shown as a percentage). The newest
 * cohorts have fewer cells: nothing after the data's last period is shown.
 *
 * Data set: `retention`, one row per cohort and period (`cohort`,
 * `cohortLabel`, `customers`, `periodsAfter`, `active`, `retention`).
 * Costs O(cells).
 *
 * @param cohorts - what `retentionCohorts` returns
 * @param options - `title` (default 'Retention by monthly cohort', after the period), `width`, `height` (default 480 × 300)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not a cohort table: an unknown period, a cohort size that is not a
 *   whole number ≥ 1, or an active count that is not a whole number from 0 to the cohort's size), `E_EMPTY`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { retentionCohorts } from '@marksman/profiling';
 * import { retentionChart } from '@marksman/charts';
 * const line = (customerId: string, timestamp: string) => ({ customerId, orderId: `${customerId}-${timestamp}`, timestamp, quantity: 1, amount: 10 });
 * const cohorts = retentionCohorts([line('a', '2024-01-05'), line('a', '2024-02-10'), line('b', '2024-01-20'), line('c', '2024-02-02')]);
 * const spec = retentionChart(cohorts);
 * spec.title; // => 'Retention by monthly cohort'
 * spec.datasets.retention.map((r) => [r.cohort, r.periodsAfter, r.retention]); // => [['2024-01', 0, 1], ['2024-01', 1, 0.5], ['2024-02', 0, 1]]
 * ```
 */
export function retentionChart(cohorts: RetentionCohorts, options?: ChartOptions): VegaLiteSpec {
  const source = 'retentionChart';
  const o = chartOptions(source, DEFAULTS, options);
  const r = requireRecord(source, 'cohorts', cohorts, 'the result of retentionCohorts ({ period, cohorts })');
  const given = r.period ?? null;
  if (given !== null && !(typeof given === 'string' && Object.hasOwn(ADJECTIVE, given))) throw inputError(source, 'cohorts.period', `one of ${Object.keys(ADJECTIVE).join(', ')}`, given);
  const period = given as string | null;
  const list = requireList(source, 'cohorts.cohorts', r.cohorts, 'an array of cohorts');
  const rows: ChartRow[] = [];
  const order: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i] as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || typeof c.cohort !== 'string' || c.cohort === '') throw inputError(source, 'cohorts.cohorts', 'a cohort { cohort, customers, active }', c, i);
    const customers = requireNumberField(source, 'cohorts.cohorts.customers', c.customers, i);
    if (!Number.isSafeInteger(customers) || customers < 1) throw inputError(source, 'cohorts.cohorts.customers', 'a whole number of customers ≥ 1', customers, i);
    const active = c.active;
    if (!Array.isArray(active) || active.length === 0) throw inputError(source, 'cohorts.cohorts.active', 'a non-empty array of counts', active, i);
    const cohortLabel = `${c.cohort} · ${customers}`;
    order.push(cohortLabel);
    active.forEach((a, k) => {
      const count = requireNumberField(source, 'cohorts.cohorts.active', a, i);
      if (!Number.isSafeInteger(count) || count < 0 || count > customers) throw inputError(source, 'cohorts.cohorts.active', `whole numbers of customers from 0 to the cohort's ${customers}`, count, i);
      rows.push({ cohort: c.cohort as string, cohortLabel, customers, periodsAfter: k, active: count, retention: count / customers });
    });
  }
  const unit = period ?? 'period';
  return specBase(o.title ?? (period === null ? 'Retention by cohort' : `Retention by ${ADJECTIVE[period]} cohort`), { retention: rows }, {
    width: o.width,
    height: o.height,
    data: { name: 'retention' },
    encoding: {
      x: { field: 'periodsAfter', type: 'ordinal', title: `${unit[0]!.toUpperCase()}${unit.slice(1)}s since first purchase`, axis: { labelAngle: 0 } },
      y: { field: 'cohortLabel', type: 'ordinal', sort: order, title: 'Cohort · customers' },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'retention', type: 'quantitative', title: 'Retained', scale: { scheme: 'blues', domain: [0, 1] }, legend: { format: '.0%' } },
          tooltip: [
            { field: 'cohort', type: 'nominal' },
            { field: 'periodsAfter', type: 'ordinal', title: `${unit}s after` },
            { field: 'active', type: 'quantitative', title: 'customers active' },
            { field: 'retention', type: 'quantitative', format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'retention', type: 'quantitative', format: '.0%' },
          color: { condition: { test: 'datum.retention > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}
