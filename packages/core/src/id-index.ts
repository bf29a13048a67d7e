import { StateError, ValidationError } from './errors';
import { resolveOptions } from './options';
import { checkBooleanOption } from './validate';
import { describeValue } from './timestamp';
import type { Id } from './types';

function checkIdValue(source: string, id: unknown, row: number): asserts id is Id {
  if (!((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id)))) {
    throw new ValidationError('E_ID_TYPE', `${source}: id at position ${row} must be a non-empty string or a finite number, got ${describeValue(id)}.`, {
      source,
      row,
    });
  }
}

/** Throws `E_INPUT` unless `ids` is an iterable of ids (a string is refused: it would be read as its characters). */
function checkIterable(source: string, field: string, ids: unknown): asserts ids is Iterable<unknown> {
  if (typeof ids === 'string' || typeof ids !== 'object' || ids === null || typeof (ids as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new ValidationError('E_INPUT', `${source}: ${field} must be an array (or other iterable) of ids, got ${describeValue(ids)}.`, { source, field });
  }
}

/** The JSON form of an {@link IdIndex}: the ids in index order. */
export interface IdIndexJSON {
  /** Ids, position = dense index. Strings stay strings, numbers stay numbers. */
  readonly ids: readonly Id[];
}

/** Options of {@link IdIndex.encode}. */
export interface EncodeOptions {
  /** Throw `E_UNKNOWN_ID` for an unknown id instead of writing −1 (default false). */
  readonly strict?: boolean;
}

// Set by IdIndex's static block: lets IdIndexBuilder.build wrap its arrays
// without re-checking them, while the constructor stays private.
let makeIdIndex: (ids: readonly Id[], map: ReadonlyMap<Id, number>) => IdIndex;

const ENCODE_DEFAULTS: Required<EncodeOptions> = Object.freeze({ strict: false });

/**
 * An immutable two-way map between ids (strings or numbers) and dense int32
 * indexes 0…size−1, in first-seen order. Users and items are indexed this way
 * so models work on typed arrays while results speak the caller's ids.
 *
 * **Ids are compared by type and value**: the number `1` and the string `'1'`
 * are different ids (as in a JavaScript `Map`); parse ids consistently. `0`
 * and `-0` are the same id. To grow an index, use {@link IdIndexBuilder}
 * (`IdIndex.builder()` or `index.toBuilder()`).
 *
 * @example
 * ```ts
 * import { IdIndex } from '@marksman/core';
 * const users = IdIndex.from(['ann', 'bob', 'ann', 7]);
 * users.size; // => 3
 * users.index('bob'); // => 1
 * users.index('7'); // => -1 (the number 7 is known, the string '7' is not)
 * users.id(2); // => 7
 * ```
 */
export class IdIndex {
  readonly #ids: readonly Id[];
  readonly #map: ReadonlyMap<Id, number>;

  private constructor(ids: readonly Id[], map: ReadonlyMap<Id, number>) {
    this.#ids = ids;
    this.#map = map;
  }

  /**
   * An index of the distinct `ids` in first-seen order (duplicates are
   * skipped). Costs O(n).
   *
   * @param ids - strings and/or finite numbers (an array or other iterable)
   * @throws {@link ValidationError} `E_INPUT` when `ids` is not an iterable
   *   (or is a string), `E_ID_TYPE` for an id that is not a non-empty string
   *   or finite number
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from([3, 1, 3]).ids(); // => [3, 1]
   * ```
   */
  static from(ids: Iterable<Id>): IdIndex {
    checkIterable('IdIndex.from', 'ids', ids);
    const b = new IdIndexBuilder();
    let row = 0;
    for (const id of ids) {
      checkIdValue('IdIndex.from', id, row++);
      b.add(id);
    }
    return b.build();
  }

  /**
   * An empty builder, to add ids one by one.
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * const b = IdIndex.builder();
   * b.add('x'); // => 0
   * b.build().size; // => 1
   * ```
   */
  static builder(): IdIndexBuilder {
    return new IdIndexBuilder();
  }

  /**
   * Restores an index from {@link IdIndex.toJSON}; the round trip is exact
   * (string ids stay strings, number ids stay numbers).
   *
   * @param json - `{ ids }` with distinct ids
   * @throws {@link ValidationError} `E_INPUT` when `json.ids` is not an array,
   *   `E_ID_TYPE` for a bad id, `E_DUPLICATE_ID` when an id repeats
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * const a = IdIndex.from(['x', 2]);
   * IdIndex.fromJSON(JSON.parse(JSON.stringify(a))).ids(); // => ['x', 2]
   * ```
   */
  static fromJSON(json: IdIndexJSON): IdIndex {
    const source = 'IdIndex.fromJSON';
    const ids = (json as { ids?: unknown } | null | undefined)?.ids;
    if (!Array.isArray(ids)) throw new ValidationError('E_INPUT', `${source}: expected { ids: [...] }, got ${describeValue(json)}.`, { source, field: typeof json === 'object' && json !== null ? 'ids' : 'json' });
    const map = new Map<Id, number>();
    const copy: Id[] = new Array<Id>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      checkIdValue(source, id, i);
      if (map.has(id)) throw new ValidationError('E_DUPLICATE_ID', `${source}: id ${describeValue(id)} appears twice (positions ${map.get(id)} and ${i}).`, { source, row: i });
      map.set(id, i);
      copy[i] = id;
    }
    return new IdIndex(Object.freeze(copy), map);
  }

  static {
    makeIdIndex = (ids, map) => new IdIndex(ids, map);
  }

  /** Number of distinct ids. */
  get size(): number {
    return this.#ids.length;
  }

  /**
   * The dense index of `id`, or −1 when unknown (any value that is not an
   * id of this index, `undefined` included, is unknown). O(1).
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['a', 'b']).index('c'); // => -1
   * ```
   */
  index(id: Id): number {
    return this.#map.get(id) ?? -1;
  }

  /**
   * Whether `id` is in the index. O(1).
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from([1]).has('1'); // => false
   * ```
   */
  has(id: Id): boolean {
    return this.#map.has(id);
  }

  /**
   * The dense index of `id`; throws when unknown. O(1).
   *
   * @throws {@link StateError} `E_UNKNOWN_ID`
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['a', 'b']).indexOrThrow('b'); // => 1
   * ```
   */
  indexOrThrow(id: Id): number {
    const i = this.#map.get(id);
    if (i === undefined) {
      throw new StateError('E_UNKNOWN_ID', `IdIndex.indexOrThrow: id ${describeValue(id)} (${typeof id}) is not in the index of ${this.size} ids.`, { source: 'IdIndex.indexOrThrow', field: 'id' });
    }
    return i;
  }

  /**
   * The id at dense index `i`. O(1).
   *
   * @throws {@link StateError} `E_INDEX_RANGE` when `i` is not an integer in [0, size)
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['a', 'b']).id(1); // => 'b'
   * ```
   */
  id(i: number): Id {
    const v = Number.isInteger(i) ? this.#ids[i] : undefined;
    if (v === undefined) {
      throw new StateError('E_INDEX_RANGE', `IdIndex.id: index ${describeValue(i)} is outside [0, ${this.size}).`, { source: 'IdIndex.id', field: 'i' });
    }
    return v;
  }

  /**
   * A new array of the ids in index order (a copy). O(size).
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['b', 'a', 'b']).ids(); // => ['b', 'a']
   * ```
   */
  ids(): Id[] {
    return this.#ids.slice();
  }

  /**
   * Dense indexes of `ids`; unknown ids give −1 (or throw with
   * `{ strict: true }`). O(n).
   *
   * @param ids - ids to look up (an array or other iterable)
   * @param options - see {@link EncodeOptions}
   * @throws {@link ValidationError} `E_INPUT` when `ids` is not an iterable;
   *   {@link StateError} `E_UNKNOWN_ID` for an unknown id when `strict`;
   *   {@link OptionsError} `E_OPTION_RANGE` when `strict` is not a boolean
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['a', 'b']).encode(['b', 'z', 'a']); // => Int32Array [1, -1, 0]
   * ```
   */
  encode(ids: Iterable<Id>, options?: EncodeOptions): Int32Array {
    const opts = resolveOptions('IdIndex.encode', ENCODE_DEFAULTS, options);
    const strict = checkBooleanOption('IdIndex.encode', 'strict', opts.strict);
    checkIterable('IdIndex.encode', 'ids', ids);
    const list = Array.isArray(ids) ? (ids as readonly Id[]) : Array.from(ids);
    const out = new Int32Array(list.length);
    const map = this.#map;
    for (let k = 0; k < list.length; k++) {
      const id = list[k] as Id;
      const i = map.get(id);
      if (i === undefined) {
        if (strict) {
          throw new StateError('E_UNKNOWN_ID', `IdIndex.encode: id ${describeValue(id)} at position ${k} is not in the index.`, { source: 'IdIndex.encode', row: k });
        }
        out[k] = -1;
      } else out[k] = i;
    }
    return out;
  }

  /**
   * The ids at dense `indexes`. O(n).
   *
   * @param indexes - dense indexes in [0, size) (an array or typed array)
   * @throws {@link ValidationError} `E_INPUT` when `indexes` is not an array;
   *   {@link StateError} `E_INDEX_RANGE` for an index out of range
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from(['a', 'b']).decode(Int32Array.of(1, 0, 1)); // => ['b', 'a', 'b']
   * ```
   */
  decode(indexes: ArrayLike<number>): Id[] {
    if (!Array.isArray(indexes) && !(ArrayBuffer.isView(indexes) && !(indexes instanceof DataView))) {
      throw new ValidationError('E_INPUT', `IdIndex.decode: indexes must be an array or typed array of integers, got ${describeValue(indexes)}.`, { source: 'IdIndex.decode', field: 'indexes' });
    }
    const out = new Array<Id>(indexes.length);
    const ids = this.#ids;
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k] as number;
      const v = Number.isInteger(i) ? ids[i] : undefined;
      if (v === undefined) {
        throw new StateError('E_INDEX_RANGE', `IdIndex.decode: index ${describeValue(i)} at position ${k} is outside [0, ${this.size}).`, {
          source: 'IdIndex.decode',
          row: k,
        });
      }
      out[k] = v;
    }
    return out;
  }

  /**
   * A builder that starts with these ids, to extend the index without
   * changing existing indexes. O(size).
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * const b = IdIndex.from(['a']).toBuilder();
   * b.add('b'); // => 1
   * ```
   */
  toBuilder(): IdIndexBuilder {
    const b = new IdIndexBuilder();
    for (const id of this.#ids) b.add(id);
    return b;
  }

  /**
   * The plain-object form `{ ids }`, for `JSON.stringify`.
   *
   * @example
   * ```ts
   * import { IdIndex } from '@marksman/core';
   * IdIndex.from([2, 'x']).toJSON(); // => { ids: [2, 'x'] }
   * ```
   */
  toJSON(): IdIndexJSON {
    return { ids: this.#ids.slice() };
  }
}

/**
 * A growable id → dense index map. `add` returns the index of an id,
 * assigning the next one to a new id. `build()` snapshots an immutable
 * {@link IdIndex}; the builder can keep growing afterwards.
 *
 * @example
 * ```ts
 * import { IdIndexBuilder } from '@marksman/core';
 * const b = new IdIndexBuilder();
 * b.add('u1'); // => 0
 * b.add('u2'); // => 1
 * b.add('u1'); // => 0
 * b.size; // => 2
 * ```
 */
export class IdIndexBuilder {
  readonly #ids: Id[] = [];
  readonly #map = new Map<Id, number>();

  /** Number of distinct ids added so far. */
  get size(): number {
    return this.#ids.length;
  }

  /**
   * The index of `id`, adding it when new. O(1) amortised.
   *
   * @throws {@link ValidationError} `E_ID_TYPE` for an id that is not a
   *   non-empty string or finite number
   * @example
   * ```ts
   * import { IdIndexBuilder } from '@marksman/core';
   * new IdIndexBuilder().add(42); // => 0
   * ```
   */
  add(id: Id): number {
    const known = this.#map.get(id);
    if (known !== undefined) return known;
    checkIdValue('IdIndexBuilder.add', id, this.#ids.length);
    const i = this.#ids.length;
    this.#ids.push(id);
    this.#map.set(id, i);
    return i;
  }

  /**
   * The index of `id`, or −1 when not added yet. O(1).
   *
   * @example
   * ```ts
   * import { IdIndexBuilder } from '@marksman/core';
   * new IdIndexBuilder().index('a'); // => -1
   * ```
   */
  index(id: Id): number {
    return this.#map.get(id) ?? -1;
  }

  /**
   * An immutable {@link IdIndex} of the ids added so far. O(size).
   *
   * @example
   * ```ts
   * import { IdIndexBuilder } from '@marksman/core';
   * const b = new IdIndexBuilder(); b.add('a');
   * b.build().ids(); // => ['a']
   * ```
   */
  build(): IdIndex {
    return makeIdIndex(Object.freeze(this.#ids.slice()), new Map(this.#map));
  }
}
