import { OptionsError, ValidationError } from './errors';
import type { ErrorLocation } from './errors';
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './civil';

/** Largest |epoch ms| a JavaScript `Date` can hold (±100,000,000 days). */
const MAX_TIME = 8.64e15;

// YYYY-MM-DD, then optionally T or space, hh:mm, :ss, .fraction (1–9 digits),
// and a zone (Z, ±hh, ±hhmm or ±hh:mm). Fields are range-checked afterwards.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** Parses a strict ISO-8601 string to epoch ms, or returns NaN. */
function parseIso(text: string): number {
  const m = ISO_RE.exec(text.trim());
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (m[4] !== undefined) {
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (hour > 23 || minute > 59 || second > 59) return NaN;
    // Fractions beyond milliseconds are truncated (not rounded), so a
    // timestamp never moves into the next second.
    const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    ms += hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
    if (m[9] !== undefined) {
      const offH = Number(m[10]);
      const offM = m[11] === undefined ? 0 : Number(m[11]);
      if (offH > 23 || offM > 59) return NaN;
      const offset = (offH * 60 + offM) * 60_000;
      ms -= m[9] === '+' ? offset : -offset;
    }
  }
  return Math.abs(ms) <= MAX_TIME ? ms : NaN;
}

/**
 * Converts a timestamp to epoch milliseconds (UTC), or returns `undefined`
 * when it is not one. Same rules as {@link parseTimestamp}, without throwing,
 * for hot loops (parsers, validators).
 *
 * Costs O(length of the string).
 *
 * @param value - a `Date`, epoch milliseconds or an ISO-8601 string
 * @returns epoch ms, or `undefined` for anything that is not a valid timestamp
 * @example
 * ```ts
 * import { tryParseTimestamp } from '@marksman/core';
 * tryParseTimestamp('2024-03-01T00:00:00+01:00'); // => 1709247600000
 * tryParseTimestamp('yesterday'); // => undefined
 * ```
 */
export function tryParseTimestamp(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = parseIso(value);
  else if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') ms = Date.prototype.getTime.call(value);
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? ms : undefined;
}

/** A short, safe rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/** Names the place of a problem, e.g. `validateEvents: row 3, field "timestamp": `. */
export function locationPrefix(where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.field !== undefined) parts.push(`field "${where.field}"`);
  const head = where.source === undefined ? '' : `${where.source}: `;
  return parts.length === 0 ? head : `${head}${parts.join(', ')}: `;
}

/** The sentence used for a value that is not a timestamp. */
export function timestampMessage(value: unknown, where: ErrorLocation): string {
  return `${locationPrefix(where)}${describeValue(value)} is not a timestamp; give a valid Date, finite epoch milliseconds, or an ISO-8601 string such as 2024-03-01 or 2024-03-01T09:30:00Z.`;
}

const WHERE_KEYS: ReadonlySet<string> = new Set(['source', 'field', 'row', 'file', 'line']);
const NOWHERE: ErrorLocation = Object.freeze({});

/** Checks the `where` argument of {@link parseTimestamp}: an object with known keys only. */
function checkWhere(where: unknown): ErrorLocation {
  if (where === undefined || where === null) return NOWHERE;
  if (typeof where !== 'object' || Array.isArray(where)) {
    throw new OptionsError('E_OPTIONS_TYPE', `parseTimestamp: where must be an object such as { source, field, row }, got ${describeValue(where)}.`, { source: 'parseTimestamp', field: 'where' });
  }
  for (const key in where) {
    if (!WHERE_KEYS.has(key)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `parseTimestamp: unknown key "${key}" in where. Known keys: ${[...WHERE_KEYS].join(', ')}.`, { source: 'parseTimestamp', field: key });
    }
  }
  return where as ErrorLocation;
}

/**
 * Converts a timestamp to epoch milliseconds (UTC). Accepts:
 * - a valid `Date`;
 * - a finite number, read as epoch milliseconds;
 * - a strict ISO-8601 string: a date `2024-03-01` (UTC midnight), or a
 *   date-time `2024-03-01T09:30`, `…:15`, `…:15.250` with `T` or a space
 *   between date and time, and an optional zone `Z`, `±hh`, `±hhmm` or
 *   `±hh:mm`. **A date-time without a zone is read as UTC** (never as the
 *   machine's local time, so results do not depend on where code runs).
 *   Digits beyond milliseconds are truncated. Surrounding whitespace is
 *   ignored.
 *
 * Everything else is refused — invalid dates, NaN, ±Infinity, `''`,
 * `'yesterday'`, `'2024-13-01'`, `'2024-02-30'`, `'24:00'`, numeric strings,
 * objects, `null` — so a bad value can never become `NaN` downstream.
 * Values must lie within the range of `Date` (±8.64e15 ms).
 *
 * Costs O(length of the string).
 *
 * @param value - a `Date`, epoch milliseconds or an ISO-8601 string
 * @param where - the function, field and row to name in the error (keys
 *   `source`, `field`, `row`, `file`, `line`)
 * @returns epoch milliseconds (UTC)
 * @throws {@link ValidationError} `E_TIMESTAMP` when `value` is not a
 *   timestamp; {@link OptionsError} `E_OPTIONS_TYPE` / `E_OPTION_UNKNOWN`
 *   when `where` is not an object or has another key
 * @example
 * ```ts
 * import { parseTimestamp } from '@marksman/core';
 * parseTimestamp('2024-03-01'); // => 1709251200000
 * parseTimestamp('2024-03-01T10:00:00+01:00'); // => 1709283600000
 * parseTimestamp(new Date(0)); // => 0
 * parseTimestamp('2024-13-01'); // throws ValidationError E_TIMESTAMP
 * ```
 */
export function parseTimestamp(value: unknown, where?: ErrorLocation): number {
  const at = checkWhere(where);
  const ms = tryParseTimestamp(value);
  // Without a caller's location, the field at fault is the value itself.
  if (ms === undefined) throw new ValidationError('E_TIMESTAMP', timestampMessage(value, at), at.field === undefined ? { ...at, field: 'value' } : at);
  return ms;
}
