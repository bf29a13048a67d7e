import { OptionsError, ValidationError, throwIfAborted } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkLearnerOptions, fitClassifier, fitRegressor } from './internal/baseLearners';
import type { BaseModel, LearnerSettings } from './internal/baseLearners';
import { ColumnArena } from './internal/columnArena';
import { checkRows, encodedNames, readCommonCase, readLabels, readTrainingFeatures } from './internal/featureEncoding';
import type { CommonCase, FeatureSpec } from './internal/featureEncoding';
import { armIndicatorNames, modelCount, upliftModelFromState } from './UpliftModel';
import type { UpliftModel } from './UpliftModel';
import type { UpliftArm, UpliftFitProgress, UpliftLearner, UpliftMethod } from './upliftTypes';

/** Options of {@link fitUplift}. */
export interface FitUpliftOptions {
  /** Field holding each record's arm: control or a treatment (text, number or boolean labels, one type). */
  readonly treatment: string;
  /** Field holding the outcome: 0/1 or booleans (binary: classifiers) or any finite numbers (continuous: regressors). */
  readonly outcome: string;
  /** Feature fields: numbers and booleans are used as they are, text is one-hot encoded. */
  readonly features: readonly string[];
  /** `'s-learner'`, `'t-learner'`, `'x-learner'` or `'class-transformation'` (binary outcomes only). */
  readonly method: UpliftMethod;
  /** Base learners: `'logistic'` (LogisticRegression; LinearRegression, ordinary least squares, for regression), `'gbm'` (HistGradientBoosting…), `'forest'` (RandomForest…). */
  readonly learner: UpliftLearner;
  /** Seed of the base learners (a safe integer). */
  readonly seed: number;
  /** The control arm's label (default `0` for numeric labels, `false` for booleans, `'control'` for text). */
  readonly control?: UpliftArm | null;
  /** Called after each base model is fitted. */
  readonly onProgress?: ((progress: UpliftFitProgress) => void) | null;
  /** Stops the fit between and inside base models with `AbortError` `E_ABORTED`. */
  readonly signal?: AbortSignal | null;
  /**
   * Options passed to every base learner's constructor (e.g. `{ maxIter: 200 }` for `'gbm'`, `{ C: 0.5 }`
   * for `'logistic'`); classifier-only keys (`classWeight`, `criterion`) are not passed to regressors, and the
   * LinearRegression of `'logistic'` takes none (they are still checked against LogisticRegression's).
   * `seed` comes from the option above.
   */
  readonly learnerOptions?: Readonly<Record<string, unknown>> | null;
}

interface Resolved {
  treatment: string | null;
  outcome: string | null;
  features: readonly string[] | null;
  method: UpliftMethod | null;
  learner: UpliftLearner | null;
  seed: number | null;
  control: UpliftArm | null;
  onProgress: ((progress: UpliftFitProgress) => void) | null;
  signal: AbortSignal | null;
  learnerOptions: Readonly<Record<string, unknown>> | null;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  treatment: null,
  outcome: null,
  features: null,
  method: null,
  learner: null,
  seed: null,
  control: null,
  onProgress: null,
  signal: null,
  learnerOptions: null,
});

const SOURCE = 'fitUplift';
/** Largest continuous outcome the regressors take (their squared errors stay finite). */
const MAX_OUTCOME = 1e150;
const METHODS: readonly UpliftMethod[] = ['s-learner', 't-learner', 'x-learner', 'class-transformation'];
const LEARNERS: readonly UpliftLearner[] = ['logistic', 'gbm', 'forest'];

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

function required<T>(v: T | null | undefined, field: string, example: string): T {
  if (v === null || v === undefined) {
    throw new OptionsError('E_OPTION_MISSING', `${SOURCE}: options.${field} is required, e.g. ${example}.`, { source: SOURCE, field });
  }
  return v;
}

function fieldName(v: unknown, field: string, example: string): string {
  const s = required(v, field, example);
  if (typeof s !== 'string' || s === '') throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.${field} must be a field name such as ${example}, got ${show(s)}.`, { source: SOURCE, field });
  return s;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Object]';
}

/** Reads a label cell: text, finite number or boolean. */
function label(v: unknown, field: string, row: number): UpliftArm {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const code = v === undefined || v === null ? 'E_MISSING' : typeof v === 'number' ? (Number.isNaN(v) ? 'E_NAN' : 'E_NOT_FINITE') : 'E_LABEL';
  throw new ValidationError(code, `${SOURCE}: "${field}" (options.treatment) is ${v === undefined ? 'missing' : show(v)} in record ${row}; every record needs its arm as text, a finite number or a boolean.`, { source: SOURCE, field, row });
}

function compareArms(a: UpliftArm, b: UpliftArm): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Rows grouped by arm, each arm's records in data order (control first, then arm 0, 1, …):
 * `at[i]` is record i's row, and arm k's rows are `start[k + 1]` to `start[k + 2]` (control from `start[0]`).
 */
function groupedLayout(armIndex: Int32Array, k: number): { at: Int32Array; start: Int32Array } {
  const start = new Int32Array(k + 2);
  for (let i = 0; i < armIndex.length; i++) start[armIndex[i]! + 2]!++;
  for (let g = 1; g < k + 2; g++) start[g]! += start[g - 1]!;
  const fill = start.slice(0, k + 1);
  const at = new Int32Array(armIndex.length);
  for (let i = 0; i < armIndex.length; i++) at[i] = fill[armIndex[i]! + 1]!++;
  return { at, start };
}

/** The rows `idx` of each column, as new columns. */
function gather(cols: readonly Float64Array[], idx: Int32Array): Float64Array[] {
  return cols.map((c) => {
    const out = new Float64Array(idx.length);
    for (let r = 0; r < idx.length; r++) out[r] = c[idx[r]!]!;
    return out;
  });
}

/** 0/1 outcomes as class labels. */
function toLabels(y: Float64Array): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i]!;
  return out;
}

/**
 * Fits an uplift (incremental response) model on the records of a randomised
 * experiment: for each customer, how much a treatment changes the outcome
 * compared with control. The methods (as in scikit-uplift and CausalML):
 *
 * - `'s-learner'`: one model of the outcome on the features plus an indicator per treated arm; uplift =
 *   prediction with the arm's indicator on minus with all off.
 * - `'t-learner'`: one outcome model per arm (control included); uplift = treated model − control model.
 * - `'x-learner'` (Künzel et al. 2019): T-learner models, then per arm two regressors of the imputed
 *   effects (treated: y − control model; control: arm model − y), combined with the arm's share of its
 *   comparison `g` as `g · τ_control + (1 − g) · τ_treated` (a constant propensity: the design of a
 *   randomised test).
 * - `'class-transformation'` (Jaskowski & Jaroszewicz 2012; binary outcomes): one classifier per arm of
 *   Z = 1 for treated responders and control non-responders; uplift = 2·P(Z = 1) − 1. Rows are weighted so
 *   that treated and control carry equal weight, which keeps the identity exact when the split is not
 *   50/50 (scikit-uplift's ClassTransformation assumes 50/50 and does not reweight).
 *
 * Multi-treatment: every arm other than control gets its own comparison with control. Binary outcomes
 * (every value 0/1 or boolean) use classifiers and give differences of probabilities; other numeric
 * outcomes use regressors. Text features are one-hot encoded (every level, sorted; unseen levels at
 * prediction read as all zeros). Missing numeric features (NaN, null) are refused, except with
 * `'gbm'`, whose trees read them as missing. Nothing is dropped silently.
 *
 * Costs the base learners' fits: 1 (S), k + 1 (T), 3k + 1 (X) or k (class transformation) models for k
 * treated arms, after one pass over the records. With learner `'logistic'` the encoded columns are written
 * into scratch memory kept for the next fit (up to 32 MiB), as writing into fresh memory costs more than
 * these fits.
 *
 * @param rows - one record per customer with the treatment, outcome and feature fields, or an
 *   Apache Arrow table with those columns (read as records: a null is a missing value); not modified
 * @param options - see {@link FitUpliftOptions}
 * @returns a fitted {@link UpliftModel}
 * @throws `OptionsError` `E_OPTION_MISSING`, `E_OPTION_TYPE`, `E_OPTION_RANGE` (unknown method or learner,
 *   a feature that is also the treatment or outcome, a seed that is not a safe integer),
 *   `E_OPTION_UNKNOWN`, and the base learners' option errors; `ValidationError` `E_ROWS`, `E_EMPTY`,
 *   `E_SINGLE_ARM` (one arm only), `E_CONTROL_MISSING` (no record has the control label),
 *   `E_MIXED_TYPES`, `E_LABEL`, `E_MISSING`, `E_NAN`, `E_NOT_FINITE`, `E_FEATURE_TYPE` naming the field and
 *   record, `E_CONSTANT_OUTCOME` (the outcome never varies, overall or within an arm where the method needs
 *   it), `E_OUTCOME_KIND` (class transformation on a continuous outcome), `E_OVERFLOW` (a continuous outcome beyond
 *   ±1e150, or features whose squares overflow in LinearRegression); `AbortError` `E_ABORTED`
 * @example
 * ```ts
 * import { fitUplift } from '@marksman/experiments';
 * // Mailing helps the young (visit rate 0.6 vs 0.2) and not the others (0.2 vs 0.2).
 * const rows = Array.from({ length: 1000 }, (_, i) => {
 *   const young = i % 2 === 0;
 *   const mailed = Math.floor(i / 2) % 2;
 *   const visit = (i % 10) / 10 < (young && mailed ? 0.6 : 0.2) ? 1 : 0;
 *   return { age: young ? 25 : 55, channel: i % 3 === 0 ? 'Web' : 'Phone', mailed, visit };
 * });
 * const model = fitUplift(rows, { treatment: 'mailed', outcome: 'visit', features: ['age', 'channel'], method: 't-learner', learner: 'logistic', seed: 0 });
 * model.encodedFeatures; // => ['age', 'channel=Phone', 'channel=Web']
 * const [young, old] = model.predict([{ age: 25, channel: 'Web' }, { age: 55, channel: 'Web' }]);
 * young! > 0.2 && old! < young!; // => true
 * ```
 */
export function fitUplift(rows: readonly object[] | ArrowLikeTable, options: FitUpliftOptions): UpliftModel {
  const o = resolveOptions(SOURCE, DEFAULTS, options as unknown as Partial<Resolved>);
  const treatment = fieldName(o.treatment, 'treatment', "'segment'");
  const outcome = fieldName(o.outcome, 'outcome', "'visit'");
  const features = required(o.features, 'features', "['recency', 'channel']");
  if (!Array.isArray(features) || features.length === 0 || features.some((f) => typeof f !== 'string' || f === '')) {
    throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.features must be a non-empty array of field names such as ['recency', 'channel'].`, { source: SOURCE, field: 'features' });
  }
  if (new Set(features).size !== features.length) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.features names a field twice.`, { source: SOURCE, field: 'features' });
  for (const f of [treatment, outcome]) {
    if (features.includes(f)) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.features includes "${f}", the ${f === treatment ? 'treatment' : 'outcome'} field; features must describe the customer before treatment.`, { source: SOURCE, field: 'features' });
  }
  if (treatment === outcome) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.treatment and options.outcome are both "${treatment}".`, { source: SOURCE, field: 'outcome' });
  const method = required(o.method, 'method', "'t-learner'");
  if (!METHODS.includes(method)) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.method must be one of ${METHODS.map((m) => `'${m}'`).join(', ')}, got ${show(method)}.`, { source: SOURCE, field: 'method' });
  const learner = required(o.learner, 'learner', "'gbm'");
  if (!LEARNERS.includes(learner)) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.learner must be one of ${LEARNERS.map((m) => `'${m}'`).join(', ')}, got ${show(learner)}.`, { source: SOURCE, field: 'learner' });
  const seed = required(o.seed, 'seed', '42');
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.seed must be a safe integer, got ${show(seed)}.`, { source: SOURCE, field: 'seed' });
  if (o.onProgress !== null && typeof o.onProgress !== 'function') throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.onProgress must be a function or null.`, { source: SOURCE, field: 'onProgress' });
  if (o.signal !== null && !(o.signal instanceof AbortSignal)) throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.signal must be an AbortSignal or null.`, { source: SOURCE, field: 'signal' });
  const learnerOptions = o.learnerOptions ?? {};
  if (!isPlain(learnerOptions)) throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.learnerOptions must be a plain object such as { maxIter: 100 } or null.`, { source: SOURCE, field: 'learnerOptions' });
  if ('seed' in learnerOptions) throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: options.learnerOptions.seed is not taken; give the seed as options.seed.`, { source: SOURCE, field: 'learnerOptions.seed' });
  if (o.control !== null && !(typeof o.control === 'string' || typeof o.control === 'boolean' || (typeof o.control === 'number' && Number.isFinite(o.control)))) {
    throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: options.control must be the control arm's label (text, a finite number or a boolean), got ${show(o.control)}.`, { source: SOURCE, field: 'control' });
  }
  throwIfAborted(o.signal, SOURCE);
  // Scratch columns reused across fits: only for the linear learners, which keep none of their training columns.
  const arena = ColumnArena.borrow(learner === 'logistic');
  try {
    return fitRecords(rows, { treatment, outcome, features, method, learner, seed, learnerOptions, control: o.control, onProgress: o.onProgress, signal: o.signal }, arena);
  } finally {
    arena.release();
  }
}

/** The checked options of one fit: every option present (null where absent), `learnerOptions` an object. */
type Checked = Required<FitUpliftOptions> & { readonly learnerOptions: Readonly<Record<string, unknown>> };

/** The fit after the options are checked: reads the records and fits the base models; scratch columns from `arena`. */
function fitRecords(rows: readonly object[] | ArrowLikeTable, o: Checked, arena: ColumnArena): UpliftModel {
  const { treatment, outcome, features, method, learner, seed, learnerOptions } = o;
  const data = checkRows(SOURCE, rows, 'rows', false);
  const n = data.length;
  const column = (m: number): Float64Array => arena.column(m);
  // The common case in one pass over the records (a pass over records scattered in memory costs a cache miss per
  // record): every record an object, the arm labels of one type, the outcome a finite number throughout and each
  // feature a finite number or text throughout, as in record 0; the outcome is read as one more numeric column.
  // Anything else is read again field by field below, which finds and names the cell at fault.
  // The T- and X-learner read the outcome and features grouped by arm (each arm's records in data order), so each
  // arm's rows are one range of every column, as its models take them: their arms are read first, in a pass of
  // their own, so that the one pass writes every record's values straight into its row of that layout.
  const byArm = method === 't-learner' || method === 'x-learner';
  const first: unknown = data[0];
  const fast = typeof first === 'object' && first !== null && typeof (first as Record<string, unknown>)[outcome] === 'number';
  let onePass: CommonCase | null = fast && !byArm ? readCommonCase(data, [...features, outcome], null, column, treatment) : null;
  const labelled = fast && byArm ? readLabels(data, treatment) : onePass;

  // Arms: each record's label as an index into `seen` (first-seen order).
  let armCode: Int32Array;
  let seen: UpliftArm[];
  if (labelled !== null) {
    armCode = labelled.labelCodes!;
    seen = labelled.labels;
  } else {
    // Each record is checked in the pass over the arms; any error there first lets checkRows look at every
    // record, so a record that is not an object is reported as when all are checked first.
    const armFailure = (e: unknown): never => {
      checkRows(SOURCE, data);
      throw e;
    };
    armCode = new Int32Array(n);
    seen = [];
    const codeOf = new Map<UpliftArm, number>();
    // A run of equal cells is read once.
    let previous: unknown = undefined;
    let previousCode = -1;
    for (let i = 0; i < n; i++) {
      const r: unknown = data[i];
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return armFailure(null);
      const cell = (r as Record<string, unknown>)[treatment];
      if (i > 0 && cell === previous) {
        armCode[i] = previousCode;
        continue;
      }
      let a: UpliftArm;
      try {
        a = label(cell, treatment, i);
      } catch (e) {
        return armFailure(e);
      }
      if (i > 0 && typeof a !== typeof seen[0]) {
        return armFailure(new ValidationError('E_MIXED_TYPES', `${SOURCE}: "${treatment}" is ${show(a)} (${typeof a}) in record ${i} but a ${typeof seen[0]} in record 0; give arm labels of one type.`, { source: SOURCE, field: treatment, row: i }));
      }
      let k = codeOf.get(a);
      if (k === undefined) {
        k = seen.length;
        codeOf.set(a, k);
        seen.push(a);
      }
      armCode[i] = k;
      previous = cell;
      previousCode = k;
    }
  }
  const kind = typeof seen[0];
  const control: UpliftArm = o.control ?? (kind === 'number' ? 0 : kind === 'boolean' ? false : 'control');
  const labels = [...seen].sort(compareArms);
  if (!labels.includes(control)) {
    throw new ValidationError('E_CONTROL_MISSING', `${SOURCE}: no record has the control label ${show(control)} in "${treatment}" (labels found: ${labels.slice(0, 5).map(show).join(', ')}); name the control arm with options.control.`, { source: SOURCE, field: 'control' });
  }
  const arms = labels.filter((l) => l !== control);
  if (arms.length === 0) {
    throw new ValidationError('E_SINGLE_ARM', `${SOURCE}: every record of "${treatment}" is the control arm ${show(control)}; uplift needs treated and control customers.`, { source: SOURCE, field: treatment });
  }
  // -1 control, else index into arms (written over the codes).
  const armOfCode = Int32Array.from(seen, (a) => (a === control ? -1 : arms.indexOf(a)));
  const armIndex = armCode;
  for (let i = 0; i < n; i++) armIndex[i] = armOfCode[armCode[i]!]!;
  // Records per arm (control first).
  const armSize = new Int32Array(arms.length + 1);
  for (let i = 0; i < n; i++) armSize[armIndex[i]! + 1]!++;
  // The other methods read the rows in data order.
  const grouped = byArm ? groupedLayout(armIndex, arms.length) : null;
  const at = grouped === null ? null : grouped.at;
  // The T- and X-learner's one pass, into the grouped layout (every record is an object: its arm was read).
  if (byArm && labelled !== null) onePass = readCommonCase(data, [...features, outcome], at, column);

  // Outcome and features: from the one pass, or read again field by field.
  const allowMissing = learner === 'gbm';
  let y: Float64Array;
  let binary = true;
  let read: { specs: FeatureSpec[]; cols: Float64Array[] } | null = null;
  if (onePass !== null) {
    const all = onePass.cols;
    y = all.pop()!;
    read = { specs: onePass.specs.slice(0, -1), cols: all };
    for (let r = 0; r < n && binary; r++) binary = y[r] === 0 || y[r] === 1;
  } else {
    y = arena.column(n);
    const booleanOutcome = typeof data[0]![outcome] === 'boolean';
    for (let i = 0; i < n; i++) {
      const v = data[i]![outcome];
      let num: number;
      if (typeof v === 'boolean') num = v ? 1 : 0;
      else if (typeof v === 'number' && Number.isFinite(v)) num = v;
      else {
        const code = v === undefined || v === null ? 'E_MISSING' : typeof v === 'number' ? (Number.isNaN(v) ? 'E_NAN' : 'E_NOT_FINITE') : 'E_LABEL';
        throw new ValidationError(code, `${SOURCE}: outcome "${outcome}" (options.outcome) is ${v === undefined ? 'missing' : show(v)} in record ${i}; give 0/1, a boolean or a finite number for every record.`, { source: SOURCE, field: outcome, row: i });
      }
      if ((typeof v === 'boolean') !== booleanOutcome) {
        throw new ValidationError('E_MIXED_TYPES', `${SOURCE}: outcome "${outcome}" mixes booleans and numbers (record ${i}); give one kind.`, { source: SOURCE, field: outcome, row: i });
      }
      if (num !== 0 && num !== 1) binary = false;
      y[at === null ? i : at[i]!] = num;
    }
  }
  let varies = false;
  for (let i = 1; i < n && !varies; i++) varies = y[i] !== y[0];
  if (!varies) {
    throw new ValidationError('E_CONSTANT_OUTCOME', `${SOURCE}: outcome "${outcome}" is ${y[0]} in every record; there is nothing to learn.`, { source: SOURCE, field: outcome });
  }
  if (!binary) {
    for (let i = 0; i < n; i++) {
      const v = y[at === null ? i : at[i]!]!;
      if (Math.abs(v) > MAX_OUTCOME) {
        throw new ValidationError('E_OVERFLOW', `${SOURCE}: outcome "${outcome}" is ${v} in record ${i}; squared errors of outcomes beyond ±1e150 overflow double precision, so rescale it (for example to thousands).`, { source: SOURCE, field: outcome, row: i });
      }
    }
  }
  if (method === 'class-transformation' && !binary) {
    throw new ValidationError('E_OUTCOME_KIND', `${SOURCE}: class transformation needs a binary outcome (0/1 or booleans), and "${outcome}" has other values; use 's-learner', 't-learner' or 'x-learner' for continuous outcomes.`, { source: SOURCE, field: 'method' });
  }
  if (binary && grouped !== null) {
    const { start } = grouped;
    for (let k = -1; k < arms.length; k++) {
      let constant = true;
      for (let r = start[k + 1]! + 1; r < start[k + 2]! && constant; r++) constant = y[r] === y[start[k + 1]!];
      if (constant) {
        const name = k < 0 ? `the control arm ${show(control)}` : `arm ${show(arms[k])}`;
        throw new ValidationError('E_CONSTANT_OUTCOME', `${SOURCE}: outcome "${outcome}" is the same for every record of ${name}, so its outcome classifier cannot be fitted; use 's-learner' or more data.`, { source: SOURCE, field: outcome });
      }
    }
  }

  // Features (kinds and columns), unless read in the one pass.
  const { specs, cols } = read ?? readTrainingFeatures(SOURCE, data, features, allowMissing, at, column);
  const names = encodedNames(specs);
  const settings: LearnerSettings = { learner, options: learnerOptions, seed, source: SOURCE, outcome };
  checkLearnerOptions(settings, !binary || method === 'x-learner');

  const steps = modelCount(method, arms.length);
  let step = 0;
  const signal = o.signal;
  const done = (model: string): void => {
    step++;
    o.onProgress?.({ step, steps, model });
    throwIfAborted(signal, SOURCE);
  };
  const armName = (k: number) => (k < 0 ? `control ${show(control)}` : `arm ${show(arms[k])}`);
  const outcomeModel = (X: Float64Array[], xNames: readonly string[], target: Float64Array): BaseModel =>
    binary ? fitClassifier(settings, X, xNames, toLabels(target), null, signal) : fitRegressor(settings, X, xNames, target, signal);

  const models: BaseModel[] = [];
  let propensity: number[] | null = null;
  switch (method) {
    case 's-learner': {
      const indicators = arms.map((_, k) => {
        const col = new Float64Array(n);
        for (let i = 0; i < n; i++) if (armIndex[i] === k) col[i] = 1;
        return col;
      });
      models.push(outcomeModel([...cols, ...indicators], [...names, ...armIndicatorNames(treatment, arms)], y));
      done('outcome model with arm indicators');
      break;
    }
    case 't-learner':
    case 'x-learner': {
      // Each arm's rows are one range of the columns (views, not copies), shared by its outcome model and
      // (X-learner) its effect models.
      const { start } = grouped!;
      const armCols = Array.from(armSize, (_, g) => cols.map((c) => c.subarray(start[g]!, start[g + 1]!)));
      const armY = Array.from(armSize, (_, g) => y.subarray(start[g]!, start[g + 1]!));
      for (let k = -1; k < arms.length; k++) {
        models.push(outcomeModel(armCols[k + 1]!, names, armY[k + 1]!));
        done(`outcome model, ${armName(k)}`);
      }
      if (method === 'x-learner') {
        propensity = [];
        const controlCols = armCols[0]!;
        const controlY = armY[0]!;
        const nC = controlY.length;
        const controlOnControl = models[0]!;
        for (let k = 0; k < arms.length; k++) {
          const treatedCols = armCols[k + 1]!;
          const treatedY = armY[k + 1]!;
          // Imputed effects: treated y − control model; arm model − control y (computed in place; least squares
          // predicts into scratch columns).
          const predict = (m: BaseModel, X: Float64Array[], rows: number): Float64Array => {
            if (m.predictInto === undefined) return m.predict(X);
            const out = arena.column(rows);
            m.predictInto(X, out);
            return out;
          };
          const dTreated = predict(controlOnControl, treatedCols, treatedY.length);
          for (let r = 0; r < dTreated.length; r++) dTreated[r] = (treatedY[r] as number) - (dTreated[r] as number);
          const dControl = predict(models[1 + k]!, controlCols, nC);
          for (let r = 0; r < nC; r++) dControl[r] = (dControl[r] as number) - (controlY[r] as number);
          models.push(fitRegressor(settings, treatedCols, names, dTreated, signal));
          done(`effect model on treated rows, ${armName(k)}`);
          models.push(fitRegressor(settings, controlCols, names, dControl, signal));
          done(`effect model on control rows, ${armName(k)}`);
          propensity.push(treatedY.length / (treatedY.length + nC));
        }
      }
      break;
    }
    case 'class-transformation': {
      for (let k = 0; k < arms.length; k++) {
        const nT = armSize[k + 1]!;
        const nC = armSize[0]!;
        const m = nT + nC;
        // Rows of the comparison in data order (as a mask), so the fit does not depend on how arms are laid out;
        // with one treated arm that is every record (idx null: the columns as they are).
        let idx: Int32Array | null = null;
        if (m < n) {
          idx = new Int32Array(m);
          let r = 0;
          for (let i = 0; i < n; i++) if (armIndex[i] === k || armIndex[i] === -1) idx[r++] = i;
        }
        const z = new Uint8Array(m);
        const w = arena.column(m);
        const wT = m / (2 * nT);
        const wC = m / (2 * nC);
        let ones = 0;
        for (let j = 0; j < m; j++) {
          const i = idx === null ? j : idx[j]!;
          const treated = armIndex[i] === k;
          const zi = treated === (y[i] === 1) ? 1 : 0;
          z[j] = zi;
          ones += zi;
          w[j] = treated ? wT : wC;
        }
        if (ones === 0 || ones === m) {
          throw new ValidationError('E_CONSTANT_OUTCOME', `${SOURCE}: for ${armName(k)} every treated record has outcome ${z[0]} and every control record ${1 - z[0]!}, so the transformed class is constant; use another method.`, { source: SOURCE, field: outcome });
        }
        models.push(fitClassifier(settings, idx === null ? cols : gather(cols, idx), names, z, w, signal));
        done(`transformed-class model, ${armName(k)}`);
      }
      break;
    }
  }
  return upliftModelFromState({ method, learner, outcomeKind: binary ? 'binary' : 'continuous', treatment, outcome, control, arms, specs, propensity, models });
}
