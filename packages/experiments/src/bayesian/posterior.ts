// Internal: one-dimensional posteriors (beta, normal) and the integrals the
// Bayesian summaries need: P(X > Y), chance to be best, E[max], and the
// distribution of X − Y and X / Y. Everything is computed by exact finite sums
// (beta with an integer parameter) or adaptive Gauss–Kronrod quadrature, never
// by Monte Carlo.
import {
  betaCdf,
  betaPdf,
  betaPpf,
  betaSf,
  logBeta,
  normalCdf,
  normalPdf,
  normalSf,
  studentTCdf,
  studentTPdf,
  studentTPpf,
  studentTSf,
} from '../internal/distributions';
import { integrate, solveIncreasing } from './quadrature';

/** Tail mass left outside [lo, hi] on each side of a posterior. */
export const TAIL = 1e-15;

/** A continuous posterior with the pieces the integrals need. */
export interface Posterior {
  readonly mean: number;
  readonly sd: number;
  /** Practical support: P(X < lo) and P(X > hi) are below ~1e-15. */
  readonly lo: number;
  readonly hi: number;
  /** True when the density is unbounded at an end of its support. */
  readonly singular: boolean;
  pdf(x: number): number;
  cdf(x: number): number;
  sf(x: number): number;
}

/** A Beta(a, b) posterior. */
export interface BetaPosterior extends Posterior {
  readonly kind: 'beta';
  readonly a: number;
  readonly b: number;
}

export function betaPosterior(a: number, b: number): BetaPosterior {
  const s = a + b;
  const logB = logBeta(a, b);
  return {
    kind: 'beta',
    a,
    b,
    mean: a / s,
    sd: Math.sqrt((a * b) / (s * s * (s + 1))),
    lo: betaPpf(TAIL, a, b),
    hi: betaPpf(1 - TAIL, a, b),
    singular: a < 1 || b < 1,
    pdf: (x) => (x <= 0 || x >= 1 ? (x === 0 || x === 1 ? betaPdf(x, a, b) : 0) : Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB)),
    cdf: (x) => betaCdf(x, a, b),
    sf: (x) => betaSf(x, a, b),
  };
}

/** A normal posterior N(mean, sd²); sd > 0. */
export function normalPosterior(mean: number, sd: number): Posterior {
  // Φ(−8.3) ≈ 5e-17: beyond ±8.3 sd the tails are below TAIL/10.
  const k = 8.3;
  return {
    mean,
    sd,
    lo: mean - k * sd,
    hi: mean + k * sd,
    singular: false,
    pdf: (x) => normalPdf((x - mean) / sd) / sd,
    cdf: (x) => normalCdf((x - mean) / sd),
    sf: (x) => normalSf((x - mean) / sd),
  };
}

/** A location-scale Student t posterior: location + scale·T_df (df > 0, scale > 0). */
export function studentPosterior(location: number, scale: number, df: number): Posterior {
  return {
    mean: location,
    sd: df > 2 ? scale * Math.sqrt(df / (df - 2)) : scale * 3,
    lo: location + scale * studentTPpf(TAIL, df),
    hi: location - scale * studentTPpf(TAIL, df),
    singular: false,
    pdf: (x) => studentTPdf((x - location) / scale, df) / scale,
    cdf: (x) => studentTCdf((x - location) / scale, df),
    sf: (x) => studentTSf((x - location) / scale, df),
  };
}

function breaksOf(ps: readonly Posterior[]): number[] {
  const out: number[] = [];
  for (const p of ps) out.push(p.lo, p.hi, p.mean, p.mean - 3 * p.sd, p.mean + 3 * p.sd);
  return out;
}

// Integration tolerance: 1e-10 absolute/relative. The incomplete beta of very
// large shapes (millions of visitors) is itself only good to ~1e-11, so a
// tighter target would chase rounding noise; 1e-10 is far below what any
// decision needs and the fixtures check 1e-7 against scipy.

/** ∫ f over the support of `p`, cut at the features of `others`. */
function overSupport(p: Posterior, others: readonly Posterior[], f: (x: number) => number, extra: readonly number[] = []): number {
  return integrate(f, p.lo, p.hi, 1e-10, 1e-10, [...breaksOf([p, ...others]), ...extra]);
}

/** Pick the posterior to integrate over: non-singular first, then the narrower. */
function pickOuter(x: Posterior, y: Posterior, scaleY = 1): 'x' | 'y' {
  if (x.singular !== y.singular) return x.singular ? 'y' : 'x';
  return x.sd <= scaleY * y.sd ? 'x' : 'y';
}

/** P(X > Y) for independent X, Y, by quadrature. */
export function probGreaterQuad(x: Posterior, y: Posterior): number {
  if (x.lo >= y.hi) return 1;
  if (x.hi <= y.lo) return 0;
  return pickOuter(x, y) === 'x' ? overSupport(x, [y], (t) => x.pdf(t) * y.cdf(t)) : overSupport(y, [x], (t) => y.pdf(t) * x.sf(t));
}

/** Largest number of terms an exact beta sum may take before quadrature is used. */
const MAX_EXACT_TERMS = 20000;

/**
 * P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB) with aB a positive
 * integer, by Evan Miller's finite sum ("Formulas for Bayesian A/B testing",
 * 2015): Σ_{i<aB} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA)).
 */
function millerSum(aA: number, bA: number, aB: number, bB: number): number {
  const base = logBeta(aA, bA);
  let sum = 0;
  for (let i = 0; i < aB; i++) {
    sum += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - base);
  }
  return sum;
}

/** How P(B > A) was computed. */
export type BetaMethod = 'exact' | 'quadrature';

/**
 * P(p_B > p_A) for two beta posteriors: an exact finite sum when one of the
 * four shape parameters is an integer (the smallest such one sets the number
 * of terms), using the symmetries P(B > A) = 1 − P(A > B) and
 * P(B > A) = P(1 − A > 1 − B); quadrature otherwise.
 */
export function betaProbGreater(A: BetaPosterior, B: BetaPosterior): { value: number; method: BetaMethod } {
  const options: Array<{ terms: number; run: () => number }> = [];
  const isInt = (v: number) => Number.isInteger(v) && v <= MAX_EXACT_TERMS;
  if (isInt(B.a)) options.push({ terms: B.a, run: () => millerSum(A.a, A.b, B.a, B.b) });
  if (isInt(A.a)) options.push({ terms: A.a, run: () => 1 - millerSum(B.a, B.b, A.a, A.b) });
  // 1 − p_A ~ Beta(bA, aA) is "B" and 1 − p_B ~ Beta(bB, aB) is "A".
  if (isInt(A.b)) options.push({ terms: A.b, run: () => millerSum(B.b, B.a, A.b, A.a) });
  if (isInt(B.b)) options.push({ terms: B.b, run: () => 1 - millerSum(A.b, A.a, B.b, B.a) });
  if (options.length === 0) return { value: probGreaterQuad(B, A), method: 'quadrature' };
  options.sort((u, v) => u.terms - v.terms);
  const v = options[0]!.run();
  return { value: Math.min(1, Math.max(0, v)), method: 'exact' };
}

/**
 * E[max(p_A − p_B, 0)] for beta posteriors (Stucchio's identity):
 * E[p_A·1{A>B}] − E[p_B·1{A>B}] = m_A·P(A⁺ > B) − m_B·P(A > B⁺), where A⁺
 * and B⁺ add one to the first shape (x·f_{a,b}(x) = m·f_{a+1,b}(x)).
 */
export function betaExpectedShortfall(A: BetaPosterior, B: BetaPosterior): number {
  const Aplus = betaPosterior(A.a + 1, A.b);
  const Bplus = betaPosterior(B.a + 1, B.b);
  // betaProbGreater(X, Y) is P(Y > X).
  const v = A.mean * betaProbGreater(B, Aplus).value - B.mean * betaProbGreater(Bplus, A).value;
  return Math.max(0, v);
}

/** P(arm i has the largest value) for independent posteriors. */
export function probabilityBest(arms: readonly Posterior[], i: number): number {
  const p = arms[i]!;
  const others = arms.filter((_, j) => j !== i);
  for (const o of others) if (o.lo >= p.hi) return 0;
  const v = overSupport(p, others, (x) => {
    let prod = p.pdf(x);
    for (const o of others) {
      prod *= o.cdf(x);
      if (prod === 0) return 0;
    }
    return prod;
  });
  return Math.min(1, Math.max(0, v));
}

/** E[max_j X_j] for independent posteriors: L + ∫_L^H (1 − Π_j F_j(x)) dx. */
export function expectedMaximum(arms: readonly Posterior[]): number {
  let L = Infinity;
  let H = -Infinity;
  for (const p of arms) {
    L = Math.min(L, p.lo);
    H = Math.max(H, p.hi);
  }
  const v = integrate(
    (x) => {
      let prod = 1;
      for (const p of arms) prod *= p.cdf(x);
      return 1 - prod;
    },
    L,
    H,
    1e-10,
    1e-10,
    breaksOf(arms),
  );
  return L + v;
}

/** P(X ≤ s·Y + d) for independent X, Y and s > 0. */
export function probAtMostLinear(x: Posterior, y: Posterior, s: number, d: number): number {
  const lo = s * y.lo + d;
  const hi = s * y.hi + d;
  if (x.hi <= lo) return 1;
  if (x.lo >= hi) return 0;
  if (pickOuter(x, y, s) === 'x') {
    // ∫ f_X(t) P(Y ≥ (t − d)/s) dt
    const step = [s * y.mean + d, s * (y.mean - 3 * y.sd) + d, s * (y.mean + 3 * y.sd) + d];
    return overSupport(x, [], (t) => x.pdf(t) * y.sf((t - d) / s), step);
  }
  const step = [(x.mean - d) / s, (x.mean - 3 * x.sd - d) / s, (x.mean + 3 * x.sd - d) / s];
  return overSupport(y, [], (t) => y.pdf(t) * x.cdf(s * t + d), step);
}

/** Quantile q of X − Y (independent), by inverting probAtMostLinear. */
export function differenceQuantile(x: Posterior, y: Posterior, q: number): number {
  return solveIncreasing((d) => probAtMostLinear(x, y, 1, d), q, x.lo - y.hi, x.hi - y.lo);
}

/** Quantile q of X / Y − 1 for positive X, Y, solved on the log-ratio scale. */
export function liftQuantile(x: Posterior, y: Posterior, q: number): number {
  const floor = 1e-300;
  const lo = Math.log(Math.max(x.lo, floor)) - Math.log(Math.max(y.hi, floor));
  const hi = Math.log(Math.max(x.hi, floor)) - Math.log(Math.max(y.lo, floor));
  const u = solveIncreasing((v) => probAtMostLinear(x, y, Math.exp(v), 0), q, lo, hi);
  return Math.expm1(u);
}
