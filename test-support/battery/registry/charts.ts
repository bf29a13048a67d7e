import * as C from '@marksman/charts';
import { renderSvg } from '@marksman/charts/render';
import { ThompsonSampling, proportionsZTest, sequentialTest, simulateBandit } from '@marksman/experiments';
import { attribution, calibrationCurve, precisionRecallCurve, qiniCurve, rocCurve, upliftCurve } from '@marksman/metrics';
import { BgNbdModel, ParetoNbdModel, calibrationReport, retentionCohorts, summarizeForClv } from '@marksman/profiling';
import { chooseK, describeClusters, rfmScores, rfmSegments } from '@marksman/segmentation';
import { args, constant, fn } from '../case';
import type { Case } from '../case';

const Y = [0, 0, 1, 1, 0, 1];
const SCORES = [0.1, 0.4, 0.35, 0.8, 0.2, 0.7];
const OPTIONS = { title: 'A chart', width: 200, height: 150 };
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const line = (customerId: string, timestamp: string) => ({ customerId, orderId: `${customerId}-${timestamp}`, timestamp, quantity: 1, amount: 10 });
const LINES = [line('a', '2024-01-01'), line('a', '2024-01-15'), line('a', '2024-02-20'), line('b', '2024-01-03'), line('b', '2024-03-01'), line('c', '2024-02-02')];
const PATHS = [
  { channels: ['ads', 'email'], conversions: 1 },
  { channels: ['ads'], conversions: 0, nulls: 1 },
  { channels: ['email'], conversions: 1 },
];
const ARMS = [
  { kind: 'bernoulli', p: 0.05 },
  { kind: 'bernoulli', p: 0.1 },
] as const;

const allocations = () => {
  const policy = new ThompsonSampling(2, { seed: 1 });
  const day1 = policy.allocate(100);
  policy.updateStats(0, { n: 50, conversions: 2 });
  policy.updateStats(1, { n: 50, conversions: 9 });
  return [day1, policy.allocate(100)];
};

const looks = () => {
  const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
  return [day1, sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: day1 })];
};

/** A small chart to render: two bars. */
const SPEC = {
  $schema: C.VEGA_LITE_SCHEMA,
  datasets: { bars: [{ a: 'x', b: 3 }, { a: 'y', b: 5 }] },
  data: { name: 'bars' },
  mark: 'bar',
  encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
};

export const charts = async (): Promise<Case[]> => [
  constant('VEGA_LITE_SCHEMA', () => (/^https:\/\/vega\.github\.io\/schema\/vega-lite\/v\d+\.json$/.test(C.VEGA_LITE_SCHEMA) ? undefined : `not a Vega-Lite schema URL: ${C.VEGA_LITE_SCHEMA}`)),
  fn('rocChart', C.rocChart, () => [rocCurve(Y, SCORES), OPTIONS], { required: 1 }),
  fn('precisionRecallChart', C.precisionRecallChart, () => [precisionRecallCurve(Y, SCORES), OPTIONS], { required: 1 }),
  fn('calibrationChart', C.calibrationChart, () => [calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { bins: 3 }), OPTIONS], { required: 1 }),
  fn('gainChart', C.gainChart, args(Y, SCORES, OPTIONS), { required: 2 }),
  fn('liftChart', C.liftChart, args(Y, SCORES, OPTIONS), { required: 2 }),
  fn('upliftChart', C.upliftChart, () => [upliftCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]), OPTIONS], { required: 1 }),
  fn('qiniChart', C.qiniChart, () => [qiniCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]), OPTIONS], { required: 1 }),
  // The chart reads the table's k and scores, recommendedK and reason; iterations, converged, bestBy and elbowK pass unread.
  fn('chooseKChart', C.chooseKChart, () => [chooseK([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]], { kRange: [2, 4], seed: 1, metrics: ['silhouette'] }), OPTIONS], {
    required: 1,
    returns: [/^a0\.(table\[0\]\.(iterations|converged)|bestBy|elbowK)\b/],
  }),
  // The heat map shows means and z-scores: n, populationSd and each cluster's sd and distinguishing features pass unread.
  fn('clusterProfileChart', C.clusterProfileChart, () => [describeClusters([[10, 1, 3], [20, 1, 5], [300, 9, 4], [310, 11, 8]], [0, 0, 1, 1], { featureNames: ['recencyDays', 'orders', 'basket'] }), OPTIONS], {
    required: 1,
    returns: [/^a0\.(n|populationSd|clusters\[0\]\.(sd|distinguishing))\b/],
  }),
  fn('rfmSegmentChart', C.rfmSegmentChart, () => [
    rfmSegments(
      rfmScores([
        { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
        { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
        { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
        { customerId: 'd', recency: 300, frequency: 2, monetary: 50 },
      ]),
    ),
    OPTIONS,
  ], { required: 1, returns: [/^a0\[0\]\.(customerId|recency|frequency|r|f|m|bins)\b/] }), // only segment and monetary are read
  // The chart reads durationHoldout, calibrationEnd (a holdout exists), timeUnit and each row's frequencies (the
  // model reads recency and T); asOf, the counts of excluded customers and lines, and the other row fields pass unread.
  fn('clvCalibrationChart', C.clvCalibrationChart, () => [summarizeForClv(LINES, { asOf: '2024-03-31', timeUnit: 'week', calibrationEnd: '2024-01-31' }), new BgNbdModel(BG, 'week'), { ...OPTIONS, maxFrequency: 4 }], {
    required: 2,
    returns: [/^a0\.(asOf|excludedCustomers|linesAfterAsOf|rows\[0\]\.(customerId|firstPurchase|monetaryValue|monetaryValueHoldout))\b/],
  }),
  fn(
    'clvCalibrationReportChart',
    C.clvCalibrationReportChart,
    () => [
      calibrationReport(
        [new BgNbdModel(BG, 'week'), new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 'week')],
        summarizeForClv(LINES, { asOf: '2024-03-31', timeUnit: 'week', calibrationEnd: '2024-01-31' }),
      ),
      OPTIONS,
    ],
    // The chart draws groups (frequency, label, customers, actual, predicted), the model names, durationHoldout and
    // timeUnit; the report's totals, errors, warnings and best model pass unread, and fewer groups are still a report.
    { required: 1, returns: [/^a0\.(actualTotal|customers|best)\b/, /^a0\.models\[0\]\.(meanAbsoluteError|predictedTotal|relativeError|rootMeanSquaredError|totalError|warnings)=/, /^a0\.groups short$/] },
  ),
  fn('probabilityAliveChart', C.probabilityAliveChart, () => [new BgNbdModel(BG, 'week'), { ...OPTIONS, maxFrequency: 4, T: 12, recencyStep: 2 }], { required: 1 }),
  // The chart computes each share from active and customers: retention, start, lastPeriod and timeZone pass unread,
  // and so a shorter active list is a shorter (valid) row.
  fn('retentionChart', C.retentionChart, () => [retentionCohorts(LINES), OPTIONS], { required: 1, returns: [/^a0\.(timeZone|lastPeriod|cohorts\[0\]\.(start|retention))\b/, /^a0\.cohorts\[0\]\.active short$/] }),
  fn('forestPlot', C.forestPlot, () => [
    [
      { name: 'conversion', result: proportionsZTest({ n: 21306, conversions: 122 }, { n: 21307, conversions: 267 }), format: 'pp', role: 'primary' },
      { name: 'order value', result: { diff: 0.8, ciLow: -1.2, ciHigh: 2.8, pValue: 0.43, alpha: 0.05 }, format: 'number', role: 'guardrail' },
    ],
    { ...OPTIONS, scale: 'diff' },
  ], { required: 1, returns: [/^a0\[0\]\.result\.(alternative|controlRate|treatmentRate|standardError|z|lift|liftCiLow|liftCiHigh|liftMethod)=/] }), // scale 'diff' reads diff, ciLow, ciHigh, pValue, alpha
  fn('sequentialChart', C.sequentialChart, () => [looks(), { ...OPTIONS, variantNames: ['control', 'new checkout'] }], { required: 1, returns: [/^a0\[0\]\.control\b/] }), // the control's own summary is not drawn
  fn('banditAllocationChart', C.banditAllocationChart, () => [allocations(), { ...OPTIONS, armNames: ['old banner', 'new banner'] }], { required: 1 }),
  fn('regretChart', C.regretChart, () => [{ thompson: simulateBandit(new ThompsonSampling(2, { seed: 1 }), ARMS, { horizon: 50, seed: 1 }) }, { ...OPTIONS, maxPoints: 20 }], { required: 1, returns: [/^a0\.thompson\.(regret|pulls|bestArm|totalReward)\b/] }), // only cumulativeRegret is drawn
  fn('attributionChart', C.attributionChart, () => [[attribution(PATHS, { model: 'last_touch' }), attribution(PATHS, { model: 'markov' })], OPTIONS], { required: 1 }),
  // Both shapes it takes: a learned model's fitReport, and the onProgress events of any fit.
  fn('trainingLossChart', C.trainingLossChart, args({ losses: [0.69, 0.52, 0.47], validation: [{ k: 10, ndcg: 0.1, recall: 0.2 }, { k: 10, ndcg: 0.14, recall: 0.25 }, { k: 10, ndcg: 0.13, recall: 0.26 }], bestEpoch: 2 }, OPTIONS), { required: 1 }),
  fn('trainingLossChart', C.trainingLossChart, args([{ step: 1, steps: 2, phase: 'sweep', loss: 3.2 }, { step: 2, steps: 2, phase: 'sweep', loss: 2.9 }], OPTIONS), { required: 1, returns: [/^a0\[0\]\.steps\b/] }), // steps (the planned total) is not drawn
  // The report takes text, tables and already-rendered SVG; every field is plain data.
  fn(
    'htmlReport',
    C.htmlReport,
    args({
      title: 'Report',
      summary: ['Data: a simulated shop.'],
      sections: [
        { title: 'One', paragraphs: ['A paragraph.'], table: { columns: ['name', 'n'], rows: [['a', 1], ['b', 2]] }, charts: [{ svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>', caption: 'A chart.' }] },
        { title: 'Two' },
      ],
      footer: 'Made by a test.',
    }),
    { required: 1 },
  ),
];

export const chartsRender = async (): Promise<Case[]> => [
  // ALLOW-LIST: renderSvg renders any Vega-Lite spec, so what a spec may hold is Vega-Lite's to judge: it drops what it
  // cannot use (an encoding without a field, a mark of an unknown type in a layer) with a warning to onWarning and draws
  // the rest. renderSvg itself refuses a spec that is not an object, bad data sets, and whatever Vega-Lite or Vega refuse.
  // An encoding whose field is an object ({}) gets the axis title '[object Object]' from Vega-Lite.
  fn('renderSvg', renderSvg, args(SPEC, { scale: 1.5, onWarning: () => undefined }), { required: 1, returns: [/^a0[.[]/], garbage: [/^a0\.encoding\.[xy]\.field=\{\}$/] }),
];
