// Arrow tables in: every data-taking function reads an Apache Arrow table
// through @marksman/core/internal's one reader. Properties: records → Arrow
// → f equals records → f; null-free numeric columns are Arrow's own memory;
// nulls give the errors records with null give; wrong types E_ARROW_TYPE.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random, Table, isMarksmanError } from '@marksman/core';
import type { Interaction, Transaction } from '@marksman/core';
import { arrowColumns } from '@marksman/core/internal';
import { fitBgNbd, rfm, summarizeForClv } from '@marksman/profiling';
import { kmeans } from '@marksman/segmentation';
import { ALS } from '@marksman/recsys';
import { proportionsZTest, welchTTest } from '@marksman/experiments';
import { errorWithRowOf } from '../../../test-support/errors';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** A seeded shop: customers with a few orders each, ids as strings, amounts with cents. */
function transactions(n: number, seed: number): Transaction[] {
  const rng = new Random(seed);
  const rows: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.uniform() * 40);
    rows.push({ customerId: `c${c}`, orderId: 1000 + i, timestamp: START + Math.floor(rng.uniform() * 300) * DAY, quantity: 1, amount: Math.round(rng.uniform() * 10_000) / 100 });
  }
  return rows;
}

function arrowOfTransactions(rows: readonly Transaction[]): arrow.Table {
  return new arrow.Table({
    customerId: arrow.vectorFromArray(rows.map((r) => r.customerId as string)),
    orderId: arrow.makeVector(Int32Array.from(rows, (r) => r.orderId as number)),
    timestamp: arrow.vectorFromArray(rows.map((r) => new Date(r.timestamp as number)), new arrow.TimestampMillisecond()),
    amount: arrow.makeVector(Float64Array.from(rows, (r) => r.amount as number)),
  });
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isMarksmanError(e) ? e.code : `not a MarksmanError: ${String(e)}`;
  }
  return undefined;
}

const error = errorWithRowOf;

describe('records → Arrow → our functions equals records → our functions', () => {
  it('rfm from an Arrow table (Timestamp column, dictionary strings) equals rfm from records', () => {
    const rows = Object.freeze(transactions(500, 1).map((r) => Object.freeze(r)));
    const asOf = START + 320 * DAY;
    const fromRecords = rfm(rows, { asOf });
    const t = arrowOfTransactions(rows);
    const fromArrow = rfm(t, { asOf });
    expect(fromArrow.toRecords()).toEqual(fromRecords.toRecords());
    // Dictionary-encoded ids and ISO-string times (through the records path) give the same answer.
    const dict = new arrow.Table({
      customerId: arrow.vectorFromArray(rows.map((r) => r.customerId as string), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      orderId: arrow.makeVector(Float64Array.from(rows, (r) => r.orderId as number)),
      timestamp: arrow.vectorFromArray(rows.map((r) => new Date(r.timestamp as number).toISOString())),
      amount: arrow.makeVector(Float64Array.from(rows, (r) => r.amount as number)),
    });
    expect(rfm(dict, { asOf }).toRecords()).toEqual(fromRecords.toRecords());
  });

  it('summarizeForClv and a BG/NBD fit from Arrow equal the same from records', () => {
    const rows = transactions(400, 2);
    const opts = { asOf: START + 320 * DAY, timeUnit: 'week' as const };
    const a = summarizeForClv(rows, opts);
    const b = summarizeForClv(arrowOfTransactions(rows), opts);
    expect(b).toEqual(a);
    // The summary's rows as an Arrow table feed the model as the rows do.
    const summaryTable = arrow.tableFromJSON(a.rows.map(({ frequency, recency, T }) => ({ frequency, recency, T })));
    expect(fitBgNbd(summaryTable).params).toEqual(fitBgNbd(a.rows.map(({ frequency, recency, T }) => ({ frequency, recency, T }))).params);
  });

  it('k-means on an Arrow table equals k-means on the records (features in name order)', () => {
    const rng = new Random(3);
    const points = Object.freeze(
      Array.from({ length: 300 }, (_, i) => Object.freeze({ spend: (i % 3) * 10 + rng.normal(), visits: (i % 3) * 5 + rng.normal() })),
    );
    const t = arrow.tableFromArrays({ visits: Float64Array.from(points, (p) => p.visits), spend: Float64Array.from(points, (p) => p.spend) });
    const a = kmeans(points, 3, { seed: 7 });
    const b = kmeans(t, 3, { seed: 7 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.centroids).toEqual(a.centroids);
    expect(b.inertia).toBe(a.inertia);
  });

  it('z-test and Welch t-test on Arrow vectors equal the same on arrays', () => {
    const rng = new Random(4);
    const c = Array.from({ length: 2000 }, () => (rng.uniform() < 0.1 ? 1 : 0));
    const t = Array.from({ length: 2000 }, () => (rng.uniform() < 0.12 ? 1 : 0));
    const a = proportionsZTest(c, t);
    const b = proportionsZTest(arrow.vectorFromArray(Int32Array.from(c)), arrow.vectorFromArray(t.map((x) => x === 1)));
    expect(b).toEqual(a);
    const x = Array.from({ length: 500 }, () => rng.normal() * 3 + 10);
    const y = Array.from({ length: 500 }, () => rng.normal() * 3 + 10.5);
    expect(welchTTest(arrow.vectorFromArray(Float64Array.from(x)), arrow.vectorFromArray(Float64Array.from(y)))).toEqual(welchTTest(x, y));
  });

  it('ALS fitted on an Arrow table recommends what ALS fitted on the records does', async () => {
    const rng = new Random(5);
    const rows: Interaction[] = [];
    for (let u = 0; u < 60; u++) for (let k = 0; k < 6; k++) rows.push({ userId: `u${u}`, itemId: (u % 4) * 10 + Math.floor(rng.uniform() * 10), weight: 1 + Math.floor(rng.uniform() * 3) });
    const frozen = Object.freeze(rows.map((r) => Object.freeze(r)));
    const t = arrow.tableFromArrays({
      userId: frozen.map((r) => r.userId as string),
      itemId: Int32Array.from(frozen, (r) => r.itemId as number),
      weight: Float64Array.from(frozen, (r) => r.weight as number),
    });
    const opts = { factors: 8, iterations: 8, regularization: 0.1 };
    const a = await new ALS(opts).fit(frozen, { seed: 1 });
    const b = await new ALS(opts).fit(t, { seed: 1 });
    for (const u of ['u0', 'u17', 'u42']) expect(b.recommend(u, { k: 5 })).toEqual(a.recommend(u, { k: 5 }));
  });
});

describe('zero copy and no mutation', () => {
  it('null-free numeric columns are handed on as views of Arrow memory', () => {
    const t = arrowOfTransactions(transactions(50, 6));
    const cols = arrowColumns('test', t, { orderId: 'id', amount: 'number', timestamp: 'time' });
    expect(cols).not.toBeNull();
    expect((cols!.amount as Float64Array).buffer).toBe(t.getChild('amount')!.data[0]!.values.buffer);
    expect((cols!.orderId as Int32Array).buffer).toBe(t.getChild('orderId')!.data[0]!.values.buffer);
    // Timestamps come out as epoch milliseconds (Arrow's toArray would give raw BigInt64 units).
    expect(cols!.timestamp).toBeInstanceOf(Float64Array);
  });

  it('reading an Arrow table leaves its columns unchanged', () => {
    const t = arrowOfTransactions(transactions(100, 7));
    const before = t.getChild('amount')!.toArray().slice();
    rfm(t, { asOf: START + 400 * DAY });
    expect(t.getChild('amount')!.toArray()).toEqual(before);
  });
});

describe('nulls and wrong types', () => {
  it('a null gives the error the same null gives in plain columns (column-shaped tables) or records', () => {
    const rows = transactions(20, 8);
    const withNull = {
      customerId: rows.map((r) => r.customerId as string),
      orderId: rows.map((r) => r.orderId as number),
      timestamp: rows.map((r) => r.timestamp as number),
      amount: rows.map((r, i) => (i === 5 ? null : r.amount)) as number[],
    };
    const t = arrow.tableFromArrays({
      customerId: rows.map((r) => r.customerId as string),
      orderId: Float64Array.from(rows, (r) => r.orderId as number),
      timestamp: Float64Array.from(rows, (r) => r.timestamp as number),
      amount: rows.map((r, i) => (i === 5 ? null : (r.amount as number))),
    });
    const asOf = START + 400 * DAY;
    expect(error(() => rfm(t, { asOf }))).toEqual(error(() => rfm(withNull, { asOf })));
    expect(error(() => rfm(t, { asOf }))).toEqual({ code: 'E_NUMBER', field: 'amount', row: 5 });
    // A record-shaped table (quantity × unitPrice) goes through validateTransactions, as records do.
    const recs = rows.slice(0, 3).map((r, i) => ({ customerId: r.customerId, orderId: r.orderId, timestamp: r.timestamp, quantity: 2, unitPrice: i === 1 ? null : 3 }));
    const rt = arrow.tableFromJSON(recs);
    expect(error(() => rfm(rt, { asOf }))).toEqual(error(() => rfm(recs as unknown as Transaction[], { asOf })));
    expect(rfm(arrow.tableFromJSON(recs.map((r) => ({ ...r, unitPrice: 3 }))), { asOf }).toRecords()).toEqual(rfm(recs.map((r) => ({ ...r, unitPrice: 3 })), { asOf }).toRecords());
    // k-means: a null feature is E_NOT_FINITE at its row, as for records.
    const pts = arrow.tableFromArrays({ a: [1, 2, null, 4], b: Float64Array.of(1, 2, 3, 4) });
    expect(error(() => kmeans(pts, 2, { seed: 1 }))).toEqual(error(() => kmeans([{ a: 1, b: 1 }, { a: 2, b: 2 }, { a: null as unknown as number, b: 3 }, { a: 4, b: 4 }], 2, { seed: 1 })));
    // A z-test outcome vector with a null: E_NOT_BINARY, as an array with null.
    expect(code(() => proportionsZTest(arrow.vectorFromArray([1, null, 0]), [0, 1]))).toBe(code(() => proportionsZTest([1, null, 0] as unknown as number[] as (0 | 1)[], [0, 1])));
  });

  it('a column of the wrong Arrow type gets E_ARROW_TYPE naming the column', () => {
    const rows = transactions(10, 9);
    const t = arrow.tableFromArrays({
      customerId: rows.map((r) => r.customerId as string),
      orderId: Float64Array.from(rows, (r) => r.orderId as number),
      timestamp: Float64Array.from(rows, (r) => r.timestamp as number),
      amount: rows.map((r) => String(r.amount)),
    });
    expect(error(() => rfm(t, { asOf: START + 400 * DAY }))).toEqual({ code: 'E_ARROW_TYPE', field: 'amount', row: undefined });
    const bools = new arrow.Table({ userId: arrow.vectorFromArray(['a', 'b']), itemId: arrow.vectorFromArray([true, false]) });
    return expect(new ALS().fit(bools)).rejects.toMatchObject({ code: 'E_ARROW_TYPE', field: 'itemId' });
  });

  it('E_ARROW_TYPE for points of strings and for a t-test vector of dates, and for 64-bit integers beyond 2^53', () => {
    expect(error(() => kmeans(arrow.tableFromArrays({ x: ['a', 'b'], y: Float64Array.of(1, 2) }), 1, { seed: 1 }))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'x' });
    const dates = arrow.vectorFromArray([new Date(0), new Date(1)]);
    expect(code(() => welchTTest(dates, [1, 2, 3]))).toBe('E_ARROW_TYPE');
    const big = arrow.tableFromArrays({ spend: BigInt64Array.of(1n, 2n ** 60n) });
    expect(error(() => kmeans(big, 1, { seed: 1 }))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'spend', row: 1 });
    // Safe 64-bit integers are fine.
    expect(kmeans(arrow.tableFromArrays({ spend: BigInt64Array.of(1n, 2n, 10n) }), 1, { seed: 1 }).centroids).toEqual([[13 / 3]]);
  });

  it('a Marksman Table built from an Arrow table still works (Table.fromArrow)', () => {
    const t = arrow.tableFromArrays({ x: Float64Array.of(1, 2) });
    expect(Table.fromArrow(t).column('x')).toEqual(Float64Array.of(1, 2));
  });
});
