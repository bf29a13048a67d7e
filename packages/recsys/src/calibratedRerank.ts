import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { checkK } from './recommender';
import type { Recommendation } from './recommender';
import { greedySelect, minMaxRelevance, pickRecommendations, readCandidates, readItemList, requireMapOption, requireUnitOption } from './rerankInput';

/** Options of {@link calibratedRerank}. */
export interface CalibratedRerankOptions {
  /** Length of the re-ranked list (an integer ≥ 1). Default 10. */
  readonly k: number;
  /** Weight of calibration against relevance, in [0, 1]: 0 keeps the relevance order. Default 0.5. */
  readonly lambda: number;
  /** Smoothing q̃ = (1 − α)·q + α·p that keeps the divergence finite, in (0, 1]. Default 0.01 (Steck 2018). */
  readonly alpha: number;
  /** The categories (genres) of every candidate and history item; an item's mass is split evenly over its categories. Required. */
  readonly itemCategories: ReadonlyMap<Id, readonly Id[] | ReadonlySet<Id>> | null;
  /** The user's past items, whose category mix the list should mirror (a repeated item counts each time). Default `[]`: no target, relevance order. */
  readonly history: readonly Id[];
}

const DEFAULTS: CalibratedRerankOptions = Object.freeze({ k: 10, lambda: 0.5, alpha: 0.01, itemCategories: null, history: [] });

/**
 * Calibrated recommendations (Steck 2018, RecSys): re-ranks a model's
 * candidates so the list's category mix matches the user's history. With
 * p(g|i) = 1/|G(i)| over item i's categories, the target is
 * p(g|u) = mean of p(g|i) over the history and the list's mix is
 * q(g|u) = mean of p(g|i) over the list (equal rank weights). The list I is
 * built greedily, as in Steck's paper, each step adding the candidate that maximises
 * `(1 − λ) · Σ_{i∈I} rel(i) − λ · C_KL(p, q̃(I))`,
 * `C_KL = Σ_g p(g|u) · ln(p(g|u) / q̃(g|u))`, q̃ = (1 − α)·q + α·p, α = 0.01.
 * `rel` is the score min-max normalised over the candidates (Steck sums the
 * model's scores; normalising makes λ independent of the model's scale).
 * `miscalibration` in `@marksman/metrics` measures C_KL of finished lists.
 * Ties go to the earlier candidate; returned items keep their candidate
 * score. The input is not changed.
 *
 * Costs O(k · n · G) for n candidates and G categories in the history, plus
 * O(|history|).
 *
 * @param candidates - a model's candidates, best first
 * @param options - `itemCategories` (required), `history` (default `[]`), `k` (default 10),
 *   `lambda` (default 0.5), `alpha` (default 0.01)
 * @returns at most k of the candidates, in the new order
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`,
 *   `E_DUPLICATE` (bad candidates, with the row), `E_UNKNOWN_ITEM` (an item with no entry in
 *   itemCategories), `E_EMPTY` (an item with no category), `E_ID_TYPE` (a bad history id or
 *   category); `OptionsError` `E_K`, `E_OPTION_RANGE` (lambda, alpha), `E_OPTION_MISSING`
 *   (no itemCategories), `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { calibratedRerank } from '@marksman/recsys';
 * const genre = new Map([['a1', ['Action']], ['a2', ['Action']], ['a3', ['Action']], ['d1', ['Drama']], ['d2', ['Drama']]]);
 * const history = ['a1', 'a2', 'a3', 'd1']; // 3/4 Action, 1/4 Drama
 * const candidates = [{ itemId: 'a2', score: 1.0 }, { itemId: 'a3', score: 0.9 }, { itemId: 'd2', score: 0.5 }];
 * calibratedRerank(candidates, { k: 2, itemCategories: genre, history, lambda: 0 }).map((r) => r.itemId); // => ['a2', 'a3']
 * calibratedRerank(candidates, { k: 2, itemCategories: genre, history, lambda: 0.5 }).map((r) => r.itemId); // => ['a2', 'd2']
 * ```
 */
export function calibratedRerank(candidates: readonly Recommendation[], options?: Partial<CalibratedRerankOptions>): Recommendation[] {
  const source = 'calibratedRerank';
  const { k, lambda, alpha, itemCategories, history } = resolveOptions(source, DEFAULTS, options);
  checkK(source, k);
  requireUnitOption(source, 'lambda', lambda);
  requireUnitOption(source, 'alpha', alpha, 0, 1, true);
  if (itemCategories === null) {
    throw new OptionsError('E_OPTION_MISSING', `${source}: give itemCategories, a Map from item id to its categories (genres).`, { source, field: 'itemCategories' });
  }
  requireMapOption(source, 'itemCategories', itemCategories, 'a list or Set of categories');
  const hist = readItemList(source, 'history', history);
  const c = readCandidates(source, candidates);
  const categoriesOf = categoryReader(source, itemCategories);

  // The target p over the G categories the history touches; other categories do not enter C_KL.
  const slot = new Map<Id, number>();
  const pList: number[] = [];
  for (const id of hist) {
    const cats = categoriesOf(id, 'history');
    for (const g of cats) {
      let s = slot.get(g);
      if (s === undefined) {
        s = pList.length;
        slot.set(g, s);
        pList.push(0);
      }
      pList[s]! += 1 / (cats.length * hist.length);
    }
  }
  const p = Float64Array.from(pList);
  const G = p.length;
  // Each candidate's mass on those G categories, as (slot, mass) pairs.
  const n = c.ids.length;
  const massSlots: Int32Array[] = new Array<Int32Array>(n);
  const massValues: Float64Array[] = new Array<Float64Array>(n);
  for (let i = 0; i < n; i++) {
    const cats = categoriesOf(c.ids[i]!, 'candidates');
    const slots: number[] = [];
    for (const g of cats) {
      const s = slot.get(g);
      if (s !== undefined) slots.push(s);
    }
    massSlots[i] = Int32Array.from(slots);
    massValues[i] = new Float64Array(slots.length).fill(1 / cats.length);
  }
  const rel = minMaxRelevance(c.scores);
  const qSum = new Float64Array(G); // Σ over chosen items of p(g|i)
  const trial = new Float64Array(G);
  const divergence = (i: number, size: number): number => {
    if (G === 0) return 0;
    trial.set(qSum);
    const ms = massSlots[i]!;
    const mv = massValues[i]!;
    for (let t = 0; t < ms.length; t++) trial[ms[t]!]! += mv[t]!;
    let kl = 0;
    for (let g = 0; g < G; g++) {
      const pg = p[g]!;
      kl += pg * Math.log(pg / ((1 - alpha) * (trial[g]! / size) + alpha * pg));
    }
    return kl;
  };
  const order = greedySelect(
    n,
    Math.min(k, n),
    (i, round) => (1 - lambda) * rel[i]! - lambda * divergence(i, round + 1),
    (j) => {
      const ms = massSlots[j]!;
      const mv = massValues[j]!;
      for (let t = 0; t < ms.length; t++) qSum[ms[t]!]! += mv[t]!;
    },
  );
  return pickRecommendations(c, order);
}

/** Validated, deduplicated categories of an item, cached per call. */
function categoryReader(source: string, itemCategories: ReadonlyMap<Id, readonly Id[] | ReadonlySet<Id>>): (id: Id, field: string) => readonly Id[] {
  const cache = new Map<Id, readonly Id[]>();
  return (id, field) => {
    let cats = cache.get(id);
    if (cats !== undefined) return cats;
    const raw = itemCategories.get(id) as unknown;
    if (raw === undefined) {
      throw new ValidationError('E_UNKNOWN_ITEM', `${source}: item ${JSON.stringify(id)} (in ${field}) has no entry in itemCategories.`, { source, field: 'itemCategories' });
    }
    let list: unknown[];
    if (raw instanceof Set) list = [...(raw as ReadonlySet<unknown>)];
    else if (Array.isArray(raw)) list = raw as unknown[];
    else throw new ValidationError('E_SHAPE', `${source}: the categories of item ${JSON.stringify(id)} must be a list or a Set.`, { source, field: 'itemCategories' });
    const set = new Set<Id>();
    for (let r = 0; r < list.length; r++) {
      const g = list[r];
      if (!((typeof g === 'string' && g.length > 0) || (typeof g === 'number' && Number.isFinite(g)))) {
        throw new ValidationError('E_ID_TYPE', `${source}: category ${JSON.stringify(g)} of item ${JSON.stringify(id)} must be a non-empty string or a finite number.`, { source, field: 'itemCategories', row: r });
      }
      set.add(g);
    }
    if (set.size === 0) {
      throw new ValidationError('E_EMPTY', `${source}: item ${JSON.stringify(id)} has no category; give every item at least one.`, { source, field: 'itemCategories' });
    }
    cats = [...set];
    cache.set(id, cats);
    return cats;
  };
}
