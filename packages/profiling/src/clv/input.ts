// Internal: normalises what the customer-value fits accept (a ClvSummary or
// lifetimes-style rows) into typed columns, validating once at the boundary.
import { ValidationError } from '@marksman/core';
import type { Id } from '@marksman/core';
import type { ClvSummary } from '../summarize-for-clv';
import type { ClvTimeUnit } from '../time-unit';

/**
 * One customer as the customer-value models read it, in lifetimes' names:
 * repeat purchases `frequency`, `recency` (first to last purchase) and age
 * `T` (first purchase to end of period) in one time unit, and optionally the
 * mean repeat-purchase value.
 */
export interface ClvCustomer {
  /** Repeat purchases (an integer ≥ 0). */
  readonly frequency: number;
  /** Time from first to last purchase, 0 ≤ recency ≤ T (0 when frequency is 0). */
  readonly recency: number;
  /** Time from first purchase to the end of the observation period (> 0 for fitting). */
  readonly T: number;
  /** Mean value of the repeat purchases (needed by Gamma-Gamma). */
  readonly monetaryValue?: number;
  /** The customer, carried into per-customer outputs when given. */
  readonly customerId?: Id;
}

/** What the fits take: a {@link ClvSummary} or rows in lifetimes' shape. */
export type ClvInput = ClvSummary | readonly ClvCustomer[];

/** Columns of a validated input. */
export interface ClvColumns {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  m: Float64Array;
  timeUnit: ClvTimeUnit | undefined;
}

function isSummary(input: ClvInput): input is ClvSummary {
  return !Array.isArray(input) && typeof input === 'object' && input !== null && Array.isArray((input as ClvSummary).rows);
}

/** Validates and converts; `needMonetary` demands a finite monetaryValue on every row. */
export function toColumns(input: ClvInput, source: string, needMonetary = false): ClvColumns {
  const rows: readonly ClvCustomer[] | undefined = isSummary(input) ? input.rows : Array.isArray(input) ? input : undefined;
  if (rows === undefined) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: expected the result of summarizeForClv or an array of { frequency, recency, T } rows.`, { source });
  }
  const n = rows.length;
  if (n === 0) {
    throw new ValidationError('E_CLV_EMPTY', `${source}: there are no customers to fit.`, { source });
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
    if (typeof r !== 'object' || r === null) bad('row', 'is not an object');
    const f = r.frequency;
    if (!(Number.isInteger(f) && f >= 0)) bad('frequency', `must be an integer ≥ 0, got ${String(f)}`);
    if (!(Number.isFinite(r.T) && r.T >= 0)) bad('T', `must be a finite number ≥ 0, got ${String(r.T)}`);
    if (!(Number.isFinite(r.recency) && r.recency >= 0 && r.recency <= r.T * (1 + 1e-12))) bad('recency', `must be between 0 and T (${r.T}), got ${String(r.recency)}`);
    if (f === 0 && r.recency !== 0) bad('recency', 'must be 0 when frequency is 0');
    x[i] = f;
    tx[i] = Math.min(r.recency, r.T);
    T[i] = r.T;
    if (needMonetary) {
      const v = r.monetaryValue;
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('monetaryValue', `must be a finite number, got ${String(v)}`);
      m[i] = v as number;
    } else {
      m[i] = typeof r.monetaryValue === 'number' ? r.monetaryValue : NaN;
    }
  }
  return { n, x, tx, T, m, timeUnit: isSummary(input) ? input.timeUnit : undefined };
}
