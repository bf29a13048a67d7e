import { OptionsError, Table, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Event, Id, Item, TimestampInput } from '@marksman/core';
import { BEHAVIOUR_DEFAULTS, behaviourColumns } from './behaviour-features';
import type { BehaviourFeaturesOptions, BehaviourResolvedOptions } from './behaviour-features';
import { checkEvents, timeOption, transactionColumns } from './features-input';
import type { TransactionInput } from './features-input';
import { rfmColumns } from './rfm';

/** The data {@link buildProfiles} joins; give transactions, events or both. */
export interface ProfileSources {
  /** Order lines (records, columns or an Arrow table), for the RFM columns. */
  readonly transactions?: TransactionInput;
  /** Behaviour events (records or an Arrow table), for the behaviour columns. */
  readonly events?: readonly Event[] | ArrowLikeTable;
  /** Catalogue with item categories, for the category shares of events. */
  readonly items?: readonly Item[];
}

/** Options of {@link buildProfiles}. */
export interface BuildProfilesOptions {
  /** The instant described; only data strictly before it is used. Required. */
  readonly asOf: TimestampInput;
  /** Look-back in days for the behaviour features (default `null`: all history). RFM always uses all history. */
  readonly window?: number | null;
  /** Further options of {@link behaviourFeatures} (everything but `asOf`, `window`, `items`). */
  readonly behaviour?: Omit<BehaviourFeaturesOptions, 'asOf' | 'window' | 'items'>;
}

const DEFAULTS: Readonly<{ asOf: TimestampInput | undefined; window: number | null; behaviour: Omit<BehaviourFeaturesOptions, 'asOf' | 'window' | 'items'> }> = Object.freeze({
  asOf: undefined,
  window: null,
  behaviour: Object.freeze({}),
});

/**
 * One profile table keyed by customer id: the {@link rfm} columns and the
 * {@link behaviourFeatures} columns, both as of `asOf`, joined on
 * `customerId` (full outer join). Customers with transactions come first
 * (in RFM order), then customers seen only in events. A customer missing
 * from one source gets `NaN` in that source's numeric columns (frequency
 * and monetary included, so "no data" stays distinguishable from zero).
 * Export with `toRecords()` or `toColumns()` of the returned `Table`.
 * Costs O(n log n) in the number of rows.
 *
 * @param sources - see {@link ProfileSources}
 * @param options - see {@link BuildProfilesOptions}
 * @returns the profile `Table`
 * @throws `ValidationError` `E_INPUT` when neither transactions nor
 *   events are given, and every error of {@link rfm} and
 *   {@link behaviourFeatures} (e.g. `E_EMPTY`, `E_AS_OF`);
 *   `OptionsError` as they do, and `E_OPTION_UNKNOWN` for
 *   `asOf`, `window` or `items` inside `behaviour`, or a source other
 *   than transactions, events and items
 * @example
 * ```ts
 * import { buildProfiles } from '@marksman/profiling';
 * const profiles = buildProfiles({
 *   transactions: [{ customerId: 'a', orderId: 1, timestamp: '2024-03-01', quantity: 1, amount: 30 }],
 *   events: [
 *     { customerId: 'a', timestamp: '2024-03-01T10:00:00Z', type: 'view' },
 *     { customerId: 'z', timestamp: '2024-03-02T10:00:00Z', type: 'view' },
 *   ],
 * }, { asOf: '2024-03-11' });
 * profiles.column('customerId'); // => ['a', 'z']
 * profiles.row(0).recency; // => 10
 * profiles.row(1).frequency; // => NaN
 * profiles.row(1).count_view; // => 1
 * ```
 */
export function buildProfiles(sources: ProfileSources, options: BuildProfilesOptions): Table {
  const source = 'buildProfiles';
  if (typeof sources !== 'object' || sources === null || (sources.transactions === undefined && sources.events === undefined)) {
    throw new ValidationError('E_INPUT', `${source}: give { transactions }, { events } or both.`, { source, field: 'sources' });
  }
  for (const key of Object.keys(sources)) {
    if (key !== 'transactions' && key !== 'events' && key !== 'items') {
      throw new OptionsError('E_OPTION_UNKNOWN', `${source}: unknown source "${key}". Known sources: transactions, events, items.`, { source, field: key });
    }
  }
  const o = resolveOptions(source, DEFAULTS, options);
  const asOf = timeOption(source, 'asOf', o.asOf);
  for (const key of ['asOf', 'window', 'items']) {
    if (typeof o.behaviour === 'object' && o.behaviour !== null && key in o.behaviour) {
      throw new OptionsError('E_OPTION_UNKNOWN', `${source}: behaviour.${key} is not accepted here; give ${key === 'items' ? 'items in the sources' : `${key} at the top level`}.`, { source, field: `behaviour.${key}` });
    }
  }
  const ids: Id[] = [];
  const index = new Map<Id, number>();
  const parts: { cols: Record<string, Float64Array | Id[]>; ids: readonly Id[] }[] = [];
  if (sources.transactions !== undefined) {
    const r = rfmColumns(source, transactionColumns(source, sources.transactions), asOf);
    parts.push({
      ids: r.customerIds,
      cols: { recency: r.recency, frequency: r.frequency, monetary: r.monetary, meanOrderValue: r.meanOrderValue, tenure: r.tenure },
    });
  }
  if (sources.events !== undefined) {
    const b = resolveOptions(source, BEHAVIOUR_DEFAULTS, { ...o.behaviour, asOf, window: o.window, items: sources.items ?? null }) as BehaviourResolvedOptions;
    const cols = behaviourColumns(source, checkEvents(source, sources.events), asOf, b);
    const bIds = cols.customerId as Id[];
    delete cols.customerId;
    parts.push({ ids: bIds, cols });
  }
  for (const p of parts) {
    for (const id of p.ids) {
      if (!index.has(id)) {
        index.set(id, ids.length);
        ids.push(id);
      }
    }
  }
  const k = ids.length;
  const out: Record<string, Float64Array | Id[]> = { customerId: ids };
  for (const p of parts) {
    const pos = Int32Array.from(p.ids, (id) => index.get(id) as number);
    for (const [name, values] of Object.entries(p.cols)) {
      const full = new Float64Array(k).fill(NaN);
      for (let j = 0; j < pos.length; j++) full[pos[j] as number] = (values as Float64Array)[j] as number;
      out[name] = full;
    }
  }
  return Table.fromColumns(out);
}
