// Internal: grows the trees of a random forest (bootstrap rows, a random
// subset of features per node), shared by the classifier and the regressor.
import { Random, throwIfAborted } from '@marksman/core';
import type { LearnerFitProgress } from '../types';
import { cartWorkspace, codeColumns, drawLimit, growTree } from './cart';
import type { CartCriterion, CartTarget, TreeArrays } from './cart';
import type { FeatureMatrix } from './features';
import { featuresPerNode } from './tree-options';
import type { TreeSettings } from './tree-options';

/** Forest settings after checking. */
export interface ForestSettings extends TreeSettings {
  readonly nEstimators: number;
  readonly bootstrap: boolean;
}

/**
 * Grows `nEstimators` trees from one random stream seeded by `seed`: for
 * each tree, n bootstrap draws (when `bootstrap`), then the tree's feature
 * draws. Row weights are multiplied by the bootstrap counts. The columns
 * are sorted and coded once for every tree. O(p · n log n + trees · (n +
 * depth · n · m · (C + log n))) for m features examined per node.
 */
export function growForest(
  source: string,
  s: ForestSettings,
  criterion: CartCriterion,
  fm: FeatureMatrix,
  target: CartTarget,
  weight: Float64Array,
  signal: AbortSignal | null,
  onProgress: ((p: LearnerFitProgress) => void) | null,
): TreeArrays[] {
  const n = fm.n;
  const p = fm.names.length;
  const maxFeatures = featuresPerNode(s.maxFeatures, p);
  const coded = codeColumns(fm.columns);
  let rng = new Random(s.seed);
  const trees: TreeArrays[] = [];
  const w = new Float64Array(n);
  const work = cartWorkspace(coded, target.kind === 'class' ? target.nClasses : 1);
  for (let t = 0; t < s.nEstimators; t++) {
    throwIfAborted(signal ?? undefined, source);
    if (s.bootstrap) {
      rng = drawBootstrap(rng, n, w);
      for (let i = 0; i < n; i++) w[i]! *= weight[i]!;
    } else w.set(weight);
    trees.push(growTree({ coded, target, weight: w }, { criterion, maxDepth: s.maxDepth, minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf, maxFeatures, rng }, work));
    onProgress?.({ iteration: t + 1, maxIterations: s.nEstimators, loss: null, validationLoss: null });
  }
  return trees;
}

/**
 * Counts n draws of a row in [0, n) into `counts`: the same draws as n
 * calls of `rng.int(n)`, and returns the stream as `rng` would be after
 * them. The generator's step (xoshiro128**, as `Random.nextUint32`) runs on
 * local copies of its four state words, which stay in registers, rather
 * than through a method call per draw. O(n).
 */
export function drawBootstrap(rng: Random, n: number, counts: Float64Array): Random {
  counts.fill(0);
  const state = rng.getState();
  let [s0, s1, s2, s3] = state.words as [number, number, number, number];
  const limit = drawLimit(n);
  for (let k = 0; k < n; k++) {
    let x: number;
    do {
      const m = Math.imul(s1, 5);
      x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    } while (x >= limit);
    counts[x - Math.floor(x / n) * n]! += 1;
  }
  return Random.fromState({ words: [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0], spareNormal: state.spareNormal });
}

/** scikit-learn's forest importances: the mean over trees that split, renormalised to sum 1 (all 0 when no tree splits). */
export function forestImportances(trees: readonly TreeArrays[], p: number): Float64Array {
  const out = new Float64Array(p);
  let used = 0;
  for (const t of trees) {
    if (t.feature.length <= 1) continue;
    used++;
    for (let f = 0; f < p; f++) out[f]! += t.importances[f]!;
  }
  if (used === 0) return out;
  let s = 0;
  for (let f = 0; f < p; f++) s += out[f]!;
  if (s > 0) for (let f = 0; f < p; f++) out[f]! /= s;
  return out;
}
