import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { readFeatureColumns, readIds } from './tree/profiles-input';
import type { ProfilesInput } from './tree/profiles-input';
import { checkName, describeValue } from './checks';

/**
 * One customer's recency, frequency and monetary value: what
 * `rfm()` from `@marksman/profiling` returns per row (a Table with these
 * columns is accepted as is).
 */
export interface RfmRecord {
  /** The customer. */
  readonly customerId: Id;
  /** Time since the last purchase (smaller is better), e.g. days. */
  readonly recency: number;
  /** Number of purchases (orders). */
  readonly frequency: number;
  /** Money spent. */
  readonly monetary: number;
}

/** A customer's RFM scores, each in 1…bins (higher is better). */
export interface RfmScore extends RfmRecord {
  /** Recency score: `bins` for the most recent customers, 1 for the longest lapsed. */
  readonly r: number;
  /** Frequency score: `bins` for the most frequent buyers. */
  readonly f: number;
  /** Monetary score: `bins` for the biggest spenders. */
  readonly m: number;
  /** Number of bins the scores were computed with. */
  readonly bins: number;
}

/** How {@link rfmScores} ranks tied values: see there. */
export type RfmTies = 'average' | 'first';

/** Options of {@link rfmScores}. */
export interface RfmScoresOptions {
  /** Number of score levels (default 5: quintiles). */
  readonly bins?: number;
  /** Name of the id field or column (default `'customerId'`). */
  readonly idField?: string;
  /**
   * Tie handling: `'average'` (default: tied values share their mid-rank, so
   * equal values always get equal scores) or `'first'` (ties broken by input
   * order, as pandas `rank(method='first')`: bins stay equally full, but equal
   * values can get different scores).
   */
  readonly ties?: RfmTies;
}

const DEFAULTS: Readonly<Required<RfmScoresOptions>> = Object.freeze({ bins: 5, idField: 'customerId', ties: 'average' });

/**
 * 1-based ranks of `x` in increasing order: tied values share the average of
 * their ranks (`'average'`, as `scipy.stats.rankdata`) or are ranked in input
 * order (`'first'`). @internal
 */
export function rankValues(x: Float64Array, ties: RfmTies): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    if (ties === 'average') while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) out[idx[t]!] = r;
    i = j + 1;
  }
  return out;
}

/**
 * RFM quantile scores: recency, frequency and monetary value each scored 1…`bins`
 * (quintiles by default), higher meaning better — so the most **recent**
 * customers get R = bins.
 *
 * How, exactly: each measure is ranked 1…n (recency in descending order, so
 * the smallest recency ranks highest); with `ties: 'average'` (default) tied
 * values share their mid-rank, with `ties: 'first'` ties are broken by input
 * order. A customer with rank r gets score `max(1, ⌈bins · (r − 1) / (n − 1)⌉)`
 * — the bin of r among the equal-frequency cut points 1 + (n − 1)·k / bins,
 * which is what pandas `qcut(x.rank(method=…), bins)` does (tested against
 * pandas for `'first'`); a single customer sits in the middle bin.
 * Without ties each bin holds ⌊n/bins⌋ or ⌈n/bins⌉ customers. With
 * `'average'`, equal values always get equal scores and a large tie group
 * lands in the bin of its middle: when 60% of customers bought once, they
 * all get F = 2 (mid-rank 0.3·n) and no one gets F = 1.
 * Costs O(n log n).
 *
 * @param rfmTable - records `{ customerId, recency, frequency, monetary }` or
 *   the Table returned by `rfm()` from `@marksman/profiling`, or an Apache Arrow table of them
 * @param options - `bins` (default 5), `ties` (default `'average'`), `idField`
 * @returns one {@link RfmScore} per customer, in input order
 * @throws `ValidationError` `E_EMPTY`, `E_PROFILES_TYPE`, `E_FEATURE_MISSING`,
 *   `E_NOT_FINITE`, `E_ID_TYPE`, `E_DUPLICATE_ID`, `E_ARROW_TYPE` (an Arrow column that is not numeric); `OptionsError`
 *   `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { rfmScores } from '@marksman/segmentation';
 * const s = rfmScores([
 *   { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
 *   { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
 *   { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
 *   { customerId: 'd', recency: 300, frequency: 2, monetary: 50 },
 *   { customerId: 'e', recency: 90, frequency: 4, monetary: 200 },
 * ]);
 * s.map((x) => `${x.r}${x.f}${x.m}`); // => ['555', '311', '413', '132', '244']
 * ```
 */
export function rfmScores(rfmTable: ProfilesInput, options?: RfmScoresOptions): RfmScore[] {
  const source = 'rfmScores';
  const o = resolveOptions(source, DEFAULTS, options);
  if (typeof o.bins !== 'number' || !Number.isInteger(o.bins) || o.bins < 2 || o.bins > 100) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: bins must be an integer from 2 to 100, got ${describeValue(o.bins)}.`, { source, field: 'bins' });
  }
  checkName(source, 'idField', o.idField);
  const { columns, n } = readFeatureColumns(source, rfmTable, ['recency', 'frequency', 'monetary'], 'rfmTable');
  const ids = readIds(source, rfmTable, o.idField, 'rfmTable');
  if (o.ties !== 'average' && o.ties !== 'first') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ties must be 'average' or 'first', got ${describeValue(o.ties)}.`, { source, field: 'ties' });
  }
  const negRecency = columns[0]!.map((v) => -v);
  const scores = [negRecency, columns[1]!, columns[2]!].map((col) => {
    const r = rankValues(col, o.ties);
    const s = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const position = n === 1 ? 0.5 : (r[i]! - 1) / (n - 1); // 0 … 1
      s[i] = Math.min(o.bins, Math.max(1, Math.ceil(o.bins * position - 1e-9)));
    }
    return s;
  });
  const out: RfmScore[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      customerId: ids[i]!,
      recency: columns[0]![i]!,
      frequency: columns[1]![i]!,
      monetary: columns[2]![i]!,
      r: scores[0]![i]!,
      f: scores[1]![i]!,
      m: scores[2]![i]!,
      bins: o.bins,
    });
  }
  return out;
}
