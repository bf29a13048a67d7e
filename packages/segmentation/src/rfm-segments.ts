import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { arrowCheckedRecords, isArrowTable } from '@marksman/core/internal';
import type { RfmScore } from './rfm-scores';
import { describeValue, isId } from './checks';

/** An inclusive range of scores `[lowest, highest]`. */
export type ScoreRange = readonly [number, number];

/**
 * One row of an RFM segment table: customers whose scores fall in every
 * given range (inclusive) belong to `name`. Rules are tried in order; the
 * first that matches wins.
 */
export interface RfmSegmentRule {
  /** Segment name, e.g. `'Champions'`. */
  readonly name: string;
  /** Range of the recency score R. */
  readonly recency: ScoreRange;
  /** Range of the frequency score F. */
  readonly frequency: ScoreRange;
  /** Range of the monetary score M (omitted: any). */
  readonly monetary?: ScoreRange;
}

/** A customer's scores with the segment they fall in. */
export interface RfmSegmentAssignment extends RfmScore {
  /** Name of the first rule that matches the customer's scores. */
  readonly segment: string;
}

function range(lo: number, hi: number): ScoreRange {
  return Object.freeze([lo, hi] as const);
}

/**
 * The standard named RFM segments as a table on the 5 × 5 grid of recency
 * (R) and frequency (F) quintile scores, covering every cell exactly once.
 *
 * Source: the eleven segments of Putler's "RFM Analysis For Successful
 * Customer Segmentation" (Champions … Lost), in the R × F grid form that
 * RFM tutorials and notebooks widely use (R 5 & F 4–5 Champions; R 3–4 &
 * F 4–5 Loyal; R 4–5 & F 2–3 Potential loyalist; R 5 & F 1 New customers;
 * R 4 & F 1 Promising; R 3 & F 3 Need attention; R 3 & F 1–2 About to sleep;
 * R 1–2 & F 3–4 At risk; R 1–2 & F 5 Can't lose them; R 1–2 & F 1–2
 * Hibernating). That grid has no "Lost"; here its Hibernating block is split
 * by recency: R 2 → Hibernating, R 1 → Lost. The monetary score is not used
 * (it is usually strongly correlated with F); add `monetary` ranges in your
 * own table to use it.
 *
 * Read it, copy it, change the cut points, and pass your table to
 * {@link rfmSegments}.
 *
 * @example
 * ```ts
 * import { DEFAULT_RFM_SEGMENTS } from '@marksman/segmentation';
 * DEFAULT_RFM_SEGMENTS.length; // => 11
 * DEFAULT_RFM_SEGMENTS[0]; // => { name: 'Champions', recency: [5, 5], frequency: [4, 5] }
 * ```
 */
export const DEFAULT_RFM_SEGMENTS: readonly RfmSegmentRule[] = Object.freeze([
  Object.freeze({ name: 'Champions', recency: range(5, 5), frequency: range(4, 5) }),
  Object.freeze({ name: 'Loyal', recency: range(3, 4), frequency: range(4, 5) }),
  Object.freeze({ name: 'Potential loyalist', recency: range(4, 5), frequency: range(2, 3) }),
  Object.freeze({ name: 'New customers', recency: range(5, 5), frequency: range(1, 1) }),
  Object.freeze({ name: 'Promising', recency: range(4, 4), frequency: range(1, 1) }),
  Object.freeze({ name: 'Need attention', recency: range(3, 3), frequency: range(3, 3) }),
  Object.freeze({ name: 'About to sleep', recency: range(3, 3), frequency: range(1, 2) }),
  Object.freeze({ name: 'At risk', recency: range(1, 2), frequency: range(3, 4) }),
  Object.freeze({ name: "Can't lose them", recency: range(1, 2), frequency: range(5, 5) }),
  Object.freeze({ name: 'Hibernating', recency: range(2, 2), frequency: range(1, 2) }),
  Object.freeze({ name: 'Lost', recency: range(1, 1), frequency: range(1, 2) }),
]);

function checkRange(source: string, i: number, key: string, r: unknown): void {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || (r[0] as number) > (r[1] as number)) {
    const shown = Array.isArray(r) ? `[${r.map(describeValue).join(', ')}]` : describeValue(r);
    throw new OptionsError('E_RFM_RULES', `${source}: rule ${i} has ${key} = ${shown}; give an inclusive range [lowest, highest] of scores.`, { source, field: `rules[${i}].${key}` });
  }
}

/** The column types of an Arrow table of scores (records of rfmScores). */
const ARROW_SPEC = Object.freeze({ customerId: 'id', recency: 'number', frequency: 'number', monetary: 'number', r: 'number', f: 'number', m: 'number', bins: 'number' } as const);

function inRange(v: number, r: ScoreRange): boolean {
  return v >= r[0] && v <= r[1];
}

/**
 * Names each customer's segment from their RFM scores with a rule table:
 * {@link DEFAULT_RFM_SEGMENTS} (for 5 bins) or your own. Rules are tried in
 * order and the first match wins, so every customer gets exactly one
 * segment; a customer no rule matches is an error (add a catch-all rule
 * such as `{ name: 'Other', recency: [1, 5], frequency: [1, 5] }`).
 * Costs O(n · rules).
 *
 * @param scores - the output of {@link rfmScores}, or an Apache Arrow table of those rows
 *   (`customerId` text, dictionary-encoded text or integers; `r`, `f`, `m`, `bins` and the
 *   recency, frequency and monetary values numeric; other columns are carried into the result)
 * @param rules - the segment table (default {@link DEFAULT_RFM_SEGMENTS})
 * @returns each customer's scores with `segment`, in input order
 * @throws `ValidationError` `E_RFM_UNMATCHED` when a customer matches
 *   no rule, `E_RFM_BINS` when the default table is used with scores that
 *   were not computed with 5 bins, `E_RFM_SCORES` for malformed scores (an Arrow null too, with
 *   its row), `E_ARROW_TYPE` for an Arrow column of the wrong type (naming it);
 *   `OptionsError` `E_RFM_RULES` for a malformed table
 * @example
 * ```ts
 * import { rfmScores, rfmSegments } from '@marksman/segmentation';
 * const scores = rfmScores([
 *   { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
 *   { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
 *   { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
 *   { customerId: 'd', recency: 300, frequency: 2, monetary: 50 },
 *   { customerId: 'e', recency: 90, frequency: 4, monetary: 200 },
 * ]);
 * rfmSegments(scores).map((s) => s.segment); // => ['Champions', 'About to sleep', 'Promising', 'At risk', 'At risk']
 * const mine = [{ name: 'Recent', recency: [4, 5], frequency: [1, 5] }, { name: 'Lapsed', recency: [1, 3], frequency: [1, 5] }] as const;
 * rfmSegments(scores, mine).map((s) => s.segment); // => ['Recent', 'Lapsed', 'Recent', 'Lapsed', 'Lapsed']
 * ```
 */
export function rfmSegments(scores: readonly RfmScore[] | ArrowLikeTable, rules: readonly RfmSegmentRule[] = DEFAULT_RFM_SEGMENTS): RfmSegmentAssignment[] {
  const source = 'rfmSegments';
  const scoreRows = isArrowTable(scores) ? (arrowCheckedRecords(source, scores, ARROW_SPEC) as unknown as readonly RfmScore[]) : scores;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new OptionsError('E_RFM_RULES', `${source}: rules must be a non-empty array of { name, recency: [lo, hi], frequency: [lo, hi] }.`, { source, field: 'rules' });
  }
  rules.forEach((rule: RfmSegmentRule, i) => {
    if (rule === null || typeof rule !== 'object' || typeof rule.name !== 'string' || rule.name === '') {
      throw new OptionsError('E_RFM_RULES', `${source}: rule ${i} needs a non-empty name.`, { source, field: `rules[${i}].name` });
    }
    checkRange(source, i, 'recency', rule.recency);
    checkRange(source, i, 'frequency', rule.frequency);
    if (rule.monetary !== undefined) checkRange(source, i, 'monetary', rule.monetary);
  });
  if (!Array.isArray(scoreRows)) throw new ValidationError('E_RFM_SCORES', `${source}: scores must be the array returned by rfmScores.`, { source, field: 'scores' });
  const out: RfmSegmentAssignment[] = [];
  for (let i = 0; i < scoreRows.length; i++) {
    const s = scoreRows[i] as RfmScore | null | undefined;
    if (s === null || typeof s !== 'object' || ![s.r, s.f, s.m].every((v) => Number.isInteger(v)) || !isId(s.customerId)) {
      throw new ValidationError('E_RFM_SCORES', `${source}: scores row ${i} has no customerId and integer r, f and m; pass the output of rfmScores.`, { source, row: i, field: 'scores' });
    }
    if (rules === DEFAULT_RFM_SEGMENTS && s.bins !== 5) {
      throw new ValidationError('E_RFM_BINS', `${source}: the default segment table is defined on 5 score levels but row ${i} was scored with bins = ${String(s.bins)}; use bins: 5 or pass your own rules.`, { source, row: i, field: 'bins' });
    }
    const rule = rules.find((r) => inRange(s.r, r.recency) && inRange(s.f, r.frequency) && (r.monetary === undefined || inRange(s.m, r.monetary)));
    if (rule === undefined) {
      throw new ValidationError('E_RFM_UNMATCHED', `${source}: customer ${describeValue(s.customerId)} (row ${i}, R ${s.r}, F ${s.f}, M ${s.m}) matches no rule; add a rule (or a catch-all last rule) that covers these scores.`, { source, row: i, field: 'scores' });
    }
    out.push({ ...s, segment: rule.name });
  }
  return out;
}
