// Where the demo's data come from: the simulated shop (default), or, with
// `--data <dir>`, the UCI Online Retail transactions and the Hillstrom e-mail
// experiment read from that folder (never copied anywhere).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateTransactions } from '@marksman/core';
import type { CleanTransaction, ValidationReport } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { loadHillstrom, loadOnlineRetail } from '@marksman/datasets/node';
import { int } from './format';
import type { Progress } from './progress';

/** One customer of the experiment: arm index (0 is the control), outcome and the pre-period covariate. */
export interface ExperimentCustomer {
  readonly arm: number;
  readonly converted: number;
  readonly spend: number;
  readonly covariate: number;
  /** What was known about the customer before the send (the uplift model's features). */
  readonly features: Readonly<Record<string, number | string>>;
  /** The customer's true effect of each arm on conversion (index 0, the control, is 0), where simulated. */
  readonly trueEffect: readonly number[] | null;
}

/** The randomised experiment the demo reads three ways. */
export interface ExperimentData {
  readonly name: string;
  readonly arms: readonly string[];
  readonly intendedWeights: readonly number[];
  readonly customers: readonly ExperimentCustomer[];
  /** What the CUPED covariate is. */
  readonly covariateName: string;
  /** Names of the fields in each customer's `features`. */
  readonly featureNames: readonly string[];
  /** Average true effect on conversion per treatment arm, where the data are simulated. */
  readonly trueEffects: readonly number[] | null;
}

/** What the journey runs on. */
export interface DemoData {
  /** A sentence naming the data. */
  readonly source: string;
  readonly validation: ValidationReport<CleanTransaction>;
  /** Profiles are built as of this instant; nothing after it is used for them. */
  readonly asOf: number;
  readonly itemCategory: ReadonlyMap<string, string> | null;
  readonly experiment: ExperimentData;
  /** BG/NBD parameters that generated the data, where simulated. */
  readonly trueBgNbd: { readonly r: number; readonly alpha: number; readonly a: number; readonly b: number } | null;
  /** The latent segment of a customer, where simulated. */
  readonly trueSegmentOf: ((customerId: string) => number) | null;
}

/** Options of {@link loadDemoData}. */
export interface DemoDataOptions {
  readonly seed: number;
  readonly customers: number | undefined;
  readonly dataDir: string | undefined;
}

/** Simulates the shop, or reads Online Retail and Hillstrom from `dataDir`. */
export async function loadDemoData(o: DemoDataOptions, progress: Progress): Promise<DemoData> {
  if (o.dataDir !== undefined) return loadRealData(o.dataDir, progress);
  const shop = await progress.step(`Simulating the shop (seed ${o.seed})`, (tick) =>
    simulateShop({ seed: o.seed, ...(o.customers === undefined ? {} : { customers: o.customers }), onProgress: (f) => tick(`${Math.round(100 * f)}%`) }),
  );
  const validation = await progress.step('Validating every transaction', () => validateTransactions(shop.transactions));
  const c = shop.campaign;
  // Pre-period spend per customer (the 12 weeks before the send): the CUPED covariate.
  const preStart = c.startTime - 12 * 7 * 86_400_000;
  const preSpend = new Map<string, number>();
  // What a team knows of each customer at the send: their orders and last purchase before it (the uplift model's features).
  const ordersBefore = new Map<string, Set<string>>();
  const lastBefore = new Map<string, number>();
  for (const t of validation.rows) {
    if (t.timestamp >= c.startTime) continue;
    const id = String(t.customerId);
    if (t.timestamp >= preStart) preSpend.set(id, (preSpend.get(id) ?? 0) + t.amount);
    let set = ordersBefore.get(id);
    if (set === undefined) ordersBefore.set(id, (set = new Set()));
    set.add(String(t.orderId));
    if (t.timestamp > (lastBefore.get(id) ?? -Infinity)) lastBefore.set(id, t.timestamp);
  }
  const weeksSinceLast = (id: string) => {
    const at = lastBefore.get(id);
    return at === undefined ? 104 : Math.min(104, (c.startTime - at) / (7 * 86_400_000));
  };
  const eligible = shop.truth.eligible;
  const trueEffects = c.arms.slice(1).map((_, k) => {
    const e = shop.truth.treatmentEffects.conversion[k + 1]!;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < e.length; i++) {
      if (eligible[i]) {
        sum += e[i]!;
        n++;
      }
    }
    return sum / n;
  });
  const rowOf = new Map(shop.customers.map((cu, i) => [String(cu.customerId), i] as const));
  return {
    source: `a simulated shop (seed ${o.seed}): ${int(shop.customers.length)} customers, ${int(shop.items.length)} items, ${int(shop.transactions.length)} order lines`,
    validation,
    asOf: c.startTime,
    itemCategory: new Map(shop.items.map((it) => [String(it.itemId), it.category ?? '?'] as const)),
    experiment: {
      name: `the "${c.name}" e-mail campaign`,
      arms: c.arms,
      // The simulator's default split, stated up front as a real team would.
      intendedWeights: [0.5, 0.25, 0.25],
      customers: c.outcomes.map((r) => {
        const id = String(r.customerId);
        const i = rowOf.get(id)!;
        return {
          arm: c.arms.indexOf(r.arm),
          converted: r.converted,
          spend: r.spend,
          covariate: preSpend.get(id) ?? 0,
          features: { preSpend: preSpend.get(id) ?? 0, ordersBefore: ordersBefore.get(id)?.size ?? 0, weeksSinceLast: weeksSinceLast(id) },
          trueEffect: c.arms.map((_, k) => (k === 0 ? 0 : shop.truth.treatmentEffects.conversion[k]![i]!)),
        };
      }),
      covariateName: 'spend in the 12 weeks before the send',
      featureNames: ['preSpend', 'ordersBefore', 'weeksSinceLast'],
      trueEffects,
    },
    trueBgNbd: shop.truth.bgnbd,
    trueSegmentOf: (id) => shop.truth.segmentOf[rowOf.get(id)!]!,
  };
}

async function loadRealData(dir: string, progress: Progress): Promise<DemoData> {
  const retailDir = join(dir, 'online-retail');
  const hillstromDir = join(dir, 'hillstrom');
  for (const [what, file] of [
    ['UCI Online Retail', join(retailDir, 'online_retail.csv')],
    ['Hillstrom', join(hillstromDir, 'hillstrom.csv')],
  ] as const) {
    if (!existsSync(file)) throw new Error(`--data ${dir}: ${what} is missing (${file}); the folder must hold online-retail/online_retail.csv and hillstrom/hillstrom.csv.`);
  }
  const retail = await progress.step('Reading UCI Online Retail (48 MB)', () => loadOnlineRetail(retailDir));
  const rows = await progress.step('Reading the Hillstrom e-mail experiment', () => loadHillstrom(hillstromDir));
  const arms = ['No E-Mail', 'Mens E-Mail', 'Womens E-Mail'] as const;
  let last = -Infinity;
  for (const t of retail.transactions.rows) if (t.timestamp > last) last = t.timestamp;
  return {
    source: `UCI Online Retail (${int(retail.lines.length)} invoice lines, ${dir}) and the Hillstrom e-mail experiment (${int(rows.length)} customers)`,
    validation: retail.transactions,
    // The start of the UTC day after the last invoice: the as-of dates of the CLV summaries are whole days.
    asOf: (Math.floor(last / 86_400_000) + 1) * 86_400_000,
    itemCategory: null,
    experiment: {
      name: 'the Hillstrom (MineThatData) e-mail test',
      arms,
      intendedWeights: [1 / 3, 1 / 3, 1 / 3],
      customers: rows.map((r) => ({
        arm: arms.indexOf(r.segment),
        converted: r.conversion,
        spend: r.spend,
        covariate: r.history,
        features: { recency: r.recency, history: r.history, mens: r.mens, womens: r.womens, newbie: r.newbie, zipCode: r.zipCode, channel: r.channel },
        trueEffect: null,
      })),
      covariateName: 'past-year spend (history)',
      featureNames: ['recency', 'history', 'mens', 'womens', 'newbie', 'zipCode', 'channel'],
      trueEffects: null,
    },
    trueBgNbd: null,
    trueSegmentOf: null,
  };
}
