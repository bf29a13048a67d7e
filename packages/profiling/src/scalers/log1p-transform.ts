import { ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { featureNamesJson, fitTicker, mapCells, notFitted, readHeader, readMatrix } from './matrix';
import type { Dense, MatrixInput, MatrixOutput, ScalerFitOptions } from './matrix';

/** Options of {@link log1pTransform} (none yet; kept for symmetry with the scalers). */
export type Log1pTransformOptions = Record<string, never>;

/** The serialised form of a {@link Log1pTransform}. */
export interface Log1pTransformJSON {
  /** Always `'Log1pTransform'`. */
  readonly type: 'Log1pTransform';
  /** Format version, 1. */
  readonly version: 1;
  /** Number of features fitted. */
  readonly nFeatures: number;
  /** Feature names, present when fitted on records or columns (transforms then match named input by name). */
  readonly featureNames?: string[];
}

function checkDomain(source: string, m: Dense): void {
  for (let i = 0; i < m.data.length; i++) {
    const x = m.data[i] as number;
    if (x <= -1) {
      const row = Math.floor(i / m.d);
      const feature = m.names === null ? String(i % m.d) : m.names[i % m.d]!;
      throw new ValidationError('E_DOMAIN', `${source}: row ${row}, feature ${feature}: log1p needs values > −1, got ${x}; shift or clip the feature first.`, { source, row, field: feature });
    }
  }
}

/**
 * y = ln(1 + x) per value (numpy `log1p`), for skewed counts and amounts;
 * inverse x = e^y − 1 (`expm1`). It learns nothing but the number of
 * features, which later calls must match. **NaN** stays NaN; values ≤ −1
 * are refused (`E_DOMAIN`). Create with {@link log1pTransform}.
 *
 * @example
 * ```ts
 * import { log1pTransform } from '@marksman/profiling';
 * const t = log1pTransform().fit([[0, 9]]);
 * t.transform([[0, 9]]); // => [[0, 2.302585]]
 * t.inverseTransform([[Math.log(10), NaN]]); // => [[9, NaN]]
 * ```
 */
export class Log1pTransform {
  readonly #d: number;
  readonly #names: readonly string[] | null;

  /** @internal Use {@link log1pTransform}. */
  constructor(nFeatures = 0, names: readonly string[] | null = null) {
    this.#d = nFeatures;
    this.#names = names;
  }

  /** Whether it has been fitted. */
  get fitted(): boolean {
    return this.#d > 0;
  }

  /** Number of features fitted (0 before fitting). */
  get nFeatures(): number {
    return this.#d;
  }

  /**
   * Records the number of features and checks the domain. O(n·d).
   *
   * @param X - rows (an array of arrays, one per customer, all of one width), records (an array of objects with the
   *   same named numeric fields, one per customer) or columns (an object with one equal-length array per named
   *   feature), or an Apache Arrow table read as columns (numeric columns only; transforms of it return columns);
   *   NaN marks a missing value (an Arrow null is refused as `null` is). Named input (records, columns, Arrow)
   *   fixes the feature names and order
   * @param options - `onProgress` (phase `'read'`) and `signal`, for large inputs
   * @throws `ValidationError` `E_EMPTY`, `E_SHAPE`, `E_NUMBER`, `E_DOMAIN`, `E_INPUT`, `E_ARROW_TYPE` (an Arrow column that is not numeric), `E_LAYOUT` (a layout mixed within X)
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE` (onProgress, signal); `AbortError` `E_ABORTED` when `signal` is aborted
   */
  fit(X: MatrixInput, options?: ScalerFitOptions): Log1pTransform {
    const tick = fitTicker('Log1pTransform.fit', options);
    const m = readMatrix('Log1pTransform.fit', X, null, false, tick);
    checkDomain('Log1pTransform.fit', m);
    return new Log1pTransform(m.d, m.names);
  }

  /** `fit(X, options)` then `transform(X)`. */
  fitTransform<X extends MatrixInput>(X: X, options?: ScalerFitOptions): MatrixOutput<X> {
    return this.fit(X, options).transform(X);
  }

  /**
   * ln(1 + x) per value. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_DOMAIN`, `E_OVERFLOW` (a result overflows)
   */
  transform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    if (this.#d === 0) throw notFitted('Log1pTransform.transform');
    const m = readMatrix('Log1pTransform.transform', X, { d: this.#d, names: this.#names }, true);
    checkDomain('Log1pTransform.transform', m);
    return mapCells<X>('Log1pTransform.transform', m, (x) => Math.log1p(x));
  }

  /**
   * e^y − 1 per value. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  inverseTransform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    if (this.#d === 0) throw notFitted('Log1pTransform.inverseTransform');
    const m = readMatrix('Log1pTransform.inverseTransform', X, { d: this.#d, names: this.#names }, true);
    return mapCells<X>('Log1pTransform.inverseTransform', m, (y) => Math.expm1(y));
  }

  /**
   * As plain JSON.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): Log1pTransformJSON {
    if (this.#d === 0) throw notFitted('Log1pTransform.toJSON');
    return { type: 'Log1pTransform', version: 1, nFeatures: this.#d, ...featureNamesJson(this.#names) };
  }

  /**
   * From {@link Log1pTransform.toJSON} output.
   *
   * @throws `ValidationError` `E_JSON` (also for unknown fields)
   */
  static fromJSON(json: Log1pTransformJSON): Log1pTransform {
    const h = readHeader('Log1pTransform.fromJSON', json, 'Log1pTransform', []);
    return new Log1pTransform(h.nFeatures, h.names);
  }
}

/**
 * An unfitted {@link Log1pTransform}. O(1).
 *
 * @throws `OptionsError` `E_OPTION_UNKNOWN` for any option
 * @example
 * ```ts
 * import { log1pTransform } from '@marksman/profiling';
 * log1pTransform().fitTransform([[Math.E - 1]]); // => [[1]]
 * ```
 */
export function log1pTransform(options?: Log1pTransformOptions): Log1pTransform {
  resolveOptions('log1pTransform', {}, options);
  return new Log1pTransform();
}
