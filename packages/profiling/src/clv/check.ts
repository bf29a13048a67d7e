// Internal: argument checks shared by the customer-value models and fits.
import { OptionsError, ValidationError } from '@marksman/core';
import type { ClvDiagnostic, ClvDiagnosticCode } from './diagnostics';
import type { ClvFitInfo } from './fit-info';
import type { ClvFitProgress } from './fit';
import { isClvTimeUnit } from '../time-unit';
import type { ClvTimeUnit } from '../time-unit';

/**
 * Largest age, recency or horizon accepted, in time units (a million days is
 * 2,700 years): anything larger is a unit mix-up (epoch milliseconds, say),
 * and it keeps every series and quadrature in the models bounded.
 */
export const MAX_CLV_TIME = 1e6;

/** Largest repeat-purchase count or purchase number n accepted (a purchase a day for 2,700 years). */
export const MAX_CLV_COUNT = 1e6;

/** Largest maxIterations accepted by the fits. */
export const MAX_CLV_ITERATIONS = 1e6;

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Throws E_CLV_PARAMS unless `params` is an object holding exactly the named
 * parameters, each a finite number > 0.
 */
export function checkParams(source: string, params: unknown, names: readonly string[]): void {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new OptionsError('E_CLV_PARAMS', `${source}: params must be an object with ${names.join(', ')}.`, { source, field: 'params' });
  }
  for (const k of Object.keys(params)) {
    if (!names.includes(k)) {
      throw new OptionsError('E_CLV_PARAMS', `${source}: unknown parameter "${k}". Known parameters: ${names.join(', ')}.`, { source, field: k });
    }
  }
  for (const k of names) {
    const v = (params as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new OptionsError('E_CLV_PARAMS', `${source}: parameter ${k} must be a finite number > 0, got ${describe(v)}.`, { source, field: k });
    }
  }
}

/** Throws E_CLV_TIME_UNIT unless `unit` is undefined or a known time unit. */
export function checkTimeUnit(source: string, unit: unknown, field = 'timeUnit'): ClvTimeUnit | undefined {
  if (unit === undefined || isClvTimeUnit(unit)) return unit;
  throw new OptionsError('E_CLV_TIME_UNIT', `${source}: ${field} must be 'day', 'week', 'month' or undefined, got ${describe(unit)}.`, { source, field });
}

/** Throws E_CLV_HORIZON unless t is a number in [0, MAX_CLV_TIME]. */
export function checkHorizon(source: string, t: number, field = 't'): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > MAX_CLV_TIME) {
    throw new OptionsError('E_CLV_HORIZON', `${source}: ${field} must be a number between 0 and ${MAX_CLV_TIME} time units, got ${describe(t)}.`, { source, field });
  }
}

/** Throws E_CLV_HORIZON unless n is an integer in [0, MAX_CLV_COUNT]. */
export function checkCount(source: string, n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_CLV_COUNT) {
    throw new OptionsError('E_CLV_HORIZON', `${source}: n must be an integer between 0 and ${MAX_CLV_COUNT}, got ${describe(n)}.`, { source, field: 'n' });
  }
}

/**
 * Why a customer (frequency, recency, T) is not valid, as [field, reason],
 * or undefined when it is: frequency an integer in [0, MAX_CLV_COUNT]; T a
 * number in [0, MAX_CLV_TIME]; 0 ≤ recency ≤ T; recency 0 exactly when
 * frequency is 0 (a repeat purchase happens on a later day than the first).
 */
export function customerProblem(c: unknown): [field: string, reason: string] | undefined {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return ['customer', 'is not an object { frequency, recency, T }'];
  const { frequency: f, recency: r, T } = c as Record<string, unknown>;
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f > MAX_CLV_COUNT) {
    return ['frequency', `must be an integer between 0 and ${MAX_CLV_COUNT}, got ${describe(f)}`];
  }
  if (typeof T !== 'number' || !Number.isFinite(T) || T < 0 || T > MAX_CLV_TIME) {
    return ['T', `must be a number between 0 and ${MAX_CLV_TIME} time units, got ${describe(T)}`];
  }
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > T * (1 + 1e-12)) {
    return ['recency', `must be a number between 0 and T (${T}), got ${describe(r)}`];
  }
  if (f === 0 && r !== 0) return ['recency', `must be 0 when frequency is 0, got ${r}`];
  if (f > 0 && r === 0) return ['recency', `must be > 0 when frequency is ${f} (repeat purchases come after the first purchase day)`];
  return undefined;
}

/** Throws E_CLV_SUMMARY unless the customer is a valid (frequency, recency, T); names the field at fault. */
export function checkCustomer(source: string, c: unknown): void {
  const problem = customerProblem(c);
  if (problem !== undefined) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: customer ${problem[0] === 'customer' ? '' : `${problem[0]} `}${problem[1]}.`, { source, field: problem[0] });
  }
}

/** The validated common options of the fits. */
export interface FitOptionValues {
  penalty: number;
  maxIterations: number;
  tolerance: number;
  onProgress: ((p: ClvFitProgress) => void) | null;
  signal: AbortSignal | null;
}

/** Checks penalty, maxIterations, tolerance, onProgress and signal (internal). */
export function checkFitOptions(
  source: string,
  o: { penalty: unknown; maxIterations: unknown; tolerance: unknown; onProgress: unknown; signal: unknown },
): FitOptionValues {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_CLV_OPTION', `${source}: ${field} must be ${what}, got ${describe((o as Record<string, unknown>)[field])}.`, { source, field });
  };
  if (!(typeof o.penalty === 'number' && Number.isFinite(o.penalty) && o.penalty >= 0)) bad('penalty', 'a finite number ≥ 0');
  if (!(typeof o.maxIterations === 'number' && Number.isInteger(o.maxIterations) && o.maxIterations >= 1 && o.maxIterations <= MAX_CLV_ITERATIONS)) {
    bad('maxIterations', `an integer between 1 and ${MAX_CLV_ITERATIONS}`);
  }
  if (!(typeof o.tolerance === 'number' && o.tolerance > 0 && o.tolerance <= 1)) bad('tolerance', 'a number in (0, 1]');
  if (!(o.onProgress === null || o.onProgress === undefined || typeof o.onProgress === 'function')) bad('onProgress', 'a function or null');
  const s = o.signal;
  if (!(s === null || s === undefined || (typeof s === 'object' && typeof (s as AbortSignal).aborted === 'boolean'))) bad('signal', 'an AbortSignal or null');
  return {
    penalty: o.penalty as number,
    maxIterations: o.maxIterations as number,
    tolerance: o.tolerance as number,
    onProgress: (o.onProgress as FitOptionValues['onProgress']) ?? null,
    signal: (s as AbortSignal | null | undefined) ?? null,
  };
}

/** The summary's unit wins; an option that contradicts it is an error (internal). */
export function resolveTimeUnit(source: string, fromSummary: ClvTimeUnit | undefined, fromOption: unknown): ClvTimeUnit | undefined {
  const option = checkTimeUnit(source, fromOption);
  if (fromSummary !== undefined && option !== undefined && fromSummary !== option) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: timeUnit '${option}' contradicts the summary's unit '${fromSummary}'.`, { source, field: 'timeUnit' });
  }
  return fromSummary ?? option;
}

/**
 * Refuses a summary in which nobody bought twice: the purchase-rate
 * parameters of BG/NBD and Pareto/NBD are then not identified.
 */
export function requireRepeatPurchases(source: string, frequency: ArrayLike<number>): void {
  for (let i = 0; i < frequency.length; i++) if (frequency[i]! > 0) return;
  throw new ValidationError('E_CLV_NO_REPEATS', `${source}: no customer has a repeat purchase, so purchase rates cannot be estimated; use a longer period.`, { source, field: 'frequency' });
}

/** Number of customers with at least one repeat purchase. */
export function countRepeats(frequency: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i]! > 0) k++;
  return k;
}

/**
 * Format version written by the models' toJSON: 2 added the covariance and
 * the diagnostics to the fit facts; version 1 files (and files without a
 * version) are still read, with no covariance and no diagnostics.
 */
export const CLV_JSON_VERSION = 2;

/**
 * Validates what a model's `fromJSON` reads: the `model` tag, the format
 * `version` (1, or absent in files written before versions existed), only
 * known keys, the parameters, the time unit and the fit facts (standard
 * errors and the gradient norm may be null, which is how JSON writes NaN).
 * Returns the fit facts with nulls turned back into NaN.
 */
export function readModelJson<P>(
  source: string,
  json: unknown,
  model: string,
  names: readonly string[],
  keys: readonly string[],
): { params: P; timeUnit: ClvTimeUnit | undefined; fit: ClvFitInfo<P> | undefined } {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (json as { model?: unknown }).model !== model) {
    throw new OptionsError('E_CLV_PARAMS', `${source}: expected the output of toJSON() (model '${model}').`, { source, field: 'model' });
  }
  const o = json as Record<string, unknown>;
  const badJson = (field: string, why: string): never => {
    throw new ValidationError('E_CLV_JSON', `${source}: ${field} ${why}.`, { source, field });
  };
  for (const k of Object.keys(o)) if (!keys.includes(k)) badJson(k, `is not a field of a saved ${model} model (known: ${keys.join(', ')})`);
  if (o.version !== undefined && o.version !== 1 && o.version !== CLV_JSON_VERSION) {
    badJson('version', `is ${describe(o.version)}; this version of @marksman/profiling reads versions 1 to ${CLV_JSON_VERSION}`);
  }
  checkParams(source, o.params, names);
  const timeUnit = keys.includes('timeUnit') ? checkTimeUnit(source, o.timeUnit) : undefined;
  return { params: o.params as P, timeUnit, fit: readFitInfo<P>(source, o.fit, names) };
}

/**
 * Validates a model's fit facts (from JSON or given to a constructor);
 * undefined and null mean "not fitted". Nulls in standard errors and the
 * gradient norm become NaN.
 */
export function readFitInfo<P>(source: string, f: unknown, names: readonly string[]): ClvFitInfo<P> | undefined {
  const badJson = (field: string, why: string): never => {
    throw new ValidationError('E_CLV_JSON', `${source}: ${field} ${why}.`, { source, field });
  };
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'object' || Array.isArray(f)) badJson('fit', 'must be an object or absent');
  const fit = f as Record<string, unknown>;
  const num = (v: unknown): number => (v === null ? NaN : (v as number));
  const isNum = (v: unknown): boolean => v === null || typeof v === 'number';
  if (typeof fit.logLikelihood !== 'number' || !Number.isFinite(fit.logLikelihood)) badJson('fit.logLikelihood', 'must be a finite number');
  if (typeof fit.nCustomers !== 'number' || !Number.isInteger(fit.nCustomers) || fit.nCustomers < 1) badJson('fit.nCustomers', 'must be an integer ≥ 1');
  if (typeof fit.penalty !== 'number' || !Number.isFinite(fit.penalty) || fit.penalty < 0) badJson('fit.penalty', 'must be a finite number ≥ 0');
  const se = fit.standardErrors;
  if (typeof se !== 'object' || se === null || Array.isArray(se)) badJson('fit.standardErrors', `must be an object with ${names.join(', ')}`);
  const seOut: Record<string, number> = {};
  for (const k of names) {
    const v = (se as Record<string, unknown>)[k];
    if (!isNum(v) || (typeof v === 'number' && !(Number.isNaN(v) || v >= 0))) badJson(`fit.standardErrors.${k}`, 'must be a number ≥ 0 or null');
    seOut[k] = num(v);
  }
  if (Object.keys(se as object).length !== names.length) badJson('fit.standardErrors', `must hold exactly ${names.join(', ')}`);
  const rep = fit.report;
  if (typeof rep !== 'object' || rep === null || Array.isArray(rep)) badJson('fit.report', 'must be an object');
  const r = rep as Record<string, unknown>;
  if (typeof r.converged !== 'boolean') badJson('fit.report.converged', 'must be a boolean');
  for (const k of ['iterations', 'evaluations']) {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) badJson(`fit.report.${k}`, 'must be an integer ≥ 0');
  }
  if (!isNum(r.gradientNorm)) badJson('fit.report.gradientNorm', 'must be a number or null');
  if (typeof r.method !== 'string' || typeof r.message !== 'string') badJson('fit.report', 'must have string method and message');
  const covariance = readCovariance(fit.covariance, names.length, badJson);
  const diagnostics = readDiagnostics(fit.diagnostics, badJson);
  const known = ['logLikelihood', 'standardErrors', 'covariance', 'diagnostics', 'nCustomers', 'penalty', 'report'];
  for (const k of Object.keys(fit)) if (!known.includes(k)) badJson(`fit.${k}`, `is not a fit fact (known: ${known.join(', ')})`);
  return {
      logLikelihood: fit.logLikelihood as number,
      standardErrors: seOut as P,
      covariance,
      diagnostics,
      nCustomers: fit.nCustomers as number,
      penalty: fit.penalty as number,
      report: {
        converged: r.converged as boolean,
        iterations: r.iterations as number,
        evaluations: r.evaluations as number,
        gradientNorm: num(r.gradientNorm),
        method: r.method as string,
        message: r.message as string,
      },
  };
}

const DIAGNOSTIC_CODES: readonly ClvDiagnosticCode[] = [
  'CLV_NOT_CONVERGED',
  'CLV_PARAMETER_AT_BOUNDARY',
  'CLV_SE_EXCEEDS_ESTIMATE',
  'CLV_HESSIAN_NOT_PD',
  'CLV_FLAT_LIKELIHOOD',
  'CLV_FEW_REPEAT_CUSTOMERS',
  'CLV_SPEND_FREQUENCY_CORRELATION',
  'CLV_HOLDOUT_FIT',
  'CLV_POOR_HOLDOUT_FIT',
];

/** A k×k matrix of finite numbers, or null/absent (→ null). */
function readCovariance(v: unknown, k: number, bad: (field: string, why: string) => never): number[][] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length !== k || !v.every((row) => Array.isArray(row) && row.length === k && row.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    bad('fit.covariance', `must be null or a ${k}×${k} array of finite numbers`);
  }
  const m = (v as number[][]).map((row) => [...row]);
  for (let i = 0; i < k; i++) if (!(m[i]![i]! > 0)) bad('fit.covariance', 'must have a positive diagonal');
  return m;
}

/** An array of diagnostics (absent → []); a null value (JSON's NaN) becomes NaN. */
function readDiagnostics(v: unknown, bad: (field: string, why: string) => never): ClvDiagnostic[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad('fit.diagnostics', 'must be an array');
  return (v as unknown[]).map((d, i) => {
    const o = d as Record<string, unknown>;
    const field = `fit.diagnostics[${i}]`;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) bad(field, 'must be an object { code, severity, message }');
    for (const k of Object.keys(o)) if (!['code', 'severity', 'message', 'parameters', 'value'].includes(k)) bad(`${field}.${k}`, 'is not a field of a diagnostic');
    if (!DIAGNOSTIC_CODES.includes(o.code as ClvDiagnosticCode)) bad(`${field}.code`, `must be one of ${DIAGNOSTIC_CODES.join(', ')}`);
    if (o.severity !== 'error' && o.severity !== 'warning' && o.severity !== 'info') bad(`${field}.severity`, "must be 'error', 'warning' or 'info'");
    if (typeof o.message !== 'string') bad(`${field}.message`, 'must be a string');
    if (o.parameters !== undefined && !(Array.isArray(o.parameters) && o.parameters.every((p) => typeof p === 'string'))) bad(`${field}.parameters`, 'must be an array of names');
    if (o.value !== undefined && o.value !== null && typeof o.value !== 'number') bad(`${field}.value`, 'must be a number');
    const out: { -readonly [K in keyof ClvDiagnostic]: ClvDiagnostic[K] } = { code: o.code as ClvDiagnosticCode, severity: o.severity, message: o.message as string };
    if (o.parameters !== undefined) out.parameters = [...(o.parameters as string[])];
    if (o.value !== undefined) out.value = o.value === null ? NaN : (o.value as number);
    return out;
  });
}
