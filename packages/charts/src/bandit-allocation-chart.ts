import { OptionsError, ValidationError } from '@marksman/core';
import type { BanditAllocation } from '@marksman/experiments';
import { describeValue, inputError, requireList } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Options of {@link banditAllocationChart}. */
export interface BanditAllocationChartOptions extends ChartOptions {
  /** Name of each arm, by index (default `'arm 0'`, `'arm 1'`, …). */
  readonly armNames?: readonly string[] | undefined;
}

interface Resolved extends BaseOptions {
  armNames: readonly string[] | undefined;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 480, height: 240, armNames: undefined });

/**
 * How a bandit shared traffic between its arms over time: one stacked bar per
 * batch, each arm's part its share of each batch's traffic it got. Record
 * `policy.allocate(batchSize)` (a `BanditAllocation` from
 * `@marksman/experiments`) at every batch, e.g. once a day, and pass the
 * list; lists of shares (`number[]` per batch) work too. A learning policy
 * moves traffic to the best arm.
 *
 * Data set: `allocation`, one row per batch and arm (`batch`, 1-based,
 * `arm`, `share`, `count`, null for share lists). Costs O(batches × arms).
 *
 * @param allocations - one `BanditAllocation` (or array of shares) per batch, in time order
 * @param options - `armNames`, `title`, `width`, `height` (default 480 × 240)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not an allocation, or counts that are not an array), `E_LENGTH`
 *   (batches with different numbers of arms, or counts not one per share), `E_RANGE` (a negative share, shares
 *   not summing to 1, or a count that is not a whole number ≥ 0), `E_EMPTY`;
 *   `OptionsError` `E_OPTION_RANGE` (too few arm names), `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { ThompsonSampling } from '@marksman/experiments';
 * import { banditAllocationChart } from '@marksman/charts';
 * const policy = new ThompsonSampling(2, { seed: 1 });
 * const day1 = policy.allocate(100);
 * policy.updateStats(0, { n: 50, conversions: 2 });
 * policy.updateStats(1, { n: 50, conversions: 9 });
 * const day2 = policy.allocate(100);
 * const spec = banditAllocationChart([day1, day2], { armNames: ['old banner', 'new banner'] });
 * spec.datasets.allocation.filter((r) => r.arm === 'new banner').map((r) => (r.share as number) > 0.9); // => [false, true]
 * ```
 */
export function banditAllocationChart(allocations: readonly (BanditAllocation | readonly number[])[], options?: BanditAllocationChartOptions): VegaLiteSpec {
  const source = 'banditAllocationChart';
  const o = chartOptions(source, DEFAULTS, options);
  if (o.armNames !== undefined && (!Array.isArray(o.armNames) || o.armNames.some((v) => typeof v !== 'string'))) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: armNames must be an array of strings, got ${describeValue(o.armNames)}.`, { source, field: 'armNames' });
  }
  const list = requireList(source, 'allocations', allocations, 'an array of BanditAllocation (or of share arrays), one per batch');
  const rows: ChartRow[] = [];
  let arms = -1;
  for (let b = 0; b < list.length; b++) {
    const a = list[b] as unknown;
    const shares = Array.isArray(a) ? (a as unknown[]) : typeof a === 'object' && a !== null && Array.isArray((a as BanditAllocation).shares) ? ((a as BanditAllocation).shares as unknown[]) : null;
    if (shares === null) {
      const field = typeof a === 'object' && a !== null && !Array.isArray(a) ? 'allocations.shares' : 'allocations';
      throw inputError(source, field, 'a BanditAllocation { shares, counts } or an array of shares', typeof a === 'object' && a !== null ? (a as Record<string, unknown>).shares : a, b);
    }
    const counts = Array.isArray(a) ? null : ((a as Record<string, unknown>).counts ?? null);
    if (counts !== null) {
      if (!Array.isArray(counts)) throw inputError(source, 'allocations.counts', 'an array of whole numbers of units, one per arm', counts, b);
      if (counts.length !== shares.length) {
        throw new ValidationError('E_LENGTH', `${source}: batch ${b} has ${shares.length} shares but ${counts.length} counts; every arm needs both.`, { source, field: 'allocations.counts', row: b });
      }
      counts.forEach((c: unknown, k) => {
        if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) {
          throw new ValidationError('E_RANGE', `${source}: batch ${b} gives arm ${k} the count ${describeValue(c)}; counts must be whole numbers ≥ 0.`, { source, field: 'allocations.counts', row: b });
        }
      });
    }
    if (arms < 0) {
      arms = shares.length;
      if (o.armNames !== undefined && o.armNames.length < arms) {
        throw new OptionsError('E_OPTION_RANGE', `${source}: armNames has ${o.armNames.length} names for ${arms} arms; name every arm.`, { source, field: 'armNames' });
      }
    } else if (shares.length !== arms) {
      throw new ValidationError('E_LENGTH', `${source}: batch ${b} has ${shares.length} arms, batch 0 has ${arms}; every batch must give a share for every arm.`, { source, field: 'allocations', row: b });
    }
    let sum = 0;
    shares.forEach((s, k) => {
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
        throw new ValidationError('E_RANGE', `${source}: batch ${b} gives arm ${k} the share ${describeValue(s)}; shares must lie in [0, 1].`, { source, field: 'allocations', row: b });
      }
      sum += s;
    });
    if (Math.abs(sum - 1) > 1e-6) {
      throw new ValidationError('E_RANGE', `${source}: the shares of batch ${b} sum to ${sum}, not 1.`, { source, field: 'allocations', row: b });
    }
    shares.forEach((s, k) => {
      rows.push({ batch: b + 1, arm: o.armNames?.[k] ?? `arm ${k}`, armIndex: k, share: s as number, count: counts === null ? null : (counts[k] as number) });
    });
  }
  // Label every batch up to 20 batches, then every 2nd, 5th, 10th, 20th, … so labels never collide.
  let every = 1;
  for (let m = 1; list.length / every > 20; m *= 10) every = [m, 2 * m, 5 * m, 10 * m].find((e) => list.length / e <= 20) ?? 10 * m;
  return specBase(o.title ?? 'Bandit traffic allocation by batch', { allocation: rows }, {
    width: o.width,
    height: o.height,
    data: { name: 'allocation' },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'batch', type: 'ordinal', title: 'Batch', axis: { labelAngle: 0, labelExpr: `datum.value % ${every} === 0 || datum.value === 1 ? datum.label : ''` } },
      y: { field: 'share', type: 'quantitative', stack: 'zero', title: 'Share of traffic', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'arm', type: 'nominal', title: 'Arm', sort: { field: 'armIndex' } },
      order: { field: 'armIndex', type: 'quantitative' },
      tooltip: [
        { field: 'batch', type: 'quantitative' },
        { field: 'arm', type: 'nominal' },
        { field: 'share', type: 'quantitative', format: '.1%' },
        { field: 'count', type: 'quantitative', title: 'units' },
      ],
    },
  });
}
