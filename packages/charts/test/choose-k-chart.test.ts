import { describe, expect, it } from 'vitest';
import { chooseK } from '@marksman/segmentation';
import { chooseKChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const points = [
  [0, 0], [0, 1], [1, 0], [1, 1],
  [10, 10], [10, 11], [11, 10], [11, 11],
  [20, 0], [20, 1], [21, 0], [21, 1],
];

describe('chooseKChart', () => {
  it('has one row per k and computed score, with the values of the table, and marks the recommended k', async () => {
    const result = deepFreeze(chooseK(points, { kRange: [1, 6], seed: 3 }));
    const spec = chooseKChart(result);
    const rows = spec.datasets.scores!;
    for (const row of result.table) {
      expect(rows.find((r) => r.k === row.k && r.score === 'inertia')!.value).toBe(row.inertia);
      for (const key of ['silhouette', 'calinskiHarabasz', 'daviesBouldin'] as const) {
        const found = rows.find((r) => r.k === row.k && r.score === key);
        if (row[key] === null) expect(found).toBeUndefined(); // k = 1 has no quality scores
        else expect(found!.value).toBe(row[key]);
      }
    }
    expect(rows.filter((r) => r.recommended).map((r) => r.k)).toEqual(Array(4).fill(result.recommendedK));
    expect(spec.description).toBe(result.reason);
    expect((spec.vconcat as unknown[]).length).toBe(4);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([`Choosing k: k = ${result.recommendedK} recommended`, 'Silhouette (higher is better)', 'Davies-Bouldin (lower is better)']));
  });

  it('shows only the scores that were computed', () => {
    const spec = chooseKChart(chooseK(points, { kRange: [2, 4], seed: 3, metrics: [] }));
    expect(new Set(spec.datasets.scores!.map((r) => r.score))).toEqual(new Set(['inertia']));
    expect((spec.vconcat as unknown[]).length).toBe(1);
  });

  it('refuses what is not a chooseK result', () => {
    expect(() => chooseKChart({ table: [], recommendedK: 2 } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => chooseKChart({ table: [{ k: 2, inertia: 'x' }], recommendedK: 2 } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 0 }));
    expect(() => chooseKChart({ table: [{ k: 2, inertia: 1 }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'result.recommendedK' }));
  });

  it('carries the reason as the description; a reason that is not text is refused, a missing one leaves it empty', () => {
    const result = chooseK(points, { kRange: [2, 3], seed: 1, metrics: ['silhouette'] });
    expect(chooseKChart(result).description).toBe(result.reason);
    expect(chooseKChart({ ...result, reason: undefined } as never).description).toBe('');
    for (const reason of [42, {}, ['k = 3']]) {
      expect(() => chooseKChart({ ...result, reason } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'result.reason' }));
    }
  });
});
