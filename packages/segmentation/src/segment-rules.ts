import { OptionsError, throwIfAborted, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { DecisionTreeClassifier, RandomForestClassifier } from '@marksman/learn';
import type { TreeStructure } from '@marksman/learn';
import { formatNumber, formatPercent } from './tree/format';
import { chooseFeatures, profileCount, readFeatureColumns } from './tree/profiles-input';
import type { ProfilesInput } from './tree/profiles-input';
import { MAX_TREES, checkCallbacks, checkName, checkSeed, describeValue } from './checks';

/** A segment or outcome label: a string (`'Champions'`) or a number (`1` for converted). */
export type SegmentLabel = string | number;

/** Impurity measure of the rule tree: Gini impurity or entropy (in bits). */
export type SplitCriterion = 'gini' | 'entropy';

/**
 * A fitted tree as flat arrays (node i), as {@link segmentRules} reads it
 * into rules and saves it; grown by `@marksman/learn`'s CART.
 */
interface TreeArrays {
  /** Split feature, −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold: x ≤ threshold goes left. NaN for a leaf. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training samples reaching the node (distinct rows). */
  readonly samples: Int32Array;
  /** Weighted class totals, node-major: value[i·C + c]. */
  readonly value: Float64Array;
  /** Unweighted class counts, node-major. */
  readonly counts: Float64Array;
  readonly impurity: Float64Array;
  readonly depth: Int32Array;
  readonly nClasses: number;
  /** Impurity decrease per feature, normalised to sum 1 (all zero for a single leaf). */
  readonly importances: Float64Array;
}

/** The learner's tree structure in the form the rules read. */
function fromStructure(t: TreeStructure): TreeArrays {
  return {
    feature: t.feature,
    threshold: t.threshold,
    left: t.left,
    right: t.right,
    samples: t.samples,
    value: t.value,
    counts: t.counts!,
    impurity: t.impurity,
    depth: t.depth,
    nClasses: t.valueWidth,
    importances: t.importances,
  };
}

/** Leaf reached by row i of column-major data. */
function leafOf(tree: TreeArrays, columns: readonly ArrayLike<number>[], i: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = columns[tree.feature[node]!]![i]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/** Progress of a random-forest fit, reported after each tree. */
export interface ForestProgress {
  /** Trees grown so far. */
  readonly tree: number;
  /** Trees to grow in all. */
  readonly trees: number;
}

/** Units written before the number in rule text. */
const CURRENCY_SIGN = /^[$€£¥]$/;

/** Options of the random forest that {@link segmentRules} can fit beside its readable tree. */
export interface RandomForestOptions {
  /** Number of trees (1 to 10,000; default 100). */
  readonly trees?: number;
  /**
   * Features drawn at random at each node: `'sqrt'` (default, ⌊√p⌋),
   * `'all'`, or a count. As in scikit-learn, the search goes on past this
   * count when none of the drawn features gives a valid split.
   */
  readonly maxFeatures?: 'sqrt' | 'all' | number;
  /** Depth limit of each tree (default `Infinity`: grow until pure or `minSamplesLeaf`). */
  readonly maxDepth?: number;
  /** Minimum distinct training rows in a leaf of each tree (default 1). */
  readonly minSamplesLeaf?: number;
  /** Seed of the bootstrap samples and feature draws (a safe integer; default 0). */
  readonly seed?: number;
}

/** Options of {@link segmentRules}. */
export interface SegmentRulesOptions {
  /** Feature names to use; default every numeric field (column) except `idField`. */
  readonly features?: readonly string[] | null;
  /** Id field, left out of the default features (default `'customerId'`). */
  readonly idField?: string;
  /** Impurity: `'gini'` (default) or `'entropy'` (information gain, log base 2). */
  readonly criterion?: SplitCriterion;
  /** Depth limit of the readable tree (default 4; `Infinity` for none). */
  readonly maxDepth?: number;
  /** Minimum rows in a node for it to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Minimum rows in each leaf (default 1; raise it for rules that cover enough customers). */
  readonly minSamplesLeaf?: number;
  /**
   * Class weights: `null` (default, all 1), `'balanced'` (n / (classes ·
   * n_class), as scikit-learn), or a weight per label (`{ '1': 5 }`; labels
   * not named get 1).
   */
  readonly classWeight?: null | 'balanced' | Readonly<Record<string, number>>;
  /** Units in rule text, per feature: written after the number (`{ recency: 'days' }` → `30 days`), except a currency sign ($, €, £, ¥), written before it (`{ spend: '$' }` → `$59.36`). */
  readonly units?: Readonly<Record<string, string>>;
  /** Also fit a random forest, used by `predict`/`predictProba` (default `null`: the tree predicts). */
  readonly forest?: RandomForestOptions | null;
  /** Called after each forest tree. */
  readonly onProgress?: ((p: ForestProgress) => void) | null;
  /** Stops the fit before it starts and a forest fit between trees with `E_ABORTED` (abort it from `onProgress`). */
  readonly signal?: AbortSignal | null;
}

/** One condition of a rule: `min < feature ≤ max` (a missing side is open). */
export interface RuleCondition {
  /** Feature name. */
  readonly feature: string;
  /** Exclusive lower bound (`feature > min`), or `null`. */
  readonly min: number | null;
  /** Inclusive upper bound (`feature ≤ max`), or `null`. */
  readonly max: number | null;
  /** The condition as text, e.g. `'recency ≤ 30 days'`. */
  readonly text: string;
}

/** A leaf of the tree read as a rule. */
export interface SegmentRule {
  /** Node id of the leaf in {@link SegmentRulesModel.nodes}. */
  readonly leaf: number;
  /** Conditions that all hold for the customers of this rule (at most one per feature). */
  readonly conditions: readonly RuleCondition[];
  /** Predicted label (highest weighted probability; first class on ties). */
  readonly label: SegmentLabel;
  /** Share of the training customers in this leaf that carry `label` (unweighted). */
  readonly share: number;
  /** Training customers in this leaf. */
  readonly samples: number;
  /** Class probabilities (class-weighted, as `predictProba`), aligned with `classes`. */
  readonly probabilities: readonly number[];
  /** The rule as a sentence: `'recency ≤ 30 days and frequency > 4 → Champions: 92% of 1,204 customers'`. */
  readonly text: string;
}

/** How much a feature contributes to the fit. */
export interface FeatureImportance {
  /** Feature name. */
  readonly feature: string;
  /** Share of the total weighted impurity decrease (mean decrease in impurity); importances sum to 1. */
  readonly importance: number;
}

/** One node of the fitted tree, in pre-order (a left child follows its parent). */
export interface TreeNode {
  /** Node id (index in `nodes`). */
  readonly id: number;
  /** Split feature, `null` for a leaf. */
  readonly feature: string | null;
  /** Split threshold (`feature ≤ threshold` goes left), `null` for a leaf. */
  readonly threshold: number | null;
  /** Left child id, −1 for a leaf. */
  readonly left: number;
  /** Right child id, −1 for a leaf. */
  readonly right: number;
  /** Depth (root 0). */
  readonly depth: number;
  /** Training rows reaching the node. */
  readonly samples: number;
  /** Impurity (gini or entropy in bits) of the node, class-weighted. */
  readonly impurity: number;
  /** Training rows per class (unweighted), aligned with `classes`. */
  readonly counts: readonly number[];
  /** Class probabilities (class-weighted), aligned with `classes`. */
  readonly probabilities: readonly number[];
}

/** Serialised tree arrays. */
export interface TreeArraysJSON {
  /** Split feature index per node, −1 for leaves. */
  readonly feature: number[];
  /** Threshold per node (`null` for leaves). */
  readonly threshold: (number | null)[];
  /** Left child per node. */
  readonly left: number[];
  /** Right child per node. */
  readonly right: number[];
  /** Rows per node. */
  readonly samples: number[];
  /** Weighted class totals, node-major. */
  readonly value: number[];
  /** Unweighted class counts, node-major. */
  readonly counts: number[];
  /** Impurity per node. */
  readonly impurity: number[];
  /** Depth per node. */
  readonly depth: number[];
  /** Normalised importance per feature. */
  readonly importances: number[];
}

/** The plain-object form of a {@link SegmentRulesModel}. */
export interface SegmentRulesModelJSON {
  /** Format tag. */
  readonly type: 'marksman.segmentRules';
  /** Format version. */
  readonly version: 1;
  /** Feature names. */
  readonly features: string[];
  /** Class labels in order. */
  readonly classes: SegmentLabel[];
  /** Per feature: whether every training value was an integer (for rule text). */
  readonly integerFeatures: boolean[];
  /** Units per feature. */
  readonly units: Record<string, string>;
  /** The readable tree. */
  readonly tree: TreeArraysJSON;
  /** The forest's trees, or `null`. */
  readonly forest: TreeArraysJSON[] | null;
}

const FOREST_DEFAULTS: Readonly<Required<RandomForestOptions>> = Object.freeze({ trees: 100, maxFeatures: 'sqrt', maxDepth: Infinity, minSamplesLeaf: 1, seed: 0 });

const DEFAULTS: Readonly<{
  features: readonly string[] | null;
  idField: string;
  criterion: SplitCriterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  classWeight: null | 'balanced' | Readonly<Record<string, number>>;
  units: Readonly<Record<string, string>>;
  forest: RandomForestOptions | null;
  onProgress: ((p: ForestProgress) => void) | null;
  signal: AbortSignal | null;
}> = Object.freeze({
  features: null,
  idField: 'customerId',
  criterion: 'gini',
  maxDepth: 4,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  classWeight: null,
  units: Object.freeze({}),
  forest: null,
  onProgress: null,
  signal: null,
});

/** True for `{ … }` objects (not arrays, dates, class instances). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function rangeError(source: string, field: string, message: string): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${source}: ${message}`, { source, field });
}

function checkInt(source: string, field: string, v: unknown, min: number, allowInfinity: boolean, max = Infinity): number {
  if (typeof v === 'number' && ((Number.isInteger(v) && v >= min && v <= max) || (allowInfinity && v === Infinity))) return v;
  const range = max === Infinity ? `an integer ≥ ${min}${allowInfinity ? ' (or Infinity)' : ''}` : `an integer from ${min} to ${max.toLocaleString('en-US')}`;
  throw rangeError(source, field, `${field} must be ${range}, got ${describeValue(v)}.`);
}

/** Sorts labels as numpy's `unique` does for one type: numbers ascending, then strings by code unit. */
function compareLabels(a: SegmentLabel, b: SegmentLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function treeToJSON(t: TreeArrays): TreeArraysJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold, (v) => (Number.isNaN(v) ? null : v)),
    left: Array.from(t.left),
    right: Array.from(t.right),
    samples: Array.from(t.samples),
    value: Array.from(t.value),
    counts: Array.from(t.counts),
    impurity: Array.from(t.impurity),
    depth: Array.from(t.depth),
    importances: Array.from(t.importances),
  };
}

/**
 * Reads one saved tree, checking everything the model will rely on: equal
 * array lengths, nodes numbered in pre-order (each node reached once from
 * the root, a left child right after its parent, depths counting up), split
 * nodes with a feature index in [0, p) and a finite threshold, leaves marked
 * as leaves, non-negative counts and weights (a node's class counts sum to
 * its samples, its children's samples to its own), finite impurities and
 * importances. Throws `E_MODEL_JSON` naming the field. O(nodes · classes).
 */
function treeFromJSON(source: string, field: string, j: unknown, p: number, nClasses: number): TreeArrays {
  const bad = (f: string, what: string): never => {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field}${f === '' ? '' : `.${f}`} ${what}.`, { source, field: f === '' ? field : `${field}.${f}` });
  };
  if (j === null || typeof j !== 'object' || Array.isArray(j)) bad('', `is ${describeValue(j)}, not a saved tree`);
  const t = j as Record<string, unknown>;
  const m = Array.isArray(t.feature) ? t.feature.length : 0;
  if (m === 0) bad('feature', 'must be a non-empty array (one entry per node)');
  const arr = (name: string, length: number, ok: (v: unknown) => boolean, what: string): unknown[] => {
    const a = t[name];
    if (!Array.isArray(a) || a.length !== length) bad(name, `must be an array of ${length} entries`);
    (a as unknown[]).forEach((v, i) => {
      if (!ok(v)) bad(name, `entry ${i} is ${describeValue(v)}, not ${what}`);
    });
    return a as unknown[];
  };
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  const isNonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const feature = arr('feature', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < p, `a feature index in [-1, ${p})`) as number[];
  const threshold = arr('threshold', m, (v) => v === null || (typeof v === 'number' && Number.isFinite(v)), 'a finite number or null') as (number | null)[];
  const left = arr('left', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < m, 'a node index (or −1)') as number[];
  const right = arr('right', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < m, 'a node index (or −1)') as number[];
  const samples = arr('samples', m, isCount, 'a count ≥ 0') as number[];
  const depth = arr('depth', m, isCount, 'a depth ≥ 0') as number[];
  const impurity = arr('impurity', m, isNonNegative, 'a finite number ≥ 0') as number[];
  const value = arr('value', m * nClasses, isNonNegative, 'a finite weight ≥ 0') as number[];
  const counts = arr('counts', m * nClasses, isCount, 'a count ≥ 0') as number[];
  const importances = arr('importances', p, isNonNegative, 'a finite number ≥ 0') as number[];
  // Walk from the root in pre-order: node ids must come out as 0, 1, 2, … with each node met once.
  const stack: number[] = [0, 0];
  let next = 0;
  while (stack.length > 0) {
    const d = stack.pop()!;
    const node = stack.pop()!;
    if (node !== next) bad('left', `does not number the nodes in pre-order (met node ${node} where node ${next} was due)`);
    if (depth[node] !== d) bad('depth', `entry ${node} is ${depth[node]!}, but the node is at depth ${d}`);
    next++;
    if (feature[node]! >= 0) {
      if (threshold[node] === null) bad('threshold', `entry ${node} is null but node ${node} splits`);
      if (left[node]! < 0 || right[node]! < 0) bad('left', `node ${node} splits but lacks a child`);
      stack.push(right[node]!, d + 1, left[node]!, d + 1);
    } else if (threshold[node] !== null || left[node] !== -1 || right[node] !== -1) {
      bad('threshold', `entry ${node} belongs to a leaf (feature −1), which has no threshold and no children`);
    }
  }
  if (next !== m) bad('feature', `lists ${m} nodes but only ${next} are reached from the root`);
  for (let node = 0; node < m; node++) {
    let total = 0;
    for (let c = 0; c < nClasses; c++) total += counts[node * nClasses + c]!;
    if (total !== samples[node]) bad('samples', `entry ${node} is ${samples[node]!}, but the node's class counts sum to ${total}`);
    if (feature[node]! >= 0 && samples[left[node]!]! + samples[right[node]!]! !== samples[node]) bad('samples', `entry ${node} is not the sum of its children's`);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold, (v) => (v === null ? NaN : v)),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    samples: Int32Array.from(samples),
    value: Float64Array.from(value),
    counts: Float64Array.from(counts),
    impurity: Float64Array.from(impurity),
    depth: Int32Array.from(depth),
    nClasses,
    importances: Float64Array.from(importances),
  };
}

/** Class probabilities of a node: weighted totals normalised (uniform for an empty node). */
function nodeProbabilities(t: TreeArrays, node: number): number[] {
  const C = t.nClasses;
  let s = 0;
  for (let c = 0; c < C; c++) s += t.value[node * C + c]!;
  const out = new Array<number>(C);
  for (let c = 0; c < C; c++) out[c] = s > 0 ? t.value[node * C + c]! / s : 1 / C;
  return out;
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

type ModelFactory = (
  features: readonly string[],
  classes: readonly SegmentLabel[],
  tree: TreeArrays,
  forest: readonly TreeArrays[] | null,
  integer: readonly boolean[],
  units: Readonly<Record<string, string>>,
) => SegmentRulesModel;
// Set in the class's static block: lets segmentRules call the private constructor.
let makeModel: ModelFactory;

/**
 * A fitted {@link segmentRules} model: a CART tree read as rules a
 * marketer can act on, its feature importances, and (optionally) a random
 * forest for more accurate predictions. Made by {@link segmentRules} or
 * restored with `SegmentRulesModel.fromJSON`.
 *
 * @example
 * ```ts
 * import { SegmentRulesModel, segmentRules } from '@marksman/segmentation';
 * const profiles = [{ recency: 5 }, { recency: 9 }, { recency: 60 }, { recency: 90 }];
 * const model = segmentRules(profiles, ['active', 'active', 'lapsed', 'lapsed'], { minSamplesLeaf: 1 });
 * const copy = SegmentRulesModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
 * copy.predict([{ recency: 7 }, { recency: 80 }]); // => ['active', 'lapsed']
 * ```
 */
export class SegmentRulesModel {
  /** Feature names, in column order. */
  readonly features: readonly string[];
  /** Class labels, sorted (numbers ascending, then strings). */
  readonly classes: readonly SegmentLabel[];
  /** One rule per leaf, in tree order (pre-order, left before right). */
  readonly rules: readonly SegmentRule[];
  /** The tree's mean decrease in impurity per feature, largest first. */
  readonly featureImportances: readonly FeatureImportance[];
  /** The forest's importances (mean over trees), largest first; `null` without a forest. */
  readonly forestImportances: readonly FeatureImportance[] | null;
  /** The tree's nodes in pre-order. */
  readonly nodes: readonly TreeNode[];
  readonly #tree: TreeArrays;
  readonly #forest: readonly TreeArrays[] | null;
  readonly #integer: readonly boolean[];
  readonly #units: Readonly<Record<string, string>>;

  /** Use {@link segmentRules} or {@link SegmentRulesModel.fromJSON}; this constructor is internal. */
  private constructor(features: readonly string[], classes: readonly SegmentLabel[], tree: TreeArrays, forest: readonly TreeArrays[] | null, integer: readonly boolean[], units: Readonly<Record<string, string>>) {
    this.features = Object.freeze([...features]);
    this.classes = Object.freeze([...classes]);
    this.#tree = tree;
    this.#forest = forest;
    this.#integer = integer;
    this.#units = Object.freeze({ ...units });
    this.nodes = Object.freeze(this.#buildNodes());
    this.rules = Object.freeze(this.#buildRules());
    this.featureImportances = Object.freeze(this.#importances([tree.importances]));
    this.forestImportances = forest === null ? null : Object.freeze(this.#importances(forest.map((t) => t.importances)));
  }

  static {
    makeModel = (features, classes, tree, forest, integer, units) => new SegmentRulesModel(features, classes, tree, forest, integer, units);
  }

  #importances(lists: readonly Float64Array[]): FeatureImportance[] {
    const out = this.features.map((feature, f) => {
      let s = 0;
      for (const l of lists) s += l[f]!;
      return { feature, importance: s / lists.length };
    });
    return out.sort((a, b) => b.importance - a.importance || this.features.indexOf(a.feature) - this.features.indexOf(b.feature));
  }

  #buildNodes(): TreeNode[] {
    const t = this.#tree;
    const C = t.nClasses;
    const out: TreeNode[] = [];
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!;
      out.push(
        Object.freeze({
          id: i,
          feature: f >= 0 ? this.features[f]! : null,
          threshold: f >= 0 ? t.threshold[i]! : null,
          left: t.left[i]!,
          right: t.right[i]!,
          depth: t.depth[i]!,
          samples: t.samples[i]!,
          impurity: t.impurity[i]!,
          counts: Object.freeze(Array.from(t.counts.subarray(i * C, i * C + C))),
          probabilities: Object.freeze(nodeProbabilities(t, i)),
        }),
      );
    }
    return out;
  }

  #bound(f: number, v: number): string {
    // For integer-valued features a midpoint threshold t reads as ⌊t⌋: x ≤ t ⇔ x ≤ ⌊t⌋, x > t ⇔ x > ⌊t⌋.
    return formatNumber(this.#integer[f] ? Math.floor(v) : v);
  }

  #conditionText(f: number, min: number | null, max: number | null): string {
    const name = this.features[f]!;
    const unit = this.#units[name];
    // A currency sign goes before the number ($59.36), any other unit after it (30 days).
    const currency = unit !== undefined && CURRENCY_SIGN.test(unit);
    const before = currency ? unit : '';
    const u = unit === undefined || unit === '' || currency ? '' : ` ${unit}`;
    if (min !== null && max !== null) return `${before}${this.#bound(f, min)} < ${name} ≤ ${before}${this.#bound(f, max)}${u}`;
    if (max !== null) return `${name} ≤ ${before}${this.#bound(f, max)}${u}`;
    return `${name} > ${before}${this.#bound(f, min as number)}${u}`;
  }

  #buildRules(): SegmentRule[] {
    const t = this.#tree;
    const C = t.nClasses;
    const p = this.features.length;
    const rules: SegmentRule[] = [];
    const lo: (number | null)[] = new Array<number | null>(p).fill(null);
    const hi: (number | null)[] = new Array<number | null>(p).fill(null);
    const order: number[] = [];
    const visit = (node: number): void => {
      const f = t.feature[node]!;
      if (f < 0) {
        const conditions: RuleCondition[] = [];
        order.length = 0;
        for (let g = 0; g < p; g++) if (lo[g] !== null || hi[g] !== null) order.push(g);
        for (const g of order) {
          conditions.push(Object.freeze({ feature: this.features[g]!, min: lo[g]!, max: hi[g]!, text: this.#conditionText(g, lo[g]!, hi[g]!) }));
        }
        const probabilities = nodeProbabilities(t, node);
        const k = argmax(probabilities);
        const samples = t.samples[node]!;
        const share = samples > 0 ? t.counts[node * C + k]! / samples : 0;
        const label = this.classes[k]!;
        const head = conditions.length === 0 ? 'all customers' : conditions.map((c) => c.text).join(' and ');
        const text = `${head} → ${String(label)}: ${formatPercent(share)} of ${formatNumber(samples)} ${samples === 1 ? 'customer' : 'customers'}`;
        rules.push(Object.freeze({ leaf: node, conditions: Object.freeze(conditions), label, share, samples, probabilities: Object.freeze(probabilities), text }));
        return;
      }
      const thr = t.threshold[node]!;
      const savedHi = hi[f]!;
      hi[f] = savedHi === null ? thr : Math.min(savedHi, thr);
      visit(t.left[node]!);
      hi[f] = savedHi;
      const savedLo = lo[f]!;
      lo[f] = savedLo === null ? thr : Math.max(savedLo, thr);
      visit(t.right[node]!);
      lo[f] = savedLo;
    };
    visit(0);
    return rules;
  }

  /**
   * The rules as text, one per line.
   *
   * @example
   * ```ts
   * import { segmentRules } from '@marksman/segmentation';
   * const m = segmentRules([{ recency: 5 }, { recency: 9 }, { recency: 60 }, { recency: 90 }], ['Active', 'Active', 'Lapsed', 'Lapsed'], { units: { recency: 'days' } });
   * m.toText(); // => 'recency ≤ 34 days → Active: 100% of 2 customers\nrecency > 34 days → Lapsed: 100% of 2 customers'
   * ```
   */
  toText(): string {
    return this.rules.map((r) => r.text).join('\n');
  }

  #columns(source: string, profiles: ProfilesInput): { columns: readonly Float64Array[]; n: number } {
    return readFeatureColumns(source, profiles, this.features);
  }

  /**
   * Class probabilities per customer, aligned with {@link SegmentRulesModel.classes}:
   * the tree leaf's class-weighted shares, or the mean over the forest's trees
   * when a forest was fitted. O(n · depth · trees).
   *
   * @param profiles - records, a Table or an Apache Arrow table with every feature of the model
   * @throws `ValidationError` `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_EMPTY`, `E_PROFILES_TYPE`
   * @example
   * ```ts
   * import { segmentRules } from '@marksman/segmentation';
   * const m = segmentRules([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }], ['a', 'a', 'b', 'a']);
   * m.predictProba([{ x: 2.6 }, { x: 10 }]); // => [[0, 1], [1, 0]]
   * ```
   */
  predictProba(profiles: ProfilesInput): number[][] {
    const { columns, n } = this.#columns('SegmentRulesModel.predictProba', profiles);
    const trees = this.#forest ?? [this.#tree];
    const C = this.classes.length;
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = new Array<number>(C).fill(0);
      for (const t of trees) {
        const pr = nodeProbabilities(t, leafOf(t, columns, i));
        for (let c = 0; c < C; c++) row[c]! += pr[c]! / trees.length;
      }
      out.push(row);
    }
    return out;
  }

  /**
   * The most probable label per customer (first class on ties), from the
   * tree or, when fitted, the forest. O(n · depth · trees).
   *
   * @param profiles - records, a Table or an Apache Arrow table with every feature of the model
   * @throws `ValidationError` as {@link SegmentRulesModel.predictProba}
   * @example
   * ```ts
   * import { segmentRules } from '@marksman/segmentation';
   * const m = segmentRules([{ orders: 1 }, { orders: 2 }, { orders: 7 }, { orders: 9 }], [0, 0, 1, 1]);
   * m.predict([{ orders: 8 }, { orders: 1 }]); // => [1, 0]
   * ```
   */
  predict(profiles: ProfilesInput): SegmentLabel[] {
    return this.predictProba(profiles).map((row) => this.classes[argmax(row)]!);
  }

  /**
   * Index in {@link SegmentRulesModel.rules} of the rule that covers each
   * customer (always from the readable tree). O(n · depth).
   *
   * @param profiles - records, a Table or an Apache Arrow table with every feature of the model
   * @throws `ValidationError` as {@link SegmentRulesModel.predictProba}
   * @example
   * ```ts
   * import { segmentRules } from '@marksman/segmentation';
   * const m = segmentRules([{ x: 1 }, { x: 2 }, { x: 3 }], ['a', 'b', 'b']);
   * Array.from(m.ruleIndex([{ x: 0 }, { x: 5 }])); // => [0, 1]
   * ```
   */
  ruleIndex(profiles: ProfilesInput): Int32Array {
    const { columns, n } = this.#columns('SegmentRulesModel.ruleIndex', profiles);
    const byLeaf = new Map<number, number>();
    this.rules.forEach((r, k) => byLeaf.set(r.leaf, k));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = byLeaf.get(leafOf(this.#tree, columns, i))!;
    return out;
  }

  /**
   * A plain object that {@link SegmentRulesModel.fromJSON} turns back into an
   * identical model.
   *
   * @example
   * ```ts
   * import { segmentRules, SegmentRulesModel } from '@marksman/segmentation';
   * const m = segmentRules([{ x: 1 }, { x: 3 }], ['a', 'b']);
   * SegmentRulesModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).toText() === m.toText(); // => true
   * ```
   */
  toJSON(): SegmentRulesModelJSON {
    return {
      type: 'marksman.segmentRules',
      version: 1,
      features: [...this.features],
      classes: [...this.classes],
      integerFeatures: [...this.#integer],
      units: { ...this.#units },
      tree: treeToJSON(this.#tree),
      forest: this.#forest === null ? null : this.#forest.map(treeToJSON),
    };
  }

  /**
   * Rebuilds a model from {@link SegmentRulesModel.toJSON} output, checking
   * everything it reads (so a damaged file cannot give wrong answers or make
   * `predict` loop): the type tag and version, unique feature names and class
   * labels, one boolean per feature, unit texts, and every tree (see the
   * checks of each node: pre-order numbering, feature indexes, finite
   * thresholds, non-negative counts).
   *
   * @param json - the output of `toJSON` (possibly after `JSON.parse(JSON.stringify(…))`)
   * @throws `ValidationError` `E_MODEL_JSON` naming the field when the object is not a saved model
   * @example
   * ```ts
   * import { SegmentRulesModel } from '@marksman/segmentation';
   * SegmentRulesModel.fromJSON({ type: 'other' } as never); // throws E_MODEL_JSON
   * ```
   */
  static fromJSON(json: SegmentRulesModelJSON): SegmentRulesModel {
    const source = 'SegmentRulesModel.fromJSON';
    const bad = (field: string, what: string): never => {
      throw new ValidationError('E_MODEL_JSON', `${source}: ${field} ${what}; expected the output of toJSON() (type "marksman.segmentRules", version 1).`, { source, field });
    };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) bad('json', `is ${describeValue(json)}, not an object`);
    if (json.type !== 'marksman.segmentRules') bad('type', `is ${describeValue(json.type)}`);
    if (json.version !== 1) bad('version', `is ${describeValue(json.version)}`);
    const features: unknown = json.features;
    if (!Array.isArray(features) || features.length === 0 || features.some((f) => typeof f !== 'string' || f === '') || new Set(features).size !== features.length) {
      bad('features', 'must be a non-empty array of distinct feature names');
    }
    const classes: unknown = json.classes;
    if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => !(typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))) || new Set(classes).size !== classes.length) {
      bad('classes', 'must be a non-empty array of distinct labels (strings or finite numbers)');
    }
    const p = json.features.length;
    const C = json.classes.length;
    const integer: unknown = json.integerFeatures;
    if (!Array.isArray(integer) || integer.length !== p || integer.some((b) => typeof b !== 'boolean')) bad('integerFeatures', `must hold ${p} booleans (one per feature)`);
    const units: unknown = json.units ?? {};
    if (!isPlainObject(units) || Object.values(units).some((u) => typeof u !== 'string')) bad('units', 'must be an object of unit texts, such as { recency: "days" }');
    const forest: unknown = json.forest;
    if (forest !== null && (!Array.isArray(forest) || forest.length === 0)) bad('forest', 'must be null or a non-empty array of trees');
    return new SegmentRulesModel(
      json.features,
      json.classes,
      treeFromJSON(source, 'tree', json.tree, p, C),
      forest === null ? null : (forest as unknown[]).map((t, i) => treeFromJSON(source, `forest[${i}]`, t, p, C)),
      json.integerFeatures,
      units as Record<string, string>,
    );
  }
}

/**
 * Rules a marketer can read: fits a CART classification tree that explains
 * segment labels (or predicts an outcome such as conversion) from customer
 * features, and reads each leaf as a rule such as
 * `recency ≤ 30 days and frequency > 4 → Champions: 92% of 1,204 customers`.
 * Reports feature importances (mean decrease in impurity) and class
 * probabilities; `forest` adds a random forest (bootstrap rows, a random
 * subset of features per node) for more accurate predictions.
 *
 * The tree follows scikit-learn's `DecisionTreeClassifier`: the same
 * criteria, midpoint thresholds, stopping rules, class weights and
 * importances, so on data without tied candidate splits it grows the same
 * tree (scikit-learn stores features as float32, so its thresholds differ
 * in about the 7th digit). Among tied splits the lowest feature index, then
 * the lowest threshold, wins. Each feature is sorted once and a node
 * partitions sorted index slices, so a fit costs O(p · n log n + depth · n ·
 * p · classes).
 *
 * Rule text uses the feature names, the `units` you give (a currency sign
 * before the number, other units after it), thousands
 * separators and 4 significant digits; a feature whose training values are
 * all integers shows its thresholds as integers (x ≤ 30.5 reads `x ≤ 30`).
 * The structured `conditions` keep the exact thresholds.
 *
 * @param profiles - one record (or Table or Arrow table row) per customer with numeric features
 * @param labels - the segment or outcome of each customer, same order
 * @param options - see {@link SegmentRulesOptions}
 * @returns a {@link SegmentRulesModel}
 * @throws `ValidationError` `E_EMPTY`, `E_PROFILES_TYPE`, `E_NO_FEATURES`,
 *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_ARROW_TYPE` for bad profiles, `E_LABELS_LENGTH`,
 *   `E_LABEL_TYPE` for bad labels; `OptionsError` `E_OPTION_RANGE` (also forest.trees above
 *   10,000), `E_OPTION_UNKNOWN`, `E_SEED` (forest.seed), `E_OPTION_TYPE` (onProgress not a function,
 *   signal not an AbortSignal); `AbortError` `E_ABORTED`
 * @example
 * ```ts
 * import { segmentRules } from '@marksman/segmentation';
 * const profiles = [
 *   { customerId: 'a', recency: 3, orders: 9 }, { customerId: 'b', recency: 10, orders: 6 },
 *   { customerId: 'c', recency: 20, orders: 2 }, { customerId: 'd', recency: 200, orders: 8 },
 *   { customerId: 'e', recency: 300, orders: 1 },
 * ];
 * const m = segmentRules(profiles, ['Champions', 'Champions', 'Promising', 'At risk', 'Lost'], { units: { recency: 'days' } });
 * m.rules[0]!.text; // => 'recency ≤ 15 days → Champions: 100% of 2 customers'
 * m.predict([{ recency: 5, orders: 7 }]); // => ['Champions']
 * m.featureImportances[0]!.feature; // => 'recency'
 * ```
 */
export function segmentRules(profiles: ProfilesInput, labels: readonly SegmentLabel[], options?: SegmentRulesOptions): SegmentRulesModel {
  const source = 'segmentRules';
  const o = resolveOptions(source, DEFAULTS, options);
  const criterion = o.criterion;
  if (criterion !== 'gini' && criterion !== 'entropy') throw rangeError(source, 'criterion', `criterion must be 'gini' or 'entropy', got ${describeValue(criterion)}.`);
  checkName(source, 'idField', o.idField);
  checkCallbacks(source, o.onProgress, o.signal);
  throwIfAborted(o.signal ?? undefined, source);
  const maxDepth = checkInt(source, 'maxDepth', o.maxDepth, 1, true);
  const minSamplesSplit = checkInt(source, 'minSamplesSplit', o.minSamplesSplit, 2, false);
  const minSamplesLeaf = checkInt(source, 'minSamplesLeaf', o.minSamplesLeaf, 1, false);
  if (!isPlainObject(o.units) || Object.values(o.units).some((u) => typeof u !== 'string')) {
    throw rangeError(source, 'units', 'units must be an object of texts such as { recency: "days" }.');
  }
  let forestOptions: Required<RandomForestOptions> | null = null;
  if (o.forest !== null) {
    if (typeof o.forest !== 'object') throw rangeError(source, 'forest', 'forest must be an options object or null.');
    forestOptions = resolveOptions(`${source} (forest)`, FOREST_DEFAULTS, o.forest);
    checkInt(source, 'forest.trees', forestOptions.trees, 1, false, MAX_TREES);
    checkInt(source, 'forest.maxDepth', forestOptions.maxDepth, 1, true);
    checkInt(source, 'forest.minSamplesLeaf', forestOptions.minSamplesLeaf, 1, false);
    checkSeed(source, forestOptions.seed, 'forest.seed');
    const mf = forestOptions.maxFeatures;
    if (mf !== 'sqrt' && mf !== 'all' && !(typeof mf === 'number' && Number.isInteger(mf) && mf >= 1)) {
      throw rangeError(source, 'forest.maxFeatures', `forest.maxFeatures must be 'sqrt', 'all' or an integer ≥ 1, got ${describeValue(mf)}.`);
    }
  }

  const n = profileCount(source, profiles);
  const names = chooseFeatures(source, profiles, o.features, [o.idField]);
  const { columns } = readFeatureColumns(source, profiles, names);
  if (!Array.isArray(labels)) throw new ValidationError('E_LABELS_LENGTH', `${source}: labels must be an array with one label per profile.`, { source, field: 'labels' });
  if (labels.length !== n) {
    throw new ValidationError('E_LABELS_LENGTH', `${source}: ${labels.length} labels for ${n} profiles; give one label per profile, in the same order.`, { source, field: 'labels' });
  }
  const distinct = new Set<SegmentLabel>();
  for (let i = 0; i < n; i++) {
    const v = labels[i] as unknown;
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new ValidationError('E_LABEL_TYPE', `${source}: label ${i} is ${describeValue(v)}; labels must be strings or finite numbers.`, { source, field: 'labels', row: i });
    }
    distinct.add(v);
  }
  const classes = [...distinct].sort(compareLabels);
  const code = new Map<SegmentLabel, number>();
  classes.forEach((c, k) => code.set(c, k));
  const C = classes.length;
  const y = new Int32Array(n);
  const classCount = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    y[i] = code.get(labels[i]!)!;
    classCount[y[i]!]! += 1;
  }

  const cw = new Float64Array(C).fill(1);
  if (o.classWeight === 'balanced') {
    for (let c = 0; c < C; c++) cw[c] = n / (C * classCount[c]!);
  } else if (o.classWeight !== null) {
    if (!isPlainObject(o.classWeight)) throw rangeError(source, 'classWeight', "classWeight must be null, 'balanced' or an object of weights per label.");
    const byName = new Map(classes.map((c, k) => [String(c), k]));
    for (const [key, w] of Object.entries(o.classWeight)) {
      const k = byName.get(key);
      if (k === undefined) throw rangeError(source, 'classWeight', `classWeight names label "${key}", which is not among the labels (${classes.map(String).join(', ')}).`);
      if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) throw rangeError(source, 'classWeight', `classWeight for "${key}" must be a positive number, got ${String(w)}.`);
      cw[k] = w;
    }
  }
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = cw[y[i]!]!;

  // The tree and the forest are @marksman/learn's CART (scikit-learn's rules);
  // the class weights travel as sample weights.
  const fitted = new DecisionTreeClassifier({ criterion, maxDepth, minSamplesSplit, minSamplesLeaf }).fit(columns, y, { sampleWeight: weight, featureNames: names });
  const tree = fromStructure(fitted.tree);

  let forest: TreeArrays[] | null = null;
  if (forestOptions !== null) {
    const f = forestOptions;
    const onProgress = o.onProgress;
    const rf = new RandomForestClassifier({ nEstimators: f.trees, criterion, maxDepth: f.maxDepth, minSamplesSplit, minSamplesLeaf: f.minSamplesLeaf, maxFeatures: f.maxFeatures, seed: f.seed });
    rf.fit(columns, y, {
      sampleWeight: weight,
      featureNames: names,
      signal: o.signal,
      onProgress: onProgress === null ? null : (p) => onProgress({ tree: p.iteration, trees: p.maxIterations }),
    });
    forest = rf.trees.map(fromStructure);
  }

  const integer = columns.map((col) => col.every((v) => Number.isInteger(v)));
  return makeModel(names, classes, tree, forest, integer, o.units);
}
