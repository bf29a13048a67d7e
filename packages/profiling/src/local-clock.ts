// Internal: the local wall-clock time of an instant in an IANA time zone,
// for hour-of-day / day-of-week / active-day features. Not public.
import { startOfDay } from '@marksman/core';

const MS_PER_HOUR = 3_600_000;

/** Maps epoch ms to local wall time (encoded as if it were UTC ms). */
export type LocalClock = (ts: number) => number;

/**
 * A clock for `timeZone` ('UTC' is the identity). The zone is checked with
 * core's `startOfDay`, so an unknown zone throws `E_TIME_ZONE` there. The
 * offset is read through Intl once per UTC hour and cached, exact within an
 * hour in which it does not change (otherwise computed per instant).
 */
export function localClock(source: string, timeZone: string): LocalClock {
  startOfDay(0, { timeZone }); // validates the zone (OptionsError E_TIME_ZONE)
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return (ts) => ts;
  void source;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetExact = (ts: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(ts)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
    return wall - Math.floor(ts / 1000) * 1000;
  };
  const cache = new Map<number, number>();
  return (ts) => {
    const hour = Math.floor(ts / MS_PER_HOUR);
    let off = cache.get(hour);
    if (off === undefined) {
      const a = offsetExact(hour * MS_PER_HOUR);
      const b = offsetExact((hour + 1) * MS_PER_HOUR - 1000);
      off = a === b ? a : NaN;
      cache.set(hour, off);
    }
    return ts + (Number.isNaN(off) ? offsetExact(ts) : off);
  };
}
