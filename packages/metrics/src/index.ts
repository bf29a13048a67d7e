// @marksman/metrics public entry: explicit named exports only (see CONTRIBUTING.md).

// Clustering agreement
export { contingencyTable } from './contingencyTable';
export type { ContingencyTable } from './contingencyTable';
export { adjustedRandIndex } from './adjustedRandIndex';
export { normalizedMutualInfo } from './normalizedMutualInfo';
export type { EntropyAverage, NormalizedMutualInfoOptions } from './normalizedMutualInfo';

// Ranking (recommenders, binary relevance)
export { precisionAtK, recallAtK, ndcgAtK, averagePrecisionAtK, reciprocalRank, hitRateAtK } from './rankingMetrics';
export type { RelevantItems } from './rankingMetrics';
export { rankingReport } from './rankingReport';
export type { RankingReport, RankingReportOptions, RankingPerUser } from './rankingReport';
export type { PerUser } from './perUser';
export { catalogueCoverage } from './catalogueCoverage';
export type { CatalogueCoverageOptions } from './catalogueCoverage';
export { novelty } from './novelty';
export type { NoveltyOptions } from './novelty';

// Beyond accuracy (exposure, diversity, long tail, calibration)
export { giniOfExposure } from './giniOfExposure';
export type { GiniOfExposureOptions, ExposureWeighting } from './giniOfExposure';
export { itemSimilarity } from './itemSimilarity';
export type { ItemSimilarity, ItemSimilaritySource, FeatureSimilarity } from './itemSimilarity';
export { intraListDiversity } from './intraListDiversity';
export type { IntraListDiversityOptions } from './intraListDiversity';
export { personalization } from './personalization';
export type { PersonalizationOptions } from './personalization';
export { longTailItems } from './longTailItems';
export type { LongTailItemsOptions } from './longTailItems';
export { longTailShare } from './longTailShare';
export type { LongTailShareOptions } from './longTailShare';
export { miscalibration } from './miscalibration';
export type { MiscalibrationOptions } from './miscalibration';

// Marketing KPIs
export {
  conversionRate,
  clickThroughRate,
  costPerAcquisition,
  costPerClick,
  returnOnInvestment,
  returnOnAdSpend,
  averageOrderValue,
  repeatPurchaseRate,
  churnRate,
  customerAcquisitionCost,
} from './marketingKpis';

// KPIs with intervals, and incremental KPIs of an experiment
export {
  wilsonInterval,
  conversionRateInterval,
  clickThroughRateInterval,
  repeatPurchaseRateInterval,
  churnRateInterval,
} from './rateIntervals';
export {
  ratioInterval,
  costPerAcquisitionInterval,
  costPerClickInterval,
  customerAcquisitionCostInterval,
  returnOnAdSpendInterval,
  returnOnInvestmentInterval,
  averageOrderValueInterval,
} from './ratioIntervals';
export type { RatioUnits } from './ratioIntervals';
export type { KpiEstimate, KpiIntervalMethod, KpiIntervalOptions } from './kpiEstimate';
export { incrementalKpis } from './incrementalKpis';
export type { ArmStats, ExperimentTotals, IncrementalKpis, IncrementalKpisOptions } from './incrementalKpis';
export { historicClv } from './historicClv';
export type { HistoricClvInput } from './historicClv';

// Mergeable streaming accumulators
export { MeanAccumulator } from './MeanAccumulator';
export type { MeanStats, MeanAccumulatorJSON } from './MeanAccumulator';
export { ProportionAccumulator } from './ProportionAccumulator';
export type { ProportionStats } from './ProportionAccumulator';
export { RatioAccumulator } from './RatioAccumulator';
export { CovarianceAccumulator } from './CovarianceAccumulator';
export type { RatioStats, ComomentsJSON } from './bivariate';

// Classification
export { confusionMatrix } from './confusionMatrix';
export type { ConfusionMatrix, ConfusionMatrixOptions } from './confusionMatrix';
export { precisionRecallF1 } from './precisionRecallF1';
export type { ClassAverage, PrecisionRecallF1, PrecisionRecallF1Options, PerClassScores } from './precisionRecallF1';
export type { BinaryLabel } from './binaryInput';
export { rocAuc } from './rocAuc';
export { averagePrecisionScore } from './averagePrecisionScore';
export { rocCurve } from './rocCurve';
export type { RocCurve, RocCurveOptions } from './rocCurve';
export { precisionRecallCurve } from './precisionRecallCurve';
export type { PrecisionRecallCurve } from './precisionRecallCurve';
export { logLoss } from './logLoss';
export type { LogLossOptions } from './logLoss';
export { brierScore } from './brierScore';
export { calibrationCurve } from './calibrationCurve';
export type { CalibrationCurve, CalibrationCurveOptions } from './calibrationCurve';

// Uplift
export { upliftCurve, qiniCurve, qiniCoefficient, areaUnderUpliftCurve } from './upliftCurves';
export type { UpliftCurve, QiniCoefficientOptions } from './upliftCurves';
export { upliftAtK } from './upliftAtK';
export type { UpliftAtKOptions, UpliftStrategy } from './upliftAtK';
export { upliftByPercentile } from './upliftByPercentile';
export type { UpliftByPercentileOptions, UpliftByPercentile, UpliftPercentileRow } from './upliftByPercentile';

// Fairness
export {
  fairnessByGroup,
  demographicParityDifference,
  demographicParityRatio,
  equalOpportunityDifference,
  equalizedOddsDifference,
} from './fairness';
export type { GroupRates } from './fairness';

// Attribution
export { attribution } from './attribution';
export type { AttributionModel, AttributionOptions, AttributionResult, ConversionPath } from './attribution';

// Privacy: k-anonymity thresholds and differentially private releases
export { kAnonymize } from './kAnonymize';
export type { KAnonymityMode, KAnonymizeOptions, KAnonymityResult, KAnonymityArrowResult, SmallCell } from './kAnonymize';
export { PrivacyBudget } from './PrivacyBudget';
export type { PrivacyBudgetOptions, PrivacySpend, PrivacyLoss } from './PrivacyBudget';
export { privateCount, privateSum, privateMean } from './differentialPrivacy';
export type { PrivacyMechanism, PrivateCountOptions, PrivateSumOptions, PrivateRelease } from './differentialPrivacy';

// Streaming sketches (mergeable)
export { QuantileSketch } from './QuantileSketch';
export type { QuantileSketchOptions, QuantileSketchJSON } from './QuantileSketch';
export { HyperLogLog } from './HyperLogLog';
export type { HyperLogLogOptions, HyperLogLogJSON } from './HyperLogLog';
