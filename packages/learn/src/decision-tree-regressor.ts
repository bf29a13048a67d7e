import { Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { codeColumns, growTree, streamWords } from './internal/cart';
import type { TreeArrays } from './internal/cart';
import { JsonReader, notFitted, paramsFromJSON, paramsToJSON } from './internal/estimator';
import { readPredictFeatures } from './internal/features';
import { readRegressionFit } from './internal/regression-input';
import { accumulateTree, treeFromJSON, treeStructure, treeToJSON } from './internal/tree-json';
import { checkTreeSettings, featuresPerNode } from './internal/tree-options';
import type { MaxFeatures } from './internal/tree-options';
import type { TreeJSON, TreeStructure } from './tree-structure';
import type { FeatureInput, LearnerFitOptions, Regressor, TargetInput } from './types';

/** Options of {@link DecisionTreeRegressor}. */
export interface DecisionTreeRegressorOptions {
  /** Depth limit (default `null`: none; `Infinity` also means none). */
  readonly maxDepth?: number | null;
  /** Fewest rows in a node for it to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Fewest rows in each leaf (default 1). */
  readonly minSamplesLeaf?: number;
  /** Features looked at per node: `'all'` (default), `'sqrt'`, `'log2'` or a count (a count above the number of features means all); drawn at random by `seed` when fewer than all. */
  readonly maxFeatures?: 'all' | 'sqrt' | 'log2' | number;
  /** Seed of the feature draws when `maxFeatures` is below the number of features (a safe integer; default 0). */
  readonly seed?: number;
}

/** The plain-object form of a fitted {@link DecisionTreeRegressor}. */
export interface DecisionTreeRegressorJSON {
  /** Format tag. */
  readonly type: 'marksman.DecisionTreeRegressor';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with (`null` for no depth limit). */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** The tree. */
  readonly tree: TreeJSON;
}

interface Settings {
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly seed: number;
}

interface Fitted {
  readonly names: readonly string[];
  readonly tree: TreeArrays;
}

const DEFAULTS: Readonly<Settings> = Object.freeze({ maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 'all', seed: 0 });
const NAME = 'DecisionTreeRegressor';

/**
 * A CART regression tree that follows scikit-learn's
 * `DecisionTreeRegressor` with `criterion="squared_error"`: each split
 * maximises the decrease in weighted variance, thresholds are midpoints,
 * a leaf predicts the weighted mean target of its training rows, and the
 * stopping rules and importances are scikit-learn's. Among tied splits the
 * lowest feature index, then the lowest threshold, wins. A fit costs
 * O(p · n log n + depth · n · p · log n) at worst, a prediction O(depth) per row.
 *
 * Targets beyond ±1e150 are refused (`E_TOO_LARGE`): their squares would
 * overflow. Features must be finite (`E_NOT_FINITE`).
 *
 * @example
 * ```ts
 * import { DecisionTreeRegressor } from '@marksman/learn';
 * const X = [[1], [2], [3], [10], [11], [12]];
 * const m = new DecisionTreeRegressor({ maxDepth: 1 }).fit(X, [5, 6, 7, 50, 51, 52]);
 * Array.from(m.predict([[0], [20]])); // => [6, 51]
 * ```
 */
export class DecisionTreeRegressor implements Regressor {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link DecisionTreeRegressorOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`, `E_SEED`
   */
  constructor(options?: DecisionTreeRegressorOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    const t = checkTreeSettings(NAME, o);
    this.#settings = Object.freeze({ ...t, maxDepth: t.maxDepth === Infinity ? null : t.maxDepth });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<DecisionTreeRegressorOptions>> {
    return this.#settings;
  }

  /**
   * Grows the tree on features `X` and numeric targets `y`. Replaces any
   * earlier fit. O(p · n log n + depth · n · p · log n) at worst.
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a finite target per row
   * @param options - sample weights, feature names, `onProgress` (called once, at the end), `signal`
   * @returns this regressor
   * @throws `ValidationError` `E_INPUT`, `E_EMPTY`, `E_RAGGED`, `E_SHAPE`, `E_LENGTH`, `E_NO_FEATURES`,
   *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_TOO_LARGE` (targets), `E_WEIGHTS`; `OptionsError`
   *   `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`; `AbortError` `E_ABORTED`
   * @example
   * ```ts
   * import { DecisionTreeRegressor } from '@marksman/learn';
   * const m = new DecisionTreeRegressor().fit([[0], [1]], [10, 20], { sampleWeight: [1, 3] });
   * m.tree.value[0]; // => 17.5
   * ```
   */
  fit(X: FeatureInput, y: TargetInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    const { fo, fm, target, weight: given } = readRegressionFit(source, X, y, options, 'refuse');
    const s = this.#settings;
    const weight = given ?? new Float64Array(fm.n).fill(1);
    const p = fm.names.length;
    const k = featuresPerNode(s.maxFeatures, p);
    const tree = growTree(
      { coded: codeColumns(fm.columns), target: { kind: 'regression', y: target }, weight },
      { criterion: 'squared_error', maxDepth: s.maxDepth ?? Infinity, minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf, maxFeatures: k, stream: k < p ? streamWords(new Random(s.seed)) : null },
    );
    this.#fitted = { names: Object.freeze([...fm.names]), tree };
    fo.onProgress?.({ iteration: 1, maxIterations: 1, loss: null, validationLoss: null });
    return this;
  }

  #state(source: string): Fitted {
    if (this.#fitted === null) throw notFitted(source, NAME);
    return this.#fitted;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /** Mean decrease in impurity (weighted variance) per feature, aligned with `featureNames`, summing to 1 (all 0 for a one-leaf tree). */
  get featureImportances(): Float64Array {
    return this.#state(`${NAME}.featureImportances`).tree.importances.slice();
  }

  /** The fitted tree as flat arrays (a copy). */
  get tree(): TreeStructure {
    return treeStructure(this.#state(`${NAME}.tree`).tree);
  }

  /**
   * The weighted mean target of each row's leaf. O(n · depth).
   *
   * @param X - features with every feature of the model (by name for records, columns by name and tables)
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { DecisionTreeRegressor } from '@marksman/learn';
   * const m = new DecisionTreeRegressor().fit({ visits: [1, 5] }, [10, 30]);
   * Array.from(m.predict({ visits: [2, 9] })); // => [10, 30]
   * ```
   */
  predict(X: FeatureInput): Float64Array {
    const source = `${NAME}.predict`;
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'refuse');
    const out = new Float64Array(fm.n);
    accumulateTree(f.tree, fm.columns, fm.n, out, 1, false);
    return out;
  }

  /**
   * A plain object that {@link DecisionTreeRegressor.fromJSON} turns back
   * into an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { DecisionTreeRegressor } from '@marksman/learn';
   * const m = new DecisionTreeRegressor().fit([[1], [2]], [3, 4]);
   * DecisionTreeRegressor.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[2]])[0]; // => 4
   * ```
   */
  toJSON(): DecisionTreeRegressorJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return { type: 'marksman.DecisionTreeRegressor', version: 1, params: paramsToJSON(this.#settings), featureNames: [...f.names], tree: treeToJSON(f.tree) };
  }

  /**
   * Rebuilds a model from {@link DecisionTreeRegressor.toJSON} output,
   * checking everything it reads (see {@link DecisionTreeClassifier.fromJSON}).
   *
   * @param json - the output of `toJSON`
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { DecisionTreeRegressor } from '@marksman/learn';
   * DecisionTreeRegressor.fromJSON({ type: 'marksman.DecisionTreeRegressor', version: 2 } as never); // throws E_MODEL_JSON
   * ```
   */
  static fromJSON(json: DecisionTreeRegressorJSON): DecisionTreeRegressor {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.DecisionTreeRegressor", version 1');
    const j = r.header(json, 'marksman.DecisionTreeRegressor', 1);
    const model = paramsFromJSON(r, j.params, (p) => new DecisionTreeRegressor(p as DecisionTreeRegressorOptions));
    const names = r.names(j.featureNames);
    const tree = treeFromJSON(source, 'tree', j.tree, names.length, 0);
    model.#fitted = { names: Object.freeze(names), tree };
    return model;
  }
}
