// The normal-mixture mSPRT in one place, shared by sequentialTest (analysis)
// and sequentialSampleSize (design) so the two can never disagree.
//
// With θ̂ the estimated difference, V its variance and a N(0, τ²) mixing
// distribution over θ (Johari et al. 2017), the mixture likelihood ratio is
//   Λ = √(V/(V+τ²)) · exp(τ² θ̂² / (2V(V+τ²))).
// Λ ≥ 1/α  ⇔  z² = θ̂²/V ≥ ((V+τ²)/τ²) · (ln((V+τ²)/V) − 2 ln α),
// so the test rejects at a look exactly when |z| reaches the boundary
// b(V) = √(((V+τ²)/τ²) · (ln((V+τ²)/V) − 2 ln α)), and b·√V is the half-width
// of the normal-mixture confidence sequence of Howard et al. (2021): the
// interval excludes 0 exactly when the test rejects.

/**
 * τ² of the mixture that makes the confidence sequence tightest at
 * `plannedSampleSize` units per variant (Howard et al. 2021; the rule behind
 * GrowthBook's tuning parameter): τ² = V* · (−2 ln α + ln(1 − 2 ln α)) with
 * V* = (s²_c + s²_v) / plannedSampleSize.
 */
export function plannedTau2(varianceSum: number, plannedSampleSize: number, alpha: number): number {
  const logAlpha = Math.log(alpha);
  return (varianceSum / plannedSampleSize) * (-2 * logAlpha + Math.log(1 - 2 * logAlpha));
}

/** ln Λ of the normal mixture for estimate `diff` with variance `V` (> 0) and mixing variance `tau2` (> 0). */
export function mixtureLogLikelihoodRatio(diff: number, V: number, tau2: number): number {
  return 0.5 * Math.log(V / (V + tau2)) + (tau2 * diff * diff) / (2 * V * (V + tau2));
}

/** |z| at which Λ reaches 1/α at a look with variance `V` (> 0): the mSPRT boundary. */
export function mixtureBoundary(V: number, tau2: number, alpha: number): number {
  return Math.sqrt(((V + tau2) / tau2) * (Math.log((V + tau2) / V) - 2 * Math.log(alpha)));
}
