// The demo's journey: clean → profiles and customer value → segments with
// rules → recommendations → the experiment read three ways → KPIs with
// intervals, printed as a short summary and written as an HTML report whose
// every chart carries a sentence computed from the numbers it shows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Random } from '@marksman/core';
import { MeanAccumulator, ProportionAccumulator, adjustedRandIndex, qiniCoefficient, qiniCurve, upliftAtK } from '@marksman/metrics';
import { cleanTransactions, customerLifetimeValue, fitBgNbd, fitGammaGamma, log1pTransform, retentionCohorts, rfm, standardScaler, summarizeForClv } from '@marksman/profiling';
import { chooseK, describeClusters, kmeans, rfmScores, rfmSegments, segmentRules } from '@marksman/segmentation';
import { ALS, BPR, ItemKNN, Popularity, evaluateRanking, randomUserSplit } from '@marksman/recsys';
import type { FitProgress, Recommender } from '@marksman/recsys';
import { bayesBinomial, cuped, fitUplift, proportionsZTest, sequentialTest, srmTest, summarizeExperiment, targetAudience, welchTTest } from '@marksman/experiments';
import type { MetricSummaryInput, SequentialTestResult } from '@marksman/experiments';
import {
  chooseKChart,
  clusterProfileChart,
  clvCalibrationChart,
  forestPlot,
  gainChart,
  htmlReport,
  liftChart,
  probabilityAliveChart,
  qiniChart,
  retentionChart,
  rfmSegmentChart,
  sequentialChart,
  trainingLossChart,
} from '@marksman/charts';
import type { ReportSection, VegaLiteSpec } from '@marksman/charts';
import { renderSvg } from '@marksman/charts/render';
import { loadDemoData } from './data';
import { day, int, money, moneyDiff, num, pEquals, pValue, padEnd, padStart, pct, pp, probability, share } from './format';
import type { Progress } from './progress';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly seed: number;
  /** Customers of the simulated shop (default: the simulator's). */
  readonly customers: number | undefined;
  /** A folder holding online-retail/ and hillstrom/ (then the simulator is not used). */
  readonly dataDir: string | undefined;
  /** Where marksman-report.html is written. */
  readonly outDir: string;
  /** Fewer training sweeps and k values: the same journey, faster (tests). */
  readonly quick: boolean;
  /** Receives each line of the summary. */
  readonly out: (line: string) => void;
  readonly progress: Progress;
}

/** What {@link runDemo} made. */
export interface DemoResult {
  readonly reportPath: string;
  readonly reportBytes: number;
  /** Titles of the charts in the report, in order. */
  readonly charts: readonly string[];
}

interface PendingChart {
  readonly spec: VegaLiteSpec;
  readonly caption: string;
}

interface PendingSection {
  readonly title: string;
  readonly paragraphs: string[];
  table?: ReportSection['table'];
  readonly charts: PendingChart[];
}

const WEEK = 7 * 86_400_000;

/** Runs the whole journey; see the file comment. */
/** What the simulator's truth says about the chosen audience, in one sentence (the numbers decide the words). */
function truthVerdict(t: { chosen: number; random: number }, est: { incrementalConversions: { lower: number; upper: number } } | null): string {
  const gain = t.random > 0 ? t.chosen / t.random : 1;
  const ranking =
    gain >= 1.1
      ? `The model's audience holds ${num(gain, 2)}× the true extra conversions of a random one: targeting pays here.`
      : `The model's audience does no better than a random one (${num(gain, 2)}×): in this shop the e-mail's effect barely varies with what we know of a customer before the send, so ranking by predicted uplift cannot find much; with a budget, contact anyone it covers.`;
  if (est === null) return ranking;
  const covered = t.chosen >= est.incrementalConversions.lower && t.chosen <= est.incrementalConversions.upper;
  return `${ranking} The hold-out's 95% interval ${covered ? 'covers' : 'misses'} the true ${num(t.chosen, 1)}${covered ? '' : ' (one interval in twenty does; it is why a decision deserves a second hold-out)'}.`;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const { out, progress } = o;
  const sections: PendingSection[] = [];
  const section = (title: string): PendingSection => {
    const s: PendingSection = { title, paragraphs: [], charts: [] };
    sections.push(s);
    return s;
  };
  const heading = (title: string) => out(`\n${title}\n${'─'.repeat(title.length)}`);

  const data = await loadDemoData({ seed: o.seed, customers: o.customers, dataDir: o.dataDir }, progress);
  const asOf = data.asOf;

  // 1. Clean ------------------------------------------------------------------
  const cleaned = await progress.step('Cleaning: duplicates, cancellations, prices, outliers', () => cleanTransactions(data.validation.rows));
  const removed = Object.entries(cleaned.report.reasons)
    .filter(([, r]) => r.count > 0)
    .map(([reason, r]) => `${reason} ${int(r.count)} (${r.action})`);
  const history = cleaned.rows.filter((t) => t.timestamp < asOf);
  const orders = new Map<string, number>();
  const buyers = new Set<string>();
  let revenue = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const t of history) {
    revenue += t.amount;
    orders.set(String(t.orderId), (orders.get(String(t.orderId)) ?? 0) + t.amount);
    buyers.add(String(t.customerId));
    if (t.timestamp < first) first = t.timestamp;
    if (t.timestamp > last) last = t.timestamp;
  }
  const v = data.validation;
  heading('1. Data');
  out(`Source:    ${data.source}`);
  out(`Validated: ${int(v.kept)} of ${int(v.total)} rows kept${v.rejected.length ? ` (refused: ${Object.entries(v.countsByCode).map(([c, n]) => `${c} ${int(n)}`).join(', ')})` : ''}`);
  out(`Cleaned:   ${int(cleaned.report.kept)} kept${removed.length ? `; ${removed.join(', ')}` : '; nothing removed'}`);
  out(`History:   ${day(first)} to ${day(last)} (profiles as of ${day(asOf)}): ${int(buyers.size)} customers, ${int(orders.size)} orders, revenue ${money(revenue)}, average order ${money(revenue / orders.size)}`);
  const dataSection = section('Data');
  dataSection.paragraphs.push(
    `Source: ${data.source}.`,
    `Validation kept ${int(v.kept)} of ${int(v.total)} rows; cleaning kept ${int(cleaned.report.kept)}${removed.length ? ` (${removed.join(', ')})` : ''}.`,
    `History used for profiles: ${day(first)} to ${day(last)}, ${int(buyers.size)} customers, ${int(orders.size)} orders, revenue ${money(revenue)}, average order ${money(revenue / orders.size)}.`,
  );
  const cohorts = await progress.step('Retention cohorts', () => retentionCohorts(history, { period: 'month' }));
  const c0 = cohorts.cohorts[0]!;
  const month1 = cohorts.cohorts.filter((c) => c.retention.length > 1).map((c) => c.retention[1]!);
  dataSection.charts.push({
    spec: retentionChart(cohorts),
    caption: `Of the ${int(c0.customers)} customers who first bought in ${c0.cohort}, ${pct(c0.retention[1] ?? 0)} bought again the next month; across cohorts that first-month retention ranges from ${pct(Math.min(...month1))} to ${pct(Math.max(...month1))}.`,
  });

  // 2. Profiles and customer value --------------------------------------------
  const calibrationEnd = asOf - 13 * WEEK;
  const { calSummary, calModel, summary, purchases, spendModel, values } = await progress.step('Customer value: BG/NBD and Gamma-Gamma fits', (tick) => {
    const onProgress = (what: string) => (p: { iteration: number }) => tick(`${what}, iteration ${p.iteration}`);
    const calSummary = summarizeForClv(history, { asOf, timeUnit: 'week', calibrationEnd });
    const calModel = fitBgNbd(calSummary, { onProgress: onProgress('holdout check') });
    const summary = summarizeForClv(history, { asOf, timeUnit: 'week' });
    const purchases = fitBgNbd(summary, { onProgress: onProgress('purchases') });
    const spendModel = fitGammaGamma(summary, { onProgress: onProgress('spend') });
    const values = customerLifetimeValue(summary, { purchaseModel: purchases, spendModel, horizon: 12, timeUnit: 'month', discountRate: 0.01 });
    return { calSummary, calModel, summary, purchases, spendModel, values };
  });
  let predicted = 0;
  let actual = 0;
  const score = new Float64Array(calSummary.rows.length);
  const boughtAgain = new Uint8Array(calSummary.rows.length);
  calSummary.rows.forEach((row, i) => {
    const expected = calModel.conditionalExpectedPurchases(calSummary.durationHoldout, row);
    predicted += expected;
    // Rounded to 0.05 purchase for the gain and lift charts: customers that close are ties (grouped), which keeps the charts to about a hundred points, not one per customer.
    score[i] = Math.round(expected * 20) / 20;
    actual += row.frequencyHoldout ?? 0;
    boughtAgain[i] = (row.frequencyHoldout ?? 0) > 0 ? 1 : 0;
  });
  const totalClv = values.reduce((s, x) => s + x.clv, 0);
  const sortedClv = values.map((x) => x.clv).sort((a, b) => b - a);
  const top10Share = sortedClv.slice(0, Math.ceil(sortedClv.length / 10)).reduce((s, x) => s + x, 0) / totalClv;
  const p = purchases.params;
  heading('2. Customer value (BG/NBD purchases × Gamma-Gamma spend, weekly)');
  out(`Holdout check: fitted on data to ${day(calibrationEnd)}, the model expected ${int(predicted)} purchase days in the next 13 weeks; customers made ${int(actual)} (${predicted >= actual ? '+' : '−'}${pct(Math.abs(predicted - actual) / actual)}).`);
  out(`Fitted on all history: r = ${num(p.r, 3)}, α = ${num(p.alpha, 3)}, a = ${num(p.a, 3)}, b = ${num(p.b, 3)}${data.trueBgNbd ? ` (simulator truth r = ${data.trueBgNbd.r}, α = ${data.trueBgNbd.alpha}, a = ${data.trueBgNbd.a}, b = ${data.trueBgNbd.b})` : ''}.`);
  out(`12-month CLV (1% monthly discount): ${money(totalClv)} for the whole base, ${money(totalClv / values.length)} per customer; the top 10% of customers hold ${pct(top10Share)} of it.`);
  const valueSection = section('Customer value');
  valueSection.paragraphs.push(
    `BG/NBD fitted on all history (weekly): r = ${num(p.r, 3)}, α = ${num(p.alpha, 3)}, a = ${num(p.a, 3)}, b = ${num(p.b, 3)}; Gamma-Gamma p = ${num(spendModel.params.p, 2)}, q = ${num(spendModel.params.q, 2)}, v = ${num(spendModel.params.v, 2)}.`,
    `12-month customer lifetime value at a 1% monthly discount: ${money(totalClv)} in all, ${money(totalClv / values.length)} per customer; the top 10% of customers hold ${pct(top10Share)} of it.`,
  );
  const frequent = calSummary.rows.filter((r) => r.frequency >= 6);
  const frequentActual = frequent.reduce((s, r) => s + (r.frequencyHoldout ?? 0), 0) / Math.max(1, frequent.length);
  const frequentModel = frequent.reduce((s, r) => s + calModel.conditionalExpectedPurchases(calSummary.durationHoldout, r), 0) / Math.max(1, frequent.length);
  valueSection.charts.push({
    spec: clvCalibrationChart(calSummary, calModel),
    caption: `Fitted on data to ${day(calibrationEnd)}, the model expected ${int(predicted)} purchase days in the 13 holdout weeks and customers made ${int(actual)}; the ${int(frequent.length)} customers with 6+ repeat purchases made ${num(frequentActual, 2)} each against ${num(frequentModel, 2)} expected.`,
  });
  const Ts = summary.rows.map((r) => r.T).sort((a, b) => a - b);
  const T = Math.max(1, Math.round(Ts[Math.floor(Ts.length / 2)]!));
  const aliveRecent = purchases.probabilityAlive({ frequency: 5, recency: T, T });
  const aliveOld = purchases.probabilityAlive({ frequency: 5, recency: Math.max(0, T - 26), T });
  valueSection.charts.push({
    spec: probabilityAliveChart(purchases, { maxFrequency: 20, T }),
    caption: `For a customer first seen ${T} weeks ago with 5 repeat purchases, P(alive) is ${pct(aliveRecent)} when the last purchase was this week and ${pct(aliveOld)} when it was 26 weeks ago: silence from a frequent buyer is the warning sign.`,
  });
  const gains = gainChart(boughtAgain, score);
  const at20 = gains.datasets.gains!.find((g) => (g.share as number) >= 0.2)!;
  const lift = liftChart(boughtAgain, score);
  const at10 = lift.datasets.lift!.find((g) => (g.share as number) >= 0.1)!;
  valueSection.charts.push(
    {
      spec: gains,
      caption: `Ranking the customers by the purchases the model expected in the holdout weeks, the top 20% held ${pct(at20.capturedShare as number)} of those who did buy again (${pct(boughtAgain.reduce((s, x) => s + x, 0) / boughtAgain.length)} of all customers did).`,
    },
    { spec: lift, caption: `The top 10% by the model's score bought again ${num(at10.lift as number, 1)} times as often as the average customer.` },
  );

  // 3. Segments ----------------------------------------------------------------
  const segResult = await progress.step('Segments: RFM, k-means, rules', (tick) => {
    const profiles = rfm(history, { asOf });
    const records = profiles.toRecords() as Array<{ customerId: string; recency: number; frequency: number; monetary: number }>;
    tick('RFM profiles and segments');
    const assignments = rfmSegments(rfmScores(profiles, { bins: 5 }));
    const raw = records.map((r) => [r.recency, r.frequency, r.monetary]);
    const features = standardScaler().fitTransform(log1pTransform().fitTransform(raw));
    const kRange: [number, number] = o.quick ? [2, 4] : [2, 6];
    tick(`choosing k: fitting k = ${kRange[0]}`);
    const pick = chooseK(features, { kRange, seed: 1, onProgress: (row) => tick(`choosing k: k = ${row.k} scored (${kRange[0]}–${kRange[1]})`) });
    tick(`k-means with k = ${pick.recommendedK}`);
    const km = kmeans(features, pick.recommendedK, { nInit: 5, seed: 1 });
    const described = describeClusters(raw, km.labels, { featureNames: ['recency', 'orders', 'spend'] });
    tick('rules');
    const ruleRows = records.map((r) => ({ recency: r.recency, orders: r.frequency, spend: r.monetary }));
    const tree = segmentRules(ruleRows, Array.from(km.labels, (l) => `cluster ${l}`), { maxDepth: 3, minSamplesLeaf: 50, units: { recency: 'days', spend: '$' } });
    const agreement = data.trueSegmentOf === null ? null : adjustedRandIndex(Int32Array.from(records, (r) => data.trueSegmentOf!(String(r.customerId))), km.labels);
    return { records, assignments, pick, described, tree, agreement };
  });
  const { records, assignments, pick, described, tree, agreement } = segResult;
  const revenueOf = new Map(records.map((r) => [String(r.customerId), r.monetary] as const));
  const bySegment = new Map<string, { n: number; revenue: number }>();
  for (const a of assignments) {
    const e = bySegment.get(a.segment) ?? { n: 0, revenue: 0 };
    e.n++;
    e.revenue += revenueOf.get(String(a.customerId)) ?? 0;
    bySegment.set(a.segment, e);
  }
  const segRows = [...bySegment.entries()].sort((a, b) => b[1].revenue - a[1].revenue);
  const segRevenue = segRows.reduce((s, [, e]) => s + e.revenue, 0);
  heading('3. Segments');
  out(`RFM segments (quintile scores), by revenue so far:`);
  for (const [name, e] of segRows) out(`  ${padEnd(name, 20)} ${padStart(int(e.n), 7)} ${padEnd(e.n === 1 ? 'customer' : 'customers', 9)} ${padStart(share(e.n / assignments.length), 6)}   revenue ${padStart(money(e.revenue, 0), 12)} ${padStart(share(e.revenue / segRevenue), 6)}`);
  out(`k-means on standardized log(recency, orders, spend): ${pick.reason}`);
  for (const c of described.clusters) {
    out(`  cluster ${c.label}: ${padStart(int(c.size), 6)} customers, last order ${int(c.centroid[0]!)} days ago, ${num(c.centroid[1]!, 1)} orders, ${money(c.centroid[2]!)} spent`);
  }
  if (agreement !== null) out(`  Agreement with the simulator's latent taste segments: adjusted Rand index ${num(agreement, 3)} (RFM separates recent, frequent buyers from lapsed ones, not tastes).`);
  const covered = tree.rules.reduce((s, r) => s + r.samples, 0);
  out(`Rules that explain the clusters (depth-3 tree; all ${tree.rules.length} leaves, covering ${int(covered)} of ${int(records.length)} customers):`);
  for (const r of tree.rules) out(`  ${r.text}`);
  const segSection = section('Segments');
  const topSeg = segRows[0]!;
  segSection.paragraphs.push(`k-means: ${pick.reason}`, `Rules (all ${tree.rules.length} leaves of a depth-3 tree, covering ${int(covered)} of ${int(records.length)} customers): ${tree.rules.map((r) => r.text).join('; ')}.`);
  const largest = [...segRows].sort((a, b) => b[1].n - a[1].n)[0]!;
  segSection.charts.push({
    spec: rfmSegmentChart(assignments),
    caption: `${topSeg[0]} (${int(topSeg[1].n)} customers, ${pct(topSeg[1].n / assignments.length)}) brought ${pct(topSeg[1].revenue / segRevenue)} of revenue so far; the largest segment is ${largest[0]} (${int(largest[1].n)} customers).`,
  });
  segSection.charts.push({ spec: chooseKChart(pick), caption: pick.reason });
  const best = [...described.clusters].sort((a, b) => b.centroid[2]! * b.size - a.centroid[2]! * a.size)[0]!;
  segSection.charts.push({
    spec: clusterProfileChart(described),
    caption: `Cluster ${best.label} (${int(best.size)} customers, ${pct(best.share)}) holds the most spend: ${num(best.centroid[1]!, 1)} orders and ${money(best.centroid[2]!)} on average, last order ${int(best.centroid[0]!)} days ago.`,
  });

  // 4. Recommendations ----------------------------------------------------------
  const { interactions, train, test } = await progress.step('Recommendations: customer–item pairs, 80/20 split per customer', () => {
    const pairs = new Map<string, { userId: string; itemId: string; weight: number }>();
    for (const t of history) {
      if (t.itemId === undefined) continue;
      const key = `${t.customerId}|${t.itemId}`;
      const e = pairs.get(key);
      if (e) e.weight += t.quantity;
      else pairs.set(key, { userId: String(t.customerId), itemId: String(t.itemId), weight: t.quantity });
    }
    const interactions = [...pairs.values()];
    return { interactions, ...randomUserSplit(interactions, { testFraction: 0.2, seed: 1 }) };
  });
  const sweeps = o.quick ? 3 : 15;
  const epochs = o.quick ? 5 : 60;
  const alsEvents: FitProgress[] = [];
  const models: Array<[string, Recommender, (tick: (d: string) => void) => Promise<unknown>]> = [];
  const pop = new Popularity();
  const knn = new ItemKNN({ weighting: 'bm25', neighbours: 50 });
  // About 5 purchases per customer: ALS needs strong regularization here.
  const als = new ALS({ factors: 64, iterations: sweeps, regularization: 50, alpha: 1, computeLoss: true, seed: 1 });
  const bpr = new BPR({ factors: 64, iterations: epochs, learningRate: 0.05, regularization: 0.01, seed: 1 });
  models.push(['Popularity', pop, () => pop.fit(train)]);
  models.push(['ItemKNN (BM25, 50 neighbours)', knn, () => knn.fit(train)]);
  models.push([`ALS (64 factors, ${sweeps} sweeps)`, als, (tick) => als.fit(train, { onProgress: (e) => (alsEvents.push(e), tick(`sweep ${e.step} of ${e.steps}`)) })]);
  models.push([`BPR (64 factors, ${epochs} epochs)`, bpr, (tick) => bpr.fit(train, { onProgress: (e) => tick(`epoch ${e.step} of ${e.steps}`) })]);
  const evals: Array<{ name: string; fitMs: number; e: ReturnType<typeof evaluateRanking> }> = [];
  for (const [name, model, fit] of models) {
    const t0 = performance.now();
    await progress.step(`Training ${name}`, fit);
    const fitMs = performance.now() - t0;
    // The models were fitted on `train` and leave those items out themselves, so all users are scored in one batch.
    const e = await progress.step(`Evaluating ${name.split(' ')[0]} on ${int(test.length)} held-out purchases`, () => evaluateRanking(model, test, { k: 10 }));
    evals.push({ name, fitMs, e });
  }
  heading('4. Recommendations (top 10, per-customer 80/20 split of past purchases)');
  out(`${int(interactions.length)} customer–item pairs: ${int(train.length)} to train, ${int(test.length)} held out.`);
  out(`  ${padEnd('model', 32)} ${padStart('fit', 7)} ${padStart('P@10', 7)} ${padStart('R@10', 7)} ${padStart('NDCG@10', 8)} ${padStart('coverage', 9)}`);
  for (const { name, fitMs, e } of evals) out(`  ${padEnd(name, 32)} ${padStart(`${(fitMs / 1000).toFixed(1)} s`, 7)} ${padStart(num(e.precision, 4), 7)} ${padStart(num(e.recall, 4), 7)} ${padStart(num(e.ndcg, 4), 8)} ${padStart(pct(e.coverage), 9)}`);
  const bestModel = [...evals].sort((a, b) => b.e.ndcg - a.e.ndcg)[0]!;
  const popEval = evals[0]!;
  out(`Best NDCG@10: ${bestModel.name} (${num(bestModel.e.ndcg, 4)}, ${pct(bestModel.e.ndcg / popEval.e.ndcg - 1, 0)} above popularity).`);
  const recSection = section('Recommendations');
  recSection.paragraphs.push(`${int(interactions.length)} customer–item pairs, split per customer 80/20 (seed 1): ${int(train.length)} to train, ${int(test.length)} held out. Best NDCG@10: ${bestModel.name}.`);
  recSection.table = {
    columns: ['model', 'fit (s)', 'precision@10', 'recall@10', 'NDCG@10', 'catalogue coverage'],
    rows: evals.map(({ name, fitMs, e }) => [name, num(fitMs / 1000, 1), num(e.precision, 4), num(e.recall, 4), num(e.ndcg, 4), pct(e.coverage)]),
  };
  const firstLoss = alsEvents.find((e) => e.loss !== null)?.loss ?? Number.NaN;
  const lastLoss = [...alsEvents].reverse().find((e) => e.loss !== null)?.loss ?? Number.NaN;
  recSection.charts.push({
    spec: trainingLossChart(alsEvents, { title: 'ALS training loss per sweep' }),
    caption: `ALS's loss fell from ${num(firstLoss, 0)} after the first sweep to ${num(lastLoss, 0)} after sweep ${alsEvents.length} (${pct(1 - lastLoss / firstLoss)} lower).`,
  });

  // 5. The experiment, three ways ------------------------------------------------
  const ex = data.experiment;
  const exp = await progress.step(`Experiment: ${ex.name}, read three ways`, (tick) => {
    const perArm = ex.arms.map((_, k) => ex.customers.filter((c) => c.arm === k));
    const counts = perArm.map((rows) => ({ n: rows.length, conversions: rows.reduce((s, c) => s + c.converted, 0) }));
    const srm = srmTest(counts.map((c) => c.n), [...ex.intendedWeights]);
    const variants = ex.arms.slice(1).map((name, j) => {
      const k = j + 1;
      tick(`${name} vs ${ex.arms[0]}`);
      const conv = proportionsZTest(counts[0]!, counts[k]!);
      const a = { values: perArm[0]!.map((c) => c.spend), covariates: perArm[0]!.map((c) => c.covariate) };
      const b = { values: perArm[k]!.map((c) => c.spend), covariates: perArm[k]!.map((c) => c.covariate) };
      const spendRaw = welchTTest(a.values, b.values);
      const spendCuped = cuped(a, b);
      const metrics: MetricSummaryInput[] = [
        { name: 'conversion', result: conv },
        { name: 'spend per customer (CUPED)', result: spendCuped, format: 'number', role: 'secondary' },
      ];
      const summary = summarizeExperiment(metrics, { variantName: name, srm });
      return { name, k, conv, spendRaw, spendCuped, summary, metrics };
    });
    tick('Bayesian');
    const bayes = bayesBinomial(counts);
    // Sequential: as if customers had enrolled over 14 days (one cohort a day, in file order) and the team looked every evening.
    const days = 14;
    const looks: SequentialTestResult[] = [];
    for (let d = 0; d < days; d++) {
      tick(`sequential look ${d + 1} of ${days}`);
      const stats = ex.arms.map(() => ({ n: 0, conversions: 0 }));
      ex.customers.forEach((c, i) => {
        if (i % days > d) return;
        stats[c.arm]!.n++;
        stats[c.arm]!.conversions += c.converted;
      });
      looks.push(sequentialTest(stats, { previous: looks.at(-1) ?? null }));
    }
    return { counts, srm, variants, bayes, looks };
  });
  heading(`5. Experiment: ${ex.name}`);
  out(`Arms: ${ex.arms.map((a, k) => `${a} ${int(exp.counts[k]!.n)}`).join(' · ')}; sample-ratio check against ${ex.intendedWeights.map((w) => num(w, 2)).join(' / ')}: ${pEquals(exp.srm.pValue)} → ${exp.srm.mismatch ? 'MISMATCH, do not trust the results' : 'passed'}.`);
  out(`  ${padEnd('variant vs ' + ex.arms[0], 22)} ${padEnd('metric', 28)} ${padStart('effect', 10)} ${padStart('95% CI (unadjusted)', 24)} ${padStart('p', 9)} ${padStart('Holm p', 9)}`);
  for (const va of exp.variants) {
    const verdict = (name: string) => va.summary.metrics.find((m) => m.name === name)!;
    const row = (metric: string, effect: string, ci: string, pv: number, holm: number | null) =>
      out(`  ${padEnd(va.name, 22)} ${padEnd(metric, 28)} ${padStart(effect, 10)} ${padStart(ci, 24)} ${padStart(pValue(pv), 9)} ${padStart(holm === null ? '—' : pValue(holm), 9)}`);
    row('conversion', pp(va.conv.diff), `${pp(va.conv.ciLow)} to ${pp(va.conv.ciHigh)}`, va.conv.pValue, verdict('conversion').adjustedPValue);
    row('spend/customer, CUPED', moneyDiff(va.spendCuped.diff), `${moneyDiff(va.spendCuped.ciLow)} to ${moneyDiff(va.spendCuped.ciHigh)}`, va.spendCuped.pValue, verdict('spend per customer (CUPED)').adjustedPValue);
    row('spend/customer, raw (Welch)', moneyDiff(va.spendRaw.diff), `${moneyDiff(va.spendRaw.ciLow)} to ${moneyDiff(va.spendRaw.ciHigh)}`, va.spendRaw.pValue, null);
    out(`  ${''.padEnd(22)} → ${va.summary.decision}: ${va.summary.lines[0]}`);
  }
  const vr = exp.variants[0]!.spendCuped.varianceReduction;
  out(`Adjusted numbers: "Holm p" corrects each variant's two tested metrics (conversion, CUPED spend) for testing two at once; the CIs are not adjusted.`);
  out(`CUPED spend is the difference in spend after removing what ${ex.covariateName} predicts (variance −${pct(vr)} for ${exp.variants[0]!.name}); the raw row is the plain difference of means, shown for comparison and not tested.`);
  out(`Bayesian (Beta(1, 1) prior): ${exp.bayes.comparisons.map((c) => `${ex.arms[c.index]} beats ${ex.arms[0]} with probability ${probability(c.chanceToWin)} (lift ${pct(c.lift)}, 95% credible ${pct(c.ciLow)} to ${pct(c.ciHigh)})`).join('; ')}.`);
  const lastLook = exp.looks.at(-1)!;
  const firstSignificant = (index: number) => exp.looks.findIndex((l) => l.comparisons.find((c) => c.index === index)!.significant);
  const seqText = lastLook.comparisons
    .map((c) => {
      const at = firstSignificant(c.index);
      return `${ex.arms[c.index]} ${at < 0 ? 'never crossed the boundary' : `significant from look ${at + 1}`} (final always-valid ${pEquals(c.pValue)}, ${pp(c.diff)})`;
    })
    .join('; ');
  out(`Sequential (mixture SPRT, 14 daily looks as customers enrol, peeking allowed): ${seqText}.`);
  if (ex.trueEffects) out(`Simulator truth (average effect on conversion): ${ex.arms.slice(1).map((a, j) => `${a} ${pp(ex.trueEffects![j]!)}`).join(', ')}.`);
  const expSection = section(`Experiment: ${ex.name}`);
  expSection.paragraphs.push(
    `Sample-ratio check: ${pEquals(exp.srm.pValue)} (${exp.srm.mismatch ? 'mismatch: do not trust the results' : 'passed'}).`,
    ...exp.variants.map((va) => `${va.name}: ${va.summary.decision}. ${va.summary.lines.join(' ')}`),
    `Holm-adjusted p-values correct each variant's two tested metrics for multiplicity; confidence intervals are unadjusted. CUPED spend removes the part of spend that ${ex.covariateName} predicts; the raw (Welch) spend difference is shown for comparison only.`,
  );
  expSection.table = {
    columns: ['variant', 'metric', 'effect', '95% CI (unadjusted)', 'p', 'Holm p'],
    rows: exp.variants.flatMap((va) => [
      [va.name, 'conversion', pp(va.conv.diff), `${pp(va.conv.ciLow)} to ${pp(va.conv.ciHigh)}`, pValue(va.conv.pValue), pValue(va.summary.metrics[0]!.adjustedPValue)],
      [va.name, 'spend/customer, CUPED', moneyDiff(va.spendCuped.diff), `${moneyDiff(va.spendCuped.ciLow)} to ${moneyDiff(va.spendCuped.ciHigh)}`, pValue(va.spendCuped.pValue), pValue(va.summary.metrics[1]!.adjustedPValue)],
      [va.name, 'spend/customer, raw (Welch)', moneyDiff(va.spendRaw.diff), `${moneyDiff(va.spendRaw.ciLow)} to ${moneyDiff(va.spendRaw.ciHigh)}`, pValue(va.spendRaw.pValue), '—'],
    ]),
  };
  const forestMetrics = exp.variants.flatMap((va) => va.metrics.map((m) => ({ ...m, name: `${va.name}: ${m.name}` })));
  expSection.charts.push({
    spec: forestPlot(forestMetrics, { title: 'Effects against the control (95% CI, unadjusted)' }),
    caption: exp.variants.map((va) => `${va.name} moved conversion by ${pp(va.conv.diff)} (${pp(va.conv.ciLow)} to ${pp(va.conv.ciHigh)}, Holm ${pEquals(va.summary.metrics[0]!.adjustedPValue)}) and spend per customer by ${moneyDiff(va.spendCuped.diff)} after CUPED`).join('; ') + '.',
  });
  expSection.charts.push({
    spec: sequentialChart(exp.looks, { variantNames: [...ex.arms] }),
    caption: `Looking every day was safe: ${seqText}.`,
  });

  // 6. Uplift targeting under a budget -------------------------------------------------
  // The arm with the largest conversion effect against the control, on customers split at random in two halves:
  // the model learns on one, and the other is the randomised hold-out that chooses and measures the audience.
  const arm = [...exp.variants].sort((x, y) => y.conv.diff - x.conv.diff)[0]!;
  const up = await progress.step(`Uplift: T-learner (gradient boosting) for ${arm.name}, audience under a budget`, (tick) => {
    const rng = new Random(o.seed);
    type UpliftRow = Record<string, number | string> & { treated: number; converted: number; customerId: string };
    const train: UpliftRow[] = [];
    const holdout: UpliftRow[] = [];
    const truth: number[] = [];
    ex.customers.forEach((c, i) => {
      if (c.arm !== 0 && c.arm !== arm.k) return;
      const row: UpliftRow = { ...c.features, treated: c.arm === 0 ? 0 : 1, converted: c.converted, customerId: `c${i}` };
      if (rng.next() < 0.5) train.push(row);
      else {
        holdout.push(row);
        if (c.trueEffect !== null) truth.push(c.trueEffect[arm.k]!);
      }
    });
    tick(`fitting on ${int(train.length)} customers`);
    const model = fitUplift(train, { treatment: 'treated', outcome: 'converted', features: [...ex.featureNames], method: 't-learner', learner: 'gbm', seed: o.seed });
    tick(`scoring ${int(holdout.length)} hold-out customers`);
    const scores = model.predict(holdout);
    const y = holdout.map((r) => r.converted);
    const t = holdout.map((r) => r.treated);
    const qini = qiniCurve(y, t, scores);
    const qiniScore = qiniCoefficient(y, t, scores);
    const top30 = upliftAtK(y, t, scores, { k: 0.3 });
    const converters = ex.customers.filter((c) => c.arm === arm.k && c.converted === 1);
    const valuePerConversion = converters.reduce((sum, c) => sum + c.spend, 0) / Math.max(1, converters.length);
    const costPerContact = 0.5;
    const budget = Math.floor(0.25 * holdout.length) * costPerContact;
    tick('choosing the audience');
    const audience = targetAudience(model, holdout, { costPerContact, valuePerConversion, budget, evaluation: { rows: holdout, treatment: 'treated', outcome: 'converted' } });
    let truthStats: { correlation: number; chosen: number; random: number } | null = null;
    if (truth.length === holdout.length) {
      const mean = (v: ArrayLike<number>) => Array.from(v).reduce((x, z) => x + z, 0) / v.length;
      const ms = mean(scores);
      const mt = mean(truth);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < truth.length; i++) {
        sxy += (scores[i]! - ms) * (truth[i]! - mt);
        sxx += (scores[i]! - ms) ** 2;
        syy += (truth[i]! - mt) ** 2;
      }
      let chosen = 0;
      for (const i of audience.selected) chosen += truth[i]!;
      truthStats = { correlation: sxy / Math.sqrt(sxx * syy), chosen, random: audience.contacts * mt };
    }
    return { train, holdout, qini, qiniScore, top30, overall: arm.conv.diff, valuePerConversion, costPerContact, budget, audience, truthStats };
  });
  heading('6. Uplift targeting under a budget');
  const au = up.audience;
  const est = au.estimate;
  out(`Model: T-learner on gradient boosting (${ex.featureNames.join(', ')}), ${arm.name} vs ${ex.arms[0]}, fitted on ${int(up.train.length)} customers, judged on the other ${int(up.holdout.length)} (a randomised hold-out).`);
  out(`Ranking: Qini coefficient ${num(up.qiniScore, 3)}; among the top 30% by predicted uplift the e-mail moved conversion by ${up.top30 === null ? '—' : pp(up.top30)}, against ${pp(up.overall)} on average.`);
  out(`Budget: ${money(up.budget, 0)} at an assumed ${money(up.costPerContact)} per contact (${int(up.budget / up.costPerContact)} contacts), a conversion worth ${money(up.valuePerConversion)} (the average order of converted ${arm.name} customers).`);
  out(`Audience: ${int(au.contacts)} of ${int(au.customers)} hold-out customers (limited by ${au.limitedBy}); the model predicts ${num(au.predicted.incrementalConversions, 1)} extra conversions and ${moneyDiff(au.predicted.incrementalProfit, 0)} profit.`);
  if (est !== null) {
    out(`Measured on the hold-out (treated vs control inside the chosen score range, ${int(est.treated)} + ${int(est.control)} customers): ${num(est.incrementalConversions.value, 1)} extra conversions (95% CI ${num(est.incrementalConversions.lower, 1)} to ${num(est.incrementalConversions.upper, 1)}), profit ${moneyDiff(est.incrementalProfit.value, 0)} (${moneyDiff(est.incrementalProfit.lower, 0)} to ${moneyDiff(est.incrementalProfit.upper, 0)}).`);
  }
  out(`Break-even: a customer is worth contacting when their uplift exceeds ${pp(au.breakEven.uplift ?? 0)}.`);
  if (up.truthStats !== null) {
    out(`Simulator truth: predicted and true uplift correlate at ${num(up.truthStats.correlation, 2)}; the chosen customers' true extra conversions sum to ${num(up.truthStats.chosen, 1)}, against ${num(up.truthStats.random, 1)} for as many chosen at random.`);
    out(truthVerdict(up.truthStats, est));
  }
  const upSection = section('Uplift targeting under a budget');
  upSection.paragraphs.push(
    `A T-learner (gradient boosting on ${ex.featureNames.join(', ')}) predicts each customer's own effect of ${arm.name}; it was fitted on a random half of the ${arm.name} and ${ex.arms[0]} customers and judged on the other half. Qini coefficient ${num(up.qiniScore, 3)}; uplift among the top 30% ${up.top30 === null ? '—' : pp(up.top30)} against ${pp(up.overall)} overall.`,
    `Under a budget of ${money(up.budget, 0)} (${money(up.costPerContact)} per contact, assumed) with a conversion worth ${money(up.valuePerConversion)}, targetAudience contacts ${int(au.contacts)} of ${int(au.customers)} customers: predicted ${num(au.predicted.incrementalConversions, 1)} extra conversions${est === null ? '' : `, measured on the hold-out ${num(est.incrementalConversions.value, 1)} (95% CI ${num(est.incrementalConversions.lower, 1)} to ${num(est.incrementalConversions.upper, 1)}), profit ${moneyDiff(est.incrementalProfit.value, 0)} (${moneyDiff(est.incrementalProfit.lower, 0)} to ${moneyDiff(est.incrementalProfit.upper, 0)})`}.`,
    ...(up.truthStats === null ? [] : [`Simulator truth: predicted and true uplift correlate at ${num(up.truthStats.correlation, 2)}; the chosen customers' true extra conversions sum to ${num(up.truthStats.chosen, 1)} against ${num(up.truthStats.random, 1)} for a random audience of the same size. ${truthVerdict(up.truthStats, est)}`]),
  );
  upSection.charts.push({
    spec: qiniChart(up.qini, { title: `Qini curve: ${arm.name} on the hold-out` }),
    caption: `Customers ranked by predicted uplift: the curve above the diagonal is the extra conversions the ranking finds over contacting at random (Qini coefficient ${num(up.qiniScore, 3)}).`,
  });

  // 7. KPIs with intervals ----------------------------------------------------------
  heading('7. KPIs with 95% intervals');
  const kpiRows: Array<[string, string, string, string]> = [];
  ex.arms.forEach((arm, k) => {
    const rows = ex.customers.filter((c) => c.arm === k);
    const conv = new ProportionAccumulator().addMany(rows.map((c) => c.converted));
    const spend = new MeanAccumulator().addMany(rows.map((c) => c.spend));
    kpiRows.push([arm, int(rows.length), `${pct(conv.rate(), 2)} ± ${pct(1.96 * conv.standardError(), 2)}`, `${money(spend.mean())} ± ${money(1.96 * spend.standardError())}`]);
  });
  out(`  ${padEnd('arm', 16)} ${padStart('customers', 10)} ${padStart('conversion', 18)} ${padStart('spend per customer', 20)}`);
  for (const r of kpiRows) out(`  ${padEnd(r[0], 16)} ${padStart(r[1], 10)} ${padStart(r[2], 18)} ${padStart(r[3], 20)}`);
  const incremental = exp.variants.map((va) => {
    const n = exp.counts[va.k]!.n;
    return `${va.name} ${moneyDiff(va.spendCuped.diff * n, 0)} (${moneyDiff(va.spendCuped.ciLow * n, 0)} to ${moneyDiff(va.spendCuped.ciHigh * n, 0)})`;
  });
  out(`Incremental revenue from the e-mail (CUPED spend effect × customers e-mailed): ${incremental.join('; ')}.`);
  out('ROI needs the campaign cost, which these data do not hold: returnOnInvestment(incremental revenue, cost) from @marksman/metrics gives it once you add it.');
  const kpiSection = section('KPIs with 95% intervals');
  kpiSection.table = { columns: ['arm', 'customers', 'conversion (95% CI)', 'spend per customer (95% CI)'], rows: kpiRows };
  kpiSection.paragraphs.push(`Incremental revenue from the e-mail (CUPED spend effect × customers e-mailed, 95% CI): ${incremental.join('; ')}. ROI needs the campaign's cost, which these data do not hold.`);

  // The report ------------------------------------------------------------------------
  const all = sections.flatMap((s) => s.charts);
  const svgs = await progress.step(`Rendering ${all.length} charts to SVG`, async (tick) => {
    const done: string[] = [];
    for (const c of all) {
      tick(`${done.length + 1} of ${all.length}: ${String(c.spec.title)}`);
      done.push(await renderSvg(c.spec));
    }
    return done;
  });
  let next = 0;
  const html = htmlReport({
    title: 'Marksman report',
    summary: [`Data: ${data.source}.`, `Profiles as of ${day(asOf)}.`],
    sections: sections.map((s) => ({
      title: s.title,
      paragraphs: s.paragraphs,
      ...(s.table === undefined ? {} : { table: s.table }),
      charts: s.charts.map((c) => ({ svg: svgs[next++]!, caption: c.caption })),
    })),
    footer: 'Made by examples/demo.ts with @marksman/charts (htmlReport, renderSvg). Self-contained: no scripts, nothing loaded from the network.',
  });
  const reportPath = resolve(o.outDir, 'marksman-report.html');
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(reportPath, html);
  const reportBytes = Buffer.byteLength(html);
  out(`\nReport: ${reportPath} (${all.length} charts, ${int(reportBytes / 1024)} KB; opens offline).`);
  return { reportPath, reportBytes, charts: all.map((c) => String(c.spec.title)) };
}
