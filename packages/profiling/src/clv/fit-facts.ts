// Internal: turns an optimiser outcome into the fit facts a model carries
// (standard errors by name, covariance, diagnostics).
import type { ClvTimeUnit } from '../time-unit';
import { diagnose, formatNumber } from './diagnostics';
import type { ClvModelKind, HoldoutCheck } from './diagnostics';
import type { Patterns } from './compress';
import type { FitOutcome } from './fit';
import type { ClvFitInfo } from './fit-info';
import type { ClvColumns, ClvCustomer } from './input';

/** Words for a holdout period, e.g. "the 13-week holdout". */
export function holdoutPeriod(duration: number, unit: ClvTimeUnit | undefined): string {
  return `the ${formatNumber(duration)}-${unit ?? 'time-unit'} holdout`;
}

/**
 * Predicted against actual purchases in the summary's holdout period, or
 * undefined when the input has no holdout columns. With `patterns` (the
 * same customers grouped by identical history), each distinct history is
 * predicted once and weighted by its count.
 */
export function holdoutPurchases(cols: ClvColumns, predict: (t: number, c: ClvCustomer) => number, patterns?: Patterns): HoldoutCheck | undefined {
  const h = cols.holdout;
  if (h === undefined) return undefined;
  let predicted = 0;
  let actual = 0;
  if (patterns === undefined) {
    for (let i = 0; i < cols.n; i++) predicted += predict(h.duration, { frequency: cols.x[i]!, recency: cols.tx[i]!, T: cols.T[i]! });
  } else {
    for (let i = 0; i < patterns.k; i++) predicted += patterns.w[i]! * predict(h.duration, { frequency: patterns.x[i]!, recency: patterns.tx[i]!, T: patterns.T[i]! });
  }
  for (let i = 0; i < cols.n; i++) actual += h.counts[i]!;
  return { predicted, actual, what: 'purchases', period: holdoutPeriod(h.duration, cols.timeUnit) };
}


/** The fit facts of a model (internal). */
export function fitInfo<P>(o: {
  model: ClvModelKind;
  names: readonly string[];
  fit: FitOutcome;
  nCustomers: number;
  repeatCustomers: number;
  penalty: number;
  correlation?: number | undefined;
  holdout?: HoldoutCheck | undefined;
}): ClvFitInfo<P> {
  const se: Record<string, number> = {};
  o.names.forEach((name, i) => (se[name] = o.fit.standardErrors[i]!));
  return {
    logLikelihood: o.fit.logLikelihood,
    standardErrors: se as P,
    covariance: o.fit.covariance,
    diagnostics: diagnose({
      model: o.model,
      names: o.names,
      theta: o.fit.theta,
      standardErrors: o.fit.standardErrors,
      logHessian: o.fit.logHessian,
      report: o.fit.report,
      nCustomers: o.nCustomers,
      repeatCustomers: o.repeatCustomers,
      correlation: o.correlation,
      holdout: o.holdout,
    }),
    nCustomers: o.nCustomers,
    penalty: o.penalty,
    report: o.fit.report,
  };
}
