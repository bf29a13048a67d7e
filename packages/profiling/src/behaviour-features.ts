import { OptionsError, Table } from '@marksman/core';
import { arrowRecords, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Event, Id, Item, TimestampInput, Transaction } from '@marksman/core';
import { asOfError, checkEvents, CustomerCodes, daysOption, MS_PER_DAY, timeOption } from './features-input';
import type { CheckedEvents } from './features-input';
import { localClock } from './local-clock';

/** Options of {@link behaviourFeatures}. */
export interface BehaviourFeaturesOptions {
  /** The instant described; only events strictly before it are used. Required. */
  readonly asOf: TimestampInput;
  /**
   * Look-back in days: events in [asOf − window, asOf) are described.
   * Default `null`: all history before `asOf`. (The trend columns always
   * use the `2 × trendDays` days before `asOf`, whatever the window.)
   */
  readonly window?: number | null;
  /**
   * Catalogue giving each item's `category`, used for an event without a
   * category property. Default `null`.
   */
  readonly items?: readonly Item[] | null;
  /** Event property holding the category (takes precedence over `items`). Default `'category'`. */
  readonly categoryProperty?: string;
  /** Event types whose categories count toward the category shares; `null` (default) counts every type. */
  readonly categoryTypes?: readonly string[] | null;
  /** Event property holding the channel. Default `'channel'`. */
  readonly channelProperty?: string;
  /** Funnel steps in order; a rate is computed for each consecutive pair. Default view → click → cart → purchase. */
  readonly funnel?: readonly string[];
  /** Event type of a purchase (for baskets and inter-purchase times). Default `'purchase'`. */
  readonly purchaseType?: string;
  /**
   * Event property naming the order of a purchase event; purchase events of
   * one customer with the same order form one basket. Without it, purchase
   * events at the same instant form one basket. Default `'orderId'`.
   */
  readonly orderProperty?: string;
  /** Length in days of the two trend periods. Default 30. */
  readonly trendDays?: number;
  /** IANA time zone for days, hours and weekdays. Default `'UTC'`. */
  readonly timeZone?: string;
}

interface Resolved {
  asOf: TimestampInput | undefined;
  window: number | null;
  items: readonly Item[] | null;
  categoryProperty: string;
  categoryTypes: readonly string[] | null;
  channelProperty: string;
  funnel: readonly string[];
  purchaseType: string;
  orderProperty: string;
  trendDays: number;
  timeZone: string;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  asOf: undefined,
  window: null,
  items: null,
  categoryProperty: 'category',
  categoryTypes: null,
  channelProperty: 'channel',
  funnel: Object.freeze(['view', 'click', 'cart', 'purchase']),
  purchaseType: 'purchase',
  orderProperty: 'orderId',
  trendDays: 30,
  timeZone: 'UTC',
});

function stringOption(source: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a non-empty string.`, { source, field });
  return v;
}

function stringListOption(source: string, field: string, v: unknown, allowNull: boolean): readonly string[] | null {
  if (v === null && allowNull) return null;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an array of non-empty strings${allowNull ? ' or null' : ''}.`, { source, field });
  }
  return v as readonly string[];
}

/** Codes strings densely; `names()` sorted, with `order` mapping code → sorted position. */
class Dictionary {
  readonly #map = new Map<string, number>();
  readonly list: string[] = [];
  code(s: string): number {
    let c = this.#map.get(s);
    if (c === undefined) {
      c = this.list.length;
      this.#map.set(s, c);
      this.list.push(s);
    }
    return c;
  }
  get(s: string): number | undefined {
    return this.#map.get(s);
  }
  /** Codes in sorted-name order. */
  sortedCodes(): number[] {
    return this.list.map((_, i) => i).sort((a, b) => (this.list[a]! < this.list[b]! ? -1 : this.list[a]! > this.list[b]! ? 1 : 0));
  }
}

function propString(e: Event, key: string): string | undefined {
  const v = e.properties?.[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A transaction line (an object with `orderId` and no `type`) rather than an event. */
function isTransactionLine(r: unknown): r is Transaction {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && !('type' in r) && 'orderId' in r;
}

/**
 * Transaction lines as purchase events: type `purchaseType`, the line's
 * item, value = amount (or quantity × unitPrice), and its order id and
 * channel under `orderProperty` and `channelProperty`. Events pass through.
 */
function asEvents(rows: readonly unknown[], purchaseType: string, orderProperty: string, channelProperty: string): readonly Event[] {
  if (!Array.isArray(rows) || !rows.some(isTransactionLine)) return rows as readonly Event[];
  return rows.map((r): Event => {
    if (!isTransactionLine(r)) return r as Event;
    const value = r.amount ?? (r.unitPrice === undefined ? undefined : r.quantity * r.unitPrice);
    const properties: Record<string, unknown> = { [orderProperty]: r.orderId };
    if (r.channel !== undefined) properties[channelProperty] = r.channel;
    return {
      customerId: r.customerId,
      timestamp: r.timestamp,
      type: purchaseType,
      ...(r.itemId === undefined ? {} : { itemId: r.itemId }),
      ...(typeof value === 'number' && Number.isFinite(value) ? { value } : {}),
      properties,
    };
  });
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Behaviour features per customer from an event log, as of an instant.
 * One row per customer with at least one event in [asOf − window, asOf),
 * in order of first appearance. Columns (all numeric except `customerId`):
 *
 * - `events` — events in the window; `count_<type>` per event type seen
 *   in the window (and each funnel step), types sorted by name;
 * - `funnel_<a>_<b>` — per consecutive funnel steps, count(b) / count(a);
 *   `NaN` when count(a) = 0 (a rate can exceed 1: it is a ratio of counts);
 * - `activeDays` — distinct calendar days (in `timeZone`) with an event;
 * - `baskets` — purchases, grouped into baskets (see `orderProperty`);
 *   `basketSize` — mean purchase events per basket (`NaN` with none);
 * - `interPurchaseMean`, `interPurchaseStd` — mean and sample standard
 *   deviation (n − 1) of the days between consecutive baskets (`NaN` with
 *   fewer than 2 resp. 3 baskets);
 * - `category_<name>` — share of the customer's categorised events per
 *   category (the affinity vector; sums to 1, or all 0 when the customer
 *   has none). A category comes from the event property `categoryProperty`,
 *   else from `items` by `itemId`;
 * - `channel_<name>` — share of events per channel property (same rule);
 * - `hour_00` … `hour_23`, `weekday_0` (Sunday) … `weekday_6` — shares of
 *   the customer's events by local hour and weekday (each group sums to 1);
 * - `eventsLast`, `eventsPrevious` — events in [asOf − d, asOf) and
 *   [asOf − 2d, asOf − d) with d = `trendDays`; `trend` = ln((last + 1) /
 *   (previous + 1)) (0 = flat, positive = growing).
 *
 * Nothing at or after `asOf` is read, so adding later events changes
 * nothing. Costs O(n log n) (baskets are sorted by time).
 *
 * **Transactions** are accepted as they are: a record with an `orderId`
 * and no `type` — the order lines that {@link cleanTransactions} and
 * {@link rfm} take — is read as a `purchaseType` event of its customer at
 * its time, with its `itemId` (so `items` gives its category), its order id
 * as the `orderProperty` property (lines of one order make one basket) and
 * its `channel` as the `channelProperty` property. Events and lines may be
 * mixed in one array.
 *
 * @param events - event records (checked with `validateEvents`), transaction lines, or both
 * @param options - see {@link BehaviourFeaturesOptions}
 * @returns a `Table` keyed by `customerId`
 * @throws `ValidationError` `E_EMPTY` for no events, `E_AS_OF` when
 *   no event is in the window before `asOf`, the first bad row's code
 *   (`E_MISSING`, `E_TIMESTAMP`, `E_EVENT_TYPE`…); `OptionsError`
 *   `E_OPTION_RANGE` for an invalid option, `E_TIME_ZONE`,
 *   `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { behaviourFeatures } from '@marksman/profiling';
 * const t = behaviourFeatures([
 *   { customerId: 'a', timestamp: '2024-03-01T09:00:00Z', type: 'view', properties: { category: 'books' } },
 *   { customerId: 'a', timestamp: '2024-03-01T09:05:00Z', type: 'click', properties: { category: 'books' } },
 *   { customerId: 'a', timestamp: '2024-03-02T18:00:00Z', type: 'view', properties: { category: 'games' } },
 *   { customerId: 'a', timestamp: '2024-03-02T18:10:00Z', type: 'purchase', properties: { category: 'books' } },
 * ], { asOf: '2024-03-10' });
 * t.row(0).count_view; // => 2
 * t.row(0).funnel_view_click; // => 0.5
 * t.row(0).activeDays; // => 2
 * t.row(0).category_books; // => 0.75
 * t.row(0).hour_09; // => 0.5
 *
 * // Order lines are purchase events as they are: two lines of order 7 make one basket.
 * const lines = behaviourFeatures([
 *   { customerId: 'b', orderId: 7, itemId: 'x', timestamp: '2024-03-01T10:00:00Z', quantity: 1, amount: 5 },
 *   { customerId: 'b', orderId: 7, itemId: 'y', timestamp: '2024-03-01T10:00:00Z', quantity: 2, amount: 8 },
 *   { customerId: 'b', orderId: 9, itemId: 'x', timestamp: '2024-03-05T10:00:00Z', quantity: 1, amount: 5 },
 * ], { asOf: '2024-03-10' });
 * [lines.row(0).count_purchase, lines.row(0).baskets, lines.row(0).basketSize]; // => [3, 2, 1.5]
 * ```
 */
export function behaviourFeatures(events: readonly (Event | Transaction)[] | ArrowLikeTable, options: BehaviourFeaturesOptions): Table {
  const source = 'behaviourFeatures';
  if (isArrowTable(events)) return behaviourFeatures(arrowRecords(source, events) as unknown as readonly Event[], options);
  const o = resolveOptions(source, DEFAULTS, options) as Resolved;
  const asOf = timeOption(source, 'asOf', o.asOf);
  const purchaseType = stringOption(source, 'purchaseType', o.purchaseType);
  const orderProperty = stringOption(source, 'orderProperty', o.orderProperty);
  const channelProperty = stringOption(source, 'channelProperty', o.channelProperty);
  const f = behaviourColumns(source, checkEvents(source, asEvents(events, purchaseType, orderProperty, channelProperty)), asOf, o);
  return Table.fromColumns(f);
}

/** Internal: the feature pass, returning ordered columns (shared with buildProfiles). */
export function behaviourColumns(source: string, checked: CheckedEvents, asOf: number, o: Resolved): Record<string, Float64Array | Id[]> {
  const window = daysOption(source, 'window', o.window, true);
  const trendDays = daysOption(source, 'trendDays', o.trendDays, false) as number;
  const categoryProperty = stringOption(source, 'categoryProperty', o.categoryProperty);
  const channelProperty = stringOption(source, 'channelProperty', o.channelProperty);
  const purchaseType = stringOption(source, 'purchaseType', o.purchaseType);
  const orderProperty = stringOption(source, 'orderProperty', o.orderProperty);
  const funnel = stringListOption(source, 'funnel', o.funnel, false) as readonly string[];
  const categoryTypesList = stringListOption(source, 'categoryTypes', o.categoryTypes, true);
  const categoryTypes = categoryTypesList === null ? null : new Set(categoryTypesList);
  if (typeof o.timeZone !== 'string') stringOption(source, 'timeZone', o.timeZone);
  const clock = localClock(source, o.timeZone);
  let itemCategory: Map<Id, string> | null = null;
  if (o.items !== null) {
    if (!Array.isArray(o.items)) throw new OptionsError('E_OPTION_RANGE', `${source}: items must be an array of { itemId, category } or null.`, { source, field: 'items' });
    itemCategory = new Map();
    for (const it of o.items) {
      if (typeof it === 'object' && it !== null && typeof it.category === 'string' && it.category !== '') itemCategory.set(it.itemId, it.category);
    }
  }

  const start = window === null ? -Infinity : asOf - window * MS_PER_DAY;
  const trendStart = asOf - 2 * trendDays * MS_PER_DAY;
  const trendMid = asOf - trendDays * MS_PER_DAY;

  // Pass 1: which rows, which customers, which dictionaries.
  const { rows, timestamp } = checked;
  const n = rows.length;
  const customers = new CustomerCodes();
  const types = new Dictionary();
  for (const step of funnel) types.code(step);
  const categories = new Dictionary();
  const channels = new Dictionary();
  const rowCustomer = new Int32Array(n).fill(-1);
  const rowType = new Int32Array(n);
  const rowCategory = new Int32Array(n).fill(-1);
  const rowChannel = new Int32Array(n).fill(-1);
  const rowDay = new Int32Array(n);
  const purchaseRows: number[] = [];
  const purchaseOrders: (string | undefined)[] = [];
  const rowHour = new Uint8Array(n);
  let minDay = Infinity;
  let maxDay = -Infinity;
  let earliest = Infinity;
  for (let i = 0; i < n; i++) {
    const e = rows[i]!;
    const t = timestamp[i] as number;
    if (t < earliest) earliest = t;
    if (!(t < asOf) || t < start) continue;
    rowCustomer[i] = customers.code(e.customerId);
    rowType[i] = types.code(e.type);
    let cat = propString(e, categoryProperty);
    if (cat === undefined && itemCategory !== null && e.itemId !== undefined) cat = itemCategory.get(e.itemId);
    if (cat !== undefined && (categoryTypes === null || categoryTypes.has(e.type))) rowCategory[i] = categories.code(cat);
    const ch = propString(e, channelProperty);
    if (ch !== undefined) rowChannel[i] = channels.code(ch);
    if (e.type === purchaseType) {
      purchaseRows.push(i);
      purchaseOrders.push(propString(e, orderProperty));
    }
    const local = clock(t);
    const day = Math.floor(local / MS_PER_DAY);
    rowDay[i] = day;
    rowHour[i] = Math.floor((local - day * MS_PER_DAY) / 3_600_000);
    if (day < minDay) minDay = day;
    if (day > maxDay) maxDay = day;
  }
  const k = customers.ids.length;
  if (k === 0) throw asOfError(source, window === null ? 'event' : `event of the ${window}-day window`, asOf, earliest);
  const T = types.list.length;
  const C = categories.list.length;
  const H = channels.list.length;

  const eventsN = new Float64Array(k);
  const typeCounts = new Float64Array(k * T);
  const catCounts = new Float64Array(k * C);
  const catTotal = new Float64Array(k);
  const chCounts = new Float64Array(k * H);
  const chTotal = new Float64Array(k);
  const hours = new Float64Array(k * 24);
  const weekdays = new Float64Array(k * 7);
  const activeDays = new Float64Array(k);
  // Distinct (customer, day) pairs: a bitset when it is small enough, else a Set.
  const span = maxDay - minDay + 1;
  const bits = k * span <= 1 << 28 ? new Uint32Array(Math.ceil((k * span) / 32)) : null;
  const seenDays = bits === null ? new Set<number>() : null;
  const eventsLast = new Float64Array(k);
  const eventsPrev = new Float64Array(k);

  // Pass 2 reads only typed arrays, except for rows outside the window.
  for (let i = 0; i < n; i++) {
    const t = timestamp[i] as number;
    if (!(t < asOf)) continue;
    let c = rowCustomer[i] as number;
    if (c < 0) {
      // Outside the window: only the trend counts, for customers in the window.
      if (t < trendStart) continue;
      const found = customers.find(rows[i]!.customerId);
      if (found === undefined) continue;
      c = found;
    } else {
      eventsN[c] = (eventsN[c] as number) + 1;
      const ty = rowType[i] as number;
      typeCounts[c * T + ty] = (typeCounts[c * T + ty] as number) + 1;
      const cat = rowCategory[i] as number;
      if (cat >= 0) {
        catCounts[c * C + cat] = (catCounts[c * C + cat] as number) + 1;
        catTotal[c] = (catTotal[c] as number) + 1;
      }
      const ch = rowChannel[i] as number;
      if (ch >= 0) {
        chCounts[c * H + ch] = (chCounts[c * H + ch] as number) + 1;
        chTotal[c] = (chTotal[c] as number) + 1;
      }
      const day = rowDay[i] as number;
      const hour = rowHour[i] as number;
      const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      hours[c * 24 + hour] = (hours[c * 24 + hour] as number) + 1;
      weekdays[c * 7 + weekday] = (weekdays[c * 7 + weekday] as number) + 1;
      const pair = c * span + (day - minDay);
      if (bits !== null) {
        const word = pair >>> 5;
        const mask = 1 << (pair & 31);
        if (((bits[word] as number) & mask) === 0) {
          bits[word] = (bits[word] as number) | mask;
          activeDays[c] = (activeDays[c] as number) + 1;
        }
      } else if (!(seenDays as Set<number>).has(pair)) {
        (seenDays as Set<number>).add(pair);
        activeDays[c] = (activeDays[c] as number) + 1;
      }
    }
    if (t >= trendMid) eventsLast[c] = (eventsLast[c] as number) + 1;
    else if (t >= trendStart) eventsPrev[c] = (eventsPrev[c] as number) + 1;
  }

  // Baskets: purchase events of one customer with the same order (or instant).
  const basketKey = new Map<string, number>();
  const basketCustomer: number[] = [];
  const basketTime: number[] = [];
  const basketLines: number[] = [];
  for (let p = 0; p < purchaseRows.length; p++) {
    const i = purchaseRows[p] as number;
    const c = rowCustomer[i] as number;
    const t = timestamp[i] as number;
    const order = purchaseOrders[p];
    const key = order === undefined ? `${c}|t${t}` : `${c}|o${order}`;
    const b = basketKey.get(key);
    if (b === undefined) {
      basketKey.set(key, basketCustomer.length);
      basketCustomer.push(c);
      basketTime.push(t);
      basketLines.push(1);
    } else {
      basketLines[b] = (basketLines[b] as number) + 1;
      if (t < (basketTime[b] as number)) basketTime[b] = t;
    }
  }
  // Baskets: sizes and the gaps between consecutive baskets per customer.
  const baskets = new Float64Array(k);
  const basketSize = new Float64Array(k);
  const ipMean = new Float64Array(k).fill(NaN);
  const ipStd = new Float64Array(k).fill(NaN);
  const nb = basketCustomer.length;
  const order = Array.from({ length: nb }, (_, j) => j).sort(
    (a, b) => (basketCustomer[a] as number) - (basketCustomer[b] as number) || (basketTime[a] as number) - (basketTime[b] as number),
  );
  for (let s = 0; s < nb; ) {
    const c = basketCustomer[order[s]!] as number;
    let e = s;
    let lines = 0;
    while (e < nb && basketCustomer[order[e]!] === c) lines += basketLines[order[e++]!] as number;
    const m = e - s;
    baskets[c] = m;
    basketSize[c] = lines / m;
    if (m >= 2) {
      // Welford over the m − 1 gaps, in days.
      let mean = 0;
      let m2 = 0;
      for (let j = 1; j < m; j++) {
        const gap = ((basketTime[order[s + j]!] as number) - (basketTime[order[s + j - 1]!] as number)) / MS_PER_DAY;
        const d = gap - mean;
        mean += d / j;
        m2 += d * (gap - mean);
      }
      ipMean[c] = mean;
      if (m >= 3) ipStd[c] = Math.sqrt(m2 / (m - 2));
    }
    s = e;
  }
  for (let c = 0; c < k; c++) if (baskets[c] === 0) basketSize[c] = NaN;

  const out: Record<string, Float64Array | Id[]> = { customerId: customers.ids, events: eventsN };
  const col = (fill: (c: number) => number): Float64Array => {
    const a = new Float64Array(k);
    for (let c = 0; c < k; c++) a[c] = fill(c);
    return a;
  };
  for (const ty of types.sortedCodes()) out[`count_${types.list[ty]!}`] = col((c) => typeCounts[c * T + ty] as number);
  for (let s = 0; s + 1 < funnel.length; s++) {
    const a = types.get(funnel[s]!) as number;
    const b = types.get(funnel[s + 1]!) as number;
    out[`funnel_${funnel[s]!}_${funnel[s + 1]!}`] = col((c) => {
      const base = typeCounts[c * T + a] as number;
      return base === 0 ? NaN : (typeCounts[c * T + b] as number) / base;
    });
  }
  out.activeDays = activeDays;
  out.baskets = baskets;
  out.basketSize = basketSize;
  out.interPurchaseMean = ipMean;
  out.interPurchaseStd = ipStd;
  for (const cat of categories.sortedCodes()) {
    out[`category_${categories.list[cat]!}`] = col((c) => (catTotal[c] === 0 ? 0 : (catCounts[c * C + cat] as number) / (catTotal[c] as number)));
  }
  for (const ch of channels.sortedCodes()) {
    out[`channel_${channels.list[ch]!}`] = col((c) => (chTotal[c] === 0 ? 0 : (chCounts[c * H + ch] as number) / (chTotal[c] as number)));
  }
  for (let h = 0; h < 24; h++) out[`hour_${pad2(h)}`] = col((c) => (hours[c * 24 + h] as number) / (eventsN[c] as number));
  for (let w = 0; w < 7; w++) out[`weekday_${w}`] = col((c) => (weekdays[c * 7 + w] as number) / (eventsN[c] as number));
  out.eventsLast = eventsLast;
  out.eventsPrevious = eventsPrev;
  out.trend = col((c) => Math.log(((eventsLast[c] as number) + 1) / ((eventsPrev[c] as number) + 1)));
  return out;
}

export type { Resolved as BehaviourResolvedOptions };
export { DEFAULTS as BEHAVIOUR_DEFAULTS };
