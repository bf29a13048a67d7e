import { resolveOptions } from '@marksman/core/internal';
import type { TreeArrays } from './internal/cart';
import { MAX_TREES, checkBoolean, checkInt } from './internal/checks';
import { JsonReader, notFitted, paramsFromJSON, paramsToJSON } from './internal/estimator';
import { readPredictFeatures } from './internal/features';
import { forestImportances, growForest } from './internal/forest';
import { readRegressionFit } from './internal/regression-input';
import { accumulateForest, treeFromJSON, treeStructure, treeToJSON } from './internal/tree-json';
import { checkTreeSettings } from './internal/tree-options';
import type { MaxFeatures } from './internal/tree-options';
import type { TreeJSON, TreeStructure } from './tree-structure';
import type { FeatureInput, LearnerFitOptions, Regressor, TargetInput } from './types';

/** Options of {@link RandomForestRegressor}. */
export interface RandomForestRegressorOptions {
  /** Number of trees (1 to 10,000; default 100). */
  readonly nEstimators?: number;
  /** Depth limit of each tree (default `null`: none). */
  readonly maxDepth?: number | null;
  /** Fewest rows in a node for it to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Fewest distinct rows in each leaf (default 1). */
  readonly minSamplesLeaf?: number;
  /** Features drawn at random at each node: `'all'` (default, as scikit-learn's regressor), `'sqrt'`, `'log2'` or a count (a count above the number of features means all). */
  readonly maxFeatures?: 'all' | 'sqrt' | 'log2' | number;
  /** Grow each tree on a bootstrap sample of the rows (default true). */
  readonly bootstrap?: boolean;
  /** Seed of the bootstrap samples and feature draws (a safe integer; default 0). */
  readonly seed?: number;
}

/** The plain-object form of a fitted {@link RandomForestRegressor}. */
export interface RandomForestRegressorJSON {
  /** Format tag. */
  readonly type: 'marksman.RandomForestRegressor';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with (`null` for no depth limit). */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** The trees. */
  readonly trees: TreeJSON[];
}

interface Settings {
  readonly nEstimators: number;
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly bootstrap: boolean;
  readonly seed: number;
}

interface Fitted {
  readonly names: readonly string[];
  readonly trees: readonly TreeArrays[];
}

const DEFAULTS: Readonly<Settings> = Object.freeze({ nEstimators: 100, maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 'all', bootstrap: true, seed: 0 });
const NAME = 'RandomForestRegressor';

/**
 * A random forest of CART regression trees (squared error), as
 * scikit-learn's `RandomForestRegressor`: bootstrap rows per tree, a random
 * subset of features per node when `maxFeatures` is below the number of
 * features, and the mean of the trees' leaf means as the prediction.
 * Randomness comes only from `seed`. The features are sorted once for all
 * trees, and a node reads only the features it examines: fitting costs
 * O(p · n log n + trees · depth · n · m · log n) at worst, for m the
 * features examined per node; `onProgress` is called after each tree and `signal`
 * stops the fit between trees. Targets beyond ±1e150 are refused
 * (`E_TOO_LARGE`).
 *
 * @example
 * ```ts
 * import { RandomForestRegressor } from '@marksman/learn';
 * const X = [[1], [2], [3], [10], [11], [12]];
 * const m = new RandomForestRegressor({ nEstimators: 20, bootstrap: false }).fit(X, [5, 5, 5, 50, 50, 50]);
 * Array.from(m.predict([[0], [20]])); // => [5, 50]
 * ```
 */
export class RandomForestRegressor implements Regressor {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link RandomForestRegressorOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`, `E_SEED`
   */
  constructor(options?: RandomForestRegressorOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    const t = checkTreeSettings(NAME, o);
    const nEstimators = checkInt(NAME, 'nEstimators', o.nEstimators, 1, MAX_TREES);
    const bootstrap = checkBoolean(NAME, 'bootstrap', o.bootstrap);
    this.#settings = Object.freeze({ ...t, nEstimators, bootstrap, maxDepth: t.maxDepth === Infinity ? null : t.maxDepth });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<RandomForestRegressorOptions>> {
    return this.#settings;
  }

  /**
   * Grows the forest on features `X` and numeric targets `y`. Replaces any
   * earlier fit.
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a finite target per row
   * @param options - sample weights, feature names, `onProgress` (after each tree), `signal`
   * @returns this regressor
   * @throws as {@link DecisionTreeRegressor.fit}
   * @example
   * ```ts
   * import { RandomForestRegressor } from '@marksman/learn';
   * const m = new RandomForestRegressor({ nEstimators: 5 }).fit({ spend: [10, 20, 30, 40] }, [1, 2, 3, 4]);
   * m.featureNames; // => ['spend']
   * ```
   */
  fit(X: FeatureInput, y: TargetInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    const { fo, fm, target, weight: given } = readRegressionFit(source, X, y, options, 'refuse');
    const s = this.#settings;
    const weight = given ?? new Float64Array(fm.n).fill(1);
    const trees = growForest(source, { ...s, maxDepth: s.maxDepth ?? Infinity }, 'squared_error', fm, { kind: 'regression', y: target }, weight, fo.signal, fo.onProgress);
    this.#fitted = { names: Object.freeze([...fm.names]), trees };
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

  /** Mean decrease in impurity per feature: the mean over the trees that split, renormalised to sum 1. */
  get featureImportances(): Float64Array {
    const f = this.#state(`${NAME}.featureImportances`);
    return forestImportances(f.trees, f.names.length);
  }

  /** The fitted trees as flat arrays (copies). */
  get trees(): TreeStructure[] {
    return this.#state(`${NAME}.trees`).trees.map(treeStructure);
  }

  /**
   * The mean over the trees of each row's leaf mean. O(n · depth · trees).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { RandomForestRegressor } from '@marksman/learn';
   * const m = new RandomForestRegressor({ nEstimators: 3, bootstrap: false }).fit([[0], [1]], [2, 4]);
   * Array.from(m.predict([[0], [1]])); // => [2, 4]
   * ```
   */
  predict(X: FeatureInput): Float64Array {
    const source = `${NAME}.predict`;
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'refuse');
    const out = new Float64Array(fm.n);
    accumulateForest(f.trees, fm.columns, fm.n, out, false);
    return out;
  }

  /**
   * A plain object that {@link RandomForestRegressor.fromJSON} turns back
   * into an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { RandomForestRegressor } from '@marksman/learn';
   * const m = new RandomForestRegressor({ nEstimators: 2 }).fit([[0], [1], [2]], [1, 2, 3]);
   * m.toJSON().type; // => 'marksman.RandomForestRegressor'
   * ```
   */
  toJSON(): RandomForestRegressorJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return { type: 'marksman.RandomForestRegressor', version: 1, params: paramsToJSON(this.#settings), featureNames: [...f.names], trees: f.trees.map(treeToJSON) };
  }

  /**
   * Rebuilds a model from {@link RandomForestRegressor.toJSON} output,
   * checking every tree as {@link DecisionTreeClassifier.fromJSON} does.
   *
   * @param json - the output of `toJSON`
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { RandomForestRegressor } from '@marksman/learn';
   * const m = new RandomForestRegressor({ nEstimators: 2, seed: 5 }).fit([[0], [1], [2]], [1, 2, 3]);
   * RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[1.2]])[0] === m.predict([[1.2]])[0]; // => true
   * ```
   */
  static fromJSON(json: RandomForestRegressorJSON): RandomForestRegressor {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.RandomForestRegressor", version 1');
    const j = r.header(json, 'marksman.RandomForestRegressor', 1);
    const model = paramsFromJSON(r, j.params, (p) => new RandomForestRegressor(p as RandomForestRegressorOptions));
    const names = r.names(j.featureNames);
    if (!Array.isArray(j.trees) || j.trees.length === 0 || j.trees.length > MAX_TREES) r.fail('trees', `must be an array of 1 to ${MAX_TREES} trees`);
    const trees = (j.trees as unknown[]).map((t, i) => treeFromJSON(source, `trees[${i}]`, t, names.length, 0));
    model.#fitted = { names: Object.freeze(names), trees };
    return model;
  }
}
