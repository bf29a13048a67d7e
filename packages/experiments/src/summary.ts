import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { type AdjustMethod, adjustPValues } from './adjust';
import type { SrmResult } from './srm';

/** The parts of a test result that a summary reads (every frequentist result has them). */
export interface SummarizableResult {
  /** Difference treatment − control. */
  readonly diff: number;
  /** Lower end of the interval of `diff`. */
  readonly ciLow: number;
  /** Upper end of the interval of `diff`. */
  readonly ciHigh: number;
  /** p-value. */
  readonly pValue: number;
  /** The alpha of the interval. */
  readonly alpha: number;
}

/** Role of a metric in the decision. */
export type MetricRole = 'primary' | 'secondary' | 'guardrail';

/** How to word a difference: percentage points (rates), percent (relative changes) or plain numbers. */
export type DiffFormat = 'pp' | 'percent' | 'number';

/** One metric to summarize. */
export interface MetricSummaryInput {
  /** Metric name as the reader knows it, e.g. `'conversion'`. */
  readonly name: string;
  /** The test result (from {@link proportionsZTest}, {@link welchTTest}, {@link ratioMetricTest}, {@link cuped}, …). */
  readonly result: SummarizableResult;
  /** Role: `'primary'` (default), `'secondary'` or `'guardrail'` (must not get worse). */
  readonly role?: MetricRole;
  /** Wording of the difference; default `'pp'` for rates. */
  readonly format?: DiffFormat;
  /** Whether an increase is good (default true); e.g. false for unsubscribes. */
  readonly higherIsBetter?: boolean;
  /** Decimals in the sentence; default 2. */
  readonly digits?: number;
}

/** Options of {@link summarizeExperiment}. */
export interface SummaryOptions {
  /** Name of the treatment variant in the sentences; default `'B'`. */
  readonly variantName?: string;
  /** Significance level; default 0.05. */
  readonly alpha?: number;
  /**
   * Multiple-testing correction across the primary and secondary metrics of
   * this summary (guardrails are judged one by one); default `'holm'`.
   */
  readonly adjust?: AdjustMethod | 'none';
  /** The SRM check of the experiment, if run. */
  readonly srm?: SrmResult | null;
}

/** The verdict on one metric. */
export interface MetricVerdict {
  /** Metric name. */
  readonly name: string;
  /** Its role. */
  readonly role: MetricRole;
  /** p-value after the correction (unchanged for guardrails). */
  readonly adjustedPValue: number;
  /** Significant at alpha after correction. */
  readonly significant: boolean;
  /** `'improved'`, `'worsened'` or `'no detectable change'`. */
  readonly outcome: 'improved' | 'worsened' | 'no detectable change';
  /** One sentence for a marketer. */
  readonly sentence: string;
}

/** Result of {@link summarizeExperiment}. */
export interface ExperimentSummary {
  /** `'ship'`, `'do not ship'`, `'inconclusive'` or `'invalid'` (sample ratio mismatch). */
  readonly decision: 'ship' | 'do not ship' | 'inconclusive' | 'invalid';
  /** Per-metric verdicts, in input order. */
  readonly metrics: readonly MetricVerdict[];
  /** True when no guardrail got significantly worse. */
  readonly guardrailsPassed: boolean;
  /** SRM verdict: true passed, false failed, null not checked. */
  readonly srmPassed: boolean | null;
  /** The whole summary as short lines of text. */
  readonly lines: readonly string[];
}

interface ResolvedSummary {
  variantName: string;
  alpha: number;
  adjust: AdjustMethod | 'none';
  srm: SrmResult | null;
}

const SUMMARY_DEFAULTS: Readonly<ResolvedSummary> = Object.freeze({ variantName: 'B', alpha: 0.05, adjust: 'holm', srm: null });

const METRIC_KEYS: readonly string[] = ['name', 'result', 'role', 'format', 'higherIsBetter', 'digits'];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * A result must carry a finite diff, an interval with ciLow ≤ ciHigh (ends
 * may be infinite for one-sided tests, never NaN), a p-value in [0, 1] and
 * an alpha in (0, 1); otherwise its verdict would be made up.
 */
function checkResult(r: unknown, source: string, row: number): void {
  const bad = (field: string, why: string): never => {
    throw new ValidationError(field === 'pValue' ? 'E_P_VALUE' : 'E_METRIC_RESULT', `${source}: metric ${row}: result.${field} ${why}.`, { source, field, row });
  };
  if (typeof r !== 'object' || r === null || Array.isArray(r)) bad('result', 'must be an object { diff, ciLow, ciHigh, pValue, alpha } (e.g. from proportionsZTest)');
  const x = r as Record<string, unknown>;
  if (typeof x.diff !== 'number' || !Number.isFinite(x.diff)) bad('diff', `must be a finite number, got ${show(x.diff)}`);
  for (const f of ['ciLow', 'ciHigh'] as const) if (typeof x[f] !== 'number' || Number.isNaN(x[f])) bad(f, `must be a number, got ${show(x[f])}`);
  if (!((x.ciLow as number) <= (x.ciHigh as number))) bad('ciLow', `(${x.ciLow as number}) is above ciHigh (${x.ciHigh as number}); the interval is reversed`);
  if (typeof x.pValue !== 'number' || !(x.pValue >= 0 && x.pValue <= 1)) bad('pValue', `must be a number in [0, 1], got ${show(x.pValue)}`);
  if (typeof x.alpha !== 'number' || !(x.alpha > 0 && x.alpha < 1)) bad('alpha', `must be a number in (0, 1), got ${show(x.alpha)}`);
}

/** A number as text, with a true minus sign (U+2212) for negative values. */
function fmt(x: number, format: DiffFormat, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const text = format === 'number' ? x.toFixed(digits) : (100 * x).toFixed(digits);
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** "95% CI 0.21–1.09", or "95% CI −0.07 to 0.55" when an end is negative (a dash next to a minus misreads). */
function interval(r: SummarizableResult, format: DiffFormat, digits: number): string {
  const low = fmt(r.ciLow, format, digits);
  const high = fmt(r.ciHigh, format, digits);
  const sep = low.startsWith('−') || high.startsWith('−') ? ' to ' : '–';
  return `${Math.round((1 - r.alpha) * 100)}% CI ${low}${sep}${high}`;
}

/** "= 0.065" or "< 0.001". */
function pText(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

function unit(format: DiffFormat): string {
  return format === 'pp' ? ' pp' : format === 'percent' ? '%' : '';
}

function methodName(m: AdjustMethod | 'none'): string {
  return m === 'holm' ? 'Holm' : m === 'bh' ? 'Benjamini–Hochberg' : m === 'bonferroni' ? 'Bonferroni' : 'no';
}

/**
 * Turns test results into sentences a marketer can read and a decision, e.g.
 * for the Hillstrom e-mail experiment (Mens E-Mail vs No E-Mail):
 * "Variant B increased conversion by 0.68 pp (95% CI 0.50–0.86); SRM passed."
 * Primary and secondary metrics are corrected together for multiple testing
 * (Holm by default; the scope — which comparisons — is stated in the text);
 * guardrails are checked one by one and block shipping when they get
 * significantly worse; a sample ratio mismatch makes the experiment invalid.
 *
 * The verdict comes from the corrected p-value; the interval printed is the
 * test's own, unadjusted interval (a Bonferroni interval at level α/m would not
 * agree with Holm's step-down verdicts either). A sentence never leaves the
 * two in silent conflict: when the correction is what makes a metric not
 * significant, it says so and labels the interval, e.g. "showed no detectable
 * change in conversion after Holm correction across 2 metrics (+0.48 pp,
 * adjusted p = 0.065; unadjusted 95% CI 0.04–0.91)"; and when a test's p-value
 * and its interval disagree at the margin (the z-test's pooled p-value with
 * its unpooled interval, or an `alpha` different from the interval's), the
 * sentence gives both ("p = 0.049 < α = 0.05, though the 95% CI … includes
 * 0"). Negative numbers are written with a true minus sign (−), and an
 * interval with a negative end as "−0.07 to 0.55".
 *
 * Decision: `invalid` on SRM; `do not ship` when a guardrail or a primary
 * metric worsened; `ship` when a primary metric improved and nothing
 * worsened; otherwise `inconclusive`.
 *
 * Costs O(m log m) for m metrics.
 *
 * @param metrics - the metrics of one treatment-vs-control comparison
 * @param options - variantName, alpha, adjust, srm
 * @returns the {@link ExperimentSummary}
 * @throws `ValidationError` `E_NO_METRICS` for an empty list, `E_METRIC` for a metric that is not
 *   an object with a name, `E_METRIC_RESULT` for a result without a finite diff, with a reversed
 *   interval (ciLow > ciHigh) or a bad alpha, `E_P_VALUE` for bad p-values;
 *   `OptionsError` `E_ADJUST_METHOD`, `E_ALPHA`, `E_METRIC_ROLE`, `E_DIFF_FORMAT`, `E_OPTION_RANGE`
 *   (variantName, higherIsBetter, digits, srm), `E_OPTION_UNKNOWN` (a misspelt metric field)
 * @example
 * ```ts
 * import { proportionsZTest, summarizeExperiment } from '@marksman/experiments';
 * // Hillstrom: No E-Mail (control) vs Mens E-Mail, conversions
 * const conv = proportionsZTest({ n: 21306, conversions: 122 }, { n: 21307, conversions: 267 });
 * const s = summarizeExperiment([{ name: 'conversion', result: conv }]);
 * s.lines[0]; // => 'Variant B increased conversion by 0.68 pp (95% CI 0.50–0.86).'
 * s.decision; // => 'ship'
 *
 * // Significant alone (p = 0.032), not after Holm correction with a second metric:
 * const conv2 = proportionsZTest({ n: 20000, conversions: 1000 }, { n: 20180, conversions: 1105 });
 * const aov = { diff: 0.8, ciLow: -1.2, ciHigh: 2.8, pValue: 0.43, alpha: 0.05 };
 * const t = summarizeExperiment([{ name: 'conversion', result: conv2 }, { name: 'order value', result: aov, format: 'number', role: 'secondary' }]);
 * t.lines[0]; // => 'Variant B showed no detectable change in conversion after Holm correction across 2 metrics (+0.48 pp, adjusted p = 0.065; unadjusted 95% CI 0.04–0.91).'
 * t.lines[1]; // => 'Variant B showed no detectable change in order value (+0.80, 95% CI −1.20 to 2.80).'
 * ```
 */
export function summarizeExperiment(metrics: readonly MetricSummaryInput[], options?: SummaryOptions): ExperimentSummary {
  const source = 'summarizeExperiment';
  const o = resolveOptions(source, SUMMARY_DEFAULTS, options);
  if (typeof o.alpha !== 'number' || !(o.alpha > 0 && o.alpha < 1)) throw new OptionsError('E_ALPHA', `${source}: alpha must be in (0, 1), got ${show(o.alpha)}.`, { source, field: 'alpha' });
  if (typeof o.variantName !== 'string' || o.variantName === '') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: variantName must be a non-empty string, got ${show(o.variantName)}.`, { source, field: 'variantName' });
  }
  if (o.adjust !== 'none' && o.adjust !== 'holm' && o.adjust !== 'bh' && o.adjust !== 'bonferroni') {
    throw new OptionsError('E_ADJUST_METHOD', `${source}: adjust must be 'holm', 'bh', 'bonferroni' or 'none', got ${show(o.adjust)}.`, { source, field: 'adjust' });
  }
  if (o.srm !== null && (typeof o.srm !== 'object' || typeof o.srm.mismatch !== 'boolean' || typeof o.srm.pValue !== 'number' || !(o.srm.pValue >= 0 && o.srm.pValue <= 1))) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: srm must be the result of srmTest (with a boolean mismatch and a pValue in [0, 1]) or null.`, { source, field: 'srm' });
  }
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw new ValidationError('E_NO_METRICS', `${source}: give at least one metric to summarize.`, { source, field: 'metrics' });
  }
  metrics.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      throw new ValidationError('E_METRIC', `${source}: metric ${i} must be an object { name, result, role?, format?, higherIsBetter?, digits? }.`, { source, field: 'metrics', row: i });
    }
    for (const key of Object.keys(m)) {
      if (!METRIC_KEYS.includes(key)) {
        throw new OptionsError('E_OPTION_UNKNOWN', `${source}: metric ${i} has an unknown field "${key}". Known fields: ${METRIC_KEYS.join(', ')}.`, { source, field: key, row: i });
      }
    }
    if (typeof m.name !== 'string' || m.name === '') {
      throw new ValidationError('E_METRIC', `${source}: metric ${i} needs a non-empty name.`, { source, field: 'name', row: i });
    }
    if (m.higherIsBetter !== undefined && typeof m.higherIsBetter !== 'boolean') {
      throw new OptionsError('E_OPTION_RANGE', `${source}: metric ${i} has higherIsBetter ${show(m.higherIsBetter)}; use true or false.`, { source, field: 'higherIsBetter', row: i });
    }
    if (m.digits !== undefined && !(typeof m.digits === 'number' && Number.isInteger(m.digits) && m.digits >= 0 && m.digits <= 20)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: metric ${i} has digits ${show(m.digits)}; use an integer from 0 to 20.`, { source, field: 'digits', row: i });
    }
    checkResult(m.result, source, i);
    const role = m.role ?? 'primary';
    if (role !== 'primary' && role !== 'secondary' && role !== 'guardrail') {
      throw new OptionsError('E_METRIC_ROLE', `${source}: metric ${i} has role ${JSON.stringify(role)}; use 'primary', 'secondary' or 'guardrail'.`, { source, field: 'role', row: i });
    }
    const f = m.format ?? 'pp';
    if (f !== 'pp' && f !== 'percent' && f !== 'number') {
      throw new OptionsError('E_DIFF_FORMAT', `${source}: metric ${i} has format ${JSON.stringify(f)}; use 'pp', 'percent' or 'number'.`, { source, field: 'format', row: i });
    }
  });
  const tested = metrics.map((m, i) => ({ m, i })).filter(({ m }) => (m.role ?? 'primary') !== 'guardrail');
  const raw = tested.map(({ m }) => m.result.pValue);
  const adjusted = o.adjust === 'none' || raw.length === 0 ? raw : adjustPValues(raw, o.adjust);
  const adjustedByIndex = new Map<number, number>();
  tested.forEach(({ i }, r) => adjustedByIndex.set(i, adjusted[r]!));

  const verdicts: MetricVerdict[] = metrics.map((m, i) => {
    const role = m.role ?? 'primary';
    const format = m.format ?? 'pp';
    const digits = m.digits ?? 2;
    const higherIsBetter = m.higherIsBetter ?? true;
    const r = m.result;
    const p = adjustedByIndex.get(i) ?? r.pValue;
    const significant = p < o.alpha;
    const up = r.diff > 0;
    const outcome: MetricVerdict['outcome'] = !significant ? 'no detectable change' : up === higherIsBetter ? 'improved' : 'worsened';
    const level = interval(r, format, digits);
    const amount = `${fmt(Math.abs(r.diff), format, digits)}${unit(format)}`;
    const signed = `${r.diff >= 0 ? '+' : '−'}${amount}`;
    const excludesZero = up ? r.ciLow > 0 : r.ciHigh < 0;
    const includesZero = r.ciLow <= 0 && r.ciHigh >= 0;
    const pName = p === r.pValue ? 'p' : 'adjusted p';
    const alphaText = `α = ${String(o.alpha)}`;
    let sentence: string;
    if (significant) {
      const detail = excludesZero ? level : `${pName} ${pText(p)} < ${alphaText}, though the ${level} includes 0`;
      sentence = `Variant ${o.variantName} ${up ? 'increased' : 'decreased'} ${m.name} by ${amount} (${detail}).`;
    } else if (r.pValue < o.alpha && p !== r.pValue) {
      // significant alone, not after the correction: say so and label the interval as unadjusted
      sentence =
        `Variant ${o.variantName} showed no detectable change in ${m.name} after ${methodName(o.adjust)} correction across ` +
        `${tested.length} metrics (${signed}, adjusted p ${pText(p)}; unadjusted ${level}).`;
    } else if (!includesZero) {
      sentence = `Variant ${o.variantName} showed no detectable change in ${m.name} (${signed}, ${pName} ${pText(p)} ≥ ${alphaText}, though the ${level} excludes 0).`;
    } else {
      sentence = `Variant ${o.variantName} showed no detectable change in ${m.name} (${signed}, ${level}).`;
    }
    return { name: m.name, role, adjustedPValue: p, significant, outcome, sentence };
  });
  const guardrailsPassed = verdicts.every((v) => v.role !== 'guardrail' || v.outcome !== 'worsened');
  const srmPassed = o.srm === null ? null : !o.srm.mismatch;
  let decision: ExperimentSummary['decision'];
  if (srmPassed === false) decision = 'invalid';
  else if (!guardrailsPassed || verdicts.some((v) => v.role === 'primary' && v.outcome === 'worsened')) decision = 'do not ship';
  else if (verdicts.some((v) => v.role === 'primary' && v.outcome === 'improved')) decision = 'ship';
  else decision = 'inconclusive';

  const lines = verdicts.map((v) => v.sentence);
  if (srmPassed !== null) {
    const last = lines.length - 1;
    lines[last] = `${lines[last]!.slice(0, -1)}; SRM ${srmPassed ? 'passed' : `FAILED (p = ${o.srm!.pValue.toExponential(2)}): the traffic split is broken, do not trust these results`}.`;
  }
  if (tested.length > 1 && o.adjust !== 'none') {
    lines.push(
      `p-values are ${methodName(o.adjust)}-adjusted across the ${tested.length} primary and secondary comparisons of variant ${o.variantName} vs control; intervals are unadjusted.`,
    );
  }
  const failedGuards = verdicts.filter((v) => v.role === 'guardrail' && v.outcome === 'worsened').map((v) => v.name);
  if (failedGuards.length > 0) lines.push(`Guardrail${failedGuards.length > 1 ? 's' : ''} worsened: ${failedGuards.join(', ')}.`);
  lines.push(`Decision: ${decision}.`);
  return { decision, metrics: verdicts, guardrailsPassed, srmPassed, lines };
}
