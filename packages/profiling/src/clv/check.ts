// Internal: argument checks shared by the customer-value models' methods.
import { OptionsError, ValidationError } from '@marksman/core';
import type { ClvCustomer } from './input';
import { isClvTimeUnit } from '../time-unit';
import type { ClvTimeUnit } from '../time-unit';

/** Throws E_CLV_PARAMS unless every named parameter is finite and > 0. */
export function checkParams(source: string, params: Readonly<Record<string, number>>, names: readonly string[]): void {
  if (typeof params !== 'object' || params === null) {
    throw new OptionsError('E_CLV_PARAMS', `${source}: params must be an object with ${names.join(', ')}.`, { source, field: 'params' });
  }
  for (const k of names) {
    const v = params[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new OptionsError('E_CLV_PARAMS', `${source}: parameter ${k} must be a finite number > 0, got ${String(v)}.`, { source, field: k });
    }
  }
}

/** Throws E_CLV_HORIZON unless t is finite and ≥ 0. */
export function checkHorizon(source: string, t: number, field = 't'): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new OptionsError('E_CLV_HORIZON', `${source}: ${field} must be a finite number ≥ 0, got ${String(t)}.`, { source, field });
  }
}

/** Throws E_CLV_HORIZON unless n is an integer ≥ 0. */
export function checkCount(source: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new OptionsError('E_CLV_HORIZON', `${source}: n must be an integer ≥ 0, got ${String(n)}.`, { source, field: 'n' });
  }
}

/** Throws E_CLV_SUMMARY unless the customer is a valid (frequency, recency, T). */
export function checkCustomer(source: string, c: ClvCustomer): void {
  const ok =
    typeof c === 'object' &&
    c !== null &&
    Number.isInteger(c.frequency) &&
    c.frequency >= 0 &&
    Number.isFinite(c.T) &&
    c.T >= 0 &&
    Number.isFinite(c.recency) &&
    c.recency >= 0 &&
    c.recency <= c.T * (1 + 1e-12) &&
    (c.frequency > 0 || c.recency === 0);
  if (!ok) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: customer must have an integer frequency ≥ 0 and 0 ≤ recency ≤ T (recency 0 when frequency is 0).`, { source, field: 'customer' });
  }
}


/** Checks penalty, maxIterations and tolerance (internal). */
export function checkFitOptions(source: string, o: { penalty: number; maxIterations: number; tolerance: number }): { penalty: number; maxIterations: number; tolerance: number } {
  if (!(Number.isFinite(o.penalty) && o.penalty >= 0)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: penalty must be a finite number ≥ 0, got ${String(o.penalty)}.`, { source, field: 'penalty' });
  }
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: maxIterations must be an integer ≥ 1, got ${String(o.maxIterations)}.`, { source, field: 'maxIterations' });
  }
  if (!(Number.isFinite(o.tolerance) && o.tolerance > 0)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: tolerance must be a finite number > 0, got ${String(o.tolerance)}.`, { source, field: 'tolerance' });
  }
  return o;
}

/** The summary's unit wins; an option that contradicts it is an error (internal). */
export function resolveTimeUnit(source: string, fromSummary: ClvTimeUnit | undefined, fromOption: ClvTimeUnit | undefined): ClvTimeUnit | undefined {
  if (fromOption !== undefined && !isClvTimeUnit(fromOption)) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: timeUnit must be 'day', 'week' or 'month', got ${JSON.stringify(fromOption)}.`, { source, field: 'timeUnit' });
  }
  if (fromSummary !== undefined && fromOption !== undefined && fromSummary !== fromOption) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: timeUnit '${fromOption}' contradicts the summary's unit '${fromSummary}'.`, { source, field: 'timeUnit' });
  }
  return fromSummary ?? fromOption;
}

/**
 * Refuses a summary in which nobody bought twice: the purchase-rate
 * parameters of BG/NBD and Pareto/NBD are then not identified.
 */
export function requireRepeatPurchases(source: string, frequency: ArrayLike<number>): void {
  for (let i = 0; i < frequency.length; i++) if (frequency[i]! > 0) return;
  throw new ValidationError('E_CLV_NO_REPEATS', `${source}: no customer has a repeat purchase, so purchase rates cannot be estimated; use a longer period.`, { source, field: 'frequency' });
}
