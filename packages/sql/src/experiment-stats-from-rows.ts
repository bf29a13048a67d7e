import { ValidationError } from '@marksman/core';
import { describe } from './dialect';
import { checkMetrics } from './experiment-stats-sql';
import type { ExperimentMetricSpec } from './experiment-stats-sql';

/** Sums of a mean metric: `MeanInput` of `@marksman/experiments`. */
export interface MeanMetricStats {
  /** Units. */
  readonly n: number;
  /** Σ y. */
  readonly sum: number;
  /** Σ y². */
  readonly sumSquares: number;
}

/** Sums of a mean metric with covariates: `CupedMeanInput`. */
export interface CupedMeanMetricStats extends MeanMetricStats {
  /** Σ zⱼ per covariate. */
  readonly sumZ: readonly number[];
  /** Σ zⱼ·zₗ, symmetric k×k. */
  readonly sumZZ: readonly (readonly number[])[];
  /** Σ zⱼ·y per covariate. */
  readonly sumZY: readonly number[];
}

/** Sums of a ratio metric: `RatioInput`. */
export interface RatioMetricStats {
  /** Units. */
  readonly n: number;
  /** Σ X. */
  readonly sumX: number;
  /** Σ Y. */
  readonly sumY: number;
  /** Σ X². */
  readonly sumXX: number;
  /** Σ Y². */
  readonly sumYY: number;
  /** Σ X·Y. */
  readonly sumXY: number;
}

/** Sums of a ratio metric with covariates: `CupedRatioInput`. */
export interface CupedRatioMetricStats extends RatioMetricStats {
  /** Σ zⱼ per covariate. */
  readonly sumZ: readonly number[];
  /** Σ zⱼ·zₗ, symmetric k×k. */
  readonly sumZZ: readonly (readonly number[])[];
  /** Σ zⱼ·X per covariate. */
  readonly sumZX: readonly number[];
  /** Σ zⱼ·Y per covariate. */
  readonly sumZDenominator: readonly number[];
}

/** Counts of a conversion metric: `ProportionInput`. */
export interface ProportionMetricStats {
  /** Units. */
  readonly n: number;
  /** Units with a value > 0. */
  readonly conversions: number;
}

/** The statistics of one metric in one variant (and segment). */
export type MetricStats = MeanMetricStats | CupedMeanMetricStats | RatioMetricStats | CupedRatioMetricStats | ProportionMetricStats;

/** One variant (and segment) with its metrics' statistics. */
export interface ExperimentStatsRow {
  /** The variant, as text. */
  readonly variant: string;
  /** The segment of the dimension, as text; null without a dimension. */
  readonly segment: string | null;
  /** Statistics per metric name. */
  readonly metrics: Readonly<Record<string, MetricStats>>;
}

/**
 * Turns the rows of {@link experimentStatsSql} — from the DuckDB runner, a
 * warehouse client or a JSON export — back into named statistics per
 * variant, in the shapes `proportionsZTest`, `welchTTest`, `ratioMetricTest`,
 * `cuped`, `bayesBinomial` and `bayesNormal` take. Numbers may arrive as
 * numbers, bigints (safe integers) or numeric strings (PostgreSQL's NUMERIC,
 * BigQuery's JSON); column names are matched exactly, so pass the same
 * `metrics` as to the query. Costs O(rows · metrics · covariates²).
 *
 * @param rows - result rows `{ variant, segment?, m0_n, … }`
 * @param metrics - the metric specs given to {@link experimentStatsSql}
 * @returns one {@link ExperimentStatsRow} per row, in order
 * @throws `OptionsError` `E_SQL_METRIC` as {@link experimentStatsSql};
 *   `ValidationError` `E_SQL_RESULT` for a row that is not an object, a missing column or a value that is not a
 *   finite number (counts must be whole numbers ≥ 0)
 * @example
 * ```ts
 * import { experimentStatsFromRows } from '@marksman/sql';
 * const rows = [{ variant: 'A', m0_n: 4, m0_conversions: 1 }, { variant: 'B', m0_n: 5n, m0_conversions: '3' }];
 * const stats = experimentStatsFromRows(rows, [{ name: 'signup', kind: 'proportion', value: 'signed_up' }]);
 * stats[1]; // => { variant: 'B', segment: null, metrics: { signup: { n: 5, conversions: 3 } } }
 * ```
 */
export function experimentStatsFromRows(rows: readonly Readonly<Record<string, unknown>>[], metrics: readonly ExperimentMetricSpec[]): ExperimentStatsRow[] {
  const source = 'experimentStatsFromRows';
  const specs = checkMetrics(source, metrics);
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_SQL_RESULT', `${source}: rows must be an array of result rows, got ${describe(rows)}.`, { source, field: 'rows' });
  }
  return rows.map((r, row) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new ValidationError('E_SQL_RESULT', `${source}: row ${row} is ${describe(r)}; expected an object of columns.`, { source, field: 'rows', row });
    }
    const get = (field: string, count = false): number => {
      const v = r[field];
      const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(x) || (typeof v === 'bigint' && !Number.isSafeInteger(x)) || (count && !(Number.isSafeInteger(x) && x >= 0))) {
        throw new ValidationError(
          'E_SQL_RESULT',
          `${source}: row ${row} has ${field} = ${describe(v)}; expected ${count ? 'a whole number ≥ 0' : 'a finite number'} (run the query experimentStatsSql wrote for these metrics).`,
          { source, field, row },
        );
      }
      return x;
    };
    const text = (field: string, optional: boolean): string | null => {
      const v = r[field];
      if (v === undefined && optional) return null;
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') return String(v);
      throw new ValidationError('E_SQL_RESULT', `${source}: row ${row} has ${field} = ${describe(v)}; expected text (or a finite number or bigint, read as text).`, { source, field, row });
    };
    const out: Record<string, MetricStats> = {};
    specs.forEach((m, i) => {
      const c = (alias: string, count = false) => get(`m${i}_${alias}`, count);
      const n = c('n', true);
      if (m.kind === 'proportion') {
        out[m.name] = { n, conversions: c('conversions', true) };
        return;
      }
      const k = m.covariates?.length ?? 0;
      const base: MeanMetricStats | RatioMetricStats =
        m.kind === 'mean' ? { n, sum: c('sum'), sumSquares: c('sum_squares') } : { n, sumX: c('sum_x'), sumY: c('sum_y'), sumXX: c('sum_xx'), sumYY: c('sum_yy'), sumXY: c('sum_xy') };
      if (k === 0) {
        out[m.name] = base;
        return;
      }
      const sumZ = Array.from({ length: k }, (_, j) => c(`z${j}_sum`));
      const sumZZ = Array.from({ length: k }, (_, j) => Array.from({ length: k }, (_, l) => c(j <= l ? `z${j}_z${l}` : `z${l}_z${j}`)));
      out[m.name] =
        m.kind === 'mean'
          ? { ...base, sumZ, sumZZ, sumZY: Array.from({ length: k }, (_, j) => c(`z${j}_y`)) }
          : { ...base, sumZ, sumZZ, sumZX: Array.from({ length: k }, (_, j) => c(`z${j}_x`)), sumZDenominator: Array.from({ length: k }, (_, j) => c(`z${j}_d`)) };
    });
    return { variant: text('variant', false)!, segment: text('segment', true), metrics: out };
  });
}
