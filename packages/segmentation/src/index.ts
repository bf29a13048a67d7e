// @marksman/segmentation public entry: explicit named exports only (see CONTRIBUTING.md).
export { kmeans, KMeansModel } from './kmeans';
export type { KMeansOptions, KMeansInit, KMeansModelJSON } from './kmeans';
export type { KMeansProgress } from './kmeans-lloyd';
export { miniBatchKMeans } from './kmeans-minibatch';
export type { MiniBatchKMeansOptions, MiniBatchProgress } from './kmeans-minibatch';
export type { PointColumns, PointMatrix, PointsInput } from './kmeans-input';
export { silhouetteScore, SILHOUETTE_EXACT_LIMIT } from './quality-silhouette';
export type { SilhouetteOptions } from './quality-silhouette';
export { calinskiHarabasz } from './quality-calinski-harabasz';
export { daviesBouldin } from './quality-davies-bouldin';
export { chooseK } from './choose-k';
export type { ChooseKOptions, ChooseKResult, ChooseKRow, ChooseKMetric } from './choose-k';
export { describeClusters } from './describe-clusters';
export type { DescribeClustersOptions, ClusterDescription, ClusterProfile, DistinguishingFeature } from './describe-clusters';

// RFM segments, readable tree rules, lookalike audiences
export { rfmScores } from './rfm-scores';
export type { RfmRecord, RfmScore, RfmScoresOptions, RfmTies } from './rfm-scores';
export { rfmSegments, DEFAULT_RFM_SEGMENTS } from './rfm-segments';
export type { RfmSegmentRule, RfmSegmentAssignment, ScoreRange } from './rfm-segments';
export { segmentRules, SegmentRulesModel } from './segment-rules';
export type {
  SegmentLabel,
  SplitCriterion,
  SegmentRulesOptions,
  RandomForestOptions,
  ForestProgress,
  SegmentRule,
  RuleCondition,
  FeatureImportance,
  TreeNode,
  TreeArraysJSON,
  SegmentRulesModelJSON,
} from './segment-rules';
export type { ProfilesInput } from './tree/profiles-input';
export { lookalike } from './lookalike';
export type { LookalikeMethod, LookalikeOptions, LookalikeDriver, LookalikeMember } from './lookalike';
