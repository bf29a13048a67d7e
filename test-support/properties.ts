// Property-based tests (fast-check) with a fixed seed, so a run can be
// repeated exactly (house rule: randomness only from seeds). With
// MARKSMAN_PROPERTIES_LOG set, each property appends its name and number of
// runs there, one JSON line each (scripts/reliability.mjs counts them).
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/** The seed of every property run; change it to explore other cases. */
export const PROPERTY_SEED = 20_240_301;

/** Asserts `property` over `numRuns` generated cases and records the count. */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => boolean | void | Promise<boolean | void>,
  numRuns: number,
): Promise<void> {
  const prop = fc.asyncProperty(...(arbitraries as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (...a: unknown[]) => Promise<boolean | void>);
  await fc.assert(prop as unknown as fc.IAsyncProperty<unknown>, { numRuns, seed: PROPERTY_SEED, endOnFailure: true });
  const log = process.env.MARKSMAN_PROPERTIES_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ name, runs: numRuns })}\n`);
}

/** Freezes plain objects and arrays all the way down. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

export { fc };
