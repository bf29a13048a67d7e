import { ValidationError } from '@marksman/core';
import type { AttributionResult } from '@marksman/metrics';
import { inputError, isRecord, requireList, requireNumberField, requireNumbers } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 360, height: 18 });

/**
 * Attribution shares from `attribution` (`@marksman/metrics`): for each
 * channel, the share of conversions it is credited with, as horizontal
 * bars. Pass several results (e.g. last touch, linear and Markov on the
 * same paths) to compare models side by side: the bars of each channel are
 * grouped and coloured by model.
 *
 * Data set: `credits`, one row per model and channel (`model`, `channel`,
 * `credit` in conversions, `share` of the model's conversions, and
 * `removalEffect` for `'markov'`, else null). Costs O(models × channels).
 *
 * @param results - one `attribution` result, or several (each model once)
 * @param options - `title` (default 'Attribution: share of conversions by channel'), `width` (default 360),
 *   `height` (here: of one bar; default 18, so a channel's group is 18 px per model)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not an attribution result, one model twice, a negative credit other than Shapley's, or
 *   credits that do not sum to the conversions), `E_LENGTH`
 *   (credits not aligned with channels), `E_EMPTY`, `E_NOT_FINITE`; `OptionsError` `E_OPTION_UNKNOWN`,
 *   `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { attribution } from '@marksman/metrics';
 * import { attributionChart } from '@marksman/charts';
 * const paths = [{ channels: ['ads', 'email'], conversions: 1 }, { channels: ['ads'], conversions: 0, nulls: 1 }, { channels: ['email'], conversions: 1 }];
 * const spec = attributionChart([attribution(paths, { model: 'last_touch' }), attribution(paths, { model: 'linear' })]);
 * spec.datasets.credits.map((r) => [r.model, r.channel, r.share]);
 * // => [['last_touch', 'ads', 0], ['last_touch', 'email', 1], ['linear', 'ads', 0.25], ['linear', 'email', 0.75]]
 * ```
 */
export function attributionChart(results: AttributionResult | readonly AttributionResult[], options?: ChartOptions): VegaLiteSpec {
  const source = 'attributionChart';
  const resolved = chartOptions(source, DEFAULTS, options);
  const list = Array.isArray(results) ? requireList(source, 'results', results, 'attribution results') : [results];
  const rows: ChartRow[] = [];
  const models: string[] = [];
  const channelTotals = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!isRecord(r)) throw inputError(source, 'results', 'an attribution result { model, channels, credits }', r, i);
    if (typeof r.model !== 'string' || r.model === '') throw inputError(source, 'results.model', 'the name of the attribution model', r.model, i);
    if (!Array.isArray(r.channels)) throw inputError(source, 'results.channels', 'an array of channel names', r.channels, i);
    if (models.includes(r.model)) {
      throw new ValidationError('E_CHART_INPUT', `${source}: model '${r.model}' is given twice (row ${i}); pass each model's result once.`, { source, field: 'results', row: i });
    }
    models.push(r.model);
    const credits = requireNumbers(source, 'results.credits', r.credits);
    if (credits.length !== r.channels.length) {
      throw new ValidationError('E_LENGTH', `${source}: result ${i} has ${r.channels.length} channels but ${credits.length} credits.`, { source, field: 'results.credits', row: i });
    }
    let sum = 0;
    credits.forEach((c, k) => {
      // Shapley credits may be negative (a channel that lowers the conversion rate); the other models' never are.
      if (c < 0 && r.model !== 'shapley') throw inputError(source, 'results.credits', `conversions credited to channel ${k} (≥ 0)`, c, i);
      sum += c;
    });
    const total = requireNumberField(source, 'results.conversions', r.conversions, i);
    // The credits of every model share out the conversions, so they sum to them.
    if (!(Math.abs(sum - total) <= 1e-9 * Math.max(1, Math.abs(total)))) {
      throw new ValidationError('E_CHART_INPUT', `${source}: the credits of result ${i} sum to ${sum}, but its conversions are ${total}; pass attribution's result unchanged.`, {
        source,
        field: 'results.conversions',
        row: i,
      });
    }
    const effects = r.removalEffects === null || r.removalEffects === undefined ? null : requireNumbers(source, 'results.removalEffects', r.removalEffects);
    (r.channels as unknown[]).forEach((channel, k) => {
      if (typeof channel !== 'string') throw inputError(source, 'results.channels', 'channel names', channel, i);
      const share = total > 0 ? credits[k]! / total : 0;
      rows.push({ model: r.model as string, channel, credit: credits[k]!, share, removalEffect: effects === null ? null : (effects[k] ?? null) });
      channelTotals.set(channel, (channelTotals.get(channel) ?? 0) + share);
    });
  }
  // Channels by their mean share over the models, largest first.
  const channels = [...channelTotals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  const several = models.length > 1;
  const title = resolved.title ?? 'Attribution: share of conversions by channel';
  return specBase(title, { credits: rows }, {
    width: resolved.width,
    height: { step: resolved.height },
    data: { name: 'credits' },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'channel', type: 'nominal', sort: channels, title: null },
      x: { field: 'share', type: 'quantitative', title: 'Share of conversions', axis: { format: '.0%' } },
      ...(several ? { yOffset: { field: 'model', type: 'nominal', sort: models }, color: { field: 'model', type: 'nominal', sort: models, title: 'Model' } } : {}),
      tooltip: [
        { field: 'model', type: 'nominal' },
        { field: 'channel', type: 'nominal' },
        { field: 'credit', type: 'quantitative', format: ',.2f', title: 'conversions credited' },
        { field: 'share', type: 'quantitative', format: '.1%' },
        { field: 'removalEffect', type: 'quantitative', format: '.3f', title: 'removal effect (markov)' },
      ],
    },
  });
}
