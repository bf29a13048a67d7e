import { describe, expect, it } from 'vitest';
import { parseTimestamp, Random, tryParseTimestamp, ValidationError } from '@marksman/core';

describe('parseTimestamp', () => {
  it('mirrors its doc examples', () => {
    expect(parseTimestamp('2024-03-01')).toBe(1709251200000);
    expect(parseTimestamp('2024-03-01T10:00:00+01:00')).toBe(1709283600000);
    expect(parseTimestamp(new Date(0))).toBe(0);
    expect(tryParseTimestamp('2024-03-01T00:00:00+01:00')).toBe(1709247600000);
    expect(tryParseTimestamp('yesterday')).toBeUndefined();
  });

  it('agrees with Date.UTC on every accepted form', () => {
    const base = Date.UTC(2024, 1, 29, 13, 5, 9, 250);
    expect(parseTimestamp('2024-02-29T13:05:09.250Z')).toBe(base);
    expect(parseTimestamp('2024-02-29T13:05:09.250')).toBe(base); // no zone = UTC
    expect(parseTimestamp('2024-02-29 13:05:09.250Z')).toBe(base);
    expect(parseTimestamp('2024-02-29t13:05:09,250z')).toBe(base);
    expect(parseTimestamp('2024-02-29T13:05:09.250123456Z')).toBe(base); // truncated, not rounded
    expect(parseTimestamp('2024-02-29T13:05:09.9999Z')).toBe(Date.UTC(2024, 1, 29, 13, 5, 9, 999));
    expect(parseTimestamp('2024-02-29T13:05:09.2Z')).toBe(Date.UTC(2024, 1, 29, 13, 5, 9, 200));
    expect(parseTimestamp('2024-02-29T13:05Z')).toBe(Date.UTC(2024, 1, 29, 13, 5));
    expect(parseTimestamp('2024-02-29T13:05:09-05:30')).toBe(Date.UTC(2024, 1, 29, 18, 35, 9));
    expect(parseTimestamp('2024-02-29T13:05:09+0530')).toBe(Date.UTC(2024, 1, 29, 7, 35, 9));
    expect(parseTimestamp('2024-02-29T13:05:09+05')).toBe(Date.UTC(2024, 1, 29, 8, 5, 9));
    expect(parseTimestamp('  2024-02-29  ')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimestamp(1.5)).toBe(1.5);
    expect(parseTimestamp(-86_400_000)).toBe(-86_400_000);
  });

  it('agrees with Date.parse on random valid date-times with offsets', () => {
    const rng = new Random(99);
    const p2 = (n: number) => String(n).padStart(2, '0');
    for (let k = 0; k < 3000; k++) {
      const ms = Date.UTC(1970, 0, 1) + Math.floor(rng.next() * 4e12) - 1e12;
      const d = new Date(ms);
      const off = (rng.int(27) - 12) * 60 + (rng.next() < 0.2 ? 30 : 0);
      const local = new Date(ms + off * 60_000);
      const sign = off < 0 ? '-' : '+';
      const text =
        `${local.getUTCFullYear()}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}T${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}` +
        `.${String(local.getUTCMilliseconds()).padStart(3, '0')}${sign}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
      expect(parseTimestamp(text)).toBe(Date.parse(text));
      expect(parseTimestamp(text)).toBe(d.getTime());
    }
  });

  it('matches Date for every day of 1900–2100 (calendar arithmetic)', () => {
    for (let ms = Date.UTC(1900, 0, 1); ms <= Date.UTC(2100, 11, 31); ms += 86_400_000) {
      const text = new Date(ms).toISOString().slice(0, 10);
      if (parseTimestamp(text) !== ms) throw new Error(`mismatch at ${text}`);
    }
    expect(parseTimestamp('0001-01-01')).toBe(Date.UTC(2001, 0, 1) - 2000 * 365.2425 * 86_400_000);
  });

  it.each([
    ['an invalid Date', new Date('nope')],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['beyond the Date range', 8.64e15 + 1],
    ['an empty string', ''],
    ['yesterday', 'yesterday'],
    ['month 13', '2024-13-01'],
    ['month 0', '2024-00-10'],
    ['30 February', '2024-02-30'],
    ['29 February of a common year', '2023-02-29'],
    ['31 April', '2024-04-31'],
    ['hour 24', '2024-03-01T24:00:00Z'],
    ['minute 60', '2024-03-01T10:60:00Z'],
    ['second 60', '2024-03-01T10:00:60Z'],
    ['offset hour 24', '2024-03-01T10:00:00+24:00'],
    ['a zone on a date', '2024-03-01Z'],
    ['a two-digit year', '24-03-01'],
    ['a US date', '03/01/2024'],
    ['an RFC 2822 date', 'Fri, 01 Mar 2024 00:00:00 GMT'],
    ['a numeric string', '1709251200000'],
    ['a missing time', '2024-03-01T'],
    ['trailing junk', '2024-03-01T10:00:00Zjunk'],
    ['an object', { ms: 1 }],
    ['an array', [2024, 3, 1]],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['a bigint', 10n],
  ])('refuses %s with E_TIMESTAMP', (_label, value) => {
    expect(tryParseTimestamp(value)).toBeUndefined();
    expect(() => parseTimestamp(value)).toThrow(ValidationError);
    expect(() => parseTimestamp(value)).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP' }));
  });

  it('names the source, field and row in the error', () => {
    try {
      parseTimestamp('2024-13-01', { source: 'loadOrders', field: 'date', row: 7 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.toJSON()).toMatchObject({ code: 'E_TIMESTAMP', source: 'loadOrders', field: 'date', row: 7 });
      expect(err.message).toContain('loadOrders: row 7, field "date"');
      expect(err.message).toContain('"2024-13-01"');
    }
  });

  it('never returns NaN for any input it accepts (fuzz)', () => {
    const alphabet = '0123456789-:TZ+ .';
    let seed = 1;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    for (let k = 0; k < 5000; k++) {
      const len = 8 + (next() % 20);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[next() % alphabet.length];
      const v = tryParseTimestamp(s);
      if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('checks its where argument: an object with known keys only', () => {
    expect(parseTimestamp('2024-03-01', null as never)).toBe(1709251200000);
    expect(() => parseTimestamp('2024-03-01', { feild: 'x' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN', field: 'feild' }));
    expect(() => parseTimestamp('2024-03-01', 'row 3' as never)).toThrow(expect.objectContaining({ code: 'E_OPTIONS_TYPE', field: 'where' }));
    expect(() => parseTimestamp('nope', { source: 'load', row: 2, field: 'ts' })).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', source: 'load', row: 2, field: 'ts' }));
  });
});
