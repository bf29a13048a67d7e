import { ValidationError } from '@marksman/core';

/** GrowthBook hash versions: 1 (legacy, 3 decimals) and 2 (current, 4 decimals). */
export type HashVersion = 1 | 2;

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text` (as GrowthBook's
 * JavaScript SDK does), returned as an unsigned integer.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic bucket of a unit in [0, 1), bit-for-bit compatible with
 * GrowthBook's SDK specification, so assignments agree with an existing
 * GrowthBook set-up:
 * - version 2: `fnv1a32(String(fnv1a32(seed + id))) % 10000 / 10000`;
 * - version 1: `fnv1a32(id + seed) % 1000 / 1000`.
 *
 * Only integer arithmetic is involved, so every platform gives the same
 * bucket; nothing random happens at assignment time. Numbers are hashed as
 * their decimal string (`123` and `'123'` agree, as in GrowthBook).
 *
 * Costs O(length of seed + id).
 *
 * @param seed - the experiment's seed (GrowthBook uses the experiment key by default)
 * @param id - the unit id (user id, device id, …)
 * @param version - hash version, 2 by default (GrowthBook's current one)
 * @returns the bucket in [0, 1)
 * @throws `ValidationError` `E_ID` when the id is empty or not a string/finite number,
 *   `E_SEED_TYPE` when the seed is not a string
 * @example
 * ```ts
 * import { hash } from '@marksman/experiments';
 * hash('seed', 'a', 2); // => 0.0505
 * hash('', 'a', 1); // => 0.22
 * ```
 */
export function hash(seed: string, id: string | number, version?: HashVersion): number;
/**
 * The same bucket for a version only known at run time (read from a
 * GrowthBook payload, say): an unknown version gives `null`, exactly as
 * GrowthBook's SDKs and their `cases.json` do, so the caller can skip the
 * experiment instead of failing. ({@link assign} refuses an unknown
 * `hashVersion` in an experiment definition with `E_HASH_VERSION`.)
 *
 * Costs O(length of seed + id).
 *
 * @param seed - the experiment's seed
 * @param id - the unit id
 * @param version - any value; 1 and 2 are the known versions
 * @returns the bucket in [0, 1), or null for an unknown version
 * @throws `ValidationError` `E_ID`, `E_SEED_TYPE` as above
 * @example
 * ```ts
 * import { hash } from '@marksman/experiments';
 * hash('abc', 'def', 99); // => null
 * ```
 */
export function hash(seed: string, id: string | number, version: number): number | null;
export function hash(seed: string, id: string | number, version: number = 2): number | null {
  const value = unitKey(id, 'hash');
  if (typeof seed !== 'string') {
    throw new ValidationError('E_SEED_TYPE', `hash: seed must be a string, got ${typeof seed}.`, { source: 'hash', field: 'seed' });
  }
  return version === 1 || version === 2 ? bucketOf(seed, value, version) : null;
}

/** The bucket of a checked unit key for a known hash version (internal: no validation). */
export function bucketOf(seed: string, value: string, version: HashVersion): number {
  return version === 2 ? (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000 : (fnv1a32(value + seed) % 1000) / 1000;
}

/** Converts a unit id to the string GrowthBook hashes; refuses empty or non-finite ids. */
export function unitKey(id: string | number, source: string): string {
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.length > 0) return id;
  throw new ValidationError('E_ID', `${source}: the unit id must be a non-empty string or a finite number, got ${JSON.stringify(id) ?? String(id)}.`, {
    source,
    field: 'id',
  });
}
