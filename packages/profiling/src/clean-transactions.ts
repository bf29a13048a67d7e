import { OptionsError, ValidationError, validateTransactions } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { CleanTransaction, Id, RejectedRow, Transaction } from '@marksman/core';
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

/** What {@link cleanTransactions} returns. */
export interface CleanTransactionsResult {
  /** The clean lines (new objects; repaired lines carry reduced quantity and amount). */
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

function isMissingId(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function lineKey(r: CleanTransaction): string {
  return JSON.stringify([r.customerId, typeof r.customerId, r.orderId, typeof r.orderId, r.timestamp, r.itemId ?? null, typeof r.itemId, r.quantity, r.unitPrice ?? null, r.amount, r.channel ?? null]);
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
 * the dropped classes equals `total`. Inputs are not mutated. Costs
 * O(n log n). Long runs can be watched (`onProgress`, per phase) and
 * stopped (`signal`, checked at each progress point).
 *
 * @param rows - transaction records as read (ids may be missing)
 * @param options - see {@link CleanTransactionsOptions}
 * @returns the clean lines, their input indexes and the {@link CleanReport}
 * @throws `ValidationError` `E_INPUT` when `rows` is not an array;
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
export function cleanTransactions(rows: readonly unknown[], options?: CleanTransactionsOptions): CleanTransactionsResult {
  if (!Array.isArray(rows)) throw new ValidationError('E_INPUT', `${SOURCE}: expected an array of transaction records.`, { source: SOURCE, field: 'rows' });
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
  const rule = checkRule(o.outlierRule);
  const tick = progressTicker(SOURCE, o.onProgress, o.signal);
  const n = rows.length;
  // Progress inside a loop over the n lines: every PROGRESS_EVERY of them.
  const step = (phase: string, i: number): void => {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick(phase, i, n);
  };
  const endPhase = (phase: string): void => {
    if (tick !== null) tick(phase, n, n);
  };

  // 1–2: validate, with missing customer ids stood in so other faults show.
  const missing = new Uint8Array(n);
  const probe: Transaction[] = new Array<Transaction>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (typeof r === 'object' && r !== null && isMissingId((r as { customerId?: unknown }).customerId)) {
      missing[i] = 1;
      probe[i] = { ...r, customerId: o.anonymousCustomerId };
    } else probe[i] = r as Transaction;
  }
  const v = validateTransactions(probe);
  endPhase('validate');
  const line: (CleanTransaction | null)[] = new Array<CleanTransaction | null>(n).fill(null);
  const qty = new Float64Array(n);
  const amt = new Float64Array(n);
  for (let j = 0; j < v.rows.length; j++) {
    const i = v.keptIndexes[j] as number;
    const r = v.rows[j]!;
    line[i] = r;
    qty[i] = r.quantity;
    amt[i] = r.amount;
  }
  const invalid: readonly RejectedRow[] = v.rejected;
  const alive = new Uint8Array(n); // 1 = still in the output
  for (let i = 0; i < n; i++) if (line[i] !== null) alive[i] = 1;
  const lists: Record<CleanReason, number[]> = {
    invalid: v.rejected.map((x) => x.index),
    missingCustomer: [],
    duplicate: [],
    cancellation: [],
    unmatchedCancellation: [],
    cancelledOriginal: [],
    nonPositivePrice: [],
    outlier: [],
  };
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
  const mark = (reason: CleanReason, i: number): void => {
    lists[reason].push(i);
    if (actions[reason] === 'drop') alive[i] = 0;
  };
  for (let i = 0; i < n; i++) if (line[i] !== null && missing[i]) mark('missingCustomer', i);

  // 3: exact duplicates (first occurrence kept).
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    step('duplicates', i);
    if (!alive[i]) continue;
    const key = lineKey(line[i]!);
    if (seen.has(key)) mark('duplicate', i);
    else seen.add(key);
  }
  endPhase('duplicates');

  // 4: cancellations and returns.
  const prefix = o.cancellationPrefix;
  const isCancel = (r: CleanTransaction): boolean => r.quantity < 0 || (prefix !== null && typeof r.orderId === 'string' && r.orderId.startsWith(prefix));
  const matches: CancellationMatch[] = [];
  const repaired = new Set<number>();
  const cancelIdx: number[] = [];
  for (let i = 0; i < n; i++) if (alive[i] && isCancel(line[i]!)) cancelIdx.push(i);
  if (o.cancellations === 'match') {
    // Purchase lines by customer + item, sorted by time (then index).
    const byKey = new Map<string, number[]>();
    const keyOf = (r: CleanTransaction): string => JSON.stringify([r.customerId, typeof r.customerId, r.itemId ?? null, typeof r.itemId]);
    for (let i = 0; i < n; i++) {
      if (!alive[i] || isCancel(line[i]!) || !(qty[i]! > 0)) continue;
      const k = keyOf(line[i]!);
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [i]);
      else list.push(i);
    }
    for (const list of byKey.values()) list.sort((a, b) => line[a]!.timestamp - line[b]!.timestamp || a - b);
    cancelIdx.sort((a, b) => line[a]!.timestamp - line[b]!.timestamp || a - b);
    for (let ci = 0; ci < cancelIdx.length; ci++) {
      const c = cancelIdx[ci]!;
      const r = line[c]!;
      let left = Math.abs(r.quantity);
      const list = byKey.get(keyOf(r));
      let netted = false;
      if (list !== undefined) {
        for (let p = list.length - 1; p >= 0 && left > 0; p--) {
          const i = list[p]!;
          if (line[i]!.timestamp > r.timestamp || !(qty[i]! > 0)) continue;
          const take = Math.min(left, qty[i]!);
          const unit = amt[i]! / qty[i]!;
          qty[i] = qty[i]! - take;
          amt[i] = qty[i] === 0 ? 0 : unit * qty[i]!;
          left -= take;
          netted = true;
          matches.push({ cancellation: c, original: i, quantity: take });
          repaired.add(i);
        }
      }
      mark(netted ? 'cancellation' : 'unmatchedCancellation', c);
    }
    for (const i of [...repaired].sort((a, b) => a - b)) {
      if (qty[i] === 0) {
        repaired.delete(i);
        mark('cancelledOriginal', i);
      }
    }
  } else {
    for (const c of cancelIdx) mark('cancellation', c);
  }
  endPhase('cancellations');

  // 5: non-positive prices on purchase lines.
  for (let i = 0; i < n; i++) {
    if (!alive[i] || isCancel(line[i]!)) continue;
    const r = line[i]!;
    const bad = r.unitPrice !== undefined ? r.unitPrice <= 0 : amt[i]! <= 0;
    if (bad) mark('nonPositivePrice', i);
  }
  endPhase('prices');

  // 6: outliers among the lines still kept.
  let outlierThreshold: number | null = null;
  if (rule !== null) {
    const field = rule.field ?? 'amount';
    const value = (i: number): number => (field === 'amount' ? amt[i]! : field === 'quantity' ? qty[i]! : (line[i]!.unitPrice ?? NaN));
    const cand: number[] = [];
    for (let i = 0; i < n; i++) if (alive[i] && value(i) > 0) cand.push(i);
    if (cand.length > 0) {
      const tf = rule.method === 'mad' && rule.log === true ? Math.log : (x: number): number => x;
      const vals = Float64Array.from(cand, (i) => tf(value(i))).sort();
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
  endPhase('outliers');

  const outRows: CleanTransaction[] = [];
  const keptIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!alive[i]) continue;
    const r = line[i]!;
    let row: CleanTransaction = r;
    if (missing[i] || repaired.has(i)) row = { ...r, quantity: qty[i]!, amount: amt[i]! };
    outRows.push(row);
    keptIdx.push(i);
  }
  endPhase('output');
  const reasons = {} as Record<CleanReason, CleanReasonReport>;
  for (const key of Object.keys(lists) as CleanReason[]) {
    const idx = Int32Array.from(lists[key]).sort();
    reasons[key] = { count: idx.length, indexes: idx, action: actions[key] };
  }
  return {
    rows: outRows,
    keptIndexes: Int32Array.from(keptIdx),
    report: {
      total: n,
      kept: outRows.length,
      reasons,
      invalid,
      matches,
      repaired: Int32Array.from([...repaired]).sort(),
      outlierThreshold,
      outlierRule: rule,
    },
  };
}
