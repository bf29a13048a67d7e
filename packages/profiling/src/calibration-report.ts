import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { BgBbModel } from './bg-bb';
import { BgNbdModel } from './bg-nbd';
import { formatNumber } from './clv/diagnostics';
import type { ClvDiagnostic, ClvDiagnosticCode } from './clv/diagnostics';
import { toColumns } from './clv/input';
import type { ClvCustomer } from './clv/input';
import type { ClvPurchaseModel } from './customer-lifetime-value';
import { MbgNbdModel } from './mbg-nbd';
import { ParetoNbdModel } from './pareto-nbd';
import type { ClvSummary } from './summarize-for-clv';
import type { ClvTimeUnit } from './time-unit';

/** Options of {@link calibrationReport}. */
export interface CalibrationReportOptions {
  /** Customers with this many repeat purchases or more in the calibration period share the last group (an integer ≥ 1; default 7, so groups 0 … 6 and 7+). */
  readonly maxFrequency?: number;
}

/** One calibration-frequency group of a {@link CalibrationReport}: lifetimes' calibration-vs-holdout plot as numbers. */
export interface CalibrationGroup {
  /** Repeat purchases in the calibration period (the last group holds this many or more). */
  readonly frequency: number;
  /** `'0'`, `'1'`, … or `'7+'` for the last group. */
  readonly label: string;
  /** Customers in the group. */
  readonly customers: number;
  /** Mean purchases they made in the holdout period. */
  readonly actual: number;
  /** Mean purchases each model expected of them, in the order of `models`. */
  readonly predicted: readonly number[];
}

/** How one model did on the holdout period. */
export interface CalibrationModelScore {
  /** The model's name (the key it was given under, or its kind: `'BG/NBD'`, `'MBG/NBD'`, `'Pareto/NBD'`, `'BG/BB'`). */
  readonly name: string;
  /** Total purchases the model expected in the holdout period. */
  readonly predictedTotal: number;
  /** `predictedTotal − actualTotal`. */
  readonly totalError: number;
  /** `totalError / actualTotal` (NaN when nobody bought in the holdout). */
  readonly relativeError: number;
  /** Mean over customers of |expected − actual| holdout purchases. */
  readonly meanAbsoluteError: number;
  /** Root mean square of expected − actual over customers. */
  readonly rootMeanSquaredError: number;
  /** Codes of the model's warning and error diagnostics (empty when it has none or was not fitted). */
  readonly warnings: readonly ClvDiagnosticCode[];
}

/** The model a {@link CalibrationReport} picks, and why. */
export interface CalibrationChoice {
  /** Its name, as in `models`. */
  readonly name: string;
  /** The reason, with the numbers. */
  readonly reason: string;
}

/** What {@link calibrationReport} returns. */
export interface CalibrationReport {
  /** Length of the holdout period in `timeUnit`. */
  readonly durationHoldout: number;
  /** Time unit of the summary. */
  readonly timeUnit: ClvTimeUnit;
  /** Customers compared. */
  readonly customers: number;
  /** Purchases the customers made in the holdout period. */
  readonly actualTotal: number;
  /** One entry per model, in the order given. */
  readonly models: readonly CalibrationModelScore[];
  /** Mean actual and predicted holdout purchases by calibration frequency. */
  readonly groups: readonly CalibrationGroup[];
  /** The model with the lowest mean absolute error per customer, and why it was chosen. */
  readonly best: CalibrationChoice;
}

/** A purchase model for {@link calibrationReport}: anything with a time unit and conditional expected purchases. */
export type CalibrationModel = ClvPurchaseModel & {
  /** The fitted model's diagnostics, when it has them; the codes of those above 'info' become its score's `warnings`. */
  readonly diagnostics?: readonly ClvDiagnostic[];
};

const DEFAULTS: Readonly<{ maxFrequency: number }> = Object.freeze({ maxFrequency: 7 });

function kindName(m: unknown): string | undefined {
  if (m instanceof BgNbdModel) return 'BG/NBD';
  if (m instanceof MbgNbdModel) return 'MBG/NBD';
  if (m instanceof ParetoNbdModel) return 'Pareto/NBD';
  if (m instanceof BgBbModel) return 'BG/BB';
  return undefined;
}

/**
 * The holdout check of one or several purchase models, as lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases` but as a table, with the
 * numbers to choose a model by: the summary must come from
 * {@link summarizeForClv} with a `calibrationEnd`, the models must be fitted
 * on it; each model predicts every customer's purchases in the holdout
 * period from her calibration history, and the report compares them with
 * what she did — by calibration frequency (`groups`), as a total, and per
 * customer (mean absolute and root mean square error). The best model is
 * the one with the lowest mean absolute error per customer (ties broken by
 * the total error); `best.reason` says so with the numbers.
 * `clvCalibrationReportChart` in `@marksman/charts` draws the groups.
 *
 * Costs O(customers × models) predictions.
 *
 * @param models - one fitted model, an array of them, or an object naming them (`{ 'BG/NBD': bg, 'Pareto/NBD': pn }`)
 * @param summary - `summarizeForClv(transactions, { asOf, timeUnit, calibrationEnd })`
 * @param options - `maxFrequency` of the grouping (default 7)
 * @returns the {@link CalibrationReport}
 * @throws `ValidationError` `E_CLV_NO_HOLDOUT` for a summary without a holdout period, `E_CLV_SUMMARY` for a bad row
 *   (frequency, recency, T, customerId or frequencyHoldout, with the row) or holdout duration, `E_CLV_EMPTY`, `E_CLV_PREDICTION` for a
 *   prediction that is not a finite number ≥ 0
 * @throws `OptionsError` `E_CLV_OPTION` for no models, something that is not a purchase model, or a bad
 *   `maxFrequency`; `E_CLV_TIME_UNIT` when a model's unit differs from the summary's; `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { BgNbdModel, calibrationReport, summarizeForClv } from '@marksman/profiling';
 * const line = (customerId: string, timestamp: string) => ({ customerId, orderId: customerId + timestamp, timestamp, quantity: 1, amount: 10 });
 * const summary = summarizeForClv(
 *   [line('a', '2024-01-01'), line('a', '2024-01-15'), line('a', '2024-02-20'), line('b', '2024-01-03'), line('b', '2024-03-01')],
 *   { asOf: '2024-04-01', timeUnit: 'week', calibrationEnd: '2024-02-01' },
 * );
 * const model = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
 * const report = calibrationReport(model, summary);
 * [report.actualTotal, report.models[0].name]; // => [2, 'BG/NBD']
 * report.groups.map((g) => [g.label, g.customers, g.actual]); // => [['0', 1, 1], ['1', 1, 1]]
 * ```
 */
export function calibrationReport(
  models: CalibrationModel | readonly CalibrationModel[] | Readonly<Record<string, CalibrationModel>>,
  summary: ClvSummary,
  options?: CalibrationReportOptions,
): CalibrationReport {
  const source = 'calibrationReport';
  const o = resolveOptions(source, DEFAULTS, options);
  const max = o.maxFrequency;
  if (!(typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 1e6)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: maxFrequency must be an integer ≥ 1, got ${String(max)}.`, { source, field: 'maxFrequency' });
  }
  const isModel = (m: unknown): m is CalibrationModel => typeof m === 'object' && m !== null && typeof (m as CalibrationModel).conditionalExpectedPurchases === 'function';
  let named: [string, CalibrationModel][];
  if (isModel(models)) named = [[kindName(models) ?? 'model', models]];
  else if (Array.isArray(models)) {
    const used = new Map<string, number>();
    named = (models as readonly unknown[]).map((m, i) => {
      if (!isModel(m)) throw new OptionsError('E_CLV_OPTION', `${source}: models[${i}] is not a purchase model (fitBgNbd, fitMbgNbd, fitParetoNbd, fitBgBb).`, { source, field: 'models', row: i });
      const base = kindName(m) ?? `model ${i + 1}`;
      const k = (used.get(base) ?? 0) + 1;
      used.set(base, k);
      return [k === 1 ? base : `${base} (${k})`, m];
    });
  } else if (typeof models === 'object' && models !== null) {
    named = Object.entries(models as Record<string, unknown>).map(([name, m]) => {
      if (!isModel(m)) throw new OptionsError('E_CLV_OPTION', `${source}: models.${name} is not a purchase model (fitBgNbd, fitMbgNbd, fitParetoNbd, fitBgBb).`, { source, field: `models.${name}` });
      return [name, m];
    });
  } else {
    throw new OptionsError('E_CLV_OPTION', `${source}: models must be a fitted purchase model, an array of them or an object naming them.`, { source, field: 'models' });
  }
  if (named.length === 0) throw new OptionsError('E_CLV_OPTION', `${source}: give at least one model.`, { source, field: 'models' });
  const s = summary as Partial<ClvSummary> | null;
  const duration = s?.durationHoldout;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.rows) || s.calibrationEnd === undefined || !(typeof duration === 'number' && duration > 0)) {
    throw new ValidationError('E_CLV_NO_HOLDOUT', `${source}: the summary has no holdout period; make it with summarizeForClv(transactions, { asOf, timeUnit, calibrationEnd }).`, { source, field: 'summary' });
  }
  if (!Number.isFinite(duration)) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: the summary's durationHoldout is ${String(duration)}; make the summary with summarizeForClv.`, { source, field: 'durationHoldout' });
  }
  // The rows' frequency, recency and T (and customerId when given) are checked as the fits check them.
  toColumns(s as ClvSummary, source);
  const unit = s.timeUnit as ClvTimeUnit;
  for (const [name, m] of named) {
    if (m.timeUnit !== undefined && m.timeUnit !== unit) {
      throw new OptionsError('E_CLV_TIME_UNIT', `${source}: model ${name} is in ${m.timeUnit}s but the summary is in ${unit}s; fit the models on this summary.`, { source, field: 'models' });
    }
  }
  const rows = s.rows as ClvSummary['rows'];
  const n = rows.length;
  const k = named.length;
  const count = new Float64Array(max + 1);
  const actualSum = new Float64Array(max + 1);
  const predictedSum = new Float64Array((max + 1) * k);
  const abs = new Float64Array(k);
  const sq = new Float64Array(k);
  const totals = new Float64Array(k);
  let actualTotal = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const holdout = row.frequencyHoldout;
    if (typeof holdout !== 'number') {
      throw new ValidationError('E_CLV_NO_HOLDOUT', `${source}: row ${i} has no frequencyHoldout; make the summary with a calibrationEnd.`, { source, field: 'frequencyHoldout', row: i });
    }
    if (!(Number.isInteger(holdout) && holdout >= 0 && holdout <= 1e6)) {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: row ${i}: frequencyHoldout must be a whole number of purchase days in [0, 1e6], got ${String(holdout)}.`, { source, field: 'frequencyHoldout', row: i });
    }
    const g = Math.min(row.frequency, max);
    count[g] = count[g]! + 1;
    actualSum[g] = actualSum[g]! + holdout;
    actualTotal += holdout;
    const c: ClvCustomer = { frequency: row.frequency, recency: row.recency, T: row.T };
    for (let j = 0; j < k; j++) {
      const e = named[j]![1].conditionalExpectedPurchases(duration, c);
      if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) {
        throw new ValidationError('E_CLV_PREDICTION', `${source}: model ${named[j]![0]} predicted ${String(e)} purchases for row ${i}; expected a finite number ≥ 0.`, { source, field: 'models', row: i });
      }
      predictedSum[g * k + j] = predictedSum[g * k + j]! + e;
      totals[j] = totals[j]! + e;
      abs[j] = abs[j]! + Math.abs(e - holdout);
      sq[j] = sq[j]! + (e - holdout) ** 2;
    }
  }
  const groups: CalibrationGroup[] = [];
  for (let g = 0; g <= max; g++) {
    if (count[g] === 0) continue;
    groups.push({
      frequency: g,
      label: g === max ? `${max}+` : String(g),
      customers: count[g]!,
      actual: actualSum[g]! / count[g]!,
      predicted: Array.from({ length: k }, (_, j) => predictedSum[g * k + j]! / count[g]!),
    });
  }
  const scores: CalibrationModelScore[] = named.map(([name, m], j) => ({
    name,
    predictedTotal: totals[j]!,
    totalError: totals[j]! - actualTotal,
    relativeError: actualTotal > 0 ? (totals[j]! - actualTotal) / actualTotal : NaN,
    meanAbsoluteError: abs[j]! / n,
    rootMeanSquaredError: Math.sqrt(sq[j]! / n),
    warnings: (m.diagnostics ?? []).filter((d) => d.severity !== 'info').map((d) => d.code),
  }));
  const order = scores.map((_, j) => j).sort((a, b) => scores[a]!.meanAbsoluteError - scores[b]!.meanAbsoluteError || Math.abs(scores[a]!.totalError) - Math.abs(scores[b]!.totalError));
  const best = scores[order[0]!]!;
  const pct = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${v >= 0 ? '+' : '−'}${formatNumber(Math.abs(v) * 100)} %`);
  const mae = (v: number): string => v.toFixed(3);
  const others = order.slice(1).map((j) => `${mae(scores[j]!.meanAbsoluteError)} for ${scores[j]!.name}`);
  const reason =
    (k === 1
      ? `${best.name} is the only model given: mean absolute error ${mae(best.meanAbsoluteError)} purchases per customer`
      : `${best.name} has the lowest mean absolute error per customer: ${mae(best.meanAbsoluteError)} purchases, against ${others.join(', ')}`) +
    `; it expects ${formatNumber(best.predictedTotal)} purchases in the ${formatNumber(duration)}-${unit} holdout where customers made ${formatNumber(actualTotal)} (${pct(best.relativeError)}).` +
    (best.warnings.length > 0 ? ` Mind its diagnostics: ${[...new Set(best.warnings)].join(', ')}.` : '');
  return { durationHoldout: duration, timeUnit: unit, customers: n, actualTotal, models: scores, groups, best: { name: best.name, reason } };
}
