import { describe, expect, it } from 'vitest';
import { OptionsError, validateEvents, validateInteractions, validateTransactions, ValidationError } from '@marksman/core';
import type { ValidationReport } from '@marksman/core';

/** Deep-freezes test input so any mutation throws. */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Invariants every report satisfies. */
function checkReport<T>(r: ValidationReport<T>, total: number): void {
  expect(r.total).toBe(total);
  expect(r.kept).toBe(r.rows.length);
  expect(r.kept + r.rejected.length).toBe(total);
  expect(r.keptIndexes).toBeInstanceOf(Int32Array);
  expect(r.keptIndexes.length).toBe(r.kept);
  const all = [...r.keptIndexes, ...r.rejected.map((x) => x.index)].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  const counts: Record<string, number> = {};
  for (const x of r.rejected) counts[x.code] = (counts[x.code] ?? 0) + 1;
  expect(r.countsByCode).toEqual(counts);
}

const goodTx = { customerId: 'c1', orderId: 'o1', timestamp: '2024-03-01', quantity: 2, unitPrice: 5 };

describe('validateTransactions', () => {
  it('mirrors its doc example', () => {
    const report = validateTransactions([
      { customerId: 'c1', orderId: 'o1', timestamp: '2024-03-01', quantity: 2, unitPrice: 5 },
      { customerId: 'c2', orderId: 'o2', timestamp: 'yesterday', quantity: 1, amount: 3 },
    ]);
    expect(report.rows[0]?.amount).toBe(10);
    expect(report.rejected[0]?.code).toBe('E_TIMESTAMP');
    expect(report.countsByCode).toEqual({ E_TIMESTAMP: 1 });
  });

  it('normalises good rows into new objects and leaves frozen input untouched', () => {
    const input = deepFreeze([
      { ...goodTx, itemId: 42, channel: 'web', extra: 'dropped' },
      { customerId: 7, orderId: 'o2', timestamp: new Date(Date.UTC(2024, 0, 2)), quantity: -1, amount: -4.5 },
      { customerId: 'c3', orderId: 3, timestamp: 1_700_000_000_000, quantity: 3, unitPrice: 0.1, amount: 0.3 },
    ]);
    const copy = structuredClone(input);
    const r = validateTransactions(input as never);
    checkReport(r, 3);
    expect(input).toEqual(copy);
    expect(r.rows).toEqual([
      { customerId: 'c1', orderId: 'o1', timestamp: Date.UTC(2024, 2, 1), itemId: 42, quantity: 2, unitPrice: 5, amount: 10, channel: 'web' },
      { customerId: 7, orderId: 'o2', timestamp: Date.UTC(2024, 0, 2), quantity: -1, amount: -4.5 },
      { customerId: 'c3', orderId: 3, timestamp: 1_700_000_000_000, quantity: 3, unitPrice: 0.1, amount: 0.3 },
    ]);
    expect(r.rows[0]).not.toBe(input[0]);
    expect([...r.keptIndexes]).toEqual([0, 1, 2]);
  });

  it.each([
    ['E_NOT_OBJECT', '', 'not a row'],
    ['E_NOT_OBJECT', '', null],
    ['E_NOT_OBJECT', '', [1, 2]],
    ['E_MISSING', 'customerId', { ...goodTx, customerId: undefined }],
    ['E_MISSING', 'customerId', { ...goodTx, customerId: null }],
    ['E_MISSING', 'orderId', { ...goodTx, orderId: '' }],
    ['E_ID_TYPE', 'customerId', { ...goodTx, customerId: Number.NaN }],
    ['E_ID_TYPE', 'orderId', { ...goodTx, orderId: { id: 1 } }],
    ['E_ID_TYPE', 'itemId', { ...goodTx, itemId: true }],
    ['E_MISSING', 'timestamp', { ...goodTx, timestamp: null }],
    ['E_TIMESTAMP', 'timestamp', { ...goodTx, timestamp: '2024-13-01' }],
    ['E_TIMESTAMP', 'timestamp', { ...goodTx, timestamp: new Date('x') }],
    ['E_MISSING', 'quantity', { ...goodTx, quantity: undefined }],
    ['E_NUMBER', 'quantity', { ...goodTx, quantity: '2' }],
    ['E_NUMBER', 'quantity', { ...goodTx, quantity: Number.POSITIVE_INFINITY }],
    ['E_NUMBER', 'unitPrice', { ...goodTx, unitPrice: Number.NaN }],
    ['E_NUMBER', 'amount', { ...goodTx, amount: 'ten' }],
    ['E_NUMBER', 'amount', { ...goodTx, quantity: 1e300, unitPrice: 1e300 }],
    ['E_NO_AMOUNT', 'amount', { ...goodTx, unitPrice: undefined }],
    ['E_AMOUNT_MISMATCH', 'amount', { ...goodTx, amount: 10.02 }],
    ['E_FIELD_TYPE', 'channel', { ...goodTx, channel: 3 }],
  ])('reports %s on field "%s"', (code, field, row) => {
    const r = validateTransactions(deepFreeze([goodTx, row, goodTx]) as never);
    checkReport(r, 3);
    expect(r.kept).toBe(2);
    expect(r.rejected).toHaveLength(1);
    const bad = r.rejected[0];
    expect(bad).toMatchObject({ index: 1, field, code });
    expect(bad?.message).toMatch(/^validateTransactions: row 1/);
    if (field !== '') expect(bad?.message).toContain(`field "${field}"`);
  });

  it('accepts a mismatch within a cent and honours amountTolerance', () => {
    expect(validateTransactions([{ ...goodTx, amount: 10.01 }]).kept).toBe(1);
    expect(validateTransactions([{ ...goodTx, amount: 10.5 }], { amountTolerance: 1 }).kept).toBe(1);
    expect(validateTransactions([{ ...goodTx, amount: 10.5 }]).rejected[0]?.code).toBe('E_AMOUNT_MISMATCH');
    // floating-point products within a cent are not mismatches
    expect(validateTransactions([{ ...goodTx, quantity: 3, unitPrice: 0.1, amount: 0.3 }]).kept).toBe(1);
  });

  it('requireItemId makes itemId mandatory', () => {
    const r = validateTransactions([goodTx], { requireItemId: true });
    expect(r.rejected[0]).toMatchObject({ code: 'E_MISSING', field: 'itemId' });
  });

  it('reports the first failing field in a fixed order', () => {
    const r = validateTransactions([{ customerId: null, orderId: null, timestamp: 'x', quantity: 'y' } as never]);
    expect(r.rejected[0]?.field).toBe('customerId');
  });

  it('handles zero rows', () => {
    const r = validateTransactions([]);
    checkReport(r, 0);
    expect(r.rows).toEqual([]);
  });

  it('throws only for a non-array input or bad options', () => {
    expect(() => validateTransactions('rows' as never)).toThrow(ValidationError);
    expect(() => validateTransactions({ length: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', source: 'validateTransactions' }));
    expect(() => validateTransactions([], { amountTolerance: -1 })).toThrow(OptionsError);
    expect(() => validateTransactions([], { amountTolerance: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => validateTransactions([], { tolerance: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => validateTransactions([], { requireItemId: 'no' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'requireItemId' }));
  });
});

const goodEvent = { customerId: 'c1', timestamp: '2024-03-01T12:00:00Z', type: 'view' };

describe('validateEvents', () => {
  it('mirrors its doc example', () => {
    const report = validateEvents([
      { customerId: 7, timestamp: '2024-03-01T12:00:00Z', type: 'view', itemId: 'sku-1' },
      { customerId: 8, timestamp: '2024-03-01', type: '' },
    ]);
    expect(report.rows[0]?.timestamp).toBe(1709294400000);
    expect(report.rejected[0]?.code).toBe('E_EVENT_TYPE');
  });

  it('keeps optional fields and leaves frozen input untouched', () => {
    const input = deepFreeze([{ ...goodEvent, itemId: 'i1', value: 9.5, properties: { campaign: 'spring' } }, { ...goodEvent, type: 'custom_thing' }]);
    const r = validateEvents(input);
    checkReport(r, 2);
    expect(r.rows[0]).toEqual({ customerId: 'c1', timestamp: Date.UTC(2024, 2, 1, 12), type: 'view', itemId: 'i1', value: 9.5, properties: { campaign: 'spring' } });
    expect(r.rows[1]).toEqual({ customerId: 'c1', timestamp: Date.UTC(2024, 2, 1, 12), type: 'custom_thing' });
  });

  it.each([
    ['E_NOT_OBJECT', '', 3],
    ['E_MISSING', 'customerId', { ...goodEvent, customerId: '' }],
    ['E_ID_TYPE', 'customerId', { ...goodEvent, customerId: Number.POSITIVE_INFINITY }],
    ['E_MISSING', 'timestamp', { ...goodEvent, timestamp: undefined }],
    ['E_TIMESTAMP', 'timestamp', { ...goodEvent, timestamp: 'last tuesday' }],
    ['E_MISSING', 'type', { ...goodEvent, type: undefined }],
    ['E_EVENT_TYPE', 'type', { ...goodEvent, type: '' }],
    ['E_EVENT_TYPE', 'type', { ...goodEvent, type: '   ' }],
    ['E_EVENT_TYPE', 'type', { ...goodEvent, type: 5 }],
    ['E_ID_TYPE', 'itemId', { ...goodEvent, itemId: Number.NaN }],
    ['E_NUMBER', 'value', { ...goodEvent, value: '12' }],
    ['E_FIELD_TYPE', 'properties', { ...goodEvent, properties: 'utm=x' }],
  ])('reports %s on field "%s"', (code, field, row) => {
    const r = validateEvents(deepFreeze([row, goodEvent]) as never);
    checkReport(r, 2);
    expect(r.rejected).toEqual([expect.objectContaining({ index: 0, field, code })]);
    expect(r.rejected[0]?.message).toMatch(/^validateEvents: row 0/);
  });

  it('restricts types with the types option', () => {
    const r = validateEvents([goodEvent, { ...goodEvent, type: 'purchase' }], { types: ['purchase'] });
    expect(r.rejected).toEqual([expect.objectContaining({ index: 0, code: 'E_EVENT_TYPE' })]);
    expect(() => validateEvents([], { types: [''] })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
  });

  it('handles zero rows and refuses a non-array', () => {
    checkReport(validateEvents([]), 0);
    expect(() => validateEvents(null as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('validateInteractions', () => {
  it('mirrors its doc example', () => {
    const report = validateInteractions([
      { userId: 'u1', itemId: 'i1' },
      { userId: 'u1', itemId: 'i2', weight: -1 },
    ]);
    expect(report.rows).toEqual([{ userId: 'u1', itemId: 'i1', weight: 1 }]);
    expect(report.rejected[0]?.code).toBe('E_NEGATIVE_WEIGHT');
  });

  it('fills weight 1, converts timestamps and accepts negatives on request', () => {
    const input = deepFreeze([{ userId: 1, itemId: 'a', weight: 0, timestamp: '2024-03-01' }, { userId: 2, itemId: 'b', weight: -2 }]);
    const strict = validateInteractions(input);
    checkReport(strict, 2);
    expect(strict.rows).toEqual([{ userId: 1, itemId: 'a', weight: 0, timestamp: Date.UTC(2024, 2, 1) }]);
    const lax = validateInteractions(input, { allowNegativeWeights: true });
    expect(lax.rows[1]).toEqual({ userId: 2, itemId: 'b', weight: -2 });
  });

  it.each([
    ['E_NOT_OBJECT', '', undefined],
    ['E_MISSING', 'userId', { itemId: 'a' }],
    ['E_MISSING', 'itemId', { userId: 'u', itemId: null }],
    ['E_ID_TYPE', 'itemId', { userId: 'u', itemId: ['a'] }],
    ['E_NUMBER', 'weight', { userId: 'u', itemId: 'a', weight: Number.NaN }],
    ['E_NUMBER', 'weight', { userId: 'u', itemId: 'a', weight: '3' }],
    ['E_NEGATIVE_WEIGHT', 'weight', { userId: 'u', itemId: 'a', weight: -0.5 }],
    ['E_TIMESTAMP', 'timestamp', { userId: 'u', itemId: 'a', timestamp: 'now' }],
  ])('reports %s on field "%s"', (code, field, row) => {
    const r = validateInteractions([row] as never);
    checkReport(r, 1);
    expect(r.rejected).toEqual([expect.objectContaining({ index: 0, field, code })]);
  });

  it('throws E_INPUT only for a non-array and E_OPTION_UNKNOWN for a typo', () => {
    expect(() => validateInteractions(new Set() as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', source: 'validateInteractions' }));
    expect(() => validateInteractions([], { allowNegative: true } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => validateInteractions([], { allowNegativeWeights: 'yes' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'allowNegativeWeights' }));
    expect(() => validateInteractions([], { requireTimestamp: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'requireTimestamp' }));
    checkReport(validateInteractions([]), 0);
  });

  it('requireTimestamp makes timestamps mandatory', () => {
    const r = validateInteractions([{ userId: 'u', itemId: 'a' }], { requireTimestamp: true });
    expect(r.rejected[0]).toMatchObject({ code: 'E_MISSING', field: 'timestamp' });
  });

  it('counts many rejections by code', () => {
    const rows = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? { userId: 'u', itemId: 'a', weight: -1 } : i % 3 === 1 ? { userId: 'u', itemId: 'a' } : { userId: '', itemId: 'a' }));
    const r = validateInteractions(rows);
    checkReport(r, 100);
    expect(r.countsByCode).toEqual({ E_NEGATIVE_WEIGHT: 34, E_MISSING: 33 });
  });
});
