import { OptionsError, ValidationError } from './errors';
import { logGamma } from './special';
import { describeValue } from './timestamp';

/** A seed: any safe integer. Equal seeds give equal streams on every platform. */
export type Seed = number;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function checkSeed(seed: number, source: string): void {
  if (!Number.isSafeInteger(seed)) {
    throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${describeValue(seed)}.`, { source, field: 'seed' });
  }
}

/** Largest Poisson mean accepted: draws stay exact integers (far below 2^53). */
const MAX_POISSON_MEAN = 1e15;

function rangeError(source: string, field: string, rule: string, value: unknown): OptionsError {
  return new OptionsError('E_RANGE', `${source}: ${field} must be ${rule}, got ${describeValue(value)}.`, { source, field });
}

/** Throws `E_RANGE` unless `value` is a finite number (of type number: '0.5' is refused). */
function finite(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw rangeError(source, field, 'a finite number', value);
  return value;
}

/** Throws `E_RANGE` unless `value` is a finite number > 0. */
function positive(source: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) throw rangeError(source, field, 'a finite number > 0', value);
  return value;
}

function isUint32(w: unknown): w is number {
  return typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff;
}

function stateError(field: string, text: string): ValidationError {
  return new ValidationError('E_RANDOM_STATE', `Random.fromState: ${text} Pass an object returned by getState().`, { source: 'Random.fromState', field });
}

/** A typed-array allocation, with a typed error when the size is too large to allocate. */
function allocInt32(source: string, field: string, length: number): Int32Array {
  try {
    return new Int32Array(length);
  } catch {
    throw new OptionsError('E_TOO_LARGE', `${source}: ${field} = ${length} needs more memory than can be allocated; ask for fewer.`, { source, field });
  }
}

/** Serializable state of a {@link Random} stream (see {@link Random.getState}). */
export interface RandomState {
  /** The four 32-bit words of the xoshiro128** state. */
  readonly words: readonly [number, number, number, number];
  /** A cached second normal deviate from the polar method, or null. */
  readonly spareNormal: number | null;
}

/**
 * A seeded pseudo-random stream: xoshiro128** (Blackman & Vigna, 2018) with
 * 32-bit integer arithmetic only, so the same seed gives the same stream of
 * bits in every JavaScript engine. The seed is expanded into the state with
 * SplitMix32. Not for cryptography.
 *
 * `nextUint32`, `next`, `uniform`, `int`, `bernoulli`, `categorical`,
 * `shuffle` and `sample` use only exactly rounded arithmetic, so their
 * values are bit-identical everywhere. `normal`, `exponential`, `gamma`,
 * `beta` and `poisson` call `Math.log`, `Math.log1p`, `Math.exp` or `Math.pow`, whose last
 * bits are not specified by the language and do differ between engines
 * (measured: Node 20 and Chromium 156 disagree on `Math.log`), so those
 * draws are reproducible within one runtime and may differ in the last
 * bits across runtimes.
 *
 * Draws: `next` (uniform [0, 1) with 53 random bits), `uniform`, `int`,
 * `normal`, `exponential`, `gamma`, `beta`, `poisson`, `bernoulli`,
 * `categorical`, `shuffle`, `sample`.
 *
 * @example
 * ```ts
 * import { Random } from '@marksman/core';
 * const a = new Random(42), b = new Random(42);
 * a.next() === b.next(); // => true
 * ```
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed - a safe integer (default 0)
   * @throws {@link OptionsError} `E_SEED` when the seed is not a safe integer
   */
  constructor(seed: Seed = 0) {
    checkSeed(seed, 'Random');
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const st = { x: lo };
    const mixHi = splitmix32({ x: hi ^ 0x6a09e667 });
    st.x = (st.x ^ mixHi) | 0;
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A new stream restored from {@link Random.getState}. The state is checked:
   * four 32-bit unsigned integers, not all zero (xoshiro's one dead state,
   * which would repeat 0 forever), and a finite number or null as the
   * cached normal deviate.
   *
   * @param state - a state captured earlier
   * @throws {@link ValidationError} `E_RANDOM_STATE` for anything else
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const r = new Random(7); r.next();
   * const copy = Random.fromState(r.getState());
   * copy.next() === r.next(); // => true
   * ```
   */
  static fromState(state: RandomState): Random {
    if (typeof state !== 'object' || state === null) throw stateError('state', `expected { words, spareNormal }, got ${describeValue(state)}.`);
    const words: unknown = state.words;
    if (!Array.isArray(words) || words.length !== 4) throw stateError('words', `words must be an array of 4 unsigned 32-bit integers, got ${describeValue(words)}${Array.isArray(words) ? ` of length ${words.length}` : ''}.`);
    for (let i = 0; i < 4; i++) {
      if (!isUint32(words[i])) throw stateError('words', `words[${i}] must be an integer in [0, 2^32), got ${describeValue(words[i])}.`);
    }
    if (words.every((w) => w === 0)) throw stateError('words', 'all four words are 0, a state the generator can never leave (it would return 0 forever).');
    const spare: unknown = state.spareNormal;
    if (spare !== null && (typeof spare !== 'number' || !Number.isFinite(spare))) {
      throw stateError('spareNormal', `spareNormal must be a finite number or null, got ${describeValue(spare)}.`);
    }
    const r = new Random(0);
    [r.s0, r.s1, r.s2, r.s3] = (words as number[]).map((w) => w >>> 0) as [number, number, number, number];
    r.spare = spare;
    return r;
  }

  /**
   * The stream's current state, a plain object that can be stored as JSON.
   *
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(1).getState().words.length; // => 4
   * ```
   */
  getState(): RandomState {
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  /**
   * An independent stream seeded from this one (consumes four 32-bit draws).
   * Use it to give each worker, shard or restart its own stream.
   *
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const child = new Random(3).fork();
   * child.next() < 1; // => true
   * ```
   */
  fork(): Random {
    const r = new Random(0);
    r.s0 = this.nextUint32();
    r.s1 = this.nextUint32();
    r.s2 = this.nextUint32();
    r.s3 = this.nextUint32();
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1;
    return r;
  }

  /**
   * The next 32 random bits as an unsigned integer in [0, 2^32).
   *
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * Number.isInteger(new Random(5).nextUint32()); // => true
   * ```
   */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits.
   *
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const u = new Random(9).next();
   * u >= 0 && u < 1; // => true
   * ```
   */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /**
   * `count` uniform draws in [low, high): element t is what the t-th of
   * `count` calls of `uniform(low, high)` would return, and the stream moves
   * on by as much. Several times faster than the calls (for initialising
   * large factor matrices, say).
   *
   * @param count - how many draws (an integer ≥ 0)
   * @param low - inclusive lower bound (default 0)
   * @param high - exclusive upper bound (default 1)
   * @throws {@link OptionsError} `E_RANGE` when count is not an integer in
   *   [0, 2^31) or unless low ≤ high are finite numbers with a finite difference
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const a = new Random(4).uniforms(3, -1, 1);
   * const b = new Random(4);
   * a[2] === (b.uniform(-1, 1), b.uniform(-1, 1), b.uniform(-1, 1)); // => true
   * ```
   */
  uniforms(count: number, low = 0, high = 1): Float64Array {
    if (!Number.isInteger(count) || count < 0 || count >= 2 ** 31) throw rangeError('Random.uniforms', 'count', 'an integer in [0, 2^31)', count);
    finite('Random.uniforms', 'low', low);
    finite('Random.uniforms', 'high', high);
    if (!(high >= low) || !Number.isFinite(high - low)) throw rangeError('Random.uniforms', 'high', `≥ low = ${low} with a finite difference`, high);
    const width = high - low;
    const out = new Float64Array(count);
    // xoshiro128** as in nextUint32, on local words (fields hold numbers
    // beyond the small-integer range, so each field update costs more).
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let t = 0; t < count; t++) {
      let r = Math.imul(s1, 5);
      const a = Math.imul((r << 7) | (r >>> 25), 9) >>> 5;
      let u = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= u;
      s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      const b = Math.imul((r << 7) | (r >>> 25), 9) >>> 6;
      u = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= u;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[t] = low + width * ((a * 67108864 + b) / TWO_POW_53);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return out;
  }

  /**
   * A uniform double in [low, high).
   *
   * @param low - inclusive lower bound (default 0)
   * @param high - exclusive upper bound (default 1)
   * @throws {@link OptionsError} `E_RANGE` unless low ≤ high are finite
   *   numbers with a finite difference
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const x = new Random(1).uniform(10, 20);
   * x >= 10 && x < 20; // => true
   * ```
   */
  uniform(low = 0, high = 1): number {
    finite('Random.uniform', 'low', low);
    finite('Random.uniform', 'high', high);
    if (!(high >= low) || !Number.isFinite(high - low)) throw rangeError('Random.uniform', 'high', `≥ low = ${low} with a finite difference`, high);
    return low + (high - low) * this.next();
  }

  /**
   * A uniform integer in [0, n), without modulo bias.
   *
   * @param n - number of outcomes, a positive safe integer
   * @throws {@link OptionsError} `E_RANGE` when n is not a positive safe integer
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const d = new Random(2).int(6);
   * d >= 0 && d < 6; // => true
   * ```
   */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw rangeError('Random.int', 'n', 'a positive safe integer', n);
    }
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    for (;;) {
      const x = this.next() * TWO_POW_53;
      if (x < limit) return x % n;
    }
  }

  /**
   * A normal (Gaussian) deviate by Marsaglia's polar method.
   *
   * @param mean - mean (default 0)
   * @param sd - standard deviation ≥ 0 (default 1)
   * @throws {@link OptionsError} `E_RANGE` for a non-finite mean or a
   *   negative or non-finite sd
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * Number.isFinite(new Random(4).normal(100, 15)); // => true
   * ```
   */
  normal(mean = 0, sd = 1): number {
    if (typeof mean !== 'number' || !Number.isFinite(mean)) throw rangeError('Random.normal', 'mean', 'a finite number', mean);
    if (typeof sd !== 'number' || !Number.isFinite(sd) || sd < 0) throw rangeError('Random.normal', 'sd', 'a finite number ≥ 0', sd);
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + sd * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /**
   * An exponential deviate with the given rate (mean 1/rate).
   *
   * @param rate - rate λ > 0 (default 1)
   * @throws {@link OptionsError} `E_RANGE` unless rate is finite and > 0
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).exponential(2) >= 0; // => true
   * ```
   */
  exponential(rate = 1): number {
    positive('Random.exponential', 'rate', rate);
    return -Math.log1p(-this.next()) / rate;
  }

  /**
   * A gamma deviate with the given shape and scale (mean shape·scale) by
   * Marsaglia & Tsang (2000); shapes below 1 use the boost
   * Γ(a) = Γ(a+1)·U^(1/a).
   *
   * @param shape - shape k > 0
   * @param scale - scale θ > 0 (default 1)
   * @throws {@link OptionsError} `E_RANGE` for a non-positive shape or scale
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).gamma(2, 3) > 0; // => true
   * ```
   */
  gamma(shape: number, scale = 1): number {
    positive('Random.gamma', 'shape', shape);
    positive('Random.gamma', 'scale', scale);
    if (shape < 1) {
      const g = this.gammaAtLeastOne(shape + 1);
      return scale * g * Math.pow(this.next() || Number.MIN_VALUE, 1 / shape);
    }
    return scale * this.gammaAtLeastOne(shape);
  }

  private gammaAtLeastOne(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * A beta deviate, as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
   *
   * @param a - first shape > 0
   * @param b - second shape > 0
   * @throws {@link OptionsError} `E_RANGE` unless a and b are finite and > 0
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * const p = new Random(4).beta(2, 5);
   * p > 0 && p < 1; // => true
   * ```
   */
  beta(a: number, b: number): number {
    positive('Random.beta', 'a', a);
    positive('Random.beta', 'b', b);
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /**
   * A Poisson deviate with mean `lambda`: multiplication of uniforms for
   * λ < 10, Hörmann's transformed rejection (PTRS, 1993) above.
   *
   * @param lambda - mean λ, 0 ≤ λ ≤ 10¹⁵ (larger means would give draws
   *   beyond exact integer arithmetic)
   * @throws {@link OptionsError} `E_RANGE` for a λ outside that range
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * Number.isInteger(new Random(4).poisson(3.5)); // => true
   * ```
   */
  poisson(lambda: number): number {
    if (typeof lambda !== 'number' || !(lambda >= 0) || !(lambda <= MAX_POISSON_MEAN)) throw rangeError('Random.poisson', 'lambda', 'a number in [0, 1e15]', lambda);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
    }
  }

  /**
   * True with probability p.
   *
   * @param p - probability in [0, 1]
   * @throws {@link OptionsError} `E_RANGE` for anything else
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).bernoulli(1); // => true
   * ```
   */
  bernoulli(p: number): boolean {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw rangeError('Random.bernoulli', 'p', 'a probability in [0, 1]', p);
    return this.next() < p;
  }

  /**
   * An index drawn with probability proportional to `weights[i]` (linear
   * scan, O(n)); for many draws from the same weights use
   * {@link aliasSampler}.
   *
   * @param weights - non-negative weights with a positive sum
   * @throws {@link OptionsError} `E_WEIGHTS` when `weights` is not an array
   *   (or typed array) of finite numbers ≥ 0 with a positive sum
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).categorical([0, 1, 0]); // => 1
   * ```
   */
  categorical(weights: ArrayLike<number>): number {
    const total = checkWeights(weights, 'Random.categorical');
    let u = this.next() * total;
    const n = weights.length;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (u < w) return i;
      u -= w;
    }
    // Floating-point leftovers: return the last index with positive weight.
    for (let i = n - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return n - 1;
  }

  /**
   * A shuffled copy of `items` (Fisher-Yates); the input is not changed.
   *
   * @param items - the values to shuffle (an array)
   * @throws {@link OptionsError} `E_RANGE` when `items` is not an array
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).shuffle([1, 2, 3]).sort(); // => [1, 2, 3]
   * ```
   */
  shuffle<T>(items: readonly T[]): T[] {
    if (!Array.isArray(items)) throw rangeError('Random.shuffle', 'items', 'an array', items);
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /**
   * `k` distinct integers from [0, n) in random order, without replacement.
   * Uses a partial Fisher-Yates shuffle when k is a large share of n, and
   * Floyd's algorithm (O(k) memory) otherwise.
   *
   * @param n - population size, below 2³¹
   * @param k - sample size, 0 ≤ k ≤ n
   * @throws {@link OptionsError} `E_RANGE` when k > n or either is not a
   *   non-negative integer; `E_TOO_LARGE` when the memory cannot be allocated
   * @example
   * ```ts
   * import { Random } from '@marksman/core';
   * new Random(4).sample(10, 10).slice().sort((a, b) => a - b).join(','); // => '0,1,2,3,4,5,6,7,8,9'
   * ```
   */
  sample(n: number, k: number): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw rangeError('Random.sample', 'n', 'an integer in [0, 2^31)', n);
    if (!Number.isSafeInteger(k) || k < 0 || k > n) throw rangeError('Random.sample', 'k', `an integer in [0, n = ${n}]`, k);
    const out = allocInt32('Random.sample', 'k', k);
    if (k * 4 >= n) {
      const pool = allocInt32('Random.sample', 'n', n);
      for (let i = 0; i < n; i++) pool[i] = i;
      for (let i = 0; i < k; i++) {
        const j = i + this.int(n - i);
        const tmp = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = tmp;
        out[i] = pool[i]!;
      }
      return out;
    }
    // Floyd's algorithm, then a shuffle so the order is random too.
    const seen = new Set<number>();
    let m = 0;
    try {
      for (let j = n - k; j < n; j++) {
        const t = this.int(j + 1);
        const v = seen.has(t) ? j : t;
        seen.add(v);
        out[m++] = v;
      }
    } catch (e) {
      // A Set holds at most 2^24 values; past that the engine throws a RangeError.
      if (!(e instanceof RangeError)) throw e;
      throw new OptionsError('E_TOO_LARGE', `Random.sample: k = ${k} distinct values out of n = ${n} is more than can be tracked; ask for fewer.`, { source: 'Random.sample', field: 'k' });
    }
    for (let i = k - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkWeights(weights: ArrayLike<number>, source: string): number {
  if (!Array.isArray(weights) && !(ArrayBuffer.isView(weights) && !(weights instanceof DataView))) {
    throw new OptionsError('E_WEIGHTS', `${source}: weights must be an array of numbers, got ${describeValue(weights)}.`, { source, field: 'weights' });
  }
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w: unknown = weights[i];
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) {
      throw new OptionsError('E_WEIGHTS', `${source}: weight ${i} is ${describeValue(w)}; weights must be finite numbers ≥ 0.`, { source, field: 'weights', row: i });
    }
    total += w;
  }
  if (!(total > 0)) {
    throw new OptionsError('E_WEIGHTS', `${source}: weights sum to 0; give at least one positive weight.`, { source, field: 'weights' });
  }
  return total;
}

/**
 * Builds Walker's alias table for `weights` once (O(n)), then draws an index
 * in O(1) per call, proportional to its weight.
 *
 * @param weights - non-negative weights with a positive sum
 * @throws {@link OptionsError} `E_WEIGHTS` when `weights` is not an array (or
 *   typed array) of finite numbers ≥ 0 with a positive sum; the returned
 *   function throws `E_RANGE` when not given a {@link Random}
 * @returns a function that draws an index using the given stream
 * @example
 * ```ts
 * import { Random, aliasSampler } from '@marksman/core';
 * const draw = aliasSampler([0, 3, 0]);
 * draw(new Random(1)); // => 1
 * ```
 */
export function aliasSampler(weights: ArrayLike<number>): (rng: Random) => number {
  const total = checkWeights(weights, 'aliasSampler');
  const n = weights.length;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i]! * n) / total;
    (scaled[i]! < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1; // only reached through rounding error
  return (rng: Random) => {
    if (typeof rng !== 'object' || rng === null || typeof rng.int !== 'function' || typeof rng.next !== 'function') {
      throw new OptionsError('E_RANGE', `aliasSampler: the draw function needs a Random stream, got ${describeValue(rng)}.`, { source: 'aliasSampler', field: 'rng' });
    }
    const i = rng.int(n);
    return rng.next() < prob[i]! ? i : alias[i]!;
  };
}
