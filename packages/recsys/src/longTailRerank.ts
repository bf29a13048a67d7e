import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { checkK } from './recommender';
import type { Recommendation } from './recommender';
import { greedySelect, minMaxRelevance, pickRecommendations, readCandidates, readItemList, requireUnitOption } from './rerankInput';

/** Options of {@link longTailRerank}. */
export interface LongTailRerankOptions {
  /** Length of the re-ranked list (an integer ≥ 1). Default 10. */
  readonly k: number;
  /** Weight of the long-tail coverage term against relevance, in [0, 1]: 0 keeps the relevance order. Default 0.5. */
  readonly lambda: number;
  /** The long-tail items (e.g. `longTailItems(popularity)` from `@marksman/metrics`); every other item is in the short head. Required. */
  readonly longTail: ReadonlySet<Id> | null;
  /** The user's past items, to measure how much of the long tail they like; empty (the default) counts as half head, half tail. */
  readonly history: readonly Id[];
  /**
   * `'smooth'` (default): a group's coverage term falls with the share of
   * the chosen items already from that group. `'binary'`: it drops to 0 as
   * soon as one chosen item is from the group (original xQuAD).
   */
  readonly variant: 'smooth' | 'binary';
}

const DEFAULTS: LongTailRerankOptions = Object.freeze({ k: 10, lambda: 0.5, longTail: null, history: [], variant: 'smooth' });

/**
 * Popularity de-biasing by personalised long-tail re-ranking: the xQuAD
 * adaptation of Abdollahpouri, Burke & Mobasher (2019, FLAIRS, "Managing
 * popularity bias in recommender systems with personalized re-ranking"),
 * after Santos et al.'s xQuAD (2010). Items fall in two groups, the short
 * head H and the long tail T; the list is built greedily, each step adding
 * the candidate v (of group c) that maximises
 * `(1 − λ) · rel(v) + λ · P(c|u) · cover(c, S)`
 * where `rel` is the score min-max normalised over the candidates,
 * `P(c|u)` the share of the user's history in group c (½ each with no
 * history), and `cover(c, S)` is `1 − |S ∩ c| / |S|` (smooth; 1 while S is
 * empty) or 1 until S holds an item of c, then 0 (binary). A user whose
 * history is mostly niche gets more tail items; a blockbuster fan few.
 * Ties go to the earlier candidate; returned items keep their candidate
 * score. The input is not changed.
 *
 * Costs O(k · n) for n candidates, plus O(|history|).
 *
 * @param candidates - a model's candidates, best first
 * @param options - `longTail` (required), `history` (default `[]`), `k` (default 10), `lambda` (default 0.5),
 *   `variant` (default `'smooth'`)
 * @returns at most k of the candidates, in the new order
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`,
 *   `E_DUPLICATE` (bad candidates, with the row), `E_ID_TYPE` (a bad history id);
 *   `OptionsError` `E_K`, `E_OPTION_RANGE` (lambda), `E_OPTION_MISSING` (no longTail),
 *   `E_OPTION_TYPE` (longTail not a Set, history not a list), `E_OPTION_VALUE` (variant), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { longTailItems } from '@marksman/metrics';
 * import { longTailRerank } from '@marksman/recsys';
 * const popularity = new Map([['hit', 900], ['smash', 800], ['indie', 12], ['cult', 9], ['rare', 3], ['gem', 2], ['odd', 2], ['lost', 1], ['b-side', 1], ['demo', 1]]);
 * const longTail = longTailItems(popularity); // the short head is the top 20 %: hit and smash
 * const candidates = [{ itemId: 'hit', score: 2.0 }, { itemId: 'smash', score: 1.9 }, { itemId: 'indie', score: 1.0 }];
 * const history = ['hit', 'indie']; // half head, half tail
 * longTailRerank(candidates, { k: 2, longTail, history, lambda: 0 }).map((r) => r.itemId); // => ['hit', 'smash'] (relevance order)
 * longTailRerank(candidates, { k: 2, longTail, history, lambda: 0.8 }).map((r) => r.itemId); // => ['hit', 'indie']
 * ```
 */
export function longTailRerank(candidates: readonly Recommendation[], options?: Partial<LongTailRerankOptions>): Recommendation[] {
  const source = 'longTailRerank';
  const { k, lambda, longTail, history, variant } = resolveOptions(source, DEFAULTS, options);
  checkK(source, k);
  requireUnitOption(source, 'lambda', lambda);
  if (longTail === null) {
    throw new OptionsError('E_OPTION_MISSING', `${source}: give longTail, the Set of long-tail item ids (longTailItems(popularity) in @marksman/metrics builds it).`, { source, field: 'longTail' });
  }
  if (!(longTail instanceof Set)) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: longTail must be a Set of item ids.`, { source, field: 'longTail' });
  }
  if (variant !== 'smooth' && variant !== 'binary') {
    throw new OptionsError('E_OPTION_VALUE', `${source}: variant must be 'smooth' or 'binary', got ${JSON.stringify(variant)}.`, { source, field: 'variant' });
  }
  const hist = readItemList(source, 'history', history);
  const c = readCandidates(source, candidates);
  let tailInHistory = 0;
  for (const id of hist) if (longTail.has(id)) tailInHistory++;
  const pTail = hist.length === 0 ? 0.5 : tailInHistory / hist.length;
  const pGroup = [1 - pTail, pTail]; // [head, tail]
  const n = c.ids.length;
  const group = new Uint8Array(n);
  for (let i = 0; i < n; i++) group[i] = longTail.has(c.ids[i]!) ? 1 : 0;
  const rel = minMaxRelevance(c.scores);
  const chosenIn = [0, 0];
  const cover = (g: number, round: number): number => {
    if (round === 0) return 1;
    return variant === 'smooth' ? 1 - chosenIn[g]! / round : chosenIn[g] === 0 ? 1 : 0;
  };
  const order = greedySelect(
    n,
    Math.min(k, n),
    (i, round) => (1 - lambda) * rel[i]! + lambda * pGroup[group[i]!]! * cover(group[i]!, round),
    (j) => {
      chosenIn[group[j]!]!++;
    },
  );
  return pickRecommendations(c, order);
}
