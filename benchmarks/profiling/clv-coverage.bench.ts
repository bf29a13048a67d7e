/**
 * Customer value: do clvIntervals' 95 % intervals cover the truth 95 % of the
 * time? Simulated shops with known BG/NBD parameters.
 */
import { simulateShop } from '@marksman/datasets';
import { BgNbdModel, clvIntervals, fitBgNbd, summarizeForClv } from '@marksman/profiling';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'profiling-clv-coverage',
  title: 'Coverage of clvIntervals on simulated shops (BG/NBD, true parameters known)',
  protocol:
    'simulateShop seeds 1000…1499 (500 shops; 60 in a quick run), 1,000 customers each, 52 weeks of 2024, default BG/NBD ' +
    'population (r 0.75, alpha 4, a 0.8, b 2.5 per week); the e-mail-induced orders (channel "email") are left out, as they are ' +
    'not part of the BG/NBD process. summarizeForClv (weeks, asOf 2024-12-30), fitBgNbd, then clvIntervals with 500 draws ' +
    '(seed = shop index) for the total expected purchases of all customers in the next 13 weeks, at levels 0.95 and 0.5. ' +
    'Truth: the same total under the true parameters (sum of conditionalExpectedPurchases(13, customer)). Coverage = share of ' +
    'shops whose interval contains the truth; with 500 shops its standard error at 95 % is about 1 percentage point.',
};

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const shops = ctx.quick ? 60 : 500;
  const levels = [0.95, 0.5];
  const covered = levels.map(() => 0);
  const widths = levels.map(() => 0);
  const z: number[] = [];
  const t0 = Date.now();
  let failed = 0;
  for (let s = 0; s < shops; s++) {
    const shop = simulateShop({ seed: 1000 + s, customers: 1000, items: 50, interactions: false });
    const summary = summarizeForClv(
      shop.transactions.filter((t) => t.channel !== 'email'),
      { asOf: '2024-12-30', timeUnit: 'week' },
    );
    const model = fitBgNbd(summary);
    if (model.fit?.covariance === null) {
      failed++;
      continue;
    }
    const truth = new BgNbdModel(shop.truth.bgnbd, 'week');
    const total = summary.rows.reduce((sum, c) => sum + truth.conditionalExpectedPurchases(13, c), 0);
    levels.forEach((level, i) => {
      const iv = clvIntervals(summary, { purchaseModel: model, horizon: 13, draws: 500, seed: s, level }).totals.expectedPurchases;
      if (iv.lower <= total && total <= iv.upper) covered[i] = covered[i]! + 1;
      widths[i] = widths[i]! + (iv.upper - iv.lower) / iv.estimate;
      if (i === 0) z.push((iv.estimate - total) / ((iv.upper - iv.lower) / (2 * 1.959963984540054)));
    });
  }
  const used = shops - failed;
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1));
  const rows: BenchRow[] = levels.map((level, i) => ({
    level,
    shops: used,
    coverage: covered[i]! / used,
    'coverage SE': Math.sqrt((level * (1 - level)) / used),
    'mean relative width': widths[i]! / used,
  }));
  return {
    rows,
    notes: [
      `Standardised error of the estimate, (estimate − truth) / (interval half-width / 1.96): mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)} (1 for exact intervals).`,
      failed > 0 ? `${failed} shops had no covariance (non-positive-definite information) and were skipped.` : 'Every fit had a positive-definite information matrix.',
      `Total run time ${((Date.now() - t0) / 1000).toFixed(0)} s (single-threaded Node on a shared machine).`,
      'The intervals describe parameter uncertainty: the truth they are checked against is the expectation under the true parameters, not the purchases that chance then produced.',
    ],
  };
}
