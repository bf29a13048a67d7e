// Internal: proleptic Gregorian calendar arithmetic on day numbers (days since
// 1970-01-01), after Howard Hinnant's "chrono-compatible low-level date
// algorithms" (days_from_civil / civil_from_days). Not exported from index.ts.

/** Milliseconds in one day. */
export const MS_PER_DAY = 86_400_000;

/** A calendar date and wall-clock time, month 1–12. */
export interface CivilDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/** The date of a day number (days since 1970-01-01), written into `out`. */
export function civilFromDays(days: number, out: CivilDateTime): CivilDateTime {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out.month = month;
  out.day = day;
  return out;
}

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** Epoch ms of a wall-clock date-time read as UTC. */
export function civilToMs(c: CivilDateTime): number {
  return daysFromCivil(c.year, c.month, c.day) * MS_PER_DAY + c.hour * 3_600_000 + c.minute * 60_000 + c.second * 1000 + c.millisecond;
}

/** The UTC calendar fields of epoch ms `ms`, written into `out`. */
export function msToCivil(ms: number, out: CivilDateTime): CivilDateTime {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  civilFromDays(days, out);
  out.hour = Math.floor(rest / 3_600_000);
  rest -= out.hour * 3_600_000;
  out.minute = Math.floor(rest / 60_000);
  rest -= out.minute * 60_000;
  out.second = Math.floor(rest / 1000);
  out.millisecond = rest - out.second * 1000;
  return out;
}

/** A fresh zeroed {@link CivilDateTime}. */
export function emptyCivil(): CivilDateTime {
  return { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
}

/** Zero-padded decimal of a non-negative integer. */
export function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const padded = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? `-${padded}` : padded;
}
