import { Random, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { codeColumns, growTree, streamWords } from './internal/cart';
import type { TreeArrays } from './internal/cart';
import { checkChoice } from './internal/checks';
import { JsonReader, argmaxRow, classIndex, notFitted, paramsFromJSON, paramsToJSON, probaColumn, probaRows, resolveFit } from './internal/estimator';
import { readFitFeatures, readPredictFeatures } from './internal/features';
import { checkClassWeight, encodeLabels, readSampleWeight, rowWeights } from './internal/targets';
import type { ClassWeight } from './internal/targets';
import { accumulateTree, treeFromJSON, treeStructure, treeToJSON } from './internal/tree-json';
import { checkTreeSettings, featuresPerNode } from './internal/tree-options';
import type { MaxFeatures } from './internal/tree-options';
import type { TreeJSON, TreeStructure } from './tree-structure';
import type { ClassLabel, Classifier, FeatureInput, LearnerFitOptions, LabelInput } from './types';

/** Options of {@link DecisionTreeClassifier}. */
export interface DecisionTreeClassifierOptions {
  /** Impurity: `'gini'` (default) or `'entropy'` (information gain, log base 2). */
  readonly criterion?: 'gini' | 'entropy';
  /** Depth limit (default `null`: grow until pure, `minSamplesSplit` or `minSamplesLeaf` stop it; `Infinity` also means none). */
  readonly maxDepth?: number | null;
  /** Fewest rows in a node for it to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Fewest rows in each leaf (default 1). */
  readonly minSamplesLeaf?: number;
  /** Features looked at per node: `'all'` (default), `'sqrt'`, `'log2'` or a count (a count above the number of features means all); drawn at random by `seed` when fewer than all. */
  readonly maxFeatures?: 'all' | 'sqrt' | 'log2' | number;
  /** Class weights: `null` (default), `'balanced'` (n / (classes · rows of the class)) or a weight per label, such as `{ '1': 5 }`. */
  readonly classWeight?: null | 'balanced' | Readonly<Record<string, number>>;
  /** Seed of the feature draws when `maxFeatures` is below the number of features (a safe integer; default 0). */
  readonly seed?: number;
}

/** The plain-object form of a fitted {@link DecisionTreeClassifier}. */
export interface DecisionTreeClassifierJSON {
  /** Format tag. */
  readonly type: 'marksman.DecisionTreeClassifier';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with (`null` for no depth limit). */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** Class labels, sorted. */
  readonly classes: ClassLabel[];
  /** The tree. */
  readonly tree: TreeJSON;
}

interface Settings {
  readonly criterion: 'gini' | 'entropy';
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly classWeight: ClassWeight;
  readonly seed: number;
}

interface Fitted {
  readonly names: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly tree: TreeArrays;
}

const DEFAULTS: Readonly<Settings> = Object.freeze({ criterion: 'gini', maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 'all', classWeight: null, seed: 0 });
const NAME = 'DecisionTreeClassifier';

/**
 * A CART classification tree (Breiman et al. 1984) that follows
 * scikit-learn's `DecisionTreeClassifier`: the same criteria (Gini, entropy),
 * midpoint thresholds, stopping rules (`maxDepth`, `minSamplesSplit`,
 * `minSamplesLeaf`), class and sample weights and importances (mean
 * decrease in impurity), so on data without tied candidate splits it grows
 * the same tree. Among tied splits the lowest feature index, then the
 * lowest threshold, wins. Each feature is sorted once; a node reads a
 * feature through a histogram of its distinct values, or sorts its rows
 * when the feature has many more distinct values than the node has rows:
 * a fit costs O(p · n log n + depth · n · p · (classes + log n)) at worst,
 * a prediction O(depth) per row.
 *
 * Features must be finite (`E_NOT_FINITE`; impute missing values first, or
 * use {@link HistGradientBoostingClassifier}, which reads NaN as missing).
 * Labels of one class give a one-leaf tree that predicts that class, as in
 * scikit-learn.
 *
 * @example
 * ```ts
 * import { DecisionTreeClassifier } from '@marksman/learn';
 * const X = [[1, 0], [2, 1], [8, 0], [9, 1]];
 * const tree = new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, ['no', 'no', 'yes', 'yes']);
 * tree.predict([[0, 0], [10, 1]]); // => ['no', 'yes']
 * tree.tree.threshold[0]; // => 5
 * Array.from(tree.featureImportances); // => [1, 0]
 * ```
 */
export class DecisionTreeClassifier implements Classifier {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link DecisionTreeClassifierOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`, `E_SEED`
   */
  constructor(options?: DecisionTreeClassifierOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    const criterion = checkChoice(NAME, 'criterion', o.criterion, ['gini', 'entropy']);
    const t = checkTreeSettings(NAME, o);
    this.#settings = Object.freeze({ ...t, criterion, maxDepth: t.maxDepth === Infinity ? null : t.maxDepth, classWeight: checkClassWeight(NAME, o.classWeight) });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<DecisionTreeClassifierOptions>> {
    return this.#settings;
  }

  /**
   * Grows the tree on features `X` and labels `y` (strings, numbers or
   * booleans, one type). Replaces any earlier fit. O(p · n log n + depth ·
   * n · p · (classes + log n)) at worst.
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a label per row
   * @param options - sample weights, feature names, `onProgress` (called once, at the end), `signal`
   * @returns this classifier
   * @throws `ValidationError` `E_INPUT`, `E_EMPTY`, `E_RAGGED`, `E_SHAPE`, `E_LENGTH`, `E_NO_FEATURES`,
   *   `E_FEATURE_MISSING`, `E_NOT_FINITE` (features), `E_LABEL`, `E_WEIGHTS`; `OptionsError`
   *   `E_OPTION_RANGE` (a classWeight label that is not a class), `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`;
   *   `AbortError` `E_ABORTED`
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * const m = new DecisionTreeClassifier().fit({ visits: [1, 2, 3, 9] }, [false, false, true, true]);
   * m.predict({ visits: [2.4] }); // => [false]
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
    const p = fm.names.length;
    const k = featuresPerNode(s.maxFeatures, p);
    const tree = growTree(
      { coded: codeColumns(fm.columns), target: { kind: 'class', y: labels.y, nClasses: labels.classes.length }, weight },
      { criterion: s.criterion, maxDepth: s.maxDepth ?? Infinity, minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf, maxFeatures: k, stream: k < p ? streamWords(new Random(s.seed)) : null },
    );
    this.#fitted = { names: Object.freeze([...fm.names]), classes: Object.freeze([...labels.classes]), tree };
    fo.onProgress?.({ iteration: 1, maxIterations: 1, loss: null, validationLoss: null });
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
    accumulateTree(f.tree, fm.columns, fm.n, p, 1, true);
    return { p, n: fm.n, C, f };
  }

  /** The class labels, sorted (numbers ascending, strings by code unit, false before true). */
  get classes(): readonly ClassLabel[] {
    return this.#state(`${NAME}.classes`).classes;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /** Mean decrease in impurity per feature (aligned with `featureNames`, summing to 1; all 0 for a one-leaf tree). */
  get featureImportances(): Float64Array {
    return this.#state(`${NAME}.featureImportances`).tree.importances.slice();
  }

  /** The fitted tree as flat arrays (a copy). */
  get tree(): TreeStructure {
    return treeStructure(this.#state(`${NAME}.tree`).tree);
  }

  /**
   * Class probabilities per row, aligned with `classes`: the class-weighted
   * shares of the training rows in the row's leaf. O(n · depth).
   *
   * @param X - features with every feature of the model (by name for records, columns by name and tables)
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * const m = new DecisionTreeClassifier({ minSamplesLeaf: 2 }).fit([[1], [2], [3], [4]], [0, 0, 0, 1]);
   * m.predictProba([[3.5]]); // => [[0.5, 0.5]]
   * ```
   */
  predictProba(X: FeatureInput): number[][] {
    const { p, n, C } = this.#proba(`${NAME}.predictProba`, X);
    return probaRows(p, n, C);
  }

  /**
   * The probability of one class per row (default the last class: the
   * positive class of a binary problem). O(n · depth).
   *
   * @param X - features, as for `predictProba`
   * @param label - the class (default the last of `classes`)
   * @throws `StateError` `E_NOT_FITTED`; `OptionsError` `E_OPTION_RANGE` for a label that is not a class
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * const m = new DecisionTreeClassifier().fit([[1], [2], [8], [9]], ['stay', 'stay', 'churn', 'churn']);
   * Array.from(m.predictProbaOf([[1.5], [8.5]], 'churn')); // => [0, 1]
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
   * The most probable class per row (the first class on ties). O(n · depth).
   *
   * @param X - features, as for `predictProba`
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * const m = new DecisionTreeClassifier().fit([{ days: 3 }, { days: 40 }], ['active', 'lapsed']);
   * m.predict([{ days: 30 }]); // => ['lapsed']
   * ```
   */
  predict(X: FeatureInput): ClassLabel[] {
    const { p, n, C, f } = this.#proba(`${NAME}.predict`, X);
    const out = new Array<ClassLabel>(n);
    for (let i = 0; i < n; i++) out[i] = f.classes[argmaxRow(p, i, C)]!;
    return out;
  }

  /**
   * A plain object that {@link DecisionTreeClassifier.fromJSON} turns back
   * into an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * const m = new DecisionTreeClassifier().fit([[1], [2]], ['a', 'b']);
   * DecisionTreeClassifier.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[1.9]]); // => ['b']
   * ```
   */
  toJSON(): DecisionTreeClassifierJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return { type: 'marksman.DecisionTreeClassifier', version: 1, params: paramsToJSON(this.#settings), featureNames: [...f.names], classes: [...f.classes], tree: treeToJSON(f.tree) };
  }

  /**
   * Rebuilds a model from {@link DecisionTreeClassifier.toJSON} output,
   * checking everything it reads (type tag, version, options, names,
   * classes, and every node: pre-order numbering, feature indexes, finite
   * thresholds, consistent counts), so a damaged file cannot give wrong
   * answers or make `predict` loop.
   *
   * @param json - the output of `toJSON` (possibly after `JSON.parse(JSON.stringify(…))`)
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { DecisionTreeClassifier } from '@marksman/learn';
   * DecisionTreeClassifier.fromJSON({ type: 'other' } as never); // throws E_MODEL_JSON
   * ```
   */
  static fromJSON(json: DecisionTreeClassifierJSON): DecisionTreeClassifier {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.DecisionTreeClassifier", version 1');
    const j = r.header(json, 'marksman.DecisionTreeClassifier', 1);
    const model = paramsFromJSON(r, j.params, (p) => new DecisionTreeClassifier(p as DecisionTreeClassifierOptions));
    const names = r.names(j.featureNames);
    const classes = r.classes(j.classes, 1);
    const tree = treeFromJSON(source, 'tree', j.tree, names.length, classes.length);
    model.#fitted = { names: Object.freeze(names), classes: Object.freeze(classes), tree };
    return model;
  }
}
