import * as entry from '@marksman/metrics';
import { adjustedRandIndex, ndcgAtK, precisionAtK } from '@marksman/metrics';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  return {
    exports: Object.keys(entry).sort(),
    result: {
      precision: precisionAtK(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4),
      ndcg: ndcgAtK(['a', 'b', 'c'], ['b'], 3).toFixed(12),
      ari: adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]),
    },
    browser: null,
  };
}
expose(smoke);
