import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { inconsistent, m2FromSums, requireObject } from './accumulatorChecks';
import type { KpiEstimate } from './kpiEstimate';
import { requireConfidence, symmetric } from './kpiEstimate';
import { twoSidedZ } from './normalQuantile';
import { requireFinite, requireFiniteResult, requireNonNegative, requireNonZeroDenominator } from './validation';

/** Sufficient statistics of one experiment arm. */
export interface ArmStats {
  /** Units (customers) in the arm, an integer ≥ 2. */
  readonly n: number;
  /** Units that converted, an integer in [0, n]. */
  readonly conversions: number;
  /** Σ revenue per unit (non-buyers count as 0); give it with `revenueSquares`, in both arms, or in neither. */
  readonly revenue?: number;
  /** Σ (revenue per unit)². */
  readonly revenueSquares?: number;
}

/** Input of {@link incrementalKpis}: the two arms and what the campaign cost. */
export interface ExperimentTotals {
  /** The arm that received the campaign. */
  readonly treatment: ArmStats;
  /** The hold-out arm. */
  readonly control: ArmStats;
  /** Campaign spend on the treatment arm (> 0); without it iROAS and ROI are `null`. */
  readonly cost?: number;
}

/** Options of {@link incrementalKpis}. */
export interface IncrementalKpisOptions {
  /** Confidence level in (0, 1); default 0.95. */
  readonly confidence?: number;
  /** Gross margin in (0, 1] applied to incremental revenue for ROI; default 1 (revenue-based ROI). */
  readonly margin?: number;
}

/** Incremental KPIs of a campaign, each with a Wald interval. */
export interface IncrementalKpis {
  /** Difference in conversion rate, treatment − control (absolute). */
  readonly conversionLift: KpiEstimate;
  /** Conversions the campaign caused in the treatment arm: n_treatment × conversionLift. */
  readonly incrementalConversions: KpiEstimate;
  /** Difference in mean revenue per unit, treatment − control; `null` without revenue. */
  readonly revenueLift: KpiEstimate | null;
  /** Revenue the campaign caused in the treatment arm: n_treatment × revenueLift; `null` without revenue. */
  readonly incrementalRevenue: KpiEstimate | null;
  /** Incremental return on ad spend: incremental revenue ÷ cost; `null` without revenue or cost. */
  readonly incrementalRoas: KpiEstimate | null;
  /** Campaign ROI: (margin × incremental revenue − cost) ÷ cost; `null` without revenue or cost. */
  readonly roi: KpiEstimate | null;
}

const DEFAULTS: Readonly<{ confidence: number; margin: number }> = Object.freeze({ confidence: 0.95, margin: 1 });
const ARM_KEYS: readonly string[] = ['n', 'conversions', 'revenue', 'revenueSquares'];
const TOP_KEYS: readonly string[] = ['treatment', 'control', 'cost'];

interface Arm {
  n: number;
  p: number;
  mean: number | null;
  variance: number | null;
}

/** Reads a count field of an arm: an integer ≥ 0, named `arm.key` in errors. */
function count(source: string, o: Record<string, unknown>, name: string, key: string): number {
  const v = o[key] as number;
  const field = `${name}.${key}`;
  requireFinite(source, field, v);
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new ValidationError('E_RANGE', `${source}: ${field} must be an integer from 0 to 2^53 − 1, got ${v}.`, { source, field });
  }
  return v;
}

function readArm(source: string, name: string, value: unknown): Arm {
  const o = requireObject(source, value, name);
  for (const k of Object.keys(o)) {
    if (!ARM_KEYS.includes(k)) throw new ValidationError('E_INPUT', `${source}: unknown field "${k}" in ${name} (known: ${ARM_KEYS.join(', ')}).`, { source, field: `${name}.${k}` });
  }
  const n = count(source, o, name, 'n');
  const conversions = count(source, o, name, 'conversions');
  if (n < 2) throw new ValidationError('E_TOO_FEW_UNITS', `${source}: ${name}.n is ${n}; each arm needs at least 2 units.`, { source, field: `${name}.n` });
  if (conversions > n) inconsistent(source, `${name}.conversions`, `${name}.conversions (${conversions}) exceed ${name}.n (${n}).`);
  const hasRevenue = o.revenue !== undefined;
  if (hasRevenue !== (o.revenueSquares !== undefined)) {
    inconsistent(source, hasRevenue ? `${name}.revenueSquares` : `${name}.revenue`, `${name} has ${hasRevenue ? 'revenue but no revenueSquares' : 'revenueSquares but no revenue'}; give both (Σ revenue and Σ revenue² per unit) or neither.`);
  }
  if (!hasRevenue) return { n, p: conversions / n, mean: null, variance: null };
  const sum = o.revenue as number;
  const sumSquares = o.revenueSquares as number;
  requireFinite(source, `${name}.revenue`, sum);
  requireNonNegative(source, `${name}.revenueSquares`, sumSquares);
  const m2 = m2FromSums(source, `${name}.revenueSquares`, n, sum, sumSquares);
  return { n, p: conversions / n, mean: sum / n, variance: m2 / (n - 1) };
}

/**
 * Incremental KPIs of a campaign from a randomised hold-out test, from per-arm
 * sufficient statistics: conversion lift and incremental conversions, revenue
 * lift and incremental revenue, incremental ROAS (iROAS) and the campaign's
 * ROI, each with a Wald interval (estimate ± z·SE, unpooled variances:
 * Var(p̂_t − p̂_c) = p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c, and likewise
 * s_t²/n_t + s_c²/n_c for revenue per unit). Incremental totals scale the
 * per-unit lift by the treatment arm's size; iROAS and ROI divide by the
 * spend, taken as known (not random), so their intervals are the incremental
 * revenue interval scaled (and, for ROI, multiplied by the margin and shifted
 * by −1).
 *
 * Costs O(1).
 *
 * @param experiment - `{ treatment, control, cost? }`; each arm `{ n, conversions, revenue?, revenueSquares? }`
 * @param options - `confidence` (default 0.95), `margin` (default 1)
 * @throws `ValidationError` `E_TOO_FEW_UNITS` (an arm with fewer than 2 units), `E_INCONSISTENT`
 *   (conversions > n; revenue without revenueSquares or in one arm only; Σx² < (Σx)²/n),
 *   `E_ZERO_DENOMINATOR` (cost 0), `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_INPUT`, `E_OVERFLOW`;
 *   `OptionsError` `E_OPTION_RANGE` (confidence outside (0, 1), margin outside (0, 1]), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { incrementalKpis } from '@marksman/metrics';
 * const k = incrementalKpis({
 *   treatment: { n: 10000, conversions: 320, revenue: 16500, revenueSquares: 1350000 },
 *   control: { n: 10000, conversions: 250, revenue: 12500, revenueSquares: 1000000 },
 *   cost: 2000,
 * });
 * k.incrementalConversions.value; // => 70
 * k.incrementalRevenue?.value; // => 4000
 * k.incrementalRoas?.value; // => 2
 * k.roi?.value; // => 1
 * k.conversionLift.lower > 0; // => true
 * ```
 */
export function incrementalKpis(experiment: ExperimentTotals, options?: IncrementalKpisOptions): IncrementalKpis {
  const source = 'incrementalKpis';
  const o = resolveOptions(source, DEFAULTS, options);
  requireConfidence(source, o.confidence);
  if (typeof o.margin !== 'number' || !(o.margin > 0 && o.margin <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: margin must lie in (0, 1] (a gross margin such as 0.3), got ${typeof o.margin === 'string' ? JSON.stringify(o.margin) : String(o.margin)}.`, { source, field: 'margin' });
  }
  const z = twoSidedZ(o.confidence);
  const e = requireObject(source, experiment, 'experiment');
  for (const k of Object.keys(e)) {
    if (!TOP_KEYS.includes(k)) throw new ValidationError('E_INPUT', `${source}: unknown field "${k}" (known: ${TOP_KEYS.join(', ')}).`, { source, field: k });
  }
  const t = readArm(source, 'treatment', e.treatment);
  const c = readArm(source, 'control', e.control);
  if ((t.mean === null) !== (c.mean === null)) {
    inconsistent(source, t.mean === null ? 'treatment.revenue' : 'control.revenue', 'revenue is given for one arm only; give it for both or neither.');
  }
  let cost: number | null = null;
  if (e.cost !== undefined) {
    requireNonNegative(source, 'cost', e.cost as number);
    requireNonZeroDenominator(source, 'cost', e.cost as number);
    cost = e.cost as number;
  }
  const nAll = t.n + c.n;
  const lift = t.p - c.p;
  const liftSe = Math.sqrt((t.p * (1 - t.p)) / t.n + (c.p * (1 - c.p)) / c.n);
  const conversionLift = symmetric(lift, liftSe, z, o.confidence, 'wald', nAll);
  const incrementalConversions = symmetric(t.n * lift, t.n * liftSe, z, o.confidence, 'wald', nAll);
  let revenueLift: KpiEstimate | null = null;
  let incrementalRevenue: KpiEstimate | null = null;
  let incrementalRoas: KpiEstimate | null = null;
  let roi: KpiEstimate | null = null;
  if (t.mean !== null && c.mean !== null) {
    const d = t.mean - c.mean;
    const se = Math.sqrt((t.variance as number) / t.n + (c.variance as number) / c.n);
    requireFiniteResult(source, 'treatment.revenueSquares', se * t.n);
    revenueLift = symmetric(d, se, z, o.confidence, 'wald', nAll);
    incrementalRevenue = symmetric(t.n * d, t.n * se, z, o.confidence, 'wald', nAll);
    if (cost !== null) {
      const scale = t.n / cost;
      incrementalRoas = symmetric(requireFiniteResult(source, 'cost', d * scale), se * scale, z, o.confidence, 'wald', nAll);
      roi = symmetric(requireFiniteResult(source, 'cost', o.margin * d * scale - 1), o.margin * se * scale, z, o.confidence, 'wald', nAll);
    }
  }
  for (const est of [conversionLift, incrementalConversions, revenueLift, incrementalRevenue, incrementalRoas, roi]) {
    if (est !== null) for (const v of [est.lower, est.upper]) requireFiniteResult(source, 'treatment', v);
  }
  return { conversionLift, incrementalConversions, revenueLift, incrementalRevenue, incrementalRoas, roi };
}
