import type { ArrowLikeTable } from '@marksman/core';
import { arrowCheckedRecords, isArrowTable } from '@marksman/core/internal';
import type { RfmSegmentAssignment } from '@marksman/segmentation';
import { inputError, requireList, requireNumberField } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 260, height: 260 });

/**
 * Sizes and values of RFM segments from `rfmSegments`
 * (`@marksman/segmentation`): two bar charts side by side, customers per
 * segment and money spent per segment (sum of `monetary`), segments sorted
 * by size, each bar labelled with its share of the total.
 *
 * Data set: `segments`, one row per segment (`segment`, `customers`,
 * `customerShare`, `monetary`, `monetaryShare`, `meanMonetary`), largest
 * first. Costs O(n + segments log segments).
 *
 * @param assignments - what `rfmSegments` returns (any rows with `segment` and `monetary`), or an
 *   Apache Arrow table with those columns (`segment` text, `monetary` numeric)
 * @param options - `title` (default 'RFM segments'), `width`, `height` (of each panel; default 260 × 260)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (a row without a segment name or a finite monetary value; an Arrow
 *   null too), `E_EMPTY`, `E_ARROW_TYPE` (an Arrow `segment` column that is not text, or `monetary` not numbers);
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { rfmScores, rfmSegments } from '@marksman/segmentation';
 * import { rfmSegmentChart } from '@marksman/charts';
 * const scores = rfmScores([
 *   { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
 *   { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
 *   { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
 *   { customerId: 'd', recency: 300, frequency: 2, monetary: 50 },
 *   { customerId: 'e', recency: 90, frequency: 4, monetary: 200 },
 * ]);
 * const spec = rfmSegmentChart(rfmSegments(scores));
 * spec.datasets.segments.map((s) => [s.segment, s.customers, s.monetary]);
 * // => [['At risk', 2, 250], ['Champions', 1, 900], ['About to sleep', 1, 30], ['Promising', 1, 80]]
 * ```
 */
export function rfmSegmentChart(assignments: readonly RfmSegmentAssignment[] | ArrowLikeTable, options?: ChartOptions): VegaLiteSpec {
  const source = 'rfmSegmentChart';
  const o = chartOptions(source, DEFAULTS, options);
  const records = isArrowTable(assignments) ? arrowCheckedRecords(source, assignments, { segment: 'text', monetary: 'number' }, ['segment', 'monetary']) : assignments;
  const list = requireList(source, 'assignments', records, 'the result of rfmSegments (rows with segment and monetary)');
  const bySegment = new Map<string, { customers: number; monetary: number; first: number }>();
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as Record<string, unknown> | null;
    if (typeof row !== 'object' || row === null || typeof row.segment !== 'string' || row.segment === '') {
      throw inputError(source, 'assignments.segment', 'a segment name', typeof row === 'object' && row !== null ? row.segment : row, i);
    }
    const monetary = requireNumberField(source, 'assignments.monetary', row.monetary, i);
    const s = bySegment.get(row.segment) ?? { customers: 0, monetary: 0, first: i };
    s.customers++;
    s.monetary += monetary;
    bySegment.set(row.segment, s);
    total += monetary;
  }
  const n = list.length;
  // Largest first; ties keep the order in which segments first appear.
  const entries = [...bySegment.entries()].sort((a, b) => b[1].customers - a[1].customers || a[1].first - b[1].first);
  const rows: ChartRow[] = entries.map(([segment, s]) => ({
    segment,
    customers: s.customers,
    customerShare: s.customers / n,
    monetary: s.monetary,
    monetaryShare: total === 0 ? 0 : s.monetary / total,
    meanMonetary: s.monetary / s.customers,
  }));
  const order = entries.map(([segment]) => segment);
  const panel = (field: string, share: string, title: string, color: string) => ({
    width: o.width,
    height: o.height,
    encoding: {
      y: { field: 'segment', type: 'nominal', sort: order, title: null },
      x: { field, type: 'quantitative', title },
      tooltip: [
        { field: 'segment', type: 'nominal' },
        { field: 'customers', type: 'quantitative' },
        { field: 'monetary', type: 'quantitative', format: ',.2f', title: 'spend' },
        { field: 'meanMonetary', type: 'quantitative', format: ',.2f', title: 'spend per customer' },
      ],
    },
    layer: [
      { mark: { type: 'bar', color } },
      { mark: { type: 'text', align: 'left', dx: 3 }, encoding: { text: { field: share, type: 'quantitative', format: '.0%' } } },
    ],
  });
  return specBase(o.title ?? 'RFM segments', { segments: rows }, {
    data: { name: 'segments' },
    hconcat: [panel('customers', 'customerShare', 'Customers', '#4c78a8'), panel('monetary', 'monetaryShare', 'Spend (sum of monetary)', '#f58518')],
  });
}
