// The re-ranking hook of evaluateRanking: its type, and the check of what it returns.
import { ValidationError } from '@marksman/core';
import type { Id } from '@marksman/core';
import type { Recommendation } from './recommender';

/**
 * Re-ranks one user's candidates for {@link evaluateRanking}: receives the
 * user and the model's top candidates (best first) and returns the list to
 * evaluate, best first (its first k count), e.g.
 * `(userId, candidates) => mmrRerank(candidates, { k: 10, similarity })`.
 */
export type RerankHook = (userId: Id, candidates: readonly Recommendation[]) => readonly Recommendation[];

function isId(v: unknown): v is Id {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/** Runs the hook for one user and returns the first k item ids of its list, checked. Internal. */
export function runRerankHook(source: string, hook: RerankHook, userId: Id, candidates: readonly Recommendation[], k: number): Id[] {
  const out = hook(userId, candidates) as unknown;
  if (!Array.isArray(out)) {
    throw new ValidationError('E_RERANK', `${source}: rerank returned ${out === null ? 'null' : typeof out} for user ${JSON.stringify(userId)}; it must return an array of { itemId, score }.`, { source, field: 'rerank' });
  }
  const m = Math.min(k, out.length);
  const ids: Id[] = new Array<Id>(m);
  const seen = new Set<Id>();
  for (let j = 0; j < m; j++) {
    const r = out[j] as { itemId?: unknown } | null;
    const id = r !== null && typeof r === 'object' ? r.itemId : undefined;
    if (!isId(id)) {
      throw new ValidationError('E_RERANK', `${source}: rerank returned ${JSON.stringify(r)} at position ${j} for user ${JSON.stringify(userId)}; each entry must be an { itemId, score } with a valid item id.`, { source, field: 'rerank', row: j });
    }
    if (seen.has(id)) {
      throw new ValidationError('E_RERANK', `${source}: rerank returned item ${JSON.stringify(id)} twice for user ${JSON.stringify(userId)} (position ${j}); a list holds each item once.`, { source, field: 'rerank', row: j });
    }
    seen.add(id);
    ids[j] = id;
  }
  return ids;
}
