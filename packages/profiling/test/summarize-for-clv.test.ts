import { describe, expect, it } from 'vitest';
import { dictionaryEncode, MarksmanError } from '@marksman/core';
import type { Transaction } from '@marksman/core';
import { calibrationHoldoutSplit, summarizeForClv } from '@marksman/profiling';
import { hasCdnow, readCdnowSample, readCdnowSummary } from './clv-data';

const freeze = <T>(rows: T[]): readonly T[] => Object.freeze(rows.map((r) => Object.freeze(r)));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MarksmanError) return `${e.name}:${e.code}`;
    throw e;
  }
  return undefined;
}

describe('summarizeForClv', () => {
  it('mirrors its doc example (lifetimes conventions: repeat purchases, recency, T, mean repeat value)', () => {
    const s = summarizeForClv(
      freeze<Transaction>([
        { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
        { customerId: 'a', orderId: 2, timestamp: '2024-01-08', quantity: 1, amount: 20 },
        { customerId: 'a', orderId: 3, timestamp: '2024-01-15', quantity: 2, unitPrice: 15 },
        { customerId: 'b', orderId: 4, timestamp: '2024-01-10', quantity: 1, amount: 5 },
      ]),
      { asOf: '2024-01-30', timeUnit: 'week' },
    );
    expect(s.rows[0]).toEqual({ customerId: 'a', frequency: 2, recency: 2, T: 4, monetaryValue: 25, firstPurchase: Date.UTC(2024, 0, 1) });
    // A single purchase: frequency 0, recency 0, monetary value 0 (documented result).
    expect(s.rows[1]).toEqual({ customerId: 'b', frequency: 0, recency: 0, T: 19 / 7, monetaryValue: 0, firstPurchase: Date.UTC(2024, 0, 10) });
    expect(s.timeUnit).toBe('week');
    expect(s.calibrationEnd).toBeUndefined();
  });

  it('counts several orders on one UTC day as one purchase whose value is their sum', () => {
    const rows = freeze<Transaction>([
      { customerId: 1, orderId: 'o1', timestamp: Date.UTC(2024, 2, 1, 9), quantity: 1, amount: 10 },
      { customerId: 1, orderId: 'o2', timestamp: new Date(Date.UTC(2024, 2, 3, 8)), quantity: 1, amount: 7 },
      { customerId: 1, orderId: 'o3', timestamp: '2024-03-03T22:30:00', quantity: 1, amount: 3 },
      { customerId: 1, orderId: 'o4', timestamp: '2024-03-05T00:00:00Z', quantity: 3, unitPrice: 2 },
    ]);
    const s = summarizeForClv(rows, { asOf: '2024-03-12', timeUnit: 'day' });
    expect(s.rows).toHaveLength(1);
    const r = s.rows[0]!;
    expect(r.frequency).toBe(2); // days 1, 3, 5 → two repeat days
    expect(r.recency).toBe(4);
    expect(r.T).toBe(10);
    expect(r.monetaryValue).toBe((10 + 6) / 2);
  });

  it('measures months as 365.2425/12 days, never 30', () => {
    const s = summarizeForClv(
      freeze<Transaction>([
        { customerId: 'x', orderId: 1, timestamp: '2023-01-01', quantity: 1, amount: 1 },
        { customerId: 'x', orderId: 2, timestamp: '2024-01-01', quantity: 1, amount: 1 },
      ]),
      { asOf: '2025-01-02', timeUnit: 'month' },
    );
    expect(s.rows[0]!.recency).toBeCloseTo((365 / 365.2425) * 12, 12);
    expect(s.rows[0]!.T).toBeCloseTo((731 / 365.2425) * 12, 12);
  });

  it('splits calibration and holdout, leaving out customers who start after the calibration end', () => {
    const rows = freeze<Transaction>([
      { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
      { customerId: 'a', orderId: 2, timestamp: '2024-01-15', quantity: 1, amount: 20 },
      { customerId: 'a', orderId: 3, timestamp: '2024-02-05', quantity: 1, amount: 30 },
      { customerId: 'a', orderId: 4, timestamp: '2024-02-12', quantity: 1, amount: 50 },
      { customerId: 'b', orderId: 5, timestamp: '2024-02-01', quantity: 1, amount: 5 },
      { customerId: 'c', orderId: 6, timestamp: '2024-05-01', quantity: 1, amount: 5 },
    ]);
    const s = summarizeForClv(rows, { asOf: '2024-03-05', calibrationEnd: '2024-01-30', timeUnit: 'week' });
    expect(s.rows.map((r) => r.customerId)).toEqual(['a']);
    expect(s.excludedCustomers).toBe(1);
    expect(s.linesAfterAsOf).toBe(1);
    expect(s.durationHoldout).toBe(5);
    expect(s.rows[0]).toMatchObject({ frequency: 1, recency: 2, T: 4, monetaryValue: 20, frequencyHoldout: 2, monetaryValueHoldout: 40 });
  });

  describe.skipIf(!hasCdnow)('CDNOW sample (needs ../shared/datasets/cdnow)', () => {
    it("reproduces lifetimes' published summary of all 2,357 customers (weeks, calibration to 1997-09-30 inclusive)", () => {
      const s = summarizeForClv(readCdnowSample(), { asOf: '1998-07-01', calibrationEnd: '1997-10-01', timeUnit: 'week' });
      const ref = readCdnowSummary();
      expect(s.rows).toHaveLength(2357);
      expect(s.excludedCustomers).toBe(0);
      expect(s.durationHoldout).toBe(39);
      const byId = new Map(s.rows.map((r) => [r.customerId, r]));
      let repeats = 0;
      for (const r of ref) {
        const got = byId.get(r.id)!;
        expect(got.frequency).toBe(r.frequency);
        // The reference file is rounded to 2 decimals.
        expect(Math.abs(got.recency - r.recency)).toBeLessThanOrEqual(0.0051);
        expect(Math.abs(got.T - r.T)).toBeLessThanOrEqual(0.0051);
        expect(Math.abs(got.monetaryValue - r.monetaryValue)).toBeLessThanOrEqual(0.0051);
        repeats += got.frequency;
      }
      expect(repeats).toBe(2457);
    });
  });

  it('one date rule: asOf and calibrationEnd are exclusive instants, the same split as calibrationHoldoutSplit', () => {
    const day = (d: number): string => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString();
    const lines = freeze<Transaction>(
      [0, 2, 9, 13, 14, 15, 20, 27, 28, 29, 35, 1, 14, 30, 5, 28].map((d, i) => ({ customerId: i < 11 ? 'a' : i < 14 ? 'b' : 'c', orderId: i, timestamp: day(d), quantity: 1, amount: 1 + i })),
    );
    const calibrationEnd = '2024-01-15'; // day 14
    const asOf = '2024-01-29'; // day 28
    const s = summarizeForClv(lines, { asOf, calibrationEnd, timeUnit: 'day' });
    const split = calibrationHoldoutSplit(lines, { calibrationEnd, observationEnd: asOf });
    const count = (rows: readonly { customerId: unknown; timestamp: number }[], id: string): number => new Set(rows.filter((r) => r.customerId === id).map((r) => Math.floor(r.timestamp / 86_400_000))).size;
    for (const r of s.rows) {
      expect(r.frequency).toBe(count(split.calibration, r.customerId as string) - 1);
      expect(r.frequencyHoldout).toBe(count(split.holdout, r.customerId as string));
    }
    // Purchases on the calibration end's day belong to the holdout; those on asOf's day are not counted.
    expect(s.rows.find((r) => r.customerId === 'a')).toMatchObject({ frequency: 3, recency: 13, T: 13, frequencyHoldout: 4 });
    expect(s.linesAfterAsOf).toBe(split.afterIndexes.length);
    expect([s.asOf, s.calibrationEnd, s.durationHoldout]).toEqual([Date.parse(asOf), Date.parse(calibrationEnd), 14]);
    // A purchase on asOf's day is not before asOf: a customer whose first purchase is that day is not observed.
    expect(codeOf(() => summarizeForClv([{ customerId: 'z', orderId: 1, timestamp: '2024-02-01T10:00:00Z', quantity: 1, amount: 1 }], { asOf: '2024-02-01', timeUnit: 'day' }))).toBe(
      'ValidationError:E_CLV_AS_OF',
    );
    // Whole days only: an instant within a day is refused, naming the dates to use instead.
    const e = (() => {
      try {
        summarizeForClv(lines, { asOf: '2024-01-29T12:00:00Z', timeUnit: 'day' });
      } catch (err) {
        return err as MarksmanError;
      }
      return undefined;
    })();
    expect([e?.code, e?.field]).toEqual(['E_CLV_OPTION', 'asOf']);
    expect(e?.message).toContain("'2024-01-29'");
    expect(codeOf(() => summarizeForClv(lines, { asOf, calibrationEnd: '2024-01-15T06:00:00Z', timeUnit: 'day' }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => summarizeForClv(lines, { asOf, calibrationEnd: asOf, timeUnit: 'day' }))).toBe('OptionsError:E_CLV_OPTION');
  });

  it('refuses bad input with typed errors', () => {
    const ok: Transaction = { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 };
    const opts = { asOf: '2024-02-01', timeUnit: 'week' } as const;
    expect(codeOf(() => summarizeForClv([], opts))).toBe('ValidationError:E_CLV_EMPTY');
    expect(codeOf(() => summarizeForClv([{ ...ok, customerId: '' }], opts))).toBe('ValidationError:E_CLV_CUSTOMER');
    expect(codeOf(() => summarizeForClv([{ ...ok, timestamp: 'yesterday' }], opts))).toBe('ValidationError:E_CLV_TIMESTAMP');
    expect(codeOf(() => summarizeForClv([{ customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1 }], opts))).toBe('ValidationError:E_CLV_AMOUNT');
    expect(codeOf(() => summarizeForClv([ok, { ...ok, quantity: -1, amount: -10 }], opts))).toBe('ValidationError:E_CLV_NEGATIVE_AMOUNT');
    // asOf before the first purchase: nothing is observed.
    expect(codeOf(() => summarizeForClv([ok], { asOf: '2023-12-31', timeUnit: 'week' }))).toBe('ValidationError:E_CLV_AS_OF');
    expect(codeOf(() => summarizeForClv([ok], { asOf: '2024-03-01', calibrationEnd: '2023-12-01', timeUnit: 'week' }))).toBe('ValidationError:E_CLV_AS_OF');
    expect(codeOf(() => summarizeForClv([ok], { asOf: '2024-02-01', timeUnit: 'fortnight' as 'week' }))).toBe('OptionsError:E_CLV_TIME_UNIT');
    expect(codeOf(() => summarizeForClv([ok], { asOf: 'soon', timeUnit: 'day' }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => summarizeForClv([ok], { asOf: '2024-02-01', calibrationEnd: '2024-03-01', timeUnit: 'day' }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => summarizeForClv([ok], { ...opts, seed: 1 } as never))).toBe('OptionsError:E_OPTION_UNKNOWN');
    try {
      summarizeForClv([ok, { ...ok, amount: -3 }], opts);
    } catch (e) {
      expect(e).toMatchObject({ source: 'summarizeForClv', field: 'amount', row: 1 });
    }
  });
  it('refuses a row that is not an object and amounts that add up past the largest number', () => {
    const ok = { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 };
    expect(codeOf(() => summarizeForClv([ok, null as never], { asOf: '2024-02-01', timeUnit: 'week' }))).toBe('ValidationError:E_CLV_ROW');
    expect(codeOf(() => summarizeForClv([undefined as never], { asOf: '2024-02-01', timeUnit: 'week' }))).toBe('ValidationError:E_CLV_ROW');
    const huge = [1, 2, 3].map((i) => ({ ...ok, orderId: i, timestamp: `2024-01-0${i}`, amount: 1e308 }));
    expect(codeOf(() => summarizeForClv([...huge, { ...ok, orderId: 4, timestamp: '2024-01-03', amount: 1e308 }], { asOf: '2024-02-01', timeUnit: 'week' }))).toBe(
      'ValidationError:E_CLV_AMOUNT',
    );
  });

  it('columns give the same summary as records (plain, dictionary-encoded and numeric ids; with a holdout)', () => {
    // A seeded random shop: several lines per day, lines after asOf, unsorted input.
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 3000;
    const customer: string[] = [];
    const order = new Int32Array(n);
    const timestamp = new Float64Array(n);
    const amount = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      customer.push(`c${Math.floor(rand() * 200)}`);
      order[i] = Math.floor(rand() * 900);
      timestamp[i] = Date.UTC(2024, 0, 1) + Math.floor(rand() * 120 * 86_400_000);
      amount[i] = Math.round(rand() * 10_000) / 100;
    }
    const records = Array.from({ length: n }, (_, i) => ({ customerId: customer[i]!, orderId: order[i]!, timestamp: timestamp[i]!, quantity: 1, amount: amount[i]! }));
    for (const opts of [{ asOf: '2024-04-01', timeUnit: 'week' } as const, { asOf: '2024-04-15', calibrationEnd: '2024-03-01', timeUnit: 'day' } as const]) {
      const fromRecords = summarizeForClv(freeze(records), opts);
      const plain = summarizeForClv(Object.freeze({ customerId: Object.freeze([...customer]), orderId: order, timestamp, amount }), opts);
      const dict = summarizeForClv({ customerId: dictionaryEncode(customer), orderId: order, timestamp, amount }, opts);
      expect(plain).toEqual(fromRecords);
      expect(dict).toEqual(fromRecords);
      // Numeric ids: the same rows with the customer as a number.
      const numeric = summarizeForClv({ customerId: Float64Array.from(customer, (c) => Number(c.slice(1))), orderId: order, timestamp, amount }, opts);
      expect(numeric.rows.map((r) => ({ ...r, customerId: `c${String(r.customerId)}` }))).toEqual(fromRecords.rows);
      expect(fromRecords.linesAfterAsOf).toBeGreaterThan(0);
    }
  });

  it('refuses bad columns with typed errors naming the field', () => {
    const opts = { asOf: '2024-02-01', timeUnit: 'week' } as const;
    const cols = { customerId: ['a', 'b'], orderId: [1, 2], timestamp: Float64Array.of(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)), amount: Float64Array.of(1, 2) };
    expect(codeOf(() => summarizeForClv({ ...cols, amount: undefined } as never, opts))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => summarizeForClv({ ...cols, orderId: [1] }, opts))).toBe('ValidationError:E_COLUMN_LENGTH');
    expect(codeOf(() => summarizeForClv({ customerId: [], orderId: [], timestamp: [], amount: [] }, opts))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => summarizeForClv({ ...cols, customerId: ['a', ''] }, opts))).toBe('ValidationError:E_ID_TYPE');
    expect(codeOf(() => summarizeForClv({ ...cols, timestamp: [Date.UTC(2024, 0, 1), NaN] }, opts))).toBe('ValidationError:E_TIMESTAMP');
    expect(codeOf(() => summarizeForClv({ ...cols, amount: [1, Infinity] }, opts))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => summarizeForClv({ ...cols, amount: [1, -2] }, opts))).toBe('ValidationError:E_CLV_NEGATIVE_AMOUNT');
    try {
      summarizeForClv({ ...cols, amount: [1, -2] }, opts);
    } catch (e) {
      expect(e).toMatchObject({ source: 'summarizeForClv', field: 'amount', row: 1 });
    }
  });
});
