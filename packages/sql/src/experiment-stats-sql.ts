import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkDialect, checkIdentifier, describe, parts, quote } from './dialect';
import type { SqlDialect } from './dialect';
import { column, lines, tableRef } from './internal/common';
import type { TableName } from './internal/common';

/** A mean metric (spend per user…): one value column, optional CUPED covariates (pre-period columns). */
export interface MeanMetricSpec {
  /** The metric's name in the reshaped result. */
  readonly name: string;
  /** `'mean'`. */
  readonly kind: 'mean';
  /** The per-unit value column. */
  readonly value: string;
  /** Pre-period covariate columns for CUPED (default none). */
  readonly covariates?: readonly string[];
}

/** A ratio metric ΣX / ΣY (revenue per session…): numerator and denominator columns, optional covariates. */
export interface RatioMetricSpec {
  /** The metric's name in the reshaped result. */
  readonly name: string;
  /** `'ratio'`. */
  readonly kind: 'ratio';
  /** The per-unit numerator column. */
  readonly numerator: string;
  /** The per-unit denominator column. */
  readonly denominator: string;
  /** Pre-period covariate columns for CUPED (default none). */
  readonly covariates?: readonly string[];
}

/** A conversion metric: a unit converted when its value column is > 0 (a 0/1 flag or a count). */
export interface ProportionMetricSpec {
  /** The metric's name in the reshaped result. */
  readonly name: string;
  /** `'proportion'`. */
  readonly kind: 'proportion';
  /** The per-unit flag or count column. */
  readonly value: string;
}

/** One metric of {@link experimentStatsSql}. */
export type ExperimentMetricSpec = MeanMetricSpec | RatioMetricSpec | ProportionMetricSpec;

/** Options of {@link experimentStatsSql}. */
export interface ExperimentStatsSqlOptions {
  /** The engine to write for. Required. */
  readonly dialect: SqlDialect;
  /** The table (or view) with one row per randomization unit (user): a name, or its qualified parts. Required. */
  readonly table: TableName;
  /** The metrics, names unique. Required. */
  readonly metrics: readonly ExperimentMetricSpec[];
  /** Variant column (default `'variant'`). */
  readonly variant?: string;
  /** A dimension column (device, country…) to break the statistics down by (default none). */
  readonly dimension?: string | null;
}

interface Resolved {
  dialect: SqlDialect | undefined;
  table: TableName | undefined;
  metrics: readonly ExperimentMetricSpec[] | undefined;
  variant: string;
  dimension: string | null;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ dialect: undefined, table: undefined, metrics: undefined, variant: 'variant', dimension: null });

const KEYS: Readonly<Record<ExperimentMetricSpec['kind'], readonly string[]>> = Object.freeze({
  mean: ['name', 'kind', 'value', 'covariates'],
  ratio: ['name', 'kind', 'numerator', 'denominator', 'covariates'],
  proportion: ['name', 'kind', 'value'],
});

/** Validates the metric list (shared with experimentStatsFromRows). */
export function checkMetrics(source: string, metrics: unknown): readonly ExperimentMetricSpec[] {
  const bad = (message: string, row?: number, field = 'metrics'): never => {
    throw new OptionsError('E_SQL_METRIC', `${source}: ${message}`, row === undefined ? { source, field } : { source, field, row });
  };
  if (!Array.isArray(metrics) || metrics.length === 0) bad('metrics must be a non-empty list of { name, kind, … } metric specs.');
  const seen = new Set<string>();
  (metrics as unknown[]).forEach((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) bad(`metric ${i} must be an object { name, kind, … }, got ${describe(m)}.`, i);
    const spec = m as Record<string, unknown>;
    if (spec.kind !== 'mean' && spec.kind !== 'ratio' && spec.kind !== 'proportion') bad(`metric ${i} has kind ${describe(spec.kind)}; use 'mean', 'ratio' or 'proportion'.`, i, 'kind');
    const kind = spec.kind as ExperimentMetricSpec['kind'];
    for (const key of Object.keys(spec)) {
      if (!KEYS[kind].includes(key)) bad(`metric ${i} (${kind}) has an unknown field "${key}"; known fields: ${KEYS[kind].join(', ')}.`, i, key);
    }
    if (typeof spec.name !== 'string' || spec.name === '') bad(`metric ${i} needs a non-empty name.`, i, 'name');
    if (seen.has(spec.name as string)) bad(`metric name ${describe(spec.name)} appears twice; give each metric once.`, i, 'name');
    seen.add(spec.name as string);
    const cols = kind === 'ratio' ? ['numerator', 'denominator'] : ['value'];
    for (const c of cols) checkIdentifier(source, `metrics[${i}].${c}`, spec[c]);
    if (spec.covariates !== undefined) {
      if (!Array.isArray(spec.covariates)) bad(`metric ${i} has covariates ${describe(spec.covariates)}; give a list of column names.`, i, 'covariates');
      (spec.covariates as unknown[]).forEach((z, j) => checkIdentifier(source, `metrics[${i}].covariates[${j}]`, z));
    }
  });
  return metrics as readonly ExperimentMetricSpec[];
}

/**
 * SQL for the per-variant sufficient statistics of an experiment, in one
 * grouped pass over a table with one row per randomization unit: for each
 * metric, the unit count `n` and the sums the tests of
 * `@marksman/experiments` take — Σy and Σy² of a mean metric (`MeanInput`),
 * ΣX, ΣY, ΣX², ΣY², ΣXY of a ratio metric (`RatioInput`, and the moments of
 * `ratioMetricMoments`), converted units of a proportion
 * (`ProportionInput`), and with covariates the CUPED cross sums Σz, Σzⱼzₗ,
 * Σz·y (or Σz·X, Σz·Y) of `CupedMeanInput` / `CupedRatioInput`. With a
 * `dimension`, one row per variant and segment (for `dimensionBreakdown`).
 *
 * A unit counts for a metric when all the metric's columns are non-NULL, so
 * every sum of a metric runs over the same units. Output columns are
 * positional (`m0_n`, `m0_sum`, `m0_z0_z1`, …, lowercase and safe in every
 * dialect); {@link experimentStatsFromRows} turns the rows back into named
 * statistics. Values are cast to floating point before squaring (no
 * integer overflow). Writing the text costs O(metrics · covariates²).
 *
 * @param options - see {@link ExperimentStatsSqlOptions}
 * @returns the query text
 * @throws `OptionsError` `E_SQL_DIALECT`, `E_SQL_IDENTIFIER`, `E_SQL_METRIC` (no metrics, a metric that is not an object,
 *   an unknown kind or field, a missing or repeated name, covariates that are not a list), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { experimentStatsSql } from '@marksman/sql';
 * const sql = experimentStatsSql({ dialect: 'postgres', table: 'users', metrics: [{ name: 'spend', kind: 'mean', value: 'spend' }] });
 * sql.split('\n'); // => ['SELECT', '  CAST("variant" AS TEXT) AS "variant",', '  COUNT(CASE WHEN "spend" IS NOT NULL THEN 1 END) AS "m0_n",', '  COALESCE(SUM(CASE WHEN "spend" IS NOT NULL THEN CAST("spend" AS DOUBLE PRECISION) END), 0) AS "m0_sum",', '  COALESCE(SUM(CASE WHEN "spend" IS NOT NULL THEN CAST("spend" AS DOUBLE PRECISION) * CAST("spend" AS DOUBLE PRECISION) END), 0) AS "m0_sum_squares"', 'FROM "users"', 'WHERE "variant" IS NOT NULL', 'GROUP BY "variant"', 'ORDER BY "variant"']
 * ```
 */
export function experimentStatsSql(options: ExperimentStatsSqlOptions): string {
  const source = 'experimentStatsSql';
  const o = resolveOptions(source, DEFAULTS, options);
  const d = checkDialect(source, o.dialect);
  const table = tableRef(source, d, o.table);
  const variant = column(source, d, 'variant', o.variant);
  const dim = o.dimension === null ? null : column(source, d, 'dimension', o.dimension);
  const metrics = checkMetrics(source, o.metrics);
  const p = parts(d);
  const q = (name: string) => quote(d, name);
  const x = (col: string) => `CAST(${q(col)} AS ${p.double})`;
  const select: string[] = [`CAST(${variant} AS ${p.text}) AS ${q('variant')}`];
  if (dim !== null) select.push(`CAST(${dim} AS ${p.text}) AS ${q('segment')}`);
  metrics.forEach((m, i) => {
    const cols = m.kind === 'ratio' ? [m.numerator, m.denominator] : [m.value];
    const zs = m.kind === 'proportion' ? [] : (m.covariates ?? []);
    const ok = [...cols, ...zs].map((c) => `${q(c)} IS NOT NULL`).join(' AND ');
    const sum = (expr: string, alias: string) => select.push(`COALESCE(SUM(CASE WHEN ${ok} THEN ${expr} END), 0) AS ${q(`m${i}_${alias}`)}`);
    select.push(`COUNT(CASE WHEN ${ok} THEN 1 END) AS ${q(`m${i}_n`)}`);
    if (m.kind === 'proportion') {
      select.push(`COUNT(CASE WHEN ${ok} AND ${q(m.value)} > 0 THEN 1 END) AS ${q(`m${i}_conversions`)}`);
      return;
    }
    if (m.kind === 'mean') {
      sum(x(m.value), 'sum');
      sum(`${x(m.value)} * ${x(m.value)}`, 'sum_squares');
    } else {
      const [nx, dy] = [x(m.numerator), x(m.denominator)];
      sum(nx, 'sum_x');
      sum(dy, 'sum_y');
      sum(`${nx} * ${nx}`, 'sum_xx');
      sum(`${dy} * ${dy}`, 'sum_yy');
      sum(`${nx} * ${dy}`, 'sum_xy');
    }
    zs.forEach((z, j) => {
      sum(x(z), `z${j}_sum`);
      for (let l = j; l < zs.length; l++) sum(`${x(z)} * ${x(zs[l]!)}`, `z${j}_z${l}`);
      if (m.kind === 'mean') sum(`${x(z)} * ${x(m.value)}`, `z${j}_y`);
      else {
        sum(`${x(z)} * ${x(m.numerator)}`, `z${j}_x`);
        sum(`${x(z)} * ${x(m.denominator)}`, `z${j}_d`);
      }
    });
  });
  const groups = dim === null ? variant : `${variant}, ${dim}`;
  const order = dim === null ? q('variant') : `${q('variant')}, ${q('segment')}`;
  return lines(
    'SELECT',
    select.map((s, k) => `  ${s}${k < select.length - 1 ? ',' : ''}`).join('\n'),
    `FROM ${table}`,
    `WHERE ${variant} IS NOT NULL${dim === null ? '' : ` AND ${dim} IS NOT NULL`}`,
    `GROUP BY ${groups}`,
    `ORDER BY ${order}`,
  );
}
