import type { ClusterDescription } from '@marksman/segmentation';
import { inputError, requireList, requireNumberField, requireRecord } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 420, height: 240 });

/**
 * Cluster profiles from `describeClusters` (`@marksman/segmentation`) as a
 * heat map: one row per cluster (labelled with its size and share), one
 * column per feature, coloured by the z-score of the cluster's mean against
 * the population (blue below, red above, white at the population mean),
 * each cell showing the cluster's mean in the data's units.
 *
 * Data set: `profiles`, one row per cluster and feature (`cluster`,
 * `clusterLabel`, `size`, `share`, `feature`, `mean`, `populationMean`,
 * `zScore`). Costs O(clusters × features).
 *
 * @param description - what `describeClusters` returns
 * @param options - `title` (default 'Cluster profiles'), `width`, `height` (default 420 × 240)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not a cluster description, a feature name that is not text, or a cluster whose
 *   centroid or z-scores do not match the features), `E_EMPTY`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { describeClusters } from '@marksman/segmentation';
 * import { clusterProfileChart } from '@marksman/charts';
 * const rows = [[10, 1], [20, 1], [300, 9], [310, 11]];
 * const d = describeClusters(rows, [0, 0, 1, 1], { featureNames: ['recencyDays', 'orders'] });
 * const spec = clusterProfileChart(d);
 * spec.datasets.profiles.map((c) => [c.clusterLabel, c.feature, c.mean]);
 * // => [['Cluster 0 · 2 (50%)', 'recencyDays', 15], ['Cluster 0 · 2 (50%)', 'orders', 1], ['Cluster 1 · 2 (50%)', 'recencyDays', 305], ['Cluster 1 · 2 (50%)', 'orders', 10]]
 * ```
 */
export function clusterProfileChart(description: ClusterDescription, options?: ChartOptions): VegaLiteSpec {
  const source = 'clusterProfileChart';
  const o = chartOptions(source, DEFAULTS, options);
  const d = requireRecord(source, 'description', description, 'the result of describeClusters ({ features, clusters, populationMean })');
  const features = requireList(source, 'description.features', d.features, 'an array of feature names');
  const popMean = requireList(source, 'description.populationMean', d.populationMean, 'an array of numbers');
  for (let j = 0; j < features.length; j++) {
    const name = features[j];
    if (typeof name !== 'string' || name === '') throw inputError(source, 'description.features', 'a feature name (text)', name, j);
  }
  const clusters = requireList(source, 'description.clusters', d.clusters, 'an array of cluster profiles');
  const rows: ChartRow[] = [];
  const order: string[] = [];
  for (let c = 0; c < clusters.length; c++) {
    const p = clusters[c];
    if (typeof p !== 'object' || p === null) throw inputError(source, 'description.clusters', 'a cluster profile', p, c);
    const rec = p as Record<string, unknown>;
    const label = requireNumberField(source, 'description.clusters.label', rec.label, c);
    const size = requireNumberField(source, 'description.clusters.size', rec.size, c);
    const share = requireNumberField(source, 'description.clusters.share', rec.share, c);
    const centroid = rec.centroid as unknown;
    const z = rec.zScores as unknown;
    if (!Array.isArray(centroid) || centroid.length !== features.length) throw inputError(source, 'description.clusters.centroid', `${features.length} numbers (one per feature)`, centroid, c);
    if (!Array.isArray(z) || z.length !== features.length) throw inputError(source, 'description.clusters.zScores', `${features.length} numbers (one per feature)`, z, c);
    const clusterLabel = `Cluster ${label} · ${size} (${Math.round(share * 100)}%)`;
    order.push(clusterLabel);
    for (let j = 0; j < features.length; j++) {
      rows.push({
        cluster: label,
        clusterLabel,
        size,
        share,
        feature: String(features[j]),
        mean: requireNumberField(source, 'description.clusters.centroid', centroid[j], c),
        populationMean: requireNumberField(source, 'description.populationMean', popMean[j], j),
        zScore: requireNumberField(source, 'description.clusters.zScores', z[j], c),
      });
    }
  }
  const featureOrder = Array.from(features, String);
  return specBase(o.title ?? 'Cluster profiles', { profiles: rows }, {
    width: o.width,
    height: o.height,
    data: { name: 'profiles' },
    encoding: {
      x: { field: 'feature', type: 'nominal', title: null, sort: featureOrder, axis: { labelAngle: -30 } },
      y: { field: 'clusterLabel', type: 'nominal', title: null, sort: order },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'zScore', type: 'quantitative', title: 'z-score vs all', scale: { scheme: 'redblue', reverse: true, domainMid: 0 } },
          tooltip: [
            { field: 'clusterLabel', type: 'nominal', title: 'cluster' },
            { field: 'feature', type: 'nominal' },
            { field: 'mean', type: 'quantitative', format: '.4g', title: 'cluster mean' },
            { field: 'populationMean', type: 'quantitative', format: '.4g', title: 'population mean' },
            { field: 'zScore', type: 'quantitative', format: '.2f', title: 'z-score' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'mean', type: 'quantitative', format: '.3~g' },
          // white on the darkest cells, black elsewhere
          color: { condition: { test: 'abs(datum.zScore) > 1', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}
