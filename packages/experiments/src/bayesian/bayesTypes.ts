// Result types shared by bayesBinomial and bayesNormal.

/** Scale on which a Bayesian comparison reports its credible interval. */
export type BayesDifference = 'relative' | 'absolute';

/** Posterior summary of one variant (the control included). */
export interface BayesArm {
  /** Index of the variant in the input list. */
  readonly index: number;
  /** Posterior mean of the variant's rate (beta-binomial) or mean (normal). */
  readonly mean: number;
  /** Lower end of the equal-tailed credible interval of the variant's rate or mean. */
  readonly ciLow: number;
  /** Upper end of the equal-tailed credible interval of the variant's rate or mean. */
  readonly ciHigh: number;
  /** Posterior probability that this variant has the highest rate or mean of all. */
  readonly chanceToBeBest: number;
  /**
   * Expected loss of shipping this variant compared with the best one,
   * E[max_j θ_j − θ_this], in the units of the rate or mean.
   */
  readonly expectedLoss: number;
}

/** One variant compared with the control. */
export interface BayesComparison {
  /** Index of the variant in the input list. */
  readonly index: number;
  /** Posterior probability that the variant beats the control, P(θ_variant > θ_control). */
  readonly chanceToWin: number;
  /**
   * Risk of shipping the variant: the expected amount by which the control is
   * better, E[max(θ_control − θ_variant, 0)]: in rate units for bayesBinomial,
   * on the scale of `difference` for bayesNormal.
   */
  readonly expectedLoss: number;
  /** Risk of keeping the control: E[max(θ_variant − θ_control, 0)], same units as `expectedLoss`. */
  readonly controlExpectedLoss: number;
  /** Posterior mean of the absolute difference θ_variant − θ_control. */
  readonly diff: number;
  /** Relative lift θ_variant / θ_control − 1 (see the function for the exact estimator). */
  readonly lift: number;
  /** Lower end of the credible interval of the lift (`relative`) or the difference (`absolute`). */
  readonly ciLow: number;
  /** Upper end of the credible interval of the lift (`relative`) or the difference (`absolute`). */
  readonly ciHigh: number;
}
