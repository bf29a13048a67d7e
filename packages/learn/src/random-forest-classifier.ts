import { resolveOptions } from '@marksman/core/internal';
import type { TreeArrays } from './internal/cart';
import { MAX_TREES, checkBoolean, checkChoice, checkInt } from './internal/checks';
import { JsonReader, argmaxRow, classIndex, notFitted, paramsFromJSON, paramsToJSON, probaColumn, probaRows, resolveFit } from './internal/estimator';
import { readFitFeatures, readPredictFeatures } from './internal/features';
import { forestImportances, growForest } from './internal/forest';
import { checkClassWeight, encodeLabels, readSampleWeight, rowWeights } from './internal/targets';
import type { ClassWeight } from './internal/targets';
import { accumulateForest, treeFromJSON, treeStructure, treeToJSON } from './internal/tree-json';
import { checkTreeSettings } from './internal/tree-options';
import type { MaxFeatures } from './internal/tree-options';
import { throwIfAborted } from '@marksman/core';
import type { TreeJSON, TreeStructure } from './tree-structure';
import type { ClassLabel, Classifier, FeatureInput, LearnerFitOptions, LabelInput } from './types';

/** Options of {@link RandomForestClassifier}. */
export interface RandomForestClassifierOptions {
  /** Number of trees (1 to 10,000; default 100). */
  readonly nEstimators?: number;
  /** Impurity: `'gini'` (default) or `'entropy'`. */
  readonly criterion?: 'gini' | 'entropy';
  /** Depth limit of each tree (default `null`: none). */
  readonly maxDepth?: number | null;
  /** Fewest rows in a node for it to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Fewest distinct rows in each leaf (default 1). */
  readonly minSamplesLeaf?: number;
  /**
   * Features drawn at random at each node: `'sqrt'` (default, ⌊√p⌋), `'log2'`, `'all'` or a count (a count above
   * the number of features means all).
   * As in scikit-learn, the search goes on past this count when none of the drawn features gives a
   * valid split.
   */
  readonly maxFeatures?: 'all' | 'sqrt' | 'log2' | number;
  /** Grow each tree on a bootstrap sample of the rows (default true); false uses every row. */
  readonly bootstrap?: boolean;
  /** Class weights: `null` (default), `'balanced'` or a weight per label, such as `{ '1': 5 }`. */
  readonly classWeight?: null | 'balanced' | Readonly<Record<string, number>>;
  /** Seed of the bootstrap samples and feature draws (a safe integer; default 0). */
  readonly seed?: number;
}

/** The plain-object form of a fitted {@link RandomForestClassifier}. */
export interface RandomForestClassifierJSON {
  /** Format tag. */
  readonly type: 'marksman.RandomForestClassifier';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with (`null` for no depth limit). */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** Class labels, sorted. */
  readonly classes: ClassLabel[];
  /** The trees. */
  readonly trees: TreeJSON[];
}

interface Settings {
  readonly nEstimators: number;
  readonly criterion: 'gini' | 'entropy';
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly bootstrap: boolean;
  readonly classWeight: ClassWeight;
  readonly seed: number;
}

interface Fitted {
  readonly names: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly trees: readonly TreeArrays[];
}

const DEFAULTS: Readonly<Settings> = Object.freeze({
  nEstimators: 100,
  criterion: 'gini',
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
  classWeight: null,
  seed: 0,
});
const NAME = 'RandomForestClassifier';

/**
 * A random forest of CART classification trees (Breiman 2001), as
 * scikit-learn's `RandomForestClassifier`: each tree grows on a bootstrap
 * sample of the rows and looks at a random subset of the features at each
 * node; `predictProba` averages the trees' leaf class shares. Randomness
 * comes only from `seed`, so a fit repeats exactly. The features are sorted
 * once for all trees, and a node reads only the features it examines:
 * fitting costs O(p · n log n + trees · depth · n · m · (classes + log n))
 * at worst, for m the features examined per node; `onProgress` is called after
 * each tree and `signal` stops the fit between trees.
 *
 * @example
 * ```ts
 * import { RandomForestClassifier } from '@marksman/learn';
 * const X = [[1, 5], [2, 4], [3, 6], [8, 5], [9, 4], [10, 6]];
 * const y = ['low', 'low', 'low', 'high', 'high', 'high'];
 * const forest = new RandomForestClassifier({ nEstimators: 25, seed: 3 }).fit(X, y);
 * forest.predict([[1.5, 5], [9.5, 5]]); // => ['low', 'high']
 * ```
 */
export class RandomForestClassifier implements Classifier {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link RandomForestClassifierOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`, `E_SEED`
   */
  constructor(options?: RandomForestClassifierOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    const criterion = checkChoice(NAME, 'criterion', o.criterion, ['gini', 'entropy']);
    const t = checkTreeSettings(NAME, o);
    const nEstimators = checkInt(NAME, 'nEstimators', o.nEstimators, 1, MAX_TREES);
    const bootstrap = checkBoolean(NAME, 'bootstrap', o.bootstrap);
    this.#settings = Object.freeze({ ...t, nEstimators, bootstrap, criterion, maxDepth: t.maxDepth === Infinity ? null : t.maxDepth, classWeight: checkClassWeight(NAME, o.classWeight) });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<RandomForestClassifierOptions>> {
    return this.#settings;
  }

  /**
   * Grows the forest on features `X` and labels `y`. Replaces any earlier
   * fit. O(p · n log n + trees · depth · n · m · (classes + log n)) at worst, m the features examined per node.
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a label per row (strings, numbers or booleans, one type)
   * @param options - sample weights, feature names, `onProgress` (after each tree), `signal`
   * @returns this classifier
   * @throws as {@link DecisionTreeClassifier.fit}
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const seen: number[] = [];
   * new RandomForestClassifier({ nEstimators: 3 }).fit([[0], [1], [2], [3]], [0, 0, 1, 1], { onProgress: (p) => seen.push(p.iteration) });
   * seen; // => [1, 2, 3]
   * ```
   */
  fit(X: FeatureInput, y: LabelInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    const fo = resolveFit(source, options);
    throwIfAborted(fo.signal ?? undefined, source);
    const s = this.#settings;
    const fm = readFitFeatures(source, X, fo.featureNames, 'refuse');
    const labels = encodeLabels(source, y, fm.n);
    const weight = rowWeights(source, labels, s.classWeight, readSampleWeight(source, fo.sampleWeight, fm.n));
    const trees = growForest(source, { ...s, maxDepth: s.maxDepth ?? Infinity }, s.criterion, fm, { kind: 'class', y: labels.y, nClasses: labels.classes.length }, weight, fo.signal, fo.onProgress);
    this.#fitted = { names: Object.freeze([...fm.names]), classes: Object.freeze([...labels.classes]), trees };
    return this;
  }

  #state(source: string): Fitted {
    if (this.#fitted === null) throw notFitted(source, NAME);
    return this.#fitted;
  }

  #proba(source: string, X: FeatureInput): { p: Float64Array; n: number; C: number; f: Fitted } {
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'refuse');
    const C = f.classes.length;
    const p = new Float64Array(fm.n * C);
    accumulateForest(f.trees, fm.columns, fm.n, p, true);
    return { p, n: fm.n, C, f };
  }

  /** The class labels, sorted. */
  get classes(): readonly ClassLabel[] {
    return this.#state(`${NAME}.classes`).classes;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /** Mean decrease in impurity per feature: the mean over the trees that split, renormalised to sum 1 (scikit-learn's `feature_importances_`). */
  get featureImportances(): Float64Array {
    const f = this.#state(`${NAME}.featureImportances`);
    return forestImportances(f.trees, f.names.length);
  }

  /** The fitted trees as flat arrays (copies). */
  get trees(): TreeStructure[] {
    return this.#state(`${NAME}.trees`).trees.map(treeStructure);
  }

  /**
   * Class probabilities per row, aligned with `classes`: the mean over the
   * trees of the class shares in the row's leaf. O(n · depth · trees).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const m = new RandomForestClassifier({ nEstimators: 10, seed: 1 }).fit([[0], [1], [5], [6]], ['a', 'a', 'b', 'b']);
   * m.predictProba([[0]])[0]!.length; // => 2
   * ```
   */
  predictProba(X: FeatureInput): number[][] {
    const { p, n, C } = this.#proba(`${NAME}.predictProba`, X);
    return probaRows(p, n, C);
  }

  /**
   * The probability of one class per row (default the last class). O(n · depth · trees).
   *
   * @param X - features with every feature of the model
   * @param label - the class (default the last of `classes`)
   * @throws `StateError` `E_NOT_FITTED`; `OptionsError` `E_OPTION_RANGE` for a label that is not a class
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const m = new RandomForestClassifier({ nEstimators: 10, bootstrap: false }).fit([[0], [1], [5], [6]], [0, 0, 1, 1]);
   * Array.from(m.predictProbaOf([[0], [6]])); // => [0, 1]
   * ```
   */
  predictProbaOf(X: FeatureInput, label?: ClassLabel): Float64Array {
    const source = `${NAME}.predictProbaOf`;
    const f = this.#state(source);
    const k = label === undefined ? f.classes.length - 1 : classIndex(source, f.classes, label);
    const { p, n, C } = this.#proba(source, X);
    return probaColumn(p, n, C, k);
  }

  /**
   * The most probable class per row (the first class on ties). O(n · depth · trees).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const m = new RandomForestClassifier({ nEstimators: 5, bootstrap: false }).fit([[0], [9]], [true, false]);
   * m.predict([[1]]); // => [true]
   * ```
   */
  predict(X: FeatureInput): ClassLabel[] {
    const { p, n, C, f } = this.#proba(`${NAME}.predict`, X);
    const out = new Array<ClassLabel>(n);
    for (let i = 0; i < n; i++) out[i] = f.classes[argmaxRow(p, i, C)]!;
    return out;
  }

  /**
   * A plain object that {@link RandomForestClassifier.fromJSON} turns back
   * into an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const m = new RandomForestClassifier({ nEstimators: 4 }).fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
   * m.toJSON().trees.length; // => 4
   * ```
   */
  toJSON(): RandomForestClassifierJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return { type: 'marksman.RandomForestClassifier', version: 1, params: paramsToJSON(this.#settings), featureNames: [...f.names], classes: [...f.classes], trees: f.trees.map(treeToJSON) };
  }

  /**
   * Rebuilds a model from {@link RandomForestClassifier.toJSON} output,
   * checking every tree as {@link DecisionTreeClassifier.fromJSON} does.
   *
   * @param json - the output of `toJSON`
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { RandomForestClassifier } from '@marksman/learn';
   * const m = new RandomForestClassifier({ nEstimators: 2 }).fit([[0], [1], [2], [3]], ['a', 'a', 'b', 'b']);
   * const copy = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
   * copy.predictProba([[2.5]])[0]!.join() === m.predictProba([[2.5]])[0]!.join(); // => true
   * ```
   */
  static fromJSON(json: RandomForestClassifierJSON): RandomForestClassifier {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.RandomForestClassifier", version 1');
    const j = r.header(json, 'marksman.RandomForestClassifier', 1);
    const model = paramsFromJSON(r, j.params, (p) => new RandomForestClassifier(p as RandomForestClassifierOptions));
    const names = r.names(j.featureNames);
    const classes = r.classes(j.classes, 1);
    if (!Array.isArray(j.trees) || j.trees.length === 0 || j.trees.length > MAX_TREES) r.fail('trees', `must be an array of 1 to ${MAX_TREES} trees`);
    const trees = (j.trees as unknown[]).map((t, i) => treeFromJSON(source, `trees[${i}]`, t, names.length, classes.length));
    model.#fitted = { names: Object.freeze(names), classes: Object.freeze(classes), trees };
    return model;
  }
}
