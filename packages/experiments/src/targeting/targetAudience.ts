import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { normalIsf } from '../internal/distributions';
import { newcombeDifference } from '../internal/newcombe';
import { buildTargetingFairness } from './targetingFairness';
import type { TargetingFairness } from './targetingFairness';
import { readFlags, readIds, readLabels, readScores, readValues, requireFieldName, requireNumberOption, requireRows } from './targetingInput';
import type { Row, TargetingInterval, UpliftScorer } from './targetingInput';

/** A randomised hold-out set that measures what the chosen audience really gains. */
export interface TargetingEvaluation {
  /**
   * Hold-out rows from a randomised test of the same campaign (treated and control,
   * never used to fit the model): the features the model reads, the treatment flag,
   * the 0/1 outcome and, with `valueField`, the value.
   */
  readonly rows: readonly Record<string, unknown>[];
  /** Field of the treatment flag, 1/true = contacted, 0/false = control. Default `'treatment'`. */
  readonly treatment?: string;
  /** Field of the 0/1 outcome (converted or not). Default `'outcome'`. */
  readonly outcome?: string;
  /**
   * Uplift scores of the rows: required when `model` is a list of scores (there is no model
   * to score them), refused otherwise (the model scores them).
   */
  readonly scores?: ArrayLike<number> | null;
}

/** Options of {@link targetAudience}. */
export interface TargetAudienceOptions {
  /** Cost of one contact (≥ 0), e.g. 0.05 for an e-mail or 1.2 for a printed mailer. Required. */
  readonly costPerContact?: number;
  /** Total spend allowed (≥ one contact's cost), or `null` for no limit (default). */
  readonly budget?: number | null;
  /** Value of one conversion (> 0), the same for every customer. Give this or `valueField`. */
  readonly valuePerConversion?: number | null;
  /** Field of each record holding that customer's value of a conversion (≥ 0), e.g. a CLV. Give this or `valuePerConversion`. */
  readonly valueField?: string | null;
  /** At most this many contacts (an integer ≥ 1), or `null` for no limit (default). */
  readonly maxContacts?: number | null;
  /** Field of each customer record holding its id (default `'customerId'`); `null` to return row indices only. */
  readonly idField?: string | null;
  /** A randomised hold-out set; with it the result carries measured uplift and profit with intervals. Default `null`. */
  readonly evaluation?: TargetingEvaluation | null;
  /** Field holding a protected attribute (e.g. `'ageBand'`); with it the result carries a fairness report. Default `null`. */
  readonly protectedAttribute?: string | null;
  /** Confidence level of the intervals, in (0, 1). Default 0.95. */
  readonly confidence?: number;
}

/** What the randomised evaluation rows say about the chosen audience. */
export interface AudienceEstimate {
  /** Evaluation rows the rule would contact (expected gain at or above the audience's cut-off). */
  readonly rows: number;
  /** Treated rows among them. */
  readonly treated: number;
  /** Control rows among them. */
  readonly control: number;
  /** Conversions of those treated rows. */
  readonly treatedConversions: number;
  /** Conversions of those control rows. */
  readonly controlConversions: number;
  /** Observed uplift per contact (treated rate − control rate) with its Newcombe interval. */
  readonly upliftPerContact: TargetingInterval;
  /** Incremental conversions of the audience: contacts × uplift, interval widened for the audience's own spread (see {@link targetAudience}). */
  readonly incrementalConversions: TargetingInterval;
  /** Incremental profit of the audience: incremental value − spend. */
  readonly incrementalProfit: TargetingInterval;
  /** How the profit interval was formed: `'newcombe'` (one value per conversion) or `'wald'` (per-customer values). */
  readonly profitMethod: 'newcombe' | 'wald';
  /** Confidence level of the intervals. */
  readonly confidence: number;
}

/** Break-even points of a targeting decision. */
export interface TargetingBreakEven {
  /** Smallest uplift at which one contact pays for itself (cost ÷ value per conversion); `null` with per-customer values. */
  readonly uplift: number | null;
  /**
   * Most customers one can contact, in rank order, before the expected profit of the
   * campaign falls below zero (0 when even the best customer does not pay).
   */
  readonly contacts: number;
  /** Highest cost per contact at which the chosen audience still breaks even (expected value ÷ contacts); `null` for an empty audience. */
  readonly costPerContact: number | null;
}

/** The decision of {@link targetAudience}. */
export interface TargetAudience {
  /** Customers scored. */
  readonly customers: number;
  /** Customers to contact. */
  readonly contacts: number;
  /** Row indices of the customers to contact, best first. */
  readonly selected: Int32Array;
  /** Their ids (from `idField`), best first; `null` when `idField` is `null`. */
  readonly ids: (string | number)[] | null;
  /** Predicted uplift of every customer, in input order. */
  readonly uplift: Float64Array;
  /** Expected incremental profit of contacting each customer (uplift × value − cost), in input order. */
  readonly expectedGain: Float64Array;
  /** Most contacts the budget and `maxContacts` allow. */
  readonly capacity: number;
  /** What stopped the audience from growing: every further customer loses money (`'profit'`), the budget, `maxContacts`, or no customers are left. */
  readonly limitedBy: 'profit' | 'budget' | 'maxContacts' | 'customers';
  /** Expected gain of the last customer contacted (the cut-off); `null` for an empty audience. */
  readonly cutoff: number | null;
  /** Spend: contacts × cost per contact. */
  readonly spend: number;
  /** What the model expects (sums of predicted uplift; no interval, the model's errors are unknown). */
  readonly predicted: {
    /** Σ predicted uplift over the audience. */
    readonly incrementalConversions: number;
    /** Σ predicted uplift × value over the audience. */
    readonly incrementalValue: number;
    /** Incremental value − spend. */
    readonly incrementalProfit: number;
  };
  /** Measured on the evaluation rows, with intervals; `null` without an evaluation set or when the rule selects no treated or no control row there. */
  readonly estimate: AudienceEstimate | null;
  /** Break-even points. */
  readonly breakEven: TargetingBreakEven;
  /** `profitCurve[j]`: expected profit of contacting the best j customers (j = 0 … customers), ignoring the budget. */
  readonly profitCurve: Float64Array;
  /** `conversionsCurve[j]`: expected incremental conversions of the best j customers. */
  readonly conversionsCurve: Float64Array;
  /** Fairness of the decision across `protectedAttribute`; `null` without it. */
  readonly fairness: TargetingFairness | null;
}

interface Resolved {
  costPerContact: number | undefined;
  budget: number | null;
  valuePerConversion: number | null;
  valueField: string | null;
  maxContacts: number | null;
  idField: string | null;
  evaluation: TargetingEvaluation | null;
  protectedAttribute: string | null;
  confidence: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  costPerContact: undefined,
  budget: null,
  valuePerConversion: null,
  valueField: null,
  maxContacts: null,
  idField: 'customerId',
  evaluation: null,
  protectedAttribute: null,
  confidence: 0.95,
});

const EVALUATION_KEYS: readonly string[] = Object.freeze(['rows', 'treatment', 'outcome', 'scores']);

const SOURCE = 'targetAudience';

function optionalField(v: unknown, field: string): string | null {
  return v === null ? null : requireFieldName(SOURCE, field, v);
}

/**
 * Chooses whom to contact to maximise expected profit, under a budget: each
 * customer's expected incremental profit is uplift × value − cost
 * (uplift from the model, value per conversion the same for all or read from
 * `valueField`, e.g. a CLV); customers are ranked by it and contacted while
 * it is positive, as far as `budget ÷ costPerContact` and `maxContacts`
 * allow. Every contact costs the same, so the top of that ranking is the
 * most profitable audience of any size.
 *
 * The model's own sums (`predicted`) carry no interval: its errors are
 * unknown. With `evaluation` (randomised hold-out rows the model never saw)
 * the gain is measured: the rows the same rule would contact (expected gain
 * at or above the audience's cut-off) are split into treated and control;
 * the difference of their conversion rates, with Newcombe's hybrid score
 * interval (Wilson limits of each arm), is the uplift per contact, and
 * contacts × that is the incremental conversions of the audience. The
 * interval is widened, in quadrature, by z·√(contacts)·sd of the audience's
 * predicted uplift, so that it covers the audience's own sum of true
 * effects, not only the mean of its kind. Profit is value × conversions −
 * spend with one value (the Newcombe limits scaled), or, with per-customer
 * values, the difference of mean value-weighted outcomes with a Wald
 * (unpooled) interval. On the simulated shop, where every true effect is
 * known, the 95% interval covers the audience's true incremental
 * conversions in about 95% of seeds (see the tests and
 * benchmarks/experiments/targeting.bench.ts).
 *
 * Costs one `model.predict` on the customers (and on the evaluation rows),
 * plus O(n log n) to rank.
 *
 * @param model - an uplift model (`{ predict(rows): Float64Array }`, e.g. from `fitUplift`), or the uplift scores themselves, one per customer
 * @param customers - one record per customer: what the model reads, the id (`idField`), the value (`valueField`) and the protected attribute;
 *   or an Apache Arrow table with those columns (read as records; the model is given the records)
 * @param options - `costPerContact` (required), `budget`, `valuePerConversion` or `valueField`, `maxContacts`, `idField`, `evaluation`, `protectedAttribute`, `confidence`
 * @returns the audience (indices and ids, best first), predicted and measured gains, break-even points, the profit curve, and the fairness report
 * @throws `ValidationError` `E_INPUT` (not records, no predict method), `E_EMPTY`, `E_LENGTH` (scores and rows differ in
 *   length), `E_NAN` (a NaN score or value), `E_TYPE`, `E_RANGE` (a score outside [−1, 1], a negative value),
 *   `E_MISSING`, `E_ID_TYPE`, `E_DUPLICATE` (an id twice), `E_LABEL` (a treatment or outcome not 0/1, a bad group),
 *   `E_ONE_ARM` (evaluation rows all treated or all control), `E_OVERFLOW`;
 *   `OptionsError` `E_OPTION_MISSING` (no costPerContact; neither valuePerConversion nor valueField; evaluation
 *   scores missing for a list of scores), `E_OPTION_CONFLICT` (both values; evaluation scores with a model),
 *   `E_BUDGET` (a budget below one contact), `E_OPTION_RANGE` (negative cost, value ≤ 0, maxContacts not an
 *   integer ≥ 1, confidence outside (0, 1)), `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { targetAudience } from '@marksman/experiments';
 * const customers = [
 *   { customerId: 'a', uplift: 0.30 }, { customerId: 'b', uplift: 0.02 },
 *   { customerId: 'c', uplift: 0.12 }, { customerId: 'd', uplift: -0.05 },
 * ];
 * // any object with predict(rows) works, e.g. a model from fitUplift
 * const model = { predict: (rows: readonly Record<string, unknown>[]) => Float64Array.from(rows, (r) => r.uplift as number) };
 * const t = targetAudience(model, customers, { costPerContact: 1, valuePerConversion: 20, budget: 5 });
 * t.ids; // => ['a', 'c']
 * t.limitedBy; // => 'profit'
 * t.predicted.incrementalProfit.toFixed(2); // => '6.40'
 * t.breakEven.uplift; // => 0.05
 * Array.from(t.profitCurve).map((v) => +v.toFixed(2)); // => [0, 5, 6.4, 5.8, 3.8]
 * // precomputed scores work too; a budget of one contact keeps the best customer
 * targetAudience([0.3, 0.02, 0.12, -0.05], customers, { costPerContact: 1, valuePerConversion: 20, budget: 1 }).ids; // => ['a']
 * targetAudience(model, customers, { costPerContact: 1, valuePerConversion: 20, budget: 0.5 }); // throws E_BUDGET
 * ```
 */
export function targetAudience(model: UpliftScorer | ArrayLike<number>, customers: readonly Record<string, unknown>[] | ArrowLikeTable, options: TargetAudienceOptions): TargetAudience {
  const o = resolveOptions(SOURCE, DEFAULTS, options as Partial<Resolved>);
  // ---- options -------------------------------------------------------------------------------
  if (o.costPerContact === undefined || (o.costPerContact as unknown) === null) {
    throw new OptionsError('E_OPTION_MISSING', `${SOURCE}: costPerContact is required (what one contact costs, e.g. 0.05 for an e-mail; 0 when contacts are free).`, { source: SOURCE, field: 'costPerContact' });
  }
  const cost = requireNumberOption(SOURCE, 'costPerContact', o.costPerContact, 0, true, 'what one contact costs');
  const confidence = o.confidence;
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: confidence must lie strictly between 0 and 1 (e.g. 0.95), got ${String(confidence)}.`, { source: SOURCE, field: 'confidence' });
  }
  const budget = o.budget === null ? null : requireNumberOption(SOURCE, 'budget', o.budget, 0, true, 'the total spend allowed');
  if (budget !== null && cost > 0 && budget < cost) {
    throw new OptionsError('E_BUDGET', `${SOURCE}: budget ${budget} is below the cost of one contact (${cost}); raise the budget or lower costPerContact.`, { source: SOURCE, field: 'budget' });
  }
  let maxContacts: number | null = null;
  if (o.maxContacts !== null) {
    const m = requireNumberOption(SOURCE, 'maxContacts', o.maxContacts, 1, true, 'a number of customers');
    if (!Number.isSafeInteger(m)) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: maxContacts must be a whole number of customers, got ${m}.`, { source: SOURCE, field: 'maxContacts' });
    maxContacts = m;
  }
  const valueField = optionalField(o.valueField, 'valueField');
  const idField = optionalField(o.idField, 'idField');
  const attribute = optionalField(o.protectedAttribute, 'protectedAttribute');
  let valuePerConversion: number | null = null;
  if (o.valuePerConversion !== null) {
    if (valueField !== null) {
      throw new OptionsError('E_OPTION_CONFLICT', `${SOURCE}: give valuePerConversion (one value for all) or valueField (a value per customer), not both.`, { source: SOURCE, field: 'valuePerConversion' });
    }
    valuePerConversion = requireNumberOption(SOURCE, 'valuePerConversion', o.valuePerConversion, 0, false, 'what one conversion is worth');
  } else if (valueField === null) {
    throw new OptionsError('E_OPTION_MISSING', `${SOURCE}: give valuePerConversion (what one conversion is worth) or valueField (the field of each customer's value, e.g. a CLV).`, { source: SOURCE, field: 'valuePerConversion, valueField' });
  }

  // ---- customers -----------------------------------------------------------------------------
  const rows = requireRows(SOURCE, 'customers', customers);
  const n = rows.length;
  const isModel = !(Array.isArray(model) || ArrayBuffer.isView(model));
  const ids = idField === null ? null : readIds(SOURCE, idField, rows);
  const uplift = readScores(SOURCE, 'model', model, rows);
  const values = valueField === null ? null : readValues(SOURCE, valueField, rows);
  const groupsOfCustomers = attribute === null ? null : readLabels(SOURCE, attribute, rows, 'customer');
  const valueAt = (v: Float64Array | null, i: number) => (v === null ? (valuePerConversion as number) : (v[i] as number));
  let maxValue = valuePerConversion ?? 0;
  if (values !== null) for (const v of values) if (v > maxValue) maxValue = v;
  if (!Number.isFinite(cost * n)) throw new ValidationError('E_OVERFLOW', `${SOURCE}: ${n} contacts at ${cost} each overflow a double; express costs in larger units.`, { source: SOURCE, field: 'costPerContact' });
  if (!Number.isFinite(maxValue * n)) throw new ValidationError('E_OVERFLOW', `${SOURCE}: values up to ${maxValue} over ${n} customers overflow a double; express values in larger units.`, { source: SOURCE, field: valueField ?? 'valuePerConversion' });

  // ---- evaluation rows (checked before any work) -----------------------------------------------
  let ev: { rows: readonly Row[]; scores: Float64Array; values: Float64Array | null; treatment: Uint8Array; outcome: Uint8Array; groups: (string | number)[] | null } | null = null;
  if (o.evaluation !== null) {
    const e = o.evaluation as unknown;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: evaluation must be { rows, treatment?, outcome?, scores? }, got ${Array.isArray(e) ? 'an array' : typeof e}.`, { source: SOURCE, field: 'evaluation' });
    }
    for (const k of Object.keys(e)) {
      if (!EVALUATION_KEYS.includes(k)) throw new OptionsError('E_OPTION_UNKNOWN', `${SOURCE}: unknown key "${k}" in evaluation (known: ${EVALUATION_KEYS.join(', ')}).`, { source: SOURCE, field: `evaluation.${k}` });
    }
    const spec = e as TargetingEvaluation;
    const evRows = requireRows(SOURCE, 'evaluation.rows', spec.rows);
    const tField = spec.treatment === undefined ? 'treatment' : requireFieldName(SOURCE, 'evaluation.treatment', spec.treatment);
    const yField = spec.outcome === undefined ? 'outcome' : requireFieldName(SOURCE, 'evaluation.outcome', spec.outcome);
    let scores: Float64Array;
    const given = spec.scores === undefined || spec.scores === null ? null : spec.scores;
    if (isModel) {
      if (given !== null) throw new OptionsError('E_OPTION_CONFLICT', `${SOURCE}: evaluation.scores is for a list of scores; with a model, the model scores the evaluation rows.`, { source: SOURCE, field: 'evaluation.scores' });
      scores = readScores(SOURCE, 'model', model, evRows);
    } else {
      if (given === null) throw new OptionsError('E_OPTION_MISSING', `${SOURCE}: model is a list of scores, so evaluation.scores must give the evaluation rows' uplift scores.`, { source: SOURCE, field: 'evaluation.scores' });
      scores = readScores(SOURCE, 'evaluation.scores', given, evRows);
    }
    const treatment = readFlags(SOURCE, tField, evRows, 'the treatment flag');
    const outcome = readFlags(SOURCE, yField, evRows, 'the outcome');
    let treated = 0;
    for (const t of treatment) treated += t;
    if (treated === 0 || treated === evRows.length) {
      throw new ValidationError('E_ONE_ARM', `${SOURCE}: every evaluation row is ${treated === 0 ? 'control' : 'treated'}; a randomised hold-out needs both treated and control rows.`, { source: SOURCE, field: tField });
    }
    ev = {
      rows: evRows,
      scores,
      values: valueField === null ? null : readValues(SOURCE, valueField, evRows),
      treatment,
      outcome,
      groups: attribute === null ? null : readLabels(SOURCE, attribute, evRows, 'evaluation'),
    };
  }

  // ---- rank and choose ---------------------------------------------------------------------------
  const gain = new Float64Array(n);
  for (let i = 0; i < n; i++) gain[i] = (uplift[i] as number) * valueAt(values, i) - cost;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (gain[b] as number) - (gain[a] as number) || a - b);
  const byBudget = budget === null || cost === 0 ? n : Math.floor(budget / cost + 1e-9);
  const capacity = Math.min(n, byBudget, maxContacts ?? n);
  let positive = 0;
  while (positive < n && (gain[order[positive] as number] as number) > 0) positive++;
  const k = Math.min(positive, capacity);
  let limitedBy: TargetAudience['limitedBy'];
  if (k === positive) limitedBy = positive === n ? 'customers' : 'profit';
  else limitedBy = capacity === byBudget && (maxContacts === null || byBudget <= maxContacts) ? 'budget' : 'maxContacts';

  const profitCurve = new Float64Array(n + 1);
  const conversionsCurve = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    profitCurve[j + 1] = (profitCurve[j] as number) + (gain[i] as number);
    conversionsCurve[j + 1] = (conversionsCurve[j] as number) + (uplift[i] as number);
  }
  let breakEvenContacts = 0;
  for (let j = n; j >= 0; j--) {
    if ((profitCurve[j] as number) >= 0) {
      breakEvenContacts = j;
      break;
    }
  }
  const selected = order.slice(0, k);
  const spend = k * cost;
  let value = 0;
  for (const i of selected) value += (uplift[i] as number) * valueAt(values, i);
  const cutoff = k > 0 ? (gain[selected[k - 1] as number] as number) : null;

  // ---- measured on the evaluation rows ----------------------------------------------------------
  let estimate: AudienceEstimate | null = null;
  let evSelected: Uint8Array | null = null;
  if (ev !== null) {
    const m = ev.rows.length;
    evSelected = new Uint8Array(m);
    if (cutoff !== null) {
      for (let i = 0; i < m; i++) {
        const g = (ev.scores[i] as number) * valueAt(ev.values, i) - cost;
        if (g >= cutoff) evSelected[i] = 1;
      }
    }
    estimate = cutoff === null ? null : measure(ev, evSelected, k, selected, uplift, values, valuePerConversion, cost, confidence);
  }

  let fairness: TargetingFairness | null = null;
  if (attribute !== null) {
    const chosen = new Uint8Array(n);
    for (const i of selected) chosen[i] = 1;
    const evCols = ev === null || evSelected === null ? null : { groups: ev.groups as (string | number)[], selected: evSelected, treatment: ev.treatment, outcome: ev.outcome };
    fairness = buildTargetingFairness(attribute, groupsOfCustomers as (string | number)[], chosen, evCols, confidence);
  }

  return {
    customers: n,
    contacts: k,
    selected,
    ids: ids === null ? null : Array.from(selected, (i) => ids[i] as string | number),
    uplift,
    expectedGain: gain,
    capacity,
    limitedBy,
    cutoff,
    spend,
    predicted: { incrementalConversions: conversionsCurve[k] as number, incrementalValue: value, incrementalProfit: value - spend },
    estimate,
    breakEven: {
      uplift: valuePerConversion === null ? null : cost / valuePerConversion,
      contacts: breakEvenContacts,
      costPerContact: k > 0 ? value / k : null,
    },
    profitCurve,
    conversionsCurve,
    fairness,
  };
}

/** Sample standard deviation of x over the indices (0 for fewer than two). */
function sdOver(idx: Int32Array, x: (i: number) => number): number {
  const n = idx.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const i of idx) mean += x(i);
  mean /= n;
  let ss = 0;
  for (const i of idx) ss += (x(i) - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

function measure(
  ev: { scores: Float64Array; values: Float64Array | null; treatment: Uint8Array; outcome: Uint8Array },
  evSelected: Uint8Array,
  k: number,
  selected: Int32Array,
  uplift: Float64Array,
  values: Float64Array | null,
  valuePerConversion: number | null,
  cost: number,
  confidence: number,
): AudienceEstimate | null {
  let nt = 0;
  let nc = 0;
  let xt = 0;
  let xc = 0;
  let sumT = 0;
  let sumC = 0;
  let ssT = 0;
  let ssC = 0;
  for (let i = 0; i < evSelected.length; i++) {
    if (evSelected[i] !== 1) continue;
    const y = ev.outcome[i] as number;
    const yv = ev.values === null ? 0 : y * (ev.values[i] as number);
    if (ev.treatment[i] === 1) {
      nt++;
      xt += y;
      sumT += yv;
      ssT += yv * yv;
    } else {
      nc++;
      xc += y;
      sumC += yv;
      ssC += yv * yv;
    }
  }
  if (nt === 0 || nc === 0) return null;
  const z = normalIsf((1 - confidence) / 2);
  const lift = newcombeDifference(xt, nt, xc, nc, confidence);
  // The audience's own spread: its sum of true effects varies around contacts × mean effect.
  const spreadConv = z * Math.sqrt(k) * sdOver(selected, (i) => uplift[i] as number);
  const widen = (center: number, lo: number, hi: number, extra: number): TargetingInterval => ({
    value: center,
    lower: center - Math.hypot(center - lo, extra),
    upper: center + Math.hypot(hi - center, extra),
  });
  const conversions = widen(k * lift.value, k * lift.lower, k * lift.upper, spreadConv);
  let profit: TargetingInterval;
  let profitMethod: AudienceEstimate['profitMethod'];
  const spend = k * cost;
  if (values === null) {
    const v = valuePerConversion as number;
    profit = { value: v * conversions.value - spend, lower: v * conversions.lower - spend, upper: v * conversions.upper - spend };
    profitMethod = 'newcombe';
  } else {
    if (nt < 2 || nc < 2) return null;
    const mt = sumT / nt;
    const mc = sumC / nc;
    const varT = Math.max(0, (ssT - nt * mt * mt) / (nt - 1));
    const varC = Math.max(0, (ssC - nc * mc * mc) / (nc - 1));
    const d = mt - mc;
    const se = Math.sqrt(varT / nt + varC / nc);
    const extra = z * Math.sqrt(k) * sdOver(selected, (i) => (uplift[i] as number) * (values[i] as number));
    const value = widen(k * d, k * (d - z * se), k * (d + z * se), extra);
    profit = { value: value.value - spend, lower: value.lower - spend, upper: value.upper - spend };
    profitMethod = 'wald';
  }
  return {
    rows: nt + nc,
    treated: nt,
    control: nc,
    treatedConversions: xt,
    controlConversions: xc,
    upliftPerContact: lift,
    incrementalConversions: conversions,
    incrementalProfit: profit,
    profitMethod,
    confidence,
  };
}
