// Internal: the validated top-k prefix of one user's recommended list, shared
// by the beyond-accuracy metrics (exposure, diversity, long tail, calibration).
import { ValidationError } from '@marksman/core';
import { requireId } from './validation';
import type { Id } from './validation';

/**
 * The first min(k, length) ids of `list`, each checked to be an id, with no
 * item twice (a ranked list holds each item once; a repeat would count one
 * item's exposure or similarity twice). `user` names the list in messages.
 */
export function topItems(source: string, list: ArrayLike<unknown>, k: number, user: Id): Id[] {
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') {
    throw new ValidationError('E_SHAPE', `${source}: the list of user ${JSON.stringify(user)} must be an array of item ids.`, { source, field: 'recommended' });
  }
  const m = Math.min(k, list.length);
  const out: Id[] = new Array<Id>(m);
  const seen = new Set<Id>();
  for (let j = 0; j < m; j++) {
    const id = list[j];
    requireId(source, 'recommended', id, j);
    if (seen.has(id)) {
      throw new ValidationError('E_DUPLICATE', `${source}: item ${JSON.stringify(id)} appears twice in the list of user ${JSON.stringify(user)} (position ${j}); a ranked list holds each item once.`, { source, field: 'recommended', row: j });
    }
    seen.add(id);
    out[j] = id;
  }
  return out;
}
