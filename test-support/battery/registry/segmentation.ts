import * as S from '@marksman/segmentation';
import { KMeansModel, SegmentRulesModel } from '@marksman/segmentation';
import { args, constant, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';

const POINTS = [
  [1, 1],
  [1, 2],
  [9, 9],
  [9, 10],
  [5, 0],
  [5, 1],
];
const LABELS = [0, 0, 1, 1, 2, 2];
const RFM_ROWS = [
  { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
  { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
  { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
  { customerId: 'd', recency: 300, frequency: 2, monetary: 50 },
  { customerId: 'e', recency: 90, frequency: 4, monetary: 200 },
];
const PROFILES = [
  { customerId: 'a', recency: 3, orders: 9 },
  { customerId: 'b', recency: 10, orders: 6 },
  { customerId: 'c', recency: 20, orders: 2 },
  { customerId: 'd', recency: 200, orders: 8 },
  { customerId: 'e', recency: 300, orders: 1 },
];
const SEGMENTS = ['Champions', 'Champions', 'Promising', 'At risk', 'Lost'];

const model = () => S.kmeans(POINTS, 3, { seed: 7 });
const rules = () => S.segmentRules(PROFILES, SEGMENTS, { units: { recency: 'days' } });

const deepFrozen = (v: unknown): boolean => v === null || typeof v !== 'object' || (Object.isFrozen(v) && Object.values(v).every(deepFrozen));

export const segmentation = async (): Promise<Case[]> => [
  fn('kmeans', S.kmeans, args(POINTS, 3, { seed: 7, nInit: 2, maxIterations: 50, tolerance: 1e-4, algorithm: 'lloyd', init: 'k-means++' })),
  ctor('KMeansModel', KMeansModel, () => [Int32Array.of(0, 0, 1), [[0, 0], [5, 5]], 1.5, 3, true], { options: null }),
  statik('KMeansModel', KMeansModel, 'fromJSON', () => [JSON.parse(JSON.stringify(model().toJSON()))], { options: null }),
  method('KMeansModel', model, 'predict', args([[1, 1.5], [9, 9.5]])),
  method('KMeansModel', model, 'toJSON', args()),
  fn('miniBatchKMeans', S.miniBatchKMeans, args(POINTS, 3, { batchSize: 4, maxIterations: 20, seed: 3, nInit: 2 })),
  // ALLOW-LIST (not fixed): coordinates near 1e308 overflow the squared distances of the cluster-quality scores
  // and of describeClusters' spread; refusing such coordinates is open.
  fn('silhouetteScore', S.silhouetteScore, args(POINTS, LABELS, { seed: 1 }), { garbage: [/^a0\[0\]\[0\]=1e308$/] }),
  constant('SILHOUETTE_EXACT_LIMIT', () => (Number.isSafeInteger(S.SILHOUETTE_EXACT_LIMIT) && S.SILHOUETTE_EXACT_LIMIT > 0 ? undefined : `not a positive integer: ${S.SILHOUETTE_EXACT_LIMIT}`)),
  fn('calinskiHarabasz', S.calinskiHarabasz, args(POINTS, LABELS), { garbage: [/^a0\[0\]\[0\]=1e308$/] }),
  fn('daviesBouldin', S.daviesBouldin, args(POINTS, LABELS)),
  fn('chooseK', S.chooseK, args([...POINTS, [0, 0], [10, 10], [5, 2]], { kRange: [2, 4], seed: 1, nInit: 1, maxIterations: 50 })),
  fn('describeClusters', S.describeClusters, args(POINTS, LABELS, { featureNames: ['recencyDays', 'orders'], top: 2 }), { garbage: [/^a0\[0\]\[0\]=1e308$/] }),
  fn('rfmScores', S.rfmScores, args(RFM_ROWS, { bins: 5, idField: 'customerId', ties: 'average' })),
  fn('rfmSegments', S.rfmSegments, () => [S.rfmScores(RFM_ROWS), [{ name: 'Recent', recency: [4, 5], frequency: [1, 5] }, { name: 'Lapsed', recency: [1, 3], frequency: [1, 5] }]], { options: null, required: 1, returns: [/^a0\[0\]\.(recency|frequency|monetary|bins)=/], garbage: [/^a0\[0\]\.(recency|frequency|monetary|bins)=/] }), // only the scores r, f, m are read; other fields pass through
  constant('DEFAULT_RFM_SEGMENTS', () => (deepFrozen(S.DEFAULT_RFM_SEGMENTS) && S.DEFAULT_RFM_SEGMENTS.length > 0 ? undefined : 'not a deeply frozen, non-empty list')),
  // ALLOW-LIST (design, not fixed): segmentRules and lookalike pick the numeric columns themselves, so a column
  // with one non-number (null, '0.05', {}) is left out of the features instead of being refused; the id field
  // is never read. Giving `features` explicitly is the way to have a column checked. maxDepth: Infinity is the default.
  fn('segmentRules', S.segmentRules, args(PROFILES, SEGMENTS, { units: { recency: 'days' }, maxDepth: 3 }), { idLike: [/^a1\[0\]$/], returns: [/^a0\[0\]\.(customerId|recency|orders)=/, /^a2\.maxDepth=Infinity$/] }),
  // Class labels are strings or numbers; units: null means none.
  statik('SegmentRulesModel', SegmentRulesModel, 'fromJSON', () => [JSON.parse(JSON.stringify(rules().toJSON()))], { options: null, idLike: [/^a0\.classes\[0\]$/], returns: [/^a0\.units=null$/] }),
  method('SegmentRulesModel', rules, 'toText', args()),
  method('SegmentRulesModel', rules, 'predictProba', args([{ recency: 5, orders: 7 }])),
  method('SegmentRulesModel', rules, 'predict', args([{ recency: 5, orders: 7 }])),
  method('SegmentRulesModel', rules, 'ruleIndex', args([{ recency: 5, orders: 7 }])),
  method('SegmentRulesModel', rules, 'toJSON', args()),
  fn(
    'lookalike',
    S.lookalike,
    args([1, 2], [
      { customerId: 1, orders: 10, spend: 900 },
      { customerId: 2, orders: 9, spend: 800 },
      { customerId: 3, orders: 8, spend: 850 },
      { customerId: 4, orders: 1, spend: 20 },
      { customerId: 5, orders: 2, spend: 60 },
    ], { size: 2 }),
    { idLike: [/^a0\[0\]$/, /^a1\[0\]\.customerId$/], returns: [/^a1\[0\]\.(orders|spend)=/] }, // see segmentRules
  ),
];
