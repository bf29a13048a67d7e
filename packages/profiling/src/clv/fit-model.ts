// Internal: the scaffolding every repeat-purchase fit shares (BG/NBD, MBG/NBD,
// Pareto/NBD, BG/BB): options, input checks in one order, the starting point,
// the maximum-likelihood driver, and the fit facts (standard errors,
// covariance, diagnostics, holdout check). A model brings its likelihood
// and its constructor; everything around them lives here once.
import { resolveOptions } from '@marksman/core/internal';
import type { ClvTimeUnit } from '../time-unit';
import { checkFitOptions, checkParams, countRepeats, requireRepeatPurchases, resolveTimeUnit } from './check';
import type { Patterns } from './compress';
import type { ClvModelKind } from './diagnostics';
import { fitByMaximumLikelihood } from './fit';
import type { ClvFitProgress, FitProblem } from './fit';
import { fitInfo, holdoutPurchases } from './fit-facts';
import type { ClvFitInfo } from './fit-info';
import { toColumns } from './input';
import type { ClvColumns, ClvCustomer, ClvInput } from './input';

/** The options every repeat-purchase fit takes, resolved (no optional fields). */
export interface RepeatFitDefaults<P> {
  penalty: number;
  maxIterations: number;
  tolerance: number;
  onProgress: ((progress: ClvFitProgress) => void) | null;
  signal: AbortSignal | null;
  initialParams: P | undefined;
  timeUnit: ClvTimeUnit | undefined;
}

/** The defaults of every customer-value fit (Gamma-Gamma too): no penalty, 500 iterations, tolerance 1e-7, no progress, no signal, the model's own start. */
export const CLV_FIT_DEFAULTS = Object.freeze({
  penalty: 0,
  maxIterations: 500,
  tolerance: 1e-7,
  onProgress: null,
  signal: null,
  initialParams: undefined,
});

/** …and of the repeat-purchase fits, which also take the time unit (default: the summary's). */
export const REPEAT_FIT_DEFAULTS = Object.freeze({ ...CLV_FIT_DEFAULTS, timeUnit: undefined });

/** The model's part of the fit problem: its likelihood (and optional gradient and coordinates). */
export type ModelLikelihood = Pick<FitProblem, 'logLikelihood' | 'logLikelihoodGradient' | 'pullLogGradient' | 'toNatural' | 'fromNatural'> & {
  /** The customers grouped by identical history, when the model has them: the holdout check then predicts each history once. */
  holdoutPatterns?: Patterns | undefined;
};

export interface RepeatFitSpec<P, D extends RepeatFitDefaults<P>, C, M extends { conditionalExpectedPurchases(t: number, c: ClvCustomer): number }> {
  source: string;
  model: ClvModelKind;
  /** Parameter names, in the optimiser's order. */
  names: readonly (keyof P & string)[];
  /** The frozen defaults of the public options (unknown keys are refused against them). */
  defaults: Readonly<D>;
  /** Starting point when the caller gives none. */
  start: P;
  /** Checks of the model's own options, after the time unit and before the repeat-purchase check (BG/BB's opportunities). */
  prepare?: ((o: D, cols: ClvColumns, timeUnit: ClvTimeUnit | undefined) => C) | undefined;
  /** The likelihood over the checked columns. */
  likelihood: (cols: ClvColumns, context: C) => ModelLikelihood;
  /** The model with these parameters, with fit facts or (for the holdout prediction) without. */
  build: (params: P, timeUnit: ClvTimeUnit | undefined, context: C, fit?: ClvFitInfo<P>) => M;
}

/** Fits a repeat-purchase model: see RepeatFitSpec; throws what its checks and the driver throw. */
export function fitRepeatModel<P, D extends RepeatFitDefaults<P>, C, M extends { conditionalExpectedPurchases(t: number, c: ClvCustomer): number }>(
  summary: ClvInput,
  options: { readonly [K in keyof D]?: D[K] | undefined } | undefined,
  spec: RepeatFitSpec<P, D, C, M>,
): M {
  const { source, names } = spec;
  const o = resolveOptions(source, spec.defaults, options);
  const cols = toColumns(summary, source);
  const opts = checkFitOptions(source, o);
  const timeUnit = resolveTimeUnit(source, cols.timeUnit, o.timeUnit);
  const context = (spec.prepare === undefined ? undefined : spec.prepare(o, cols, timeUnit)) as C;
  requireRepeatPurchases(source, cols.x);
  const start = o.initialParams ?? spec.start;
  checkParams(source, start as unknown as Record<string, number>, names);
  const { holdoutPatterns, ...likelihood } = spec.likelihood(cols, context);
  const fit = fitByMaximumLikelihood({
    source,
    ...likelihood,
    start: names.map((name) => start[name] as unknown as number),
    n: cols.n,
    penalty: opts.penalty,
    maxIterations: opts.maxIterations,
    tolerance: opts.tolerance,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });
  const params = {} as Record<string, number>;
  names.forEach((name, i) => (params[name] = fit.theta[i]!));
  const provisional = spec.build(params as P, timeUnit, context);
  return spec.build(
    params as P,
    timeUnit,
    context,
    fitInfo<P>({
      model: spec.model,
      names,
      fit,
      nCustomers: cols.n,
      repeatCustomers: countRepeats(cols.x),
      penalty: opts.penalty,
      holdout: holdoutPurchases(cols, (t, c) => provisional.conditionalExpectedPurchases(t, c), holdoutPatterns),
    }),
  );
}
