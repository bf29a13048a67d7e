import { describe, expect, it } from 'vitest';
import type { Transaction } from '@marksman/core';
import { calibrationHoldoutSplit, rfm } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

const rows = freezeRows<Transaction>([
  { customerId: 'a', orderId: 1, timestamp: '2024-01-05', quantity: 1, amount: 10 },
  { customerId: 'b', orderId: 2, timestamp: '2024-01-20', quantity: 1, amount: 4 },
  { customerId: 'a', orderId: 3, timestamp: '2024-02-10', quantity: 1, amount: 20 },
  { customerId: 'c', orderId: 4, timestamp: '2024-02-12', quantity: 1, amount: 5 },
  { customerId: 'b', orderId: 5, timestamp: '2024-03-01', quantity: 1, amount: 6 }, // exactly observationEnd: after
  { customerId: 'a', orderId: 6, timestamp: '2024-02-01', quantity: 1, amount: 3 }, // exactly calibrationEnd: holdout
]);
const opts = { calibrationEnd: '2024-02-01', observationEnd: '2024-03-01' } as const;

describe('calibrationHoldoutSplit', () => {
  it('splits at the two ends (exclusive) and accounts for every line once', () => {
    const s = calibrationHoldoutSplit(rows, opts);
    expect(Array.from(s.calibrationIndexes)).toEqual([0, 1]);
    expect(Array.from(s.holdoutIndexes)).toEqual([2, 5]);
    expect(Array.from(s.newCustomerIndexes)).toEqual([3]);
    expect(Array.from(s.afterIndexes)).toEqual([4]);
    expect(s.calibration.map((r) => r.orderId)).toEqual([1, 2]);
    expect(s.holdout.map((r) => r.amount)).toEqual([20, 3]);
    const all = [...s.calibrationIndexes, ...s.holdoutIndexes, ...s.newCustomerIndexes, ...s.afterIndexes].sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it("keeps new customers' holdout lines with holdoutCustomers: 'all'", () => {
    const s = calibrationHoldoutSplit(rows, { ...opts, holdoutCustomers: 'all' });
    expect(Array.from(s.holdoutIndexes)).toEqual([2, 3, 5]);
    expect(s.newCustomerIndexes.length).toBe(0);
  });
  it('calibration features equal rfm as of calibrationEnd on the full data (no leakage)', () => {
    const s = calibrationHoldoutSplit(rows, opts);
    expect(rfm(s.calibration, { asOf: s.calibrationEnd }).toRecords()).toEqual(rfm(rows, { asOf: opts.calibrationEnd }).toRecords());
  });
  it('throws typed errors', () => {
    expect(codeOf(() => calibrationHoldoutSplit(rows, { calibrationEnd: '2024-03-01', observationEnd: '2024-03-01' }))).toBe('OptionsError:E_SPLIT_ORDER');
    expect(codeOf(() => calibrationHoldoutSplit(rows, { ...opts, holdoutCustomers: 'some' as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => calibrationHoldoutSplit(rows, { observationEnd: '2024-03-01' } as never))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => calibrationHoldoutSplit([], opts))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => calibrationHoldoutSplit([{ customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1 }], opts))).toBe('ValidationError:E_NO_AMOUNT');
  });
});
