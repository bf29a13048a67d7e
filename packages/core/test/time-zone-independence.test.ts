// Results never depend on the machine's time zone: the same inputs give the
// same epoch milliseconds under TZ=UTC, Asia/Tokyo, America/Los_Angeles and
// Asia/Kolkata (zone-less date-times are read as UTC; calendar helpers use
// the zone they are given, UTC by default).
import { describe, expect, it } from 'vitest';
import { addDays, parseTimestamp, periodKey, periodStart, startOfDay, tryParseTimestamp, validateTransactions } from '@marksman/core';
import { inTimeZone, JANUARY_OFFSETS } from '../../../test-support/time-zone';

function everything(): unknown {
  return {
    zoneless: parseTimestamp('2024-03-01T09:30:00'),
    zonelessSpace: parseTimestamp('2024-03-01 09:30'),
    dateOnly: parseTimestamp('2024-03-01'),
    impossible: tryParseTimestamp('2024-02-30T00:00:00'),
    startOfDay: startOfDay('2024-03-10T05:00:00'),
    startOfDayBerlin: startOfDay('2024-03-31T12:00:00', { timeZone: 'Europe/Berlin' }),
    addDays: addDays('2024-03-09T12:00:00', 1, { timeZone: 'America/New_York' }),
    week: periodKey('2024-12-30T23:30:00', 'week'),
    month: periodStart('2024-05-17T23:59:59', 'month'),
    rows: validateTransactions([{ customerId: 'c', orderId: 'o', timestamp: '2024-06-01T00:00:00', quantity: 1, amount: 2 }]).rows,
  };
}

describe('time-zone independence', () => {
  it('parses zone-less strings as UTC, and every time helper gives the same answer in four machine zones', () => {
    const results = Object.keys(JANUARY_OFFSETS).map((zone) => inTimeZone(zone, everything));
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    expect(results[0]).toMatchObject({ zoneless: Date.UTC(2024, 2, 1, 9, 30), dateOnly: Date.UTC(2024, 2, 1), impossible: undefined });
  });
});
