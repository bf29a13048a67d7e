// validateTransactions / validateEvents / validateInteractions on Apache
// Arrow tables. Property: records → Arrow → validate equals records →
// validate, row for row and reason for reason (nulls are missing values,
// Timestamp/Date columns epoch ms, dictionary strings their values); a column
// of the wrong type is refused at once with E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csrFromInteractions, validateEvents, validateInteractions, validateTransactions } from '@marksman/core';
import { errorWithRowOf } from '../../../test-support/errors';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

const error = errorWithRowOf;

/** Transactions with a missing customer, a missing quantity, a missing price (amount given) and a mismatch. */
const TX = Object.freeze([
  { customerId: 'ann', orderId: 1, itemId: 'x', timestamp: T0, quantity: 2, unitPrice: 5, amount: null, channel: 'web' },
  { customerId: null, orderId: 2, itemId: 'y', timestamp: T0 + DAY, quantity: 1, unitPrice: 3, amount: null, channel: 'shop' },
  { customerId: 'bob', orderId: 3, itemId: null, timestamp: T0 + 2 * DAY, quantity: null, unitPrice: 3, amount: null, channel: null },
  { customerId: 'bob', orderId: 4, itemId: 'x', timestamp: T0 + 3 * DAY, quantity: 4, unitPrice: null, amount: 10, channel: 'web' },
  { customerId: 'ann', orderId: 5, itemId: 'y', timestamp: T0 + 4 * DAY, quantity: 1, unitPrice: 2, amount: 7, channel: 'web' },
  { customerId: 'cy', orderId: 6, itemId: 'x', timestamp: null, quantity: 1, unitPrice: 2, amount: null, channel: 'web' },
].map((r) => Object.freeze(r)));

function txTable(): arrow.Table {
  const dictUtf8 = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  return new arrow.Table({
    customerId: arrow.vectorFromArray(TX.map((r) => r.customerId), dictUtf8()),
    orderId: arrow.vectorFromArray(TX.map((r) => BigInt(r.orderId)), new arrow.Int64()),
    itemId: arrow.vectorFromArray(TX.map((r) => r.itemId), new arrow.Utf8()),
    timestamp: arrow.vectorFromArray(TX.map((r) => (r.timestamp === null ? null : new Date(r.timestamp))), new arrow.TimestampMicrosecond()),
    quantity: arrow.vectorFromArray(TX.map((r) => r.quantity), new arrow.Int32()),
    unitPrice: arrow.vectorFromArray(TX.map((r) => r.unitPrice), new arrow.Float64()),
    amount: arrow.vectorFromArray(TX.map((r) => r.amount), new arrow.Float64()),
    channel: arrow.vectorFromArray(TX.map((r) => r.channel), dictUtf8()),
  });
}

describe('validateTransactions on an Arrow table', () => {
  it('equals validateTransactions on the same records (nulls missing, Int64 ids exact, µs timestamps as ms)', () => {
    const table = txTable();
    const before = table.getChild('quantity')!.toArray().slice();
    const fromArrow = validateTransactions(table);
    const fromRecords = validateTransactions(TX);
    expect(fromArrow).toEqual(fromRecords);
    expect(fromArrow.kept).toBe(2);
    expect(fromArrow.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [1, 'customerId', 'E_MISSING'],
      [2, 'quantity', 'E_MISSING'],
      [4, 'amount', 'E_AMOUNT_MISMATCH'],
      [5, 'timestamp', 'E_MISSING'],
    ]);
    expect(fromArrow.rows[0]).toEqual({ customerId: 'ann', orderId: 1, itemId: 'x', timestamp: T0, quantity: 2, unitPrice: 5, amount: 10, channel: 'web' });
    expect(table.getChild('quantity')!.toArray()).toEqual(before);
  });

  it('takes options as with records', () => {
    const table = txTable();
    expect(validateTransactions(table, { requireItemId: true, amountTolerance: 5 })).toEqual(validateTransactions(TX, { requireItemId: true, amountTolerance: 5 }));
  });

  it('refuses a column of the wrong type with E_ARROW_TYPE naming it', () => {
    const base = { customerId: ['a'], orderId: Int32Array.of(1), timestamp: Float64Array.of(T0), unitPrice: Float64Array.of(1) };
    expect(error(() => validateTransactions(arrow.tableFromArrays({ ...base, quantity: ['2'] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'quantity', row: undefined });
    expect(error(() => validateTransactions(arrow.tableFromArrays({ ...base, quantity: Int32Array.of(1), customerId: [true] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'customerId', row: undefined });
    expect(error(() => validateTransactions(arrow.tableFromArrays({ ...base, quantity: Int32Array.of(1), channel: Int32Array.of(3) })))).toEqual({ code: 'E_ARROW_TYPE', field: 'channel', row: undefined });
  });

  it('refuses a 64-bit integer beyond 2^53 (E_ARROW_TYPE with its row), reads one at 2^53 exactly', () => {
    const lines = (ids: bigint[]) =>
      new arrow.Table({
        customerId: arrow.vectorFromArray(ids, new arrow.Int64()),
        orderId: arrow.vectorFromArray(ids.map(() => 1), new arrow.Int32()),
        timestamp: arrow.vectorFromArray(ids.map(() => T0), new arrow.Float64()),
        quantity: arrow.vectorFromArray(ids.map(() => 1), new arrow.Int32()),
        amount: arrow.vectorFromArray(ids.map(() => 1), new arrow.Float64()),
      });
    expect(validateTransactions(lines([1n, 2n ** 53n - 1n])).rows.map((r) => r.customerId)).toEqual([1, 2 ** 53 - 1]);
    expect(error(() => validateTransactions(lines([1n, 2n ** 53n + 1n])))).toEqual({ code: 'E_ARROW_TYPE', field: 'customerId', row: 1 });
  });
});

describe('validateEvents and validateInteractions on an Arrow table', () => {
  it('validateEvents: equals the records path (Date column, dictionary types, nulls)', () => {
    const rows = Object.freeze([
      { customerId: 7, timestamp: T0, type: 'view', itemId: 'a', value: null },
      { customerId: 8, timestamp: T0 + DAY, type: null, itemId: null, value: 2.5 },
      { customerId: null, timestamp: T0, type: 'buy', itemId: 'b', value: 1 },
      { customerId: 9, timestamp: T0 + 2 * DAY, type: 'buy', itemId: 'b', value: 3 },
    ].map((r) => Object.freeze(r)));
    const table = new arrow.Table({
      customerId: arrow.vectorFromArray(rows.map((r) => r.customerId), new arrow.Int32()),
      timestamp: arrow.vectorFromArray(rows.map((r) => new Date(r.timestamp)), new arrow.DateMillisecond()),
      type: arrow.vectorFromArray(rows.map((r) => r.type), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      itemId: arrow.vectorFromArray(rows.map((r) => r.itemId), new arrow.Utf8()),
      value: arrow.vectorFromArray(rows.map((r) => r.value), new arrow.Float64()),
    });
    const a = validateEvents(table, { types: ['view', 'buy'] });
    expect(a).toEqual(validateEvents(rows, { types: ['view', 'buy'] }));
    expect(a.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'E_MISSING'],
      [2, 'E_MISSING'],
    ]);
    expect(error(() => validateEvents(arrow.tableFromArrays({ customerId: Int32Array.of(1), timestamp: Float64Array.of(T0), type: Int32Array.of(1) })))).toEqual({
      code: 'E_ARROW_TYPE',
      field: 'type',
      row: undefined,
    });
  });

  it('validateInteractions: equals the records path; a text weight is E_ARROW_TYPE', () => {
    const rows = Object.freeze([
      { userId: 'u1', itemId: 'i1', weight: 2, timestamp: null },
      { userId: 'u1', itemId: 'i2', weight: -1, timestamp: T0 },
      { userId: 'u2', itemId: null, weight: null, timestamp: T0 },
      { userId: 'u2', itemId: 'i1', weight: null, timestamp: T0 + DAY },
    ].map((r) => Object.freeze(r)));
    const table = new arrow.Table({
      userId: arrow.vectorFromArray(rows.map((r) => r.userId)),
      itemId: arrow.vectorFromArray(rows.map((r) => r.itemId), new arrow.Utf8()),
      weight: arrow.vectorFromArray(rows.map((r) => r.weight), new arrow.Float32()),
      timestamp: arrow.vectorFromArray(rows.map((r) => (r.timestamp === null ? null : new Date(r.timestamp))), new arrow.TimestampSecond()),
    });
    for (const options of [{}, { allowNegativeWeights: true, requireTimestamp: true }]) {
      expect(validateInteractions(table, options)).toEqual(validateInteractions(rows, options));
    }
    expect(error(() => validateInteractions(arrow.tableFromArrays({ userId: ['u'], itemId: ['i'], weight: ['high'] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'weight', row: undefined });
  });

  it('still refuses what is neither records nor an Arrow table (E_INPUT)', () => {
    expect(error(() => validateInteractions({ userId: ['u'] } as never)).code).toBe('E_INPUT');
  });
});

describe('csrFromInteractions on an Arrow table', () => {
  it('builds the matrix the records give; refuses a text weight (E_ARROW_TYPE)', () => {
    const rows = Object.freeze([
      Object.freeze({ userId: 'ann', itemId: 7, weight: 2 }),
      Object.freeze({ userId: 'bob', itemId: 8, weight: 1 }),
      Object.freeze({ userId: 'ann', itemId: 7, weight: 3 }),
    ]);
    const table = new arrow.Table({
      userId: arrow.vectorFromArray(rows.map((r) => r.userId)),
      itemId: arrow.makeVector({ type: new arrow.Int64(), data: BigInt64Array.from(rows, (r) => BigInt(r.itemId)) }),
      weight: arrow.makeVector(Float64Array.from(rows, (r) => r.weight)),
    });
    const a = csrFromInteractions(table);
    const r = csrFromInteractions(rows);
    expect([a.users.ids(), a.items.ids(), a.matrix.get(0, 0), a.matrix.nnz]).toEqual([r.users.ids(), r.items.ids(), r.matrix.get(0, 0), r.matrix.nnz]);
    expect(a.items.ids()).toEqual([7, 8]);
    expect(error(() => csrFromInteractions(arrow.tableFromArrays({ userId: ['u'], itemId: ['i'], weight: ['2'] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'weight', row: undefined });
  });
});

describe('nulls in numeric Arrow columns, sliced and chunked', () => {
  it('read at the right rows (validity bitmaps with offsets), as get(i) reads them', () => {
    const qty = Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? null : i));
    const full = new arrow.Table({
      userId: arrow.vectorFromArray(qty.map((_, i) => `u${i}`)),
      itemId: arrow.vectorFromArray(qty.map((_, i) => i % 5), new arrow.Int32()),
      weight: arrow.vectorFromArray(qty, new arrow.Float64()),
    });
    for (const table of [full.slice(9, 41), new arrow.Table([...full.slice(0, 13).batches, ...full.slice(13).batches])]) {
      const records = Array.from({ length: table.numRows }, (_, i) => ({ userId: table.getChild('userId')!.get(i), itemId: table.getChild('itemId')!.get(i), weight: table.getChild('weight')!.get(i) }));
      expect(records.some((r) => r.weight === null)).toBe(true);
      expect(validateInteractions(table)).toEqual(validateInteractions(records));
    }
  });
});

describe('the internal Arrow readers refuse garbage', () => {
  it('arrowTableColumns and arrowCheckedRecords: E_INPUT for a non-table or a bad spec', async () => {
    const { arrowCheckedRecords, arrowTableColumns } = await import('@marksman/core/internal');
    const t = arrow.tableFromArrays({ x: Float64Array.of(1) });
    expect(error(() => arrowTableColumns('f', {} as never, {})).code).toBe('E_INPUT');
    expect(error(() => arrowCheckedRecords('f', [] as never, {})).code).toBe('E_INPUT');
    expect(error(() => arrowTableColumns('f', t, { x: 'float' } as never))).toEqual({ code: 'E_INPUT', field: 'spec', row: undefined });
    expect(error(() => arrowCheckedRecords('f', t, null as never))).toEqual({ code: 'E_INPUT', field: 'spec', row: undefined });
    expect(arrowTableColumns('f', t, { x: 'number' }).x).toEqual(Float64Array.of(1));
  });
});
