import * as P from '@marksman/profiling';
import { BgBbModel, BgNbdModel, GammaGammaModel, Log1pTransform, MbgNbdModel, MinMaxScaler, ParetoNbdModel, QuantileRank, RobustScaler, StandardScaler } from '@marksman/profiling';
import { args, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';

const TX = [
  { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
  { customerId: 'a', orderId: 2, timestamp: '2024-01-08', quantity: 1, amount: 20 },
  { customerId: 'a', orderId: 3, timestamp: '2024-01-15', quantity: 2, unitPrice: 15 },
  { customerId: 'b', orderId: 4, timestamp: '2024-01-10', quantity: 1, amount: 5 },
];
const EVENTS = [
  { customerId: 'a', timestamp: '2024-03-01T09:00:00Z', type: 'view', properties: { category: 'books' } },
  { customerId: 'a', timestamp: '2024-03-01T09:05:00Z', type: 'click', properties: { category: 'books' } },
  { customerId: 'b', timestamp: '2024-03-02T18:00:00Z', type: 'view', properties: { category: 'games' } },
];
const CLV_ROWS = [
  { frequency: 2, recency: 30.4, T: 38.9, monetaryValue: 22 },
  { frequency: 1, recency: 1.7, T: 38.9, monetaryValue: 10 },
  { frequency: 0, recency: 0, T: 38.9, monetaryValue: 0 },
  { frequency: 0, recency: 0, T: 38.9, monetaryValue: 0 },
  { frequency: 0, recency: 0, T: 38.9, monetaryValue: 0 },
  { frequency: 7, recency: 29.4, T: 38.9, monetaryValue: 31 },
  { frequency: 1, recency: 5, T: 38.9, monetaryValue: 12 },
  { frequency: 3, recency: 20, T: 38.9, monetaryValue: 18 },
];
const GG_ROWS = [10, 12, 30, 25, 8, 14, 40, 22, 18, 11].map((m, i) => ({ frequency: 1 + (i % 3), recency: 5, T: 10, monetaryValue: m }));
const CUSTOMER = { frequency: 2, recency: 30.43, T: 38.86 };
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARETO = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };
const X = [
  [1, 10],
  [3, 12],
  [5, 20],
];

const MBG = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
const BGBB = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
// Annual donations, six opportunities (whole numbers, as BG/BB needs).
const BGBB_ROWS = [[0, 0], [1, 1], [1, 5], [2, 6], [3, 4], [4, 6], [5, 6], [6, 6], [0, 0], [2, 3]].map(([frequency, recency]) => ({ frequency: frequency!, recency: recency!, T: 6 }));
const BGBB_CUSTOMER = { frequency: 2, recency: 4, T: 6 };
/** A summary with a holdout period, for calibrationReport. */
const HOLDOUT_LINES = [
  { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
  { customerId: 'a', orderId: 2, timestamp: '2024-01-15', quantity: 1, amount: 10 },
  { customerId: 'a', orderId: 3, timestamp: '2024-02-20', quantity: 1, amount: 10 },
  { customerId: 'b', orderId: 4, timestamp: '2024-01-03', quantity: 1, amount: 10 },
  { customerId: 'b', orderId: 5, timestamp: '2024-03-01', quantity: 1, amount: 10 },
];
const holdoutSummary = () => P.summarizeForClv(HOLDOUT_LINES, { asOf: '2024-04-01', timeUnit: 'week', calibrationEnd: '2024-02-01' });

const bg = () => new BgNbdModel(BG, 'week');
const pareto = () => new ParetoNbdModel(PARETO, 'week');
const mbg = () => new MbgNbdModel(MBG, 'week');
const bgbb = () => new BgBbModel(BGBB, 'week', 1);
const gg = () => new GammaGammaModel(GG);

const purchaseModelCases = (name: string, make: () => BgNbdModel | ParetoNbdModel | MbgNbdModel, conditionalFirst: boolean, withCounts = true): Case[] => [
  method(name, make, 'summary', args(0.95)),
  method(name, make, 'expectedPurchases', args(39)),
  method(name, make, 'conditionalExpectedPurchases', args(...(conditionalFirst ? [12, CUSTOMER] : [12, CUSTOMER])), { options: null }),
  method(name, make, 'probabilityAlive', args(CUSTOMER), { options: null }),
  ...(withCounts ? [method(name, make, 'probabilityOfPurchases', args(2, 12))] : []),
  method(name, make, 'toJSON', args()),
];

interface Scaler {
  fit(x: readonly number[][]): Scaler;
  toJSON(): unknown;
}

// fit returns a new, fitted scaler; the one it is called on stays as it was.
/** NaN marks a missing value: fit ignores it, transform and inverseTransform keep it (documented on each scaler). */
const NAN_CELL = /^a0\[0\]\[0\]=NaN$/;

const scalerCases = (name: string, make: () => Scaler): Case[] => {
  const fitted = () => make().fit(X);
  return [
    statik(name, { StandardScaler, MinMaxScaler, RobustScaler, Log1pTransform, QuantileRank }[name]!, 'fromJSON', () => [JSON.parse(JSON.stringify(fitted().toJSON()))], { options: null, returns: [/\[0\]=null$/] }), // null marks a missing statistic (documented)
    // NaN marks a missing value: fit ignores it and transform keeps it (documented on each scaler).
    method(name, make, 'fit', args(X), { returns: [NAN_CELL] }),
    // ALLOW-LIST (not fixed): StandardScaler squares 1e308 to Infinity and transforms it to NaN; refusing values whose square overflows is open.
    method(name, make, 'fitTransform', args(X), { returns: [NAN_CELL], garbage: [NAN_CELL, ...(name === 'StandardScaler' ? [/^a0\[0\]\[0\]=1e308$/] : [])] }),
    method(name, fitted, 'transform', args([[2, 11]]), { returns: [NAN_CELL], garbage: [NAN_CELL] }),
    method(name, fitted, 'inverseTransform', args([[0.5, 0.5]]), { returns: [NAN_CELL], garbage: [NAN_CELL] }),
    method(name, fitted, 'toJSON', args()),
  ];
};

export const profiling = async (): Promise<Case[]> => [
  // ALLOW-LIST (not fixed): summarizeForClv counts purchase days per customer, so orderId is not read (even null);
  // quantity is not read when amount is given.
  fn('summarizeForClv', P.summarizeForClv, args(TX, { asOf: '2024-01-29', timeUnit: 'week' }), { returns: [/^a0\[0\]\.(orderId|quantity)=/] }),
  // A standard error is NaN where the Hessian is singular (documented in the saved-model check).
  fn('fitBgNbd', P.fitBgNbd, args(CLV_ROWS, { timeUnit: 'week', maxIterations: 200, tolerance: 1e-8, penalty: 0 }), { garbage: [/^a0\[0\]\.recency=1e-308$/] }),
  ctor('BgNbdModel', BgNbdModel, args(BG, 'week'), { options: null, required: 1 }),
  statik('BgNbdModel', BgNbdModel, 'fromJSON', () => [JSON.parse(JSON.stringify(bg().toJSON()))], { options: null }),
  ...purchaseModelCases('BgNbdModel', bg, true),
  fn('fitParetoNbd', P.fitParetoNbd, args(CLV_ROWS, { timeUnit: 'week', maxIterations: 200, tolerance: 1e-8, penalty: 0 }), { heavy: true }),
  ctor('ParetoNbdModel', ParetoNbdModel, args(PARETO, 'week'), { options: null, required: 1 }),
  statik('ParetoNbdModel', ParetoNbdModel, 'fromJSON', () => [JSON.parse(JSON.stringify(pareto().toJSON()))], { options: null }),
  ...purchaseModelCases('ParetoNbdModel', pareto, true),
  // A standard error is NaN where the information matrix is not positive definite (a heavy penalty pins the
  // estimates): documented on ClvFitInfo.standardErrors and reported as a diagnostic.
  fn('fitMbgNbd', P.fitMbgNbd, args(CLV_ROWS, { timeUnit: 'week', maxIterations: 200, tolerance: 1e-8, penalty: 0 }), { garbage: [/^a0\[0\]\.recency=1e-308$/, /^a1\.penalty=42$/] }),
  ctor('MbgNbdModel', MbgNbdModel, args(MBG, 'week'), { options: null, required: 1 }),
  statik('MbgNbdModel', MbgNbdModel, 'fromJSON', () => [JSON.parse(JSON.stringify(mbg().toJSON()))], { options: null }),
  ...purchaseModelCases('MbgNbdModel', mbg, true, false),
  fn('fitBgBb', P.fitBgBb, args(BGBB_ROWS, { timeUnit: 'week', maxIterations: 200, tolerance: 1e-8, penalty: 0, opportunitiesPerUnit: 1 }), { garbage: [/^a1\.penalty=42$/] }), // NaN standard errors, as fitMbgNbd
  ctor('BgBbModel', BgBbModel, args(BGBB, 'week', 1), { options: null, required: 1 }),
  statik('BgBbModel', BgBbModel, 'fromJSON', () => [JSON.parse(JSON.stringify(bgbb().toJSON()))], { options: null }),
  method('BgBbModel', bgbb, 'summary', args(0.95)),
  method('BgBbModel', bgbb, 'expectedPurchases', args(6)),
  method('BgBbModel', bgbb, 'conditionalExpectedPurchases', args(5, BGBB_CUSTOMER), { options: null }),
  method('BgBbModel', bgbb, 'probabilityAlive', args(BGBB_CUSTOMER), { options: null }),
  method('BgBbModel', bgbb, 'probabilityOfPurchases', args(2, 6)),
  method('BgBbModel', bgbb, 'toJSON', args()),
  // The report reads the rows' frequency, recency, T, frequencyHoldout (and customerId when given), durationHoldout and
  // timeUnit; calibrationEnd only marks a summary with a holdout. The other summary fields pass unread.
  fn('calibrationReport', P.calibrationReport, () => [{ 'BG/NBD': bg(), 'Pareto/NBD': pareto() }, holdoutSummary(), { maxFrequency: 3 }], {
    required: 2,
    returns: [/^a1\.rows\[0\]\.(monetaryValue|firstPurchase|monetaryValueHoldout)=/, /^a1\.(asOf|calibrationEnd|excludedCustomers|linesAfterAsOf)=/],
  }),
  // Intervals need fitted models (their covariance): fitted here on the battery's rows.
  fn('clvIntervals', P.clvIntervals, () => [CLV_ROWS, { purchaseModel: P.fitBgNbd(CLV_ROWS, { timeUnit: 'week' }), spendModel: P.fitGammaGamma(GG_ROWS), horizon: 13, timeUnit: 'week', draws: 50, seed: 1 }], { required: 2 }),
  fn('fitGammaGamma', P.fitGammaGamma, args(GG_ROWS, { maxIterations: 200, tolerance: 1e-8, penalty: 0 })),
  ctor('GammaGammaModel', GammaGammaModel, args(GG), { options: null, required: 1 }),
  statik('GammaGammaModel', GammaGammaModel, 'fromJSON', () => [JSON.parse(JSON.stringify(gg().toJSON()))], { options: null }),
  method('GammaGammaModel', gg, 'expectedPopulationSpend', args()),
  method('GammaGammaModel', gg, 'conditionalExpectedAverageSpend', args({ frequency: 2, monetaryValue: 22.35 }), { options: null }),
  method('GammaGammaModel', gg, 'summary', args(0.95)),
  method('GammaGammaModel', gg, 'toJSON', args()),
  fn('customerLifetimeValue', P.customerLifetimeValue, () => [
    [{ frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 }],
    { purchaseModel: bg(), spendModel: gg(), horizon: 12, timeUnit: 'month', discountRate: 0.01, margin: 1 },
  ]),
  fn('cleanTransactions', P.cleanTransactions, args(
    [
      { customerId: 'a', orderId: '1', itemId: 'x', timestamp: '2024-01-01', quantity: 3, unitPrice: 2 },
      { customerId: 'a', orderId: '1', itemId: 'x', timestamp: '2024-01-01', quantity: 3, unitPrice: 2 },
      { customerId: 'a', orderId: 'C2', itemId: 'x', timestamp: '2024-01-03', quantity: -1, unitPrice: 2 },
      { customerId: 'b', orderId: '4', itemId: 'y', timestamp: '2024-01-05', quantity: 1, unitPrice: 5 },
    ],
    { outlierRule: null, duplicates: 'drop', cancellations: 'match' },
  ), { returns: [/^a0\[0\]/] }), // bad rows are reported in report.invalid with code, field and row
  fn('rfm', P.rfm, args(TX, { asOf: '2024-01-31' })),
  fn('retentionCohorts', P.retentionCohorts, args(TX, { period: 'week', timeZone: 'Europe/Paris', weekStartsOn: 1 })),
  fn('cohortRates', P.cohortRates, args(TX, { period: 'week', timeZone: 'Europe/Paris', weekStartsOn: 1, churnAfter: 1, repeatWithin: 1, confidence: 0.9 })),
  // Event properties are free-form: only the category and channel properties are read, as labels.
  fn('behaviourFeatures', P.behaviourFeatures, args(EVENTS, { asOf: '2024-03-10', window: 30 }), { returns: [/^a0\[0\]\.properties/] }),
  fn('calibrationHoldoutSplit', P.calibrationHoldoutSplit, args(TX, { calibrationEnd: '2024-01-09', observationEnd: '2024-01-20', holdoutCustomers: 'calibration' })),
  fn('buildProfiles', P.buildProfiles, args({ transactions: TX, events: EVENTS }, { asOf: '2024-03-11', window: 90 }), { options: 1, returns: [/^a0\.events\[0\]\.properties/] }),
  fn('standardScaler', P.standardScaler, args({ withMean: true, withStd: true })),
  fn('minMaxScaler', P.minMaxScaler, args({ featureRange: [-1, 1], clip: false })),
  fn('robustScaler', P.robustScaler, args({ withCentering: true, withScaling: true, quantileRange: [25, 75] })),
  fn('log1pTransform', P.log1pTransform, args({})),
  fn('quantileRank', P.quantileRank, args({ nQuantiles: 100 })),
  ...scalerCases('StandardScaler', () => P.standardScaler() as Scaler),
  ...scalerCases('MinMaxScaler', () => P.minMaxScaler() as Scaler),
  ...scalerCases('RobustScaler', () => P.robustScaler() as Scaler),
  ...scalerCases('Log1pTransform', () => P.log1pTransform() as Scaler),
  ...scalerCases('QuantileRank', () => P.quantileRank({ nQuantiles: 100 }) as Scaler),
];
