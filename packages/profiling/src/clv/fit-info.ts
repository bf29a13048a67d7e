// The fit facts every fitted customer-value model carries (public type).
import type { ClvDiagnostic } from './diagnostics';
import type { ClvFitReport } from './fit';

/** How a model was fitted (absent for a model built from given parameters). */
export interface ClvFitInfo<P> {
  /** Total log-likelihood at the estimate (without the penalty). */
  readonly logLikelihood: number;
  /** Asymptotic standard errors θ·SE(ln θ) from the observed information; NaN where it is not positive definite. */
  readonly standardErrors: P;
  /**
   * Covariance of the log-parameters ln θ: the inverse of the observed
   * information (Hessian of the negative log-likelihood in ln θ), rows and
   * columns in the order of the parameters; `null` when that Hessian is not
   * positive definite (or in a model saved before covariances were kept).
   * The per-customer intervals of {@link clvIntervals} sample from it.
   */
  readonly covariance: readonly (readonly number[])[] | null;
  /** What the numbers say about how far the fit can be trusted, most severe first (see {@link ClvDiagnostic}). */
  readonly diagnostics: readonly ClvDiagnostic[];
  /** Customers in the fit. */
  readonly nCustomers: number;
  /** The L2 penalty coefficient used. */
  readonly penalty: number;
  /** The optimiser's report. */
  readonly report: ClvFitReport;
}
