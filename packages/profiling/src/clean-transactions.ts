import { isDictionaryColumn, OptionsError, ValidationError, tryParseTimestamp } from '@marksman/core';
import { arrowTableColumns, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, CleanTransaction, DictionaryColumn, Id, RejectedRow } from '@marksman/core';
import { columnsLength, linesFromColumns, linesFromRecords } from './clean-lines';
import type { ColumnsIn, IdColumn, Lines } from './clean-lines';
import { PROGRESS_EVERY, progressTicker } from './data-progress';
import type { DataProgress } from './data-progress';

/** Why a line was set aside (or flagged) by {@link cleanTransactions}. */
export type CleanReason =
  | 'invalid'
  | 'missingCustomer'
  | 'duplicate'
  | 'cancellation'
  | 'unmatchedCancellation'
  | 'cancelledOriginal'
  | 'nonPositivePrice'
  | 'outlier';

/** What to do with a class of lines: drop it, or keep it (still listed in the report). */
export type CleanAction = 'drop' | 'keep';

/** Outlier rule: values above the `q`-quantile (linear interpolation) are outliers. */
export interface QuantileOutlierRule {
  /** `'quantile'`. */
  readonly method: 'quantile';
  /** The line field examined. Default `'amount'`. */
  readonly field?: 'amount' | 'quantity' | 'unitPrice';
  /** Quantile level in (0, 1), e.g. 0.999. */
  readonly q: number;
}

/**
 * Outlier rule: values whose modified z-score 0.6745·(x − median) / MAD
 * exceeds `threshold` are outliers (Iglewicz & Hoaglin 1993; high side only).
 */
export interface MadOutlierRule {
  /** `'mad'`. */
  readonly method: 'mad';
  /** The line field examined. Default `'amount'`. */
  readonly field?: 'amount' | 'quantity' | 'unitPrice';
  /** Cut-off of the modified z-score, e.g. 3.5. */
  readonly threshold: number;
  /** Apply the rule to log(x) (for skewed amounts). Default false. */
  readonly log?: boolean;
}

/**
 * The outlier rule of {@link cleanTransactions}; both kinds look at the
 * lines still kept after the earlier steps whose value is positive.
 */
export type OutlierRule = QuantileOutlierRule | MadOutlierRule;

/** Options of {@link cleanTransactions}. */
export interface CleanTransactionsOptions {
  /** Lines without a customer id. `'keep'` keeps them under `anonymousCustomerId`. Default `'drop'`. */
  readonly missingCustomers?: CleanAction;
  /** Customer id given to kept lines without one. Default `'(unknown)'`. */
  readonly anonymousCustomerId?: Id;
  /** Exact duplicates of an earlier line (all fields equal): the first is kept. Default `'drop'`. */
  readonly duplicates?: CleanAction;
  /**
   * Cancellation and return lines (negative quantity, or an order id
   * starting with `cancellationPrefix`). `'match'` (default) nets each
   * against the most recent earlier purchase of the same customer and item
   * (reducing that line; a line reduced to zero is removed as
   * `cancelledOriginal`) and removes the cancellation line; what cannot be
   * matched is removed as `unmatchedCancellation`. `'drop'` removes the
   * cancellation lines only; `'keep'` keeps them.
   */
  readonly cancellations?: 'match' | CleanAction;
  /** Order-id prefix of cancellations (Online Retail: `'C'`); `null` to rely on negative quantities only. */
  readonly cancellationPrefix?: string | null;
  /** Purchase lines with unit price (or amount) ≤ 0. Default `'drop'`. */
  readonly nonPositivePrices?: CleanAction;
  /**
   * Lines flagged by `outlierRule`. Default `'keep'`: they stay in the output
   * and are listed in the report (`reasons.outlier`, with the rule and its
   * `outlierThreshold`); `'drop'` removes them. A percentile rule flags the top
   * lines of any data, real or not, so removing them is a decision to make
   * after reading the report, not a default.
   */
  readonly outliers?: CleanAction;
  /** Default `{ method: 'quantile', field: 'amount', q: 0.999 }`; `null` turns outlier detection off. */
  readonly outlierRule?: OutlierRule | null;
  /**
   * Called at the end of each phase (`'validate'`, `'duplicates'`,
   * `'cancellations'`, `'prices'`, `'outliers'`, `'output'`; `done`/`total`
   * count input lines) and every 65,536 lines within the duplicates phase
   * (default none).
   */
  readonly onProgress?: ((progress: DataProgress) => void) | null;
  /** Stops the cleaning with an `AbortError` (`E_ABORTED`) at the next progress point (default none). */
  readonly signal?: AbortSignal | null;
  /**
   * Columns only (an object of columns; ignored for records and Arrow tables, whose arrays are
   * never written): `true` hands the typed arrays given (and the `codes` of dictionary columns)
   * over to cleaning, which nets returns in the given `quantity` and moves the kept lines to the
   * front of each array, returning views on them instead of copies (about one copy of the kept
   * columns less memory on a large file). The arrays given are overwritten: read them afterwards
   * only through the result. Plain arrays are still copied, and when two of the typed arrays
   * given share memory every column is copied. Default `false` (nothing given is written).
   */
  readonly overwriteInput?: boolean;
}

/**
 * Transaction lines as columns for {@link cleanTransactions}, all of one length. Id columns may be
 * any array of ids or a {@link DictionaryColumn} (what `parseCsv` returns for text); a missing
 * value is `null`, `undefined`, `''` or `NaN`. Numbers are plain or typed arrays (`NaN` for a
 * unit price or amount not given). Any other column (Description, Country…) is passed through to
 * the kept lines.
 */
export interface CleanTransactionColumns {
  /** The buyer of each line. */
  readonly customerId: IdColumn;
  /** The order (invoice) of each line. */
  readonly orderId: IdColumn;
  /** Epoch milliseconds of each line. */
  readonly timestamp: ArrayLike<number>;
  /** Units of each line (negative for returns). */
  readonly quantity: ArrayLike<number>;
  /** The product of each line. */
  readonly itemId?: IdColumn;
  /** Price of one unit (`NaN`: not given). */
  readonly unitPrice?: ArrayLike<number>;
  /** Line totals (`NaN`: quantity × unitPrice). */
  readonly amount?: ArrayLike<number>;
  /** Sales channel of each line. */
  readonly channel?: ArrayLike<string | null | undefined> | DictionaryColumn;
  /** Any other column, passed through to the kept lines. */
  readonly [column: string]: unknown;
}

/**
 * The clean lines as columns: every column given, restricted to the kept lines (same kind of
 * array), with `quantity` and `amount` as repaired by netting, `timestamp` as epoch ms, and the
 * anonymous id in `customerId` for kept lines without a customer. Each typed array has memory of
 * its own, but may be a view on the front of a larger buffer (cleaning writes the kept lines into
 * its own working memory rather than allocating beside it).
 */
export interface CleanedTransactionColumns {
  /** The buyer of each kept line. */
  readonly customerId: ArrayLike<Id> | DictionaryColumn;
  /** The order of each kept line. */
  readonly orderId: ArrayLike<Id> | DictionaryColumn;
  /** Epoch milliseconds of each kept line. */
  readonly timestamp: Float64Array;
  /** Units of each kept line, after netting (when cleaning made the array itself, a view on the front of it). */
  readonly quantity: Float64Array;
  /** Line totals of each kept line, after netting (a view on the front of cleaning's own array). */
  readonly amount: Float64Array;
  /** Any other column given, restricted to the kept lines. */
  readonly [column: string]: unknown;
}

/** What {@link cleanTransactions} returns for columns. */
export interface CleanColumnsResult {
  /** The clean lines as columns (every column given, passed through). */
  readonly columns: CleanedTransactionColumns;
  /** For each returned line, its input index. */
  readonly keptIndexes: Int32Array;
  /** What was removed, repaired or flagged, and why. */
  readonly report: CleanReport;
}

/** One class of lines in a {@link CleanReport}. */
export interface CleanReasonReport {
  /** Number of lines in this class. */
  readonly count: number;
  /** Their input indexes, ascending. */
  readonly indexes: Int32Array;
  /** Whether they were dropped or kept. */
  readonly action: CleanAction;
}

/** A cancellation netted against an earlier purchase line. */
export interface CancellationMatch {
  /** Input index of the cancellation line. */
  readonly cancellation: number;
  /** Input index of the purchase line it reduced. */
  readonly original: number;
  /** Units taken off the purchase line. */
  readonly quantity: number;
}

/** What {@link cleanTransactions} did, line by line. */
export interface CleanReport {
  /** Number of input lines. */
  readonly total: number;
  /** Number of lines returned. */
  readonly kept: number;
  /** Per reason: count, indexes and action. Dropped counts plus `kept` equal `total`. */
  readonly reasons: Readonly<Record<CleanReason, CleanReasonReport>>;
  /** Lines that failed validation (always dropped), with field, code and message. */
  readonly invalid: readonly RejectedRow[];
  /** Cancellations matched to purchases (with `cancellations: 'match'`). */
  readonly matches: readonly CancellationMatch[];
  /** Input indexes of purchase lines whose quantity and amount were reduced (and kept). */
  readonly repaired: Int32Array;
  /** The outlier cut-off used (value above which a line is an outlier), or `null` when no rule ran or no line had a positive value. */
  readonly outlierThreshold: number | null;
  /** The outlier rule applied, with its defaults filled in (`null` when `outlierRule: null`). */
  readonly outlierRule: OutlierRule | null;
}

/** What {@link cleanTransactions} returns for records. */
export interface CleanTransactionsResult {
  /**
   * The clean lines (repaired lines carry reduced quantity and amount). Each also carries every
   * other field of its input record (a description, a country…).
   */
  readonly rows: readonly CleanTransaction[];
  /** For each returned line, its input index. */
  readonly keptIndexes: Int32Array;
  /** What was removed, repaired or flagged, and why. */
  readonly report: CleanReport;
}

interface Resolved {
  missingCustomers: CleanAction;
  anonymousCustomerId: Id;
  duplicates: CleanAction;
  cancellations: 'match' | CleanAction;
  cancellationPrefix: string | null;
  nonPositivePrices: CleanAction;
  outliers: CleanAction;
  outlierRule: OutlierRule | null;
  onProgress: ((progress: DataProgress) => void) | null;
  signal: AbortSignal | null;
  overwriteInput: boolean;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  missingCustomers: 'drop',
  anonymousCustomerId: '(unknown)',
  duplicates: 'drop',
  cancellations: 'match',
  cancellationPrefix: 'C',
  nonPositivePrices: 'drop',
  outliers: 'keep',
  outlierRule: Object.freeze({ method: 'quantile', field: 'amount', q: 0.999 }) as OutlierRule,
  onProgress: null,
  signal: null,
  overwriteInput: false,
});

const SOURCE = 'cleanTransactions';

function optErr(field: string, what: string): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${SOURCE}: ${field} must be ${what}.`, { source: SOURCE, field });
}

function checkAction(field: string, v: unknown, allowMatch = false): void {
  if (v !== 'drop' && v !== 'keep' && !(allowMatch && v === 'match')) throw optErr(field, allowMatch ? "'match', 'drop' or 'keep'" : "'drop' or 'keep'");
}

function checkRule(rule: unknown): OutlierRule | null {
  if (rule === null) return null;
  const r = rule as Partial<Record<string, unknown>>;
  if (typeof rule !== 'object' || Array.isArray(rule)) throw optErr('outlierRule', 'an object such as { method: "quantile", q: 0.999 } or null');
  const known = r.method === 'mad' ? ['method', 'field', 'threshold', 'log'] : ['method', 'field', 'q'];
  for (const key of Object.keys(r)) {
    if (!known.includes(key)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `${SOURCE}: unknown outlierRule field "${key}". Known fields: ${known.join(', ')}.`, { source: SOURCE, field: `outlierRule.${key}` });
    }
  }
  const field = r.field ?? 'amount';
  if (field !== 'amount' && field !== 'quantity' && field !== 'unitPrice') throw optErr('outlierRule.field', "'amount', 'quantity' or 'unitPrice'");
  if (r.method === 'quantile') {
    if (typeof r.q !== 'number' || !(r.q > 0 && r.q < 1)) throw optErr('outlierRule.q', 'a number strictly between 0 and 1');
    return Object.freeze({ method: 'quantile', field, q: r.q });
  }
  if (r.method === 'mad') {
    if (typeof r.threshold !== 'number' || !(r.threshold > 0) || !Number.isFinite(r.threshold)) throw optErr('outlierRule.threshold', 'a positive finite number');
    if (r.log !== undefined && typeof r.log !== 'boolean') throw optErr('outlierRule.log', 'true or false');
    return Object.freeze({ method: 'mad', field, threshold: r.threshold, log: r.log === true });
  }
  throw optErr('outlierRule.method', "'quantile' or 'mad'");
}

/** Quantile with linear interpolation between order statistics (numpy's default), of a sorted array. */
function sortedQuantile(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + (h - lo) * ((s[hi] as number) - (s[lo] as number));
}

/**
 * Cleans transaction lines and says exactly what it did. Steps, in order:
 *
 * 1. **invalid** — lines refused by `validateTransactions` (bad timestamp,
 *    missing quantity…) are always dropped and listed with their reason;
 * 2. **missingCustomer** — lines without a customer id;
 * 3. **duplicate** — exact repeats of an earlier line (every field equal);
 * 4. **cancellations / returns** — lines with negative quantity or an order
 *    id starting with `cancellationPrefix` (Online Retail `C…` invoices).
 *    With `'match'` each is netted against the most recent earlier purchase
 *    lines (at or before its time) of the same customer and item, newest
 *    first, reducing their quantity and amount (`repaired`, or
 *    `cancelledOriginal` when reduced to zero); the cancellation line goes
 *    (`cancellation`), or (`unmatchedCancellation`) when nothing could be
 *    netted at all;
 * 5. **nonPositivePrice** — purchase lines with unit price ≤ 0 (or amount
 *    ≤ 0 without a unit price);
 * 6. **outlier** — lines flagged by `outlierRule` among those still kept
 *    (default: amounts above the 99.9th percentile). Flagged only, by
 *    default: they stay in the output and the report gives their count,
 *    indexes, the rule and its threshold; `outliers: 'drop'` removes them.
 *
 * Every class can be kept instead of dropped; kept lines are still listed
 * in the report, so nothing disappears silently: `kept` plus the counts of
 * the dropped classes equals `total`. Inputs are not mutated, unless
 * columns are handed over with `overwriteInput` (then the kept lines are
 * compacted in the arrays given, saving a copy). Costs O(n log n).
 *
 * Takes records (each kept line comes back as a record that keeps the
 * input's other fields) or, for speed, {@link CleanTransactionColumns}
 * (the kept lines come back as columns, every column passed through; no
 * object per line). Both forms run the same steps on columns and give the
 * same report. Long runs can be watched (`onProgress`, per phase and
 * every 65,536 lines while looking for duplicates) and stopped (`signal`,
 * checked at each progress point).
 *
 * @param rows - transaction records as read (ids may be missing)
 * @param options - see {@link CleanTransactionsOptions}
 * @returns the clean lines, their input indexes and the {@link CleanReport}
 * @throws `ValidationError` `E_INPUT` when `rows` is neither an array nor
 *   an object of columns (or a column is not an array), `E_COLUMN_LENGTH`
 *   for columns of different lengths, `E_NO_AMOUNT` for columns without
 *   unitPrice or amount;
 *   `OptionsError` `E_OPTION_RANGE` for a bad action, rule, onProgress or signal,
 *   `E_OPTION_UNKNOWN` (also for a misspelt field of `outlierRule`)
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { cleanTransactions } from '@marksman/profiling';
 * const { rows, report } = cleanTransactions([
 *   { customerId: 'a', orderId: '1', itemId: 'x', timestamp: '2024-01-01', quantity: 3, unitPrice: 2 },
 *   { customerId: 'a', orderId: '1', itemId: 'x', timestamp: '2024-01-01', quantity: 3, unitPrice: 2 },
 *   { customerId: 'a', orderId: 'C2', itemId: 'x', timestamp: '2024-01-03', quantity: -1, unitPrice: 2 },
 *   { customerId: null, orderId: '3', itemId: 'y', timestamp: '2024-01-04', quantity: 1, unitPrice: 5 },
 *   { customerId: 'b', orderId: '4', itemId: 'y', timestamp: '2024-01-05', quantity: 1, unitPrice: 0 },
 * ], { outlierRule: null });
 * rows.map((r) => [r.quantity, r.amount]); // => [[2, 4]]
 * report.reasons.duplicate.indexes; // => Int32Array [1]
 * report.matches; // => [{ cancellation: 2, original: 0, quantity: 1 }]
 * report.reasons.missingCustomer.count; // => 1
 * report.reasons.nonPositivePrice.count; // => 1
 *
 * // Outliers are flagged, not removed, unless asked: the big line stays in.
 * const big = [10, 12, 11, 9, 950].map((amount, i) => ({ customerId: 'c' + i, orderId: i, timestamp: '2024-02-01', quantity: 1, amount }));
 * const flagged = cleanTransactions(big).report;
 * [flagged.kept, flagged.reasons.outlier.count, flagged.reasons.outlier.action]; // => [5, 1, 'keep']
 * cleanTransactions(big, { outliers: 'drop' }).rows.length; // => 4
 * ```
 */
export function cleanTransactions(rows: readonly unknown[], options?: CleanTransactionsOptions): CleanTransactionsResult;
/**
 * {@link cleanTransactions} on columns: the same steps and report, with the kept lines returned
 * as columns (every column given passed through, such as a description or a country).
 *
 * @param columns - see {@link CleanTransactionColumns}
 * @param options - see {@link CleanTransactionsOptions}
 * @returns the clean columns, their input indexes and the {@link CleanReport}
 * @example
 * ```ts
 * import { cleanTransactions } from '@marksman/profiling';
 * const { columns, report } = cleanTransactions({
 *   customerId: [7, 7, 7, NaN],
 *   orderId: ['1', '1', 'C2', '3'],
 *   itemId: ['x', 'x', 'x', 'y'],
 *   timestamp: [0, 0, 86_400_000, 0],
 *   quantity: [3, 3, -1, 1],
 *   unitPrice: [2, 2, 2, 5],
 *   country: ['UK', 'UK', 'UK', 'FR'],
 * }, { outlierRule: null });
 * columns.quantity; // => Float64Array [2]
 * columns.amount; // => Float64Array [4]
 * columns.country; // => ['UK']
 * report.reasons.duplicate.count; // => 1
 *
 * // Handing typed arrays over: the kept lines are moved to their front, no copy is made.
 * const quantity = Float64Array.of(3, 3, -1, 1);
 * const given = { customerId: Float64Array.of(7, 7, 7, 8), orderId: ['1', '1', 'C2', '3'], timestamp: Float64Array.of(0, 0, 9, 0), quantity, unitPrice: Float64Array.of(2, 2, 2, 5) };
 * const handed = cleanTransactions(given, { overwriteInput: true, outlierRule: null }).columns;
 * handed.quantity; // => Float64Array [2, 1]
 * handed.quantity.buffer === quantity.buffer; // => true
 * ```
 */
export function cleanTransactions(columns: CleanTransactionColumns, options?: CleanTransactionsOptions): CleanColumnsResult;
/**
 * {@link cleanTransactions} on an Apache Arrow table (or one shaped like it, such as arquero's
 * `toArrow()`): the table is read as {@link CleanTransactionColumns} (same column names) and
 * cleaned as columns, so the result is columns too, with every other column of the table
 * passed through to the kept lines (pass them to `toArrow` from `@marksman/io` for an Arrow
 * table again).
 *
 * How the table is read: null-free numeric columns are Arrow's own arrays (read in place,
 * never written); Timestamp and Date columns (any unit) are epoch milliseconds, and ISO-8601
 * strings are parsed as records' timestamps are; dictionary-encoded strings become
 * {@link DictionaryColumn}s (Arrow's codes, not copied, for one chunk without nulls); ids may
 * be Utf8 or integer columns; 64-bit integers are read exactly up to ±2^53. A null is a
 * missing value, exactly as `null` in plain columns: a line without a customer is a
 * `missingCustomer`, a null price means "not given", a null order id, time or quantity makes
 * the line `invalid` (listed in `report.invalid` with its code). Nothing is dropped silently.
 *
 * @param table - an Arrow table with the columns of {@link CleanTransactionColumns}
 * @param options - see {@link CleanTransactionsOptions}
 * @returns the clean columns, their input indexes and the {@link CleanReport}
 * @throws `ValidationError` `E_ARROW_TYPE` for a column of the wrong type (text as `quantity`,
 *   booleans as ids…, named) or a 64-bit integer beyond ±2^53 in one of the columns read;
 *   otherwise as for columns
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { cleanTransactions } from '@marksman/profiling';
 * const lines = arrow.tableFromArrays({
 *   customerId: ['ann', 'ann', null, 'bob'],
 *   orderId: ['1', 'C2', '3', '4'],
 *   itemId: ['x', 'x', 'y', 'y'],
 *   timestamp: Float64Array.of(0, 86_400_000, 0, 0),
 *   quantity: Int32Array.of(3, -1, 1, 2),
 *   unitPrice: Float64Array.of(2, 2, 5, 4),
 *   country: ['UK', 'UK', 'FR', 'DE'],
 * });
 * const { columns, report } = cleanTransactions(lines, { outlierRule: null });
 * columns.quantity; // => Float64Array [2, 2]
 * columns.amount; // => Float64Array [4, 8]
 * columns.country; // => { kind: 'dictionary', codes: Int32Array [0, 2], values: ['UK', 'FR', 'DE'] }
 * report.reasons.missingCustomer.count; // => 1
 *
 * const wrong = arrow.tableFromArrays({ customerId: ['ann'], orderId: ['1'], timestamp: Float64Array.of(0), quantity: ['three'], amount: Float64Array.of(6) });
 * cleanTransactions(wrong); // throws E_ARROW_TYPE
 * ```
 */
export function cleanTransactions(table: ArrowLikeTable, options?: CleanTransactionsOptions): CleanColumnsResult;
export function cleanTransactions(given: readonly unknown[] | CleanTransactionColumns | ArrowLikeTable, options?: CleanTransactionsOptions): CleanTransactionsResult | CleanColumnsResult {
  const input = isArrowTable(given) ? columnsOfArrow(given) : given;
  const records = Array.isArray(input);
  if (!records && (typeof input !== 'object' || input === null)) {
    throw new ValidationError('E_INPUT', `${SOURCE}: expected an array of transaction records or an object of columns.`, { source: SOURCE, field: 'rows' });
  }
  const o = resolveOptions(SOURCE, DEFAULTS, options) as Resolved;
  checkAction('missingCustomers', o.missingCustomers);
  checkAction('duplicates', o.duplicates);
  checkAction('cancellations', o.cancellations, true);
  checkAction('nonPositivePrices', o.nonPositivePrices);
  checkAction('outliers', o.outliers);
  if (o.cancellationPrefix !== null && (typeof o.cancellationPrefix !== 'string' || o.cancellationPrefix === '')) throw optErr('cancellationPrefix', 'a non-empty string or null');
  if (!((typeof o.anonymousCustomerId === 'string' && o.anonymousCustomerId !== '') || (typeof o.anonymousCustomerId === 'number' && Number.isFinite(o.anonymousCustomerId)))) {
    throw optErr('anonymousCustomerId', 'a non-empty string or a finite number');
  }
  if (typeof o.overwriteInput !== 'boolean') throw optErr('overwriteInput', 'true or false');
  const rule = checkRule(o.outlierRule);
  const tick = progressTicker(SOURCE, o.onProgress, o.signal);
  if (records) {
    const rows = input as readonly unknown[];
    const { lines, clean } = linesFromRecords(rows, o.anonymousCustomerId, o.cancellationPrefix);
    const r = runSteps(lines, o, rule, tick);
    const out = new Array<CleanTransaction>(r.kept.length);
    for (let j = 0; j < r.kept.length; j++) {
      const i = r.kept[j]!;
      const c = clean[i]!;
      const row = lines.missing[i] === 1 || r.repaired[i] === 1 ? { ...c, quantity: r.quantity[i]!, amount: r.amount[i]! } : c;
      const extra = extraFields(rows[i] as Readonly<Record<string, unknown>>);
      out[j] = extra === null ? row : { ...extra, ...row };
    }
    if (tick !== null) tick('output', lines.n, lines.n);
    return { rows: out, keptIndexes: r.kept, report: r.report };
  }
  const cols = input as CleanTransactionColumns;
  const n = columnsLength(cols);
  // Only a plain object of columns is the caller's to hand over (an Arrow table's arrays are never
  // written), and only arrays that share no memory with one another can be written one by one.
  const overwrite = o.overwriteInput && input === given && !sharesMemory(cols);
  // Returns are netted in the quantity array given only when no other column reads that array.
  const netInPlace = overwrite && Object.entries(cols).every(([name, col]) => name === 'quantity' || col !== cols.quantity);
  const { lines, customerIds } = linesFromColumns(cols as unknown as ColumnsIn, n, o.anonymousCustomerId, o.cancellationPrefix, netInPlace);
  const r = runSteps(lines, o, rule, tick);
  const columns = keptColumns(cols, lines, customerIds, r, overwrite);
  if (tick !== null) tick('output', n, n);
  return { columns, keptIndexes: r.kept, report: r.report };
}

/** What the Arrow columns are read as (others are passed through as they come). */
const ARROW_SPEC = Object.freeze({ customerId: 'id', orderId: 'id', timestamp: 'time', itemId: 'id', quantity: 'number', unitPrice: 'number', amount: 'number', channel: 'text' } as const);

/** An Arrow table as cleaning's columns: ISO-8601 time strings parsed (what cannot be parsed is left for the line check to refuse). */
function columnsOfArrow(table: ArrowLikeTable): CleanTransactionColumns {
  const cols = arrowTableColumns(SOURCE, table, ARROW_SPEC);
  const ts = cols.timestamp;
  if (Array.isArray(ts) && ts.some((t) => typeof t === 'string')) {
    cols.timestamp = ts.map((t: unknown) => (typeof t === 'string' ? (tryParseTimestamp(t) ?? t) : t));
  }
  return cols as CleanTransactionColumns;
}

const KNOWN_FIELDS = new Set(['customerId', 'orderId', 'timestamp', 'itemId', 'quantity', 'unitPrice', 'amount', 'channel']);

/** The fields of a record that cleaning does not read (passed through), or null when there are none. */
function extraFields(r: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(r)) {
    if (!KNOWN_FIELDS.has(key)) (out ??= {})[key] = r[key];
  }
  return out;
}

/** The reasons a step flags (`invalid` is listed by validation). */
type Flag = Exclude<CleanReason, 'invalid'>;

/** The bit of each flag in the per-line reason flags. */
const REASON_BIT: Readonly<Record<Flag, number>> = Object.freeze({
  missingCustomer: 1,
  duplicate: 2,
  cancellation: 4,
  unmatchedCancellation: 8,
  cancelledOriginal: 16,
  nonPositivePrice: 32,
  outlier: 64,
});

/** The lines whose flags have `bit`, ascending, in an array of their own length. */
function flagged(why: Uint8Array, bit: number): Int32Array {
  let count = 0;
  for (let i = 0; i < why.length; i++) if ((why[i]! & bit) !== 0) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; k < count; i++) if ((why[i]! & bit) !== 0) out[k++] = i;
  return out;
}

/** Progress point: reports and checks the signal (see progressTicker). */
type Tick = (phase: string, done: number, total: number) => void;

interface StepsResult {
  readonly kept: Int32Array;
  /** Quantities, netted in place unless `netted` is given. */
  readonly quantity: Float64Array;
  /** When the quantity array could not be written: the netted quantity of each line netting changed. */
  readonly netted: Map<number, number> | null;
  readonly amount: Float64Array;
  readonly repaired: Uint8Array;
  readonly report: CleanReport;
  /** The duplicates' hash table (8 bytes per line alive then, read no more): room for a Float64 output column. */
  readonly spare: ArrayBuffer;
}

/** Steps 2–6 on the lines (validation was step 1). */
function runSteps(lines: Lines, o: Resolved, rule: OutlierRule | null, tick: Tick | null): StepsResult {
  const { n, valid, missing, customer, order, prefixed, item, timestamp, unitPrice } = lines;
  // Netting changes quantities (in place when the array may be written, else kept aside for the
  // few lines it changed) and amounts (the engine's own array). It never makes a quantity negative,
  // so `isCancel` below reads the same whether it sees the netted or the original quantities.
  const qty = lines.quantity;
  let netted: Map<number, number> | null = null;
  const amt = lines.amount;
  // 1 = still in the output. The lines are this call's own arrays: `valid` is read only below, each
  // index before it is marked, so it becomes the live flags in place (one line-sized array fewer).
  const alive = valid;
  let kept = 0;
  for (let i = 0; i < n; i++) kept += alive[i]!;
  // End of a phase: every line done.
  const step = (phase: string): void => {
    if (tick !== null) tick(phase, n, n);
  };
  // Each line's reasons, one bit each (a line kept by one rule may be flagged by a later one): one
  // byte per line instead of growing index lists; the lists are cut to size at the end.
  const why = new Uint8Array(lines.scratch, 2 * n, n);
  const actions: Record<CleanReason, CleanAction> = {
    invalid: 'drop',
    missingCustomer: o.missingCustomers,
    duplicate: o.duplicates,
    cancellation: o.cancellations === 'keep' ? 'keep' : 'drop',
    unmatchedCancellation: o.cancellations === 'keep' ? 'keep' : 'drop',
    cancelledOriginal: 'drop',
    nonPositivePrice: o.nonPositivePrices,
    outlier: o.outliers,
  };
  const mark = (reason: Flag, i: number): void => {
    why[i]! |= REASON_BIT[reason];
    if (actions[reason] === 'drop' && alive[i] === 1) {
      alive[i] = 0;
      kept--;
    }
  };
  for (let i = 0; i < n; i++) if (valid[i] === 1 && missing[i] === 1) mark('missingCustomer', i);
  step('validate');

  // 3: exact duplicates (first occurrence kept): a hash table of row indexes over every field.
  const spare = markDuplicates(lines, alive, (i) => mark('duplicate', i), tick);
  step('duplicates');

  // 4: cancellations and returns.
  const isCancel = (i: number): boolean => lines.quantity[i]! < 0 || prefixed[order[i]!] === 1;
  const matches: CancellationMatch[] = [];
  // Lines whose quantity netting changed: only netting ('match') repairs any.
  const repaired = o.cancellations === 'match' ? new Uint8Array(lines.scratch, 3 * n, n) : new Uint8Array(0);
  // The lines' own typed arrays hold the working lists (no array of boxed numbers or per-key arrays
  // on the heap, which would survive young collections and make the engine grow its heap).
  let nCancel = 0;
  for (let i = 0; i < n; i++) if (alive[i] === 1 && isCancel(i)) nCancel++;
  const cancelIdx = new Int32Array(nCancel);
  for (let i = 0, k = 0; i < n && k < nCancel; i++) if (alive[i] === 1 && isCancel(i)) cancelIdx[k++] = i;
  if (o.cancellations === 'match') {
    // Purchase lines by customer + item, sorted by time (then index).
    const width = lines.itemCount + 1;
    const numeric = lines.customerCount * width < 2 ** 52;
    const itemOf = (i: number): number => (item === null ? -1 : item[i]!);
    const keyOf = (i: number): number | string => (numeric ? customer[i]! * width + itemOf(i) + 1 : `${customer[i]},${itemOf(i)}`);
    // Only purchases that some cancellation could net against are collected: the keys of the
    // cancellations get group numbers; each group's purchases are one slice of `members`.
    const groupOf = new Map<number | string, number>();
    const cancelGroup = new Int32Array(nCancel);
    for (let k = 0; k < nCancel; k++) {
      const key = keyOf(cancelIdx[k]!);
      let g = groupOf.get(key);
      if (g === undefined) {
        g = groupOf.size;
        groupOf.set(key, g);
      }
      cancelGroup[k] = g;
    }
    const groups = groupOf.size;
    const start = new Int32Array(groups + 1);
    const purchase = (i: number): boolean => alive[i] === 1 && qty[i]! > 0 && !isCancel(i);
    if (groups > 0) {
      for (let i = 0; i < n; i++) {
        if (!purchase(i)) continue;
        const g = groupOf.get(keyOf(i));
        if (g !== undefined) start[g + 1]!++;
      }
    }
    for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
    const members = new Int32Array(start[groups]!);
    if (members.length > 0) {
      const fill = start.slice(0, groups);
      for (let i = 0; i < n; i++) {
        if (!purchase(i)) continue;
        const g = groupOf.get(keyOf(i));
        if (g !== undefined) members[fill[g]!++] = i;
      }
    }
    groupOf.clear();
    const byTime = (a: number, b: number): number => timestamp[a]! - timestamp[b]! || a - b;
    for (let g = 0; g < groups; g++) if (start[g + 1]! - start[g]! > 1) members.subarray(start[g]!, start[g + 1]!).sort(byTime);
    // The cancellations in time order, each with its group.
    const inTime = Int32Array.from({ length: nCancel }, (_, k) => k).sort((a, b) => byTime(cancelIdx[a]!, cancelIdx[b]!));
    // The purchases' quantities as netting leaves them, by place in `members` (each line is in one group).
    const left = new Float64Array(members.length);
    for (let p = 0; p < members.length; p++) left[p] = qty[members[p]!]!;
    for (let k = 0; k < nCancel; k++) {
      const c = cancelIdx[inTime[k]!]!;
      const g = cancelGroup[inTime[k]!]!;
      let open = Math.abs(qty[c]!);
      let any = false;
      for (let p = start[g + 1]! - 1; p >= start[g]! && open > 0; p--) {
        const i = members[p]!;
        const q = left[p]!;
        if (timestamp[i]! > timestamp[c]! || !(q > 0)) continue;
        const take = Math.min(open, q);
        const unit = amt[i]! / q;
        const rest = q - take;
        left[p] = rest;
        amt[i] = rest === 0 ? 0 : unit * rest;
        open -= take;
        any = true;
        matches.push({ cancellation: c, original: i, quantity: take });
        repaired[i] = 1;
      }
      mark(any ? 'cancellation' : 'unmatchedCancellation', c);
    }
    // Netted quantities go into the quantity array when cleaning may write it, else into a map of
    // the lines netting changed (no copy of the whole column for a few thousand lines).
    if (!lines.quantityWritable) netted = new Map<number, number>();
    for (let p = 0; p < members.length; p++) {
      const i = members[p]!;
      if (repaired[i] !== 1) continue;
      if (netted === null) qty[i] = left[p]!;
      else netted.set(i, left[p]!);
      if (left[p] === 0) {
        repaired[i] = 0;
        mark('cancelledOriginal', i);
      }
    }
  } else {
    for (const c of cancelIdx) mark('cancellation', c);
  }
  step('cancellations');

  // 5: non-positive prices on purchase lines.
  for (let i = 0; i < n; i++) {
    if (alive[i] !== 1 || isCancel(i)) continue;
    const p = unitPrice[i]!;
    const bad = p === p ? p <= 0 : amt[i]! <= 0;
    if (bad) mark('nonPositivePrice', i);
  }
  step('prices');

  // 6: outliers among the lines still kept.
  let outlierThreshold: number | null = null;
  if (rule !== null) {
    const field = rule.field ?? 'amount';
    const column = field === 'amount' ? amt : field === 'quantity' ? qty : unitPrice;
    const set = field === 'quantity' ? netted : null;
    const value = set === null ? (i: number): number => column[i]! : (i: number): number => set.get(i) ?? column[i]!;
    let count = 0;
    for (let i = 0; i < n; i++) if (alive[i] === 1 && value(i) > 0) count++;
    const cand = new Int32Array(count);
    for (let i = 0, k = 0; k < count; i++) if (alive[i] === 1 && value(i) > 0) cand[k++] = i;
    if (cand.length > 0) {
      const tf = rule.method === 'mad' && rule.log === true ? Math.log : (x: number): number => x;
      const vals = new Float64Array(cand.length);
      for (let k = 0; k < cand.length; k++) vals[k] = tf(value(cand[k]!));
      vals.sort();
      if (rule.method === 'quantile') outlierThreshold = sortedQuantile(vals, rule.q);
      else {
        const med = sortedQuantile(vals, 0.5);
        const dev = Float64Array.from(vals, (x) => Math.abs(x - med)).sort();
        const mad = sortedQuantile(dev, 0.5);
        const cut = med + (rule.threshold * mad) / 0.6745;
        outlierThreshold = rule.log === true ? Math.exp(cut) : cut;
      }
      for (const i of cand) if (value(i) > outlierThreshold) mark('outlier', i);
    }
  }
  step('outliers');

  const keptIdx = new Int32Array(kept);
  for (let i = 0, j = 0; i < n; i++) if (alive[i] === 1) keptIdx[j++] = i;
  const reasons = {} as Record<CleanReason, CleanReasonReport>;
  const invalidIdx = Int32Array.from(lines.invalid, (x) => x.index).sort();
  reasons.invalid = { count: invalidIdx.length, indexes: invalidIdx, action: actions.invalid };
  for (const key of Object.keys(REASON_BIT) as Flag[]) {
    const idx = flagged(why, REASON_BIT[key]);
    reasons[key] = { count: idx.length, indexes: idx, action: actions[key] };
  }
  return {
    kept: keptIdx,
    quantity: qty,
    netted,
    amount: amt,
    repaired,
    spare,
    report: {
      total: n,
      kept: keptIdx.length,
      reasons,
      invalid: lines.invalid,
      matches,
      repaired: flagged(repaired, 1),
      outlierThreshold,
      outlierRule: rule,
    },
  };
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Marks every live line equal in all fields to an earlier live line; returns the hash table's memory. */
function markDuplicates(l: Lines, alive: Uint8Array, mark: (i: number) => void, tick: Tick | null): ArrayBuffer {
  const { n, customer, order, timestamp, quantity, unitPrice, amount } = l;
  const item = l.item ?? new Int32Array(0);
  const channel = l.channel ?? new Int32Array(0);
  // Open addressing over the live lines only, at most half full: two slots per live line, so that
  // the table can later hold a Float64 output column (the kept lines are among the live ones).
  let live = 0;
  for (let i = 0; i < n; i++) live += alive[i]!;
  const size = Math.max(16, 2 * live + 1);
  const slots = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('duplicates', i, n);
    if (alive[i] !== 1) continue;
    // Integer fields and the integer parts of time and quantity pick the slot; equality is checked on every field.
    let h = Math.imul(customer[i]! ^ 0x27d4eb2d, 0x9e3779b1);
    h = Math.imul(h ^ order[i]!, 0x85ebca77);
    h = Math.imul(h ^ (item[i] ?? -1), 0xc2b2ae3d);
    h = Math.imul(h ^ (channel[i] ?? -1), 0x27d4eb2f);
    h = Math.imul(h ^ (timestamp[i]! / 1000), 0x9e3779b1);
    h = Math.imul(h ^ quantity[i]!, 0x85ebca77);
    h ^= h >>> 15;
    let slot = (h >>> 0) % size;
    let duplicate = false;
    for (;;) {
      const e = slots[slot]!;
      if (e === 0) break;
      const j = e - 1;
      if (
        customer[j] === customer[i] &&
        order[j] === order[i] &&
        item[j] === item[i] &&
        channel[j] === channel[i] &&
        same(timestamp[j]!, timestamp[i]!) &&
        same(quantity[j]!, quantity[i]!) &&
        same(unitPrice[j]!, unitPrice[i]!) &&
        same(amount[j]!, amount[i]!)
      ) {
        duplicate = true;
        break;
      }
      slot = slot + 1 === size ? 0 : slot + 1;
    }
    if (duplicate) mark(i);
    else slots[slot] = i + 1;
  }
  return slots.buffer;
}

/**
 * Cleaning's own buffers that nothing reads any more: an output column of the kept lines is
 * written into the smallest one that holds it (a view on its front) instead of a new array, so
 * the copy of the kept lines does not come on top of the working arrays.
 */
class SparePool {
  private readonly buffers: ArrayBuffer[];
  constructor(buffers: readonly ArrayBuffer[]) {
    this.buffers = buffers.filter((b, k) => buffers.indexOf(b) === k).sort((a, b) => a.byteLength - b.byteLength);
  }
  /** An array of `m` elements: on a spare buffer when one is large enough, else new. */
  make<T extends AnyTypedArray>(ctor: new (buffer: ArrayBuffer, offset: number, length: number) => T, fresh: (m: number) => T, bytes: number, m: number): T {
    const k = this.buffers.findIndex((b) => b.byteLength >= m * bytes);
    if (k < 0 || m === 0) return fresh(m);
    const [buffer] = this.buffers.splice(k, 1);
    return new ctor(buffer!, 0, m);
  }
}

/** A column restricted to the kept rows, in the same form (typed array, array, dictionary column). */
function takeRows(col: unknown, keep: Int32Array, pool: SparePool | null): unknown {
  const m = keep.length;
  if (isDictionaryColumn(col)) {
    const codes = pool === null ? new Int32Array(m) : pool.make(Int32Array, (k) => new Int32Array(k), 4, m);
    for (let j = 0; j < m; j++) codes[j] = col.codes[keep[j]!]!;
    return { kind: 'dictionary', codes, values: col.values };
  }
  if (col instanceof Float64Array) {
    const out = pool === null ? new Float64Array(m) : pool.make(Float64Array, (k) => new Float64Array(k), 8, m);
    for (let j = 0; j < m; j++) out[j] = col[keep[j]!]!;
    return out;
  }
  if (ArrayBuffer.isView(col)) {
    const src = col as unknown as Float64Array;
    const ctor = src.constructor as Float64ArrayConstructor;
    // Built-in typed arrays only (a subclass such as Node's Buffer is made as it always was).
    const builtIn = isTypedArray(src) && Object.getPrototypeOf(ctor) === Object.getPrototypeOf(Int8Array);
    const out = pool === null || !builtIn ? new ctor(m) : pool.make(ctor, (k) => new ctor(k), ctor.BYTES_PER_ELEMENT, m);
    for (let j = 0; j < m; j++) out[j] = src[keep[j]!]!;
    return out;
  }
  const src = col as readonly unknown[];
  const out = new Array<unknown>(m);
  for (let j = 0; j < m; j++) out[j] = src[keep[j]!];
  return out;
}

/** The place of `i` in the ascending `sorted`, or -1. */
function indexOf(sorted: Int32Array, i: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === i) return mid;
    if (v < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Moves the kept values to the front of an array cleaning may write and returns that part (a view). */
function compact<T extends AnyTypedArray>(a: T, keep: Int32Array): T {
  const m = keep.length;
  for (let j = 0; j < m; j++) a[j] = a[keep[j]!]!;
  return a.subarray(0, m) as T;
}

/** Every given column restricted to the kept lines, with the columns cleaning changed. */
function keptColumns(cols: CleanTransactionColumns, lines: Lines, customerIds: readonly Id[], r: StepsResult, overwrite: boolean): CleanedTransactionColumns {
  const keep = r.kept;
  const m = keep.length;
  // The customer ids with the anonymous one are read from the input before any array is compacted.
  let anyMissing = false;
  for (let j = 0; j < m && !anyMissing; j++) if (lines.missing[keep[j]!] === 1) anyMissing = true;
  const customerId = anyMissing ? withAnonymous(cols.customerId, keep, lines, customerIds) : undefined;
  // Copies are written into cleaning's own buffers read no more (after the customer ids above):
  // the per-line flags, the duplicates' table, the id codes and unit prices it made itself.
  const given = new Set<unknown>();
  for (const col of Object.values(cols)) given.add(isDictionaryColumn(col) ? col.codes.buffer : ArrayBuffer.isView(col) ? col.buffer : col);
  const mine = [lines.scratch, r.spare, lines.customer.buffer, lines.order.buffer, lines.item?.buffer, lines.channel?.buffer, lines.unitPrice.buffer];
  const pool = new SparePool(mine.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && !given.has(b)));
  // Arrays handed over (overwriteInput): compacted in place, each once however many columns name it.
  const reuse = overwrite ? new Map<unknown, unknown>() : null;
  const take = (col: unknown): unknown => {
    const array = isDictionaryColumn(col) ? col.codes : col;
    if (reuse === null || !isTypedArray(array)) return takeRows(col, keep, pool);
    let view = reuse.get(array);
    if (view === undefined) {
      view = compact(array, keep);
      reuse.set(array, view);
    }
    return isDictionaryColumn(col) ? { kind: 'dictionary', codes: view, values: col.values } : view;
  };
  const out: Record<string, unknown> = {};
  for (const [name, col] of Object.entries(cols)) {
    if (col !== undefined && name !== 'quantity' && name !== 'amount' && name !== 'timestamp' && !(name === 'customerId' && customerId !== undefined)) out[name] = take(col);
  }
  if (customerId !== undefined) out.customerId = customerId;
  // The engine's own arrays are compacted in place (kept index j ≤ input index keep[j]), so
  // no second copy is made; the caller's arrays are copied unless handed over.
  const own = (a: Float64Array): boolean => a !== cols.quantity && a !== cols.timestamp && a !== cols.unitPrice && a !== cols.amount;
  if (r.netted === null) out.quantity = own(r.quantity) ? compact(r.quantity, keep) : take(r.quantity);
  else {
    // The caller's quantities, copied, with the netted ones put in.
    const quantity = takeRows(r.quantity, keep, pool) as Float64Array;
    for (const [i, v] of r.netted) {
      const j = indexOf(keep, i);
      if (j >= 0) quantity[j] = v;
    }
    out.quantity = quantity;
  }
  out.amount = own(r.amount) ? compact(r.amount, keep) : take(r.amount);
  out.timestamp = own(lines.timestamp) ? compact(lines.timestamp, keep) : take(lines.timestamp);
  return out as unknown as CleanedTransactionColumns;
}

type AnyTypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

function isTypedArray(a: unknown): a is AnyTypedArray {
  return ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array);
}

/** Whether two different typed arrays among the columns overlap in memory. */
function sharesMemory(cols: CleanTransactionColumns): boolean {
  const arrays: AnyTypedArray[] = [];
  for (const col of Object.values(cols)) {
    const a = isDictionaryColumn(col) ? col.codes : col;
    if (isTypedArray(a) && !arrays.includes(a)) arrays.push(a);
  }
  for (let x = 0; x < arrays.length; x++) {
    for (let y = x + 1; y < arrays.length; y++) {
      const a = arrays[x]!;
      const b = arrays[y]!;
      if (a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength) return true;
    }
  }
  return false;
}

/** The kept customer ids with the anonymous id where the input had none. */
function withAnonymous(col: IdColumn, keep: Int32Array, lines: Lines, customerIds: readonly Id[]): ArrayLike<Id> | DictionaryColumn {
  const m = keep.length;
  if (isDictionaryColumn(col)) {
    const values = col.values.slice();
    const anonymous = String(customerIds[lines.customer[keep.find((i) => lines.missing[i] === 1)!]!]);
    let code = values.indexOf(anonymous);
    if (code < 0) {
      code = values.length;
      values.push(anonymous);
    }
    const codes = new Int32Array(m);
    for (let j = 0; j < m; j++) codes[j] = lines.missing[keep[j]!] === 1 ? code : col.codes[keep[j]!]!;
    return { kind: 'dictionary', codes, values };
  }
  const ids = new Array<Id>(m);
  for (let j = 0; j < m; j++) ids[j] = customerIds[lines.customer[keep[j]!]!]!;
  if (ArrayBuffer.isView(col) && ids.every((x) => typeof x === 'number')) return Float64Array.from(ids as number[]);
  return ids;
}
