/**
 * bayesBinomial against scipy: the same quantities (chance to win, expected
 * loss, 95% credible interval of the lift) by scipy.integrate.quad + brentq,
 * compared for agreement and time.
 */
import { fileURLToPath } from 'node:url';
import { bayesBinomial } from '@marksman/experiments';
import { referencePython, runPython, timeIt } from '../harness';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-bayes-binomial',
  title: 'bayesBinomial vs scipy (quad + brentq)',
  protocol:
    'Two arms, cases below (prior, control n/conversions, variant n/conversions). Marksman: bayesBinomial with ' +
    "difference 'relative' (chance to win, expected loss, 95% credible interval of the lift, plus arm summaries). " +
    'scipy 1.10 (benchmarks/experiments/bayes_scipy.py): P(B > A) and E[max(A − B, 0)] by integrate.quad over the ' +
    "control's 1e-15 quantile range, the lift interval by brentq on the quad cdf of log(B/A); tolerances 1e-10. " +
    'Median of 5 runs after 1 warm-up (3 runs in Python).',
};

const CASES = [
  { name: '1k/arm, 10% vs 12%, uniform prior', prior: [1, 1], control: [1000, 100], variant: [1000, 120] },
  { name: '100k/arm, Jeffreys prior (no integer shape)', prior: [0.5, 0.5], control: [100000, 10000], variant: [100000, 10150] },
  { name: '1M/arm, uniform prior', prior: [1, 1], control: [1000000, 100000], variant: [1000000, 101000] },
  { name: '10M/arm, uniform prior', prior: [1, 1], control: [10000000, 1000000], variant: [10000000, 1001000] },
  { name: 'zero conversions, Jeffreys prior', prior: [0.5, 0.5], control: [200, 0], variant: [180, 2] },
] as const;

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const repeats = ctx.quick ? 2 : 5;
  const py = referencePython(['scipy']);
  const ref = py
    ? (runPython(py, fileURLToPath(new URL('./bayes_scipy.py', import.meta.url)), [JSON.stringify(CASES), String(ctx.quick ? 1 : 3)]) as Array<Record<string, number>>)
    : null;
  const out: BenchRow[] = [];
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i]!;
    const input = [
      { n: c.control[0], conversions: c.control[1] },
      { n: c.variant[0], conversions: c.variant[1] },
    ];
    const opts = { priorAlpha: c.prior[0], priorBeta: c.prior[1] };
    let cmp = bayesBinomial(input, opts).comparisons[0]!;
    const t = await timeIt(() => {
      cmp = bayesBinomial(input, opts).comparisons[0]!;
    }, repeats);
    const r = ref?.[i];
    const diff = r
      ? Math.max(
          Math.abs(cmp.chanceToWin - r.chanceToWin!),
          Math.abs(cmp.expectedLoss - r.expectedLoss!),
          Math.abs(cmp.ciLow - r.ciLow!),
          Math.abs(cmp.ciHigh - r.ciHigh!),
        )
      : null;
    out.push({
      case: c.name,
      'chance to win': cmp.chanceToWin,
      method: cmp.method,
      'marksman s (full analysis)': t.median,
      'scipy s (win, loss, lift CI)': r ? r.seconds! : null,
      'max |difference|': diff,
    });
  }
  return {
    rows: out,
    notes: [
      py ? 'Differences cover chanceToWin, expectedLoss and both ends of the lift interval.' : 'scipy column skipped: /usr/bin/python3 with scipy not found.',
      "Marksman's time includes the arm summaries (credible intervals, chance to be best, loss against the best) that scipy does not compute.",
    ],
  };
}
