import { resolveOptions } from '@marksman/core/internal';
import { badJson, badOption, fromJsonArray, handleZeroScale, mapCells, notFitted, percentileSorted, readHeader, featureNamesJson, readMatrix, sortedColumn, toJsonArray, requireFiniteStats, fitTicker } from './matrix';
import type { MatrixInput, MatrixOutput, ScalerFitOptions } from './matrix';

/** Options of {@link robustScaler}. */
export interface RobustScalerOptions {
  /** Subtract the median (default true). */
  readonly withCentering?: boolean;
  /** Divide by the inter-quantile range (default true). */
  readonly withScaling?: boolean;
  /** Percentiles of the range, 0 ≤ low < high ≤ 100. Default `[25, 75]` (the IQR). */
  readonly quantileRange?: readonly [number, number];
}

/** The serialised form of a {@link RobustScaler} (`NaN` written as `null`). */
export interface RobustScalerJSON {
  /** Always `'RobustScaler'`. */
  readonly type: 'RobustScaler';
  /** Format version, 1. */
  readonly version: 1;
  /** Whether the median is subtracted. */
  readonly withCentering: boolean;
  /** Whether values are divided by the range. */
  readonly withScaling: boolean;
  /** Percentiles of the range. */
  readonly quantileRange: [number, number];
  /** Number of features fitted. */
  readonly nFeatures: number;
  /** Feature names, present when fitted on records or columns (transforms then match named input by name). */
  readonly featureNames?: string[];
  /** Per-feature median. */
  readonly center: (number | null)[];
  /** Per-feature divisor (inter-quantile range, 1 when it is zero or without scaling). */
  readonly scale: (number | null)[];
}

const DEFAULTS: Readonly<{ withCentering: boolean; withScaling: boolean; quantileRange: readonly [number, number] }> = Object.freeze({
  withCentering: true,
  withScaling: true,
  quantileRange: Object.freeze([25, 75]) as readonly [number, number],
});

interface Params {
  /** Feature names when fitted on records or columns, else null. */
  readonly names: readonly string[] | null;
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

/**
 * Robust scaling (x − median) / IQR per feature, as scikit-learn's
 * `RobustScaler`: percentiles by linear interpolation (numpy's default), a
 * zero range gets scale 1. **NaN**: ignored in fit, kept in transform and
 * inverse. Create with {@link robustScaler}.
 *
 * @example
 * ```ts
 * import { robustScaler } from '@marksman/profiling';
 * const s = robustScaler().fit([[1], [2], [3], [4], [100]]);
 * s.transform([[3], [5]]); // => [[0], [1]]
 * ```
 */
export class RobustScaler {
  readonly #opts: { withCentering: boolean; withScaling: boolean; quantileRange: readonly [number, number] };
  readonly #p: Params | null;

  /** @internal Use {@link robustScaler}. */
  constructor(opts: { withCentering: boolean; withScaling: boolean; quantileRange: readonly [number, number] }, params: Params | null = null) {
    this.#opts = opts;
    this.#p = params;
  }

  /** Whether the scaler has been fitted. */
  get fitted(): boolean {
    return this.#p !== null;
  }

  /** Number of features fitted (0 before fitting). */
  get nFeatures(): number {
    return this.#p === null ? 0 : this.#p.center.length;
  }

  /**
   * Learns median and inter-quantile range per feature. O(n log n · d).
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
  fit(X: MatrixInput, options?: ScalerFitOptions): RobustScaler {
    const tick = fitTicker('RobustScaler.fit', options);
    const m = readMatrix('RobustScaler.fit', X, null, false, tick);
    const center = new Float64Array(m.d);
    const scale = new Float64Array(m.d);
    const [qlo, qhi] = this.#opts.quantileRange;
    for (let j = 0; j < m.d; j++) {
      const s = sortedColumn(m, j);
      center[j] = this.#opts.withCentering ? percentileSorted(s, 50) : 0;
      const range = percentileSorted(s, qhi) - percentileSorted(s, qlo);
      scale[j] = this.#opts.withScaling ? (Number.isNaN(range) ? NaN : handleZeroScale(range)) : 1;
      if (tick !== null) tick('statistics', j + 1, m.d);
    }
    requireFiniteStats('RobustScaler.fit', { center, scale });
    return new RobustScaler(this.#opts, { center, scale, names: m.names });
  }

  /** `fit(X, options)` then `transform(X)`. */
  fitTransform<X extends MatrixInput>(X: X, options?: ScalerFitOptions): MatrixOutput<X> {
    return this.fit(X, options).transform(X);
  }

  /**
   * Scales rows. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  transform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('RobustScaler.transform');
    const m = readMatrix('RobustScaler.transform', X, { d: p.center.length, names: p.names }, true);
    return mapCells<X>('RobustScaler.transform', m, (x, j) => (x - (p.center[j] as number)) / (p.scale[j] as number));
  }

  /**
   * Undoes {@link RobustScaler.transform}: x = y · scale + center. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  inverseTransform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('RobustScaler.inverseTransform');
    const m = readMatrix('RobustScaler.inverseTransform', X, { d: p.center.length, names: p.names }, true);
    return mapCells<X>('RobustScaler.inverseTransform', m, (y, j) => y * (p.scale[j] as number) + (p.center[j] as number));
  }

  /**
   * The fitted scaler as plain JSON.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): RobustScalerJSON {
    const p = this.#need('RobustScaler.toJSON');
    return {
      type: 'RobustScaler',
      version: 1,
      withCentering: this.#opts.withCentering,
      withScaling: this.#opts.withScaling,
      quantileRange: [this.#opts.quantileRange[0], this.#opts.quantileRange[1]],
      nFeatures: p.center.length,
      center: toJsonArray(p.center),
      scale: toJsonArray(p.scale),
      ...featureNamesJson(p.names),
    };
  }

  /**
   * A fitted scaler from {@link RobustScaler.toJSON} output.
   *
   * @throws `ValidationError` `E_JSON` (also for unknown fields and infinite, out-of-range or
   *   non-integer statistics)
   */
  static fromJSON(json: RobustScalerJSON): RobustScaler {
    const source = 'RobustScaler.fromJSON';
    const { nFeatures: d, obj, names } = readHeader(source, json, 'RobustScaler', ['withCentering', 'withScaling', 'quantileRange', 'center', 'scale']);
    const r = obj.quantileRange;
    if (typeof obj.withCentering !== 'boolean' || typeof obj.withScaling !== 'boolean' || !Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !(r[0] >= 0 && r[0] < r[1] && r[1] <= 100)) {
      throw badJson(source, 'withCentering and withScaling must be booleans, quantileRange [lo, hi] with 0 ≤ lo < hi ≤ 100', typeof obj.withCentering !== 'boolean' ? 'withCentering' : typeof obj.withScaling !== 'boolean' ? 'withScaling' : 'quantileRange');
    }
    return new RobustScaler(
      { withCentering: obj.withCentering, withScaling: obj.withScaling, quantileRange: [r[0], r[1]] },
      { center: fromJsonArray(source, 'center', obj.center, d), scale: fromJsonArray(source, 'scale', obj.scale, d, 'positive'), names },
    );
  }

  #need(source: string): Params {
    if (this.#p === null) throw notFitted(source);
    return this.#p;
  }
}

/**
 * An unfitted {@link RobustScaler} (scikit-learn `RobustScaler`). O(1).
 *
 * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { robustScaler } from '@marksman/profiling';
 * robustScaler({ withCentering: false }).fitTransform([[2], [4], [6]]); // => [[1], [2], [3]]
 * ```
 */
export function robustScaler(options?: RobustScalerOptions): RobustScaler {
  const source = 'robustScaler';
  const o = resolveOptions(source, DEFAULTS, options);
  if (typeof o.withCentering !== 'boolean') throw badOption(source, 'withCentering', 'true or false');
  if (typeof o.withScaling !== 'boolean') throw badOption(source, 'withScaling', 'true or false');
  const r = o.quantileRange;
  if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !(r[0] >= 0) || !(r[0] < r[1]) || !(r[1] <= 100)) {
    throw badOption(source, 'quantileRange', 'two percentiles [low, high] with 0 ≤ low < high ≤ 100');
  }
  return new RobustScaler({ withCentering: o.withCentering, withScaling: o.withScaling, quantileRange: Object.freeze([r[0], r[1]]) as readonly [number, number] });
}
