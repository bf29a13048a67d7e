import { resolveOptions } from '@marksman/core/internal';
import { ValidationError } from '@marksman/core';
import { badJson, badOption, fromJsonArray, mapCells, notFitted, percentileSorted, readHeader, featureNamesJson, readMatrix, sortedColumn, toJsonArray, fitTicker } from './matrix';
import type { MatrixInput, MatrixOutput, ScalerFitOptions } from './matrix';

/** Options of {@link quantileRank}. */
export interface QuantileRankOptions {
  /** Number of landmark quantiles (at most the number of rows is used). Default 1000, as scikit-learn. */
  readonly nQuantiles?: number;
}

/** The serialised form of a {@link QuantileRank}. */
export interface QuantileRankJSON {
  /** Always `'QuantileRank'`. */
  readonly type: 'QuantileRank';
  /** Format version, 1. */
  readonly version: 1;
  /** Number of features fitted. */
  readonly nFeatures: number;
  /** Feature names, present when fitted on records or columns (transforms then match named input by name). */
  readonly featureNames?: string[];
  /** The landmark levels, 0 … 1 evenly spaced. */
  readonly references: number[];
  /** Per feature, the value at each landmark level (`null` for a feature with no values). */
  readonly quantiles: (number | null)[][];
}

const DEFAULTS: Readonly<Required<QuantileRankOptions>> = Object.freeze({ nQuantiles: 1000 });

/** np.interp(x, xp, fp) for increasing xp: picks the last j with xp[j] ≤ x (ties resolve upward). */
function interpUp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const m = xp.length;
  if (x >= (xp[m - 1] as number)) return fp[m - 1] as number;
  if (x < (xp[0] as number)) return fp[0] as number;
  let lo = 0;
  let hi = m - 1; // xp[lo] ≤ x < xp[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xp[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  const slope = ((fp[hi] as number) - (fp[lo] as number)) / ((xp[hi] as number) - (xp[lo] as number));
  return slope * (x - (xp[lo] as number)) + (fp[lo] as number);
}

/** np.interp(x, xp, fp) with ties resolved downward: −interp(−x, −xp reversed, −fp reversed). */
function interpDown(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const m = xp.length;
  const nx = new Float64Array(m);
  const nf = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    nx[i] = -(xp[m - 1 - i] as number);
    nf[i] = -(fp[m - 1 - i] as number);
  }
  return -interpUp(-x, nx, nf);
}

interface Params {
  /** Feature names when fitted on records or columns, else null. */
  readonly names: readonly string[] | null;
  readonly references: Float64Array;
  readonly quantiles: Float64Array[];
}

/**
 * Maps each value to its quantile level in [0, 1] within the fitted data,
 * as scikit-learn's `QuantileTransformer(output_distribution='uniform')`:
 * fit stores `m = min(nQuantiles, rows)` landmark values per feature (the
 * percentiles at levels 0, 1/(m−1), …, 1, linear interpolation, made
 * non-decreasing); transform interpolates linearly between landmarks,
 * averaging the upward and downward interpolations so that tied landmarks
 * map to the middle of their levels; values outside the fitted range map to
 * 0 or 1 (a constant feature maps to 0). With m = rows and distinct values, the i-th smallest training
 * value maps to i/(rows−1) (its rank scaled to [0, 1]). inverseTransform
 * interpolates back (exact inside the fitted range; levels outside [0, 1]
 * map to the extremes). **NaN**: ignored in fit, kept in transform and
 * inverse. Create with {@link quantileRank}.
 *
 * @example
 * ```ts
 * import { quantileRank } from '@marksman/profiling';
 * const q = quantileRank().fit([[10], [20], [30], [40], [50]]);
 * q.transform([[10], [25], [50], [99]]); // => [[0], [0.375], [1], [1]]
 * q.inverseTransform([[0.5]]); // => [[30]]
 * ```
 */
export class QuantileRank {
  readonly #nQuantiles: number;
  readonly #p: Params | null;

  /** @internal Use {@link quantileRank}. */
  constructor(nQuantiles: number, params: Params | null = null) {
    this.#nQuantiles = nQuantiles;
    this.#p = params;
  }

  /** Whether it has been fitted. */
  get fitted(): boolean {
    return this.#p !== null;
  }

  /** Number of features fitted (0 before fitting). */
  get nFeatures(): number {
    return this.#p === null ? 0 : this.#p.quantiles.length;
  }

  /**
   * Learns the landmark quantiles per feature. O(n log n · d).
   *
   * @param X - rows (an array of arrays, one per customer, all of one width), records (an array of objects with the
   *   same named numeric fields, one per customer) or columns (an object with one equal-length array per named
   *   feature), or an Apache Arrow table read as columns (numeric columns only; transforms of it return columns);
   *   NaN marks a missing value (an Arrow null is refused as `null` is). Named input (records, columns, Arrow)
   *   fixes the feature names and order
   * @param options - `onProgress` (phases `'read'` and `'statistics'`) and `signal`, for large inputs
   * @returns a new, fitted transform
   * @throws `ValidationError` `E_EMPTY`, `E_SHAPE`, `E_NUMBER`, `E_INPUT`, `E_ARROW_TYPE` (an Arrow column that is not numeric), `E_LAYOUT` (a layout mixed within X), `E_OVERFLOW` (a statistic overflows)
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE` (onProgress, signal); `AbortError` `E_ABORTED` when `signal` is aborted
   */
  fit(X: MatrixInput, options?: ScalerFitOptions): QuantileRank {
    const tick = fitTicker('QuantileRank.fit', options);
    const m = readMatrix('QuantileRank.fit', X, null, false, tick);
    const k = Math.max(1, Math.min(this.#nQuantiles, m.n));
    const references = new Float64Array(k);
    for (let i = 0; i < k; i++) references[i] = k === 1 ? 0 : i === k - 1 ? 1 : i * (1 / (k - 1));
    const quantiles: Float64Array[] = [];
    for (let j = 0; j < m.d; j++) {
      const s = sortedColumn(m, j);
      const q = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        q[i] = percentileSorted(s, (references[i] as number) * 100);
        if (i > 0 && (q[i] as number) < (q[i - 1] as number)) q[i] = q[i - 1] as number; // non-decreasing
      }
      quantiles.push(q);
      if (tick !== null) tick('statistics', j + 1, m.d);
      if (s.length > 0 && !Number.isFinite((q[k - 1] as number) - (q[0] as number))) {
        throw new ValidationError('E_OVERFLOW', `QuantileRank.fit: the range of feature ${j} overflows; values near 1e308 cannot be ranked by interpolation.`, {
          source: 'QuantileRank.fit',
          field: String(j),
        });
      }
    }
    return new QuantileRank(this.#nQuantiles, { references, quantiles, names: m.names });
  }

  /** `fit(X, options)` then `transform(X)`. */
  fitTransform<X extends MatrixInput>(X: X, options?: ScalerFitOptions): MatrixOutput<X> {
    return this.fit(X, options).transform(X);
  }

  /**
   * Quantile levels of the rows' values. O(n·d·log m).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  transform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('QuantileRank.transform');
    const m = readMatrix('QuantileRank.transform', X, { d: p.quantiles.length, names: p.names }, true);
    const refs = p.references;
    return mapCells<X>('QuantileRank.transform', m, (x, j) => {
      const q = p.quantiles[j] as Float64Array;
      const k = q.length;
      if (Number.isNaN(q[0])) return NaN;
      // As scikit-learn: the lower bound wins when both apply (a constant feature maps to 0).
      if (x === q[0]) return 0;
      if (x === q[k - 1]) return 1;
      const y = 0.5 * (interpUp(x, q, refs) + interpDown(x, q, refs));
      return Math.min(1, Math.max(0, y));
    });
  }

  /**
   * Values at the given quantile levels. O(n·d·log m).
   *
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_SHAPE`, `E_NUMBER`, `E_LAYOUT` (named input whose names differ from the fit's, or
   *   named input to a scaler fitted on rows), `E_OVERFLOW` (a result overflows)
   */
  inverseTransform<X extends MatrixInput>(X: X): MatrixOutput<X> {
    const p = this.#need('QuantileRank.inverseTransform');
    const m = readMatrix('QuantileRank.inverseTransform', X, { d: p.quantiles.length, names: p.names }, true);
    const refs = p.references;
    return mapCells<X>('QuantileRank.inverseTransform', m, (y, j) => {
      const q = p.quantiles[j] as Float64Array;
      if (y - 1e-7 < 0) return q[0] as number;
      if (y + 1e-7 > 1) return q[q.length - 1] as number;
      return interpUp(y, refs, q);
    });
  }

  /**
   * The fitted transform as plain JSON.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): QuantileRankJSON {
    const p = this.#need('QuantileRank.toJSON');
    return { type: 'QuantileRank', version: 1, nFeatures: p.quantiles.length, references: Array.from(p.references), quantiles: p.quantiles.map(toJsonArray), ...featureNamesJson(p.names) };
  }

  /**
   * A fitted transform from {@link QuantileRank.toJSON} output.
   *
   * @throws `ValidationError` `E_JSON` (also for unknown fields and infinite, out-of-range or
   *   non-integer statistics)
   */
  static fromJSON(json: QuantileRankJSON): QuantileRank {
    const source = 'QuantileRank.fromJSON';
    const { nFeatures: d, obj, names } = readHeader(source, json, 'QuantileRank', ['references', 'quantiles']);
    const refsIn = obj.references;
    if (!Array.isArray(refsIn) || refsIn.length < 1) throw badJson(source, 'references must be a non-empty array', 'references');
    const references = fromJsonArray(source, 'references', refsIn, refsIn.length, 0);
    for (let i = 0; i < references.length; i++) {
      const v = references[i] as number;
      if (!(v <= 1) || (i > 0 && !(v > (references[i - 1] as number)))) throw badJson(source, 'references must increase strictly within [0, 1]', `references[${i}]`);
    }
    const qs = obj.quantiles;
    if (!Array.isArray(qs) || qs.length !== d) throw badJson(source, `quantiles must hold ${d} arrays`, 'quantiles');
    const quantiles = qs.map((q) => fromJsonArray(source, 'quantiles', q, references.length));
    for (const q of quantiles) {
      for (let i = 1; i < q.length; i++) if ((q[i] as number) < (q[i - 1] as number)) throw badJson(source, 'each feature\'s quantiles must be non-decreasing', 'quantiles');
    }
    return new QuantileRank(references.length, { references, quantiles, names });
  }

  #need(source: string): Params {
    if (this.#p === null) throw notFitted(source);
    return this.#p;
  }
}

/**
 * An unfitted {@link QuantileRank} (scikit-learn `QuantileTransformer`, uniform output). O(1).
 *
 * @throws `OptionsError` `E_OPTION_RANGE` (nQuantiles not an integer ≥ 2), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { quantileRank } from '@marksman/profiling';
 * quantileRank().fitTransform([[3], [1], [2]]); // => [[1], [0], [0.5]]
 * ```
 */
export function quantileRank(options?: QuantileRankOptions): QuantileRank {
  const o = resolveOptions('quantileRank', DEFAULTS, options);
  if (typeof o.nQuantiles !== 'number' || !Number.isInteger(o.nQuantiles) || o.nQuantiles < 2) throw badOption('quantileRank', 'nQuantiles', 'an integer ≥ 2');
  return new QuantileRank(o.nQuantiles);
}
