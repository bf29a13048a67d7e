// @marksman/experiments public entry: explicit named exports only (see CONTRIBUTING.md).

// --- Assignment (GrowthBook-compatible) ---
export { hash } from './hash';
export type { HashVersion } from './hash';
export { getBucketRanges, chooseVariation } from './buckets';
export type { BucketRange } from './buckets';
export { inNamespace, namespaceSlots } from './namespace';
export type { Namespace } from './namespace';
export { assign } from './assign';
export type { ExperimentDefinition, Holdout, Assignment, AssignmentReason, AssignOptions, ExposureRecord } from './assign';

// --- Design (power, sample size, MDE, duration) ---
export { power, sampleSizeMeans, sampleSizeProportions, minimumDetectableEffect, experimentDuration } from './design';
export type {
  PowerTest,
  PowerEffect,
  ProportionEffect,
  MeanEffect,
  DesignOptions,
  SampleSizeOptions,
  MeanSampleSizeOptions,
  ProportionSampleSizeOptions,
  MdeOptions,
  SampleSize,
  MinimumDetectableEffect,
  Duration,
} from './design';

// --- Frequentist analysis (z, Welch t, lift, ratio metrics, CUPED, SRM, multiple testing, summary) ---
export { proportionsZTest } from './ztest';
export type { TestOptions, ProportionsZTestResult } from './ztest';
export type { Alternative } from './internal/inference';
export type { LiftMethod } from './internal/relative';
export type { MeanSdInput, MeanSample, ProportionSample } from './internal/samples';
export { welchTTest } from './ttest';
export type { WelchTTestResult } from './ttest';
export { relativeLift } from './lift';
export type { RelativeLiftResult } from './lift';
export { ratioMetricTest } from './ratio';
export type { RatioInput, RatioRows, RatioMetricTestResult, RatioMetricMoments } from './ratio';
export { ratioMetricMoments } from './ratioMetricMoments';
export { cuped } from './cuped';
export type {
  CupedMeanInput,
  CupedRatioInput,
  CupedCombinedMeanRow,
  CupedCombinedRatioRow,
  CupedMeanRows,
  CupedRatioRows,
  CupedSample,
  CupedOptions,
  CupedTheta,
  CupedCovariates,
  CupedCovariateLayout,
  CupedResult,
  CupedUnadjusted,
  CovariateSums,
  CovariateCrossSums,
} from './cuped';
export { srmTest } from './srm';
export type { SrmOptions, SrmResult } from './srm';
export { capMetric } from './capMetric';
export type { CapOptions, CappedMetric } from './capMetric';
export { adjustPValues } from './adjust';
export { dimensionBreakdown } from './dimensionBreakdown';
export type { DimensionSegment, SegmentTestResult, DimensionBreakdownOptions, DimensionSegmentResult, DimensionBreakdown } from './dimensionBreakdown';
export type { AdjustMethod } from './adjust';
export { summarizeExperiment } from './summary';
export type {
  SummarizableResult,
  MetricRole,
  DiffFormat,
  MetricSummaryInput,
  SummaryOptions,
  MetricVerdict,
  ExperimentSummary,
} from './summary';

// --- Bayesian analysis (beta-binomial, normal) ---
export { bayesBinomial } from './bayesian/bayesBinomial';
export type { BayesBinomialOptions, BayesBinomialArm, BayesBinomialComparison, BayesBinomialResult } from './bayesian/bayesBinomial';
export { bayesNormal } from './bayesian/bayesNormal';
export type { BayesNormalOptions, BayesNormalComparison, BayesNormalResult } from './bayesian/bayesNormal';
export type { BayesArm, BayesComparison, BayesDifference } from './bayesian/bayesTypes';
export type { ProportionInput, MeanInput } from './bayesian/inputs';

// --- Sequential testing (mSPRT, confidence sequences) ---
export { sequentialTest } from './sequentialTest';
export type { SequentialTestOptions, SequentialComparison, SequentialTestResult } from './sequentialTest';
export { sequentialSampleSize } from './sequentialSampleSize';
export { groupSequentialDesign } from './groupSequentialDesign';
export type { SpendingFunction, GroupSequentialDesignOptions, GroupSequentialDesign } from './groupSequentialDesign';
export { groupSequentialTest } from './groupSequentialTest';
export type { GroupSequentialTestOptions, GroupSequentialDecision, GroupSequentialComparison, GroupSequentialTestResult } from './groupSequentialTest';
export type { SequentialProportionEffect, SequentialMeanEffect, SequentialSampleSizeOptions, SequentialSampleSize } from './sequentialSampleSize';

// --- Bandits ---
export { ThompsonSampling } from './bandits/ThompsonSampling';
export type { ThompsonSamplingOptions, ThompsonSamplingJSON, ThompsonLikelihood } from './bandits/ThompsonSampling';
export { KLUCB } from './bandits/KLUCB';
export type { KLUCBOptions, KLUCBJSON, KLUCBExploration } from './bandits/KLUCB';
export { UCB1 } from './bandits/UCB1';
export type { UCB1Options, UCB1JSON } from './bandits/UCB1';
export { EpsilonGreedy } from './bandits/EpsilonGreedy';
export type { EpsilonGreedyOptions, EpsilonGreedyJSON } from './bandits/EpsilonGreedy';
export { simulateBandit } from './bandits/simulateBandit';
export type { BanditArm, BernoulliBanditArm, GaussianBanditArm, SimulateBanditOptions, BanditSimulation, BanditSimulationProgress } from './bandits/simulateBandit';
export type { BanditPolicy, BanditAllocation, BanditArmSummary, BanditStatsJSON } from './bandits/banditTypes';

// --- Targeting under a budget (whom to contact, what it earns, is it fair) ---
export { targetAudience } from './targeting/targetAudience';
export type {
  TargetAudienceOptions,
  TargetingEvaluation,
  AudienceEstimate,
  TargetingBreakEven,
  TargetAudience,
} from './targeting/targetAudience';
export type { UpliftScorer, TargetingInterval } from './targeting/targetingInput';
export type { TargetingFairness, TargetingGroup, TargetingGroupOutcomes } from './targeting/targetingFairness';
// --- Uplift models ---
export { fitUplift } from './uplift/fitUplift';
export type { FitUpliftOptions } from './uplift/fitUplift';
export { UpliftModel } from './uplift/UpliftModel';
export type { UpliftModelJSON } from './uplift/UpliftModel';
export type { UpliftMethod, UpliftLearner, UpliftArm, UpliftFeature, UpliftFitProgress } from './uplift/upliftTypes';
