import { describe, expect, it } from 'vitest';
import { describeClusters, kmeans } from '@marksman/segmentation';
import { clusterProfileChart } from '@marksman/charts';
import { checkSpec, deepFreeze, markCount, svgTexts } from './helpers';

const rows = [
  [5, 12, 900], [7, 10, 820], [3, 15, 1000],
  [200, 1, 40], [240, 2, 55], [180, 1, 30], [260, 1, 20],
  [60, 4, 200], [45, 5, 260],
];

describe('clusterProfileChart', () => {
  it('has one cell per cluster and feature with the centroid and z-score of describeClusters', async () => {
    const labels = kmeans(rows, 3, { seed: 1 }).labels;
    const d = deepFreeze(describeClusters(rows, labels, { featureNames: ['recency', 'orders', 'spend'] }));
    const spec = clusterProfileChart(d);
    const cells = spec.datasets.profiles!;
    expect(cells.length).toBe(3 * 3);
    for (const c of d.clusters) {
      d.features.forEach((f, j) => {
        const cell = cells.find((x) => x.cluster === c.label && x.feature === f)!;
        expect(cell.mean).toBe(c.centroid[j]);
        expect(cell.zScore).toBe(c.zScores[j]);
        expect(cell.size).toBe(c.size);
      });
    }
    // sizes add up to n
    expect(new Set(cells.map((c) => `${c.cluster}:${c.size}`)).size).toBe(3);
    const svg = await checkSpec(spec);
    expect(markCount(svg, 'rect')).toBe(1);
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['Cluster profiles', 'recency', 'orders', 'spend']));
    expect(texts.filter((t) => t.startsWith('Cluster ') && t.includes('·')).length).toBe(3);
  });

  it('refuses a profile whose centroid does not match the features', () => {
    const d = describeClusters([[1, 2], [3, 4]], [0, 1]);
    const broken = { ...d, clusters: [{ ...d.clusters[0]!, centroid: [1] }] };
    expect(() => clusterProfileChart(broken)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'description.clusters.centroid', row: 0 }));
  });

  it('refuses feature names that are not text, instead of labelling a column "undefined" or "[object Object]"', () => {
    const d = describeClusters([[1, 2], [3, 4]], [0, 1], { featureNames: ['recency', 'orders'] });
    for (const name of [undefined, null, 7, {}, '']) {
      expect(() => clusterProfileChart({ ...d, features: ['recency', name] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'description.features', row: 1 }));
    }
  });
});
