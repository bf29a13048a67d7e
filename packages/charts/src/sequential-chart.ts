import { OptionsError, ValidationError } from '@marksman/core';
import type { SequentialTestResult } from '@marksman/experiments';
import { describeValue, inputError, requireList, requireNumberField } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Options of {@link sequentialChart}. */
export interface SequentialChartOptions extends ChartOptions {
  /** Names of the variants by input index, control included (default `'variant 1'`, `'variant 2'`, …). */
  readonly variantNames?: readonly string[] | undefined;
}

interface Resolved extends BaseOptions {
  variantNames: readonly string[] | undefined;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 420, height: 180, variantNames: undefined });

/** An interval end for the chart: finite, or null when unbounded (±Infinity, or null after JSON). */
function end(source: string, field: string, v: unknown, row: number): number | null {
  if (v === null || v === Infinity || v === -Infinity) return null;
  return requireNumberField(source, field, v, row);
}

/**
 * The path of a sequential test (`sequentialTest` of
 * `@marksman/experiments`) over its looks: for each variant, the estimated
 * difference with its always-valid confidence sequence (a band that only
 * narrows, since each look intersects the previous ones) against the units
 * seen so far, and below it the always-valid p-value with a rule at alpha.
 * Where an interval end is still unbounded (no variance yet) the band is
 * left out at that look.
 *
 * Data set: `path`, one row per look and variant (`look`, `units`,
 * `variant`, `diff`, `ciLow`, `ciHigh`, `pValue`, `significant`). Costs
 * O(looks × variants).
 *
 * @param looks - the results of the successive looks, in order (each passed as `previous` to the next)
 * @param options - `variantNames`, `title`, `width`, `height` (of each panel; default 420 × 180)
 * @returns a Vega-Lite spec (two panels, stacked)
 * @throws `ValidationError` `E_CHART_INPUT` (not sequentialTest results, or an alpha outside (0, 1), a p-value
 *   outside [0, 1], a variant index that is not a whole number ≥ 0, or looks that mix absolute and relative differences), `E_CHART_LOOK_ORDER` (looks not in
 *   increasing order), `E_EMPTY`; `OptionsError` `E_OPTION_RANGE` (too few variant names), `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { sequentialTest } from '@marksman/experiments';
 * import { sequentialChart } from '@marksman/charts';
 * const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
 * const day2 = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: day1 });
 * const spec = sequentialChart([day1, day2], { variantNames: ['control', 'new checkout'] });
 * spec.datasets.path.map((r) => [r.units, r.variant, +(r.pValue as number).toFixed(3)]); // => [[2000, 'new checkout', 0.413], [4000, 'new checkout', 0.057]]
 * ```
 */
export function sequentialChart(looks: readonly SequentialTestResult[], options?: SequentialChartOptions): VegaLiteSpec {
  const source = 'sequentialChart';
  const o = chartOptions(source, DEFAULTS, options);
  if (o.variantNames !== undefined && (!Array.isArray(o.variantNames) || o.variantNames.some((v) => typeof v !== 'string'))) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: variantNames must be an array of strings, got ${describeValue(o.variantNames)}.`, { source, field: 'variantNames' });
  }
  const list = requireList(source, 'looks', looks, 'an array of sequentialTest results, one per look');
  const rows: ChartRow[] = [];
  let alpha = NaN;
  let difference: 'absolute' | 'relative' | undefined;
  let previousLook = -Infinity;
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) throw inputError(source, 'looks', 'a sequentialTest result { look, n, comparisons }', r, i);
    if (!Array.isArray(r.n)) throw inputError(source, 'looks.n', 'an array of units per variant', r.n, i);
    if (!Array.isArray(r.comparisons)) throw inputError(source, 'looks.comparisons', 'an array of comparisons { index, diff, ciLow, ciHigh, pValue }', r.comparisons, i);
    const look = requireNumberField(source, 'looks.look', r.look, i);
    if (!(look > previousLook)) {
      throw new ValidationError('E_CHART_LOOK_ORDER', `${source}: look ${i} is look number ${look}, not after the one before it (${previousLook}); pass the looks in the order they were taken.`, { source, field: 'looks', row: i });
    }
    previousLook = look;
    alpha = requireNumberField(source, 'looks.alpha', r.alpha, i);
    if (!(alpha > 0 && alpha < 1)) throw inputError(source, 'looks.alpha', 'a number in (0, 1)', alpha, i);
    // Results from before `difference` existed are absolute differences.
    const scale = r.difference === undefined ? 'absolute' : r.difference;
    if (scale !== 'absolute' && scale !== 'relative') throw inputError(source, 'looks.difference', "'absolute' or 'relative'", r.difference, i);
    if (difference !== undefined && scale !== difference) {
      throw new ValidationError('E_CHART_INPUT', `${source}: look ${i} reports a ${scale} difference but earlier looks a ${difference} one; chart looks of one test, all with the same difference option.`, { source, field: 'looks.difference', row: i });
    }
    difference = scale;
    let units = 0;
    for (const n of r.n as unknown[]) units += requireNumberField(source, 'looks.n', n, i);
    for (const c of r.comparisons as unknown[]) {
      if (typeof c !== 'object' || c === null) throw inputError(source, 'looks.comparisons', 'a comparison { index, diff, ciLow, ciHigh, pValue }', c, i);
      const cmp = c as Record<string, unknown>;
      const index = requireNumberField(source, 'looks.comparisons.index', cmp.index, i);
      if (!Number.isSafeInteger(index) || index < 0) throw inputError(source, 'looks.comparisons.index', 'the index of a variant (a whole number ≥ 0)', index, i);
      const pValue = requireNumberField(source, 'looks.comparisons.pValue', cmp.pValue, i);
      if (!(pValue >= 0 && pValue <= 1)) throw inputError(source, 'looks.comparisons.pValue', 'a number in [0, 1]', pValue, i);
      if (o.variantNames !== undefined && index >= o.variantNames.length) {
        throw new OptionsError('E_OPTION_RANGE', `${source}: variantNames has ${o.variantNames.length} names, but the looks compare variant ${index}; name every variant, control included.`, { source, field: 'variantNames' });
      }
      rows.push({
        look,
        units,
        variant: o.variantNames?.[index] ?? `variant ${index}`,
        diff: requireNumberField(source, 'looks.comparisons.diff', cmp.diff, i),
        ciLow: end(source, 'looks.comparisons.ciLow', cmp.ciLow, i),
        ciHigh: end(source, 'looks.comparisons.ciHigh', cmp.ciHigh, i),
        pValue,
        significant: cmp.significant === true,
      });
    }
  }
  const x = { field: 'units', type: 'quantitative', title: 'Units so far (all variants)' };
  const color = { field: 'variant', type: 'nominal', title: 'Variant' };
  const tooltip = [
    { field: 'look', type: 'quantitative' },
    { field: 'units', type: 'quantitative' },
    { field: 'variant', type: 'nominal' },
    { field: 'diff', type: 'quantitative', format: '.4f' },
    { field: 'ciLow', type: 'quantitative', format: '.4f' },
    { field: 'ciHigh', type: 'quantitative', format: '.4f' },
    { field: 'pValue', type: 'quantitative', format: '.4f', title: 'always-valid p' },
  ];
  const level = Math.round((1 - alpha) * 100);
  const yTitle = difference === 'relative' ? 'Relative lift' : 'Difference';
  return specBase(o.title ?? 'Sequential test: estimate and always-valid inference by look', { path: rows }, {
    data: { name: 'path' },
    vconcat: [
      {
        title: difference === 'relative' ? `Relative lift (variant / control − 1) with ${level}% confidence sequence` : `Difference (variant − control) with ${level}% confidence sequence`,
        width: o.width,
        height: o.height,
        layer: [
          { mark: { type: 'rule', color: 'gray', strokeDash: [4, 4] }, encoding: { y: { datum: 0, type: 'quantitative' } } },
          {
            transform: [{ filter: 'isValid(datum.ciLow) && isValid(datum.ciHigh)' }],
            mark: { type: 'area', opacity: 0.2 },
            encoding: { x, y: { field: 'ciLow', type: 'quantitative', title: yTitle }, y2: { field: 'ciHigh' }, color },
          },
          { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'diff', type: 'quantitative', title: yTitle }, color, tooltip } },
        ],
      },
      {
        title: `Always-valid p-value (rule at α = ${alpha})`,
        width: o.width,
        height: o.height,
        layer: [
          { mark: { type: 'rule', color: '#e45756', strokeDash: [4, 4] }, encoding: { y: { datum: alpha, type: 'quantitative' } } },
          { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'pValue', type: 'quantitative', title: 'p-value', scale: { domain: [0, 1] } }, color, tooltip } },
        ],
      },
    ],
  });
}
