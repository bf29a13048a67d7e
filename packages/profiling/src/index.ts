// @marksman/profiling public entry: explicit named exports only (see CONTRIBUTING.md).

// Customer value (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma, CLV, intervals, holdout report)
export { summarizeForClv } from './summarize-for-clv';
export type { SummarizeForClvOptions, ClvSummary, ClvSummaryRow } from './summarize-for-clv';
export type { ClvTimeUnit } from './time-unit';
export type { ClvCustomer, ClvInput } from './clv/input';
export type { ClvFitProgress, ClvFitReport } from './clv/fit';
export { fitBgNbd, BgNbdModel } from './bg-nbd';
export type { BgNbdParams, FitBgNbdOptions, BgNbdModelJSON } from './bg-nbd';
export type { ClvFitInfo } from './clv/fit-info';
export type { ClvDiagnostic, ClvDiagnosticCode, ClvDiagnosticSeverity, ClvParameterSummary } from './clv/diagnostics';
export { fitParetoNbd, ParetoNbdModel } from './pareto-nbd';
export type { ParetoNbdParams, FitParetoNbdOptions, ParetoNbdModelJSON } from './pareto-nbd';
export { fitMbgNbd, MbgNbdModel } from './mbg-nbd';
export type { MbgNbdParams, FitMbgNbdOptions, MbgNbdModelJSON } from './mbg-nbd';
export { fitBgBb, BgBbModel } from './bg-bb';
export type { BgBbParams, FitBgBbOptions, BgBbModelJSON } from './bg-bb';
export { fitGammaGamma, GammaGammaModel } from './gamma-gamma';
export type { GammaGammaParams, FitGammaGammaOptions, GammaGammaModelJSON } from './gamma-gamma';
export { customerLifetimeValue } from './customer-lifetime-value';
export type { ClvPurchaseModel, CustomerLifetimeValueOptions, CustomerValue } from './customer-lifetime-value';
export { calibrationReport } from './calibration-report';
export type { CalibrationReport, CalibrationReportOptions, CalibrationGroup, CalibrationModelScore, CalibrationChoice, CalibrationModel } from './calibration-report';
export { clvIntervals } from './clv-intervals';
export type { ClvIntervalsOptions, ClvIntervalsProgress, ClvInterval, CustomerIntervals, ClvIntervalTotals, ClvIntervals } from './clv-intervals';

// Cleaning, customer features and scalers (issue 3, sections 1–3)
export { cleanTransactions } from './clean-transactions';
export type {
  CleanAction,
  CleanReason,
  CleanReasonReport,
  CleanReport,
  CleanTransactionsOptions,
  CleanTransactionsResult,
  CleanTransactionColumns,
  CleanedTransactionColumns,
  CleanColumnsResult,
  CancellationMatch,
  OutlierRule,
  QuantileOutlierRule,
  MadOutlierRule,
} from './clean-transactions';
export type { TransactionColumns, TransactionInput } from './features-input';
export type { IdColumn } from './clean-lines';
export type { DataProgress, DataPassOptions } from './data-progress';
export type { ScalerFitOptions } from './scalers/matrix';
export { rfm } from './rfm';
export type { RfmOptions } from './rfm';
export { behaviourFeatures } from './behaviour-features';
export type { BehaviourFeaturesOptions } from './behaviour-features';
export { retentionCohorts } from './retention-cohorts';
export type { RetentionCohortsOptions, RetentionCohort, RetentionCohorts } from './retention-cohorts';
export { cohortRates } from './cohort-rates';
export type { CohortRatesOptions, CohortRate, CohortRates } from './cohort-rates';
export { calibrationHoldoutSplit } from './calibration-holdout-split';
export type { CalibrationHoldoutSplit, CalibrationHoldoutSplitOptions } from './calibration-holdout-split';
export { buildProfiles } from './build-profiles';
export type { BuildProfilesOptions, ProfileSources } from './build-profiles';
export { standardScaler, StandardScaler } from './scalers/standard-scaler';
export type { StandardScalerOptions, StandardScalerJSON } from './scalers/standard-scaler';
export { minMaxScaler, MinMaxScaler } from './scalers/min-max-scaler';
export type { MinMaxScalerOptions, MinMaxScalerJSON } from './scalers/min-max-scaler';
export { robustScaler, RobustScaler } from './scalers/robust-scaler';
export type { RobustScalerOptions, RobustScalerJSON } from './scalers/robust-scaler';
export { log1pTransform, Log1pTransform } from './scalers/log1p-transform';
export type { Log1pTransformOptions, Log1pTransformJSON } from './scalers/log1p-transform';
export { quantileRank, QuantileRank } from './scalers/quantile-rank';
export type { QuantileRankOptions, QuantileRankJSON } from './scalers/quantile-rank';
export type { MatrixInput, MatrixRows, MatrixRecords, MatrixColumns, MatrixOutput } from './scalers/matrix';
