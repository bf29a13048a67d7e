// What a customer-value fit says about how far it can be trusted: the
// diagnostics every fitted model carries, and the parameter summary table.
// `converged` only says that the optimiser met its test; whether the data
// identify the parameters is a separate question, answered here.
import { OptionsError } from '@marksman/core';
import type { ClvFitReport } from './fit';
import { normalPpf } from '@marksman/core/internal';
import { symmetricEigen } from './uncertainty';

/**
 * The stable codes of {@link ClvDiagnostic}:
 *
 * - `CLV_NOT_CONVERGED` — the optimiser stopped before its convergence test passed;
 * - `CLV_PARAMETER_AT_BOUNDARY` — a shape parameter below 0.01 or above 1,000: the
 *   distribution it shapes has collapsed (all mass at an edge, or no spread at all);
 * - `CLV_SE_EXCEEDS_ESTIMATE` — a standard error larger than its estimate;
 * - `CLV_HESSIAN_NOT_PD` — the observed information is not positive definite: no
 *   standard errors, no covariance, no intervals;
 * - `CLV_FLAT_LIKELIHOOD` — along some combination of log-parameters, moving by 1 (a factor
 *   of e) changes the log-likelihood by less than 0.5: the data cannot tell those values apart;
 * - `CLV_FEW_REPEAT_CUSTOMERS` — fewer than 50 customers with a repeat purchase;
 * - `CLV_SPEND_FREQUENCY_CORRELATION` — Gamma-Gamma's independence assumption: the
 *   correlation between frequency and mean spend of the repeat customers (`info` below
 *   0.3 in absolute value, `warning` from 0.3);
 * - `CLV_HOLDOUT_FIT` — the holdout check passed (predicted total within 15 % of the actual);
 * - `CLV_POOR_HOLDOUT_FIT` — it did not (more than 15 % off).
 */
export type ClvDiagnosticCode =
  | 'CLV_NOT_CONVERGED'
  | 'CLV_PARAMETER_AT_BOUNDARY'
  | 'CLV_SE_EXCEEDS_ESTIMATE'
  | 'CLV_HESSIAN_NOT_PD'
  | 'CLV_FLAT_LIKELIHOOD'
  | 'CLV_FEW_REPEAT_CUSTOMERS'
  | 'CLV_SPEND_FREQUENCY_CORRELATION'
  | 'CLV_HOLDOUT_FIT'
  | 'CLV_POOR_HOLDOUT_FIT';

/** How much a diagnostic matters: `error` (do not use the predictions), `warning` (use with care), `info` (for the record). */
export type ClvDiagnosticSeverity = 'error' | 'warning' | 'info';

/** One finding about a fitted customer-value model. */
export interface ClvDiagnostic {
  /** Stable code, for programs (see {@link ClvDiagnosticCode}). */
  readonly code: ClvDiagnosticCode;
  /** How much it matters. */
  readonly severity: ClvDiagnosticSeverity;
  /** A sentence for people: what was found, with the numbers, and what it means. */
  readonly message: string;
  /** The parameters concerned, when the finding is about parameters. */
  readonly parameters?: readonly string[];
  /** The number that triggered the finding (an estimate, a correlation, a relative error…), when there is one. */
  readonly value?: number;
}

/** One row of a model's `summary()`: estimate, standard error and interval of one parameter. */
export interface ClvParameterSummary {
  /** Parameter name. */
  readonly parameter: string;
  /** Maximum-likelihood estimate. */
  readonly estimate: number;
  /** Asymptotic standard error (NaN when the information is not positive definite or the model was not fitted). */
  readonly standardError: number;
  /** Lower end of the interval: exp(ln θ − z·SE(ln θ)) (NaN when not available). */
  readonly lower: number;
  /** Upper end of the interval: exp(ln θ + z·SE(ln θ)). */
  readonly upper: number;
}

/** Which customer-value model, for the sentences. */
export type ClvModelKind = 'bg-nbd' | 'mbg-nbd' | 'pareto-nbd' | 'gamma-gamma' | 'bg-bb';

const LABEL: Readonly<Record<ClvModelKind, string>> = Object.freeze({
  'bg-nbd': 'BG/NBD',
  'mbg-nbd': 'MBG/NBD',
  'pareto-nbd': 'Pareto/NBD',
  'gamma-gamma': 'Gamma-Gamma',
  'bg-bb': 'BG/BB',
});

/** What an extreme shape parameter means, low and high; rate (scale) parameters carry units and are not judged on their own. */
const DROPOUT_PROBABILITY = {
  low: 'dropout probabilities are piled up at zero: the model says almost nobody ever drops out, so P(alive) is close to 1 for everyone and dropout is not identified by these data',
  high: 'every customer has nearly the same dropout probability',
};
const STAYING = {
  low: 'dropout probabilities are piled up at one: almost everybody drops out at the first chance',
  high: 'dropout probabilities are close to zero for everybody (the mean dropout probability is tiny), so P(alive) is close to 1',
};
const PURCHASE_RATE = {
  low: 'purchase rates are extremely uneven: a handful of customers would account for nearly all purchases',
  high: 'every customer buys at nearly the same rate',
};
const SHAPES: Readonly<Record<ClvModelKind, Readonly<Record<string, { low: string; high: string }>>>> = Object.freeze({
  'bg-nbd': { r: PURCHASE_RATE, a: DROPOUT_PROBABILITY, b: STAYING },
  'mbg-nbd': { r: PURCHASE_RATE, a: DROPOUT_PROBABILITY, b: STAYING },
  'pareto-nbd': {
    r: PURCHASE_RATE,
    s: {
      low: 'dropout rates are piled up at zero: the model says almost nobody ever leaves, so P(alive) is close to 1 for everyone and dropout is not identified by these data',
      high: 'every customer has nearly the same dropout rate; s and beta are then not identified separately, only their ratio s/beta (the mean dropout rate) is',
    },
  },
  'gamma-gamma': {
    p: { low: "a customer's spend varies enormously from one purchase to the next", high: 'each customer spends nearly the same amount at every purchase' },
    q: { low: 'mean spend varies enormously between customers (below q = 1 the population mean spend is infinite)', high: 'all customers have nearly the same mean spend' },
  },
  'bg-bb': {
    alpha: { low: 'purchase probabilities are piled up at zero', high: 'every customer has nearly the same purchase probability' },
    beta: { low: 'purchase probabilities are piled up at one', high: 'purchase probabilities are close to zero for everybody' },
    gamma: DROPOUT_PROBABILITY,
    delta: STAYING,
  },
});

/** A shape parameter outside [SHAPE_LOW, SHAPE_HIGH] is at the boundary of its space. */
export const SHAPE_LOW = 0.01;
/** See {@link SHAPE_LOW}. */
export const SHAPE_HIGH = 1000;
/** Fewer repeat customers than this is too few to trust the fit. */
export const MIN_REPEAT_CUSTOMERS = 50;
/** |correlation| from which Gamma-Gamma's independence assumption is in doubt. */
export const CORRELATION_WARNING = 0.3;
/** Relative error of the holdout total above which the holdout fit is poor. */
export const HOLDOUT_TOLERANCE = 0.15;

/** A number for a sentence: three significant digits, exponent notation when very small or large. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e7) return v.toExponential(1).replace('e+', 'e');
  return a >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

/** The holdout comparison a fit can make when its summary carries a holdout period. */
export interface HoldoutCheck {
  /** Model prediction of the holdout total. */
  readonly predicted: number;
  /** What happened. */
  readonly actual: number;
  /** What is counted: purchases, or mean spend per purchase. */
  readonly what: 'purchases' | 'spend';
  /** Words for the period, e.g. "the 13-week holdout". */
  readonly period: string;
}

/** Everything the diagnostics look at (internal). */
export interface DiagnosticsInput {
  readonly model: ClvModelKind;
  readonly names: readonly string[];
  readonly theta: ArrayLike<number>;
  readonly standardErrors: ArrayLike<number>;
  readonly logHessian: readonly (readonly number[])[] | null;
  readonly report: ClvFitReport;
  readonly nCustomers: number;
  readonly repeatCustomers: number;
  readonly correlation?: number | undefined;
  readonly holdout?: HoldoutCheck | undefined;
}

/** The diagnostics of a fit, most severe first (internal). */
export function diagnose(d: DiagnosticsInput): ClvDiagnostic[] {
  const label = LABEL[d.model];
  const out: ClvDiagnostic[] = [];
  if (!d.report.converged) {
    out.push({
      code: 'CLV_NOT_CONVERGED',
      severity: 'error',
      message: `The ${label} optimiser stopped before converging (${d.report.message}; gradient norm ${formatNumber(d.report.gradientNorm)} after ${d.report.iterations} iterations): the parameters are not a maximum of the likelihood. Raise maxIterations or try other initialParams.`,
    });
  }
  const shapes = SHAPES[d.model];
  d.names.forEach((name, i) => {
    const v = d.theta[i]!;
    const meaning = shapes[name];
    if (meaning === undefined || (v >= SHAPE_LOW && v <= SHAPE_HIGH)) return;
    const low = v < SHAPE_LOW;
    out.push({
      code: 'CLV_PARAMETER_AT_BOUNDARY',
      severity: 'warning',
      parameters: [name],
      value: v,
      message: `${label} parameter ${name} = ${formatNumber(v)} is at the edge of its range (${low ? `below ${SHAPE_LOW}` : `above ${SHAPE_HIGH.toLocaleString('en-US')}`}), which means that ${low ? meaning.low : meaning.high}. Predictions that depend on it are not supported by the data.`,
    });
  });
  let anyNaN = false;
  d.names.forEach((name, i) => {
    const v = d.theta[i]!;
    const se = d.standardErrors[i]!;
    if (Number.isNaN(se)) {
      anyNaN = true;
      return;
    }
    if (se > v) {
      out.push({
        code: 'CLV_SE_EXCEEDS_ESTIMATE',
        severity: 'warning',
        parameters: [name],
        value: se / v,
        message: `The standard error of ${label} parameter ${name} (${formatNumber(se)}) is larger than ${name} itself (${formatNumber(v)}): the data hardly pin ${name} down, and anything that leans on it (P(alive), purchases over long horizons) is uncertain. Common causes: a short observation period, few repeat buyers, or a model that does not suit the data.`,
      });
    }
  });
  if (d.logHessian === null || anyNaN) {
    out.push({
      code: 'CLV_HESSIAN_NOT_PD',
      severity: 'warning',
      parameters: [...d.names],
      message: `The ${label} likelihood's curvature (observed information) is not positive definite at the estimate, so there are no standard errors, covariance or intervals: the estimate is not a well-defined maximum, typically because some parameters are not identified by these data.`,
    });
  }
  if (d.logHessian !== null) {
    const { values, vectors } = symmetricEigen(d.logHessian);
    const smallest = values[0]!;
    if (smallest > 0 && smallest < 1 && !anyNaN) {
      const dir = vectors[0]!;
      const big = Math.max(...dir.map(Math.abs));
      const involved = d.names.filter((_, i) => Math.abs(dir[i]!) >= 0.3 * big);
      const sign = (name: string): number => Math.sign(dir[d.names.indexOf(name)]!);
      const how =
        involved.length === 1
          ? `along ${involved[0]}`
          : involved.length === 2
            ? `along ${involved[0]} and ${involved[1]} moving ${sign(involved[0]!) === sign(involved[1]!) ? 'together' : 'in opposite directions'}`
            : `along a combination of ${involved.slice(0, -1).join(', ')} and ${involved[involved.length - 1]}`;
      out.push({
        code: 'CLV_FLAT_LIKELIHOOD',
        severity: 'warning',
        parameters: involved,
        value: smallest / 2,
        message: `The ${label} likelihood is flat ${how}: changing ${involved.length === 1 ? 'it' : 'them'} by a factor of e (2.7×) changes the log-likelihood by only ${formatNumber(smallest / 2)}, less than the 0.5 of one standard error, so the data cannot tell those values apart.`,
      });
    }
  }
  if (d.repeatCustomers < MIN_REPEAT_CUSTOMERS) {
    out.push({
      code: 'CLV_FEW_REPEAT_CUSTOMERS',
      severity: 'warning',
      value: d.repeatCustomers,
      message: `Only ${d.repeatCustomers} of ${d.nCustomers.toLocaleString('en-US')} customers made a repeat purchase (fewer than ${MIN_REPEAT_CUSTOMERS}): too few to estimate the ${label} parameters reliably. Use a longer period or more customers.`,
    });
  }
  if (d.correlation !== undefined) {
    const c = d.correlation;
    const strong = Math.abs(c) >= CORRELATION_WARNING;
    out.push({
      code: 'CLV_SPEND_FREQUENCY_CORRELATION',
      severity: strong ? 'warning' : 'info',
      value: c,
      message: strong
        ? `Frequency and mean spend of the repeat customers are correlated (${c.toFixed(2)}): Gamma-Gamma assumes they are independent, so purchases × spend ${c > 0 ? 'understates the spread of value (big buyers also spend more)' : 'overstates the spread of value'}. Use the spend model with care, or model the two together.`
        : `Frequency and mean spend of the repeat customers are nearly uncorrelated (${c.toFixed(2)}), as Gamma-Gamma assumes.`,
    });
  }
  if (d.holdout !== undefined) {
    const { predicted, actual, what, period } = d.holdout;
    const rel = actual > 0 ? (predicted - actual) / actual : predicted > 0 ? Infinity : 0;
    const pct = `${rel >= 0 ? '+' : '−'}${formatNumber(Math.abs(rel) * 100)} %`;
    const noun = what === 'purchases' ? 'purchases' : 'mean spend per purchase';
    const show = (v: number): string => (what === 'purchases' ? formatNumber(v) : v.toFixed(2));
    const poor = !(Math.abs(rel) <= HOLDOUT_TOLERANCE);
    out.push({
      code: poor ? 'CLV_POOR_HOLDOUT_FIT' : 'CLV_HOLDOUT_FIT',
      severity: poor ? 'warning' : 'info',
      value: rel,
      message: poor
        ? `${label} predicted ${noun} of ${show(predicted)} in ${period} where customers made ${show(actual)} (${pct}, more than ${HOLDOUT_TOLERANCE * 100} % off): the model does not describe these customers well enough to trust its forecasts. Compare models with calibrationReport.`
        : `${label} predicted ${noun} of ${show(predicted)} in ${period} where customers made ${show(actual)} (${pct}).`,
    });
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return out.map((x, i) => ({ x, i })).sort((p, q) => rank[p.x.severity] - rank[q.x.severity] || p.i - q.i).map((p) => p.x);
}

/** Checks a summary level in (0, 1) (internal). */
export function checkLevel(source: string, level: unknown, field = 'level'): number {
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: ${field} must be a number strictly between 0 and 1 (0.95 for 95 % intervals), got ${typeof level === 'string' ? JSON.stringify(level) : String(level)}.`, {
      source,
      field,
    });
  }
  return level;
}

/**
 * The parameter table of a model (internal): estimates, standard errors and
 * intervals exp(ln θ ± z·SE(ln θ)) with SE(ln θ) = SE(θ)/θ, the normal
 * (Laplace) approximation on the log scale, so intervals stay positive.
 */
export function parameterSummary(
  source: string,
  names: readonly string[],
  params: Readonly<Record<string, number>>,
  standardErrors: Readonly<Record<string, number>> | undefined,
  level: unknown,
): ClvParameterSummary[] {
  const z = normalPpf(0.5 + checkLevel(source, level) / 2);
  return names.map((parameter) => {
    const estimate = params[parameter]!;
    const se = standardErrors?.[parameter] ?? NaN;
    const sl = se / estimate;
    return { parameter, estimate, standardError: se, lower: estimate * Math.exp(-z * sl), upper: estimate * Math.exp(z * sl) };
  });
}
