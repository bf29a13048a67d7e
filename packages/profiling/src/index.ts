// @marksman/profiling public entry: explicit named exports only (see CONTRIBUTING.md).

// Customer value (BG/NBD, Pareto/NBD, Gamma-Gamma, CLV)
export { summarizeForClv } from './summarize-for-clv';
export type { SummarizeForClvOptions, ClvSummary, ClvSummaryRow } from './summarize-for-clv';
export type { ClvTimeUnit } from './time-unit';
export type { ClvCustomer, ClvInput } from './clv/input';
export type { ClvFitReport } from './clv/fit';
export { fitBgNbd, BgNbdModel } from './bg-nbd';
export type { BgNbdParams, FitBgNbdOptions, BgNbdModelJSON, ClvFitInfo } from './bg-nbd';
export { fitParetoNbd, ParetoNbdModel } from './pareto-nbd';
export type { ParetoNbdParams, FitParetoNbdOptions, ParetoNbdModelJSON } from './pareto-nbd';
export { fitGammaGamma, GammaGammaModel } from './gamma-gamma';
export type { GammaGammaParams, FitGammaGammaOptions, GammaGammaModelJSON } from './gamma-gamma';
export { customerLifetimeValue } from './customer-lifetime-value';
export type { ClvPurchaseModel, CustomerLifetimeValueOptions, CustomerValue } from './customer-lifetime-value';
