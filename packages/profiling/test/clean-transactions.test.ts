import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { Transaction } from '@marksman/core';
import { cleanTransactions } from '@marksman/profiling';
import type { CleanReason, CleanTransactionsResult } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

const line = (o: Partial<Transaction> & { orderId: string }): Transaction => ({ customerId: 'a', itemId: 'x', timestamp: '2024-01-01', quantity: 1, unitPrice: 2, ...o });

/** Every input index is either kept or in exactly one dropped class. */
function checkAccounting(res: CleanTransactionsResult): void {
  const dropped = new Map<number, CleanReason>();
  for (const [reason, r] of Object.entries(res.report.reasons) as [CleanReason, { indexes: Int32Array; action: string; count: number }][]) {
    expect(r.count).toBe(r.indexes.length);
    if (r.action !== 'drop') continue;
    for (const i of r.indexes) {
      expect(dropped.has(i), `index ${i} dropped twice`).toBe(false);
      dropped.set(i, reason);
    }
  }
  for (const i of res.keptIndexes) expect(dropped.has(i)).toBe(false);
  expect(res.report.kept).toBe(res.rows.length);
  expect(res.report.kept + dropped.size).toBe(res.report.total);
}

describe('cleanTransactions', () => {
  it('nets a cancellation against the newest earlier purchases of the same customer and item', () => {
    const input = freezeRows([
      line({ orderId: '1', quantity: 10, unitPrice: 1.5, timestamp: '2024-01-01' }),
      line({ orderId: '2', quantity: 5, unitPrice: 1.5, timestamp: '2024-01-02' }),
      line({ orderId: '3', itemId: 'y', quantity: 4, timestamp: '2024-01-02' }),
      line({ orderId: 'C4', quantity: -12, unitPrice: 1.5, timestamp: '2024-01-03' }),
      line({ orderId: '5', quantity: 7, timestamp: '2024-01-04' }), // later than the cancellation: untouched
    ]);
    const snapshot = JSON.stringify(input);
    const res = cleanTransactions(input, { outlierRule: null });
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(res.report.matches).toEqual([
      { cancellation: 3, original: 1, quantity: 5 },
      { cancellation: 3, original: 0, quantity: 7 },
    ]);
    expect(Array.from(res.keptIndexes)).toEqual([0, 2, 4]);
    expect(res.rows[0]).toMatchObject({ quantity: 3, amount: 4.5 });
    expect(Array.from(res.report.repaired)).toEqual([0]);
    expect(Array.from(res.report.reasons.cancelledOriginal.indexes)).toEqual([1]);
    expect(Array.from(res.report.reasons.cancellation.indexes)).toEqual([3]);
    checkAccounting(res);
  });

  it('reports cancellations with nothing to net as unmatched; a negative quantity counts even without the prefix', () => {
    const res = cleanTransactions(
      freezeRows([line({ orderId: 'C1', quantity: -1, timestamp: '2024-01-01' }), line({ orderId: '2', quantity: 2, timestamp: '2024-01-05' }), line({ orderId: '3', customerId: 'b', quantity: -2 })]),
      { outlierRule: null },
    );
    expect(Array.from(res.report.reasons.unmatchedCancellation.indexes)).toEqual([0, 2]);
    expect(Array.from(res.keptIndexes)).toEqual([1]);
    checkAccounting(res);
  });

  it("'drop' and 'keep' for cancellations leave purchases as they are", () => {
    const rows = freezeRows([line({ orderId: '1', quantity: 3 }), line({ orderId: 'C2', quantity: -1, timestamp: '2024-01-02' })]);
    const drop = cleanTransactions(rows, { cancellations: 'drop', outlierRule: null });
    expect(drop.rows.map((r) => r.quantity)).toEqual([3]);
    expect(drop.report.reasons.cancellation.count).toBe(1);
    const keep = cleanTransactions(rows, { cancellations: 'keep', outlierRule: null, cancellationPrefix: null });
    expect(keep.rows.map((r) => r.quantity)).toEqual([3, -1]);
    expect(keep.report.reasons.cancellation).toMatchObject({ count: 1, action: 'keep' });
    checkAccounting(keep);
  });

  it('drops exact duplicates (keeping the first), missing customers, non-positive prices, and invalid rows with their code', () => {
    const rows = freezeRows<Transaction>([
      line({ orderId: '1' }),
      line({ orderId: '1' }),
      line({ orderId: '1', quantity: 2 }), // not an exact duplicate
      line({ orderId: '2', customerId: null as never }),
      line({ orderId: '3', customerId: '' }),
      line({ orderId: '4', unitPrice: 0 }),
      { customerId: 'a', orderId: '5', timestamp: 'never', quantity: 1, amount: 1 },
      { customerId: 'a', orderId: '6', timestamp: '2024-01-01', quantity: 1, amount: -3 },
    ]);
    const res = cleanTransactions(rows, { outlierRule: null });
    expect(Array.from(res.keptIndexes)).toEqual([0, 2]);
    expect(Array.from(res.report.reasons.duplicate.indexes)).toEqual([1]);
    expect(Array.from(res.report.reasons.missingCustomer.indexes)).toEqual([3, 4]);
    expect(Array.from(res.report.reasons.nonPositivePrice.indexes)).toEqual([5, 7]);
    expect(res.report.invalid).toHaveLength(1);
    expect(res.report.invalid[0]).toMatchObject({ index: 6, code: 'E_TIMESTAMP', field: 'timestamp' });
    checkAccounting(res);
    const kept = cleanTransactions(rows, { outlierRule: null, duplicates: 'keep', missingCustomers: 'keep', nonPositivePrices: 'keep', anonymousCustomerId: 'anon' });
    expect(Array.from(kept.keptIndexes)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(kept.rows[3]!.customerId).toBe('anon');
    expect(kept.report.reasons.missingCustomer).toMatchObject({ count: 2, action: 'keep' });
    checkAccounting(kept);
  });

  it('flags outliers by a quantile rule or a MAD rule, on the chosen field', () => {
    const rows = freezeRows([10, 11, 12, 13, 1000].map((a, i) => line({ orderId: String(i), quantity: 1, unitPrice: a })));
    const q = cleanTransactions(rows, { outlierRule: { method: 'quantile', q: 0.8 } });
    expect(q.report.outlierThreshold).toBeCloseTo(13 + 0.2 * 987, 10);
    expect(Array.from(q.report.reasons.outlier.indexes)).toEqual([4]);
    const mad = cleanTransactions(rows, { outlierRule: { method: 'mad', threshold: 3.5 }, outliers: 'drop' });
    expect(mad.report.outlierThreshold).toBeCloseTo(12 + 3.5 / 0.6745, 10);
    expect(Array.from(mad.keptIndexes)).toEqual([0, 1, 2, 3]);
    const madLog = cleanTransactions(rows, { outlierRule: { method: 'mad', threshold: 3.5, log: true, field: 'unitPrice' }, outliers: 'keep' });
    expect(madLog.report.reasons.outlier).toMatchObject({ count: 1, action: 'keep' });
    expect(madLog.rows).toHaveLength(5);
    // Default rule: the 99.9th percentile of amounts.
    expect(cleanTransactions(rows).report.outlierThreshold).toBeCloseTo(13 + 0.996 * 987, 8);
  });

  it('flags outliers by default and drops them only when asked (issue 15 §7)', () => {
    // On a small file the 99.9th percentile always sits below the largest line: the default used to remove it.
    const rows = freezeRows([10, 11, 12, 13, 14].map((a, i) => line({ orderId: String(i), customerId: `c${i}`, quantity: 1, unitPrice: a })));
    const flagged = cleanTransactions(rows);
    expect(flagged.rows).toHaveLength(5);
    expect(flagged.report.kept).toBe(5);
    expect(flagged.report.reasons.outlier).toMatchObject({ count: 1, action: 'keep' });
    expect(Array.from(flagged.report.reasons.outlier.indexes)).toEqual([4]);
    expect(flagged.report.outlierRule).toEqual({ method: 'quantile', field: 'amount', q: 0.999 });
    expect(flagged.report.outlierThreshold).toBeCloseTo(13 + 0.996, 10);
    checkAccounting(flagged);
    const dropped = cleanTransactions(rows, { outliers: 'drop' });
    expect(Array.from(dropped.keptIndexes)).toEqual([0, 1, 2, 3]);
    expect(dropped.report.reasons.outlier).toMatchObject({ count: 1, action: 'drop' });
    checkAccounting(dropped);
    expect(cleanTransactions(rows, { outlierRule: null }).report).toMatchObject({ outlierRule: null, outlierThreshold: null });
    expect(cleanTransactions(rows, { outlierRule: { method: 'mad', threshold: 3.5, log: true } }).report.outlierRule).toEqual({ method: 'mad', field: 'amount', threshold: 3.5, log: true });
  });

  it('keeps the accounting exact on random dirty data', () => {
    const rng = new Random(11);
    const rows: Transaction[] = [];
    for (let i = 0; i < 600; i++) {
      const cancel = rng.next() < 0.1;
      const r: Transaction = {
        customerId: rng.next() < 0.05 ? (null as never) : `c${rng.int(20)}`,
        orderId: cancel ? `C${i}` : String(rng.int(300)),
        itemId: `i${rng.int(10)}`,
        timestamp: Date.UTC(2024, 0, 1) + rng.int(60) * 86_400_000,
        quantity: (cancel ? -1 : 1) * (1 + rng.int(5)),
        unitPrice: rng.next() < 0.03 ? 0 : 1 + rng.int(20),
      };
      rows.push(r);
      if (rng.next() < 0.05) rows.push({ ...r });
    }
    const res = cleanTransactions(freezeRows(rows), { outlierRule: { method: 'quantile', q: 0.99 } });
    checkAccounting(res);
    expect(res.rows.every((r) => r.quantity > 0 && r.amount > 0)).toBe(true);
    expect(res.report.reasons.duplicate.count).toBeGreaterThan(0);
    expect(res.report.matches.length).toBeGreaterThan(0);
  });

  it('throws typed errors for bad input and options', () => {
    expect(codeOf(() => cleanTransactions('rows' as never))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => cleanTransactions([], { duplicates: 'remove' as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { cancellations: 'net' as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { outlierRule: { method: 'quantile', q: 1 } }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { outlierRule: { method: 'mad', threshold: -1 } }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { outlierRule: { method: 'iqr' } as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { cancellationPrefix: '' }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { anonymousCustomerId: '' }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { dedupe: true } as never))).toBe('OptionsError:E_OPTION_UNKNOWN');
    // a misspelt rule field (quantile, for q) used to be ignored in favour of the default
    expect(codeOf(() => cleanTransactions([], { outlierRule: { method: 'quantile', q: 0.99, quantile: 0.9 } as never }))).toBe('OptionsError:E_OPTION_UNKNOWN');
    expect(codeOf(() => cleanTransactions([], { outlierRule: { method: 'mad', threshold: 3, logs: true } as never }))).toBe('OptionsError:E_OPTION_UNKNOWN');
    expect(cleanTransactions([]).report).toMatchObject({ total: 0, kept: 0, outlierThreshold: null });
  });
});
