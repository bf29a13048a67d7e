import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { Event, Item } from '@marksman/core';
import { behaviourFeatures } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

const items: readonly Item[] = Object.freeze([Object.freeze({ itemId: 'g1', category: 'games' })]);
const events = (): Event[] => [
  { customerId: 'a', timestamp: '2024-03-01T09:00:00Z', type: 'view', properties: { category: 'books', channel: 'web' } },
  { customerId: 'a', timestamp: '2024-03-01T09:05:00Z', type: 'click', properties: { category: 'books', channel: 'web' } },
  { customerId: 'a', timestamp: '2024-03-01T09:10:00Z', type: 'cart', itemId: 'g1', properties: { channel: 'app' } },
  { customerId: 'a', timestamp: '2024-03-01T09:15:00Z', type: 'purchase', properties: { orderId: 'A', category: 'books' } },
  { customerId: 'a', timestamp: '2024-03-01T09:15:00Z', type: 'purchase', itemId: 'g1', properties: { orderId: 'A' } },
  { customerId: 'a', timestamp: '2024-02-10T20:00:00Z', type: 'view', properties: { category: 'games' } },
  { customerId: 'a', timestamp: '2024-02-20T20:00:00Z', type: 'purchase', itemId: 'g1' },
  { customerId: 'a', timestamp: '2024-03-31T00:00:00Z', type: 'view' }, // at asOf: not used
  { customerId: 'b', timestamp: '2024-01-15T12:00:00Z', type: 'view' },
];
const asOf = '2024-03-31T00:00:00Z';

describe('behaviourFeatures', () => {
  it('hand-computed case: counts, funnel, active days, baskets, inter-purchase time, shares, hour/weekday, trend', () => {
    const t = behaviourFeatures(freezeRows(events()), { asOf, items });
    const a = t.row(0);
    expect(a.customerId).toBe('a');
    expect(a).toMatchObject({ events: 7, count_view: 2, count_click: 1, count_cart: 1, count_purchase: 3 });
    expect(a).toMatchObject({ funnel_view_click: 0.5, funnel_click_cart: 1, funnel_cart_purchase: 3 });
    expect(a).toMatchObject({ activeDays: 3, baskets: 2, basketSize: 1.5 });
    expect(a.interPurchaseMean).toBeCloseTo(9 + 13.25 / 24, 12);
    expect(a.interPurchaseStd).toBeNaN(); // two baskets: one gap
    expect(a.category_books).toBeCloseTo(3 / 7, 15);
    expect(a.category_games).toBeCloseTo(4 / 7, 15);
    expect(a.channel_web).toBeCloseTo(2 / 3, 15);
    expect(a.channel_app).toBeCloseTo(1 / 3, 15);
    expect(a.hour_09).toBeCloseTo(5 / 7, 15);
    expect(a.hour_20).toBeCloseTo(2 / 7, 15);
    expect(a.weekday_5).toBeCloseTo(5 / 7, 15); // 2024-03-01 was a Friday
    expect(a.weekday_6).toBeCloseTo(1 / 7, 15);
    expect(a.weekday_2).toBeCloseTo(1 / 7, 15);
    expect(a).toMatchObject({ eventsLast: 5, eventsPrevious: 2 });
    expect(a.trend).toBeCloseTo(Math.log(2), 15);
    const b = t.row(1);
    expect(b).toMatchObject({ customerId: 'b', events: 1, count_view: 1, funnel_view_click: 0, category_books: 0, category_games: 0, hour_12: 1, weekday_1: 1, trend: 0 });
    expect(b.funnel_click_cart).toBeNaN();
    expect(b.basketSize).toBeNaN();
    // Each share group sums to 1 for every customer.
    for (const r of t.toRecords()) {
      let h = 0;
      for (let i = 0; i < 24; i++) h += r[`hour_${String(i).padStart(2, '0')}`] as number;
      expect(h).toBeCloseTo(1, 12);
    }
    expect(t.columnNames.filter((c) => c.startsWith('category_'))).toEqual(['category_books', 'category_games']);
  });

  it('the window limits everything but the trend', () => {
    const t = behaviourFeatures(events(), { asOf, items, window: 30 });
    expect(t.numRows).toBe(1);
    expect(t.row(0)).toMatchObject({ events: 5, count_view: 1, activeDays: 1, baskets: 1, eventsLast: 5, eventsPrevious: 2 });
    expect(t.row(0).interPurchaseMean).toBeNaN();
  });

  it('no leakage: events at or after asOf (new types, categories, customers) change nothing', () => {
    const base = behaviourFeatures(events(), { asOf, items });
    const later: Event[] = [
      { customerId: 'zed', timestamp: '2024-04-02', type: 'signup', properties: { category: 'new', channel: 'tv' } },
      ...events(),
      { customerId: 'a', timestamp: asOf, type: 'purchase', itemId: 'g1', properties: { orderId: 'A' } },
      { customerId: 'b', timestamp: '2024-05-01', type: 'click' },
    ];
    expect(behaviourFeatures(freezeRows(later), { asOf, items }).toColumns()).toEqual(base.toColumns());
  });

  it('reads hours, weekdays and days in the given time zone (with daylight saving)', () => {
    const t = behaviourFeatures(events(), { asOf, items, timeZone: 'Asia/Tokyo' });
    const a = t.row(0);
    expect(a.hour_18).toBeCloseTo(5 / 7, 15);
    expect(a.hour_05).toBeCloseTo(2 / 7, 15);
    expect(a.weekday_0).toBeCloseTo(1 / 7, 15); // 2024-02-11 (Sunday) in Tokyo
    expect(a.weekday_3).toBeCloseTo(1 / 7, 15);
    const ny = behaviourFeatures([{ customerId: 1, timestamp: '2024-03-10T07:30:00Z', type: 'view' }], { asOf, timeZone: 'America/New_York' });
    expect(ny.row(0).hour_03).toBe(1); // 03:30 EDT, just after the clocks went forward
    expect(ny.row(0).weekday_0).toBe(1);
  });

  it('sample standard deviation of gaps with three or more baskets; categoryTypes restricts the shares', () => {
    const rows: Event[] = [0, 1, 3, 7].map((d) => ({ customerId: 'p', timestamp: Date.UTC(2024, 0, 1 + d), type: 'purchase', properties: { category: d === 7 ? 'x' : 'y' } }));
    rows.push({ customerId: 'p', timestamp: Date.UTC(2024, 0, 2), type: 'view', properties: { category: 'x' } });
    const t = behaviourFeatures(rows, { asOf: '2024-02-01', categoryTypes: ['purchase'] });
    expect(t.row(0).interPurchaseMean).toBeCloseTo(7 / 3, 12);
    expect(t.row(0).interPurchaseStd).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2), 12);
    expect(t.row(0).category_x).toBe(0.25);
  });

  it('invariants on random logs: counts add up, share groups sum to 1, active days match a naive count (bitset and Set paths)', () => {
    for (const spanDays of [400, 400_000]) {
      const rng = new Random(spanDays);
      const types = ['view', 'click', 'cart', 'purchase', 'search'];
      const rows: Event[] = [];
      const customers = spanDays > 1000 ? 1000 : 60;
      for (let i = 0; i < 3000; i++) {
        rows.push({
          customerId: rng.int(customers),
          timestamp: Date.UTC(1971, 0, 1) + rng.int(spanDays) * 86_400_000 + rng.int(86_400_000),
          type: types[rng.int(types.length)]!,
          itemId: rng.int(20),
          properties: rng.next() < 0.5 ? { channel: rng.next() < 0.5 ? 'web' : 'app' } : {},
        });
      }
      const its: Item[] = Array.from({ length: 20 }, (_, k) => ({ itemId: k, category: `c${k % 4}` }));
      const asOf = Date.UTC(1971, 0, 1) + spanDays * 86_400_000;
      const t = behaviourFeatures(freezeRows(rows), { asOf, items: its });
      const days = new Map<unknown, Set<number>>();
      for (const e of rows) {
        const set = days.get(e.customerId) ?? new Set<number>();
        set.add(Math.floor((e.timestamp as number) / 86_400_000));
        days.set(e.customerId, set);
      }
      for (const r of t.toRecords()) {
        const sum = (prefix: string): number => Object.entries(r).reduce((a, [k, v]) => (k.startsWith(prefix) ? a + (v as number) : a), 0);
        expect(sum('count_')).toBe(r.events);
        expect(sum('hour_')).toBeCloseTo(1, 12);
        expect(sum('weekday_')).toBeCloseTo(1, 12);
        expect(sum('category_')).toBeCloseTo(1, 12);
        const ch = sum('channel_');
        expect(ch === 0 || Math.abs(ch - 1) < 1e-12).toBe(true);
        expect(r.activeDays).toBe(days.get(r.customerId)!.size);
      }
      expect(t.toRecords().reduce((a, r) => a + (r.events as number), 0)).toBe(rows.length);
    }
  });

  it('throws typed errors', () => {
    expect(codeOf(() => behaviourFeatures([], { asOf }))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => behaviourFeatures(events(), { asOf: '2024-01-01' }))).toBe('ValidationError:E_AS_OF');
    expect(codeOf(() => behaviourFeatures([{ customerId: 'a', timestamp: 0, type: '' }], { asOf }))).toBe('ValidationError:E_EVENT_TYPE');
    expect(codeOf(() => behaviourFeatures('events' as never, { asOf }))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => behaviourFeatures([...events(), { customerId: 'a', timestamp: 'then', type: 'view' }], { asOf }))).toBe('ValidationError:E_TIMESTAMP');
    try {
      behaviourFeatures([...events(), { customerId: null as never, timestamp: 0, type: 'view' }], { asOf });
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_MISSING', row: 9, field: 'customerId' });
      expect(String((e as Error).message)).toContain('row 9');
    }
    expect(codeOf(() => behaviourFeatures([{ customerId: 'a', timestamp: 0, type: 'view', value: Infinity }], { asOf }))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => behaviourFeatures(events(), { asOf, window: 0 }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => behaviourFeatures(events(), { asOf, funnel: ['view', ''] }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => behaviourFeatures(events(), { asOf, categoryProperty: '' }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => behaviourFeatures(events(), { asOf, items: 'x' as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => behaviourFeatures(events(), { asOf, timeZone: 'Mars/Olympus' }))).toBe('OptionsError:E_TIME_ZONE');
    expect(codeOf(() => behaviourFeatures(events(), { asOf: 'later' }))).toBe('OptionsError:E_OPTION_RANGE');
  });
});

describe('behaviourFeatures on transaction lines (issue 15 §6)', () => {
  const lines = freezeRows([
    { customerId: 'a', orderId: 'A', itemId: 'g1', timestamp: '2024-03-01T09:15:00Z', quantity: 1, amount: 20, channel: 'web' },
    { customerId: 'a', orderId: 'A', itemId: 'b1', timestamp: '2024-03-01T09:15:00Z', quantity: 2, unitPrice: 4, channel: 'web' },
    { customerId: 'a', orderId: 'B', itemId: 'g1', timestamp: '2024-03-20T18:00:00Z', quantity: 1, amount: 20, channel: 'store' },
    { customerId: 'c', orderId: 'C', itemId: 'b1', timestamp: '2024-02-01T12:00:00Z', quantity: 1, amount: 4 },
  ]);
  const catalogue = freezeRows([{ itemId: 'g1', category: 'games' }, { itemId: 'b1', category: 'books' }]);
  // The same purchases written as events, as a user had to before.
  const asEvents: Event[] = lines.map((l) => ({
    customerId: l.customerId,
    timestamp: l.timestamp,
    type: 'purchase',
    itemId: l.itemId,
    properties: l.channel === undefined ? { orderId: l.orderId } : { orderId: l.orderId, channel: l.channel },
  }));
  it('reads each line as a purchase event of its order: the same table as the equivalent events', () => {
    const fromLines = behaviourFeatures(lines, { asOf, items: catalogue });
    const fromEvents = behaviourFeatures(freezeRows(asEvents), { asOf, items: catalogue });
    expect(fromLines.toRecords()).toEqual(fromEvents.toRecords());
    expect(fromLines.row(0)).toMatchObject({ customerId: 'a', count_purchase: 3, baskets: 2, basketSize: 1.5, category_games: 2 / 3, channel_web: 2 / 3 });
  });
  it('takes events and lines mixed in one array, and follows purchaseType and orderProperty', () => {
    const view: Event = { customerId: 'a', timestamp: '2024-03-01T09:00:00Z', type: 'view', properties: { category: 'games' } };
    const mixed = behaviourFeatures(freezeRows([view, ...lines]), { asOf, items: catalogue });
    expect(mixed.row(0)).toMatchObject({ events: 4, count_view: 1, count_purchase: 3, funnel_view_click: 0 });
    const renamed = behaviourFeatures(lines, { asOf, purchaseType: 'order', orderProperty: 'invoice', funnel: ['view', 'order'] });
    expect(renamed.row(0)).toMatchObject({ count_order: 3, baskets: 2 });
  });
  it('reports a bad line with the event checks (row and field named)', () => {
    const bad = [...lines, { customerId: 'a', orderId: 'D', timestamp: 'not a date', quantity: 1, amount: 2 }];
    expect(codeOf(() => behaviourFeatures(bad, { asOf }))).toBe('ValidationError:E_TIMESTAMP');
  });
});
