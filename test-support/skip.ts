// A skipped test says why in the run's output, not only in its name (the
// default reporter does not list the names of skipped tests).

/**
 * Returns true (skip) when `present` is false, after printing
 * `[tag] skipped: why` on stderr; returns false (run) otherwise.
 * Use as `describe.skipIf(skipUnless(present, tag, why))`.
 */
export function skipUnless(present: boolean, tag: string, why: string): boolean {
  if (present) return false;
  console.warn(`[${tag}] skipped: ${why}`);
  return true;
}
