import { arrowCheckedRecords, isArrowTable } from './arrow-input';
import { OptionsError, ValidationError } from './errors';
import { resolveOptions } from './options';
import { describeValue, locationPrefix, timestampMessage, tryParseTimestamp } from './timestamp';
import type {
  CleanEvent,
  CleanInteraction,
  CleanTransaction,
  Id,
  RejectedRow,
  ValidationReport,
} from './types';
import type { ArrowLikeTable } from './table';

// ---------------------------------------------------------------------------
// Shared field checks. Each returns a problem (field, code, message) or
// writes the cleaned value into a scratch object; nothing throws per row.

/** One problem found in a row (internal). */
export interface RowProblem {
  field: string;
  code: string;
  message: string;
}

type Fields = Readonly<Record<string, unknown>>;

function problem(source: string, row: number, field: string, code: string, text: string): RowProblem {
  return { field, code, message: `${locationPrefix({ source, row, field })}${text}` };
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Whether `v` is a usable id: a non-empty string or a finite number. */
export function isValidId(v: unknown): v is Id {
  return (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));
}

function checkId(source: string, row: number, field: string, v: unknown): RowProblem | null {
  if (isMissing(v)) return problem(source, row, field, 'E_MISSING', `${field} is missing (got ${describeValue(v)}); every row needs one.`);
  if (!isValidId(v)) return problem(source, row, field, 'E_ID_TYPE', `${field} must be a string or a finite number, got ${describeValue(v)}.`);
  return null;
}

function checkNumber(source: string, row: number, field: string, v: unknown): RowProblem | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    return problem(source, row, field, 'E_NUMBER', `${field} must be a finite number, got ${describeValue(v)}.`);
  }
  return null;
}

const NOT_OBJECT = (source: string, row: number, v: unknown): RowProblem => ({
  field: '',
  code: 'E_NOT_OBJECT',
  message: `${source}: row ${row} must be an object, got ${describeValue(v)}.`,
});

function isProblem(v: object): v is RowProblem {
  return 'code' in v && 'message' in v;
}

function isRecord(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------
// Report assembly.

function emptyReportBuilder<T>() {
  return { rows: [] as T[], kept: [] as number[], rejected: [] as RejectedRow[], counts: {} as Record<string, number> };
}

function reject(b: { rejected: RejectedRow[]; counts: Record<string, number> }, index: number, p: RowProblem): void {
  b.rejected.push({ index, field: p.field, code: p.code, message: p.message });
  b.counts[p.code] = (b.counts[p.code] ?? 0) + 1;
}

function finish<T>(total: number, b: ReturnType<typeof emptyReportBuilder<T>>): ValidationReport<T> {
  return {
    rows: b.rows,
    keptIndexes: Int32Array.from(b.kept),
    total,
    kept: b.rows.length,
    rejected: b.rejected,
    countsByCode: b.counts,
  };
}

/**
 * The rows to check: the records as given, or an Arrow table's rows as
 * records (nulls as `null`, Timestamp/Date as epoch ms) after its columns'
 * types are checked (`E_ARROW_TYPE` naming the column).
 */
function inputRows(source: string, rows: unknown, spec: Readonly<Record<string, 'number' | 'id' | 'time' | 'text'>>): readonly unknown[] {
  if (isArrowTable(rows)) return arrowCheckedRecords(source, rows, spec);
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_INPUT', `${source}: expected an array of records or an Arrow table, got ${describeValue(rows)}.`, { source, field: 'rows' });
  }
  return rows;
}

const TRANSACTION_ARROW = Object.freeze({ customerId: 'id', orderId: 'id', timestamp: 'time', itemId: 'id', quantity: 'number', unitPrice: 'number', amount: 'number', channel: 'text' } as const);
const EVENT_ARROW = Object.freeze({ customerId: 'id', timestamp: 'time', type: 'text', itemId: 'id', value: 'number' } as const);
const INTERACTION_ARROW = Object.freeze({ userId: 'id', itemId: 'id', weight: 'number', timestamp: 'time' } as const);

// ---------------------------------------------------------------------------
// Transactions.

/** Options of {@link validateTransactions}. */
export interface ValidateTransactionsOptions {
  /**
   * Largest accepted |amount − quantity × unitPrice| when both are given
   * (default 0.01, one cent). A tiny relative slack (1e-9 × |amount|) is added
   * for floating-point rounding.
   */
  readonly amountTolerance?: number;
  /** Refuse rows without an `itemId` (`E_MISSING`); default false. */
  readonly requireItemId?: boolean;
}

const TRANSACTION_DEFAULTS: Required<ValidateTransactionsOptions> = Object.freeze({ amountTolerance: 0.01, requireItemId: false });

function checkTransaction(source: string, i: number, r: unknown, tol: number, requireItemId: boolean): CleanTransaction | RowProblem {
  if (!isRecord(r)) return NOT_OBJECT(source, i, r);
  let p = checkId(source, i, 'customerId', r.customerId) ?? checkId(source, i, 'orderId', r.orderId);
  if (p !== null) return p;
  if (isMissing(r.timestamp)) return problem(source, i, 'timestamp', 'E_MISSING', `timestamp is missing (got ${describeValue(r.timestamp)}); every row needs one.`);
  const ts = tryParseTimestamp(r.timestamp);
  if (ts === undefined) return { field: 'timestamp', code: 'E_TIMESTAMP', message: timestampMessage(r.timestamp, { source, row: i, field: 'timestamp' }) };
  const hasItem = !isMissing(r.itemId);
  if (hasItem || requireItemId) {
    p = checkId(source, i, 'itemId', r.itemId);
    if (p !== null) return p;
  }
  if (isMissing(r.quantity)) return problem(source, i, 'quantity', 'E_MISSING', `quantity is missing (got ${describeValue(r.quantity)}); every row needs one.`);
  p = checkNumber(source, i, 'quantity', r.quantity);
  if (p !== null) return p;
  const quantity = r.quantity as number;
  const hasPrice = r.unitPrice !== undefined && r.unitPrice !== null;
  const hasAmount = r.amount !== undefined && r.amount !== null;
  if (hasPrice) {
    p = checkNumber(source, i, 'unitPrice', r.unitPrice);
    if (p !== null) return p;
  }
  if (hasAmount) {
    p = checkNumber(source, i, 'amount', r.amount);
    if (p !== null) return p;
  }
  if (!hasPrice && !hasAmount) {
    return problem(source, i, 'amount', 'E_NO_AMOUNT', 'neither unitPrice nor amount is given; give one of them (amount defaults to quantity × unitPrice).');
  }
  let amount: number;
  if (hasAmount) {
    amount = r.amount as number;
    if (hasPrice) {
      const expected = quantity * (r.unitPrice as number);
      if (Math.abs(amount - expected) > tol + 1e-9 * Math.max(Math.abs(amount), Math.abs(expected))) {
        return problem(source, i, 'amount', 'E_AMOUNT_MISMATCH', `amount ${amount} differs from quantity × unitPrice = ${expected} by more than ${tol}.`);
      }
    }
  } else {
    amount = quantity * (r.unitPrice as number);
    if (!Number.isFinite(amount)) return problem(source, i, 'amount', 'E_NUMBER', `quantity × unitPrice overflows to ${amount}.`);
  }
  if (r.channel !== undefined && r.channel !== null && typeof r.channel !== 'string') {
    return problem(source, i, 'channel', 'E_FIELD_TYPE', `channel must be a string, got ${describeValue(r.channel)}.`);
  }
  const out: { -readonly [K in keyof CleanTransaction]: CleanTransaction[K] } = {
    customerId: r.customerId as Id,
    orderId: r.orderId as Id,
    timestamp: ts,
    quantity,
    amount,
  };
  if (hasItem) out.itemId = r.itemId as Id;
  if (hasPrice) out.unitPrice = r.unitPrice as number;
  if (typeof r.channel === 'string') out.channel = r.channel;
  return out;
}

/** Throws `E_OPTION_RANGE` unless `value` is a boolean (internal). */
export function checkBooleanOption(source: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be true or false, got ${describeValue(value)}.`, { source, field });
  }
  return value;
}

function checkTolerance(source: string, tol: unknown): asserts tol is number {
  if (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: amountTolerance must be a finite number ≥ 0, got ${describeValue(tol)}.`, { source, field: 'amountTolerance' });
  }
}

/**
 * Checks transaction records and normalises the good ones. Never throws for a
 * bad row: each refused row is reported with its index, the first field at
 * fault, a stable code and a sentence naming the field, row and value.
 *
 * Rules, in the order they are checked (the first failure is reported):
 * - the row is an object (`E_NOT_OBJECT`, reported with field `''`);
 * - `customerId`, `orderId`: present (`E_MISSING`: absent, null or `''`),
 *   a string or finite number (`E_ID_TYPE`);
 * - `timestamp`: present, and a valid timestamp per {@link parseTimestamp}
 *   (`E_TIMESTAMP`); output as epoch ms;
 * - `itemId`: optional (required with `requireItemId`), an id as above;
 * - `quantity`: present, finite (`E_NUMBER`); negative means a return;
 * - `unitPrice`, `amount`: finite when given (`E_NUMBER`); at least one of
 *   them (`E_NO_AMOUNT`); when both, |amount − quantity × unitPrice| ≤
 *   `amountTolerance` (`E_AMOUNT_MISMATCH`); a missing amount becomes
 *   quantity × unitPrice;
 * - `channel`: a string when given (`E_FIELD_TYPE`).
 *
 * Output rows are new objects with only the fields of
 * {@link CleanTransaction} (other fields are not copied); inputs are not
 * touched. Numeric strings such as `'3'` are refused (`E_NUMBER`): convert
 * while parsing.
 *
 * An Apache Arrow table (or one shaped like it) is read row by row as these
 * records would be: a null is a missing value (so `E_MISSING` where a field
 * is required), Timestamp and Date columns are epoch milliseconds, strings
 * may be dictionary-encoded; ids may be Utf8 or integer columns, numbers
 * Int or Float columns (64-bit integers exactly, up to ±2^53). A column of
 * the wrong type (text for `quantity`, booleans as ids) is refused at once
 * with `E_ARROW_TYPE` naming it. The same holds for {@link validateEvents}
 * and {@link validateInteractions}.
 *
 * Costs O(n).
 *
 * @param rows - the records as read (typed `unknown`: each row is checked, so parsed CSV or JSON can be passed as is; see `Transaction` for the expected shape), or an Apache Arrow table with those columns (see below)
 * @param options - see {@link ValidateTransactionsOptions}
 * @returns kept rows, their indexes, and the rejected rows with reasons
 * @throws {@link ValidationError} `E_INPUT` when `rows` is neither an array nor an Arrow table;
 *   `E_ARROW_TYPE` for an Arrow column of the wrong type (named), or a 64-bit integer beyond ±2^53;
 *   {@link OptionsError} `E_OPTION_UNKNOWN` / `E_OPTION_RANGE` for bad options
 * @example
 * ```ts
 * import { validateTransactions } from '@marksman/core';
 * const report = validateTransactions([
 *   { customerId: 'c1', orderId: 'o1', timestamp: '2024-03-01', quantity: 2, unitPrice: 5 },
 *   { customerId: 'c2', orderId: 'o2', timestamp: 'yesterday', quantity: 1, amount: 3 },
 * ]);
 * report.rows[0].amount; // => 10
 * report.rejected[0].code; // => 'E_TIMESTAMP'
 * report.countsByCode; // => { E_TIMESTAMP: 1 }
 *
 * // The same check on an Apache Arrow table: the null customer is a missing id.
 * import * as arrow from 'apache-arrow';
 * const lines = arrow.tableFromArrays({
 *   customerId: ['c1', null],
 *   orderId: Int32Array.of(1, 2),
 *   timestamp: Float64Array.of(Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 2)),
 *   quantity: Int32Array.of(2, 1),
 *   unitPrice: Float64Array.of(5, 3),
 * });
 * const fromArrow = validateTransactions(lines);
 * fromArrow.rows[0]; // => { customerId: 'c1', orderId: 1, timestamp: 1709251200000, quantity: 2, unitPrice: 5, amount: 10 }
 * fromArrow.rejected[0].code; // => 'E_MISSING'
 * ```
 */
export function validateTransactions(rows: readonly unknown[] | ArrowLikeTable, options?: ValidateTransactionsOptions): ValidationReport<CleanTransaction> {
  const source = 'validateTransactions';
  const list = inputRows(source, rows, TRANSACTION_ARROW);
  const opts = resolveOptions(source, TRANSACTION_DEFAULTS, options);
  checkTolerance(source, opts.amountTolerance);
  const requireItemId = checkBooleanOption(source, 'requireItemId', opts.requireItemId);
  const b = emptyReportBuilder<CleanTransaction>();
  for (let i = 0; i < list.length; i++) {
    const r = checkTransaction(source, i, list[i], opts.amountTolerance, requireItemId);
    if (isProblem(r)) reject(b, i, r);
    else {
      b.rows.push(r);
      b.kept.push(i);
    }
  }
  return finish(list.length, b);
}

// ---------------------------------------------------------------------------
// Events.

/** Options of {@link validateEvents}. */
export interface ValidateEventsOptions {
  /**
   * When given, only these event types are accepted; others get
   * `E_EVENT_TYPE`. Default `null` (any non-empty string).
   */
  readonly types?: readonly string[] | null;
}

const EVENT_DEFAULTS: { readonly types: readonly string[] | null } = Object.freeze({ types: null });

function checkEvent(source: string, i: number, r: unknown, allowed: ReadonlySet<string> | null): CleanEvent | RowProblem {
  if (!isRecord(r)) return NOT_OBJECT(source, i, r);
  const p = checkId(source, i, 'customerId', r.customerId);
  if (p !== null) return p;
  if (isMissing(r.timestamp)) return problem(source, i, 'timestamp', 'E_MISSING', `timestamp is missing (got ${describeValue(r.timestamp)}); every row needs one.`);
  const ts = tryParseTimestamp(r.timestamp);
  if (ts === undefined) return { field: 'timestamp', code: 'E_TIMESTAMP', message: timestampMessage(r.timestamp, { source, row: i, field: 'timestamp' }) };
  const type = r.type;
  if (type === undefined || type === null) return problem(source, i, 'type', 'E_MISSING', `type is missing (got ${describeValue(type)}); give the event type, e.g. "view" or "purchase".`);
  if (typeof type !== 'string' || type.trim() === '') {
    return problem(source, i, 'type', 'E_EVENT_TYPE', `type must be a non-empty string such as "view" or "purchase", got ${describeValue(type)}.`);
  }
  if (allowed !== null && !allowed.has(type)) {
    return problem(source, i, 'type', 'E_EVENT_TYPE', `type ${describeValue(type)} is not one of the accepted types (${[...allowed].join(', ')}).`);
  }
  const hasItem = !isMissing(r.itemId);
  if (hasItem && !isValidId(r.itemId)) return problem(source, i, 'itemId', 'E_ID_TYPE', `itemId must be a string or a finite number, got ${describeValue(r.itemId)}.`);
  const hasValue = r.value !== undefined && r.value !== null;
  if (hasValue) {
    const q = checkNumber(source, i, 'value', r.value);
    if (q !== null) return q;
  }
  const hasProps = r.properties !== undefined && r.properties !== null;
  if (hasProps && !isRecord(r.properties)) {
    return problem(source, i, 'properties', 'E_FIELD_TYPE', `properties must be an object, got ${describeValue(r.properties)}.`);
  }
  const out: { -readonly [K in keyof CleanEvent]: CleanEvent[K] } = { customerId: r.customerId as Id, timestamp: ts, type };
  if (hasItem) out.itemId = r.itemId as Id;
  if (hasValue) out.value = r.value as number;
  if (hasProps) out.properties = r.properties as Readonly<Record<string, unknown>>;
  return out;
}

/**
 * Checks event records and normalises the good ones (timestamps to epoch
 * ms). Never throws for a bad row; see {@link validateTransactions} for the
 * report. Rules, in order: object (`E_NOT_OBJECT`); `customerId` present
 * (`E_MISSING`) and an id (`E_ID_TYPE`); `timestamp` present and valid
 * (`E_TIMESTAMP`); `type` present (`E_MISSING` for absent/null), a non-blank
 * string (`E_EVENT_TYPE`, also for `''`) and in `types` when that option is
 * given (`E_EVENT_TYPE`); `itemId` an id when given (`E_ID_TYPE`); `value`
 * finite when given (`E_NUMBER`); `properties` an object when given
 * (`E_FIELD_TYPE`; kept by reference, not copied).
 *
 * Costs O(n).
 *
 * @param rows - the records as read (each row is checked; see `Event` for the expected shape), or an Apache Arrow table with those columns
 * @param options - see {@link ValidateEventsOptions}
 * @returns kept rows, their indexes, and the rejected rows with reasons
 * @throws {@link ValidationError} `E_INPUT` when `rows` is neither an array nor an Arrow table;
 *   `E_ARROW_TYPE` for an Arrow column of the wrong type (named), or a 64-bit integer beyond ±2^53;
 *   {@link OptionsError} `E_OPTION_UNKNOWN` / `E_OPTION_RANGE` for bad options
 * @example
 * ```ts
 * import { validateEvents } from '@marksman/core';
 * const report = validateEvents([
 *   { customerId: 7, timestamp: '2024-03-01T12:00:00Z', type: 'view', itemId: 'sku-1' },
 *   { customerId: 8, timestamp: '2024-03-01', type: '' },
 * ]);
 * report.rows[0].timestamp; // => 1709294400000
 * report.rejected[0].code; // => 'E_EVENT_TYPE'
 * ```
 */
export function validateEvents(rows: readonly unknown[] | ArrowLikeTable, options?: ValidateEventsOptions): ValidationReport<CleanEvent> {
  const source = 'validateEvents';
  const list = inputRows(source, rows, EVENT_ARROW);
  const opts = resolveOptions(source, EVENT_DEFAULTS, options);
  let allowed: Set<string> | null = null;
  if (opts.types !== null) {
    if (!Array.isArray(opts.types) || opts.types.some((t) => typeof t !== 'string' || t === '')) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: types must be an array of non-empty strings or null.`, { source, field: 'types' });
    }
    allowed = new Set(opts.types);
  }
  const b = emptyReportBuilder<CleanEvent>();
  for (let i = 0; i < list.length; i++) {
    const r = checkEvent(source, i, list[i], allowed);
    if (isProblem(r)) reject(b, i, r);
    else {
      b.rows.push(r);
      b.kept.push(i);
    }
  }
  return finish(list.length, b);
}

// ---------------------------------------------------------------------------
// Interactions.

/** Options of {@link validateInteractions}. */
export interface ValidateInteractionsOptions {
  /** Accept negative weights (e.g. dislikes); default false (`E_NEGATIVE_WEIGHT`). */
  readonly allowNegativeWeights?: boolean;
  /** Refuse rows without a timestamp (`E_MISSING`); default false. */
  readonly requireTimestamp?: boolean;
}

const INTERACTION_DEFAULTS: Required<ValidateInteractionsOptions> = Object.freeze({ allowNegativeWeights: false, requireTimestamp: false });

/** Scratch fields filled by {@link checkInteractionInto} (internal). */
export interface InteractionScratch {
  userId: Id;
  itemId: Id;
  weight: number;
  timestamp: number | undefined;
}

/**
 * Checks one interaction row and writes its cleaned fields into `out`
 * without allocating; returns the problem, or null when the row is good.
 * Shared by {@link validateInteractions} and `csrFromInteractions` so both
 * use the same rules and codes.
 */
export function checkInteractionInto(
  source: string,
  i: number,
  r: unknown,
  allowNegative: boolean,
  requireTimestamp: boolean,
  out: InteractionScratch,
): RowProblem | null {
  if (!isRecord(r)) return NOT_OBJECT(source, i, r);
  const p = checkId(source, i, 'userId', r.userId) ?? checkId(source, i, 'itemId', r.itemId);
  if (p !== null) return p;
  const w = r.weight;
  let weight = 1;
  if (w !== undefined && w !== null) {
    if (typeof w !== 'number' || !Number.isFinite(w)) return problem(source, i, 'weight', 'E_NUMBER', `weight must be a finite number, got ${describeValue(w)}.`);
    if (w < 0 && !allowNegative) {
      return problem(source, i, 'weight', 'E_NEGATIVE_WEIGHT', `weight ${w} is negative; pass { allowNegativeWeights: true } if negative signals are intended.`);
    }
    weight = w;
  }
  let ts: number | undefined;
  if (isMissing(r.timestamp)) {
    if (requireTimestamp) return problem(source, i, 'timestamp', 'E_MISSING', `timestamp is missing (got ${describeValue(r.timestamp)}) and requireTimestamp is set.`);
  } else {
    ts = tryParseTimestamp(r.timestamp);
    if (ts === undefined) return { field: 'timestamp', code: 'E_TIMESTAMP', message: timestampMessage(r.timestamp, { source, row: i, field: 'timestamp' }) };
  }
  out.userId = r.userId as Id;
  out.itemId = r.itemId as Id;
  out.weight = weight;
  out.timestamp = ts;
  return null;
}

/** Throws the {@link ValidationError} that describes `p` (internal). */
export function throwProblem(source: string, row: number, p: RowProblem): never {
  throw new ValidationError(p.code, p.message, p.field === '' ? { source, row } : { source, row, field: p.field });
}

/**
 * Checks user–item interaction records and normalises the good ones
 * (`weight` defaults to 1, timestamps to epoch ms). Never throws for a bad
 * row; see {@link validateTransactions} for the report. Rules, in order:
 * object (`E_NOT_OBJECT`); `userId`, `itemId` present (`E_MISSING`) and ids
 * (`E_ID_TYPE`); `weight` finite when given (`E_NUMBER`) and ≥ 0 unless
 * `allowNegativeWeights` (`E_NEGATIVE_WEIGHT`); `timestamp` valid when given
 * (`E_TIMESTAMP`), required with `requireTimestamp` (`E_MISSING`).
 *
 * Costs O(n).
 *
 * @param rows - the records as read (each row is checked; see `Interaction` for the expected shape), or an Apache Arrow table with those columns
 * @param options - see {@link ValidateInteractionsOptions}
 * @returns kept rows, their indexes, and the rejected rows with reasons
 * @throws {@link ValidationError} `E_INPUT` when `rows` is neither an array nor an Arrow table;
 *   `E_ARROW_TYPE` for an Arrow column of the wrong type (named), or a 64-bit integer beyond ±2^53;
 *   {@link OptionsError} `E_OPTION_UNKNOWN` / `E_OPTION_RANGE` for bad options
 * @example
 * ```ts
 * import { validateInteractions } from '@marksman/core';
 * const report = validateInteractions([
 *   { userId: 'u1', itemId: 'i1' },
 *   { userId: 'u1', itemId: 'i2', weight: -1 },
 * ]);
 * report.rows; // => [{ userId: 'u1', itemId: 'i1', weight: 1 }]
 * report.rejected[0].code; // => 'E_NEGATIVE_WEIGHT'
 * ```
 */
export function validateInteractions(rows: readonly unknown[] | ArrowLikeTable, options?: ValidateInteractionsOptions): ValidationReport<CleanInteraction> {
  const source = 'validateInteractions';
  const list = inputRows(source, rows, INTERACTION_ARROW);
  const opts = resolveOptions(source, INTERACTION_DEFAULTS, options);
  const allowNegative = checkBooleanOption(source, 'allowNegativeWeights', opts.allowNegativeWeights);
  const requireTimestamp = checkBooleanOption(source, 'requireTimestamp', opts.requireTimestamp);
  const b = emptyReportBuilder<CleanInteraction>();
  const s: InteractionScratch = { userId: '', itemId: '', weight: 1, timestamp: undefined };
  for (let i = 0; i < list.length; i++) {
    const p = checkInteractionInto(source, i, list[i], allowNegative, requireTimestamp, s);
    if (p !== null) reject(b, i, p);
    else {
      b.rows.push(s.timestamp === undefined ? { userId: s.userId, itemId: s.itemId, weight: s.weight } : { userId: s.userId, itemId: s.itemId, weight: s.weight, timestamp: s.timestamp });
      b.kept.push(i);
    }
  }
  return finish(list.length, b);
}
