// @marksman/learn public entry: explicit named exports only (see CONTRIBUTING.md).
// Supervised learners shared by segment rules, uplift and propensity models.
export { LogisticRegression } from './logistic-regression';
export type { LogisticRegressionOptions, LogisticRegressionJSON } from './logistic-regression';
export { LinearRegression } from './linear-regression';
export type { LinearRegressionOptions, LinearRegressionJSON } from './linear-regression';
export { DecisionTreeClassifier } from './decision-tree-classifier';
export type { DecisionTreeClassifierOptions, DecisionTreeClassifierJSON } from './decision-tree-classifier';
export { DecisionTreeRegressor } from './decision-tree-regressor';
export type { DecisionTreeRegressorOptions, DecisionTreeRegressorJSON } from './decision-tree-regressor';
export { RandomForestClassifier } from './random-forest-classifier';
export type { RandomForestClassifierOptions, RandomForestClassifierJSON } from './random-forest-classifier';
export { RandomForestRegressor } from './random-forest-regressor';
export type { RandomForestRegressorOptions, RandomForestRegressorJSON } from './random-forest-regressor';
export { HistGradientBoostingClassifier } from './hist-gradient-boosting-classifier';
export type { HistGradientBoostingClassifierOptions, HistGradientBoostingClassifierJSON } from './hist-gradient-boosting-classifier';
export { HistGradientBoostingRegressor } from './hist-gradient-boosting-regressor';
export type { HistGradientBoostingRegressorOptions, HistGradientBoostingRegressorJSON } from './hist-gradient-boosting-regressor';
export type { HgbTreeJSON } from './internal/hgb-model';
export type { TreeStructure, TreeJSON } from './tree-structure';
export type { FeatureInput, ClassLabel, LabelInput, TargetInput, LearnerFitOptions, LearnerFitProgress, Classifier, Regressor } from './types';
