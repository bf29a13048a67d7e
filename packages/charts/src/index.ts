// @marksman/charts public entry: explicit named exports only (see CONTRIBUTING.md).
// Every function returns a plain Vega-Lite spec (JSON); rendering lives in
// the `@marksman/charts/render` entry, which loads vega and vega-lite.

export { VEGA_LITE_SCHEMA } from './spec';
export type { VegaLiteSpec, ChartRow, ChartOptions } from './spec';

// Classification and targeting curves (from @marksman/metrics)
export { rocChart } from './roc-chart';
export { precisionRecallChart } from './precision-recall-chart';
export { calibrationChart } from './calibration-chart';
export { gainChart } from './gain-chart';
export { liftChart } from './lift-chart';
export { upliftChart, qiniChart } from './uplift-chart';

// Segments (from @marksman/segmentation)
export { chooseKChart } from './choose-k-chart';
export { clusterProfileChart } from './cluster-profile-chart';
export { rfmSegmentChart } from './rfm-segment-chart';

// Customers and their value (from @marksman/profiling)
export { clvCalibrationChart } from './clv-calibration-chart';
export type { ClvCalibrationChartOptions } from './clv-calibration-chart';
export { clvCalibrationReportChart } from './clv-calibration-report-chart';
export { probabilityAliveChart } from './probability-alive-chart';
export type { ProbabilityAliveModel, ProbabilityAliveChartOptions } from './probability-alive-chart';
export { retentionChart } from './retention-chart';

// Experiments (from @marksman/experiments)
export { forestPlot } from './forest-plot';
export type { ForestPlotOptions } from './forest-plot';
export { sequentialChart } from './sequential-chart';
export type { SequentialChartOptions } from './sequential-chart';
export { banditAllocationChart } from './bandit-allocation-chart';
export type { BanditAllocationChartOptions } from './bandit-allocation-chart';
export { regretChart } from './regret-chart';
export type { RegretChartOptions } from './regret-chart';

// Attribution (from @marksman/metrics) and recommender training (from @marksman/recsys)
export { attributionChart } from './attribution-chart';
export { trainingLossChart } from './training-loss-chart';
export type { TrainingHistory, TrainingValidationScore } from './training-loss-chart';

// The HTML report: sections of text, tables and rendered charts in one self-contained page
export { htmlReport } from './html-report';
export type { HtmlReportInput, ReportSection, ReportChart, ReportTable } from './html-report';
