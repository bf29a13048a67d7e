// Names shared by fitUplift and UpliftModel.

/** How an uplift model is built from base learners (see {@link fitUplift}). */
export type UpliftMethod = 's-learner' | 't-learner' | 'x-learner' | 'class-transformation';

/** Base learner family of an uplift model: logistic (LinearRegression for regression), histogram gradient boosting or random forest. */
export type UpliftLearner = 'logistic' | 'gbm' | 'forest';

/** A treatment arm's label as it appears in the data: text, a finite number or a boolean. */
export type UpliftArm = string | number | boolean;

/** How one feature field is turned into model columns. */
export interface UpliftFeature {
  /** The field name in the records. */
  readonly name: string;
  /** `'numeric'`: used as it is (booleans as 0/1); `'categorical'`: one-hot, one column per level. */
  readonly kind: 'numeric' | 'categorical';
  /** Levels of a categorical feature, sorted (each becomes a column `name=level`); `null` for a numeric one. */
  readonly levels: readonly string[] | null;
}

/** Progress of {@link fitUplift}, reported after each base model is fitted. */
export interface UpliftFitProgress {
  /** Base models fitted so far. */
  readonly step: number;
  /** Base models this fit fits in all. */
  readonly steps: number;
  /** What was just fitted, e.g. `"outcome model, arm 'Womens E-Mail'"`. */
  readonly model: string;
}
