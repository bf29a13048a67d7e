import { OptionsError, ValidationError } from './errors';
import { resolveOptions } from './options';
import { civilFromDays, civilToMs, daysFromCivil, emptyCivil, MS_PER_DAY, msToCivil, pad } from './civil';
import type { CivilDateTime } from './civil';
import { describeValue, timestampMessage, tryParseTimestamp } from './timestamp';
import type { TimestampInput } from './types';

/** A calendar period for {@link periodKey} and {@link periodStart}. */
export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Day of the week: 0 = Sunday, 1 = Monday, … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Options of the time helpers that only need a time zone. */
export interface TimeZoneOptions {
  /**
   * An IANA time zone name such as `'Europe/Berlin'` or `'America/New_York'`,
   * or `'UTC'` (default). Calendar fields are read in this zone.
   */
  readonly timeZone?: string;
}

/** Options of {@link periodKey} and {@link periodStart}. */
export interface PeriodOptions extends TimeZoneOptions {
  /**
   * First day of a week, 0 = Sunday … 6 = Saturday; default 1 (Monday, as
   * ISO 8601). Only used with unit `'week'`.
   */
  readonly weekStartsOn?: Weekday;
}

const TZ_DEFAULTS: Required<TimeZoneOptions> = Object.freeze({ timeZone: 'UTC' });
const PERIOD_DEFAULTS: Required<PeriodOptions> = Object.freeze({ timeZone: 'UTC', weekStartsOn: 1 });

const MS_PER_HOUR = 3_600_000;
/** Largest |epoch ms| a JavaScript `Date` can hold. */
const MAX_TIME = 8.64e15;

// ---------------------------------------------------------------------------
// Zone offsets through Intl.DateTimeFormat (no dependency, no tz database of
// our own). `offsetAt(ts)` = local wall time (read as UTC) − ts, in ms.

interface Zone {
  /** Offset in ms at an instant. */
  offsetAt(ts: number): number;
}

const UTC_ZONE: Zone = { offsetAt: () => 0 };
const zones = new Map<string, Zone>();

function makeZone(fmt: Intl.DateTimeFormat): Zone {
  const scratch = emptyCivil();
  const exact = (instant: number): number => {
    // Intl refuses instants outside the Date range; near the ends the offset
    // is the one at the end (the zone's local mean time, long before 1900).
    const ts = Math.min(MAX_TIME, Math.max(-MAX_TIME, instant));
    const parts = fmt.formatToParts(ts);
    let era = 'AD';
    for (const p of parts) {
      switch (p.type) {
        case 'year':
          scratch.year = Number(p.value);
          break;
        case 'month':
          scratch.month = Number(p.value);
          break;
        case 'day':
          scratch.day = Number(p.value);
          break;
        case 'hour':
          scratch.hour = Number(p.value) % 24;
          break;
        case 'minute':
          scratch.minute = Number(p.value);
          break;
        case 'second':
          scratch.second = Number(p.value);
          break;
        case 'era':
          era = p.value;
          break;
        default:
          break;
      }
    }
    if (era === 'BC' || era === 'B') scratch.year = 1 - scratch.year;
    scratch.millisecond = 0;
    const wholeSecond = Math.floor(ts / 1000) * 1000;
    return civilToMs(scratch) - wholeSecond;
  };
  // Offsets change at most once within any hour, so when the offsets at both
  // ends of an hour agree the offset is constant inside it: cache per hour.
  const cache = new Map<number, number>();
  return {
    offsetAt(ts: number): number {
      const hour = Math.floor(ts / MS_PER_HOUR);
      const hit = cache.get(hour);
      if (hit !== undefined) return Number.isNaN(hit) ? exact(ts) : hit;
      const a = exact(hour * MS_PER_HOUR);
      const b = exact((hour + 1) * MS_PER_HOUR - 1000);
      if (cache.size > 200_000) cache.clear();
      cache.set(hour, a === b ? a : NaN);
      return a === b ? a : exact(ts);
    },
  };
}

function zoneFor(source: string, timeZone: unknown): Zone {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return UTC_ZONE;
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new OptionsError('E_TIME_ZONE', `${source}: timeZone must be an IANA zone name such as "Europe/Berlin", got ${describeValue(timeZone)}.`, { source, field: 'timeZone' });
  }
  const known = zones.get(timeZone);
  if (known !== undefined) return known;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new OptionsError('E_TIME_ZONE', `${source}: unknown time zone ${describeValue(timeZone)}; use an IANA name such as "Europe/Berlin" or "UTC".`, { source, field: 'timeZone' });
  }
  const zone = makeZone(fmt);
  zones.set(timeZone, zone);
  return zone;
}

/** The local calendar fields of instant `ts` in `zone`. */
function localFields(zone: Zone, ts: number, out: CivilDateTime): CivilDateTime {
  return msToCivil(ts + zone.offsetAt(ts), out);
}

/**
 * The instant at which the local wall clock of `zone` shows `wall` (wall
 * time encoded as if it were UTC ms). In a gap (spring forward) the wall time
 * does not exist and the instant just as far past the gap is returned (02:30
 * in a 02:00→03:00 gap gives 03:30); in an overlap (fall back) the earlier
 * instant is returned.
 */
function wallToInstant(zone: Zone, wall: number): number {
  const before = zone.offsetAt(wall - MS_PER_DAY);
  const after = zone.offsetAt(wall + MS_PER_DAY);
  const c1 = wall - before;
  const c2 = wall - after;
  const ok1 = zone.offsetAt(c1) === before;
  const ok2 = zone.offsetAt(c2) === after;
  if (ok1 && ok2) return Math.min(c1, c2);
  if (ok1) return c1;
  if (ok2) return c2;
  return Math.max(c1, c2);
}

function toMs(source: string, ts: unknown, field = 'ts'): number {
  const ms = tryParseTimestamp(ts);
  if (ms === undefined) throw new ValidationError('E_TIMESTAMP', timestampMessage(ts, { source, field }), { source, field });
  return ms;
}

/** Throws `E_TIME_RANGE` when a computed instant falls outside the range of `Date`. */
function inDateRange(source: string, field: string, ms: number): number {
  if (!(Math.abs(ms) <= MAX_TIME)) {
    throw new ValidationError('E_TIME_RANGE', `${source}: the result (${ms} ms) falls outside the range of Date (±8.64e15 ms, about ±273,790 years); check ${field}.`, { source, field });
  }
  return ms;
}

/**
 * The first instant of the calendar day containing `ts`, in `timeZone`
 * (local midnight, or the first existing instant when midnight falls in a
 * daylight-saving gap). O(1) after the zone's first use.
 *
 * @param ts - a timestamp (epoch ms, `Date` or ISO string)
 * @param options - see {@link TimeZoneOptions}
 * @returns epoch ms
 * @throws {@link ValidationError} `E_TIMESTAMP` for a bad `ts`,
 *   `E_TIME_RANGE` when the day starts before the earliest `Date`;
 *   {@link OptionsError} `E_TIME_ZONE` for an unknown zone
 * @example
 * ```ts
 * import { startOfDay } from '@marksman/core';
 * startOfDay(Date.UTC(2024, 2, 1, 15, 30)); // => 1709251200000 (2024-03-01T00:00Z)
 * startOfDay('2024-03-01T03:00:00Z', { timeZone: 'America/New_York' }); // => 1709182800000 (2024-02-29T05:00Z)
 * ```
 */
export function startOfDay(ts: TimestampInput, options?: TimeZoneOptions): number {
  const source = 'startOfDay';
  const { timeZone } = resolveOptions(source, TZ_DEFAULTS, options);
  const zone = zoneFor(source, timeZone);
  const ms = toMs(source, ts);
  const c = localFields(zone, ms, emptyCivil());
  return inDateRange(source, 'ts', wallToInstant(zone, daysFromCivil(c.year, c.month, c.day) * MS_PER_DAY));
}

/**
 * Adds `n` calendar days in `timeZone`, keeping the local time of day, so
 * across a daylight-saving change one "day" can be 23 or 25 hours. A local
 * time that falls into a gap moves forward by the gap's length. O(1).
 *
 * @param ts - a timestamp (epoch ms, `Date` or ISO string)
 * @param n - whole number of days (negative to go back)
 * @param options - see {@link TimeZoneOptions}
 * @returns epoch ms
 * @throws {@link ValidationError} `E_TIMESTAMP` for a bad `ts`, `E_NUMBER`
 *   when `n` is not an integer, `E_TIME_RANGE` when the result falls outside
 *   the range of `Date`; {@link OptionsError} `E_TIME_ZONE`
 * @example
 * ```ts
 * import { addDays } from '@marksman/core';
 * // New York springs forward on 2024-03-10: noon to noon is 23 hours.
 * const noon = Date.parse('2024-03-09T17:00:00Z'); // 12:00 EST
 * (addDays(noon, 1, { timeZone: 'America/New_York' }) - noon) / 3600000; // => 23
 * ```
 */
export function addDays(ts: TimestampInput, n: number, options?: TimeZoneOptions): number {
  const source = 'addDays';
  const { timeZone } = resolveOptions(source, TZ_DEFAULTS, options);
  const zone = zoneFor(source, timeZone);
  const ms = toMs(source, ts);
  if (!Number.isSafeInteger(n)) throw new ValidationError('E_NUMBER', `${source}: n must be a whole number of days, got ${describeValue(n)}.`, { source, field: 'n' });
  if (n === 0) return ms;
  // The whole Date range spans 2·10⁸ days: a larger |n| cannot land in it.
  if (Math.abs(n) > 2e8) return inDateRange(source, 'n', ms + n * MS_PER_DAY);
  if (zone === UTC_ZONE) return inDateRange(source, 'n', ms + n * MS_PER_DAY);
  const wall = ms + zone.offsetAt(ms);
  return inDateRange(source, 'n', wallToInstant(zone, wall + n * MS_PER_DAY));
}

/**
 * Elapsed time from `a` to `b` in days of 24 hours (fractional; negative
 * when `b` is before `a`). Plain UTC arithmetic, no calendar: across a
 * daylight-saving change, local midnight to local midnight is 23/24 or 25/24.
 * O(1).
 *
 * @param a - the start (epoch ms, `Date` or ISO string)
 * @param b - the end
 * @throws {@link ValidationError} `E_TIMESTAMP` for a bad timestamp (field `a` or `b`)
 * @example
 * ```ts
 * import { daysBetween } from '@marksman/core';
 * daysBetween('2024-03-01', '2024-03-04T12:00:00Z'); // => 3.5
 * ```
 */
export function daysBetween(a: TimestampInput, b: TimestampInput): number {
  const start = toMs('daysBetween', a, 'a');
  return (toMs('daysBetween', b, 'b') - start) / MS_PER_DAY;
}

/** Day number (days since 1970-01-01) of the first day of the period containing local day `day`. */
function periodFirstDay(unit: PeriodUnit, c: CivilDateTime, day: number, weekStartsOn: number): number {
  switch (unit) {
    case 'day':
      return day;
    case 'week': {
      const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
      return day - ((weekday - weekStartsOn + 7) % 7);
    }
    case 'month':
      return daysFromCivil(c.year, c.month, 1);
    case 'quarter':
      return daysFromCivil(c.year, c.month - ((c.month - 1) % 3), 1);
    case 'year':
      return daysFromCivil(c.year, 1, 1);
    default:
      return checkUnit('periodKey', unit);
  }
}

function checkUnit(source: string, unit: unknown): never {
  throw new OptionsError('E_PERIOD_UNIT', `${source}: unit must be 'day', 'week', 'month', 'quarter' or 'year', got ${describeValue(unit)}.`, { source, field: 'unit' });
}

function checkWeekStart(source: string, w: unknown): number {
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 6) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: weekStartsOn must be an integer 0 (Sunday) … 6 (Saturday), got ${describeValue(w)}.`, { source, field: 'weekStartsOn' });
  }
  return w;
}

const UNITS: ReadonlySet<string> = new Set(['day', 'week', 'month', 'quarter', 'year']);

/**
 * A sortable label of the calendar period containing `ts` in `timeZone`:
 * `day` → `2024-03-01`; `week` → ISO 8601 week `2024-W09` (Monday weeks,
 * week 1 holds the year's first Thursday, so the week-year can differ from
 * the calendar year near 1 January); with another `weekStartsOn` the label
 * is the date of the week's first day, e.g. `2024-02-25`; `month` →
 * `2024-03`; `quarter` → `2024-Q1`; `year` → `2024`. O(1).
 *
 * @param ts - a timestamp (epoch ms, `Date` or ISO string)
 * @param unit - `'day' | 'week' | 'month' | 'quarter' | 'year'`
 * @param options - see {@link PeriodOptions}
 * @throws {@link ValidationError} `E_TIMESTAMP`; {@link OptionsError}
 *   `E_TIME_ZONE`, `E_PERIOD_UNIT` (unknown unit), `E_OPTION_RANGE`
 *   (bad `weekStartsOn`)
 * @example
 * ```ts
 * import { periodKey } from '@marksman/core';
 * periodKey('2024-03-01T10:00:00Z', 'week'); // => '2024-W09'
 * periodKey('2024-03-01T10:00:00Z', 'quarter'); // => '2024-Q1'
 * periodKey('2021-01-01', 'week'); // => '2020-W53'
 * periodKey('2024-03-01T02:00:00Z', 'day', { timeZone: 'America/New_York' }); // => '2024-02-29'
 * ```
 */
export function periodKey(ts: TimestampInput, unit: PeriodUnit, options?: PeriodOptions): string {
  const source = 'periodKey';
  const opts = resolveOptions(source, PERIOD_DEFAULTS, options);
  const zone = zoneFor(source, opts.timeZone);
  const weekStartsOn = checkWeekStart(source, opts.weekStartsOn);
  if (!UNITS.has(unit)) checkUnit(source, unit);
  const ms = toMs(source, ts);
  const c = localFields(zone, ms, emptyCivil());
  switch (unit) {
    case 'day':
      return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
    case 'month':
      return `${pad(c.year, 4)}-${pad(c.month, 2)}`;
    case 'quarter':
      return `${pad(c.year, 4)}-Q${Math.floor((c.month - 1) / 3) + 1}`;
    case 'year':
      return pad(c.year, 4);
    case 'week': {
      const day = daysFromCivil(c.year, c.month, c.day);
      const first = periodFirstDay('week', c, day, weekStartsOn);
      if (weekStartsOn !== 1) {
        const s = civilFromDays(first, emptyCivil());
        return `${pad(s.year, 4)}-${pad(s.month, 2)}-${pad(s.day, 2)}`;
      }
      // ISO 8601: the week belongs to the year of its Thursday.
      const thursday = civilFromDays(first + 3, emptyCivil());
      const week = Math.floor((first + 3 - daysFromCivil(thursday.year, 1, 1)) / 7) + 1;
      return `${pad(thursday.year, 4)}-W${pad(week, 2)}`;
    }
    default:
      return checkUnit(source, unit);
  }
}

/**
 * The first instant of the calendar period containing `ts` in `timeZone`
 * (local midnight of the period's first day; weeks start on `weekStartsOn`,
 * Monday by default). O(1).
 *
 * @param ts - a timestamp (epoch ms, `Date` or ISO string)
 * @param unit - `'day' | 'week' | 'month' | 'quarter' | 'year'`
 * @param options - see {@link PeriodOptions}
 * @returns epoch ms
 * @throws {@link ValidationError} `E_TIMESTAMP`, `E_TIME_RANGE` (the period
 *   starts before the earliest `Date`); {@link OptionsError}
 *   `E_TIME_ZONE`, `E_PERIOD_UNIT`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { periodStart } from '@marksman/core';
 * new Date(periodStart('2024-03-01T10:00:00Z', 'week')).toISOString(); // => '2024-02-26T00:00:00.000Z'
 * new Date(periodStart('2024-05-17', 'quarter', { timeZone: 'Europe/Berlin' })).toISOString();
 * // => '2024-03-31T22:00:00.000Z' (1 April, 00:00 CEST)
 * ```
 */
export function periodStart(ts: TimestampInput, unit: PeriodUnit, options?: PeriodOptions): number {
  const source = 'periodStart';
  const opts = resolveOptions(source, PERIOD_DEFAULTS, options);
  const zone = zoneFor(source, opts.timeZone);
  const weekStartsOn = checkWeekStart(source, opts.weekStartsOn);
  if (!UNITS.has(unit)) checkUnit(source, unit);
  const ms = toMs(source, ts);
  const c = localFields(zone, ms, emptyCivil());
  const day = daysFromCivil(c.year, c.month, c.day);
  return inDateRange(source, 'ts', wallToInstant(zone, periodFirstDay(unit, c, day, weekStartsOn) * MS_PER_DAY));
}
