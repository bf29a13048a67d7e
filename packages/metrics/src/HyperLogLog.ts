import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { inconsistent, requireSameAccumulator, requireStateObject } from './accumulatorChecks';
import { requireId, requireList } from './validation';
import type { ArrowLikeVector } from '@marksman/core';
import { idListArg } from './arrowTableInput';

// Why not a package: bloom-filters (the well-used JavaScript HyperLogLog)
// brings eight dependencies (lodash, reflect-metadata, xxhashjs, …) and no
// validated JSON; HyperLogLog itself is short.

/** Options of {@link HyperLogLog}. */
export interface HyperLogLogOptions {
  /** p: the sketch keeps 2^p registers (one byte each), standard error ≈ 1.04/√(2^p); an integer from 4 to 18; default 14 (0.81 %). */
  readonly precision?: number;
}

/** Saved state of a {@link HyperLogLog}. */
export interface HyperLogLogJSON {
  /** p. */
  readonly precision: number;
  /** The 2^p registers, one character each of `0-9A-Za-z+/` for values 0 to 63. */
  readonly registers: string;
}

const DEFAULTS: Readonly<{ precision: number }> = Object.freeze({ precision: 14 });
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/';

/** MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units, two per 32-bit block. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const n = text.length;
  const mix = (k: number) => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
  };
  let i = 0;
  for (; i + 1 < n; i += 2) {
    h ^= mix(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) h ^= mix(text.charCodeAt(i));
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** σ(x) of Ertl's estimator (x in [0, 1)). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const before = z;
    z += x * y;
    y += y;
    if (z === before) return z;
  }
}

/** τ(x) of Ertl's estimator (x in [0, 1]). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const before = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === before) return z / 3;
  }
}

/**
 * Mergeable distinct counter: HyperLogLog (Flajolet, Fusy, Gandouet & Meunier
 * 2007) with 64-bit hashing (two MurmurHash3 values: p bits pick the register,
 * the remaining 64 − p bits give the rank, so no large-range correction is
 * needed) and Ertl's improved estimator (Ertl 2017, "New cardinality
 * estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), which
 * is nearly unbiased from 0 to 2^50 distinct values without bias tables. The
 * relative standard error is about 1.04/√(2^p) (0.81 % at the default p = 14,
 * 16 KiB of registers). Ids are strings or numbers; `1` and `'1'` count as
 * different values. Merging takes the register-wise maximum, so shards
 * merged in any order give exactly the one-pass sketch.
 *
 * @example
 * ```ts
 * import { HyperLogLog } from '@marksman/metrics';
 * const monday = new HyperLogLog().addMany(['ann', 'bob', 'cy', 'ann']);
 * const tuesday = new HyperLogLog().addMany(['bob', 'dee']);
 * Math.round(monday.merge(tuesday).count()); // => 4
 * HyperLogLog.fromJSON(monday.toJSON()).count() === monday.count(); // => true
 * ```
 */
export class HyperLogLog {
  readonly #p: number;
  readonly #registers: Uint8Array;

  /**
   * @param options - `precision` p (default 14)
   * @throws `OptionsError` `E_OPTION_RANGE` (p not an integer from 4 to 18), `E_OPTION_UNKNOWN`
   */
  constructor(options?: HyperLogLogOptions) {
    const o = resolveOptions('HyperLogLog', DEFAULTS, options);
    const p = o.precision;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 4 || p > 18) {
      throw new OptionsError('E_OPTION_RANGE', `HyperLogLog: precision must be an integer from 4 to 18 (2^p registers), got ${String(p)}.`, { source: 'HyperLogLog', field: 'precision' });
    }
    this.#p = p;
    this.#registers = new Uint8Array(1 << p);
  }

  #insert(id: string | number): void {
    const text = typeof id === 'number' ? `n${id}` : `s${id}`;
    const h1 = murmur3(text, 0x9747b28c);
    const h2 = murmur3(text, 0x5bd1e995);
    const p = this.#p;
    const index = h1 >>> (32 - p);
    // the remaining 64 − p bits: h2 (32 bits), then the low 32 − p bits of h1
    let rank: number;
    if (h2 !== 0) rank = Math.clz32(h2) + 1;
    else {
      const low = (h1 << p) >>> 0;
      rank = low !== 0 ? 32 + Math.clz32(low) + 1 : 64 - p + 1;
    }
    if (rank > (this.#registers[index] as number)) this.#registers[index] = rank;
  }

  /**
   * Adds one id. O(length of the id).
   *
   * @param id - a string or a number (NaN is refused)
   * @throws `ValidationError` `E_ID`, `E_NAN`
   */
  add(id: string | number): this {
    requireId('HyperLogLog.add', 'id', id);
    this.#insert(id);
    return this;
  }

  /**
   * Adds a batch of ids (all or nothing: checked first). O(total length).
   *
   * @param ids - strings or numbers (or an Apache Arrow vector of Utf8, dictionary-encoded Utf8 or
   *   integer ids)
   * @throws `ValidationError` `E_SHAPE`, `E_ID`, `E_NAN` (with the position; an Arrow null is `E_ID`),
   *   `E_ARROW_TYPE` (an Arrow vector of another type)
   */
  addMany(ids: ArrayLike<string | number> | ArrowLikeVector): this {
    const values = idListArg('HyperLogLog.addMany', 'ids', ids) as ArrayLike<string | number>;
    requireList('HyperLogLog.addMany', 'ids', values);
    for (let i = 0; i < values.length; i++) requireId('HyperLogLog.addMany', 'ids', values[i], i);
    for (let i = 0; i < values.length; i++) this.#insert(values[i] as string | number);
    return this;
  }

  /**
   * Adds another sketch's registers into this one (register-wise maximum; the other is unchanged). O(2^p).
   *
   * @param other - a sketch of the same precision
   * @throws `ValidationError` `E_MERGE_TYPE`, `E_INCONSISTENT` (another precision)
   */
  merge(other: HyperLogLog): this {
    requireSameAccumulator('HyperLogLog.merge', other, HyperLogLog);
    if (other.#p !== this.#p) inconsistent('HyperLogLog.merge', 'other', `the sketches have different precisions (${this.#p} and ${other.#p}).`);
    const mine = this.#registers;
    const theirs = other.#registers;
    for (let i = 0; i < mine.length; i++) if ((theirs[i] as number) > (mine[i] as number)) mine[i] = theirs[i] as number;
    return this;
  }

  /** Estimated number of distinct ids (Ertl's improved raw estimator). O(2^p). */
  count(): number {
    const m = this.#registers.length;
    const q = 64 - this.#p;
    const c = new Float64Array(q + 2);
    for (const r of this.#registers) c[r] = (c[r] as number) + 1;
    let z = m * tau(1 - (c[q + 1] as number) / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + (c[k] as number));
    z += m * sigma((c[0] as number) / m);
    return (m * m) / (2 * Math.LN2 * z);
  }

  /** The relative standard error 1.04/√(2^p) of {@link HyperLogLog.count}. */
  standardError(): number {
    return 1.04 / Math.sqrt(this.#registers.length);
  }

  /** A copy with the same registers. */
  clone(): HyperLogLog {
    return HyperLogLog.fromJSON(this.toJSON());
  }

  /** The exact state: p and the registers as a compact string. */
  toJSON(): HyperLogLogJSON {
    let s = '';
    for (const r of this.#registers) s += DIGITS[r] as string;
    return { precision: this.#p, registers: s };
  }

  /**
   * Restores a sketch from {@link HyperLogLog.toJSON} output, checking it.
   *
   * @param json - `{ precision, registers }`
   * @throws `ValidationError` `E_INPUT` (not an object, unknown or missing field), `E_LENGTH` (not 2^p
   *   registers), `E_RANGE` (a register character outside the alphabet, or a rank above 65 − p);
   *   `OptionsError` `E_OPTION_RANGE` (precision)
   */
  static fromJSON(json: HyperLogLogJSON): HyperLogLog {
    const source = 'HyperLogLog.fromJSON';
    const o = requireStateObject(source, json, ['precision', 'registers']);
    const sketch = new HyperLogLog({ precision: o.precision as number });
    const regs = o.registers;
    if (typeof regs !== 'string') throw new ValidationError('E_INPUT', `${source}: registers must be a string (as toJSON writes it).`, { source, field: 'registers' });
    const m = sketch.#registers.length;
    if (regs.length !== m) throw new ValidationError('E_LENGTH', `${source}: registers has ${regs.length} characters; precision ${sketch.#p} needs ${m}.`, { source, field: 'registers' });
    const max = 64 - sketch.#p + 1;
    for (let i = 0; i < m; i++) {
      const v = DIGITS.indexOf(regs[i] as string);
      if (v < 0 || v > max) throw new ValidationError('E_RANGE', `${source}: register ${i} holds ${JSON.stringify(regs[i])}; registers are ranks from 0 to ${max}.`, { source, field: 'registers', row: i });
      sketch.#registers[i] = v;
    }
    return sketch;
  }
}
