// cleanTransactions on an Apache Arrow table. Properties: the table is
// cleaned exactly as the same lines given as records or as plain columns
// (same report, same kept lines, same values); every other column comes
// through; Arrow's buffers are never written; nulls are the missing values
// of plain input (never dropped silently); a wrong column type is
// E_ARROW_TYPE naming the column.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random, isDictionaryColumn } from '@marksman/core';
import type { Transaction } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { cleanTransactions, rfm } from '@marksman/profiling';
import type { CleanTransactionColumns } from '@marksman/profiling';
import { freezeRows } from './features-helpers';
import { errorOf } from '../../../test-support/errors';

const DAY = 86_400_000;

interface Line {
  customerId: string | null;
  orderId: string;
  itemId: string;
  timestamp: number | null;
  quantity: number | null;
  unitPrice: number | null;
  amount: number | null;
  channel: string | null;
  country: string;
}

/** Simulated shop lines made dirty: missing customers and times, free items, duplicates, returns, amount without price. */
function dirtyLines(): Line[] {
  const shop = simulateShop({ customers: 200, items: 40, seed: 11 });
  const rng = new Random(12);
  const out: Line[] = [];
  shop.transactions.forEach((t, k) => {
    const line: Line = {
      customerId: String(t.customerId),
      orderId: String(t.orderId),
      itemId: String(t.itemId),
      timestamp: t.timestamp as number,
      quantity: t.quantity,
      unitPrice: t.unitPrice ?? null,
      amount: null,
      channel: t.channel ?? null,
      country: ['UK', 'FR', 'DE'][k % 3]!,
    };
    const u = rng.next();
    if (u < 0.03) line.customerId = null;
    else if (u < 0.04) line.timestamp = null;
    else if (u < 0.05) line.quantity = null;
    else if (u < 0.07) line.unitPrice = 0;
    else if (u < 0.1) {
      line.amount = (line.quantity ?? 0) * (line.unitPrice ?? 0);
      line.unitPrice = null;
    }
    out.push(line);
    if (rng.next() < 0.03) out.push({ ...line });
    if (rng.next() < 0.04) out.push({ ...line, orderId: `C${line.orderId}`, timestamp: (t.timestamp as number) + DAY, quantity: -1 - rng.int(2), amount: null, unitPrice: t.unitPrice ?? 1 });
  });
  return out;
}

const dict = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());

function arrowOf(lines: readonly Line[]): arrow.Table {
  return new arrow.Table({
    customerId: arrow.vectorFromArray(lines.map((l) => l.customerId), dict()),
    orderId: arrow.vectorFromArray(lines.map((l) => l.orderId), new arrow.Utf8()),
    itemId: arrow.vectorFromArray(lines.map((l) => l.itemId), dict()),
    timestamp: arrow.vectorFromArray(lines.map((l) => (l.timestamp === null ? null : new Date(l.timestamp))), new arrow.TimestampMillisecond()),
    quantity: arrow.vectorFromArray(lines.map((l) => l.quantity), new arrow.Int32()),
    unitPrice: arrow.vectorFromArray(lines.map((l) => l.unitPrice), new arrow.Float64()),
    amount: arrow.vectorFromArray(lines.map((l) => l.amount), new arrow.Float64()),
    channel: arrow.vectorFromArray(lines.map((l) => l.channel), dict()),
    country: arrow.vectorFromArray(lines.map((l) => l.country), dict()),
  });
}

function columnsOf(lines: readonly Line[]): CleanTransactionColumns {
  return {
    customerId: lines.map((l) => l.customerId),
    orderId: lines.map((l) => l.orderId),
    itemId: lines.map((l) => l.itemId),
    timestamp: lines.map((l) => l.timestamp) as never,
    quantity: lines.map((l) => l.quantity) as never,
    unitPrice: lines.map((l) => l.unitPrice ?? NaN),
    amount: lines.map((l) => l.amount ?? NaN),
    channel: lines.map((l) => l.channel),
    country: lines.map((l) => l.country),
  };
}

function recordsOf(lines: readonly Line[]): readonly Transaction[] {
  return freezeRows(
    lines.map((l) => {
      const r: Record<string, unknown> = { ...l };
      for (const k of Object.keys(r)) if (r[k] === null && k !== 'customerId' && k !== 'timestamp' && k !== 'quantity') delete r[k];
      return r as unknown as Transaction;
    }),
  );
}

/** A column of the result as plain values (dictionary columns decoded). */
function plain(col: unknown): unknown[] {
  if (isDictionaryColumn(col)) return Array.from(col.codes, (c) => col.values[c]);
  return Array.from(col as ArrayLike<unknown>);
}

const error = errorOf;

describe('cleanTransactions on an Arrow table', () => {
  it('equals cleaning the same lines as plain columns and as records, every other column passed through', () => {
    const lines = Object.freeze(dirtyLines().map((l) => Object.freeze(l)));
    const table = arrowOf(lines);
    const snapshot = table.schema.fields.map((f) => Array.from(table.getChild(f.name)!.data[0]!.values as ArrayLike<unknown>));
    for (const options of [{}, { missingCustomers: 'keep' as const, cancellations: 'drop' as const, outliers: 'drop' as const }]) {
      const a = cleanTransactions(table, options);
      const c = cleanTransactions(columnsOf(lines), options);
      const r = cleanTransactions(recordsOf(lines), options);
      expect(JSON.stringify(a.report)).toBe(JSON.stringify(c.report));
      // Records word a null's message differently ("is missing"); the lines, fields and codes agree.
      const codes = (x: typeof a.report) => ({ ...x, invalid: x.invalid.map((y) => [y.index, y.field, y.code]) });
      expect(JSON.stringify(codes(a.report))).toBe(JSON.stringify(codes(r.report)));
      expect(a.keptIndexes).toEqual(c.keptIndexes);
      for (const name of ['customerId', 'orderId', 'itemId', 'timestamp', 'quantity', 'unitPrice', 'amount', 'channel', 'country']) {
        expect(plain(a.columns[name]).map((v) => (v === '' ? null : v)), name).toEqual(plain(c.columns[name]).map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)));
      }
      expect(r.rows.map((x) => (x as unknown as Line).country)).toEqual(plain(a.columns.country));
    }
    // Dictionary strings stay dictionary columns; the report lists the nulls it refused or kept.
    const a = cleanTransactions(table);
    expect(isDictionaryColumn(a.columns.country)).toBe(true);
    expect(a.report.reasons.missingCustomer.count).toBe(lines.filter((l) => l.customerId === null && l.timestamp !== null && l.quantity !== null).length);
    expect(new Set(a.report.invalid.map((x) => `${x.field}:${x.code}`))).toEqual(new Set(['timestamp:E_MISSING', 'quantity:E_MISSING']));
    expect(a.report.kept + Object.values(a.report.reasons).reduce((s, x) => s + (x.action === 'drop' ? x.count : 0), 0)).toBe(lines.length);
    // Arrow's buffers were read, never written (netting copies the quantities it changes).
    expect(table.schema.fields.map((f) => Array.from(table.getChild(f.name)!.data[0]!.values as ArrayLike<unknown>))).toEqual(snapshot);
    expect(a.report.repaired.length).toBeGreaterThan(0);
  });

  it('reads Timestamp in any unit, Date, ISO-8601 strings and Int64 ids exactly; rfm on the result equals rfm on the columns path', () => {
    const lines = dirtyLines().filter((l) => l.customerId !== null && l.timestamp !== null && l.quantity !== null);
    const t = (type: arrow.DataType, f: (ms: number) => unknown) => arrow.vectorFromArray(lines.map((l) => f(l.timestamp!)), type);
    const base = {
      customerId: arrow.vectorFromArray(lines.map((l) => BigInt(l.customerId!.replace(/\D/g, ''))), new arrow.Int64()),
      orderId: arrow.vectorFromArray(lines.map((l) => l.orderId)),
      itemId: arrow.vectorFromArray(lines.map((l) => l.itemId)),
      quantity: arrow.vectorFromArray(Float64Array.from(lines, (l) => l.quantity!)),
      unitPrice: arrow.vectorFromArray(lines.map((l) => l.unitPrice), new arrow.Float64()),
      amount: arrow.vectorFromArray(lines.map((l) => l.amount), new arrow.Float64()),
    };
    const variants = [
      t(new arrow.TimestampMillisecond(), (ms) => new Date(ms)),
      // (apache-arrow's builder turns a Date into nanoseconds in floating point, so the exact integers are given)
      arrow.makeVector({ type: new arrow.TimestampNanosecond(), data: BigInt64Array.from(lines, (l) => BigInt(l.timestamp!) * 1_000_000n) }),
      arrow.makeVector({ type: new arrow.TimestampMicrosecond(), data: BigInt64Array.from(lines, (l) => BigInt(l.timestamp!) * 1000n) }),
      arrow.makeVector({ type: new arrow.TimestampSecond(), data: BigInt64Array.from(lines, (l) => BigInt(Math.floor(l.timestamp! / 1000))) }),
      t(new arrow.DateMillisecond(), (ms) => new Date(ms)),
      t(new arrow.Utf8(), (ms) => new Date(ms).toISOString()),
      t(new arrow.Float64(), (ms) => ms),
    ];
    const reference = cleanTransactions({ ...columnsOf(lines), customerId: lines.map((l) => Number(l.customerId!.replace(/\D/g, ''))) });
    const asOf = Date.UTC(2030, 0, 1);
    const rfmRef = rfm(reference.columns, { asOf });
    for (const timestamp of variants) {
      const got = cleanTransactions(new arrow.Table({ ...base, timestamp }));
      if (timestamp.type instanceof arrow.Timestamp && timestamp.type.unit === arrow.TimeUnit.SECOND) {
        // Whole seconds: the times are the reference's, floored to the second.
        expect(got.columns.timestamp).toEqual(reference.columns.timestamp.map((ms) => Math.floor(ms / 1000) * 1000));
        continue;
      }
      expect(JSON.stringify(got.report)).toBe(JSON.stringify(reference.report));
      expect(got.columns.timestamp).toEqual(reference.columns.timestamp);
      expect(plain(got.columns.customerId)).toEqual(plain(reference.columns.customerId));
      expect(rfm(got.columns, { asOf }).toRecords()).toEqual(rfmRef.toRecords());
    }
  });

  it('a string time that cannot be read makes its line invalid (E_TIMESTAMP), not a silent drop', () => {
    const table = arrow.tableFromArrays({ customerId: ['a', 'b'], orderId: ['1', '2'], timestamp: ['2024-01-01', 'yesterday'], quantity: Int32Array.of(1, 1), amount: Float64Array.of(5, 6) });
    const { report } = cleanTransactions(table, { outlierRule: null });
    expect(report.kept).toBe(1);
    expect(report.invalid.map((x) => [x.index, x.field, x.code])).toEqual([[1, 'timestamp', 'E_TIMESTAMP']]);
  });

  it('refuses columns of the wrong type and 64-bit integers beyond 2^53 with E_ARROW_TYPE naming the column', () => {
    const ok = { customerId: ['a'], orderId: ['1'], timestamp: Float64Array.of(0), quantity: Int32Array.of(1), amount: Float64Array.of(5) };
    expect(error(() => cleanTransactions(arrow.tableFromArrays({ ...ok, quantity: ['1'] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'quantity' });
    expect(error(() => cleanTransactions(arrow.tableFromArrays({ ...ok, unitPrice: ['1'] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'unitPrice' });
    expect(error(() => cleanTransactions(arrow.tableFromArrays({ ...ok, customerId: [true] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'customerId' });
    expect(error(() => cleanTransactions(arrow.tableFromArrays({ ...ok, timestamp: [true] })))).toEqual({ code: 'E_ARROW_TYPE', field: 'timestamp' });
    expect(error(() => cleanTransactions(arrow.tableFromArrays({ ...ok, channel: Int32Array.of(1) })))).toEqual({ code: 'E_ARROW_TYPE', field: 'channel' });
    const big = new arrow.Table({
      ...Object.fromEntries(Object.entries(ok).map(([k, v]) => [k, arrow.vectorFromArray(v as never)])),
      orderId: arrow.vectorFromArray([2n ** 60n], new arrow.Int64()),
    });
    expect(error(() => cleanTransactions(big))).toEqual({ code: 'E_ARROW_TYPE', field: 'orderId' });
    // A missing required column is the columns path's E_INPUT, naming it.
    const { quantity: _q, ...noQuantity } = ok;
    expect(error(() => cleanTransactions(arrow.tableFromArrays(noQuantity)))).toEqual({ code: 'E_INPUT', field: 'quantity' });
  });
});
