/**
 * ExplicitMF on MovieLens 100K's u1…u5 folds with hyper-parameters chosen
 * honestly: by a validation split inside each training fold only, never by
 * the test fold (issue 6, RMSE target ≤ 0.934, stretch ≤ 0.919).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interaction } from '@marksman/core';
import { parseMovieLensRatings } from '@marksman/datasets';
import { ExplicitMF, evaluateRating, kFoldSplit } from '@marksman/recsys';
import type { ExplicitMFOptions } from '@marksman/recsys';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

const FACTORS = [50, 100] as const;
const EPOCHS = [40, 80, 120] as const;
const REGS = [0.08, 0.12, 0.16, 0.2] as const;
const LEARNING_RATE = 0.005;

export const meta: BenchMeta = {
  id: 'recsys-explicit-cv-100k',
  title: 'ExplicitMF (SGD) on MovieLens 100K u1…u5 with hyper-parameters chosen inside each training fold',
  protocol:
    'For each k in 1…5: u{k}.base is cut once into 90 % inner-train / 10 % validation (kFoldSplit of the base, 10 folds, ' +
    'seed k, first fold held out; rating-level shuffle). Every grid point is fitted on inner-train and scored by validation ' +
    `RMSE (predictions clipped to the training range). Grid (solver sgd, learningRate ${LEARNING_RATE}, initStd 0.1, seed 0): ` +
    `factors ∈ {${FACTORS.join(', ')}} × epochs ∈ {${EPOCHS.join(', ')}} × regularization ∈ {${REGS.join(', ')}} ` +
    `(${FACTORS.length * EPOCHS.length * REGS.length} points). The point with the lowest validation RMSE (ties: fewer factors, then ` +
    'fewer epochs) is refitted on the whole u{k}.base and evaluated once on u{k}.test (RMSE and MAE over every test rating). ' +
    'u{k}.test is read only for that final evaluation. The defaults (Surprise SVD: 100 f, 20 epochs, reg 0.02) are evaluated ' +
    'on the same folds for comparison. --quick: fold 1 only, grid factors {100} × epochs {20, 60} × reg {0.02, 0.08}. ' +
    'Targets from issue 6: RMSE ≤ 0.934 (Surprise SVD, shuffled 5-fold), stretch ≤ 0.919 (Surprise SVD++).',
};

function readRatings(dataDir: string, file: string): Interaction[] {
  return [...parseMovieLensRatings(readFileSync(join(dataDir, 'movielens-100k', file), 'utf8'), { file }).rows];
}

interface GridPoint {
  factors: number;
  iterations: number;
  regularization: number;
}

function grid(quick: boolean): GridPoint[] {
  const out: GridPoint[] = [];
  for (const factors of quick ? [100] : FACTORS) {
    for (const iterations of quick ? [20, 60] : EPOCHS) {
      for (const regularization of quick ? [0.02, 0.08] : REGS) out.push({ factors, iterations, regularization });
    }
  }
  return out;
}

async function rmseOf(opts: Partial<ExplicitMFOptions>, train: readonly Interaction[], test: readonly Interaction[]): Promise<{ rmse: number; mae: number }> {
  const model = await new ExplicitMF({ ...opts, solver: 'sgd', learningRate: LEARNING_RATE }).fit(train);
  return evaluateRating(model, test);
}

const label = (p: GridPoint) => `${p.factors} f, ${p.iterations} epochs, reg ${p.regularization}`;

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  if (!existsSync(join(ctx.dataDir, 'movielens-100k', 'u1.base'))) {
    return { rows: [], notes: [`skipped: MovieLens 100K not found under ${ctx.dataDir} (set MARKSMAN_DATA_DIR).`] };
  }
  const folds = ctx.quick ? [1] : [1, 2, 3, 4, 5];
  const points = grid(ctx.quick);
  const rows: BenchRow[] = [];
  const validationSum = new Float64Array(points.length);
  const t0 = performance.now();
  const chosen: string[] = [];
  for (const k of folds) {
    const base = readRatings(ctx.dataDir, `u${k}.base`);
    const inner = kFoldSplit(base, { folds: 10, seed: k })[0]!;
    let best = -1;
    let bestRmse = Infinity;
    for (let g = 0; g < points.length; g++) {
      const v = (await rmseOf(points[g]!, inner.train, inner.test)).rmse;
      validationSum[g]! += v;
      // grid is ordered by factors, then epochs, so a strict "<" keeps the smaller model on ties
      if (v < bestRmse) {
        bestRmse = v;
        best = g;
      }
    }
    const p = points[best]!;
    chosen.push(label(p));
    const test = readRatings(ctx.dataDir, `u${k}.test`);
    const tuned = await rmseOf(p, base, test);
    const defaults = await rmseOf({}, base, test);
    rows.push({
      fold: `u${k}`,
      chosen: label(p),
      validationRmse: bestRmse,
      testRmse: tuned.rmse,
      testMae: tuned.mae,
      defaultsTestRmse: defaults.rmse,
      defaultsTestMae: defaults.mae,
    });
  }
  const mean = (key: string) => rows.reduce((a, r) => a + (r[key] as number), 0) / rows.length;
  rows.push({
    fold: ctx.quick ? 'mean (u1 only)' : 'mean u1…u5',
    chosen: [...new Set(chosen)].length === 1 ? chosen[0]! : 'per fold',
    validationRmse: mean('validationRmse'),
    testRmse: mean('testRmse'),
    testMae: mean('testMae'),
    defaultsTestRmse: mean('defaultsTestRmse'),
    defaultsTestMae: mean('defaultsTestMae'),
  });
  const order = Array.from(points.keys()).sort((a, b) => validationSum[a]! - validationSum[b]!);
  const top = order.slice(0, 3).map((g) => `${label(points[g]!)} (mean validation RMSE ${(validationSum[g]! / folds.length).toFixed(4)})`);
  const target = mean('testRmse');
  return {
    rows,
    notes: [
      `Best grid points by mean validation RMSE over the folds: ${top.join('; ')}.`,
      'This grid extends an earlier one (factors {50, 100, 200} × epochs {20, 40, 60, 80} × reg {0.02, 0.05, 0.08, 0.12}, ' +
        'same protocol) whose validation choice was its corner, 80 epochs and reg 0.12, in every fold (factors 100, 100, 100, 50, 200); ' +
        'that run gave mean test RMSE 0.9148, MAE 0.7237. The grid was widened because that validation optimum lay on the edge of the grid.',
      `Honest mean test RMSE ${target.toFixed(4)}: target ≤ 0.934 ${target <= 0.934 ? 'met' : 'missed'}, stretch ≤ 0.919 ${target <= 0.919 ? 'met' : 'missed'}.`,
      `Grid search plus refits took ${((performance.now() - t0) / 1000).toFixed(0)} s wall, single-threaded Node, on a 2-core machine shared with other jobs.`,
    ],
  };
}
