// Runs code as if the machine were in another time zone. Node re-reads the
// zone when process.env.TZ is assigned, so Date's local-time methods (and
// Date.parse of zone-less strings) follow it at once. The helper checks that
// the switch took effect, so a test built on it cannot pass vacuously.

/** UTC offset in minutes (as `Date.prototype.getTimezoneOffset`) that each zone used here has on 2024-01-01. */
export const JANUARY_OFFSETS: Readonly<Record<string, number>> = { UTC: 0, 'Asia/Tokyo': -540, 'America/Los_Angeles': 480, 'Asia/Kolkata': -330 };

/** Calls `f` with the process's time zone set to `zone`, then restores the previous one. */
export function inTimeZone<T>(zone: string, f: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    const offset = new Date(2024, 0, 1).getTimezoneOffset();
    if (offset !== JANUARY_OFFSETS[zone]) {
      throw new Error(`could not switch the time zone to ${zone} (offset ${offset}); this runtime ignores process.env.TZ`);
    }
    return f();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}
