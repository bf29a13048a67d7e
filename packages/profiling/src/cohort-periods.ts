// Internal: calendar periods as consecutive integers, shared by the cohort
// tables (retentionCohorts, cohortRates), so that "k periods later" is a
// subtraction. Not public API.
import { OptionsError, isMarksmanError, periodKey, periodStart } from '@marksman/core';
import type { PeriodUnit, Weekday } from '@marksman/core';

const PERIODS: readonly PeriodUnit[] = Object.freeze(['day', 'week', 'month', 'quarter', 'year'] as const);
const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` label. */
function dayNumber(label: string): number {
  return Date.UTC(Number(label.slice(0, 4)), Number(label.slice(5, 7)) - 1, Number(label.slice(8, 10))) / MS_PER_DAY;
}

/** Checks period, weekStartsOn and timeZone (named after `source`), and returns the zone options. */
export function checkPeriodOptions(source: string, period: PeriodUnit, timeZone: string, weekStartsOn: Weekday): { timeZone: string; weekStartsOn: Weekday } {
  if (!PERIODS.includes(period)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: period must be one of ${PERIODS.join(', ')}, got ${JSON.stringify(period)}.`, { source, field: 'period' });
  }
  if (!Number.isInteger(weekStartsOn) || weekStartsOn < 0 || weekStartsOn > 6) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: weekStartsOn must be an integer 0 (Sunday) … 6 (Saturday), got ${JSON.stringify(weekStartsOn)}.`, { source, field: 'weekStartsOn' });
  }
  const zone = { timeZone, weekStartsOn };
  try {
    periodKey(0, period, zone);
  } catch (e) {
    if (isMarksmanError(e)) throw new OptionsError(e.code, `${source}: ${e.message.replace(/^periodKey: /, '')}`, { source, field: 'timeZone' });
    throw e;
  }
  return zone;
}

/** Each timestamp's calendar period as an integer, with the label and start of each period seen. */
export function periodIndexes(
  timestamps: ArrayLike<number>,
  period: PeriodUnit,
  zone: { timeZone: string; weekStartsOn: Weekday },
): { periodOf: Float64Array; labelOf: Map<number, string>; startOf: Map<number, number> } {
  const n = timestamps.length;
  // Labels are cached: a data set has few.
  const indexOfLabel = new Map<string, number>();
  const startOf = new Map<number, number>();
  const periodOf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ts = timestamps[i]!;
    const label = periodKey(ts, period, zone);
    let index = indexOfLabel.get(label);
    if (index === undefined) {
      const start = periodStart(ts, period, zone);
      switch (period) {
        case 'day':
          index = dayNumber(label);
          break;
        case 'week':
          index = Math.round(dayNumber(periodKey(start, 'day', zone)) / 7);
          break;
        case 'month':
          index = Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
          break;
        case 'quarter':
          index = Number(label.slice(0, 4)) * 4 + Number(label.slice(6)) - 1;
          break;
        default:
          index = Number(label.slice(0, 4));
      }
      indexOfLabel.set(label, index);
      startOf.set(index, start);
    }
    periodOf[i] = index;
  }
  const labelOf = new Map<number, string>();
  for (const [label, index] of indexOfLabel) labelOf.set(index, label);
  return { periodOf, labelOf, startOf };
}
