import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { arrowCheckedRecords, arrowColumnNames, arrowVectorValues, isArrowTable, isArrowVector, resolveOptions } from '@marksman/core/internal';
import { type Alternative, checkAlpha, checkAlternative, criticalValue, intervalOf, pValueOf } from './internal/inference';
import { type LiftMethod, checkLiftMethod, relativeInference, welchDf } from './internal/relative';
import { isValueList, missing, requireFiniteResult } from './internal/samples';

/** A covariate sum given for one covariate (number) or several (array, one entry per covariate). */
export type CovariateSums = number | readonly number[];
/** Covariate cross sums Σ zⱼ·zₗ: a number for one covariate, a symmetric k×k matrix for several. */
export type CovariateCrossSums = number | readonly (readonly number[])[];

/**
 * Sufficient statistics of one variant for CUPED on a mean metric y with
 * pre-period covariates z₁…z_k (one row per unit). SQL:
 * `COUNT(*) AS n, SUM(y) AS sum, SUM(y*y) AS sumSquares, SUM(z) AS sumZ,
 * SUM(z*z) AS sumZZ, SUM(z*y) AS sumZY` by variant (and `SUM(z1*z2)` … for
 * several covariates). An object that also carries ratio-metric fields
 * (`sumX`, `sumY`, …) is refused unless `metric: 'mean'` says which to use.
 */
export interface CupedMeanInput {
  /** `'mean'`: optional, needed only when the object also carries ratio-metric fields (one combined warehouse row). */
  readonly metric?: 'mean';
  /** Number of units. */
  readonly n: number;
  /** Σ y. */
  readonly sum: number;
  /** Σ y². */
  readonly sumSquares: number;
  /** Σ zⱼ for each covariate (a number when there is one covariate). */
  readonly sumZ: CovariateSums;
  /** Σ zⱼ·zₗ (a number for one covariate, else a symmetric k×k matrix). */
  readonly sumZZ: CovariateCrossSums;
  /** Σ zⱼ·y for each covariate: the covariate times the metric (mean metrics only). */
  readonly sumZY: CovariateSums;
}

/**
 * Sufficient statistics of one variant for CUPED on a ratio metric ΣX/ΣY
 * (see {@link RatioInput}) with per-unit covariates z₁…z_k (for a pre-period
 * ratio, pass its numerator and denominator as two covariates). SQL:
 * `SUM(z*x) AS sumZX, SUM(z*y) AS sumZDenominator` on top of the ratio sums.
 * The cross sum with the denominator is deliberately not called `sumZY`:
 * that name means Σ z·y of a mean metric, and an object with ratio fields and
 * `sumZY` is refused (`E_METRIC_KIND`) unless `metric: 'ratio'` is given.
 */
export interface CupedRatioInput {
  /** `'ratio'`: optional, needed only when the object also carries mean-metric fields (one combined warehouse row). */
  readonly metric?: 'ratio';
  /** Number of units. */
  readonly n: number;
  /** Σ X (numerator). */
  readonly sumX: number;
  /** Σ Y (denominator). */
  readonly sumY: number;
  /** Σ X². */
  readonly sumXX: number;
  /** Σ Y². */
  readonly sumYY: number;
  /** Σ X·Y. */
  readonly sumXY: number;
  /** Σ zⱼ. */
  readonly sumZ: CovariateSums;
  /** Σ zⱼ·zₗ. */
  readonly sumZZ: CovariateCrossSums;
  /** Σ zⱼ·X: each covariate times the numerator. */
  readonly sumZX: CovariateSums;
  /** Σ zⱼ·Y: each covariate times the denominator. */
  readonly sumZDenominator: CovariateSums;
}

/**
 * Per-unit covariates of one variant, in any of these layouts (n units, k covariates):
 *
 * - one covariate: an array of n numbers;
 * - **columns**: k arrays of n numbers, one per covariate;
 * - **rows**: n arrays of k numbers, one per unit (in the order of `values`);
 * - **records**: n objects with the same named numeric fields, one per unit
 *   (`{ preSpend: 10, preVisits: 2 }`); both variants must use the same names,
 *   and the covariates (and `theta`) follow the alphabetical order of the names.
 *
 * An array of arrays is read as columns or rows from its shape against the
 * n units; when both fit (k = n, a square input) pass `covariateLayout`.
 * An Apache Arrow vector is one covariate; an Arrow table is read as records
 * (every column a numeric covariate).
 */
export type CupedCovariates = ArrayLike<number> | readonly ArrayLike<number>[] | readonly Readonly<Record<string, number>>[] | ArrowLikeVector | ArrowLikeTable;

/** Raw rows of one variant for CUPED on a mean metric. */
export interface CupedMeanRows {
  /** Per-unit metric values (e.g. spend during the experiment); an Apache Arrow numeric vector too. */
  readonly values: ArrayLike<number> | ArrowLikeVector;
  /** The covariates (e.g. spend in the pre-period): one column, columns, rows or records (see {@link CupedCovariates}). */
  readonly covariates: CupedCovariates;
}

/** Raw rows of one variant for CUPED on a ratio metric. */
export interface CupedRatioRows {
  /** Per-unit numerators; an Apache Arrow numeric vector too. */
  readonly numerator: ArrayLike<number> | ArrowLikeVector;
  /** Per-unit denominators; an Apache Arrow numeric vector too. */
  readonly denominator: ArrayLike<number> | ArrowLikeVector;
  /** The covariates: one column, columns, rows or records (see {@link CupedCovariates}). */
  readonly covariates: CupedCovariates;
}

/** How {@link cuped} reads an array of arrays of covariates: from its shape (`'auto'`), as `'columns'` (one array per covariate) or as `'rows'` (one array per unit). */
export type CupedCovariateLayout = 'auto' | 'columns' | 'rows';

/**
 * One warehouse row carrying the sums of a mean metric and of a ratio metric,
 * read as its mean metric because `metric: 'mean'` says so; the ratio fields
 * are ignored.
 */
export interface CupedCombinedMeanRow extends Omit<CupedMeanInput, 'metric'> {
  /** Which metric of the row to adjust. */
  readonly metric: 'mean';
  /** Ignored: the ratio metric's Σ X. */
  readonly sumX?: number;
  /** Ignored: the ratio metric's Σ Y. */
  readonly sumY?: number;
  /** Ignored: the ratio metric's Σ X². */
  readonly sumXX?: number;
  /** Ignored: the ratio metric's Σ Y². */
  readonly sumYY?: number;
  /** Ignored: the ratio metric's Σ X·Y. */
  readonly sumXY?: number;
  /** Ignored: the ratio metric's Σ z·X. */
  readonly sumZX?: CovariateSums;
  /** Ignored: the ratio metric's Σ z·Y. */
  readonly sumZDenominator?: CovariateSums;
}

/**
 * One warehouse row carrying the sums of a ratio metric and of a mean metric
 * (or `sumZY` beside the ratio fields), read as its ratio metric because
 * `metric: 'ratio'` says so; the mean fields are ignored.
 */
export interface CupedCombinedRatioRow extends Omit<CupedRatioInput, 'metric'> {
  /** Which metric of the row to adjust. */
  readonly metric: 'ratio';
  /** Ignored: the mean metric's Σ y. */
  readonly sum?: number;
  /** Ignored: the mean metric's Σ y². */
  readonly sumSquares?: number;
  /** Ignored: the mean metric's Σ z·y. */
  readonly sumZY?: CovariateSums;
}

/** What {@link cuped} accepts for one variant. */
export type CupedSample = CupedMeanInput | CupedRatioInput | CupedCombinedMeanRow | CupedCombinedRatioRow | CupedMeanRows | CupedRatioRows;

/** Options of {@link cuped}. */
export interface CupedOptions {
  /** 1 − confidence level; default 0.05. */
  readonly alpha?: number;
  /** Alternative hypothesis about treatment − control; default `'two-sided'`. */
  readonly alternative?: Alternative;
  /**
   * Interval of the relative lift of the adjusted metrics: `'fieller'`
   * (default) or `'delta'` (symmetric, gbstats), as in {@link TestOptions}.
   */
  readonly liftMethod?: LiftMethod;
  /**
   * How θ is estimated: `'within'` (default; the pooled within-variant
   * regression, so the adjusted difference equals the treatment coefficient
   * of the OLS fit y ~ 1 + T + z) or `'pooled'` (Deng, Xu, Kohavi & Walker
   * 2013 and GrowthBook's gbstats: one regression over the units of both
   * arms together, ignoring the arm, θ = Cov(y, z)/Var(z)). Both give
   * unbiased differences when the covariates are measured before
   * assignment; they differ by O(effect) and agree as the effect vanishes.
   */
  readonly theta?: CupedTheta;
  /**
   * How an array of arrays of covariates is read: `'auto'` (default) tells
   * columns (k arrays of n values) from rows (n arrays of k values) by their
   * shape and refuses a square input (k = n) as ambiguous; `'columns'` or
   * `'rows'` says which. Records and a single array need no layout.
   */
  readonly covariateLayout?: CupedCovariateLayout;
}

/** How {@link cuped} estimates θ: within variants (`'within'`, the OLS fit with a treatment term) or over both arms together (`'pooled'`). */
export type CupedTheta = 'within' | 'pooled';

/** The analysis without adjustment, for comparison. */
export interface CupedUnadjusted {
  /** Unadjusted difference of the metric, treatment − control. */
  readonly diff: number;
  /** Its standard error. */
  readonly standardError: number;
}

/** Result of {@link cuped}. */
export interface CupedResult {
  /** `'mean'` or `'ratio'`, from the inputs. */
  readonly metric: 'mean' | 'ratio';
  /** Control metric adjusted to the pooled covariate mean. */
  readonly controlMean: number;
  /** Treatment metric adjusted to the pooled covariate mean. */
  readonly treatmentMean: number;
  /** Adjusted difference, treatment − control. */
  readonly diff: number;
  /** Lower end of the confidence interval of `diff`. */
  readonly ciLow: number;
  /** Upper end of the confidence interval of `diff`. */
  readonly ciHigh: number;
  /** Standard error of the adjusted difference. */
  readonly standardError: number;
  /** Test statistic diff / standardError (t for means, z for ratios). */
  readonly statistic: number;
  /** Degrees of freedom (Welch–Satterthwaite on the adjusted variances; Infinity for ratios). */
  readonly df: number;
  /** p-value. */
  readonly pValue: number;
  /** Relative lift of the adjusted metrics (null when the control is 0). */
  readonly lift: number | null;
  /**
   * Lower end of the confidence interval of `lift` (Fieller by default; see `liftMethod`);
   * −Infinity for `alternative: 'less'` or an unbounded Fieller interval (see `liftCiHigh`); null when the lift is undefined.
   */
  readonly liftCiLow: number | null;
  /**
   * Upper end of the confidence interval of `lift`: Infinity for `alternative: 'greater'`, and with Fieller
   * when the control is not distinguishable from 0 at this level (the interval is then unbounded, as in
   * {@link relativeLift}); null when the lift is undefined.
   */
  readonly liftCiHigh: number | null;
  /** How the lift interval was computed. */
  readonly liftMethod: LiftMethod;
  /** Regression coefficients θ of the covariates (see `thetaMethod`). */
  readonly theta: readonly number[];
  /** How θ was estimated. */
  readonly thetaMethod: CupedTheta;
  /** 1 − Var(adjusted diff) / Var(unadjusted diff): the share of variance removed. */
  readonly varianceReduction: number;
  /** The same comparison without adjustment. */
  readonly unadjusted: CupedUnadjusted;
  /** The alpha used. */
  readonly alpha: number;
  /** The alternative used. */
  readonly alternative: Alternative;
}

/** Moments of one variant: n, means μ and covariance S (n − 1) of [metric vars…, z…]. */
interface ArmMoments {
  n: number;
  mu: number[];
  cov: number[][];
  /** Number of metric variables (1 for a mean, 2 for a ratio). */
  m: number;
  /** Covariate names when given as records. */
  names?: string[] | null;
}

const LAYOUTS = 'columns (k arrays of n values, one per covariate), rows (n arrays of k values, one per unit) or records (n objects with named numeric fields)';

/**
 * Covariates given as Arrow: a vector is one covariate's values; a table is
 * read as its records (every column a numeric covariate, `E_ARROW_TYPE`
 * naming a column that is not; nulls stay `null` for the records' checks).
 */
function arrowCovariates(c: CupedCovariates): unknown {
  if (isArrowVector(c)) return arrowVectorValues('cuped', 'covariates', c, 'number');
  if (isArrowTable(c)) return arrowCheckedRecords('cuped', c, Object.fromEntries(arrowColumnNames(c).map((name) => [name, 'number' as const])));
  return c;
}

/** Covariates of one variant as columns, with their names (records) or null, read in `layout` for n units. */
function covariateColumns(c: unknown, row: number, n: number, layout: CupedCovariateLayout): { cols: ArrayLike<number>[]; names: string[] | null } {
  if (!isValueList(c) || c.length === 0) {
    fail('E_COVARIATES', `needs covariates for its ${n} units as ${LAYOUTS}, or one array of n values for a single covariate.`, row, 'covariates');
  }
  const first = (c as ArrayLike<unknown>)[0];
  // One covariate: an array of numbers.
  if (typeof first === 'number' || ArrayBuffer.isView(c)) {
    if (c.length !== n) fail('E_LENGTH_MISMATCH', `has ${c.length} covariate values for ${n} units; a single covariate needs one value per unit.`, row, 'covariates');
    return { cols: [c as ArrayLike<number>], names: null };
  }
  const list = c as readonly unknown[];
  // Records: one object per unit with named numeric fields.
  if (first !== null && typeof first === 'object' && !isValueList(first)) {
    const names = Object.keys(first).sort();
    if (names.length === 0) fail('E_COVARIATES', 'has covariate records with no fields; give each unit an object such as { preSpend: 10 }.', row, 'covariates');
    if (list.length !== n) fail('E_LENGTH_MISMATCH', `has ${list.length} covariate records for ${n} units; records are one per unit, in the order of the metric values.`, row, 'covariates');
    const cols = names.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const r = list[i];
      if (r === null || typeof r !== 'object' || isValueList(r)) fail('E_COVARIATES', `has covariate record ${i} that is not an object; covariates given as records need one object per unit.`, row, `covariates[${i}]`);
      const keys = Object.keys(r as object);
      if (keys.length !== names.length || !names.every((name) => name in (r as object))) {
        fail('E_COVARIATES', `has covariate record ${i} with fields ${JSON.stringify(keys)} but record 0 has ${JSON.stringify(names)}; every record needs the same fields.`, row, `covariates[${i}]`);
      }
      names.forEach((name, j) => {
        const v = (r as Record<string, unknown>)[name];
        if (typeof v !== 'number') fail('E_COVARIATES', `has covariate record ${i} with ${name} = ${JSON.stringify(v)}; expected a number.`, row, `covariates[${i}].${name}`);
        cols[j]![i] = v;
      });
    }
    return { cols, names };
  }
  // An array of arrays: columns or rows.
  if (!list.every(isValueList)) fail('E_COVARIATES', `has covariates that mix arrays with other values; give ${LAYOUTS}.`, row, 'covariates');
  const arrays = list as readonly ArrayLike<number>[];
  const width = arrays[0]!.length;
  if (!arrays.every((a) => a.length === width)) {
    fail('E_LENGTH_MISMATCH', `has covariate arrays of different lengths (${arrays[0]!.length} and ${arrays.find((a) => a.length !== width)!.length}); give ${LAYOUTS}, each of one length.`, row, 'covariates');
  }
  const asColumns = width === n;
  const asRows = list.length === n;
  let read: 'columns' | 'rows';
  if (layout === 'columns' || layout === 'rows') {
    read = layout;
    if (read === 'columns' ? !asColumns : !asRows) {
      const what = read === 'columns' ? `${list.length} arrays of ${width} values, but columns need ${n} values each (one per unit)` : `${list.length} arrays, but rows need one array per unit (${n})`;
      fail('E_LENGTH_MISMATCH', `has covariateLayout '${read}' and ${what}.`, row, 'covariates');
    }
  } else {
    if (!asColumns && !asRows) {
      fail('E_LENGTH_MISMATCH', `has ${list.length} covariate arrays of ${width} values for ${n} units; expected columns (arrays of ${n} values, one per covariate) or rows (${n} arrays, one per unit).`, row, 'covariates');
    }
    if (asColumns && asRows) {
      fail(
        'E_COVARIATE_LAYOUT',
        `has ${n} covariate arrays of ${n} values for ${n} units, which reads as columns or as rows; pass covariateLayout: 'columns' (one array per covariate) or 'rows' (one array per unit).`,
        row,
        'covariates',
      );
    }
    read = asColumns ? 'columns' : 'rows';
  }
  if (read === 'columns') return { cols: [...arrays], names: null };
  const cols = Array.from({ length: width }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) cols[j]![i] = arrays[i]![j]!;
  if (width === 0) fail('E_COVARIATES', 'has covariate rows with no values; give each unit at least one covariate.', row, 'covariates');
  return { cols, names: null };
}

function fail(code: string, message: string, row: number, field: string): never {
  throw new ValidationError(code, `cuped: variant ${row} ${message}`, { source: 'cuped', row, field });
}

/** Means and covariance (n − 1) of raw rows by two passes (vars: metric vars then covariates). */
function momentsFromRows(vars: ArrayLike<number>[], row: number): { n: number; mu: number[]; cov: number[][] } {
  const p = vars.length;
  const n = vars[0]!.length;
  for (const v of vars) if (v.length !== n) fail('E_LENGTH_MISMATCH', 'has metric and covariate columns of different lengths.', row, 'covariates');
  if (n < 3) fail('E_TOO_FEW_UNITS', `has n = ${n}; CUPED needs at least 3 units per variant.`, row, 'n');
  const mu = vars.map((v) => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(v[i]!)) fail('E_NOT_FINITE', `has a non-finite value at index ${i}.`, row, 'values');
      acc += v[i]!;
    }
    return acc / n;
  });
  const cov = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const da = vars[a]![i]! - mu[a]!;
      for (let b = 0; b <= a; b++) cov[a]![b]! += da * (vars[b]![i]! - mu[b]!);
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a]![b]! /= n - 1;
      cov[b]![a] = cov[a]![b]!;
    }
  }
  return { n, mu, cov };
}

const MEAN_FIELDS = ['sum', 'sumSquares'] as const;
const RATIO_FIELDS = ['sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY', 'sumZX', 'sumZDenominator'] as const;

/** Which shape of sufficient statistics an object is, refusing mixed or ambiguous objects. */
function sumsKind(sample: object, row: number): 'mean' | 'ratio' {
  const declared = (sample as { metric?: unknown }).metric;
  if (declared !== undefined) {
    if (declared !== 'mean' && declared !== 'ratio') {
      fail('E_METRIC_KIND', `has metric = ${JSON.stringify(declared)}; use 'mean' or 'ratio'.`, row, 'metric');
    }
    return declared;
  }
  const meanFields = MEAN_FIELDS.filter((f) => f in sample);
  const ratioFields = RATIO_FIELDS.filter((f) => f in sample);
  if (meanFields.length > 0 && ratioFields.length > 0) {
    fail(
      'E_METRIC_KIND',
      `has both mean-metric fields (${meanFields.join(', ')}) and ratio-metric fields (${ratioFields.join(', ')}); ` +
        "pass metric: 'mean' or metric: 'ratio' to say which metric to adjust, or build one object per shape.",
      row,
      'metric',
    );
  }
  if (ratioFields.length === 0) return 'mean';
  if ('sumZY' in sample) {
    fail(
      'E_METRIC_KIND',
      'has ratio-metric fields and sumZY, which is the mean-metric cross sum Σ z·y; for a ratio metric X/Y give ' +
        "sumZX = Σ z·X and sumZDenominator = Σ z·Y (or pass metric: 'ratio' to ignore sumZY).",
      row,
      'sumZY',
    );
  }
  return 'ratio';
}

const FIELD_MEANING: Readonly<Record<string, string>> = {
  sumZ: 'Σ z',
  sumZZ: 'Σ z·z',
  sumZY: 'Σ z·y, the covariate times the metric',
  sumZX: 'Σ z·X, the covariate times the numerator',
  sumZDenominator: 'Σ z·Y, the covariate times the denominator',
};

/** A covariate field that must be present: its name and what it means are in the error. */
function present(sample: object, field: string, kind: 'mean' | 'ratio', row: number): unknown {
  const value = (sample as Record<string, unknown>)[field];
  if (value === undefined || value === null) {
    const hint = kind === 'ratio' && field === 'sumZDenominator' && 'sumZY' in sample ? ' (sumZY is the mean-metric Σ z·y and is not used for a ratio metric)' : '';
    fail('E_COVARIATES', `has no ${field} (${FIELD_MEANING[field]!}); CUPED on a ${kind} metric needs ${kind === 'mean' ? 'sumZ, sumZZ and sumZY' : 'sumZ, sumZZ, sumZX and sumZDenominator'}${hint}.`, row, field);
  }
  return value;
}

/** A per-covariate sum: a number (one covariate) or an array of numbers. */
function covariateVector(sample: object, field: string, kind: 'mean' | 'ratio', row: number): number[] {
  const value = present(sample, field, kind, row);
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Array.from(value as number[]);
  return fail('E_COVARIATES', `has ${field} of the wrong type; give a number (one covariate) or an array of numbers (one per covariate).`, row, field);
}

/** Σ zⱼ·zₗ: a number (one covariate) or a symmetric k×k array of arrays. */
function covariateMatrix(sample: object, kind: 'mean' | 'ratio', row: number, k: number): number[][] {
  const value = present(sample, 'sumZZ', kind, row);
  let m: number[][] | null = null;
  if (typeof value === 'number') m = [[value]];
  else if (Array.isArray(value) && value.every((r) => Array.isArray(r) && (r as unknown[]).every((v) => typeof v === 'number'))) {
    m = (value as number[][]).map((r) => Array.from(r));
  }
  if (m === null) fail('E_COVARIATES', 'has sumZZ of the wrong type; give a number (one covariate) or a k×k array of arrays.', row, 'sumZZ');
  if (m.length !== k || m.some((r) => r.length !== k)) {
    fail('E_COVARIATES', `has covariate sums of inconsistent sizes: sumZ has ${k} covariates, so sumZZ must be ${k}×${k}.`, row, 'sumZZ');
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const x = m[i]![j]!;
      const y = m[j]![i]!;
      if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) {
        fail('E_COVARIATES', `has sumZZ[${i}][${j}] ≠ sumZZ[${j}][${i}]; Σ zⱼ·zₗ is symmetric.`, row, 'sumZZ');
      }
    }
  }
  return m;
}

function armMoments(sample: CupedSample | undefined, row: number, field: string, layout: CupedCovariateLayout): ArmMoments {
  if (sample === undefined || sample === null) missing('cuped', field);
  if (typeof sample !== 'object') fail('E_METRIC_KIND', 'must be an object of rows or of sufficient statistics.', row, field);
  let s: number[];
  let ss: number[][];
  let m: number;
  if ('values' in sample || 'numerator' in sample) {
    if ('values' in sample && 'numerator' in sample) {
      fail('E_METRIC_KIND', 'has both values (a mean metric) and numerator (a ratio metric); give one of them.', row, 'values');
    }
    const given = 'values' in sample ? { values: sample.values } : { numerator: sample.numerator, denominator: sample.denominator };
    // Arrow vectors through core's reader (typed arrays in place; text or dates are E_ARROW_TYPE naming the field).
    const metric = Object.entries(given).map(([f, v]) => (isArrowVector(v) ? (arrowVectorValues('cuped', f, v, 'number') as ArrayLike<number>) : v));
    if (!metric.every(isValueList)) fail('E_LENGTH_MISMATCH', `needs ${'values' in sample ? 'values' : 'numerator and denominator'} as arrays of numbers.`, row, 'values' in sample ? 'values' : 'numerator');
    const { cols, names } = covariateColumns(arrowCovariates(sample.covariates), row, metric[0]!.length, layout);
    const r = momentsFromRows([...metric, ...cols], row);
    if (metric.length === 2 && r.mu[1] === 0) fail('E_ZERO_DENOMINATOR', 'has ΣY = 0, so its ratio is undefined.', row, 'denominator');
    return { n: r.n, mu: r.mu, cov: r.cov, m: metric.length, names };
  }
  const kind = sumsKind(sample, row);
  const sums = sample as unknown as Record<string, unknown>;
  const sz = covariateVector(sample, 'sumZ', kind, row);
  const k = sz.length;
  const szz = covariateMatrix(sample, kind, row, k);
  const cross = (f: string): number[] => {
    const v = covariateVector(sample, f, kind, row);
    if (v.length !== k) fail('E_COVARIATES', `has covariate sums of inconsistent sizes: sumZ has ${k} covariates but ${f} has ${v.length}.`, row, f);
    return v;
  };
  const num = (f: string): number => {
    const v = sums[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('E_NOT_FINITE', `has ${f} = ${String(v)}; give a finite number.`, row, f);
    return v;
  };
  const n = sums.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail('E_NEGATIVE_COUNT', `has n = ${String(n)}; n must be a whole number ≥ 0.`, row, 'n');
  if (kind === 'ratio') {
    m = 2;
    const szx = cross('sumZX');
    const szd = cross('sumZDenominator');
    const [sx, sy, sxx, syy, sxy] = [num('sumX'), num('sumY'), num('sumXX'), num('sumYY'), num('sumXY')];
    s = [sx, sy, ...sz];
    ss = [[sxx, sxy, ...szx], [sxy, syy, ...szd], ...szz.map((r, j) => [szx[j]!, szd[j]!, ...r])];
  } else {
    m = 1;
    const szy = cross('sumZY');
    const [sum, sumSquares] = [num('sum'), num('sumSquares')];
    s = [sum, ...sz];
    ss = [[sumSquares, ...szy], ...szz.map((r, j) => [szy[j]!, ...r])];
  }
  if (n < 3) fail('E_TOO_FEW_UNITS', `has n = ${n}; CUPED needs at least 3 units per variant.`, row, 'n');
  for (const v of [...s, ...ss.flat()]) if (!Number.isFinite(v)) fail('E_NOT_FINITE', 'has a non-finite covariate sum.', row, 'sumZ');
  const p = s.length;
  const mu = s.map((x) => x / n);
  const cov = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => (ss[a]![b]! - s[a]! * mu[b]!) / (n - 1)));
  for (let a = 0; a < p; a++) {
    if (cov[a]![a]! < -1e-9 * Math.max(1, Math.abs(ss[a]![a]!) / (n - 1))) {
      fail('E_SUM_SQUARES', 'has a sum of squares smaller than (Σ)²/n; check the sufficient statistics.', row, 'sumSquares');
    }
    cov[a]![a] = Math.max(0, cov[a]![a]!);
  }
  if (m === 2 && mu[1] === 0) fail('E_ZERO_DENOMINATOR', 'has ΣY = 0, so its ratio is undefined.', row, 'sumY');
  return { n, mu, cov, m };
}

/** Solves A x = b (k×k) by Gaussian elimination with partial pivoting; null if singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const k = b.length;
  const M = A.map((r, i) => [...r, b[i]!]);
  const scale = Math.max(1e-300, ...A.map((r, i) => Math.abs(r[i]!)));
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (Math.abs(M[piv]![c]!) <= 1e-12 * scale) return null;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = c + 1; r < k; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= k; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let c = k - 1; c >= 0; c--) {
    let acc = M[c]![k]!;
    for (let j = c + 1; j < k; j++) acc -= M[c]![j]! * x[j]!;
    x[c] = acc / M[c]![c]!;
  }
  return x;
}

/** Linearization a (metric influence weights over the variables) of one arm. */
function linearization(arm: ArmMoments): { value: number; a: number[] } {
  const p = arm.mu.length;
  const a = new Array<number>(p).fill(0);
  if (arm.m === 1) {
    a[0] = 1;
    return { value: arm.mu[0]!, a };
  }
  const r = arm.mu[0]! / arm.mu[1]!;
  a[0] = 1 / arm.mu[1]!;
  a[1] = -r / arm.mu[1]!;
  return { value: r, a };
}

function quad(a: number[], S: number[][], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) s += a[i]! * S[i]![j]! * b[j]!;
  return s;
}

const CUPED_DEFAULTS: Readonly<{ alpha: number; alternative: Alternative; liftMethod: LiftMethod; theta: CupedTheta; covariateLayout: CupedCovariateLayout }> = Object.freeze({
  alpha: 0.05,
  alternative: 'two-sided',
  liftMethod: 'fieller',
  theta: 'within',
  covariateLayout: 'auto',
});

/** Moments of both arms taken together as one sample (the arm ignored). */
function jointMoments(C: ArmMoments, T: ArmMoments): ArmMoments {
  const n = C.n + T.n;
  const p = C.mu.length;
  const mu = C.mu.map((v, i) => (C.n * v + T.n * T.mu[i]!) / n);
  const cov = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => {
      let s = 0;
      for (const arm of [C, T]) s += (arm.n - 1) * arm.cov[a]![b]! + arm.n * (arm.mu[a]! - mu[a]!) * (arm.mu[b]! - mu[b]!);
      return s / (n - 1);
    }),
  );
  return { n, mu, cov, m: C.m };
}

/**
 * CUPED / regression adjustment (Deng, Xu, Kohavi & Walker, WSDM 2013):
 * removes the part of a metric's variance explained by pre-experiment
 * covariates (e.g. spend before the test), for a mean metric or a ratio
 * metric (through its delta-method linearization), with one or several
 * covariates. θ is by default the pooled within-variant regression of the
 * (linearized) metric on the covariates, so for a mean metric the adjusted
 * difference equals the treatment coefficient of the OLS fit y ~ 1 + T + z;
 * `theta: 'pooled'` instead fits one regression over both arms together,
 * ignoring the arm (Deng et al. 2013; GrowthBook's `compute_theta`). Each
 * variant's adjusted variance is (s²_y − 2θ's_zy + θ'S_zzθ)/n; the
 * difference gets a Welch t (means) or normal (ratios) interval, and the
 * variance reduction achieved is reported; the relative lift of the adjusted
 * metrics gets Fieller's interval with the same reference law. With
 * `liftMethod: 'delta'` a mean metric gets gbstats' relative CUPED test
 * instead (the adjusted difference over the control's unadjusted mean, its
 * delta-method variance, Student t): with `theta: 'pooled'` as well this is
 * GrowthBook's regression-adjusted relative result. Covariates must not be affected by
 * the treatment (measure them before assignment).
 *
 * From sufficient statistics the metric kind is never guessed: a mean is
 * `{ n, sum, sumSquares, sumZ, sumZZ, sumZY }` (sumZY = Σ z·y), a ratio is
 * `{ n, sumX, sumY, sumXX, sumYY, sumXY, sumZ, sumZZ, sumZX, sumZDenominator }`
 * (Σ z·X and Σ z·Y); an object carrying both (one combined warehouse row), or
 * ratio fields beside `sumZY`, needs `metric: 'mean' | 'ratio'`.
 *
 * Per-unit covariates may be one array (one covariate), columns (one array
 * per covariate), rows (one array per unit) or records (one object per unit
 * with named fields): see {@link CupedCovariates}. An array of arrays is read
 * by its shape against the number of units; a square one (as many
 * covariates as units) needs `covariateLayout`.
 *
 * Costs O(n·k²) from rows, O(k³) from sufficient statistics.
 *
 * @param control - sufficient statistics or per-unit values and covariates of the control (the values as
 *   arrays or Apache Arrow numeric vectors; the covariates also as an Arrow vector, one covariate, or an Arrow
 *   table, read as its records: every column a numeric covariate)
 * @param treatment - the same for the treatment (same metric kind and covariates)
 * @param options - `alpha` (0.05), `alternative` ('two-sided'), `liftMethod` ('fieller'), `theta` ('within'), `covariateLayout` ('auto')
 * @returns the {@link CupedResult}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_TOO_FEW_UNITS`, `E_NOT_FINITE`, `E_NEGATIVE_COUNT`,
 *   `E_SUM_SQUARES`, `E_LENGTH_MISMATCH` (covariates that fit neither columns nor rows of the n units; the message
 *   names both layouts), `E_COVARIATE_LAYOUT` (a square array of arrays without `covariateLayout`), `E_COVARIATES`
 *   (a covariate sum missing, of the wrong type or size, records with different fields, or different covariates
 *   in the two variants), `E_METRIC_KIND` (mean and ratio fields mixed in one object
 *   without `metric`, `sumZY` beside ratio fields, or a mean metric against a ratio metric),
 *   `E_ZERO_DENOMINATOR`, `E_SINGULAR_COVARIATES` (constant or collinear covariates), `E_ZERO_VARIANCE`,
 *   `E_ARROW_TYPE` (an Arrow vector or covariate column of text, dates or nested values; an Arrow null is the error
 *   a `null` in the arrays or records gives);
 *   `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE` (liftMethod, theta, covariateLayout)
 * @example
 * ```ts
 * import { cuped } from '@marksman/experiments';
 * const control = { values: [12, 8, 15, 9, 11, 14], covariates: [10, 7, 14, 8, 10, 12] };
 * const treatment = { values: [14, 10, 16, 12, 13, 15], covariates: [10, 8, 13, 9, 11, 12] };
 * const r = cuped(control, treatment);
 * r.diff.toFixed(3); // => '1.479'
 * r.varianceReduction > 0.8; // => true
 *
 * // The same covariate as rows (one array per unit) or records (one object per unit) gives the same answer.
 * const rows = (s: typeof control) => ({ values: s.values, covariates: s.covariates.map((z) => [z]) });
 * cuped(rows(control), rows(treatment)).diff.toFixed(3); // => '1.479'
 * const records = (s: typeof control) => ({ values: s.values, covariates: s.covariates.map((z) => ({ preSpend: z })) });
 * cuped(records(control), records(treatment)).diff.toFixed(3); // => '1.479'
 * ```
 */
export function cuped(control: CupedSample, treatment: CupedSample, options?: CupedOptions): CupedResult {
  const source = 'cuped';
  const o = resolveOptions(source, CUPED_DEFAULTS, options);
  const alpha = checkAlpha(o.alpha, source);
  const alt = checkAlternative(o.alternative, source);
  const liftMethod = checkLiftMethod(o.liftMethod, source);
  if (o.theta !== 'within' && o.theta !== 'pooled') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: theta must be 'within' or 'pooled', got ${JSON.stringify(o.theta)}.`, { source, field: 'theta' });
  }
  const layout = o.covariateLayout;
  if (layout !== 'auto' && layout !== 'columns' && layout !== 'rows') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: covariateLayout must be 'auto', 'columns' or 'rows', got ${JSON.stringify(layout)}.`, { source, field: 'covariateLayout' });
  }
  const C = armMoments(control, 0, 'control', layout);
  const T = armMoments(treatment, 1, 'treatment', layout);
  const cNames = C.names ?? null;
  const tNames = T.names ?? null;
  if ((cNames === null) !== (tNames === null) || (cNames !== null && tNames !== null && cNames.join('\u0000') !== tNames.join('\u0000'))) {
    throw new ValidationError(
      'E_COVARIATES',
      `${source}: control has covariates ${cNames === null ? 'without names' : JSON.stringify(cNames)} but treatment has ${tNames === null ? 'covariates without names' : JSON.stringify(tNames)}; give both variants the same covariates in the same layout.`,
      { source, field: 'treatment' },
    );
  }
  if (C.m !== T.m) {
    throw new ValidationError('E_METRIC_KIND', `${source}: control is a ${C.m === 1 ? 'mean' : 'ratio'} metric but treatment is a ${T.m === 1 ? 'mean' : 'ratio'} metric; give both in the same shape.`, {
      source,
      field: 'treatment',
    });
  }
  if (C.mu.length !== T.mu.length) {
    throw new ValidationError('E_COVARIATES', `${source}: control has ${C.mu.length - C.m} covariates but treatment has ${T.mu.length - T.m}; give the same covariates to both.`, {
      source,
      field: 'treatment',
    });
  }
  const m = C.m;
  const p = C.mu.length;
  const k = p - m;
  if (k < 1) throw new OptionsError('E_COVARIATES', `${source}: give at least one covariate.`, { source, field: 'covariates' });
  const zIdx = Array.from({ length: k }, (_, j) => m + j);
  const moments = (arm: ArmMoments) => {
    const { value, a } = linearization(arm);
    const va = quad(a, arm.cov, a);
    // c_j = Cov(linearized metric, z_j) = Σ_b a_b S[b][z_j]
    const c = zIdx.map((zi) => {
      let acc = 0;
      for (let b = 0; b < p; b++) acc += a[b]! * arm.cov[b]![zi]!;
      return acc;
    });
    const V = zIdx.map((zi) => zIdx.map((zl) => arm.cov[zi]![zl]!));
    return { arm, value, va, c, V, zMean: zIdx.map((zi) => arm.mu[zi]!) };
  };
  const arms = [C, T].map(moments);
  // normal equations: within variants (weights n − 1), or over the joint sample
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const bvec = new Array<number>(k).fill(0);
  for (const x of o.theta === 'pooled' ? [moments(jointMoments(C, T))] : arms) {
    const w = x.arm.n - 1;
    for (let i = 0; i < k; i++) {
      bvec[i]! += w * x.c[i]!;
      for (let j = 0; j < k; j++) A[i]![j]! += w * x.V[i]![j]!;
    }
  }
  const theta = solve(A, bvec);
  if (theta === null) {
    throw new ValidationError('E_SINGULAR_COVARIATES', `${source}: the covariates are constant or collinear; drop the redundant ones.`, { source, field: 'covariates' });
  }
  const nAll = C.n + T.n;
  const zPooled = zIdx.map((_, j) => (C.n * arms[0]!.zMean[j]! + T.n * arms[1]!.zMean[j]!) / nAll);
  const adj = arms.map((x) => {
    let shift = 0;
    for (let j = 0; j < k; j++) shift += theta[j]! * (x.zMean[j]! - zPooled[j]!);
    let v = x.va;
    for (let j = 0; j < k; j++) {
      v -= 2 * theta[j]! * x.c[j]!;
      for (let l = 0; l < k; l++) v += theta[j]! * x.V[j]![l]! * theta[l]!;
    }
    return { mean: x.value - shift, varMean: Math.max(0, v) / x.arm.n, rawVarMean: x.va / x.arm.n };
  });
  const [ac, at] = adj as [(typeof adj)[0], (typeof adj)[0]];
  const se = Math.sqrt(ac.varMean + at.varMean);
  const seRaw = Math.sqrt(ac.rawVarMean + at.rawVarMean);
  if (!(se > 0)) {
    throw new ValidationError('E_ZERO_VARIANCE', `${source}: the adjusted metric has zero variance; the covariates explain it exactly.`, { source, field: 'covariates' });
  }
  const diff = at.mean - ac.mean;
  const df =
    m === 1
      ? ((ac.varMean + at.varMean) ** 2) / ((ac.varMean * ac.varMean) / (C.n - 1) + (at.varMean * at.varMean) / (T.n - 1))
      : Infinity;
  const statistic = diff / se;
  requireFiniteResult(source, { diff, standardError: se, statistic });
  const ci = intervalOf(diff, se, df, alpha, alt);
  const liftDf = m === 1 ? df : liftMethod === 'delta' ? welchDf(ac.varMean, C.n, at.varMean, T.n) : Infinity;
  const l =
    liftMethod === 'delta' && m === 1
      ? gbstatsRelative(arms[0]!, arms[1]!, theta, at.varMean, diff, liftDf, alpha, alt)
      : relativeInference(ac.mean, ac.varMean, at.mean, at.varMean, liftDf, alpha, alt, liftMethod);
  return {
    metric: m === 1 ? 'mean' : 'ratio',
    controlMean: ac.mean,
    treatmentMean: at.mean,
    diff,
    ciLow: ci.low,
    ciHigh: ci.high,
    standardError: se,
    statistic,
    df,
    pValue: pValueOf(statistic, df, alt),
    lift: l?.lift ?? null,
    liftCiLow: l?.low ?? null,
    liftCiHigh: l?.high ?? null,
    liftMethod,
    theta,
    thetaMethod: o.theta,
    varianceReduction: seRaw > 0 ? 1 - (se * se) / (seRaw * seRaw) : 0,
    unadjusted: { diff: arms[1]!.value - arms[0]!.value, standardError: seRaw },
    alpha,
    alternative: alt,
  };
}

/** What {@link gbstatsRelative} needs of one arm. */
interface ArmSummary {
  arm: ArmMoments;
  value: number;
  va: number;
  c: number[];
  V: number[][];
}

/**
 * gbstats' relative CUPED test on a mean metric (gbstats/models/tests.py,
 * `frequentist_variance_relative_cuped`): lift = adjusted difference / the
 * control's unadjusted mean ȳ_C, variance
 * Var(adj. ȳ_T)/ȳ_C² + (s²_yC·ȳ_T²/ȳ_C² − 2(ȳ_T/ȳ_C)·θ'c_C + θ'V_Cθ)/(n_C ȳ_C²),
 * symmetric interval and p-value from Student's t at `df`.
 */
function gbstatsRelative(C: ArmSummary, T: ArmSummary, theta: number[], varMeanT: number, diff: number, df: number, alpha: number, alt: Alternative) {
  const yC = C.value;
  if (yC === 0) return null;
  const ratio = T.value / yC;
  let vc = C.va * ratio * ratio;
  for (let j = 0; j < theta.length; j++) {
    vc -= 2 * ratio * theta[j]! * C.c[j]!;
    for (let l = 0; l < theta.length; l++) vc += theta[j]! * C.V[j]![l]! * theta[l]!;
  }
  const se = Math.sqrt(Math.max(0, varMeanT / (yC * yC) + vc / (C.arm.n * yC * yC)));
  const lift = diff / yC;
  const c = criticalValue(alt === 'two-sided' ? alpha / 2 : alpha, df);
  const statistic = se > 0 ? lift / se : 0;
  return {
    lift,
    low: alt === 'less' ? -Infinity : lift - c * se,
    high: alt === 'greater' ? Infinity : lift + c * se,
    se,
    statistic,
    df,
    pValue: se > 0 ? pValueOf(statistic, df, alt) : 1,
  };
}
