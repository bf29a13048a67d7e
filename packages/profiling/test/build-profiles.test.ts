import { describe, expect, it } from 'vitest';
import type { Event, Transaction } from '@marksman/core';
import { behaviourFeatures, buildProfiles, rfm } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

const transactions = freezeRows<Transaction>([
  { customerId: 'a', orderId: 1, timestamp: '2024-03-01', quantity: 1, amount: 30 },
  { customerId: 'b', orderId: 2, timestamp: '2024-03-05', quantity: 1, amount: 10 },
  { customerId: 'b', orderId: 3, timestamp: '2024-03-20', quantity: 1, amount: 10 }, // after asOf
]);
const events = freezeRows<Event>([
  { customerId: 'a', timestamp: '2024-03-01T10:00:00Z', type: 'view', itemId: 'i1' },
  { customerId: 'z', timestamp: '2024-03-02T10:00:00Z', type: 'view', properties: { category: 'toys' } },
  { customerId: 'a', timestamp: '2024-03-03T10:00:00Z', type: 'purchase', itemId: 'i1' },
]);
const items = Object.freeze([Object.freeze({ itemId: 'i1', category: 'books' })]);
const asOf = '2024-03-11';

describe('buildProfiles', () => {
  it('joins rfm and behaviour features on customerId (full outer join, NaN where a source has no data)', () => {
    const p = buildProfiles({ transactions, events, items }, { asOf });
    expect(p.column('customerId')).toEqual(['a', 'b', 'z']);
    const r = rfm(transactions, { asOf });
    const b = behaviourFeatures(events, { asOf, items });
    expect(p.columnNames).toEqual(['customerId', ...r.columnNames.slice(1), ...b.columnNames.slice(1)]);
    expect(p.row(0)).toMatchObject({ ...r.row(0), ...b.row(0) });
    expect(p.row(1)).toMatchObject(r.row(1));
    expect(p.row(1).events).toBeNaN();
    expect(p.row(2)).toMatchObject({ ...b.row(1), customerId: 'z' });
    expect(p.row(2).frequency).toBeNaN();
    expect(p.row(0).category_books).toBe(1);
    expect(p.row(2).category_toys).toBe(1);
  });
  it('exports as records and as columns', () => {
    const p = buildProfiles({ transactions, events, items }, { asOf, window: 9, behaviour: { trendDays: 7 } });
    expect(p.toRecords()).toHaveLength(3);
    const cols = p.toColumns();
    expect(cols.recency).toBeInstanceOf(Float64Array);
    expect(Array.from(cols.recency as Float64Array).slice(0, 2)).toEqual([10, 6]);
    expect(p.row(0).events).toBe(1); // window of 9 days: only the 03-03 event
  });
  it('no leakage: rows at or after asOf in either source change nothing', () => {
    const base = buildProfiles({ transactions, events, items }, { asOf });
    const later = buildProfiles(
      {
        transactions: freezeRows<Transaction>([{ customerId: 'n', orderId: 9, timestamp: asOf, quantity: 1, amount: 1e6 }, ...transactions]),
        events: freezeRows<Event>([...events, { customerId: 'a', timestamp: '2024-04-01', type: 'refund', properties: { category: 'cars' } }]),
        items,
      },
      { asOf },
    );
    expect(later.toColumns()).toEqual(base.toColumns());
  });
  it('works with one source; throws typed errors', () => {
    expect(buildProfiles({ transactions }, { asOf }).numRows).toBe(2);
    expect(codeOf(() => buildProfiles({}, { asOf }))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => buildProfiles({ events }, { asOf: '2024-01-01' }))).toBe('ValidationError:E_AS_OF');
    expect(codeOf(() => buildProfiles({ events }, { asOf, behaviour: { trendDays: -1 } }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => buildProfiles({ events }, { asOf, behaviour: { asOf } as never }))).toBe('OptionsError:E_OPTION_UNKNOWN');
    // a misspelt source (transaction, singular) was silently ignored
    expect(codeOf(() => buildProfiles({ events, transaction: transactions } as never, { asOf }))).toBe('OptionsError:E_OPTION_UNKNOWN');
  });
});
