import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { addDays, daysBetween, OptionsError, periodKey, periodStart, startOfDay, ValidationError } from '@marksman/core';
import type { PeriodUnit } from '@marksman/core';

interface RefCase {
  timeZone: string;
  ts: number;
  startOfDay: number;
  keys: Record<PeriodUnit, string>;
  starts: Record<PeriodUnit, number>;
  addDays: Record<string, number>;
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/time-reference.json', import.meta.url), 'utf8')) as { cases: RefCase[] };
const UNITS: PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('time helpers against Python zoneinfo (fixtures/time-reference.py)', () => {
  it('has cases around every 2024 transition of nine zones', () => {
    expect(ref.cases.length).toBeGreaterThan(400);
  });
  it('agrees on startOfDay, periodKey, periodStart and addDays for every case', () => {
    const bad: string[] = [];
    for (const c of ref.cases) {
      const o = { timeZone: c.timeZone };
      if (startOfDay(c.ts, o) !== c.startOfDay) bad.push(`${c.timeZone} ${iso(c.ts)} startOfDay`);
      for (const u of UNITS) {
        if (periodKey(c.ts, u, o) !== c.keys[u]) bad.push(`${c.timeZone} ${iso(c.ts)} key ${u}: ${periodKey(c.ts, u, o)} vs ${c.keys[u]}`);
        if (periodStart(c.ts, u, o) !== c.starts[u]) bad.push(`${c.timeZone} ${iso(c.ts)} start ${u}`);
      }
      for (const [n, want] of Object.entries(c.addDays)) {
        if (addDays(c.ts, Number(n), o) !== want) bad.push(`${c.timeZone} ${iso(c.ts)} addDays ${n}: ${iso(addDays(c.ts, Number(n), o))} vs ${iso(want)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('startOfDay', () => {
  it('mirrors its doc example', () => {
    expect(startOfDay(Date.UTC(2024, 2, 1, 15, 30))).toBe(1709251200000);
    expect(startOfDay('2024-03-01T03:00:00Z', { timeZone: 'America/New_York' })).toBe(1709182800000);
  });
  it('is idempotent and never after ts', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York']) {
      for (let ts = Date.UTC(2024, 2, 30); ts < Date.UTC(2024, 3, 2); ts += 37 * 60_000) {
        const s = startOfDay(ts, { timeZone: tz });
        expect(s).toBeLessThanOrEqual(ts);
        expect(ts - s).toBeLessThan(25 * H);
        expect(startOfDay(s, { timeZone: tz })).toBe(s);
      }
    }
  });
  it('starts a day whose midnight is skipped at the first instant after the gap (Santiago)', () => {
    // Chile springs forward at 24:00 on 2024-09-07: 2024-09-08 starts at 01:00 -03 = 04:00Z.
    expect(iso(startOfDay('2024-09-08T12:00:00Z', { timeZone: 'America/Santiago' }))).toBe('2024-09-08T04:00:00.000Z');
  });
  it('accepts Date and ISO input and refuses bad timestamps', () => {
    expect(startOfDay(new Date('2024-03-01T12:00:00Z'))).toBe(Date.UTC(2024, 2, 1));
    expect(() => startOfDay(Number.NaN)).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', source: 'startOfDay' }));
  });
});

describe('addDays', () => {
  it('mirrors its doc example: a spring-forward day has 23 hours in New York', () => {
    const noon = Date.parse('2024-03-09T17:00:00Z');
    expect((addDays(noon, 1, { timeZone: 'America/New_York' }) - noon) / H).toBe(23);
  });
  it('a fall-back day has 25 hours in Berlin, and UTC days always 24', () => {
    const noon = Date.parse('2024-10-26T10:00:00Z'); // 12:00 CEST
    expect((addDays(noon, 1, { timeZone: 'Europe/Berlin' }) - noon) / H).toBe(25);
    expect(addDays(noon, 1) - noon).toBe(24 * H);
    expect(addDays(noon, 0, { timeZone: 'Europe/Berlin' })).toBe(noon);
  });
  it('moves a wall time in a gap forward by the gap (02:30 on 2024-03-31 in Berlin = 03:30 CEST)', () => {
    const before = Date.parse('2024-03-30T01:30:00Z'); // 02:30 CET
    expect(iso(addDays(before, 1, { timeZone: 'Europe/Berlin' }))).toBe('2024-03-31T01:30:00.000Z');
  });
  it('adding n then −n returns to the same local time away from transitions', () => {
    const ts = Date.parse('2024-06-15T08:00:00Z');
    for (const n of [1, 30, 200, -45]) expect(addDays(addDays(ts, n, { timeZone: 'America/New_York' }), -n, { timeZone: 'America/New_York' })).toBe(ts);
  });
  it('refuses a fractional day count', () => {
    expect(() => addDays(0, 1.5)).toThrow(expect.objectContaining({ code: 'E_NUMBER', field: 'n' }));
  });
});

describe('daysBetween', () => {
  it('mirrors its doc example and is antisymmetric', () => {
    expect(daysBetween('2024-03-01', '2024-03-04T12:00:00Z')).toBe(3.5);
    expect(daysBetween('2024-03-04T12:00:00Z', '2024-03-01')).toBe(-3.5);
  });
  it('counts elapsed 24-hour days, so a DST day in New York is 23/24', () => {
    const a = startOfDay('2024-03-10T12:00:00Z', { timeZone: 'America/New_York' });
    const b = addDays(a, 1, { timeZone: 'America/New_York' });
    expect(daysBetween(a, b)).toBeCloseTo(23 / 24, 12);
  });
  it('refuses bad timestamps', () => {
    expect(() => daysBetween('2024-03-01', 'soon')).toThrow(ValidationError);
  });
});

describe('periodKey / periodStart', () => {
  it('mirrors the doc examples', () => {
    expect(periodKey('2024-03-01T10:00:00Z', 'week')).toBe('2024-W09');
    expect(periodKey('2024-03-01T10:00:00Z', 'quarter')).toBe('2024-Q1');
    expect(periodKey('2021-01-01', 'week')).toBe('2020-W53');
    expect(periodKey('2024-03-01T02:00:00Z', 'day', { timeZone: 'America/New_York' })).toBe('2024-02-29');
    expect(iso(periodStart('2024-03-01T10:00:00Z', 'week'))).toBe('2024-02-26T00:00:00.000Z');
    expect(iso(periodStart('2024-05-17', 'quarter', { timeZone: 'Europe/Berlin' }))).toBe('2024-03-31T22:00:00.000Z');
  });
  it('formats every unit', () => {
    const ts = '2024-11-15T10:00:00Z';
    expect(UNITS.map((u) => periodKey(ts, u))).toEqual(['2024-11-15', '2024-W46', '2024-11', '2024-Q4', '2024']);
  });
  it('ISO week-years differ from calendar years near 1 January', () => {
    expect(periodKey('2024-12-30', 'week')).toBe('2025-W01');
    expect(periodKey('2027-01-03', 'week')).toBe('2026-W53');
    expect(periodKey('2015-12-31', 'week')).toBe('2015-W53');
  });
  it('weeks starting on Sunday are labelled by their first day', () => {
    // 2024-03-01 is a Friday; the Sunday-week starts 2024-02-25.
    expect(periodKey('2024-03-01', 'week', { weekStartsOn: 0 })).toBe('2024-02-25');
    expect(iso(periodStart('2024-03-01', 'week', { weekStartsOn: 0 }))).toBe('2024-02-25T00:00:00.000Z');
    expect(periodKey('2024-02-25', 'week', { weekStartsOn: 0 })).toBe('2024-02-25');
  });
  it('the period start carries the same key, and the instant before it does not', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
      for (const u of UNITS) {
        for (let k = 0; k < 30; k++) {
          const ts = Date.UTC(2023, 0, 1) + k * 13.37 * 86_400_000;
          const s = periodStart(ts, u, { timeZone: tz });
          expect(periodKey(s, u, { timeZone: tz })).toBe(periodKey(ts, u, { timeZone: tz }));
          expect(periodKey(s - 1, u, { timeZone: tz })).not.toBe(periodKey(ts, u, { timeZone: tz }));
        }
      }
    }
  });
  it('keys sort in time order', () => {
    const keys = Array.from({ length: 400 }, (_, k) => periodKey(Date.UTC(2020, 0, 1) + k * 5 * 86_400_000, 'week'));
    expect([...keys].sort()).toEqual(keys);
  });
});

describe('errors', () => {
  it('an unknown time zone is an OptionsError E_TIME_ZONE', () => {
    for (const f of [
      () => startOfDay(0, { timeZone: 'Mars/Olympus_Mons' }),
      () => addDays(0, 1, { timeZone: 'Nowhere' }),
      () => periodKey(0, 'day', { timeZone: '' }),
      () => periodStart(0, 'day', { timeZone: 42 as unknown as string }),
    ]) {
      expect(f).toThrow(OptionsError);
      expect(f).toThrow(expect.objectContaining({ code: 'E_TIME_ZONE', field: 'timeZone' }));
    }
  });
  it('an unknown unit is E_PERIOD_UNIT, a bad weekStartsOn E_OPTION_RANGE, a typo E_OPTION_UNKNOWN', () => {
    expect(() => periodKey(0, 'fortnight' as PeriodUnit)).toThrow(expect.objectContaining({ code: 'E_PERIOD_UNIT' }));
    expect(() => periodStart(0, 'decade' as PeriodUnit)).toThrow(expect.objectContaining({ code: 'E_PERIOD_UNIT' }));
    expect(() => periodKey(0, 'week', { weekStartsOn: 7 as 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => startOfDay(0, { timezone: 'UTC' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });

  it('stays inside the Date range: extreme instants in a zone answer, results beyond it throw E_TIME_RANGE', () => {
    const NY = { timeZone: 'America/New_York' };
    // Intl cannot format instants beyond ±8.64e15 ms; offsets near the ends are the zone's first/last
    expect(startOfDay(8.64e15, NY)).toBeLessThanOrEqual(8.64e15);
    expect(periodKey(8.64e15, 'week', { timeZone: 'Asia/Tokyo' })).toMatch(/^275760-W\d\d$/);
    expect(() => startOfDay(-8.64e15, NY)).toThrow(expect.objectContaining({ code: 'E_TIME_RANGE', field: 'ts' }));
    expect(() => addDays(0, 1e12)).toThrow(expect.objectContaining({ code: 'E_TIME_RANGE', field: 'n' }));
    expect(() => addDays(0, 1e12, NY)).toThrow(expect.objectContaining({ code: 'E_TIME_RANGE', field: 'n' }));
    expect(() => addDays(8.64e15, 1, NY)).toThrow(expect.objectContaining({ code: 'E_TIME_RANGE' }));
    expect(() => periodStart(-8.64e15, 'year')).toThrow(expect.objectContaining({ code: 'E_TIME_RANGE' }));
    expect(() => addDays(0, '1' as never)).toThrow(expect.objectContaining({ code: 'E_NUMBER', field: 'n' }));
    expect(() => daysBetween(0, undefined as never)).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', field: 'b' }));
    expect(() => daysBetween(null as never, 0)).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', field: 'a' }));
    expect(() => periodKey(0, 'day', { timeZone: 5 as never })).toThrow(OptionsError);
    expect(() => startOfDay(0, new Date() as never)).toThrow(expect.objectContaining({ code: 'E_OPTIONS_TYPE' }));
  });
});
