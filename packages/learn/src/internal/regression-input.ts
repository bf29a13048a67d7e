// Internal: what every regressor's fit() reads first, in the one order that fixes which error a bad call gets:
// the fit options, an abort already signalled, the features, the targets, then the sample weights.
import { throwIfAborted } from '@marksman/core';
import type { FeatureInput, LearnerFitOptions, TargetInput } from '../types';
import { resolveFit } from './estimator';
import type { ResolvedFit } from './estimator';
import { readFitFeatures } from './features';
import type { FeatureMatrix, MissingPolicy } from './features';
import { readSampleWeight, readTargets } from './targets';

/** The checked input of a regressor's fit. */
export interface RegressionFitInput {
  /** Fit options with every field present. */
  readonly fo: ResolvedFit;
  /** The feature columns and their names. */
  readonly fm: FeatureMatrix;
  /** A finite target per row, |y| ≤ 1e150. */
  readonly target: Float64Array;
  /** Sample weights, or null when none were given. */
  readonly weight: Float64Array | null;
}

/**
 * Reads and checks the arguments of `source` (a regressor's fit); `missing` says whether NaN features are refused;
 * with `borrow` (a fit that never writes its target or weights) Float64Array targets and weights are used without a
 * copy. O(n·p).
 */
export function readRegressionFit(source: string, X: FeatureInput, y: TargetInput, options: LearnerFitOptions | undefined, missing: MissingPolicy, borrow = false): RegressionFitInput {
  const fo = resolveFit(source, options);
  throwIfAborted(fo.signal ?? undefined, source);
  const fm = readFitFeatures(source, X, fo.featureNames, missing);
  const target = readTargets(source, y, fm.n, borrow);
  const weight = readSampleWeight(source, fo.sampleWeight, fm.n, borrow);
  return { fo, fm, target, weight };
}
