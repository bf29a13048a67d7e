// Internal: normalises what the customer-value fits accept (a ClvSummary or
// lifetimes-style rows) into typed columns, validating once at the boundary.
import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, Id } from '@marksman/core';
import { arrowRecords, isArrowTable } from '@marksman/core/internal';
import type { ClvSummary } from '../summarize-for-clv';
import { isClvTimeUnit } from '../time-unit';
import type { ClvTimeUnit } from '../time-unit';
import { customerProblem } from './check';

/**
 * One customer as the customer-value models read it, in lifetimes' names:
 * repeat purchases `frequency`, `recency` (first to last purchase) and age
 * `T` (first purchase to end of period) in one time unit, and optionally the
 * mean repeat-purchase value.
 */
export interface ClvCustomer {
  /** Repeat purchases: an integer between 0 and 1,000,000. */
  readonly frequency: number;
  /** Time from first to last purchase: 0 when frequency is 0, else in (0, T]. */
  readonly recency: number;
  /** Time from first purchase to the end of the observation period, in [0, 1,000,000] time units. */
  readonly T: number;
  /** Mean value of the repeat purchases, a finite number ≥ 0 (needed by Gamma-Gamma). */
  readonly monetaryValue?: number;
  /** The customer, carried into per-customer outputs when given. */
  readonly customerId?: Id;
}

/** What the fits take: a {@link ClvSummary}, rows in lifetimes' shape, or an Apache Arrow table with those columns. */
export type ClvInput = ClvSummary | readonly ClvCustomer[] | ArrowLikeTable;

/** Columns of a validated input. */
export interface ClvColumns {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  m: Float64Array;
  timeUnit: ClvTimeUnit | undefined;
  /**
   * The holdout period of a summary made with a calibration end: its length
   * in the time unit, each customer's purchases in it and their mean value
   * (undefined for rows, or a summary without a holdout).
   */
  holdout: { duration: number; counts: Float64Array; spend: Float64Array } | undefined;
}

function isSummary(input: ClvInput): input is ClvSummary {
  return !Array.isArray(input) && typeof input === 'object' && input !== null && Array.isArray((input as ClvSummary).rows);
}

/**
 * Validates and converts. Every row must be a valid customer (see
 * customerProblem); a `monetaryValue`, when present, must be a finite
 * number ≥ 0 and, for a customer with repeat purchases, the total
 * frequency × monetaryValue must be finite. `needMonetary` demands a
 * monetaryValue on every row.
 */
export function toColumns(input: ClvInput, source: string, needMonetary = false): ClvColumns {
  const rows: readonly ClvCustomer[] | undefined = isSummary(input)
    ? input.rows
    : Array.isArray(input)
      ? input
      : isArrowTable(input)
        ? (arrowRecords(source, input) as unknown as readonly ClvCustomer[])
        : undefined;
  if (rows === undefined) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: expected the result of summarizeForClv or an array of { frequency, recency, T } rows.`, { source, field: 'summary' });
  }
  const timeUnit = isSummary(input) ? input.timeUnit : undefined;
  if (isSummary(input) && !isClvTimeUnit(timeUnit)) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: the summary's timeUnit must be 'day', 'week' or 'month', got ${JSON.stringify(timeUnit) ?? String(timeUnit)}.`, { source, field: 'timeUnit' });
  }
  const n = rows.length;
  if (n === 0) {
    throw new ValidationError('E_CLV_EMPTY', `${source}: there are no customers to fit.`, { source, field: 'summary' });
  }
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const bad = (field: string, why: string): never => {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: row ${i}: ${field} ${why}.`, { source, field, row: i });
    };
    const problem = customerProblem(r);
    if (problem !== undefined) bad(problem[0] === 'customer' ? 'row' : problem[0], problem[1]);
    const id = r.customerId;
    if (id !== undefined && !((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id)))) {
      bad('customerId', `must be a non-empty string or a finite number when given, got ${JSON.stringify(id) ?? String(id)}`);
    }
    x[i] = r.frequency;
    tx[i] = Math.min(r.recency, r.T);
    T[i] = r.T;
    const v = r.monetaryValue;
    if (v === undefined) {
      if (needMonetary) bad('monetaryValue', 'is missing');
      m[i] = NaN;
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || !Number.isFinite(v * r.frequency)) {
        bad('monetaryValue', `must be a finite number ≥ 0, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
      }
      m[i] = v;
    }
  }
  return { n, x, tx, T, m, timeUnit, holdout: readHoldout(input, rows) };
}

/** The holdout columns of a summary when every row has them. */
function readHoldout(input: ClvInput, rows: readonly ClvCustomer[]): ClvColumns['holdout'] {
  if (!isSummary(input)) return undefined;
  const duration = input.durationHoldout;
  if (!(typeof duration === 'number' && duration > 0 && Number.isFinite(duration))) return undefined;
  const n = rows.length;
  const counts = new Float64Array(n);
  const spend = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as ClvCustomer & { frequencyHoldout?: unknown; monetaryValueHoldout?: unknown };
    const c = r.frequencyHoldout;
    const v = r.monetaryValueHoldout;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) return undefined;
    counts[i] = c;
    spend[i] = typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }
  return { duration, counts, spend };
}
