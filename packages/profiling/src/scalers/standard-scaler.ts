import { resolveOptions } from '@marksman/core/internal';
import { badJson, badOption, fromJsonArray, mapCells, notFitted, readHeader, featureNamesJson, readMatrix, toJsonArray, requireFiniteStats, fitTicker } from './matrix';
import type { MatrixInput, MatrixOutput, ScalerFitOptions } from './matrix';

/** Options of {@link standardScaler}. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  readonly withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  readonly withStd?: boolean;
}

/** The serialised form of a {@link StandardScaler} (`NaN` written as `null`). */
export interface StandardScalerJSON {
  /** Always `'StandardScaler'`. */
  readonly type: 'StandardScaler';
  /** Format version, 1. */
  readonly version: 1;
  /** Whether the mean is subtracted. */
  readonly withMean: boolean;
  /** Whether values are divided by the standard deviation. */
  readonly withStd: boolean;
  /** Number of features fitted. */
  readonly nFeatures: number;
  /** Feature names, present when fitted on records or columns (transforms then match named input by name). */
  readonly featureNames?: string[];
  /** Per-feature mean. */
  readonly mean: (number | null)[];
  /** Per-feature population variance (ddof 0). */
  readonly variance: (number | null)[];
  /** Per-feature divisor (standard deviation, 1 for a constant feature or without `withStd`). */
  readonly scale: (number | null)[];
  /** Per-feature number of non-NaN values seen in fit. */
  readonly counts: number[];
}

const DEFAULTS: Readonly<Required<StandardScalerOptions>> = Object.freeze({ withMean: true, withStd: true });

interface Params {
  /** Feature names when fitted on records or columns, else null. */
  readonly names: readonly string[] | null;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly scale: Float64Array;
  readonly counts: Float64Array;
}

/**
 * Standardisation z = (x − mean) / std per feature, as scikit-learn's
 * `StandardScaler`: population standard deviation (ddof 0), a constant
 * feature gets scale 1. **NaN**: ignored when fitting (statistics over the
 * non-NaN values of each feature), kept as NaN by transform and inverse; a
 * feature with no values at all fits to NaN and transforms to NaN. ±Infinity
 * is refused. Immutable: `fit` returns a new, fitted scaler. Create with
 * {@link standardScaler}.
 *
 * @example
 * ```ts
 * import { standardScaler } from '@marksman/profiling';
 * const s = standardScaler().fit([[1, 10], [3, 10], [5, NaN]]);
 * s.transform([[3, 10], [5, NaN]]); // => [[0, 0], [1.2247, NaN]]
 * s.inverseTransform([[1.224744871391589, 0]]); // => [[5, 10]]
 * // Records and columns work too, matched by feature name; results come back in the layout given.
 * const named = standardScaler().fit([{ recency: 1, spend: 10 }, { recency: 3, spend: 30 }]);
 * named.transform([{ spend: 20, recency: 3 }]); // => [{ recency: 1, spend: 0 }]
 * Array.from(named.transform({ recency: [1, 3], spend: [10, 30] }).spend); // => [-1, 1]
 * named.transform([{ recency: 1 }]); // throws E_LAYOUT
 * ```
 */
export class StandardScaler {
  readonly #opts: Required<StandardScalerOptions>;
  readonly #p: Params | null;

  /** @internal Use {@link standardScaler}. */
  constructor(options: Required<StandardScalerOptions>, params: Params | null = null) {
    this.#opts = options;
    this.#p = params;
  }

  /** Whether the scaler has been fitted. */
  get fitted(): boolean {
    return this.#p !== null;
  }

  /** Number of features fitted (0 before fitting). */
  get nFeatures(): number {
    return this.#p === null ? 0 : this.#p.mean.length;
  }

  /**
   * Learns mean and standard deviation per feature. O(n·d).
   *
   * @param X - rows (an array of arrays, one per customer, all of one width), records (an array of objects with the
   *   same named numeric fields, one per customer) or columns (an object with one equal-length array per named
   *   feature), or an Apache Arrow table read as columns (numeric columns only; transforms of it return columns);
   *   NaN marks a missing value (an Arrow null is refused as `null` is). Named input (records, columns, Arrow)
   *   fixes the feature names and order
   * @param options - `onProgress` (phases `'read'` and `'statistics'`) and `signal`, for large inputs
   * @returns a new, fitted scaler
   * @throws `ValidationError` `E_EMPTY`, `E_SHAPE`, `E_NUMBER`, `E_INPUT`, `E_ARROW_TYPE` (an Arrow column that is not numeric), `E_LAYOUT` (a layout mixed within X), `E_OVERFLOW` (a statistic overflows)
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE` (onProgress, signal); `AbortError` `E_ABORTED` when `signal` is aborted
   */
  fit(X: MatrixInput, options?: ScalerFitOptions): StandardScaler {
    const tick = fitTicker('StandardScaler.fit', options);
    const m = readMatrix('StandardScaler.fit', X, null, false, tick);
    const { n, d, data } = m;
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    const scale = new Float64Array(d);
    const counts = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const x = data[i * d + j] as number;
        if (!Number.isNaN(x)) {
          s += x;
          c++;
        }
      }
      const mu = c === 0 ? NaN : s / c;
      // Two-pass variance with the correction term (as scikit-learn).
      let sq = 0;
      let corr = 0;
      for (let i = 0; i < n; i++) {
        const x = data[i * d + j] as number;
        if (!Number.isNaN(x)) {
          sq += (x - mu) * (x - mu);
          corr += x - mu;
        }
      }
      const v = c === 0 ? NaN : (sq - (corr * corr) / c) / c;
      mean[j] = mu;
      variance[j] = v;
      counts[j] = c;
      // A feature is constant when its variance is within rounding of zero.
      const bound = c * Number.EPSILON * v + (c * mu * Number.EPSILON) ** 2;
      scale[j] = !this.#opts.withStd ? 1 : v <= bound ? 1 : Math.sqrt(v);
      if (tick !== null) tick('statistics', j + 1, d);
    }
    requireFiniteStats('StandardScaler.fit', { mean, variance, scale });
    return new StandardScaler(this.#opts, { mean, variance, scale, counts, names: m.names });
  }

  /** `fit(X, options)` then `transform(X)` on the fitted scaler. O(n·d). */
  fitTransform<X extends MatrixInput>(X: X, options?: ScalerFitOptions): MatrixOutput<X> {
    return this.fit(X, options).transform(X);
  }

  /**
   * Standardises rows. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  transform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('StandardScaler.transform');
    const m = readMatrix('StandardScaler.transform', X, { d: p.mean.length, names: p.names }, true);
    const useMean = this.#opts.withMean;
    return mapCells<X>('StandardScaler.transform', m, (x, j) => ((useMean ? x - (p.mean[j] as number) : x) / (p.scale[j] as number)));
  }

  /**
   * Undoes {@link StandardScaler.transform}: x = z · scale + mean. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  inverseTransform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('StandardScaler.inverseTransform');
    const m = readMatrix('StandardScaler.inverseTransform', X, { d: p.mean.length, names: p.names }, true);
    const useMean = this.#opts.withMean;
    return mapCells<X>('StandardScaler.inverseTransform', m, (z, j) => z * (p.scale[j] as number) + (useMean ? (p.mean[j] as number) : 0));
  }

  /**
   * The fitted scaler as plain JSON.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): StandardScalerJSON {
    const p = this.#need('StandardScaler.toJSON');
    return {
      type: 'StandardScaler',
      version: 1,
      withMean: this.#opts.withMean,
      withStd: this.#opts.withStd,
      nFeatures: p.mean.length,
      mean: toJsonArray(p.mean),
      variance: toJsonArray(p.variance),
      scale: toJsonArray(p.scale),
      counts: Array.from(p.counts),
      ...featureNamesJson(p.names),
    };
  }

  /**
   * A fitted scaler from {@link StandardScaler.toJSON} output (exact round trip).
   *
   * @throws `ValidationError` `E_JSON` for anything else (also for unknown fields and infinite, out-of-range or
   *   non-integer statistics)
   */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const source = 'StandardScaler.fromJSON';
    const { nFeatures: d, obj, names } = readHeader(source, json, 'StandardScaler', ['withMean', 'withStd', 'mean', 'variance', 'scale', 'counts']);
    if (typeof obj.withMean !== 'boolean' || typeof obj.withStd !== 'boolean') throw badJson(source, 'withMean and withStd must be booleans', typeof obj.withMean !== 'boolean' ? 'withMean' : 'withStd');
    return new StandardScaler(
      { withMean: obj.withMean, withStd: obj.withStd },
      {
        mean: fromJsonArray(source, 'mean', obj.mean, d),
        variance: fromJsonArray(source, 'variance', obj.variance, d, 0),
        scale: fromJsonArray(source, 'scale', obj.scale, d, 'positive'),
        counts: fromJsonArray(source, 'counts', obj.counts, d, 0, true),
        names,
      },
    );
  }

  #need(source: string): Params {
    if (this.#p === null) throw notFitted(source);
    return this.#p;
  }
}

/**
 * An unfitted {@link StandardScaler} (scikit-learn `StandardScaler`). O(1).
 *
 * @param options - `withMean`, `withStd` (both default true)
 * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { standardScaler } from '@marksman/profiling';
 * standardScaler().fitTransform([[0], [2]]); // => [[-1], [1]]
 * ```
 */
export function standardScaler(options?: StandardScalerOptions): StandardScaler {
  const o = resolveOptions('standardScaler', DEFAULTS, options);
  if (typeof o.withMean !== 'boolean') throw badOption('standardScaler', 'withMean', 'true or false');
  if (typeof o.withStd !== 'boolean') throw badOption('standardScaler', 'withStd', 'true or false');
  return new StandardScaler(o);
}
