import { resolveOptions } from '@marksman/core/internal';
import { JsonReader, notFitted, paramsFromJSON, paramsToJSON } from './internal/estimator';
import { readPredictFeatures } from './internal/features';
import { fitHgb } from './internal/hgb-fit';
import type { HgbSettings } from './internal/hgb-fit';
import { HGB_DEFAULTS, checkHgbOptions, gainImportances, hgbStateFromJSON, hgbTreeToJSON, rawScores } from './internal/hgb-model';
import type { HgbOptionValues, HgbState, HgbTreeJSON } from './internal/hgb-model';
import { numericThresholds } from './internal/hgb-predict';
import { readRegressionFit } from './internal/regression-input';
import type { FeatureInput, LearnerFitOptions, Regressor, TargetInput } from './types';

/** Options of {@link HistGradientBoostingRegressor} (scikit-learn's names and defaults, in camelCase). */
export interface HistGradientBoostingRegressorOptions {
  /** Shrinkage of each tree's leaf values (default 0.1; a finite number > 0). */
  readonly learningRate?: number;
  /** Boosting iterations, one tree each (1 to 10,000; default 100). */
  readonly maxIter?: number;
  /** Most leaves per tree (default 31; ≥ 2, or `null` or `Infinity` for no limit). */
  readonly maxLeafNodes?: number | null;
  /** Depth limit of each tree (default `null`: none; `Infinity` also means none). */
  readonly maxDepth?: number | null;
  /** Fewest training rows in a leaf (default 20). */
  readonly minSamplesLeaf?: number;
  /** L2 penalty λ on leaf values (default 0). */
  readonly l2Regularization?: number;
  /** Bins for the non-missing values of each feature (2 to 255; default 255). */
  readonly maxBins?: number;
  /** `'auto'` (default: on above 10,000 rows), true or false. */
  readonly earlyStopping?: 'auto' | boolean;
  /** Share of the rows held out for early stopping (default 0.1; in (0, 1)). */
  readonly validationFraction?: number;
  /** Stop when none of the last `nIterNoChange` iterations (default 10) improved the validation loss by more than `tol`. */
  readonly nIterNoChange?: number;
  /** Smallest improvement of the validation loss that counts (default 1e-7). */
  readonly tol?: number;
  /** Seed of the validation split and of the binning subsample (a safe integer; default 0). */
  readonly seed?: number;
}

/** The plain-object form of a fitted {@link HistGradientBoostingRegressor}. */
export interface HistGradientBoostingRegressorJSON {
  /** Format tag. */
  readonly type: 'marksman.HistGradientBoostingRegressor';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with. */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** The prediction before any tree (the weighted mean target). */
  readonly baseline: number;
  /** Bin edges per feature. */
  readonly binThresholds: number[][];
  /** The trees. */
  readonly trees: HgbTreeJSON[];
  /** Validation loss (half squared error) before the first tree and after each, or `null` without early stopping. */
  readonly validationLoss: number[] | null;
}

const NAME = 'HistGradientBoostingRegressor';

/**
 * Histogram gradient-boosted trees with the squared error, as
 * scikit-learn's `HistGradientBoostingRegressor` (see
 * {@link HistGradientBoostingClassifier} for the algorithm, the binning,
 * missing values, early stopping and cost): the baseline is the weighted
 * mean target and each tree fits the residuals' Newton step. Targets beyond
 * ±1e150 are refused (`E_TOO_LARGE`).
 *
 * @example
 * ```ts
 * import { HistGradientBoostingRegressor } from '@marksman/learn';
 * const X = Array.from({ length: 100 }, (_, i) => [i % 10]);
 * const y = X.map(([a]) => (a! < 5 ? 10 : 50));
 * const m = new HistGradientBoostingRegressor({ maxIter: 50 }).fit(X, y);
 * Array.from(m.predict([[1], [8]]), Math.round); // => [10, 50]
 * ```
 */
export class HistGradientBoostingRegressor implements Regressor {
  readonly #values: HgbOptionValues;
  readonly #settings: HgbSettings;
  #fitted: HgbState | null = null;

  /**
   * @param options - see {@link HistGradientBoostingRegressorOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`, `E_SEED`
   */
  constructor(options?: HistGradientBoostingRegressorOptions) {
    const o = resolveOptions(NAME, HGB_DEFAULTS, options);
    const { values, settings } = checkHgbOptions(NAME, o);
    this.#values = values;
    this.#settings = settings;
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<HistGradientBoostingRegressorOptions>> {
    return this.#values;
  }

  /**
   * Fits the trees on features `X` (NaN for missing values) and numeric
   * targets `y`. Replaces any earlier fit.
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a finite target per row
   * @param options - sample weights, feature names, `onProgress` (after each iteration), `signal`
   * @returns this regressor
   * @throws `ValidationError` `E_INPUT`, `E_EMPTY`, `E_RAGGED`, `E_SHAPE`, `E_LENGTH`, `E_NO_FEATURES`,
   *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_TOO_LARGE`, `E_WEIGHTS`, `E_TOO_FEW_ROWS`; `OptionsError`
   *   `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`; `ConvergenceError` `E_DIVERGED` (a
   *   residual times its weight past single precision, ±3.4e38, as with targets near 1e39, or a
   *   leaf value that overflows); `AbortError` `E_ABORTED`
   * @example
   * ```ts
   * import { HistGradientBoostingRegressor } from '@marksman/learn';
   * const m = new HistGradientBoostingRegressor({ maxIter: 4 }).fit({ spend: [1, 2, 3] }, [5, 7, 9]);
   * m.nIter; // => 4
   * ```
   */
  fit(X: FeatureInput, y: TargetInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    const { fo, fm, target, weight } = readRegressionFit(source, X, y, options, 'nan');
    const r = fitHgb(source, this.#settings, 'squared_error', fm.columns, fm.n, target, weight, null, 0, fo.signal, fo.onProgress);
    this.#fitted = {
      names: Object.freeze([...fm.names]),
      baseline: r.baseline,
      trees: r.trees,
      binThresholds: r.binThresholds,
      thresholds: r.trees.map((t) => numericThresholds(t, r.binThresholds)),
      validationLoss: r.validationLoss,
    };
    return this;
  }

  #state(source: string): HgbState {
    if (this.#fitted === null) throw notFitted(source, NAME);
    return this.#fitted;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /** Boosting iterations run (scikit-learn's `n_iter_`). */
  get nIter(): number {
    return this.#state(`${NAME}.nIter`).trees.length;
  }

  /** Validation loss before the first tree and after each (a copy), or `null` when the fit held no rows out. */
  get validationLoss(): Float64Array | null {
    return this.#state(`${NAME}.validationLoss`).validationLoss?.slice() ?? null;
  }

  /** Total split gain per feature over all trees, normalised to sum 1. */
  get featureImportances(): Float64Array {
    return gainImportances(this.#state(`${NAME}.featureImportances`));
  }

  /**
   * The predicted target per row: the baseline plus every tree's leaf
   * value. O(n · trees · depth).
   *
   * @param X - features with every feature of the model (NaN for missing values)
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { HistGradientBoostingRegressor } from '@marksman/learn';
   * const m = new HistGradientBoostingRegressor({ maxIter: 3 }).fit([[0], [1], [2]], [3, 3, 6]);
   * m.predict([[7]])[0]; // => 4 (fewer than 40 rows: every tree is one leaf, the mean)
   * ```
   */
  predict(X: FeatureInput): Float64Array {
    const source = `${NAME}.predict`;
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'nan');
    return rawScores(f, fm.columns, fm.n);
  }

  /**
   * A plain object that {@link HistGradientBoostingRegressor.fromJSON} turns
   * back into an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { HistGradientBoostingRegressor } from '@marksman/learn';
   * const m = new HistGradientBoostingRegressor({ maxIter: 2 }).fit([[0], [1]], [1, 3]);
   * m.toJSON().baseline; // => 2
   * ```
   */
  toJSON(): HistGradientBoostingRegressorJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return {
      type: 'marksman.HistGradientBoostingRegressor',
      version: 1,
      params: paramsToJSON(this.#values),
      featureNames: [...f.names],
      baseline: f.baseline,
      binThresholds: f.binThresholds.map((t) => Array.from(t)),
      trees: f.trees.map(hgbTreeToJSON),
      validationLoss: f.validationLoss === null ? null : Array.from(f.validationLoss),
    };
  }

  /**
   * Rebuilds a model from {@link HistGradientBoostingRegressor.toJSON}
   * output, checking it as {@link HistGradientBoostingClassifier.fromJSON}
   * does.
   *
   * @param json - the output of `toJSON`
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { HistGradientBoostingRegressor } from '@marksman/learn';
   * HistGradientBoostingRegressor.fromJSON({ type: 'marksman.HistGradientBoostingRegressor', version: 1 } as never); // throws E_MODEL_JSON
   * ```
   */
  static fromJSON(json: HistGradientBoostingRegressorJSON): HistGradientBoostingRegressor {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.HistGradientBoostingRegressor", version 1');
    const j = r.header(json, 'marksman.HistGradientBoostingRegressor', 1);
    const model = paramsFromJSON(r, j.params, (p) => new HistGradientBoostingRegressor(p as HistGradientBoostingRegressorOptions));
    const names = r.names(j.featureNames);
    model.#fitted = hgbStateFromJSON(source, r, j, names);
    return model;
  }
}
