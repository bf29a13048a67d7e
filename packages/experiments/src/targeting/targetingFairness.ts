// Internal builder of targetAudience's fairness report: the existing fairness
// metrics of @marksman/metrics (fairnessByGroup, demographic parity) run on the
// targeting decision, plus outcome rates per group from the randomised
// evaluation rows.
import { demographicParityDifference, demographicParityRatio, fairnessByGroup, wilsonInterval } from '@marksman/metrics';
import type { KpiEstimate } from '@marksman/metrics';
import { newcombeDifference } from '../internal/newcombe';
import type { TargetingInterval } from './targetingInput';

/** What the randomised evaluation rows say about one group under the targeting rule. */
export interface TargetingGroupOutcomes {
  /** Evaluation rows of the group. */
  readonly rows: number;
  /** Of them, rows the rule would contact (score at or above the audience's cut-off). */
  readonly selected: number;
  /** Treated rows among the selected ones. */
  readonly selectedTreated: number;
  /** Control rows among the selected ones. */
  readonly selectedControl: number;
  /** Conversion rate of the selected treated rows; `null` without any. */
  readonly treatedRate: number | null;
  /** Conversion rate of the selected control rows; `null` without any. */
  readonly controlRate: number | null;
  /**
   * Observed uplift among the selected rows (treatedRate − controlRate) with its
   * Newcombe interval: what contacting this group's targeted customers changes;
   * `null` unless both arms have selected rows.
   */
  readonly uplift: TargetingInterval | null;
  /**
   * Among the group's treated evaluation rows that converted, the share the rule would
   * contact (true-positive rate, the quantity behind equal opportunity); `null` without any.
   */
  readonly truePositiveRate: number | null;
}

/** One group of the protected attribute in a targeting decision. */
export interface TargetingGroup {
  /** The group label. */
  readonly group: string | number;
  /** Customers in the group. */
  readonly customers: number;
  /** Customers of the group in the audience. */
  readonly selected: number;
  /** Share of the group in the audience, with its Wilson interval. */
  readonly selectionRate: KpiEstimate;
  /** Outcome rates from the evaluation rows; `null` without an evaluation set. */
  readonly outcomes: TargetingGroupOutcomes | null;
}

/** Fairness of a {@link TargetAudience} decision across the groups of a protected attribute. */
export interface TargetingFairness {
  /** The attribute (field of the records) the groups come from. */
  readonly attribute: string;
  /** One entry per group, groups sorted (numbers ascending, then strings). */
  readonly groups: readonly TargetingGroup[];
  /** Largest minus smallest selection rate (demographic parity difference; 0 is parity). */
  readonly parityDifference: number;
  /**
   * Disparate impact: smallest ÷ largest selection rate (the "four-fifths rule" flags values
   * below 0.8); `null` when nobody is selected.
   */
  readonly disparateImpact: number | null;
  /** Largest minus smallest true-positive rate over groups that have one; `null` without an evaluation set or with fewer than two such groups. */
  readonly equalOpportunityDifference: number | null;
}

/** The evaluation rows as targetAudience holds them once checked. */
export interface EvaluationColumns {
  readonly groups: readonly (string | number)[];
  readonly selected: Uint8Array;
  readonly treatment: Uint8Array;
  readonly outcome: Uint8Array;
}

function keyOf(g: string | number): string {
  return `${typeof g}:${String(g)}`;
}

/** Builds the report; `selected[i]` is 1 for customers in the audience. */
export function buildTargetingFairness(
  attribute: string,
  customerGroups: readonly (string | number)[],
  selected: Uint8Array,
  evaluation: EvaluationColumns | null,
  confidence: number,
): TargetingFairness {
  const rates = fairnessByGroup(selected, customerGroups);
  const anySelected = selected.some((v) => v === 1);
  const byGroup = new Map<string, { rows: number; sel: number; st: number; sc: number; xt: number; xc: number }>();
  let tprByGroup: Map<string, number> | null = null;
  if (evaluation !== null) {
    const { groups, selected: es, treatment, outcome } = evaluation;
    for (let i = 0; i < groups.length; i++) {
      const k = keyOf(groups[i] as string | number);
      let s = byGroup.get(k);
      if (s === undefined) byGroup.set(k, (s = { rows: 0, sel: 0, st: 0, sc: 0, xt: 0, xc: 0 }));
      s.rows++;
      if (es[i] === 1) {
        s.sel++;
        if (treatment[i] === 1) {
          s.st++;
          s.xt += outcome[i] as number;
        } else {
          s.sc++;
          s.xc += outcome[i] as number;
        }
      }
    }
    // Equal opportunity on the treated rows: decision vs "converted when contacted".
    const idx: number[] = [];
    for (let i = 0; i < groups.length; i++) if (treatment[i] === 1) idx.push(i);
    tprByGroup = new Map();
    if (idx.length > 0) {
      const r = fairnessByGroup(
        idx.map((i) => es[i] as number),
        idx.map((i) => groups[i] as string | number),
        idx.map((i) => outcome[i] as number),
      );
      r.groups.forEach((g, j) => {
        const t = r.truePositiveRate[j] as number;
        if (!Number.isNaN(t)) (tprByGroup as Map<string, number>).set(keyOf(g), t);
      });
    }
  }
  const groups: TargetingGroup[] = rates.groups.map((g, j) => {
    const customers = rates.count[j] as number;
    const sel = Math.round((rates.selectionRate[j] as number) * customers);
    let outcomes: TargetingGroupOutcomes | null = null;
    if (evaluation !== null) {
      const s = byGroup.get(keyOf(g)) ?? { rows: 0, sel: 0, st: 0, sc: 0, xt: 0, xc: 0 };
      const tpr = (tprByGroup as Map<string, number>).get(keyOf(g));
      outcomes = {
        rows: s.rows,
        selected: s.sel,
        selectedTreated: s.st,
        selectedControl: s.sc,
        treatedRate: s.st > 0 ? s.xt / s.st : null,
        controlRate: s.sc > 0 ? s.xc / s.sc : null,
        uplift: s.st > 0 && s.sc > 0 ? newcombeDifference(s.xt, s.st, s.xc, s.sc, confidence) : null,
        truePositiveRate: tpr === undefined ? null : tpr,
      };
    }
    return { group: g, customers, selected: sel, selectionRate: wilsonInterval(sel, customers, { confidence }), outcomes };
  });
  let equalOpportunity: number | null = null;
  if (tprByGroup !== null && tprByGroup.size >= 2) {
    const t = [...tprByGroup.values()];
    equalOpportunity = Math.max(...t) - Math.min(...t);
  }
  return {
    attribute,
    groups,
    parityDifference: demographicParityDifference(selected, customerGroups),
    disparateImpact: anySelected ? demographicParityRatio(selected, customerGroups) : null,
    equalOpportunityDifference: equalOpportunity,
  };
}
