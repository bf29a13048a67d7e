import { beforeAll, describe, expect, it } from 'vitest';
import { simulateShop } from '@marksman/datasets';
import type { SimulatedShop } from '@marksman/datasets';
import reference from './fixtures/bgnbd_expected.json';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1. */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 20_000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** BG/NBD expected repeat purchases in (0, t] (Fader, Hardie & Lee 2005, eq. 9). */
function bgnbdExpected(r: number, alpha: number, a: number, b: number, t: number): number {
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

function meanSd(xs: ArrayLike<number>): { mean: number; sd: number; n: number } {
  let s = 0;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    ss += xs[i]! * xs[i]!;
  }
  const n = xs.length;
  const mean = s / n;
  return { mean, sd: Math.sqrt(Math.max(0, (ss - n * mean * mean) / (n - 1))), n };
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe('simulateShop', () => {
  let shop: SimulatedShop;
  const START = Date.parse('2024-01-01T00:00:00Z');
  beforeAll(() => {
    shop = simulateShop({ seed: 11 });
  });

  it('has the documented shape and sizes', () => {
    expect(shop.customers).toHaveLength(10_000);
    expect(shop.items).toHaveLength(2_000);
    expect(shop.transactions.length).toBeGreaterThan(40_000);
    expect(shop.events.length).toBeGreaterThan(200_000);
    expect(shop.events.length).toBeLessThan(1_000_000);
    expect(shop.truth.itemFactors).toHaveLength(2_000 * 8);
    expect(shop.truth.customerFactors).toHaveLength(10_000 * 8);
    expect(shop.truth.bgnbd).toEqual({ r: 0.75, alpha: 4, a: 0.8, b: 2.5 });
    expect(shop.truth.gammaGamma).toEqual({ p: 6, q: 4, gamma: 15 });
    // Every customer was acquired in the first 26 weeks, before the campaign at week 40.
    expect(shop.campaign.assignments).toHaveLength(10_000);
    expect(shop.campaign.startTime).toBe(START + 40 * WEEK_MS);
    expect(shop.campaign.endTime).toBe(START + 42 * WEEK_MS);
    // signupDate is the first purchase.
    const first = new Map<string, number>();
    for (const t of shop.transactions) if (!first.has(t.customerId as string)) first.set(t.customerId as string, t.timestamp);
    expect(shop.customers.filter((c) => c.attributes.signupDate !== first.get(c.customerId as string))).toEqual([]);
    expect(shop.customers.every((c, i) => c.attributes.signupDate === shop.truth.acquisitionTime[i])).toBe(true);
  });

  it('rows are in time order and inside the period', () => {
    const end = START + 52 * WEEK_MS;
    for (const rows of [shop.transactions, shop.events]) {
      let prev = -Infinity;
      let bad = 0;
      for (const row of rows) {
        if (!(row.timestamp >= prev && row.timestamp >= START && row.timestamp < end)) bad++;
        prev = row.timestamp;
      }
      expect(bad).toBe(0);
    }
  });

  it('draws λ, p and ν from their populations (means within 4 SE)', () => {
    const { r, alpha, a, b } = shop.truth.bgnbd;
    const { q, gamma } = shop.truth.gammaGamma;
    const n = shop.customers.length;
    const lam = meanSd(shop.truth.lambda);
    expect(Math.abs(lam.mean - r / alpha)).toBeLessThan(4 * Math.sqrt(r) / alpha / Math.sqrt(n));
    const p = meanSd(shop.truth.dropout);
    const pVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(p.mean - a / (a + b))).toBeLessThan(4 * Math.sqrt(pVar / n));
    const nu = meanSd(shop.truth.nu);
    expect(Math.abs(nu.mean - q / gamma)).toBeLessThan(4 * Math.sqrt(q) / gamma / Math.sqrt(n));
  });

  it('the BG/NBD expectation used below matches scipy (fixtures/bgnbd_expected.py)', () => {
    for (const c of reference.cases) {
      expect(bgnbdExpected(c.r, c.alpha, c.a, c.b, c.t)).toBeCloseTo(c.expected, 10);
    }
  });

  it('repeat purchases follow BG/NBD: E[X(T)] and P(X(T) = 0) match theory', () => {
    const { r, alpha, a, b } = shop.truth.bgnbd;
    const n = shop.customers.length;
    // Count non-campaign orders per customer from the transactions themselves.
    const orders = new Map<string, Set<string>>();
    for (const t of shop.transactions) {
      if (t.channel === 'email') continue;
      const id = t.customerId as string;
      let set = orders.get(id);
      if (set === undefined) orders.set(id, (set = new Set()));
      set.add(t.orderId as string);
    }
    const end = START + 52 * WEEK_MS;
    const x = new Float64Array(n);
    let expectedSum = 0;
    let expectedZero = 0;
    let zeros = 0;
    let mismatched = 0;
    for (let i = 0; i < n; i++) {
      const c = shop.customers[i]!;
      x[i] = orders.get(c.customerId as string)!.size - 1;
      if (x[i] !== shop.truth.repeatPurchases[i]) mismatched++;
      const T = (end - shop.truth.acquisitionTime[i]!) / WEEK_MS;
      expectedSum += bgnbdExpected(r, alpha, a, b, T);
      expectedZero += Math.pow(alpha / (alpha + T), r);
      if (x[i] === 0) zeros++;
    }
    expect(mismatched).toBe(0);
    const m = meanSd(x);
    expect(Math.abs(m.mean - expectedSum / n)).toBeLessThan((4 * m.sd) / Math.sqrt(n));
    const pz = expectedZero / n;
    expect(Math.abs(zeros / n - pz)).toBeLessThan(4 * Math.sqrt((pz * (1 - pz)) / n));
  });

  it('order values follow Gamma-Gamma: E[value · ν / p] = 1 and the population mean is pγ/(q−1)', () => {
    const { p, q, gamma } = shop.truth.gammaGamma;
    const totals = new Map<string, { customer: number; value: number }>();
    for (const t of shop.transactions) {
      if (t.channel === 'email') continue;
      const o = totals.get(t.orderId as string);
      if (o === undefined) totals.set(t.orderId as string, { customer: Number((t.customerId as string).slice(1)) - 1, value: t.amount });
      else o.value += t.amount;
    }
    const scaled: number[] = [];
    const first = new Map<number, number>();
    for (const o of totals.values()) {
      scaled.push((o.value * shop.truth.nu[o.customer]!) / p);
      if (!first.has(o.customer)) first.set(o.customer, o.value);
    }
    const s = meanSd(scaled);
    // Var(value·ν/p | ν) = 1/p; rounding to cents adds a little.
    expect(Math.abs(s.mean - 1)).toBeLessThan(4 * Math.sqrt(1 / p / s.n) + 1e-3);
    // One order per customer, so the values are independent draws from the marginal.
    const f = meanSd([...first.values()]);
    expect(Math.abs(f.mean - (p * gamma) / (q - 1))).toBeLessThan((4 * f.sd) / Math.sqrt(f.n));
  });

  it('segments differ in purchase rate and spend, as their directions say', () => {
    // With 4 segments the directions are 45°, 135°, 225°, 315° in the (log λ, −log ν) plane.
    const K = shop.truth.segments;
    const lam = new Float64Array(K);
    const spend = new Float64Array(K);
    const count = new Float64Array(K);
    for (let i = 0; i < shop.customers.length; i++) {
      const s = shop.truth.segmentOf[i]!;
      lam[s]! += Math.log(shop.truth.lambda[i]!);
      spend[s]! += -Math.log(shop.truth.nu[i]!);
      count[s]!++;
    }
    for (let s = 0; s < K; s++) expect(count[s]).toBeGreaterThan(1000);
    const mean = (v: Float64Array, s: number) => v[s]! / count[s]!;
    expect(mean(lam, 0)).toBeGreaterThan(mean(lam, 1));
    expect(mean(lam, 3)).toBeGreaterThan(mean(lam, 2));
    expect(mean(spend, 0)).toBeGreaterThan(mean(spend, 3));
    expect(mean(spend, 1)).toBeGreaterThan(mean(spend, 2));
  });

  it('home categories: each category is home to one segment, whose purchases concentrate there as separation grows', () => {
    const homeShare = (sep: number) => {
      const s = simulateShop({ customers: 800, items: 100, separation: sep, seed: 5, interactions: false });
      const K = s.truth.segments;
      const nCat = s.truth.categoryTaste.length / K;
      const names = [...new Set(s.items.map((it) => it.category as string))];
      expect(names.length).toBe(nCat);
      // Category index k is the k-th name of the simulator's list, which items use as is.
      const catIndex = new Map(s.items.map((it) => [it.itemId, ['apparel', 'shoes', 'accessories', 'beauty', 'home', 'kitchen', 'garden', 'electronics', 'books', 'toys', 'sports', 'grocery'].indexOf(it.category as string)]));
      for (let k = 0; k < nCat; k++) {
        let homes = 0;
        for (let g = 0; g < K; g++) {
          const t = s.truth.categoryTaste[g * nCat + k]!;
          expect(t === 0 || t === 2 * sep).toBe(true);
          if (t > 0) homes++;
        }
        expect(homes).toBe(sep > 0 ? 1 : 0);
      }
      let home = 0;
      for (const tx of s.transactions) {
        const g = s.truth.segmentOf[Number(String(tx.customerId).slice(1)) - 1]!;
        if (s.truth.categoryTaste[g * nCat + catIndex.get(tx.itemId!)!]! > 0) home++;
      }
      return home / s.transactions.length;
    };
    const none = homeShare(0);
    const some = homeShare(1);
    const strong = homeShare(4);
    expect(none).toBe(0); // no taste is raised at separation 0
    expect(some).toBeGreaterThan(0.4);
    expect(strong).toBeGreaterThan(some);
    expect(strong).toBeGreaterThan(0.9);
  });

  it('separation controls how recoverable the segments are from the customer factors', () => {
    const accuracy = (sep: number) => {
      const s = simulateShop({ customers: 2000, items: 20, separation: sep, seed: 3 });
      const d = s.truth.factors;
      const K = s.truth.segments;
      const centre = new Float64Array(K * d);
      const cnt = new Float64Array(K);
      for (let i = 0; i < 2000; i++) {
        const k = s.truth.segmentOf[i]!;
        cnt[k]!++;
        for (let f = 0; f < d; f++) centre[k * d + f]! += s.truth.customerFactors[i * d + f]!;
      }
      for (let k = 0; k < K; k++) for (let f = 0; f < d; f++) centre[k * d + f]! /= Math.max(1, cnt[k]!);
      let ok = 0;
      for (let i = 0; i < 2000; i++) {
        let best = -1;
        let bestD = Infinity;
        for (let k = 0; k < K; k++) {
          let dist = 0;
          for (let f = 0; f < d; f++) dist += (s.truth.customerFactors[i * d + f]! - centre[k * d + f]!) ** 2;
          if (dist < bestD) {
            bestD = dist;
            best = k;
          }
        }
        if (best === s.truth.segmentOf[i]) ok++;
      }
      return ok / 2000;
    };
    expect(accuracy(4)).toBeGreaterThan(0.95);
    expect(accuracy(0.25)).toBeLessThan(0.6);
  });

  it('purchases concentrate on high-affinity items (a recommender can learn them)', () => {
    const { factors: d, customerFactors: F, itemFactors: G, itemPopularity: pop, categoryTaste, segmentOf } = shop.truth;
    const nItems = shop.items.length;
    const itemCat = shop.items.map((it) => it.category!);
    // The generator names category k after the k-th entry of this list.
    const names = ['apparel', 'shoes', 'accessories', 'beauty', 'home', 'kitchen', 'garden', 'electronics', 'books', 'toys', 'sports', 'grocery'];
    const nCat = categoryTaste.length / shop.truth.segments;
    const scores = new Float64Array(nItems);
    let rankSum = 0;
    let count = 0;
    for (let l = 0; l < shop.transactions.length; l += 7) {
      const t = shop.transactions[l]!;
      const u = Number((t.customerId as string).slice(1)) - 1;
      const j = Number((t.itemId as string).slice(1)) - 1;
      for (let k = 0; k < nItems; k++) {
        let dot = 0;
        for (let f = 0; f < d; f++) dot += F[u * d + f]! * G[k * d + f]!;
        scores[k] = dot / Math.sqrt(d) + pop[k]! + categoryTaste[segmentOf[u]! * nCat + names.indexOf(itemCat[k]!)]!;
      }
      let below = 0;
      for (let k = 0; k < nItems; k++) if (scores[k]! < scores[j]!) below++;
      rankSum += below / (nItems - 1);
      count++;
    }
    // A random item would sit at the 50th percentile of the customer's affinities.
    expect(rankSum / count).toBeGreaterThan(0.9);
  });

  it('funnel: every purchase is preceded within the hour by a view, click and cart of that item', () => {
    const last = new Map<string, [number, number, number]>();
    let purchases = 0;
    let broken = 0;
    for (const e of shop.events) {
      if (e.itemId === undefined) continue;
      const key = `${e.customerId}|${e.itemId}`;
      let s = last.get(key);
      if (s === undefined) last.set(key, (s = [-Infinity, -Infinity, -Infinity]));
      if (e.type === 'view') s[0] = e.timestamp;
      else if (e.type === 'click') s[1] = e.timestamp;
      else if (e.type === 'cart') s[2] = e.timestamp;
      else if (e.type === 'purchase') {
        purchases++;
        const hour = 3600_000;
        if (!s.every((x) => x >= e.timestamp - hour && x <= e.timestamp)) broken++;
      }
    }
    expect(broken).toBe(0);
    expect(purchases).toBe(shop.transactions.length);
  });

  it('purchase events, transactions and interactions agree', () => {
    const purchaseValue = shop.events.filter((e) => e.type === 'purchase').reduce((s, e) => s + e.value!, 0);
    const txValue = shop.transactions.reduce((s, t) => s + t.amount, 0);
    expect(purchaseValue).toBeCloseTo(txValue, 4);
    const units = shop.transactions.reduce((s, t) => s + t.quantity, 0);
    expect(shop.interactions!.reduce((s, x) => s + x.weight, 0)).toBe(units);
    const bad = shop.transactions.filter((t) => !(Math.abs(t.amount - t.unitPrice! * t.quantity) < 1e-6 && t.amount > 0));
    expect(bad).toEqual([]);
  });

  it('arm shares match the weights (within 4 SE)', () => {
    const n = shop.campaign.assignments.length;
    const weights = [0.5, 0.25, 0.25];
    shop.campaign.arms.forEach((arm, k) => {
      const share = shop.campaign.assignments.filter((x) => x.arm === arm).length / n;
      expect(Math.abs(share - weights[k]!)).toBeLessThan(4 * Math.sqrt((weights[k]! * (1 - weights[k]!)) / n));
    });
  });

  it('difference in means recovers the true average and per-segment effects (within 4 SE)', () => {
    const { outcomes, arms } = shop.campaign;
    const idx = (id: string) => Number(id.slice(1)) - 1;
    const check = (filter: (i: number) => boolean) => {
      const byArm = arms.map((arm) => outcomes.filter((o) => o.arm === arm && filter(idx(o.customerId))));
      const control = byArm[0]!;
      const c = meanSd(control.map((o) => o.converted));
      const cs = meanSd(control.map((o) => o.spend));
      for (let k = 1; k < arms.length; k++) {
        const t = meanSd(byArm[k]!.map((o) => o.converted));
        const ts = meanSd(byArm[k]!.map((o) => o.spend));
        const eligible = outcomes.map((o) => idx(o.customerId)).filter(filter);
        const truthConv = meanSd(eligible.map((i) => shop.truth.treatmentEffects.conversion[k]![i]!)).mean;
        const truthSpend = meanSd(eligible.map((i) => shop.truth.treatmentEffects.spend[k]![i]!)).mean;
        const se = Math.sqrt((t.sd * t.sd) / t.n + (c.sd * c.sd) / c.n);
        expect(Math.abs(t.mean - c.mean - truthConv)).toBeLessThan(4 * se);
        const seS = Math.sqrt((ts.sd * ts.sd) / ts.n + (cs.sd * cs.sd) / cs.n);
        expect(Math.abs(ts.mean - cs.mean - truthSpend)).toBeLessThan(4 * seS);
      }
    };
    check(() => true);
    for (let s = 0; s < shop.truth.segments; s++) check((i) => shop.truth.segmentOf[i] === s);
    // The configured effect (8%) is clearly visible in the data, not just "within noise".
    const conv = (arm: string) => meanSd(outcomes.filter((o) => o.arm === arm).map((o) => o.converted)).mean;
    expect(conv('discount') - conv('control')).toBeGreaterThan(0.04);
    // Heterogeneity: segment 0 has multiplier 1.6, segment 3 multiplier 0.4.
    const eff = shop.truth.treatmentEffects.conversion[1]!;
    const segMean = (s: number) => meanSd([...eff].filter((_, i) => shop.truth.segmentOf[i] === s)).mean;
    expect(segMean(0)).toBeGreaterThan(2 * segMean(3));
    expect(shop.truth.treatmentEffects.conversion[0]!.every((x) => x === 0)).toBe(true);
  });

  it('outcomes are what the transactions say happened in the window', () => {
    const spend = new Map<string, number>();
    for (const t of shop.transactions) {
      if (t.timestamp >= shop.campaign.startTime && t.timestamp < shop.campaign.endTime) {
        spend.set(t.customerId as string, (spend.get(t.customerId as string) ?? 0) + t.amount);
      }
    }
    const wrong = shop.campaign.outcomes.filter(
      (o) => o.converted !== (spend.has(o.customerId) ? 1 : 0) || Math.abs(o.spend - (spend.get(o.customerId) ?? 0)) > 1e-6,
    );
    expect(wrong).toEqual([]);
    // Only treated customers get e-mails, and only campaign-induced orders use the email channel.
    const treated = new Set(shop.campaign.assignments.filter((a) => a.armIndex > 0).map((a) => a.customerId));
    const sends = shop.events.filter((e) => e.type === 'email_send');
    expect(sends.every((e) => treated.has(e.customerId as string))).toBe(true);
    expect(sends).toHaveLength(treated.size);
  });

  it('same seed gives identical output; another seed does not', () => {
    const opts = { customers: 300, items: 60, seed: 5 };
    const a = simulateShop(opts);
    const b = simulateShop(opts);
    expect(b).toEqual(a);
    const c = simulateShop({ ...opts, seed: 6 });
    expect(c.transactions).not.toEqual(a.transactions);
  });

  it('does not mutate a frozen options object', () => {
    const opts = deepFreeze({
      customers: 200,
      items: 30,
      seed: 2,
      bgnbd: { r: 1 },
      campaign: { arms: ['control', 'promo'], weights: [1, 1], conversionEffects: [0, 0.5], spendMultipliers: [1, 1] },
    });
    const before = JSON.stringify(opts);
    const s = simulateShop(opts);
    expect(JSON.stringify(opts)).toBe(before);
    expect(s.truth.bgnbd).toEqual({ r: 1, alpha: 4, a: 0.8, b: 2.5 });
    expect(s.campaign.arms).toEqual(['control', 'promo']);
    const bare = simulateShop({ customers: 50, items: 5, segments: 1, interactions: false, campaign: { arms: ['control'], weights: [1], conversionEffects: [0], spendMultipliers: [1] } });
    expect(bare.interactions).toBeUndefined();
    expect(bare.items.every((it) => it.category !== undefined)).toBe(true);
    expect(bare.campaign.assignments.every((a) => a.arm === 'control')).toBe(true);
    expect(bare.events.some((e) => e.type === 'email_send')).toBe(false);
  });

  it('refuses bad options with E_OPTION_RANGE / E_OPTION_UNKNOWN', () => {
    expect(() => simulateShop({ customers: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'customers' }));
    expect(() => simulateShop({ weeks: 10, acquisitionWeeks: 5, campaign: { startWeek: 9.5, weeks: 2 } })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'campaign.weeks' }),
    );
    expect(() => simulateShop({ campaign: { conversionEffects: [0.1, 0.1, 0.1] } })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'campaign.conversionEffects' }),
    );
    expect(() => simulateShop({ campaign: { weights: [1, 1] } })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'campaign.weights' }));
    expect(() => simulateShop({ start: 'not a date' })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'start' }));
    expect(() => simulateShop({ seed: 1.5 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'seed' }));
    expect(() => simulateShop({ sed: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => simulateShop({ bgnbd: { beta: 1 } } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });

  it('reads a start without a zone as UTC and refuses impossible or non-ISO dates', () => {
    const small = { customers: 30, items: 10, weeks: 10, acquisitionWeeks: 5, campaign: { startWeek: 6 } } as const;
    const utc = simulateShop({ ...small, start: '2024-01-01T00:00:00Z' });
    const local = simulateShop({ ...small, start: '2024-01-01T00:00:00' });
    expect(local.campaign.startTime).toBe(Date.UTC(2024, 0, 1) + 6 * WEEK_MS);
    expect(local.transactions).toEqual(utc.transactions);
    expect(simulateShop({ ...small, start: '2024-01-01' }).campaign.startTime).toBe(utc.campaign.startTime);
    expect(simulateShop({ ...small, start: new Date(Date.UTC(2024, 0, 1)) }).campaign.startTime).toBe(utc.campaign.startTime);
    for (const start of ['2024-02-30', '2024-13-01', 'Jan 1 2024', '2024/01/01', '1704067200000', '', new Date(NaN), NaN, null, 8.64e15]) {
      expect(() => simulateShop({ ...small, start: start as never }), String(start)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'start' }));
    }
  });

  it('refuses numbers given as strings, a bad campaign name and a signal that is not an AbortSignal', () => {
    expect(() => simulateShop({ customers: '100' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'customers' }));
    expect(() => simulateShop({ separation: '0.05' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'separation' }));
    expect(() => simulateShop({ bgnbd: { r: '0.5' as never } })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'bgnbd.r' }));
    expect(() => simulateShop({ campaign: { weights: ['1', 1, 1] as never } })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'campaign.weights[0]' }));
    expect(() => simulateShop({ campaign: { name: 5 as never } })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'campaign.name' }));
    expect(() => simulateShop({ signal: 'stop' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'signal' }));
    expect(() => simulateShop({ campaign: { nme: 'x' } as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => simulateShop({ gammaGamma: { P: 1 } } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => simulateShop(new Date() as never)).toThrow(expect.objectContaining({ code: 'E_OPTIONS_TYPE' }));
  });

  it('reports progress and stops on abort', () => {
    const seen: number[] = [];
    simulateShop({ customers: 100, items: 10, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
    const ctl = new AbortController();
    ctl.abort();
    expect(() => simulateShop({ customers: 100, signal: ctl.signal })).toThrow(expect.objectContaining({ code: 'E_ABORTED' }));
  });

  it('mirrors the doc example', () => {
    const s = simulateShop({ customers: 200, items: 50, seed: 1 });
    expect(s.customers.length).toBe(200);
    expect(s.truth.bgnbd).toEqual({ r: 0.75, alpha: 4, a: 0.8, b: 2.5 });
    expect(s.campaign.arms).toEqual(['control', 'discount', 'content']);
  });
});
