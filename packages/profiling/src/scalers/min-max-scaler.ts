import { resolveOptions } from '@marksman/core/internal';
import { badJson, badOption, fromJsonArray, handleZeroScale, mapCells, notFitted, readHeader, featureNamesJson, readMatrix, toJsonArray, requireFiniteStats, fitTicker } from './matrix';
import type { MatrixInput, MatrixOutput, ScalerFitOptions } from './matrix';

/** Options of {@link minMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target range `[min, max]`, min < max. Default `[0, 1]`. */
  readonly featureRange?: readonly [number, number];
  /** Clip transformed values to the range (values outside the fitted data). Default false. */
  readonly clip?: boolean;
}

/** The serialised form of a {@link MinMaxScaler} (`NaN` written as `null`). */
export interface MinMaxScalerJSON {
  /** Always `'MinMaxScaler'`. */
  readonly type: 'MinMaxScaler';
  /** Format version, 1. */
  readonly version: 1;
  /** Target range. */
  readonly featureRange: [number, number];
  /** Whether transformed values are clipped. */
  readonly clip: boolean;
  /** Number of features fitted. */
  readonly nFeatures: number;
  /** Feature names, present when fitted on records or columns (transforms then match named input by name). */
  readonly featureNames?: string[];
  /** Per-feature minimum seen in fit. */
  readonly dataMin: (number | null)[];
  /** Per-feature maximum seen in fit. */
  readonly dataMax: (number | null)[];
  /** Per-feature multiplier (scikit-learn `scale_`). */
  readonly scale: (number | null)[];
  /** Per-feature offset added after scaling (scikit-learn `min_`). */
  readonly offset: (number | null)[];
}

const DEFAULTS: Readonly<{ featureRange: readonly [number, number]; clip: boolean }> = Object.freeze({ featureRange: Object.freeze([0, 1]) as readonly [number, number], clip: false });

interface Params {
  /** Feature names when fitted on records or columns, else null. */
  readonly names: readonly string[] | null;
  readonly dataMin: Float64Array;
  readonly dataMax: Float64Array;
  readonly scale: Float64Array;
  readonly offset: Float64Array;
}

/**
 * Scales each feature linearly so the fitted minimum and maximum map to
 * `featureRange`, as scikit-learn's `MinMaxScaler`: y = x · scale + offset
 * with scale = (max_r − min_r) / (max − min) (a constant feature gets scale
 * 1 over the range width, i.e. range 1) and offset = min_r − min · scale.
 * **NaN**: ignored in fit, kept in transform and inverse. Create with
 * {@link minMaxScaler}.
 *
 * @example
 * ```ts
 * import { minMaxScaler } from '@marksman/profiling';
 * const s = minMaxScaler().fit([[1], [5], [NaN]]);
 * s.transform([[2], [9]]); // => [[0.25], [2]]
 * s.inverseTransform([[0.5]]); // => [[3]]
 * ```
 */
export class MinMaxScaler {
  readonly #range: readonly [number, number];
  readonly #clip: boolean;
  readonly #p: Params | null;

  /** @internal Use {@link minMaxScaler}. */
  constructor(range: readonly [number, number], clip: boolean, params: Params | null = null) {
    this.#range = range;
    this.#clip = clip;
    this.#p = params;
  }

  /** Whether the scaler has been fitted. */
  get fitted(): boolean {
    return this.#p !== null;
  }

  /** Number of features fitted (0 before fitting). */
  get nFeatures(): number {
    return this.#p === null ? 0 : this.#p.scale.length;
  }

  /**
   * Learns minimum and maximum per feature. O(n·d).
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
  fit(X: MatrixInput, options?: ScalerFitOptions): MinMaxScaler {
    const tick = fitTicker('MinMaxScaler.fit', options);
    const m = readMatrix('MinMaxScaler.fit', X, null, false, tick);
    const { n, d, data } = m;
    const dataMin = new Float64Array(d).fill(NaN);
    const dataMax = new Float64Array(d).fill(NaN);
    for (let i = 0; i < n; i++) {
      if (tick !== null && i > 0 && i % 65_536 === 0) tick('statistics', i, n);
      for (let j = 0; j < d; j++) {
        const x = data[i * d + j] as number;
        if (Number.isNaN(x)) continue;
        if (!(x >= (dataMin[j] as number))) dataMin[j] = x;
        if (!(x <= (dataMax[j] as number))) dataMax[j] = x;
      }
    }
    if (tick !== null) tick('statistics', n, n);
    const [lo, hi] = this.#range;
    const scale = new Float64Array(d);
    const offset = new Float64Array(d);
    const range = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const width = (dataMax[j] as number) - (dataMin[j] as number);
      range[j] = width;
      scale[j] = (hi - lo) / (Number.isNaN(width) ? NaN : handleZeroScale(width));
      offset[j] = lo - (dataMin[j] as number) * (scale[j] as number);
    }
    requireFiniteStats('MinMaxScaler.fit', { range, scale, offset });
    return new MinMaxScaler(this.#range, this.#clip, { dataMin, dataMax, scale, offset, names: m.names });
  }

  /** `fit(X, options)` then `transform(X)`. O(n·d). */
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
    const p = this.#need('MinMaxScaler.transform');
    const m = readMatrix('MinMaxScaler.transform', X, { d: p.scale.length, names: p.names }, true);
    const [lo, hi] = this.#range;
    const clip = this.#clip;
    return mapCells<X>('MinMaxScaler.transform', m, (x, j) => {
      const y = x * (p.scale[j] as number) + (p.offset[j] as number);
      return clip ? Math.min(hi, Math.max(lo, y)) : y;
    });
  }

  /**
   * Undoes {@link MinMaxScaler.transform}: x = (y − offset) / scale. O(n·d).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  inverseTransform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('MinMaxScaler.inverseTransform');
    const m = readMatrix('MinMaxScaler.inverseTransform', X, { d: p.scale.length, names: p.names }, true);
    return mapCells<X>('MinMaxScaler.inverseTransform', m, (y, j) => (y - (p.offset[j] as number)) / (p.scale[j] as number));
  }

  /**
   * The fitted scaler as plain JSON.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): MinMaxScalerJSON {
    const p = this.#need('MinMaxScaler.toJSON');
    return {
      type: 'MinMaxScaler',
      version: 1,
      featureRange: [this.#range[0], this.#range[1]],
      clip: this.#clip,
      nFeatures: p.scale.length,
      dataMin: toJsonArray(p.dataMin),
      dataMax: toJsonArray(p.dataMax),
      scale: toJsonArray(p.scale),
      offset: toJsonArray(p.offset),
      ...featureNamesJson(p.names),
    };
  }

  /**
   * A fitted scaler from {@link MinMaxScaler.toJSON} output.
   *
   * @throws `ValidationError` `E_JSON` (also for unknown fields and infinite, out-of-range or
   *   non-integer statistics)
   */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const source = 'MinMaxScaler.fromJSON';
    const { nFeatures: d, obj, names } = readHeader(source, json, 'MinMaxScaler', ['featureRange', 'clip', 'dataMin', 'dataMax', 'scale', 'offset']);
    const r = obj.featureRange;
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1]) || typeof obj.clip !== 'boolean') {
      throw badJson(source, 'featureRange must be [min, max] with finite min < max, and clip a boolean', typeof obj.clip !== 'boolean' ? 'clip' : 'featureRange');
    }
    return new MinMaxScaler([r[0], r[1]], obj.clip, {
      dataMin: fromJsonArray(source, 'dataMin', obj.dataMin, d),
      dataMax: fromJsonArray(source, 'dataMax', obj.dataMax, d),
      scale: fromJsonArray(source, 'scale', obj.scale, d, 'positive'),
      offset: fromJsonArray(source, 'offset', obj.offset, d),
      names,
    });
  }

  #need(source: string): Params {
    if (this.#p === null) throw notFitted(source);
    return this.#p;
  }
}

/**
 * An unfitted {@link MinMaxScaler} (scikit-learn `MinMaxScaler`). O(1).
 *
 * @throws `OptionsError` `E_OPTION_RANGE` (range not two finite numbers with min < max, clip not boolean), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { minMaxScaler } from '@marksman/profiling';
 * minMaxScaler({ featureRange: [-1, 1] }).fitTransform([[0], [5], [10]]); // => [[-1], [0], [1]]
 * ```
 */
export function minMaxScaler(options?: MinMaxScalerOptions): MinMaxScaler {
  const o = resolveOptions('minMaxScaler', DEFAULTS, options);
  const r = o.featureRange;
  if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !((r[0] as number) < (r[1] as number))) {
    throw badOption('minMaxScaler', 'featureRange', 'two finite numbers [min, max] with min < max');
  }
  if (typeof o.clip !== 'boolean') throw badOption('minMaxScaler', 'clip', 'true or false');
  return new MinMaxScaler(Object.freeze([r[0], r[1]]) as readonly [number, number], o.clip);
}
