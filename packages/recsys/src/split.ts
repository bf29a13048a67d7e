import { OptionsError, Random, ValidationError, parseTimestamp } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id, Interaction } from '@marksman/core';

/** A train/test split of interaction records (the caller's objects, in input order). */
export interface InteractionSplit<T extends Interaction = Interaction> {
  /** Records to fit on. */
  readonly train: T[];
  /** Held-out records to evaluate on. */
  readonly test: T[];
}

/** Options of {@link portableSplit}. */
export interface PortableSplitOptions {
  /** Seed of the interaction keys (a safe integer ≥ 0). Default 42, as in the published protocol. */
  readonly seed: number;
  /** Share of each user's interactions held out, rounded half up: ⌊p·n + ½⌋. Default 0.2 (⌊(2n + 5)/10⌋). */
  readonly testFraction: number;
}

/** Options of {@link randomUserSplit}. */
export interface RandomUserSplitOptions {
  /** Share of each user's interactions held out, rounded half up: ⌊p·n + ½⌋. Default 0.2. */
  readonly testFraction: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed: number;
}

/** Options of {@link leaveLastOutSplit}. */
export interface LeaveLastOutOptions {
  /** How many of each user's latest interactions to hold out (integer ≥ 1). Default 1. */
  readonly k: number;
}

const MASK64 = (1n << 64n) - 1n;

function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const INTEGER_TEXT = /^-?(0|[1-9]\d*)$/;

/** An id as an unsigned 64-bit integer: integers (or their canonical decimal text) as is, mod 2⁶⁴; anything else by FNV-1a 64. */
function idBits(id: Id): bigint {
  if (typeof id === 'number' && Number.isSafeInteger(id)) return BigInt.asUintN(64, BigInt(id));
  if (typeof id === 'string' && INTEGER_TEXT.test(id) && id.length <= 20) return BigInt.asUintN(64, BigInt(id));
  const text = String(id);
  let h = 0xcbf29ce484222325n;
  for (let t = 0; t < text.length; t++) {
    h ^= BigInt(text.charCodeAt(t));
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

/**
 * The key that orders interactions in {@link portableSplit}:
 * `splitmix64(splitmix64(splitmix64(seed) XOR u) XOR i)` on unsigned 64-bit
 * integers, with u and i the raw ids. Integer ids (or their canonical decimal
 * text, so `'196'` and `196` agree) are used as they are; other ids are
 * first hashed with 64-bit FNV-1a over their UTF-16 code units (an extension
 * of the published protocol, which covers integer ids only).
 *
 * @param userId - the user id
 * @param itemId - the item id
 * @param seed - the protocol seed, default 42
 * @returns the key, an unsigned 64-bit integer
 * @example
 * ```ts
 * import { portableKey } from '@marksman/recsys';
 * portableKey(196, 242) === portableKey('196', '242'); // => true
 * typeof portableKey(1, 2); // => 'bigint'
 * ```
 */
export function portableKey(userId: Id, itemId: Id, seed = 42): bigint {
  return splitmix64(splitmix64(splitmix64(BigInt.asUintN(64, BigInt(seed))) ^ idBits(userId)) ^ idBits(itemId));
}

function checkFraction(source: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: testFraction must be a number in [0, 1], got ${String(p)}.`, { source, field: 'testFraction' });
  }
  return p;
}

/** ⌊p·n + ½⌋ in exact integer arithmetic for p given to 9 decimals (p = 0.2 gives ⌊(2n + 5)/10⌋). */
function testCount(p: number, n: number): number {
  const scaled = Math.round(p * 1e9);
  return Math.floor((scaled * n + 5e8) / 1e9);
}

/** Checks records and groups their row numbers by user, users in first-seen order. */
function groupByUser(source: string, interactions: readonly Interaction[]): Map<Id, number[]> {
  if (!Array.isArray(interactions)) {
    throw new ValidationError('E_INPUT', `${source}: interactions must be an array of { userId, itemId } records.`, { source, field: 'interactions' });
  }
  const groups = new Map<Id, number[]>();
  for (let r = 0; r < interactions.length; r++) {
    const rec = interactions[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId } record.`, { source, row: r });
    }
    for (const field of ['userId', 'itemId'] as const) {
      const v: unknown = rec[field];
      if (!((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v)))) {
        throw new ValidationError(v === undefined || v === null ? 'E_MISSING' : 'E_ID_TYPE', `${source}: row ${r} has ${field} ${JSON.stringify(v)}; ids must be non-empty strings or finite numbers.`, { source, row: r, field });
      }
    }
    let g = groups.get(rec.userId);
    if (g === undefined) {
      g = [];
      groups.set(rec.userId, g);
    }
    g.push(r);
  }
  return groups;
}

function assemble<T extends Interaction>(interactions: readonly T[], isTest: Uint8Array): InteractionSplit<T> {
  const train: T[] = [];
  const test: T[] = [];
  for (let r = 0; r < interactions.length; r++) (isTest[r] === 1 ? test : train).push(interactions[r]!);
  return { train, test };
}

/**
 * The portable split of the Marksman benchmarks, reproducible in any
 * language: each user's interactions are ordered by {@link portableKey}
 * (ties by input order) and the first ⌊p·n + ½⌋ go to test (p = 0.2:
 * ⌊(2n + 5)/10⌋), the rest to train. MovieLens 100K with ratings ≥ 4 gives
 * 44,296 train and 11,079 test interactions, as with the Python reference.
 * Uses BigInt, O(n log n).
 *
 * @param interactions - records with `userId` and `itemId`
 * @param options - seed (default 42) and testFraction (default 0.2)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`;
 *   `OptionsError` `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { portableSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ userId: 1, itemId }));
 * const { train, test } = portableSplit(rows);
 * [train.length, test.length]; // => [6, 1]
 * ```
 */
export function portableSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<PortableSplitOptions>): InteractionSplit<T> {
  const source = 'portableSplit';
  const o = resolveOptions(source, { seed: 42, testFraction: 0.2 } as PortableSplitOptions, options);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: seed must be a safe integer ≥ 0, got ${String(o.seed)}.`, { source, field: 'seed' });
  }
  const p = checkFraction(source, o.testFraction);
  const groups = groupByUser(source, interactions);
  const seedMix = splitmix64(BigInt(o.seed));
  const isTest = new Uint8Array(interactions.length);
  for (const [userId, rows] of groups) {
    const uKey = splitmix64(seedMix ^ idBits(userId));
    const keyed = rows.map((r) => ({ r, key: splitmix64(uKey ^ idBits(interactions[r]!.itemId)) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.r - b.r));
    const nTest = testCount(p, rows.length);
    for (let t = 0; t < nTest; t++) isTest[keyed[t]!.r] = 1;
  }
  return assemble(interactions, isTest);
}

/**
 * Holds out a random ⌊p·n + ½⌋ of each user's interactions (seeded
 * shuffle per user, users in first-seen order), the rest for training.
 * Same seed, same split. O(n).
 *
 * @param interactions - records with `userId` and `itemId`
 * @param options - testFraction (default 0.2) and seed (default 0)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`;
 *   `OptionsError` `E_OPTION_RANGE`, `E_SEED`
 * @example
 * ```ts
 * import { randomUserSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5].map((itemId) => ({ userId: 'u', itemId }));
 * randomUserSplit(rows, { testFraction: 0.4, seed: 1 }).test.length; // => 2
 * ```
 */
export function randomUserSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<RandomUserSplitOptions>): InteractionSplit<T> {
  const source = 'randomUserSplit';
  const o = resolveOptions(source, { testFraction: 0.2, seed: 0 } as RandomUserSplitOptions, options);
  const p = checkFraction(source, o.testFraction);
  const rng = new Random(o.seed);
  const groups = groupByUser(source, interactions);
  const isTest = new Uint8Array(interactions.length);
  for (const rows of groups.values()) {
    const nTest = testCount(p, rows.length);
    if (nTest === 0) continue;
    const pick = rng.sample(rows.length, nTest);
    for (let t = 0; t < pick.length; t++) isTest[rows[pick[t]!]!] = 1;
  }
  return assemble(interactions, isTest);
}

/**
 * Holds out each user's k latest interactions (by `timestamp`; equal times
 * keep input order, later rows counting as later). A user always keeps at
 * least one training interaction: with n ≤ k interactions, n − 1 go to test.
 * O(n log n).
 *
 * @param interactions - records with `userId`, `itemId` and `timestamp`
 * @param options - k (default 1)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`,
 *   `E_TIMESTAMP` (missing or unreadable timestamp); `OptionsError` `E_K`
 * @example
 * ```ts
 * import { leaveLastOutSplit } from '@marksman/recsys';
 * const rows = [
 *   { userId: 1, itemId: 'a', timestamp: '2024-01-03' },
 *   { userId: 1, itemId: 'b', timestamp: '2024-01-01' },
 *   { userId: 1, itemId: 'c', timestamp: '2024-01-02' },
 * ];
 * leaveLastOutSplit(rows).test.map((r) => r.itemId); // => ['a']
 * ```
 */
export function leaveLastOutSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<LeaveLastOutOptions>): InteractionSplit<T> {
  const source = 'leaveLastOutSplit';
  const o = resolveOptions(source, { k: 1 } as LeaveLastOutOptions, options);
  if (typeof o.k !== 'number' || !Number.isInteger(o.k) || o.k < 1) {
    throw new OptionsError('E_K', `${source}: k must be an integer ≥ 1, got ${String(o.k)}.`, { source, field: 'k' });
  }
  const groups = groupByUser(source, interactions);
  const times = new Float64Array(interactions.length);
  for (let r = 0; r < interactions.length; r++) {
    times[r] = parseTimestamp(interactions[r]!.timestamp, { source, row: r, field: 'timestamp' });
  }
  const isTest = new Uint8Array(interactions.length);
  for (const rows of groups.values()) {
    const nTest = Math.min(o.k, rows.length - 1);
    if (nTest <= 0) continue;
    const sorted = rows.slice().sort((a, b) => times[a]! - times[b]! || a - b);
    for (let t = sorted.length - nTest; t < sorted.length; t++) isTest[sorted[t]!] = 1;
  }
  return assemble(interactions, isTest);
}
