import * as M from '@marksman/metrics';
import { CovarianceAccumulator, HyperLogLog, MeanAccumulator, PrivacyBudget, ProportionAccumulator, QuantileSketch, RatioAccumulator } from '@marksman/metrics';
import { args, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';

// Labels are ids: strings and finite numbers are both good labels.
const LABELS = [/^a[01](\[0\])?$/];
// Metrics compare labels and item ids by value: ±Infinity is one more
// distinct number there (NaN, which equals nothing, is refused).
const INFINITE_LABELS = [/\[0\]=-?Infinity$/];
// k = Infinity is the documented default of the beyond-accuracy metrics: the whole list.
const K_INFINITY = /\.k=Infinity$/;
const RECS = [['a', 'b', 'c', 'd'], ['c', 'a', 'e']];
const GENRES = new Map([
  ['a', ['Action', 'Crime']],
  ['b', ['Action', 'Crime', 'Thriller']],
  ['c', ['Animation']],
  ['d', ['Drama']],
  ['e', ['Action']],
]);
const POPULARITY = new Map([
  ['a', 50],
  ['b', 30],
  ['c', 4],
  ['d', 1],
  ['e', 1],
]);

/** Ranking metrics: `(recommended, relevant, k)`; item ids are id-like, a k beyond the list is allowed (the list is shorter). */
const ranking = (name: keyof typeof M, required = 3): Case =>
  fn(name, M[name] as never, args(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4), { required, idLike: [/^a[01]\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS });

const KPIS = [
  ['conversionRate', 30, 1200],
  ['clickThroughRate', 42, 8400],
  ['costPerAcquisition', 1500, 60],
  ['costPerClick', 90, 120],
  ['returnOnInvestment', 5000, 2000],
  ['returnOnAdSpend', 8000, 2000],
  ['averageOrderValue', 12500, 250],
  ['repeatPurchaseRate', 120, 400],
  ['churnRate', 45, 1500],
  ['customerAcquisitionCost', 24000, 300],
] as const;

const RATE_INTERVALS = ['wilsonInterval', 'conversionRateInterval', 'clickThroughRateInterval', 'repeatPurchaseRateInterval', 'churnRateInterval'] as const;

const RATIO_INTERVALS = [
  ['costPerAcquisitionInterval', 'cost', 'acquisitions'],
  ['costPerClickInterval', 'cost', 'clicks'],
  ['customerAcquisitionCostInterval', 'cost', 'newCustomers'],
  ['returnOnAdSpendInterval', 'revenue', 'adSpend'],
  ['returnOnInvestmentInterval', 'revenue', 'cost'],
  ['averageOrderValueInterval', 'revenue', 'orders'],
] as const;

const kpiIntervals = (): Case[] => [
  ...RATE_INTERVALS.map((name) => fn(name, M[name], args(30, 1200, { confidence: 0.9 }))),
  fn('ratioInterval', M.ratioInterval, args({ numerator: [10, 0, 30, 20], denominator: [2, 1, 3, 2] }, { confidence: 0.9 })),
  // The same function on cross sums (RatioAccumulator#toStats, or SQL).
  fn('ratioInterval', M.ratioInterval, args({ n: 4, sumX: 60, sumY: 8, sumXX: 1400, sumYY: 18, sumXY: 150 }, { confidence: 0.9 })),
  ...RATIO_INTERVALS.map(([name, x, y]) => fn(name, M[name] as (d: unknown, o?: unknown) => unknown, args({ [x]: [400, 350, 500, 250], [y]: [16, 15, 19, 10] }, { confidence: 0.9 }))),
  fn(
    'incrementalKpis',
    M.incrementalKpis,
    args(
      {
        treatment: { n: 10000, conversions: 320, revenue: 16500, revenueSquares: 1350000 },
        control: { n: 10000, conversions: 250, revenue: 12500, revenueSquares: 1000000 },
        cost: 2000,
      },
      { confidence: 0.9, margin: 0.5 },
    ),
  ),
];

const accumulators = (): Case[] => {
  const mean = () => new MeanAccumulator().addMany([2, 4, 4, 4]);
  const prop = () => new ProportionAccumulator().addMany([1, 0, 0, 1]);
  const ratio = () => new RatioAccumulator().addMany([10, 0, 30], [2, 1, 3]);
  const cov = () => new CovarianceAccumulator().addMany([1, 2, 3, 4], [2, 4, 5, 9]);
  return [
    ctor('MeanAccumulator', MeanAccumulator, args()),
    statik('MeanAccumulator', MeanAccumulator, 'fromStats', args({ n: 4, sum: 14, sumSquares: 52 }), { options: null }),
    statik('MeanAccumulator', MeanAccumulator, 'fromJSON', () => [JSON.parse(JSON.stringify(mean().toJSON()))], { options: null }),
    method('MeanAccumulator', mean, 'add', args(5)),
    method('MeanAccumulator', mean, 'addMany', args([5, 7])),
    method('MeanAccumulator', mean, 'merge', () => [new MeanAccumulator().addMany([5, 5, 7, 9])]),
    ...['count', 'sum', 'mean', 'variance', 'standardDeviation', 'standardError', 'clone', 'toStats', 'toJSON'].map((n) => method('MeanAccumulator', mean, n, args())),
    ctor('ProportionAccumulator', ProportionAccumulator, args()),
    statik('ProportionAccumulator', ProportionAccumulator, 'fromStats', args({ n: 10, conversions: 3 }), { options: null }),
    statik('ProportionAccumulator', ProportionAccumulator, 'fromJSON', args({ n: 10, conversions: 3 }), { options: null }),
    method('ProportionAccumulator', prop, 'add', args(1)),
    method('ProportionAccumulator', prop, 'addMany', args([1, 0, true])),
    method('ProportionAccumulator', prop, 'addCounts', args(6, 1)),
    method('ProportionAccumulator', prop, 'merge', () => [new ProportionAccumulator().addCounts(6, 1)]),
    ...['count', 'conversions', 'rate', 'standardError', 'clone', 'toStats', 'toJSON'].map((n) => method('ProportionAccumulator', prop, n, args())),
    ctor('RatioAccumulator', RatioAccumulator, args()),
    statik('RatioAccumulator', RatioAccumulator, 'fromStats', args({ n: 3, sumX: 40, sumY: 6, sumXX: 1000, sumYY: 14, sumXY: 110 }), { options: null }),
    statik('RatioAccumulator', RatioAccumulator, 'fromJSON', () => [JSON.parse(JSON.stringify(ratio().toJSON()))], { options: null }),
    method('RatioAccumulator', ratio, 'add', args(5, 2)),
    method('RatioAccumulator', ratio, 'addMany', args([5, 6], [1, 2])),
    method('RatioAccumulator', ratio, 'merge', () => [new RatioAccumulator().addMany([1, 2], [1, 1])]),
    ...['count', 'ratio', 'meanX', 'meanY', 'ratioVariance', 'clone', 'toStats', 'toJSON'].map((n) => method('RatioAccumulator', ratio, n, args())),
    ctor('CovarianceAccumulator', CovarianceAccumulator, args()),
    statik('CovarianceAccumulator', CovarianceAccumulator, 'fromStats', args({ n: 4, sumX: 10, sumY: 20, sumXX: 30, sumYY: 126, sumXY: 61 }), { options: null }),
    statik('CovarianceAccumulator', CovarianceAccumulator, 'fromJSON', () => [JSON.parse(JSON.stringify(cov().toJSON()))], { options: null }),
    method('CovarianceAccumulator', cov, 'add', args(5, 11)),
    method('CovarianceAccumulator', cov, 'addMany', args([5, 6], [11, 12])),
    method('CovarianceAccumulator', cov, 'merge', () => [new CovarianceAccumulator().addMany([0, 1], [1, 3])]),
    ...['count', 'meanX', 'meanY', 'varianceX', 'varianceY', 'covariance', 'correlation', 'slope', 'clone', 'toStats', 'toJSON'].map((n) => method('CovarianceAccumulator', cov, n, args())),
  ];
};

const privacy = (): Case[] => {
  const budget = () => new PrivacyBudget({ epsilon: 3, delta: 1e-5, seed: 7 });
  const REPORT = [
    { region: 'north', segment: 'vip', customers: 120, revenue: 5000 },
    { region: 'north', segment: 'new', customers: 4, revenue: 90 },
    { region: 'south', segment: 'vip', customers: 3, revenue: 60 },
  ];
  return [
    fn('kAnonymize', M.kAnonymize, args(REPORT, { k: 5, quasiIdentifiers: ['region', 'segment'], count: 'customers', mode: 'merge', mergedValue: '*', sum: ['revenue'] }), { idLike: [/^a0\[0\]\.(region|segment)$/] }), // quasi-identifiers may be numbers (postcodes)
    ctor('PrivacyBudget', PrivacyBudget, args({ epsilon: 1, delta: 1e-6, seed: 7 })),
    // spend changes the budget for good: a fresh one for every call.
    method('PrivacyBudget', budget, 'spend', args(0.5, 1e-6, 'count of buyers'), { fresh: true, required: 1 }),
    ...['spent', 'remaining', 'total', 'ledger'].map((n) => method('PrivacyBudget', budget, n, args())),
    // The releases draw noise from the budget's stream: a fresh budget (same seed) per call keeps them repeatable.
    fn('privateCount', (count: number, _b: unknown, o: M.PrivateCountOptions) => M.privateCount(count, _b === 'budget' ? budget() : (_b as PrivacyBudget), o), args(1840, 'budget', { epsilon: 0.5, delta: 1e-6, mechanism: 'gaussian', label: 'buyers' }), { required: 3, skip: [/^a1=/] }),
    fn('privateSum', (v: number[], _b: unknown, o: M.PrivateSumOptions) => M.privateSum(v, _b === 'budget' ? budget() : (_b as PrivacyBudget), o), args([20, 35, 0, 120], 'budget', { epsilon: 0.5, delta: 0, mechanism: 'laplace', lower: 0, upper: 200, clamp: false, label: 'spend' }), { required: 3, skip: [/^a1=/] }),
    fn('privateMean', (v: number[], _b: unknown, o: M.PrivateSumOptions) => M.privateMean(v, _b === 'budget' ? budget() : (_b as PrivacyBudget), o), args([20, 35, 0, 120], 'budget', { epsilon: 0.5, delta: 1e-6, mechanism: 'gaussian', lower: 0, upper: 200, clamp: true }), { required: 3, skip: [/^a1=/] }),
  ];
};

const sketches = (): Case[] => {
  const qs = () => new QuantileSketch({ relativeAccuracy: 0.01 }).addMany([-5, 0, 12, 40, 7, 95]);
  const hll = () => new HyperLogLog({ precision: 8 }).addMany(['ann', 'bob', 7]);
  return [
    ctor('QuantileSketch', QuantileSketch, args({ relativeAccuracy: 0.02 })),
    statik('QuantileSketch', QuantileSketch, 'fromJSON', () => [JSON.parse(JSON.stringify(qs().toJSON()))], { options: null }),
    method('QuantileSketch', qs, 'add', args(5)),
    method('QuantileSketch', qs, 'addMany', args([5, 7])),
    method('QuantileSketch', qs, 'merge', () => [new QuantileSketch({ relativeAccuracy: 0.01 }).addMany([1, 2])]),
    method('QuantileSketch', qs, 'quantile', args(0.9)),
    ...['count', 'relativeAccuracy', 'min', 'max', 'clone', 'toJSON'].map((n) => method('QuantileSketch', qs, n, args())),
    ctor('HyperLogLog', HyperLogLog, args({ precision: 10 })),
    statik('HyperLogLog', HyperLogLog, 'fromJSON', () => [hll().toJSON()], { options: null }),
    // Ids are strings or numbers; ±Infinity is one more distinct number (as for the labels above).
    method('HyperLogLog', hll, 'add', args('cy'), { idLike: [/^a0$/], returns: [/^a0=-?Infinity$/] }),
    method('HyperLogLog', hll, 'addMany', args(['cy', 'dee']), { idLike: [/^a0\[0\]$/], returns: INFINITE_LABELS }),
    method('HyperLogLog', hll, 'merge', () => [new HyperLogLog({ precision: 8 }).add('eve')]),
    ...['count', 'standardError', 'clone', 'toJSON'].map((n) => method('HyperLogLog', hll, n, args())),
  ];
};

export const metrics = async (): Promise<Case[]> => [
  fn('contingencyTable', M.contingencyTable, args(['a', 'a', 'b', 'b'], [0, 1, 1, 1]), { idLike: LABELS, returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('adjustedRandIndex', M.adjustedRandIndex, args([0, 0, 1, 2], [0, 0, 1, 1]), { idLike: LABELS, returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('normalizedMutualInfo', M.normalizedMutualInfo, args([0, 0, 1, 1], [0, 0, 1, 2], { averageMethod: 'arithmetic' }), { idLike: LABELS, returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  ranking('precisionAtK'),
  ranking('recallAtK'),
  ranking('ndcgAtK'),
  ranking('averagePrecisionAtK'),
  // reciprocalRank's k is optional: Infinity (the whole list) is its default.
  fn('reciprocalRank', M.reciprocalRank, args(['a', 'b', 'c', 'd'], ['b', 'd', 'x'], 4), { required: 2, idLike: [/^a[01]\[0\]$/], returns: [...INFINITE_LABELS, /^a2=Infinity$/] }),
  ranking('hitRateAtK'),
  fn(
    'rankingReport',
    M.rankingReport,
    args(
      new Map([
        ['u1', ['a', 'b', 'c']],
        ['u2', ['c', 'a', 'b']],
      ]),
      new Map([
        ['u1', ['a']],
        ['u2', ['b', 'd']],
      ]),
      { k: 2 },
    ),
  ),
  fn('catalogueCoverage', M.catalogueCoverage, args(RECS, ['a', 'b', 'c', 'd', 'e', 'f'], { k: 3 }), { idLike: [/^a[01]\[0\](\[0\])?$/], returns: [K_INFINITY, /^a1=42$/] }), // a catalogue may be given as its size
  fn('novelty', M.novelty, args(RECS, POPULARITY, { k: 3, users: 80 }), { idLike: [/^a0\[0\]\[0\]$/], returns: [K_INFINITY] }),
  fn('giniOfExposure', M.giniOfExposure, args(RECS, ['a', 'b', 'c', 'd', 'e', 'f'], { k: 3, weighting: 'dcg' }), { idLike: [/^a[01]\[0\](\[0\])?$/], returns: [K_INFINITY, /^a1=42$/] }), // a catalogue may be given as its size
  // The similarity is a function: the case calls it, so bad features cannot hide behind laziness.
  fn('itemSimilarity', (source: M.ItemSimilaritySource) => { const sim = M.itemSimilarity(source); return [sim('a', 'b'), sim('a', 'c'), sim('b', 'e')]; }, args({ itemFeatures: GENRES, featureSimilarity: 'cosine' }), { options: 0, required: 1 }),
  fn('intraListDiversity', M.intraListDiversity, args(RECS, { itemFeatures: GENRES })),
  fn('personalization', M.personalization, args(RECS, { k: 3 }), { idLike: [/^a0\[0\]\[0\]$/], returns: [K_INFINITY, ...INFINITE_LABELS] }),
  fn('longTailItems', M.longTailItems, args(POPULARITY, { headShare: 0.2 })),
  fn('longTailShare', M.longTailShare, args(RECS, new Set(['c', 'd', 'e']), { k: 3 }), { idLike: [/^a0\[0\]\[0\]$/], returns: [K_INFINITY, ...INFINITE_LABELS] }),
  fn('miscalibration', M.miscalibration, args([['a', 'd']], [['a', 'b', 'c', 'd']], GENRES, { k: 3, alpha: 0.01 }), { returns: [K_INFINITY] }),
  ...KPIS.map(([name, a, b]) => fn(name, M[name], args(a, b))),
  ...kpiIntervals(),
  ...privacy(),
  ...sketches(),
  fn('historicClv', M.historicClv, args({ averageOrderValue: 50, purchaseFrequency: 4, grossMargin: 0.3, lifespan: 3 }), { options: null }),
  ...accumulators(),
  fn('confusionMatrix', M.confusionMatrix, args(['buy', 'skip', 'buy', 'skip'], ['buy', 'buy', 'buy', 'skip'], { labels: ['buy', 'skip'] }), { idLike: LABELS, returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('precisionRecallF1', M.precisionRecallF1, args(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'c'], { average: 'macro' }), { idLike: LABELS, returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('rocAuc', M.rocAuc, args([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])),
  fn('averagePrecisionScore', M.averagePrecisionScore, args([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])),
  fn('rocCurve', M.rocCurve, args([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { dropIntermediate: true })),
  fn('precisionRecallCurve', M.precisionRecallCurve, args([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])),
  fn('logLoss', M.logLoss, args([1, 0, 1], [0.9, 0.2, 0.6], { eps: 1e-15 })),
  fn('brierScore', M.brierScore, args([1, 0, 1], [0.9, 0.2, 0.6])),
  fn('calibrationCurve', M.calibrationCurve, args([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.4, 0.65, 0.7, 0.9], { bins: 3 })),
  fn('upliftCurve', M.upliftCurve, args([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6])),
  fn('qiniCurve', M.qiniCurve, args([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6])),
  fn('qiniCoefficient', M.qiniCoefficient, args([1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4], { negativeEffect: true })),
  fn('areaUnderUpliftCurve', M.areaUnderUpliftCurve, args([1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4])),
  fn('upliftAtK', M.upliftAtK, args([1, 0, 1, 0, 1, 0, 0, 1, 0, 0], [1, 0, 1, 0, 0, 1, 1, 0, 0, 1], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0], { k: 0.6, strategy: 'overall' })),
  fn('upliftByPercentile', M.upliftByPercentile, args([1, 0, 1, 0, 1, 0, 0, 1, 0, 0], [1, 0, 1, 0, 0, 1, 1, 0, 0, 1], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0], { bins: 3, strategy: 'by_group' })),
  fn('fairnessByGroup', M.fairnessByGroup, args([1, 0, 1, 1], ['a', 'a', 'b', 'b'], [1, 1, 0, 1]), { idLike: [/^a1\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS, required: 2 }),
  fn('demographicParityDifference', M.demographicParityDifference, args([1, 0, 1, 1, 0, 0], ['a', 'a', 'b', 'b', 'c', 'c']), { idLike: [/^a1\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('demographicParityRatio', M.demographicParityRatio, args([1, 0, 1, 1], ['a', 'a', 'b', 'b']), { idLike: [/^a1\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('equalOpportunityDifference', M.equalOpportunityDifference, args([1, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 1], ['a', 'a', 'a', 'b', 'b', 'b']), { idLike: [/^a2\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn('equalizedOddsDifference', M.equalizedOddsDifference, args([1, 1, 0, 1, 1, 0], [1, 0, 0, 1, 1, 1], ['a', 'a', 'a', 'b', 'b', 'b']), { idLike: [/^a2\[0\]$/], returns: INFINITE_LABELS, garbage: INFINITE_LABELS }),
  fn(
    'attribution',
    M.attribution,
    args(
      [
        { channels: ['ads', 'email'], conversions: 1, nulls: 0 },
        { channels: ['ads'], conversions: 0, nulls: 1 },
        { channels: ['email'], conversions: 1, nulls: 0 },
      ],
      { model: 'markov' },
    ),
  ),
  // Shapley attribution, sampled beyond exactLimit (one channel set of three is sampled here).
  fn(
    'attribution',
    M.attribution,
    args(
      [
        { channels: ['ads', 'email', 'search'], conversions: 30, nulls: 70 },
        { channels: ['ads'], conversions: 10, nulls: 90 },
        { channels: ['email'], conversions: 5, nulls: 95 },
      ],
      { model: 'shapley', exactLimit: 2, samples: 50, seed: 1 },
    ),
  ),
];
