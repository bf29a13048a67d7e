// @marksman/recsys public entry: explicit named exports only (see CONTRIBUTING.md).
// The classic models on typed arrays and WebAssembly: nothing here imports
// TensorFlow.js (the learned models live in the `@marksman/recsys/tfjs` entry).

export { Recommender } from './recommender';
export type {
  Recommendation,
  RecommendOptions,
  FitOptions,
  FitProgress,
  ResolvedFit,
  Contribution,
  Explanation,
  ExplainOptions,
  FoldInReport,
  RecommenderJSON,
} from './recommender';

export { Popularity } from './popularity';
export type { PopularityOptions } from './popularity';

export { ItemKNN } from './itemKnn';
export type { ItemKNNOptions } from './itemKnn';

export { ALS } from './als';
export type { ALSOptions } from './als';

export { portableSplit, portableKey, randomUserSplit, leaveLastOutSplit } from './split';
export type { ArrowSplit, InteractionSplit, PortableSplitOptions, RandomUserSplitOptions, LeaveLastOutOptions } from './split';

export { evaluateRanking } from './evaluateRanking';
export type { EvaluateRankingOptions, RankingEvaluation } from './evaluateRanking';
export type { RerankHook } from './rerankHook';
export type { BeyondAccuracyOptions, BeyondAccuracyReport } from './beyondAccuracy';

export { mmrRerank } from './mmrRerank';
export type { MmrRerankOptions } from './mmrRerank';
export { longTailRerank } from './longTailRerank';
export type { LongTailRerankOptions } from './longTailRerank';
export { calibratedRerank } from './calibratedRerank';
export type { CalibratedRerankOptions } from './calibratedRerank';
export { applyBusinessRules } from './applyBusinessRules';
export type { BusinessRules } from './applyBusinessRules';

export { BPR } from './bpr';
export type { BPROptions, BPREngine, BPRTrainingJob, BPRTriples, BPRFactors } from './bpr';

export { ExplicitMF } from './explicitMf';
export type { ExplicitMFOptions } from './explicitMf';

export { evaluateRating } from './evaluateRating';
export type { RatingPredictor, RatingEvaluation } from './evaluateRating';

export { kFoldSplit } from './kFoldSplit';
export type { KFoldSplitOptions } from './kFoldSplit';
