// Internal: grows the trees of a random forest (bootstrap rows, a random
// subset of features per node), shared by the classifier and the regressor.
import { Random, throwIfAborted } from '@marksman/core';
import type { LearnerFitProgress } from '../types';
import { cartWorkspace, codeColumns, drawLimit, growTree, streamWords } from './cart';
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
  const stream = streamWords(new Random(s.seed));
  const trees: TreeArrays[] = [];
  const w = new Float64Array(n);
  const work = cartWorkspace(coded, target.kind === 'class' ? target.nClasses : 1);
  for (let t = 0; t < s.nEstimators; t++) {
    throwIfAborted(signal ?? undefined, source);
    if (s.bootstrap) {
      drawBootstrap(stream, n, w);
      for (let i = 0; i < n; i++) w[i]! *= weight[i]!;
    } else w.set(weight);
    trees.push(growTree({ coded, target, weight: w }, { criterion, maxDepth: s.maxDepth, minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf, maxFeatures, stream }, work));
    onProgress?.({ iteration: t + 1, maxIterations: s.nEstimators, loss: null, validationLoss: null });
  }
  return trees;
}

/**
 * Counts n draws of a row in [0, n) into `counts`: the same draws as n
 * calls of `Random.int(n)` on the stream whose state words ({@link
 * streamWords}) are `stream`, which it advances in place as those calls
 * would. The generator (xoshiro128**, as `Random.nextUint32`) steps on
 * local copies of the words, in registers. O(n).
 */
export function drawBootstrap(stream: Int32Array, n: number, counts: Float64Array): void {
  counts.fill(0);
  let s0 = stream[0]!;
  let s1 = stream[1]!;
  let s2 = stream[2]!;
  let s3 = stream[3]!;
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
  stream[0] = s0;
  stream[1] = s1;
  stream[2] = s2;
  stream[3] = s3;
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
