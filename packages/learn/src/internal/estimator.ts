// Internal: the plumbing every learner shares: fit options, the not-fitted
// error, label bookkeeping for predictions, and readers for saved models.
import { OptionsError, StateError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { ClassLabel, LearnerFitOptions, LearnerFitProgress } from '../types';
import { checkCallbacks, describeValue, isPlainObject } from './checks';
import { compareLabels } from './targets';

/** Fit options with every field present. */
export interface ResolvedFit {
  readonly sampleWeight: readonly number[] | Float64Array | null;
  readonly featureNames: readonly string[] | null;
  readonly onProgress: ((progress: LearnerFitProgress) => void) | null;
  readonly signal: AbortSignal | null;
}

const FIT_DEFAULTS: Readonly<ResolvedFit> = Object.freeze({ sampleWeight: null, featureNames: null, onProgress: null, signal: null });

/** Merges and checks the options of a `fit` call. */
export function resolveFit(source: string, options: LearnerFitOptions | undefined): ResolvedFit {
  const o = resolveOptions(source, FIT_DEFAULTS, options);
  checkCallbacks(source, o.onProgress, o.signal);
  return o;
}

/** The error of a method called before `fit`. */
export function notFitted(source: string, className: string): StateError {
  return new StateError('E_NOT_FITTED', `${source}: this ${className} has not been fitted; call fit(X, y) first (or restore a saved model with ${className}.fromJSON).`, { source });
}

/** The index of `label` among `classes`, or an error naming the known labels. */
export function classIndex(source: string, classes: readonly ClassLabel[], label: unknown): number {
  const k = classes.findIndex((c) => c === label);
  if (k < 0) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: label ${describeValue(label)} is not one of the classes (${classes.map((c) => describeValue(c)).join(', ')}).`, { source, field: 'label' });
  }
  return k;
}

/** Index of the largest value of row i of a row-major matrix (first on ties). */
export function argmaxRow(p: Float64Array, i: number, C: number): number {
  let best = 0;
  const off = i * C;
  for (let c = 1; c < C; c++) if (p[off + c]! > p[off + best]!) best = c;
  return best;
}

/** Row-major probabilities as one plain array per row. */
export function probaRows(p: Float64Array, n: number, C: number): number[][] {
  const out: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) out[i] = Array.from(p.subarray(i * C, i * C + C));
  return out;
}

/** Column k of a row-major matrix. */
export function probaColumn(p: Float64Array, n: number, C: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = p[i * C + k]!;
  return out;
}

/** Reads saved models: each failed check names the field and says what was expected. */
export class JsonReader {
  readonly #source: string;
  readonly #expected: string;

  constructor(source: string, expected: string) {
    this.#source = source;
    this.#expected = expected;
  }

  /** Throws `E_MODEL_JSON` for `field`. */
  fail(field: string, what: string): never {
    throw new ValidationError('E_MODEL_JSON', `${this.#source}: ${field} ${what}; expected the output of toJSON() (${this.#expected}).`, { source: this.#source, field });
  }

  /** The object itself, its type tag and version. */
  header(json: unknown, type: string, version: number): Record<string, unknown> {
    if (!isPlainObject(json)) this.fail('json', `is ${describeValue(json)}, not an object`);
    const j = json as Record<string, unknown>;
    if (j.type !== type) this.fail('type', `is ${describeValue(j.type)}`);
    if (j.version !== version) this.fail('version', `is ${describeValue(j.version)}`);
    return j;
  }

  /** A non-empty list of distinct, non-empty feature names. */
  names(v: unknown, field = 'featureNames'): string[] {
    if (!Array.isArray(v) || v.length === 0 || v.some((f) => typeof f !== 'string' || f === '') || new Set(v).size !== v.length) {
      this.fail(field, 'must be a non-empty array of distinct feature names');
    }
    return [...(v as string[])];
  }

  /** Sorted, distinct class labels of one type, at least `min` of them. */
  classes(v: unknown, min: number, max = Infinity): ClassLabel[] {
    const ok = (c: unknown) => typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
    if (!Array.isArray(v) || v.length < min || v.length > max || !v.every(ok) || v.some((c) => typeof c !== typeof v[0]) || new Set(v).size !== v.length) {
      this.fail('classes', `must be an array of ${min}${max === Infinity ? ' or more' : max === min ? '' : ` to ${max}`} distinct labels of one type`);
    }
    const c = [...(v as ClassLabel[])];
    for (let k = 1; k < c.length; k++) if (compareLabels(c[k - 1]!, c[k]!) >= 0) this.fail('classes', 'must be sorted');
    return c;
  }

  /** A finite number. */
  number(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `is ${describeValue(v)}, not a finite number`);
    return v as number;
  }

  /** An array of `length` finite numbers (any length when `length` is -1). */
  numbers(v: unknown, field: string, length: number, check: (x: number) => boolean = () => true, what = 'a finite number'): Float64Array {
    if (!Array.isArray(v) || (length >= 0 && v.length !== length)) this.fail(field, `must be an array of ${length >= 0 ? length : 'some'} numbers`);
    const a = v as unknown[];
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x) || !check(x)) this.fail(field, `entry ${i} is ${describeValue(x)}, not ${what}`);
      out[i] = x as number;
    }
    return out;
  }

  /** A plain object. */
  object(v: unknown, field: string): Record<string, unknown> {
    if (!isPlainObject(v)) this.fail(field, `is ${describeValue(v)}, not an object`);
    return v as Record<string, unknown>;
  }

  /** A non-negative safe integer. */
  count(v: unknown, field: string): number {
    if (!Number.isSafeInteger(v) || (v as number) < 0) this.fail(field, `is ${describeValue(v)}, not a count ≥ 0`);
    return v as number;
  }
}

/** Copies `params` for JSON: `Infinity` (no limit) is written as null, which JSON keeps. */
export function paramsToJSON<T extends object>(params: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v === Infinity ? null : isPlainObject(v) ? { ...v } : v;
  return out;
}

/** Reads saved params through the class's own option checks, reporting failures as `E_MODEL_JSON`. */
export function paramsFromJSON<T>(reader: JsonReader, v: unknown, make: (params: Record<string, unknown>) => T): T {
  const params = reader.object(v, 'params');
  try {
    return make(params);
  } catch (e) {
    if (e instanceof OptionsError) reader.fail(`params.${e.field ?? ''}`, `is not valid (${e.message})`);
    throw e;
  }
}
