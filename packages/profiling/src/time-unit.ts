/**
 * The time unit of a customer-value summary and model: `'day'`, `'week'`
 * (7 days) or `'month'` (the mean Gregorian month, 365.2425 / 12 =
 * 30.436875 days — never a 30-day month). Recency, age `T`, prediction
 * horizons and discount periods are all counted in such units.
 */
export type ClvTimeUnit = 'day' | 'week' | 'month';

/** Days in one unit; a frozen table so the conversion is explicit. */
const DAYS: Readonly<Record<ClvTimeUnit, number>> = Object.freeze({ day: 1, week: 7, month: 365.2425 / 12 });

/** Whether `unit` is a known time unit. */
export function isClvTimeUnit(unit: unknown): unit is ClvTimeUnit {
  return unit === 'day' || unit === 'week' || unit === 'month';
}

/** Number of days in one `unit` (internal). */
export function daysPerUnit(unit: ClvTimeUnit): number {
  return DAYS[unit];
}
