// Internal: the options trees and forests share, checked once.
import { checkChoice, checkInt, checkSeed } from './checks';

/** How many features a node may look at: all, ⌊√p⌋, ⌊log2 p⌋, or a count (capped at p). */
export type MaxFeatures = 'all' | 'sqrt' | 'log2' | number;

/** Tree options after checking. */
export interface TreeSettings {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly seed: number;
}

/** Checks the options every tree and forest takes. */
export function checkTreeSettings(
  source: string,
  o: { readonly maxDepth: number | null; readonly minSamplesSplit: number; readonly minSamplesLeaf: number; readonly maxFeatures: MaxFeatures; readonly seed: number },
): TreeSettings {
  const maxDepth = checkInt(source, 'maxDepth', o.maxDepth, 1, Infinity, true);
  const minSamplesSplit = checkInt(source, 'minSamplesSplit', o.minSamplesSplit, 2, Number.MAX_SAFE_INTEGER);
  const minSamplesLeaf = checkInt(source, 'minSamplesLeaf', o.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER);
  const mf = o.maxFeatures;
  const maxFeatures = typeof mf === 'number' ? checkInt(source, 'maxFeatures', mf, 1, Number.MAX_SAFE_INTEGER) : checkChoice(source, 'maxFeatures', mf, ['all', 'sqrt', 'log2']);
  const seed = checkSeed(source, o.seed);
  return { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, seed };
}

/** Features per node for p features (scikit-learn: max(1, int(√p)), max(1, int(log2 p))). */
export function featuresPerNode(mf: MaxFeatures, p: number): number {
  if (mf === 'all') return p;
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  return Math.min(p, mf);
}
