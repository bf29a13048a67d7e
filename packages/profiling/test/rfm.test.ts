import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Transaction } from '@marksman/core';
import { rfm } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

interface Ref {
  asOf: number;
  transactions: Transaction[];
  expected: Record<string, { recency: number; frequency: number; monetary: number; meanOrderValue: number; tenure: number }>;
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/rfm-reference.json', import.meta.url), 'utf8')) as Ref;
const DAY = 86_400_000;

describe('rfm', () => {
  it('hand-computed case: recency, distinct orders, total and mean order value, tenure', () => {
    const t = rfm(
      freezeRows<Transaction>([
        { customerId: 'a', orderId: 'o1', timestamp: '2024-01-01T00:00:00Z', quantity: 1, amount: 10 },
        { customerId: 'a', orderId: 'o1', timestamp: '2024-01-01T00:00:00Z', quantity: 1, amount: 5 }, // same order, second line
        { customerId: 'a', orderId: 'o2', timestamp: '2024-01-21T12:00:00Z', quantity: 1, amount: 30 },
        { customerId: 7, orderId: 'o3', timestamp: '2024-01-30T00:00:00Z', quantity: 2, unitPrice: 4 },
      ]),
      { asOf: '2024-01-31T00:00:00Z' },
    );
    expect(t.toRecords()).toEqual([
      { customerId: 'a', recency: 9.5, frequency: 2, monetary: 45, meanOrderValue: 22.5, tenure: 30 },
      { customerId: 7, recency: 1, frequency: 1, monetary: 8, meanOrderValue: 8, tenure: 1 },
    ]);
  });

  it('matches a pandas groupby on 400 seeded lines (fixture from rfm-reference.py)', () => {
    const t = rfm(freezeRows(ref.transactions), { asOf: ref.asOf });
    const recs = t.toRecords();
    expect(recs.length).toBe(Object.keys(ref.expected).length);
    for (const r of recs) {
      const e = ref.expected[r.customerId as string]!;
      expect(r.frequency).toBe(e.frequency);
      expect(r.recency).toBeCloseTo(e.recency, 10);
      expect(r.tenure).toBeCloseTo(e.tenure, 10);
      expect(r.monetary).toBeCloseTo(e.monetary, 8);
      expect(r.meanOrderValue).toBeCloseTo(e.meanOrderValue, 8);
    }
  });

  it('uses only lines strictly before asOf: appending later lines changes nothing (no leakage)', () => {
    const base = rfm(ref.transactions, { asOf: ref.asOf });
    const later: Transaction[] = [
      ...ref.transactions,
      { customerId: 'c00', orderId: 'late1', timestamp: ref.asOf, quantity: 1, amount: 1e6 },
      { customerId: 'new', orderId: 'late2', timestamp: ref.asOf + DAY, quantity: 1, amount: 1 },
    ];
    // Put a late line first too, so first-seen order cannot leak either.
    const shuffled = [later[later.length - 1]!, ...later.slice(0, -1)];
    expect(rfm(freezeRows(shuffled), { asOf: ref.asOf }).toRecords()).toEqual(base.toRecords());
  });

  it('gives the same table from columns as from records', () => {
    const tx = ref.transactions;
    const cols = {
      customerId: tx.map((r) => r.customerId),
      orderId: tx.map((r) => r.orderId),
      timestamp: Float64Array.from(tx, (r) => r.timestamp as number),
      amount: Float64Array.from(tx, (r) => r.amount as number),
    };
    expect(rfm(cols, { asOf: ref.asOf }).toColumns()).toEqual(rfm(tx, { asOf: ref.asOf }).toColumns());
  });

  it('integer typed id columns (lookup-table path) give the same table as plain arrays (hashing path)', () => {
    const tx = ref.transactions;
    const num = (id: unknown): number => Number(String(id).slice(1));
    const timestamp = Float64Array.from(tx, (r) => r.timestamp as number);
    const amount = Float64Array.from(tx, (r) => r.amount as number);
    const typed = rfm({ customerId: Int32Array.from(tx, (r) => num(r.customerId)), orderId: Uint16Array.from(tx, (r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf });
    const plain = rfm({ customerId: tx.map((r) => num(r.customerId)), orderId: tx.map((r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf });
    expect(typed.toColumns()).toEqual(plain.toColumns());
    // A wide id range falls back to hashing with the same result.
    const wide = rfm({ customerId: Int32Array.from(tx, (r) => num(r.customerId) * 1e7), orderId: Int32Array.from(tx, (r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf });
    expect(Array.from(wide.column('monetary') as Float64Array)).toEqual(Array.from(plain.column('monetary') as Float64Array));
    const shared = rfm({ customerId: Int32Array.of(1, 2, 2, 1), orderId: Int32Array.of(9, 9, 9, 8), timestamp: Float64Array.of(0, 0, 0, 0), amount: Float64Array.of(1, 1, 1, 1) }, { asOf: DAY });
    expect(Array.from(shared.column('frequency') as Float64Array)).toEqual([2, 1]);
    // Float64 ids (as a parsed CSV gives them) are read in place: whole numbers by lookup table,
    // anything else (a fraction, -0, a wide range) by hashing, all with the plain arrays' table.
    const f64 = rfm({ customerId: Float64Array.from(tx, (r) => num(r.customerId)), orderId: Float64Array.from(tx, (r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf });
    expect(f64.toColumns()).toEqual(plain.toColumns());
    for (const shift of [0.5, 1e10]) {
      const ids = tx.map((r) => num(r.customerId) + shift);
      const odd = rfm({ customerId: Float64Array.from(ids), orderId: Float64Array.from(tx, (r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf });
      expect(odd.toColumns()).toEqual(rfm({ customerId: ids, orderId: tx.map((r) => num(r.orderId)), timestamp, amount }, { asOf: ref.asOf }).toColumns());
    }
    const zero = rfm({ customerId: Float64Array.of(-0, 1), orderId: Float64Array.of(1, 2), timestamp: Float64Array.of(0, 0), amount: Float64Array.of(1, 2) }, { asOf: DAY });
    expect(zero.toColumns()).toEqual(rfm({ customerId: [-0, 1], orderId: [1, 2], timestamp: [0, 0], amount: [1, 2] }, { asOf: DAY }).toColumns());
  });

  it('counts an order id shared by two customers once for each of them', () => {
    const t = rfm(
      [
        { customerId: 'a', orderId: 1, timestamp: 0, quantity: 1, amount: 1 },
        { customerId: 'b', orderId: 1, timestamp: 0, quantity: 1, amount: 1 },
        { customerId: 'b', orderId: 1, timestamp: 0, quantity: 1, amount: 1 },
      ],
      { asOf: DAY },
    );
    expect(Array.from(t.column('frequency') as Float64Array)).toEqual([1, 1]);
  });

  it('throws typed errors: empty input, asOf before the first purchase, bad rows, bad columns, bad options', () => {
    const one: Transaction[] = [{ customerId: 'a', orderId: 1, timestamp: '2024-01-05', quantity: 1, amount: 1 }];
    expect(codeOf(() => rfm([], { asOf: '2024-01-01' }))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => rfm(one, { asOf: '2024-01-05' }))).toBe('ValidationError:E_AS_OF');
    expect(codeOf(() => rfm([{ ...one[0]!, timestamp: 'soon' }], { asOf: '2024-02-01' }))).toBe('ValidationError:E_TIMESTAMP');
    expect(codeOf(() => rfm({ customerId: ['a'], orderId: [1], timestamp: [0] } as never, { asOf: 1 }))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => rfm('x' as never, { asOf: 1 }))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => rfm({ customerId: ['a'], orderId: [1, 2], timestamp: [0], amount: [1] }, { asOf: 1 }))).toBe('ValidationError:E_COLUMN_LENGTH');
    expect(codeOf(() => rfm({ customerId: [''], orderId: [1], timestamp: [0], amount: [1] }, { asOf: 1 }))).toBe('ValidationError:E_ID_TYPE');
    expect(codeOf(() => rfm({ customerId: ['a'], orderId: [1], timestamp: [NaN], amount: [1] }, { asOf: 1 }))).toBe('ValidationError:E_TIMESTAMP');
    expect(codeOf(() => rfm({ customerId: ['a'], orderId: [1], timestamp: [0], amount: [Infinity] }, { asOf: 1 }))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => rfm(one, {} as never))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => rfm(one, { asOf: '2024-02-01', window: 3 } as never))).toBe('OptionsError:E_OPTION_UNKNOWN');
  });
  it('refuses amounts that add up past the largest number instead of reporting an infinite monetary value', () => {
    const huge: Transaction[] = [1, 2].map((i) => ({ customerId: 'a', orderId: i, timestamp: `2024-01-0${i}`, quantity: 1, amount: 1e308 }));
    expect(codeOf(() => rfm(huge, { asOf: '2024-02-01' }))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => rfm({ customerId: [1, 1], orderId: [1, 2], timestamp: [0, 1], amount: [-1e308, -1e308] }, { asOf: 10 }))).toBe('ValidationError:E_OVERFLOW');
  });
});
