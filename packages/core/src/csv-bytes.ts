// Internal: numbers and dates read straight from UTF-8 bytes, for the CSV reader's hot loop (no
// substring, no regular expression, no Date object per field). Both return NaN for anything they
// do not accept; the caller tells an empty field (a missing value) from a bad one.
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './civil';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** Mantissas up to this stay exact when one more digit is appended. */
const MANTISSA_LIMIT = 900719925474098;
/** Largest |epoch ms| a JavaScript `Date` can hold. */
const MAX_TIME = 8.64e15;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Whether `b[s, e)` holds nothing but spaces and tabs. */
export function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isSpace(b[i] as number)) return false;
  return true;
}

/** ASCII bytes `b[s, e)` as a string (only called on bytes already checked to be ASCII). */
function ascii(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i] as number);
  return out;
}

/**
 * A decimal number in `b[s, e)`: optional spaces, sign, digits with an optional fraction (`1`,
 * `-2.5`, `.5`, `3.`), an optional exponent (`1e-3`). No hex, no `Infinity`, no `NaN`, no
 * thousands separators. NaN when the bytes are not such a number or it overflows.
 *
 * Exact: a mantissa of at most 15 digits scaled by 10^k, |k| ≤ 22, is one correctly rounded
 * multiplication or division of two exact doubles (Clinger's fast path); anything longer goes to
 * `Number`, which rounds correctly too.
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && isSpace(b[s] as number)) s++;
  while (e > s && isSpace(b[e - 1] as number)) e--;
  let i = s;
  let negative = false;
  let c = at(b, i, e);
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let mantissa = 0;
  let exp = 0;
  let digits = 0;
  let exact = true;
  while (i < e) {
    c = (b[i] as number) - 48;
    if (c < 0 || c > 9) break;
    if (mantissa <= MANTISSA_LIMIT) mantissa = mantissa * 10 + c;
    else {
      exp++;
      exact = false;
    }
    digits++;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      c = (b[i] as number) - 48;
      if (c < 0 || c > 9) break;
      if (mantissa <= MANTISSA_LIMIT) {
        mantissa = mantissa * 10 + c;
        exp--;
      } else if (c !== 0) exact = false;
      digits++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let expNegative = false;
    if (at(b, i, e) === 45) {
      expNegative = true;
      i++;
    } else if (at(b, i, e) === 43) i++;
    let x = 0;
    let expDigits = 0;
    while (i < e) {
      c = (b[i] as number) - 48;
      if (c < 0 || c > 9) break;
      if (x < 100000) x = x * 10 + c;
      expDigits++;
      i++;
    }
    if (expDigits === 0) return NaN;
    exp += expNegative ? -x : x;
  }
  if (i !== e) return NaN;
  let value: number;
  if (exact && exp >= -22 && exp <= 22) {
    value = exp < 0 ? mantissa / (POW10[-exp] as number) : mantissa * (POW10[exp] as number);
    if (negative) value = -value;
  } else value = Number(ascii(b, s, e));
  return Number.isFinite(value) ? value : NaN;
}

/** How slashed dates are read: month first (`12/1/2010`) or day first (`1/12/2010`). */
export const DATE_ISO = 0;
export const DATE_MDY = 1;
export const DATE_DMY = 2;

/** Reads 1..max digits at `i` (value and next index packed as value * 64 + count), or -1. */
function at(b: Uint8Array, i: number, e: number): number {
  return i < e ? (b[i] as number) : -1;
}

function digitsAt(b: Uint8Array, i: number, e: number, min: number, max: number): number {
  let v = 0;
  let n = 0;
  while (n < max && i + n < e) {
    const c = (b[i + n] as number) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    n++;
  }
  return n < min ? -1 : v * 64 + n;
}

/**
 * A date-time in `b[s, e)` as epoch ms, or NaN. Accepted: ISO-8601 `YYYY-MM-DD`, optionally
 * followed by `T` or a space, `hh:mm`, `:ss`, a fraction (1–9 digits, truncated to ms) and a zone
 * (`Z`, `±hh`, `±hhmm`, `±hh:mm`); a time without a zone is UTC, as in core's `parseTimestamp`.
 * With `order` month-first or day-first, also `M/D/YYYY` or `D/M/YYYY` (1–2 digit day and month),
 * optionally followed by a space and `H:MM` or `H:MM:SS` (UTC). Impossible dates are refused.
 */
export function parseDateBytes(b: Uint8Array, s: number, e: number, order: number): number {
  while (s < e && isSpace(b[s] as number)) s++;
  while (e > s && isSpace(b[e - 1] as number)) e--;
  let year: number, month: number, day: number;
  let i = s;
  if (e - s >= 10 && at(b, s + 4, e) === 45) {
    const y = digitsAt(b, s, e, 4, 4);
    const m = digitsAt(b, s + 5, e, 2, 2);
    const d = digitsAt(b, s + 8, e, 2, 2);
    if (y < 0 || m < 0 || d < 0 || at(b, s + 7, e) !== 45) return NaN;
    year = y >> 6;
    month = m >> 6;
    day = d >> 6;
    i = s + 10;
  } else if (order !== DATE_ISO) {
    const p = digitsAt(b, i, e, 1, 2);
    if (p < 0 || at(b, i + (p & 63), e) !== 47) return NaN;
    i += (p & 63) + 1;
    const q = digitsAt(b, i, e, 1, 2);
    if (q < 0 || at(b, i + (q & 63), e) !== 47) return NaN;
    i += (q & 63) + 1;
    const y = digitsAt(b, i, e, 4, 4);
    if (y < 0) return NaN;
    i += 4;
    year = y >> 6;
    month = order === DATE_MDY ? p >> 6 : q >> 6;
    day = order === DATE_MDY ? q >> 6 : p >> 6;
  } else return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (i === e) return ms;
  const sep = at(b, i, e);
  const iso = order === DATE_ISO || at(b, s + 4, e) === 45;
  if (!(sep === 32 || (iso && (sep === 84 || sep === 116)))) return NaN;
  i++;
  const h = digitsAt(b, i, e, iso ? 2 : 1, 2);
  if (h < 0 || at(b, i + (h & 63), e) !== 58) return NaN;
  i += (h & 63) + 1;
  const mi = digitsAt(b, i, e, 2, 2);
  if (mi < 0) return NaN;
  i += 2;
  let sec = 0;
  let millis = 0;
  if (i < e && b[i] === 58) {
    const sc = digitsAt(b, i + 1, e, 2, 2);
    if (sc < 0) return NaN;
    sec = sc >> 6;
    i += 3;
    if (iso && i < e && (b[i] === 46 || b[i] === 44)) {
      const f = digitsAt(b, i + 1, e, 1, 9);
      if (f < 0) return NaN;
      const n = f & 63;
      // Truncate to milliseconds so a time never moves into the next second.
      let frac = 0;
      for (let k = 0; k < 3; k++) frac = frac * 10 + (k < n ? (b[i + 1 + k] as number) - 48 : 0);
      millis = frac;
      i += 1 + n;
    }
  }
  const hour = h >> 6;
  const minute = mi >> 6;
  if (hour > 23 || minute > 59 || sec > 59) return NaN;
  ms += hour * 3_600_000 + minute * 60_000 + sec * 1000 + millis;
  if (i < e && iso) {
    const z = b[i] as number;
    if (z === 90 || z === 122) i++;
    else if (z === 43 || z === 45) {
      const oh = digitsAt(b, i + 1, e, 2, 2);
      if (oh < 0) return NaN;
      i += 3;
      let om = 0;
      if (i < e) {
        if (b[i] === 58) i++;
        const m2 = digitsAt(b, i, e, 2, 2);
        if (m2 < 0) return NaN;
        om = m2 >> 6;
        i += 2;
      }
      if (oh >> 6 > 23 || om > 59) return NaN;
      const offset = ((oh >> 6) * 60 + om) * 60_000;
      ms -= z === 43 ? offset : -offset;
    }
  }
  if (i !== e) return NaN;
  return Math.abs(ms) <= MAX_TIME ? ms : NaN;
}
