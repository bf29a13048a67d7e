/**
 * Targeting under a budget on the simulated shop (issue #11 §3), where every
 * customer's true effect of the discount e-mail is known: how well a
 * T-learner ranks customers, what the audience chosen by targetAudience
 * truly earns against contacting everyone and against the top decile by
 * predicted response, and whether targetAudience's interval covers the true
 * incremental conversions across many shops.
 */
import { Random } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import type { SimulatedShop } from '@marksman/datasets';
import { targetAudience } from '@marksman/experiments';
import type { UpliftScorer } from '@marksman/experiments';
import { HistGradientBoostingClassifier } from '@marksman/learn';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

const COST = 1;
const VALUE = 20;

export const meta: BenchMeta = {
  id: 'experiments-targeting',
  title: 'Budgeted targeting on the simulated shop: T-learner uplift vs truth, profit of the chosen audience, interval coverage',
  protocol:
    'simulateShop (items 200, interactions off; campaign defaults: arms control / discount / content at 0.5 / 0.25 / 0.25, ' +
    'discount effect 0.08 × segment multiplier 1.6…0.4 × (1 − baseline)). Only the control and discount arms are used. ' +
    'Features per customer from what happened before the send: age, region and preferred channel one-hot, orders, spend, ' +
    'days since the last order, days since the first, and the share of lines in each of the 12 categories. Eligible customers ' +
    'are split at random (seeded): 50 % train, 25 % a randomised evaluation hold-out (its arms as assigned), 25 % the customers to ' +
    'target (their true effect is truth.treatmentEffects.conversion[1]). Uplift scorer: a T-learner of two @marksman/learn ' +
    'HistGradientBoostingClassifier (maxIter 100, learningRate 0.1, minSamplesLeaf 40, seed 0) fitted on the discount and control ' +
    'train rows (target: converted), uplift = p(discount) − p(control), clipped to [−1, 1]; "response" = p(discount) alone. ' +
    `Economics: cost ${COST} per contact, ${VALUE} per conversion, no budget limit. Profit of an audience = Σ true effect × ${VALUE} − ` +
    `${COST} × contacts (expected profit given the truth). Part A: one shop of 40,000 customers (seed 11; 12,000 in a quick run). ` +
    'Part B: coverage of targetAudience\'s 95 % interval of incremental conversions (and profit) over 40 shops of 6,000 customers ' +
    '(seeds 101…140; 10 in a quick run), each with its own split and T-learner.',
};

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const CHANNELS = ['web', 'app', 'store', 'email'];

/** Pre-campaign features of each eligible customer, and who is in which arm. */
function prepare(shop: SimulatedShop): { rows: Record<string, number | string>[]; index: number[]; arm: number[]; converted: number[] } {
  const { startTime } = shop.campaign;
  const categories = [...new Set(shop.items.map((it) => it.category as string))].sort();
  const catOf = new Map(shop.items.map((it) => [it.itemId, categories.indexOf(it.category as string)]));
  const pos = new Map(shop.customers.map((c, i) => [c.customerId, i]));
  const n = shop.customers.length;
  const orders = new Float64Array(n);
  const spend = new Float64Array(n);
  const firstTs = new Float64Array(n).fill(Infinity);
  const lastTs = new Float64Array(n).fill(-Infinity);
  const lines = new Float64Array(n);
  const cat = new Float64Array(n * categories.length);
  const seenOrder = new Set<string>();
  for (const t of shop.transactions) {
    const ts = t.timestamp as number;
    if (ts >= startTime) continue;
    const i = pos.get(t.customerId)!;
    if (!seenOrder.has(t.orderId as string)) {
      seenOrder.add(t.orderId as string);
      orders[i]! += 1;
    }
    spend[i]! += t.amount ?? 0;
    lines[i]! += 1;
    cat[i * categories.length + catOf.get(t.itemId as string)!]! += 1;
    if (ts < firstTs[i]!) firstTs[i] = ts;
    if (ts > lastTs[i]!) lastTs[i] = ts;
  }
  const rows: Record<string, number | string>[] = [];
  const index: number[] = [];
  const arm: number[] = [];
  const converted: number[] = [];
  shop.campaign.assignments.forEach((a, j) => {
    if (a.armIndex === 2) return;
    const i = pos.get(a.customerId)!;
    const attrs = shop.customers[i]!.attributes as Record<string, unknown>;
    const r: Record<string, number | string> = { customerId: a.customerId, age: attrs.age as number };
    for (const g of REGIONS) r[`region_${g}`] = attrs.region === g ? 1 : 0;
    for (const c of CHANNELS) r[`channel_${c}`] = attrs.preferredChannel === c ? 1 : 0;
    r.orders = orders[i]!;
    r.spend = spend[i]!;
    r.recencyDays = Number.isFinite(lastTs[i]!) ? (startTime - lastTs[i]!) / 86_400_000 : 400;
    r.tenureDays = Number.isFinite(firstTs[i]!) ? (startTime - firstTs[i]!) / 86_400_000 : 0;
    categories.forEach((c, k) => (r[`share_${c}`] = lines[i]! > 0 ? cat[i * categories.length + k]! / lines[i]! : 0));
    rows.push(r);
    index.push(i);
    arm.push(a.armIndex);
    converted.push(shop.campaign.outcomes[j]!.converted);
  });
  return { rows, index, arm, converted };
}

/** The feature columns: every field of a prepared row but the id (evaluation rows also carry treatment and outcome). */
function featureKeys(row: Record<string, number | string>): string[] {
  return Object.keys(row).filter((k) => k !== 'customerId' && k !== 'treatment' && k !== 'outcome');
}

function features(rows: readonly Record<string, unknown>[], keys: readonly string[]): number[][] {
  return rows.map((r) => keys.map((k) => r[k] as number));
}

/** A T-learner: two gradient-boosted classifiers, treated and control. */
function tLearner(rows: readonly Record<string, number | string>[], arm: readonly number[], y: readonly number[]): { scorer: UpliftScorer; response: (rows: readonly Record<string, unknown>[]) => Float64Array } {
  const keys = featureKeys(rows[0]!);
  const X = features(rows, keys);
  const fit = (which: number) => {
    const idx = arm.map((a, i) => (a === which ? i : -1)).filter((i) => i >= 0);
    return new HistGradientBoostingClassifier({ maxIter: 100, learningRate: 0.1, minSamplesLeaf: 40, seed: 0, earlyStopping: false }).fit(
      idx.map((i) => X[i]!),
      idx.map((i) => y[i]!),
    );
  };
  const treated = fit(1);
  const control = fit(0);
  const p1 = (r: readonly Record<string, unknown>[]) => Float64Array.from(treated.predictProba(features(r, keys)), (p) => p[1]!);
  return {
    scorer: {
      predict: (r) => {
        const a = p1(r);
        const b = control.predictProba(features(r, keys));
        return Float64Array.from(a, (v, i) => Math.max(-1, Math.min(1, v - b[i]![1]!)));
      },
    },
    response: p1,
  };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function ranks(a: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[x]! - a[y]!);
  const r = new Float64Array(a.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && a[idx[j + 1]!] === a[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

interface Study {
  shop: SimulatedShop;
  target: Record<string, number | string>[];
  trueEffect: Float64Array;
  evaluation: Record<string, unknown>[];
  model: ReturnType<typeof tLearner>;
}

function study(seed: number, customers: number): Study {
  const shop = simulateShop({ seed, customers, items: 200, interactions: false });
  const { rows, index, arm, converted } = prepare(shop);
  const rng = new Random(seed);
  const part = rows.map(() => rng.next());
  const pick = (lo: number, hi: number) => rows.map((_, i) => i).filter((i) => part[i]! >= lo && part[i]! < hi);
  const train = pick(0, 0.5);
  const evalIdx = pick(0.5, 0.75);
  const targetIdx = pick(0.75, 1);
  const model = tLearner(
    train.map((i) => rows[i]!),
    train.map((i) => arm[i]!),
    train.map((i) => converted[i]!),
  );
  const tau = shop.truth.treatmentEffects.conversion[1]!;
  return {
    shop,
    target: targetIdx.map((i) => rows[i]!),
    trueEffect: Float64Array.from(targetIdx, (i) => tau[index[i]!]!),
    evaluation: evalIdx.map((i) => ({ ...rows[i]!, treatment: arm[i]!, outcome: converted[i]! })),
    model,
  };
}

const trueProfit = (truth: Float64Array, chosen: Iterable<number>) => {
  let p = 0;
  for (const i of chosen) p += truth[i]! * VALUE - COST;
  return p;
};

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  // ---- Part A: one large shop ------------------------------------------------------------------
  const size = ctx.quick ? 12_000 : 40_000;
  const t0 = performance.now();
  const s = study(11, size);
  const fitSeconds = (performance.now() - t0) / 1000;
  const t = targetAudience(s.model.scorer, s.target, { costPerContact: COST, valuePerConversion: VALUE, evaluation: { rows: s.evaluation } });
  const n = s.target.length;
  const truth = s.trueEffect;
  const all = Array.from({ length: n }, (_, i) => i);
  const response = s.model.response(s.target);
  const decile = all.slice().sort((a, b) => response[b]! - response[a]! || a - b).slice(0, Math.round(n / 10));
  const oracle = all.filter((i) => truth[i]! * VALUE > COST);
  const byUplift = all.slice().sort((a, b) => t.uplift[b]! - t.uplift[a]! || a - b).slice(0, Math.round(n / 10));
  const corr = pearson(t.uplift, truth);
  const spearman = pearson(ranks(t.uplift), ranks(truth));
  const e = t.estimate!;
  const audienceTrue = trueProfit(truth, t.selected);
  const row = (audience: string, chosen: number[] | Int32Array, extra: BenchRow = {}): BenchRow => {
    let conv = 0;
    for (const i of chosen) conv += truth[i]!;
    return { part: `A: one shop, ${size.toLocaleString('en')} customers, ${n.toLocaleString('en')} to target`, audience, contacts: chosen.length, 'true incremental conversions': +conv.toFixed(1), 'true expected profit': +trueProfit(truth, chosen).toFixed(1), ...extra };
  };
  rows.push(
    row('targetAudience (T-learner uplift × value > cost)', t.selected, {
      'predicted profit': +t.predicted.incrementalProfit.toFixed(1),
      'measured profit (95 % interval)': `${e.incrementalProfit.value.toFixed(1)} [${e.incrementalProfit.lower.toFixed(1)}, ${e.incrementalProfit.upper.toFixed(1)}]`,
    }),
    row('everyone', all),
    row('top decile by predicted response p(convert | contacted)', decile),
    row('top decile by predicted uplift', byUplift),
    row('oracle (true effect × value > cost)', oracle),
  );
  notes.push(
    `Part A: correlation of predicted and true uplift over the ${n.toLocaleString('en')} customers to target: Pearson ${corr.toFixed(3)}, Spearman ${spearman.toFixed(3)}. ` +
      `Generation + features + T-learner fit took ${fitSeconds.toFixed(1)} s. The chosen audience's true expected profit ${audienceTrue.toFixed(1)} lies ` +
      `${e.incrementalProfit.lower <= audienceTrue && audienceTrue <= e.incrementalProfit.upper ? 'inside' : 'outside'} its measured interval.`,
  );

  // ---- Part B: coverage over shops ---------------------------------------------------------------
  const shops = ctx.quick ? 10 : 40;
  let coveredConv = 0;
  let coveredProfit = 0;
  let widthSum = 0;
  let corrSum = 0;
  for (let k = 0; k < shops; k++) {
    const sb = study(101 + k, 6000);
    const tb = targetAudience(sb.model.scorer, sb.target, { costPerContact: COST, valuePerConversion: VALUE, evaluation: { rows: sb.evaluation } });
    corrSum += pearson(tb.uplift, sb.trueEffect);
    const eb = tb.estimate;
    if (eb === null) continue;
    let conv = 0;
    for (const i of tb.selected) conv += sb.trueEffect[i]!;
    const profit = VALUE * conv - COST * tb.contacts;
    if (eb.incrementalConversions.lower <= conv && conv <= eb.incrementalConversions.upper) coveredConv++;
    if (eb.incrementalProfit.lower <= profit && profit <= eb.incrementalProfit.upper) coveredProfit++;
    widthSum += eb.incrementalConversions.upper - eb.incrementalConversions.lower;
  }
  rows.push({
    part: `B: ${shops} shops of 6,000 customers`,
    audience: 'targetAudience, 95 % interval',
    contacts: 'per shop',
    'coverage of true incremental conversions': +(coveredConv / shops).toFixed(3),
    'coverage of true expected profit': +(coveredProfit / shops).toFixed(3),
    'mean interval width (conversions)': +(widthSum / shops).toFixed(1),
    'mean Pearson(predicted, true uplift)': +(corrSum / shops).toFixed(3),
  });
  notes.push(`Part B: Monte Carlo standard error of a coverage near 95 % over ${shops} shops: ${Math.sqrt((0.95 * 0.05) / shops).toFixed(3)}.`);
  return { rows, notes };
}
