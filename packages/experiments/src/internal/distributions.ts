// Internal numerical core of @marksman/experiments: special functions and the
// distributions the analyses need (normal, Student t, chi-square, beta, gamma,
// noncentral t). NOT part of the public API (index.ts does not export it).
//
// Design rules followed everywhere in this file:
// - Upper tails are computed directly (erfc, upper incomplete gamma by a
//   continued fraction, the mirrored incomplete beta), never as 1 − cdf, so a
//   p-value of 1e-30 keeps its significant digits.
// - Each function returns NaN for NaN input and never throws: callers validate
//   their inputs at the public boundary.
// - Accuracy targets (checked against scipy in test/distributions.test.ts):
//   about 1e-15 relative for erfc / normal tails / normal quantiles, about
//   1e-13 relative for incomplete beta / gamma and the t, chi-square and beta
//   distributions built on them, about 1e-12 for quantiles found by Newton.
//
// jstat was evaluated for this module and is
// not used: its incomplete beta stops its continued fraction after 100 terms
// and forms upper tails as 1 − cdf, which loses tiny p-values. Everything here
// is implemented from the published algorithms cited next to each function.

import { normalPpf } from '@marksman/core/internal';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.9189385332046727; // ln √(2π)
const INV_SQRT_2PI = 0.3989422804014327; // 1 / √(2π)
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;

// ---------------------------------------------------------------------------
// Error function: W. J. Cody, "Rational Chebyshev approximations for the
// error function", Math. Comp. 23 (1969) 631–638 (netlib specfun CALERF).
// Three rational approximations on |x| ≤ 0.46875, ≤ 4 and > 4; the factor
// exp(−x²) is split as exp(−t²)·exp(−(x−t)(x+t)) with t = x rounded down to
// 1/16 so that no precision is lost for large x.
// ---------------------------------------------------------------------------
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERF_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-08,
];
const ERF_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERF_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const ERF_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const INV_SQRT_PI = 0.5641895835477563;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = ERF_A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]!) * z;
    den = (den + ERF_B[i]!) * z;
  }
  return (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
}

/** exp(−y²) without losing digits for large y (Cody's splitting). */
function expMinusSquare(y: number): number {
  const t = Math.trunc(y * 16) / 16;
  const del = (y - t) * (y + t);
  return Math.exp(-t * t) * Math.exp(-del);
}

/** Scaled complement exp(y²)·erfc(y) for y > 0.46875 (Cody's 2nd and 3rd intervals). */
function erfcxPositive(y: number): number {
  if (y <= 4) {
    let num = ERF_C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]!) * y;
      den = (den + ERF_D[i]!) * y;
    }
    return (num + ERF_C[7]!) / (den + ERF_D[7]!);
  }
  const z = 1 / (y * y);
  let num = ERF_P[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + ERF_P[i]!) * z;
    den = (den + ERF_Q[i]!) * z;
  }
  const r = (z * (num + ERF_P[4]!)) / (den + ERF_Q[4]!);
  return (INV_SQRT_PI - r) / y;
}

/** erfc(y) for y > 0.46875. */
function erfcPositive(y: number): number {
  if (y >= 26.543) return 0; // below the smallest subnormal
  return expMinusSquare(y) * erfcxPositive(y);
}

/**
 * Error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (Cody 1969), about 1e-16
 * relative accuracy.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 1 - erfcPositive(y);
  return x < 0 ? -r : r;
}

/**
 * Complementary error function erfc(x) = 1 − erf(x), computed directly
 * (Cody 1969) so that erfc(10) ≈ 2.09e-45 keeps full relative precision.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

// ---------------------------------------------------------------------------
// Standard normal distribution
// ---------------------------------------------------------------------------

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Upper normal tail for z ≥ 0: ½·erfcx(z/√2)·exp(−z²/2), where exp(−z²/2) is
 * formed from z itself (split at a multiple of 1/16) so that the rounding of
 * z/√2 does not cost digits deep in the tail.
 */
function normalUpper(z: number): number {
  const x = z / SQRT2;
  if (x <= 0.46875) return 0.5 * erfc(x);
  if (z >= 37.6) return 0; // below the smallest subnormal
  const t = Math.trunc(z * 16) / 16;
  const e = Math.exp(-0.5 * t * t) * Math.exp(-0.5 * (z - t) * (z + t));
  return 0.5 * erfcxPositive(x) * e;
}

/** Standard normal cdf Φ(z) = P(Z ≤ z), via erfc (accurate deep in the lower tail). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z < 0 ? normalUpper(-z) : 1 - normalUpper(z);
}

/** Standard normal upper tail 1 − Φ(z) = P(Z > z), via erfc (never 1 − cdf). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z > 0 ? normalUpper(z) : 1 - normalUpper(-z);
}

// The normal quantile (Wichura's AS 241) lives in @marksman/core/internal, shared with metrics and profiling.
export { normalPpf };

/**
 * Inverse survival function of the standard normal: the z with P(Z > z) = q.
 * Use it instead of `normalPpf(1 - q)` when q is tiny (e.g. 1e-20).
 */
export function normalIsf(q: number): number {
  if (Number.isNaN(q) || q < 0 || q > 1) return NaN;
  return -normalPpf(q);
}

// ---------------------------------------------------------------------------
// Log-gamma, log-beta and their Stirling corrections
// ---------------------------------------------------------------------------

// Lanczos approximation (g = 7, n = 9, Godfrey's coefficients) for small x.
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-06, 1.5056327351493116e-07,
];

/**
 * Stirling-series remainder δ(x) = ln Γ(x) − [(x − ½) ln x − x + ln √(2π)],
 * for x ≥ 10 (error below 1e-16 there).
 */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  // 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360
  return (
    (1 / x) *
    (1 / 12 + x2 * (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360))))))
  );
}

/** ln Γ(x) for x > 0: Lanczos below 10, Stirling with correction above. */
export function logGammaFn(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return Infinity;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGammaFn(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0. For large
 * arguments the Γ terms are combined before subtraction (as in R's lbeta),
 * so ln B(1e6, 1e6) keeps ~1e-15 relative accuracy.
 */
export function logBeta(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0) return NaN;
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LOG_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    // ln Γ(q) − ln Γ(p + q) with the Stirling parts combined.
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGammaFn(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGammaFn(p) + logGammaFn(q) - logGammaFn(p + q);
}

/** log(1 + t) − t without cancellation for small |t|. */
function log1pmx(t: number): number {
  if (Math.abs(t) > 0.5) return Math.log1p(t) - t;
  // log1p(t) = 2 atanh(u), u = t/(2+t); log1p(t) − t = −u·t + 2(u³/3 + u⁵/5 + …)
  const u = t / (2 + t);
  const u2 = u * u;
  let term = u * u2;
  let sum = 0;
  for (let k = 3; k < 200; k += 2) {
    const add = term / k;
    sum += add;
    if (Math.abs(add) <= EPS * Math.abs(sum)) break;
    term *= u2;
  }
  return -u * t + 2 * sum;
}

// ---------------------------------------------------------------------------
// Regularized incomplete beta I_x(a, b) and its complement
// ---------------------------------------------------------------------------

/**
 * ln of the common factor x^a·y^b / B(a, b), y = 1 − x given separately.
 * For a, b ≥ 10 it is written as a·log1pmx(δ₁) + b·log1pmx(δ₂) + … around the
 * mean x₀ = a/(a+b) (DiDonato & Morris 1992, Temme), which avoids the
 * cancellation of a·ln x + b·ln y − ln B(a, b) for large a and b.
 */
function logBetaFactor(x: number, y: number, a: number, b: number): number {
  if (a >= 10 && b >= 10) {
    const s = a + b;
    const x0 = a / s;
    const y0 = b / s;
    const d = x - x0; // = −(y − y0)
    const corr = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s);
    // a·(ln(x/x₀) − (x−x₀)/x₀) + b·(ln(y/y₀) − (y−y₀)/y₀); the linear parts cancel.
    const ta = Math.abs(d) <= 0.5 * x0 ? a * log1pmx(d / x0) : a * (Math.log(x / x0) - d / x0);
    const tb = Math.abs(d) <= 0.5 * y0 ? b * log1pmx(-d / y0) : b * (Math.log(y / y0) + d / y0);
    return ta + tb + 0.5 * Math.log((a * b) / s) - LOG_SQRT_2PI - corr;
  }
  // ln x from y when x is near 1 (y carries the digits), and vice versa.
  const lx = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const ly = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  return a * lx + b * ly - logBeta(a, b);
}

/**
 * Continued fraction for I_x(a, b) (Numerical Recipes §6.4 form, evaluated
 * with the modified Lentz method); converges fast for x < (a+1)/(a+b+2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  const maxIter = 10000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Both tails of the incomplete beta: lower = I_x(a, b), upper = 1 − I_x(a, b). */
interface BetaTails {
  lower: number;
  upper: number;
}

/**
 * I_x(a, b) and its complement, each computed without subtracting from 1
 * when it is the small one. `y` must equal 1 − x, computed by the caller in
 * a way that keeps its digits (e.g. t²/(ν + t²) for the t distribution).
 */
function betaTails(x: number, y: number, a: number, b: number): BetaTails {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logBetaFactor(x, y, a, b)) * betaContinuedFraction(x, a, b)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (Math.exp(logBetaFactor(y, x, b, a)) * betaContinuedFraction(y, b, a)) / b;
  return { lower: 1 - upper, upper };
}

function badBetaArgs(a: number, b: number): boolean {
  return Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0 || !Number.isFinite(a) || !Number.isFinite(b);
}

/** Regularized incomplete beta function I_x(a, b) for x in [0, 1], a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || badBetaArgs(a, b)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betaTails(x, 1 - x, a, b).lower;
}

/** Beta(a, b) cdf P(X ≤ x). */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedBeta(x, a, b);
}

/** Beta(a, b) upper tail P(X > x), computed directly (not 1 − cdf). */
export function betaSf(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || badBetaArgs(a, b)) return NaN;
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  return betaTails(x, 1 - x, a, b).upper;
}

/** Beta(a, b) density. */
export function betaPdf(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || badBetaArgs(a, b)) return NaN;
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Infinity : a === 1 ? b : 0;
  if (x === 1) return b < 1 ? Infinity : b === 1 ? a : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/**
 * Beta(a, b) quantile: the x with I_x(a, b) = p. Safeguarded Newton steps on
 * the log of the smaller tail, inside a bisection bracket; about 1e-13
 * relative accuracy.
 */
export function betaPpf(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || badBetaArgs(a, b) || p < 0 || p > 1) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const useLower = p <= 0.5;
  const target = useLower ? p : 1 - p;
  const logTarget = Math.log(target);
  const tail = (x: number): number => {
    const t = betaTails(x, 1 - x, a, b);
    return useLower ? t.lower : t.upper;
  };
  // Starting point: normal approximation, or the leading term of the tail
  // (I_x ≈ x^a / (a B(a,b)) near 0, symmetric near 1) when that is closer.
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  let x = mean + (useLower ? normalPpf(target) : -normalPpf(target)) * sd;
  const tailStart = useLower
    ? Math.exp((Math.log(a) + logBeta(a, b) + logTarget) / a)
    : 1 - Math.exp((Math.log(b) + logBeta(a, b) + logTarget) / b);
  if (!(x > 0 && x < 1) || (useLower ? tailStart < x : tailStart > x)) x = tailStart;
  if (!(x > 0 && x < 1)) x = mean;
  let lo = 0;
  let hi = 1;
  for (let iter = 0; iter < 300; iter++) {
    const f = tail(x);
    // the lower tail increases in x, the upper one decreases
    const tooSmallX = useLower ? f < target : f > target;
    if (tooSmallX) lo = x;
    else hi = x;
    if (f === target) return x;
    const dens = betaPdf(x, a, b);
    let next: number;
    if (f > 0 && dens > 0 && Number.isFinite(dens)) {
      const step = ((Math.log(f) - logTarget) * f) / dens;
      next = useLower ? x - step : x + step;
    } else {
      next = NaN;
    }
    if (!(next > lo && next < hi)) {
      next = lo > 0 && hi / lo > 1e3 ? Math.sqrt(lo * hi) : 0.5 * (lo + hi);
    }
    if (Math.abs(next - x) <= 4 * EPS * Math.abs(x) || hi - lo <= 4 * EPS * hi) return next;
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------------------
// Regularized incomplete gamma P(a, x), Q(a, x) and the chi-square law
// ---------------------------------------------------------------------------

/** ln(x^a e^(−x) / Γ(a)), accurate for large a (Stirling form around x = a). */
function logGammaFactor(a: number, x: number): number {
  if (a >= 10) {
    const d = x - a;
    const main = Math.abs(d) <= 0.5 * a ? a * log1pmx(d / a) : a * Math.log(x / a) - d;
    return main + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorrection(a);
  }
  return a * Math.log(x) - x - logGammaFn(a);
}

/** Both tails of the incomplete gamma: lower = P(a, x), upper = Q(a, x). */
interface GammaTails {
  lower: number;
  upper: number;
}

function gammaTails(a: number, x: number): GammaTails {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  const factor = Math.exp(logGammaFactor(a, x));
  if (x < a + 1) {
    // Series P(a,x) = x^a e^−x / Γ(a+1) · Σ xⁿ / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    const lower = factor * sum;
    return { lower, upper: 1 - lower };
  }
  // Continued fraction for Q(a,x) (Legendre), modified Lentz.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  const upper = factor * h;
  return { lower: 1 - upper, upper };
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  return gammaTails(a, x).lower;
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), computed directly. */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  return gammaTails(a, x).upper;
}

/** Chi-square cdf with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 0;
  return regularizedGammaP(df / 2, x / 2);
}

/** Chi-square upper tail P(X > x) = Q(df/2, x/2), never 1 − cdf. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

// ---------------------------------------------------------------------------
// Student t distribution
// ---------------------------------------------------------------------------

/** Student t density with `df` > 0 degrees of freedom (df = ∞ gives the normal). */
export function studentTPdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalPdf(t);
  return Math.exp(-0.5 * (df + 1) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(0.5, df / 2));
}

/** P(T > |t|) for t ≥ 0 via I_{ν/(ν+t²)}(ν/2, ½)/2 with 1 − x = t²/(ν+t²) kept exact. */
function studentTUpper(t: number, df: number): number {
  if (df > 1e12) return normalSf(t);
  if (df > 2e5) {
    // For very large ν the form I_x(ν/2, ½) is ill-conditioned near x = 1; use
    // the symmetric form P(T > t) = I_w(ν/2, ν/2), w = ½ − t/(2√(t²+ν)),
    // written without cancellation (about 1e-11 relative up to ν = 1e9).
    const s = Math.sqrt(t * t + df);
    const w = df / (2 * s * (t + s));
    return betaTails(w, 1 - w, df / 2, df / 2).lower;
  }
  const t2 = t * t;
  let x: number;
  let y: number;
  if (t2 < df) {
    x = df / (df + t2);
    y = t2 / (df + t2);
  } else {
    // avoid overflow of t² for huge t
    const r = df / t / t;
    x = r / (1 + r);
    y = 1 / (1 + r);
  }
  return 0.5 * betaTails(x, y, df / 2, 0.5).lower;
}

/** Student t cdf P(T ≤ t) with `df` > 0 degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === -Infinity) return 0;
  if (t === Infinity) return 1;
  return t < 0 ? studentTUpper(-t, df) : 1 - studentTUpper(t, df);
}

/** Student t upper tail P(T > t), computed directly (not 1 − cdf). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === -Infinity) return 1;
  if (t === Infinity) return 0;
  return t > 0 ? studentTUpper(t, df) : 1 - studentTUpper(-t, df);
}

/** The t ≥ 0 with P(T > t) = q, for 0 < q ≤ 0.5. */
function studentTUpperQuantile(q: number, df: number): number {
  if (q === 0.5) return 0;
  if (df === Infinity) return normalIsf(q);
  if (df === 1) return 1 / Math.tan(Math.PI * q);
  if (df === 2) return (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  const logQ = Math.log(q);
  // Start: Cornish–Fisher expansion around the normal quantile.
  const z = normalIsf(q);
  const z3 = z * z * z;
  let t = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
  if (!(t > 0) || !Number.isFinite(t)) t = z > 0 ? z : 1;
  let lo = 0;
  let hi = Infinity;
  for (let iter = 0; iter < 300; iter++) {
    const f = studentTUpper(t, df);
    if (f > q) lo = t;
    else hi = t;
    if (f === q) return t;
    const dens = studentTPdf(t, df);
    let next = f > 0 && dens > 0 ? t + ((Math.log(f) - logQ) * f) / dens : NaN;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * t, 1) : 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 4 * EPS * Math.abs(next)) return next;
    t = next;
  }
  return t;
}

/** Student t quantile: the t with P(T ≤ t) = p. */
export function studentTPpf(p: number, df: number): number {
  if (Number.isNaN(p) || !(df > 0) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p < 0.5 ? -studentTUpperQuantile(p, df) : studentTUpperQuantile(1 - p, df);
}

/** Inverse survival function of Student t: the t with P(T > t) = q (exact for tiny q). */
export function studentTIsf(q: number, df: number): number {
  if (Number.isNaN(q) || !(df > 0) || q < 0 || q > 1) return NaN;
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  return q <= 0.5 ? studentTUpperQuantile(q, df) : -studentTUpperQuantile(1 - q, df);
}

// ---------------------------------------------------------------------------
// Noncentral t (for the power of t-tests)
// ---------------------------------------------------------------------------

/**
 * Noncentral t cdf P(T ≤ t) with `df` degrees of freedom and noncentrality
 * `ncp` (Lenth, "Algorithm AS 243", Applied Statistics 38 (1989) 185–189:
 * a Poisson-weighted series of incomplete beta functions, summed from the
 * mode outwards until the remaining weight is below 1e-15).
 */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  if (Number.isNaN(t) || Number.isNaN(ncp) || !(df > 0)) return NaN;
  if (ncp === 0) return studentTCdf(t, df);
  if (t < 0) return noncentralTSf(-t, df, -ncp);
  return 1 - noncentralTSfPositive(t, df, ncp);
}

/** Noncentral t upper tail P(T > t). */
export function noncentralTSf(t: number, df: number, ncp: number): number {
  if (Number.isNaN(t) || Number.isNaN(ncp) || !(df > 0)) return NaN;
  if (ncp === 0) return studentTSf(t, df);
  if (t < 0) return noncentralTCdf(-t, df, -ncp);
  return noncentralTSfPositive(t, df, ncp);
}

/**
 * P(T > t) for t ≥ 0. With x = t²/(t²+ν), λ = δ²/2 and Ī = 1 − I (computed
 * directly as the upper beta tail):
 * P(T > t) = ½ Σⱼ [pⱼ Ī_x(j+½, ν/2) + qⱼ Ī_x(j+1, ν/2)],
 * pⱼ = e^(−λ) λʲ / j!, qⱼ = δ e^(−λ) λʲ / (√2 Γ(j + 3/2)).
 * (From Lenth's series for the cdf, F(t) = Φ(−δ) + ½ Σ [pⱼ I + qⱼ I'], using
 * Σ pⱼ = 1 and Σ qⱼ = 2Φ(δ) − 1.) Summed from the Poisson mode outwards until
 * the weights fall below 1e-17.
 */
function noncentralTSfPositive(t: number, df: number, ncp: number): number {
  const t2 = t * t;
  const x = t2 / (t2 + df);
  const y = df / (t2 + df);
  const lambda = (ncp * ncp) / 2;
  const b = df / 2;
  const logLambda = Math.log(lambda);
  const logAbsQ = Math.log(Math.abs(ncp)) - 0.5 * Math.LN2;
  const sign = ncp < 0 ? -1 : 1;
  const logWeight = (j: number): number => -lambda + j * logLambda - logGammaFn(j + 1);
  const term = (j: number): number => {
    const pj = Math.exp(logWeight(j));
    const qj = sign * Math.exp(-lambda + j * logLambda + logAbsQ - logGammaFn(j + 1.5));
    return 0.5 * (pj * betaTails(x, y, j + 0.5, b).upper + qj * betaTails(x, y, j + 1, b).upper);
  };
  const mode = Math.floor(lambda);
  let sum = term(mode);
  for (let j = mode + 1; j < mode + 100000; j++) {
    sum += term(j);
    if (logWeight(j) < -39) break; // e^−39 ≈ 1e-17
  }
  for (let j = mode - 1; j >= 0; j--) {
    sum += term(j);
    if (logWeight(j) < -39) break;
  }
  return Math.min(1, Math.max(0, sum));
}
