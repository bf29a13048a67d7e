// Timestamp normalisation for summarizeForClv: Date | epoch ms | ISO-8601
// string → epoch ms (UTC), by @marksman/core's rules (a date-time without a
// zone is read as UTC).
import { tryParseTimestamp } from '@marksman/core';

/** Epoch milliseconds of a timestamp input, or NaN when it is not a valid time. */
export function toEpochMs(value: unknown): number {
  return tryParseTimestamp(value) ?? NaN;
}

/** Milliseconds in one day. */
export const MS_PER_DAY = 86_400_000;
