/**
 * The Marksman demo: simulate a shop, validate its data and print a summary
 * a marketer can read. Run it with `npx --yes pnpm@12.4.2 demo`.
 *
 * Options (environment): MARKSMAN_DEMO_CUSTOMERS (default: the simulator's
 * default size), MARKSMAN_DEMO_SEED (default 42).
 */
import { periodKey, validateEvents, validateTransactions } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { behaviourFeatures, calibrationHoldoutSplit, customerLifetimeValue, fitBgNbd, fitGammaGamma, rfm, standardScaler, summarizeForClv } from '@marksman/profiling';
import { adjustedRandIndex } from '@marksman/metrics';
import { chooseK, describeClusters, kmeans, rfmScores, rfmSegments, segmentRules } from '@marksman/segmentation';
import { ALS, BPR, ItemKNN, Popularity, evaluateRanking, randomUserSplit } from '@marksman/recsys';
import { bayesBinomial, cuped, proportionsZTest, sequentialTest, srmTest, summarizeExperiment, welchTTest } from '@marksman/experiments';

const seed = Number(process.env.MARKSMAN_DEMO_SEED ?? 42);
const customersOption = process.env.MARKSMAN_DEMO_CUSTOMERS ? { customers: Number(process.env.MARKSMAN_DEMO_CUSTOMERS) } : {};

const fmtInt = (x: number) => x.toLocaleString('en-US');
const fmtMoney = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

function heading(title: string): void {
  console.log(`\n${title}\n${'─'.repeat(title.length)}`);
}

const t0 = performance.now();
const shop = simulateShop({ seed, ...customersOption });
const simSeconds = (performance.now() - t0) / 1000;

heading(`Marksman demo — simulated shop (seed ${seed})`);
console.log(`Generated in ${simSeconds.toFixed(2)} s: ${fmtInt(shop.customers.length)} customers, ${fmtInt(shop.items.length)} items, ${fmtInt(shop.transactions.length)} order lines, ${fmtInt(shop.events.length)} events.`);

// 1. Validation: every row is checked; refused rows would be listed with their reason.
heading('1. Data validation');
const tx = validateTransactions(shop.transactions);
const ev = validateEvents(shop.events);
for (const [name, r] of [
  ['transactions', tx],
  ['events', ev],
] as const) {
  const reasons = Object.entries(r.countsByCode)
    .map(([code, n]) => `${code} × ${n}`)
    .join(', ');
  console.log(`${pad(name, 13)} ${lpad(fmtInt(r.kept), 9)} kept of ${fmtInt(r.total)}${r.rejected.length ? `; refused: ${reasons}` : '; none refused'}`);
}

// 2. Business summary from the validated rows.
heading('2. Customers, orders and revenue');
const orders = new Map<string, { customer: string; amount: number; time: number }>();
let revenue = 0;
for (const t of tx.rows) {
  revenue += t.amount;
  const key = String(t.orderId);
  const o = orders.get(key);
  if (o) o.amount += t.amount;
  else orders.set(key, { customer: String(t.customerId), amount: t.amount, time: t.timestamp });
}
const buyers = new Map<string, number>();
for (const o of orders.values()) buyers.set(o.customer, (buyers.get(o.customer) ?? 0) + 1);
const repeatBuyers = [...buyers.values()].filter((n) => n > 1).length;
const first = Math.min(...[...orders.values()].map((o) => o.time));
const last = Math.max(...[...orders.values()].map((o) => o.time));
console.log(`Period:            ${new Date(first).toISOString().slice(0, 10)} to ${new Date(last).toISOString().slice(0, 10)}`);
console.log(`Customers:         ${fmtInt(shop.customers.length)} (${fmtInt(buyers.size)} bought at least once, ${fmtInt(repeatBuyers)} more than once)`);
console.log(`Orders:            ${fmtInt(orders.size)}`);
console.log(`Revenue:           ${fmtMoney(revenue)}`);
console.log(`Average order:     ${fmtMoney(revenue / orders.size)}`);
console.log(`Orders per buyer:  ${(orders.size / buyers.size).toFixed(2)}`);

const byMonth = new Map<string, number>();
for (const o of orders.values()) {
  const k = periodKey(o.time, 'month');
  byMonth.set(k, (byMonth.get(k) ?? 0) + o.amount);
}
const months = [...byMonth.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const maxMonth = Math.max(...months.map(([, v]) => v));
console.log('\nRevenue by month:');
for (const [m, v] of months) console.log(`  ${m}  ${lpad(fmtMoney(v), 14)}  ${'█'.repeat(Math.round((30 * v) / maxMonth))}`);

// 3. Events by type (the funnel).
heading('3. Events by type');
const byType = new Map<string, number>();
for (const e of ev.rows) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
const funnel = ['view', 'click', 'cart', 'purchase'];
for (const [type, n] of [...byType.entries()].sort((a, b) => b[1] - a[1])) {
  const i = funnel.indexOf(type);
  const prev = i > 0 ? byType.get(funnel[i - 1]!) : undefined;
  console.log(`  ${pad(type, 12)} ${lpad(fmtInt(n), 9)}${prev ? `   (${pct(n / prev, 1)} of ${funnel[i - 1]}s)` : ''}`);
}

// 4. Campaign arms.
heading(`4. Campaign "${shop.campaign.name}" (${new Date(shop.campaign.startTime).toISOString().slice(0, 10)}, outcome window to ${new Date(shop.campaign.endTime).toISOString().slice(0, 10)})`);
console.log(`  ${pad('arm', 10)} ${lpad('customers', 10)} ${lpad('converted', 10)} ${lpad('rate', 8)} ${lpad('spend/customer', 15)}`);
for (const arm of shop.campaign.arms) {
  const rows = shop.campaign.outcomes.filter((o) => o.arm === arm);
  const conv = rows.reduce((s, o) => s + o.converted, 0);
  const spend = rows.reduce((s, o) => s + o.spend, 0);
  console.log(`  ${pad(arm, 10)} ${lpad(fmtInt(rows.length), 10)} ${lpad(fmtInt(conv), 10)} ${lpad(pct(conv / rows.length), 8)} ${lpad(fmtMoney(spend / rows.length), 15)}`);
}

// 5. The campaign, analysed three ways. Each treatment arm is compared with the control.
heading('5. Did the e-mail work? (frequentist, Bayesian, sequential)');
const campaign = shop.campaign;
const arms = campaign.arms;
const perArm = arms.map((arm) => campaign.outcomes.filter((o) => o.arm === arm));
const conversions = perArm.map((rows) => ({ n: rows.length, conversions: rows.reduce((s, o) => s + o.converted, 0) }));
// Intended weights from the simulator's defaults, as a real team would state them up front.
const weights = [0.5, 0.25, 0.25];
const srm = srmTest(conversions.map((c) => c.n), weights);
console.log(`Sample-ratio check against ${weights.join(' / ')}: χ² = ${srm.chiSquare.toFixed(2)}, p = ${srm.pValue.toFixed(3)} → ${srm.mismatch ? 'MISMATCH: do not trust the results' : 'passed'}`);

// Pre-period spend per customer (the 12 weeks before the send) as the CUPED covariate.
const preStart = campaign.startTime - 12 * 7 * 86_400_000;
const preSpend = new Map<string, number>();
for (const t of tx.rows) {
  if (t.timestamp >= preStart && t.timestamp < campaign.startTime) preSpend.set(String(t.customerId), (preSpend.get(String(t.customerId)) ?? 0) + t.amount);
}
const spendRows = perArm.map((rows) => ({ values: rows.map((o) => o.spend), covariates: rows.map((o) => preSpend.get(o.customerId) ?? 0) }));

for (let k = 1; k < arms.length; k++) {
  const conv = proportionsZTest(conversions[0]!, conversions[k]!);
  const spend = welchTTest(spendRows[0]!.values, spendRows[k]!.values);
  const spendCuped = cuped(spendRows[0]!, spendRows[k]!);
  const summary = summarizeExperiment(
    [
      { name: 'conversion', result: conv },
      { name: 'spend per customer', result: spendCuped, format: 'number', role: 'secondary' },
    ],
    { variantName: `"${arms[k]}"`, srm },
  );
  console.log(`\n  ${arms[k]} vs ${arms[0]}:`);
  for (const line of summary.lines) console.log(`    ${line}`);
  console.log(`    CUPED on spend (pre-period spend as covariate): standard error ${spend.standardError.toFixed(3)} → ${spendCuped.standardError.toFixed(3)}, variance −${pct(spendCuped.varianceReduction, 1)}`);
}

const bayes = bayesBinomial(conversions);
console.log('\n  Bayesian (Beta(1, 1) prior):');
for (const c of bayes.comparisons) {
  console.log(`    ${pad(arms[c.index]!, 9)} chance to beat ${arms[0]}: ${pct(c.chanceToWin, 1)}, lift ${pct(c.lift, 1)} (95% credible ${pct(c.ciLow, 1)} to ${pct(c.ciHigh, 1)}), expected loss if shipped ${(100 * c.expectedLoss).toFixed(3)} pp`);
}

// Sequential: as if customers had entered the test over 14 days (one cohort a day, in customer order) and the
// team looked at the results every evening. Each look sees the final outcomes of the customers enrolled so far.
const days = 14;
let look: ReturnType<typeof sequentialTest> | undefined;
const stops: string[] = [];
for (let d = 0; d < days; d++) {
  const stats = arms.map(() => ({ n: 0, conversions: 0 }));
  campaign.outcomes.forEach((o, i) => {
    if (i % days > d) return;
    const s = stats[arms.indexOf(o.arm)]!;
    s.n++;
    s.conversions += o.converted;
  });
  look = sequentialTest(stats, look ? { previous: look } : {});
  for (const c of look.comparisons) {
    const name = arms[c.index]!;
    if (c.significant && !stops.some((x) => x.startsWith(name))) stops.push(`${name}: significant at look ${d + 1} (always-valid p = ${c.pValue.toPrecision(2)})`);
  }
}
console.log(`\n  Sequential (mixture SPRT, ${days} daily looks as customers enrol; peeking is safe):`);
for (const c of look!.comparisons) {
  const name = arms[c.index]!;
  console.log(`    ${pad(name, 9)} final always-valid p = ${c.pValue.toPrecision(3)}, diff ${(100 * c.diff).toFixed(2)} pp (confidence sequence ${(100 * c.ciLow).toFixed(2)} to ${(100 * c.ciHigh).toFixed(2)})`);
}
for (const s of stops) console.log(`    ${s}`);
const truthEffect = (k: number) => {
  const e = shop.truth.treatmentEffects.conversion[k]!;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < e.length; i++) {
    if (shop.truth.eligible[i]) {
      sum += e[i]!;
      n++;
    }
  }
  return sum / n;
};
console.log(`\n  Simulator truth (average effect on conversion): ${arms.slice(1).map((a, i) => `${a} +${(100 * truthEffect(i + 1)).toFixed(2)} pp`).join(', ')}`);


// 6. Profiles and customer value, as of the campaign send date (nothing after it is used).
heading('6. Customer profiles and customer value');
const asOf = campaign.startTime;
// Campaign-induced e-mail orders come after asOf anyway; the models see the organic history only.
const history = tx.rows.filter((t) => t.timestamp < asOf);
const profiles = rfm(history, { asOf });
console.log(`RFM as of ${new Date(asOf).toISOString().slice(0, 10)} (${fmtInt(profiles.numRows)} customers), first rows:`);
console.log(`  ${pad('customer', 9)} ${lpad('recency (d)', 12)} ${lpad('orders', 7)} ${lpad('revenue', 11)} ${lpad('avg order', 10)} ${lpad('tenure (d)', 11)}`);
for (let i = 0; i < 5; i++) {
  const r = profiles.row(i) as { customerId: string; recency: number; frequency: number; monetary: number; meanOrderValue: number; tenure: number };
  console.log(`  ${pad(String(r.customerId), 9)} ${lpad(r.recency.toFixed(1), 12)} ${lpad(String(r.frequency), 7)} ${lpad(fmtMoney(r.monetary), 11)} ${lpad(fmtMoney(r.meanOrderValue), 10)} ${lpad(r.tenure.toFixed(1), 11)}`);
}

// Honest check first: fit on weeks before a calibration date, compare with what happened after it.
const calibrationEnd = asOf - 13 * 7 * 86_400_000;
const split = calibrationHoldoutSplit(history, { calibrationEnd, observationEnd: asOf });
const calSummary = summarizeForClv(split.calibration, { asOf: calibrationEnd, timeUnit: 'week' });
const calModel = fitBgNbd(calSummary);
const holdoutWeeks = (asOf - calibrationEnd) / (7 * 86_400_000);
let predicted = 0;
for (const row of calSummary.rows) predicted += calModel.conditionalExpectedPurchases(holdoutWeeks, row);
const calCustomers = new Set(calSummary.rows.map((r) => String(r.customerId)));
const holdoutOrders = new Set(split.holdout.filter((t) => calCustomers.has(String(t.customerId))).map((t) => `${t.customerId}|${Math.floor(t.timestamp / 86_400_000)}`));
console.log(`\nBG/NBD check: fitted on data to ${new Date(calibrationEnd).toISOString().slice(0, 10)}, it predicts ${predicted.toFixed(0)} purchase-days by those customers in the next ${holdoutWeeks} weeks; they made ${fmtInt(holdoutOrders.size)}.`);

const summary = summarizeForClv(history, { asOf, timeUnit: 'week' });
const purchases = fitBgNbd(summary);
const spendModel = fitGammaGamma(summary);
const p = purchases.params;
console.log(`BG/NBD on all history (weekly): r = ${p.r.toFixed(3)}, α = ${p.alpha.toFixed(3)}, a = ${p.a.toFixed(3)}, b = ${p.b.toFixed(3)}${purchases.converged ? '' : ' (did not converge!)'}; simulator truth r = ${shop.truth.bgnbd.r}, α = ${shop.truth.bgnbd.alpha}, a = ${shop.truth.bgnbd.a}, b = ${shop.truth.bgnbd.b}.`);
const values = customerLifetimeValue(summary, { purchaseModel: purchases, spendModel, horizon: 12, timeUnit: 'month', discountRate: 0.01 });
const byId = new Map(summary.rows.map((r) => [String(r.customerId), r] as const));
const top = [...values].sort((a, b) => b.clv - a.clv).slice(0, 8);
console.log('\nTop customers by 12-month CLV (1% monthly discount):');
console.log(`  ${pad('customer', 9)} ${lpad('repeat days', 12)} ${lpad('P(alive)', 9)} ${lpad('exp. purchases', 15)} ${lpad('exp. spend', 11)} ${lpad('CLV', 10)}`);
for (const v of top) {
  const row = byId.get(String(v.customerId))!;
  console.log(`  ${pad(String(v.customerId), 9)} ${lpad(String(row.frequency), 12)} ${lpad(pct(purchases.probabilityAlive(row), 0), 9)} ${lpad(v.expectedPurchases.toFixed(1), 15)} ${lpad(fmtMoney(v.expectedAverageSpend), 11)} ${lpad(fmtMoney(v.clv), 10)}`);
}
const totalClv = values.reduce((s, v) => s + v.clv, 0);
console.log(`  Whole base: ${fmtMoney(totalClv)} expected over the next 12 months.`);


// 7. Segments: named RFM segments, behavioural k-means segments, and rules that explain them.
heading('7. Segments');
const scores = rfmScores(profiles, { bins: 5 });
const segments = rfmSegments(scores);
const revenueOf = new Map<string, number>();
for (let i = 0; i < profiles.numRows; i++) {
  const r = profiles.row(i) as { customerId: string; monetary: number };
  revenueOf.set(String(r.customerId), r.monetary);
}
const bySegment = new Map<string, { n: number; revenue: number }>();
for (const a of segments) {
  const e = bySegment.get(a.segment) ?? { n: 0, revenue: 0 };
  e.n++;
  e.revenue += revenueOf.get(String(a.customerId)) ?? 0;
  bySegment.set(a.segment, e);
}
console.log('RFM segments (quintile scores, default rule table):');
for (const [name, e] of [...bySegment.entries()].sort((a, b) => b[1].revenue - a[1].revenue)) {
  console.log(`  ${pad(name, 19)} ${lpad(fmtInt(e.n), 6)} customers ${lpad(pct(e.n / segments.length, 1), 6)}   revenue so far ${lpad(fmtMoney(e.revenue), 12)}`);
}

// k-means on standardized log1p(recency, frequency, monetary).
const featureNames = ['recency', 'frequency', 'monetary'] as const;
const raw = Array.from({ length: profiles.numRows }, (_, i) => {
  const r = profiles.row(i) as Record<(typeof featureNames)[number], number>;
  return featureNames.map((f) => r[f]);
});
const logged = raw.map((row) => row.map((x) => Math.log1p(x)));
const features = standardScaler().fit(logged).transform(logged);
const pick = chooseK(features, { kRange: [2, 6], seed: 1 });
console.log(`\nk-means, choosing k on standardized log-RFM: ${pick.reason}`);
const km = kmeans(features, pick.recommendedK, { nInit: 5, seed: 1 });
const described = describeClusters(raw, km.labels, { featureNames: [...featureNames] });
for (const c of described.clusters) {
  const [rec, freq, mon] = c.centroid;
  console.log(`  cluster ${c.label}: ${lpad(fmtInt(c.size), 6)} customers — mean recency ${rec!.toFixed(0)} d, ${freq!.toFixed(1)} orders, ${fmtMoney(mon!)}; ${c.distinguishing.slice(0, 2).map((d) => `${d.feature} ${d.direction} (z ${d.zScore.toFixed(1)})`).join(', ')}`);
}
const rowIndexOf = (id: string) => Number(id.slice(1)) - 1; // simulator ids are c1, c2, …
const truthLabels = Int32Array.from({ length: profiles.numRows }, (_, i) => shop.truth.segmentOf[rowIndexOf(String((profiles.row(i) as { customerId: string }).customerId))]!);
console.log(`  Agreement with the simulator's latent segments: adjusted Rand index ${adjustedRandIndex(truthLabels, km.labels).toFixed(3)}. RFM is a snapshot: it separates recent, frequent buyers from lapsed ones, not the latent taste segments that generated the data.`);

// Taste segments: k-means on the share of each customer's activity per product category.
const behaviour = behaviourFeatures(ev.rows, { asOf, items: shop.items });
const categoryColumns = behaviour.columnNames.filter((c) => c.startsWith('category_'));
const shares = Array.from({ length: behaviour.numRows }, (_, i) => {
  const r = behaviour.row(i) as Record<string, number>;
  return categoryColumns.map((c) => (Number.isFinite(r[c]) ? r[c]! : 0));
});
const scaledShares = standardScaler().fit(shares).transform(shares);
const tastePick = chooseK(scaledShares, { kRange: [2, 8], seed: 1, silhouetteSampleSize: 3000 });
const taste = kmeans(scaledShares, tastePick.recommendedK, { nInit: 5, seed: 1 });
const behaviourTruth = Int32Array.from({ length: behaviour.numRows }, (_, i) => shop.truth.segmentOf[rowIndexOf(String((behaviour.row(i) as { customerId: string }).customerId))]!);
const tasteAtTruthK = kmeans(scaledShares, shop.truth.segments, { nInit: 5, seed: 1 });
console.log(
  `\nk-means on ${categoryColumns.length} category shares: chooseK picks k = ${tastePick.recommendedK} (adjusted Rand index against the simulator's ${shop.truth.segments} latent segments ` +
    `${adjustedRandIndex(behaviourTruth, taste.labels).toFixed(3)}); with k = ${shop.truth.segments} the index is ${adjustedRandIndex(behaviourTruth, tasteAtTruthK.labels).toFixed(3)}. Taste, not RFM, is what defines these segments.`,
);

// Readable rules for the k-means clusters, from a shallow tree on the raw features.
const ruleRows = raw.map(([recency, frequency, monetary]) => ({ recency: recency!, frequency: frequency!, monetary: monetary! }));
const tree = segmentRules(ruleRows, Array.from(km.labels, (l) => `cluster ${l}`), { maxDepth: 3, minSamplesLeaf: 50, units: { recency: 'days', monetary: '$' } });
console.log('\n  Rules a marketer can read (depth-3 tree):');
for (const r of tree.rules.filter((x) => x.samples >= 300).slice(0, 8)) console.log(`    ${r.text}`);


// 8. Recommendations: purchases before the campaign, a seeded per-user 80/20 split, four models.
heading('8. Recommendations');
const purchasesBefore = new Map<string, { userId: string; itemId: string; weight: number }>();
for (const t of history) {
  if (t.itemId === undefined) continue;
  const key = `${t.customerId}|${t.itemId}`;
  const e = purchasesBefore.get(key);
  if (e) e.weight += t.quantity;
  else purchasesBefore.set(key, { userId: String(t.customerId), itemId: String(t.itemId), weight: t.quantity });
}
const recInteractions = [...purchasesBefore.values()];
const { train, test } = randomUserSplit(recInteractions, { testFraction: 0.2, seed: 1 });
console.log(`${fmtInt(recInteractions.length)} customer–item purchase pairs; ${fmtInt(train.length)} to train, ${fmtInt(test.length)} held out.`);
const models = [
  ['Popularity', new Popularity()],
  ['ItemKNN (BM25, 50 neighbours)', new ItemKNN({ weighting: 'bm25', neighbours: 50 })],
  // About 5 purchases per customer: ALS needs strong regularization here (50 was the best of
  // 0.05, 1, 5, 20, 50 in a small search on this same split, so its row is slightly optimistic).
  ['ALS (64 factors, reg 50)', new ALS({ factors: 64, iterations: 15, regularization: 50, alpha: 1, seed: 1 })],
  ['BPR (64 factors)', new BPR({ factors: 64, iterations: 60, learningRate: 0.05, regularization: 0.01, seed: 1 })],
] as const;
console.log(`  ${pad('model', 30)} ${lpad('fit s', 6)} ${lpad('P@10', 7)} ${lpad('R@10', 7)} ${lpad('NDCG@10', 8)} ${lpad('MAP@10', 7)} ${lpad('coverage', 9)}`);
let als: ALS | undefined;
for (const [name, model] of models) {
  const t1 = performance.now();
  await model.fit(train);
  const fitSeconds = (performance.now() - t1) / 1000;
  const e = evaluateRanking(model, test, { k: 10, train });
  console.log(`  ${pad(name, 30)} ${lpad(fitSeconds.toFixed(2), 6)} ${lpad(e.precision.toFixed(4), 7)} ${lpad(e.recall.toFixed(4), 7)} ${lpad(e.ndcg.toFixed(4), 8)} ${lpad(e.map.toFixed(4), 7)} ${lpad(pct(e.coverage, 1), 9)}`);
  if (model instanceof ALS) als = model;
}
const itemCategory = new Map(shop.items.map((it) => [String(it.itemId), it.category ?? '?'] as const));
// Three customers with a real history (at least 8 items bought in the training part).
const trainCount = new Map<string, number>();
for (const r of train) trainCount.set(r.userId, (trainCount.get(r.userId) ?? 0) + 1);
const showcase = [...trainCount.entries()].filter(([, n]) => n >= 8).slice(0, 3).map(([id]) => id);
console.log('\nTop-5 ALS recommendations with explanations (the history items that contributed most):');
for (const customer of showcase) {
  console.log(`  ${customer} (${trainCount.get(customer)} items bought):`);
  for (const r of als!.recommend(customer, { k: 5 })) {
    const why = als!.explain(customer, r.itemId, { k: 2 });
    const because = why.contributions.map((c) => `${c.itemId} (${itemCategory.get(String(c.itemId))})`).join(', ');
    console.log(`    ${pad(`${r.itemId} (${itemCategory.get(String(r.itemId))})`, 24)} score ${r.score.toPrecision(3)}${because ? `  because of ${because}` : ''}`);
  }
}
console.log('\nMore: docs/README.md lists the guides (customer value, segmentation, A/B testing, recommenders).');
