import { describe, expect, it } from 'vitest';
import { csrFromInteractions, periodKey, Table, validateInteractions } from '@marksman/core';

describe('README example', () => {
  it('is true', () => {
    const report = validateInteractions([
      { userId: 'ann', itemId: 'tea', weight: 2, timestamp: '2024-03-01T09:30:00Z' },
      { userId: 'bob', itemId: 'jam', timestamp: '2024-03-02' },
      { userId: 'bob', itemId: 'tea', weight: -1 },
    ]);
    expect(report.rejected[0]?.code).toBe('E_NEGATIVE_WEIGHT');
    const { matrix, users, items } = csrFromInteractions(report.rows);
    expect(matrix.get(users.index('ann'), items.index('tea'))).toBe(2);
    expect(Table.fromRecords(report.rows).column('weight')).toEqual(Float64Array.of(2, 1));
    expect(periodKey(report.rows[0]?.timestamp as number, 'week', { timeZone: 'Europe/Berlin' })).toBe('2024-W09');
  });
});
