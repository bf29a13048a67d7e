/**
 * A fitted CART tree as flat arrays, one entry per node, nodes numbered in
 * pre-order (a left child directly follows its parent), as scikit-learn's
 * `tree_` arrays. A row goes left at a split when `x[feature] ≤ threshold`.
 * Every array is a copy: changing it does not change the model.
 */
export interface TreeStructure {
  /** Split feature index per node (into `featureNames`), −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold per node, NaN for a leaf. */
  readonly threshold: Float64Array;
  /** Left child per node, −1 for a leaf. */
  readonly left: Int32Array;
  /** Right child per node, −1 for a leaf. */
  readonly right: Int32Array;
  /** Distinct training rows reaching the node (rows with weight 0 are left out). */
  readonly samples: Int32Array;
  /** Total weight of the training rows reaching the node (sample × class weight, × bootstrap count in a forest). */
  readonly weightedSamples: Float64Array;
  /**
   * Node values, node-major with `valueWidth` entries per node: for a classifier
   * the weighted total of each class (divide by their sum for probabilities); for
   * a regressor the weighted mean target.
   */
  readonly value: Float64Array;
  /** Classifier: unweighted training rows per class, node-major; regressor: null. */
  readonly counts: Float64Array | null;
  /** Impurity per node: Gini or entropy (bits) of the weighted classes, or the weighted variance of the target. */
  readonly impurity: Float64Array;
  /** Depth per node (root 0). */
  readonly depth: Int32Array;
  /** Entries of `value` per node: the number of classes, or 1 for a regressor. */
  readonly valueWidth: number;
  /** This tree's mean decrease in impurity per feature, normalised to sum 1 (all 0 for a one-leaf tree). */
  readonly importances: Float64Array;
}

/** The plain-object form of one fitted tree (inside a saved tree or forest). */
export interface TreeJSON {
  /** Split feature index per node, −1 for leaves. */
  readonly feature: number[];
  /** Threshold per node (`null` for leaves). */
  readonly threshold: (number | null)[];
  /** Left child per node. */
  readonly left: number[];
  /** Right child per node. */
  readonly right: number[];
  /** Distinct rows per node. */
  readonly samples: number[];
  /** Total row weight per node. */
  readonly weightedSamples: number[];
  /** Node values, node-major (class totals, or the mean target). */
  readonly value: number[];
  /** Unweighted class counts, node-major; `null` for a regression tree. */
  readonly counts: number[] | null;
  /** Impurity per node. */
  readonly impurity: number[];
  /** Depth per node. */
  readonly depth: number[];
  /** Normalised impurity decrease per feature. */
  readonly importances: number[];
}
