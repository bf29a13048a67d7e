// A skipped test says why in the run's output, not only in its name (the
// default reporter does not list the names of skipped tests).
import { it } from 'vitest';

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

/**
 * For tests whose prerequisites CI provides (a build, a browser, a runtime):
 * returns true when `why` is null; otherwise prints `[tag] skipped: why` and
 * returns false, and under `CI=true` registers a test in the calling file
 * that fails saying so (a missing prerequisite there is a broken pipeline).
 */
export function prerequisitesMayRun(tag: string, why: string | null): boolean {
  if (why === null) return true;
  console.warn(`[${tag}] skipped: ${why}`);
  if (process.env.CI === 'true') {
    it(`${tag}: its prerequisites are present under CI=true`, () => {
      throw new Error(`${tag} cannot run under CI=true: ${why}`);
    });
  }
  return false;
}
