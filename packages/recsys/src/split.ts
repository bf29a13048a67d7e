import { OptionsError, Random, ValidationError, parseTimestamp } from '@marksman/core';
import { arrowCheckedRecords, arrowSelectRows, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { checkId, checkOptionalTimestamp, checkRecordId, describeValue } from './checks';

/**
 * A train/test split of interaction records (the caller's objects, in input
 * order). Every record lands on exactly one side, and all records of one
 * (user, item) pair land on the same side.
 */
export interface InteractionSplit<T extends Interaction = Interaction> {
  /** Records to fit on. */
  readonly train: T[];
  /** Held-out records to evaluate on. */
  readonly test: T[];
}

/**
 * A train/test split of an Apache Arrow table of interactions: two tables of
 * the input's class and schema holding its rows (in input order). A side
 * that is one contiguous run of rows is a slice of the input (no copy);
 * otherwise its rows are gathered into new buffers, dictionaries shared.
 */
export interface ArrowSplit<A extends ArrowLikeTable = ArrowLikeTable> {
  /** Rows to fit on. */
  readonly train: A;
  /** Held-out rows to evaluate on. */
  readonly test: A;
}

/** Options of {@link portableSplit}. */
export interface PortableSplitOptions {
  /** Seed of the interaction keys (a safe integer ≥ 0). Default 42, as in the published protocol. */
  readonly seed: number;
  /** Share of each user's (user, item) pairs held out, rounded half up: ⌊p·n + ½⌋. Default 0.2 (⌊(2n + 5)/10⌋). */
  readonly testFraction: number;
}

/** Options of {@link randomUserSplit}. */
export interface RandomUserSplitOptions {
  /** Share of each user's (user, item) pairs held out, rounded half up: ⌊p·n + ½⌋. Default 0.2. */
  readonly testFraction: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed: number;
}

/** Options of {@link leaveLastOutSplit}. */
export interface LeaveLastOutOptions {
  /** How many of each user's latest (user, item) pairs to hold out (integer ≥ 1). Default 1. */
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
 * @param seed - the protocol seed (a safe integer ≥ 0), default 42
 * @returns the key, an unsigned 64-bit integer
 * @throws `ValidationError` `E_ID_TYPE` for an id that is not a non-empty string or a finite number;
 *   `OptionsError` `E_OPTION_RANGE` for a bad seed
 * @example
 * ```ts
 * import { portableKey } from '@marksman/recsys';
 * portableKey(196, 242) === portableKey('196', '242'); // => true
 * typeof portableKey(1, 2); // => 'bigint'
 * ```
 */
export function portableKey(userId: Id, itemId: Id, seed = 42): bigint {
  const source = 'portableKey';
  checkId(source, userId, 'userId');
  checkId(source, itemId, 'itemId');
  checkPortableSeed(source, seed);
  return splitmix64(splitmix64(splitmix64(BigInt.asUintN(64, BigInt(seed))) ^ idBits(userId)) ^ idBits(itemId));
}

function checkPortableSeed(source: string, seed: unknown): void {
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: seed must be a safe integer ≥ 0, got ${describeValue(seed)}.`, { source, field: 'seed' });
  }
}

function checkFraction(source: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: testFraction must be a number in [0, 1], got ${describeValue(p)}.`, { source, field: 'testFraction' });
  }
  return p;
}

/** ⌊p·n + ½⌋ in exact integer arithmetic for p given to 9 decimals (p = 0.2 gives ⌊(2n + 5)/10⌋). */
function testCount(p: number, n: number): number {
  const scaled = Math.round(p * 1e9);
  return Math.floor((scaled * n + 5e8) / 1e9);
}

/**
 * Checks the records (ids; `weight`, when given, a finite number; `timestamp`,
 * when given, a valid timestamp) and calls `visit(row, record)` for each.
 */
function checkRecords(source: string, interactions: readonly Interaction[], visit: (r: number, rec: Interaction) => void): void {
  if (!Array.isArray(interactions)) {
    throw new ValidationError('E_INPUT', `${source}: interactions must be an array of { userId, itemId } records.`, { source, field: 'interactions' });
  }
  for (let r = 0; r < interactions.length; r++) {
    const rec = interactions[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId } record.`, { source, row: r, field: 'interactions' });
    }
    checkRecordId(source, rec.userId, 'userId', r);
    checkRecordId(source, rec.itemId, 'itemId', r);
    const w: unknown = rec.weight;
    if (w !== undefined && (typeof w !== 'number' || !Number.isFinite(w))) {
      throw new ValidationError('E_NUMBER', `${source}: row ${r} has weight ${describeValue(w)}; weights must be finite numbers (or left out).`, { source, row: r, field: 'weight' });
    }
    checkOptionalTimestamp(source, rec.timestamp, r);
    visit(r, rec);
  }
}

/**
 * Checks the records and groups their row numbers by (user, item) pair:
 * users in first-seen order, each user's pairs in first-seen order, each
 * pair's rows in input order. Splitting pairs, never rows, keeps repeated
 * interactions (repeat purchases) on one side. `visit` sees each checked record.
 */
function groupPairs(source: string, interactions: readonly Interaction[], visit?: (r: number, rec: Interaction) => void): Map<Id, number[][]> {
  const users = new Map<Id, { pairs: number[][]; byItem: Map<Id, number[]> }>();
  checkRecords(source, interactions, (r, rec) => {
    visit?.(r, rec);
    let u = users.get(rec.userId);
    if (u === undefined) {
      u = { pairs: [], byItem: new Map() };
      users.set(rec.userId, u);
    }
    let rows = u.byItem.get(rec.itemId);
    if (rows === undefined) {
      rows = [];
      u.byItem.set(rec.itemId, rows);
      u.pairs.push(rows);
    }
    rows.push(r);
  });
  const out = new Map<Id, number[][]>();
  for (const [id, u] of users) out.set(id, u.pairs);
  return out;
}

/**
 * @internal Every (user, item) pair's rows (in input order), pairs in order
 * of first appearance; checks the records as the splits do.
 */
export function pairsInOrder(source: string, interactions: readonly Interaction[]): number[][] {
  const pairs: number[][] = [];
  for (const userPairs of groupPairs(source, interactions).values()) pairs.push(...userPairs);
  return pairs.sort((a, b) => a[0]! - b[0]!);
}

/** Marks every row of the pair as test. */
function markPair(isTest: Uint8Array, rows: readonly number[]): void {
  for (const r of rows) isTest[r] = 1;
}

function assemble<T extends Interaction>(interactions: readonly T[], isTest: Uint8Array): InteractionSplit<T> {
  const train: T[] = [];
  const test: T[] = [];
  for (let r = 0; r < interactions.length; r++) (isTest[r] === 1 ? test : train).push(interactions[r]!);
  return { train, test };
}

const ARROW_SPEC = Object.freeze({ userId: 'id', itemId: 'id', weight: 'number', timestamp: 'time' } as const);
const ARROW_NAMES: readonly string[] = Object.freeze(Object.keys(ARROW_SPEC));

/**
 * @internal The interaction columns of an Arrow table as records (the
 * columns the splits read, types checked: `E_ARROW_TYPE` naming a column of
 * the wrong type), so the records' checks and rules apply row for row.
 */
export function arrowInteractionRecords(source: string, table: ArrowLikeTable): Interaction[] {
  return arrowCheckedRecords(source, table, ARROW_SPEC, ARROW_NAMES) as unknown as Interaction[];
}

/** @internal The rows of `table` where `side[r] === want`, as an Arrow table of the same schema. */
export function arrowSide<A extends ArrowLikeTable>(source: string, table: A, side: ArrayLike<number>, want: number): A {
  let count = 0;
  for (let r = 0; r < side.length; r++) if (side[r] === want) count++;
  const rows = new Int32Array(count);
  for (let r = 0, o = 0; r < side.length; r++) if (side[r] === want) rows[o++] = r;
  return arrowSelectRows(source, table, rows);
}

/** The split as the caller gave the rows: records, or Arrow tables of the input's schema. */
function finish<T extends Interaction>(source: string, input: readonly T[] | ArrowLikeTable, records: readonly T[], isTest: Uint8Array): InteractionSplit<T> | ArrowSplit {
  if (!isArrowTable(input)) return assemble(records, isTest);
  return { train: arrowSide(source, input, isTest, 0), test: arrowSide(source, input, isTest, 1) };
}

/**
 * The portable split of the Marksman benchmarks, reproducible in any
 * language: each user's (user, item) pairs are ordered by {@link portableKey}
 * (ties by first appearance) and the first ⌊p·n + ½⌋ of the user's n pairs
 * go to test (p = 0.2: ⌊(2n + 5)/10⌋), the rest to train. A pair that occurs
 * in several records (a repeat purchase) counts once and all its records go
 * to the same side, so no test pair is also a training pair; on data without
 * repeats (as MovieLens) pairs are records and this is the published
 * protocol. MovieLens 100K with ratings ≥ 4 gives 44,296 train and 11,079
 * test interactions, as with the Python reference. Uses BigInt, O(n log n).
 *
 * @param interactions - records with `userId` and `itemId` (`weight` and `timestamp`, when given, are checked)
 * @param options - seed (default 42) and testFraction (default 0.2)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER` (weight not finite),
 *   `E_TIMESTAMP` (with the row); `OptionsError` `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { portableSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ userId: 1, itemId }));
 * const { train, test } = portableSplit(rows);
 * [train.length, test.length]; // => [6, 1]
 * ```
 */
export function portableSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<PortableSplitOptions>): InteractionSplit<T>;
/**
 * {@link portableSplit} on an Apache Arrow table of interactions (`userId`, `itemId`; `weight` and `timestamp`
 * checked when present; other columns carried along): the same rows go to the same side as
 * for the table's rows as records, returned as two Arrow tables of the input's schema
 * (see {@link ArrowSplit}). A null is what `null` in a record is.
 *
 * @param interactions - an apache-arrow `Table`
 * @param options - as for records
 * @throws `ValidationError` `E_ARROW_TYPE` for a column of the wrong type (named), a Union or
 *   view column; `E_INPUT` for an Arrow-shaped table that is not apache-arrow's; otherwise as for records
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { portableSplit } from '@marksman/recsys';
 * const table = arrow.tableFromArrays({ userId: Int32Array.of(1, 1, 1, 1, 1, 1, 1), itemId: Int32Array.of(1, 2, 3, 4, 5, 6, 7), rating: Float64Array.of(5, 3, 4, 5, 2, 4, 1) });
 * const { train, test } = portableSplit(table);
 * [train.numRows, test.numRows]; // => [6, 1]
 * test.schema.fields.map((f) => f.name); // => ['userId', 'itemId', 'rating']
 * portableSplit(arrow.tableFromArrays({ userId: [true], itemId: Int32Array.of(1) })); // throws E_ARROW_TYPE
 * ```
 */
export function portableSplit<A extends ArrowLikeTable>(interactions: A, options?: Partial<PortableSplitOptions>): ArrowSplit<A>;
export function portableSplit<T extends Interaction>(input: readonly T[] | ArrowLikeTable, options?: Partial<PortableSplitOptions>): InteractionSplit<T> | ArrowSplit {
  const source = 'portableSplit';
  const interactions = (isArrowTable(input) ? arrowInteractionRecords(source, input) : input) as readonly T[];
  const o = resolveOptions(source, { seed: 42, testFraction: 0.2 } as PortableSplitOptions, options);
  checkPortableSeed(source, o.seed);
  const p = checkFraction(source, o.testFraction);
  const groups = groupPairs(source, interactions);
  const seedMix = splitmix64(BigInt(o.seed));
  const isTest = new Uint8Array(interactions.length);
  for (const [userId, pairs] of groups) {
    const uKey = splitmix64(seedMix ^ idBits(userId));
    const keyed = pairs.map((rows) => ({ rows, key: splitmix64(uKey ^ idBits(interactions[rows[0]!]!.itemId)) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.rows[0]! - b.rows[0]!));
    const nTest = testCount(p, pairs.length);
    for (let t = 0; t < nTest; t++) markPair(isTest, keyed[t]!.rows);
  }
  return finish(source, input, interactions, isTest);
}

/**
 * Holds out a random ⌊p·n + ½⌋ of each user's n (user, item) pairs (seeded
 * sample per user, users in first-seen order), the rest for training. All
 * records of a pair (repeat purchases) go to the same side, so no test pair
 * is also a training pair. Same seed, same split. O(n).
 *
 * @param interactions - records with `userId` and `itemId` (`weight` and `timestamp`, when given, are checked)
 * @param options - testFraction (default 0.2) and seed (default 0)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER` (weight not finite),
 *   `E_TIMESTAMP` (with the row); `OptionsError` `E_OPTION_RANGE`, `E_SEED`
 * @example
 * ```ts
 * import { randomUserSplit } from '@marksman/recsys';
 * const rows = [1, 2, 3, 4, 5].map((itemId) => ({ userId: 'u', itemId }));
 * randomUserSplit(rows, { testFraction: 0.4, seed: 1 }).test.length; // => 2
 * ```
 */
export function randomUserSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<RandomUserSplitOptions>): InteractionSplit<T>;
/**
 * {@link randomUserSplit} on an Apache Arrow table of interactions (`userId`, `itemId`; `weight` and `timestamp`
 * checked when present; other columns carried along): the same rows go to the same side as
 * for the table's rows as records, returned as two Arrow tables of the input's schema
 * (see {@link ArrowSplit}). A null is what `null` in a record is.
 *
 * @param interactions - an apache-arrow `Table`
 * @param options - as for records
 * @throws `ValidationError` `E_ARROW_TYPE` for a column of the wrong type (named), a Union or
 *   view column; `E_INPUT` for an Arrow-shaped table that is not apache-arrow's; otherwise as for records
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { randomUserSplit } from '@marksman/recsys';
 * const table = arrow.tableFromArrays({ userId: ['u', 'u', 'u', 'u', 'u'], itemId: Int32Array.of(1, 2, 3, 4, 5) });
 * const { test } = randomUserSplit(table, { testFraction: 0.4, seed: 1 });
 * test.numRows; // => 2
 * // The same rows as for the records:
 * const records = [1, 2, 3, 4, 5].map((itemId) => ({ userId: 'u', itemId }));
 * const fromRecords = randomUserSplit(records, { testFraction: 0.4, seed: 1 }).test.map((r) => r.itemId);
 * Array.from(test.getChild('itemId')!.toArray()).join() === fromRecords.join(); // => true
 * ```
 */
export function randomUserSplit<A extends ArrowLikeTable>(interactions: A, options?: Partial<RandomUserSplitOptions>): ArrowSplit<A>;
export function randomUserSplit<T extends Interaction>(input: readonly T[] | ArrowLikeTable, options?: Partial<RandomUserSplitOptions>): InteractionSplit<T> | ArrowSplit {
  const source = 'randomUserSplit';
  const interactions = (isArrowTable(input) ? arrowInteractionRecords(source, input) : input) as readonly T[];
  const o = resolveOptions(source, { testFraction: 0.2, seed: 0 } as RandomUserSplitOptions, options);
  const p = checkFraction(source, o.testFraction);
  if (!Number.isSafeInteger(o.seed)) {
    throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${describeValue(o.seed)}.`, { source, field: 'seed' });
  }
  const rng = new Random(o.seed);
  const groups = groupPairs(source, interactions);
  const isTest = new Uint8Array(interactions.length);
  for (const pairs of groups.values()) {
    const nTest = testCount(p, pairs.length);
    if (nTest === 0) continue;
    const pick = rng.sample(pairs.length, nTest);
    for (let t = 0; t < pick.length; t++) markPair(isTest, pairs[pick[t]!]!);
  }
  return finish(source, input, interactions, isTest);
}

/**
 * Holds out each user's k latest (user, item) pairs with all their records.
 * A pair's time is that of its latest record (by `timestamp`; equal times
 * keep input order, later rows counting as later), so an item bought again
 * last goes to test together with its earlier purchases, and no test pair
 * is also a training pair. A user always keeps at least one training pair:
 * with n ≤ k pairs, n − 1 go to test. O(n log n).
 *
 * @param interactions - records with `userId`, `itemId` and `timestamp` (`weight`, when given, is checked)
 * @param options - k (default 1; a k above a user's number of pairs holds out all but one)
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER` (weight not finite),
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
export function leaveLastOutSplit<T extends Interaction>(interactions: readonly T[], options?: Partial<LeaveLastOutOptions>): InteractionSplit<T>;
/**
 * {@link leaveLastOutSplit} on an Apache Arrow table of interactions (`userId`, `itemId`, `timestamp`; `weight`
 * checked when present; other columns carried along): the same rows go to the same side as
 * for the table's rows as records, returned as two Arrow tables of the input's schema
 * (see {@link ArrowSplit}). A null is what `null` in a record is.
 *
 * @param interactions - an apache-arrow `Table`
 * @param options - as for records
 * @throws `ValidationError` `E_ARROW_TYPE` for a column of the wrong type (named), a Union or
 *   view column; `E_INPUT` for an Arrow-shaped table that is not apache-arrow's; otherwise as for records
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { leaveLastOutSplit } from '@marksman/recsys';
 * const table = arrow.tableFromArrays({
 *   userId: Int32Array.of(1, 1, 1),
 *   itemId: ['a', 'b', 'c'],
 *   timestamp: ['2024-01-03', '2024-01-01', '2024-01-02'],
 * });
 * const { train, test } = leaveLastOutSplit(table);
 * test.getChild('itemId')!.get(0); // => 'a'
 * train.numRows; // => 2
 * ```
 */
export function leaveLastOutSplit<A extends ArrowLikeTable>(interactions: A, options?: Partial<LeaveLastOutOptions>): ArrowSplit<A>;
export function leaveLastOutSplit<T extends Interaction>(input: readonly T[] | ArrowLikeTable, options?: Partial<LeaveLastOutOptions>): InteractionSplit<T> | ArrowSplit {
  const source = 'leaveLastOutSplit';
  const interactions = (isArrowTable(input) ? arrowInteractionRecords(source, input) : input) as readonly T[];
  const o = resolveOptions(source, { k: 1 } as LeaveLastOutOptions, options);
  if (typeof o.k !== 'number' || !Number.isInteger(o.k) || o.k < 1) {
    throw new OptionsError('E_K', `${source}: k must be an integer ≥ 1, got ${describeValue(o.k)}.`, { source, field: 'k' });
  }
  const times = new Float64Array(Array.isArray(interactions) ? interactions.length : 0);
  const groups = groupPairs(source, interactions, (r, rec) => {
    times[r] = parseTimestamp(rec.timestamp, { source, row: r, field: 'timestamp' });
  });
  const isTest = new Uint8Array(interactions.length);
  for (const pairs of groups.values()) {
    const nTest = Math.min(o.k, pairs.length - 1);
    if (nTest <= 0) continue;
    // A pair sorts by its latest record: the greatest (time, row).
    const last = pairs.map((rows) => rows.reduce((a, b) => (times[b]! >= times[a]! ? b : a)));
    const order = pairs.map((_, q) => q).sort((a, b) => times[last[a]!]! - times[last[b]!]! || last[a]! - last[b]!);
    for (let t = order.length - nTest; t < order.length; t++) markPair(isTest, pairs[order[t]!]!);
  }
  return finish(source, input, interactions, isTest);
}
