// Internal numerical helpers for the customer-value models: log-space sums
// and the Gauss hypergeometric function 2F1 on [0, 1). Not exported from the
// package.
import { logGamma } from '@marksman/core';

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln(e^u + e^v) without overflow; −∞ inputs are allowed. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

/** ln(e^u − e^v) for u ≥ v; −∞ when they are equal. */
export function logSubExp(u: number, v: number): number {
  if (v === -Infinity) return u;
  if (v >= u) return -Infinity;
  return u + Math.log(-Math.expm1(v - u));
}

/**
 * Largest number of terms a ₂F₁ series may take (a few milliseconds). The
 * Pareto/NBD likelihood sums its own series (logParetoTail); the
 * cap guards the BG/NBD conditional expectation at very long horizons.
 */
const MAX_TERMS = 2_000_000;

/**
 * Sum of the power series 2F1(a, b; c; z) = Σ (a)_k (b)_k / ((c)_k k!) z^k
 * for 0 ≤ z < 1 and c > 0. Terms are accumulated directly (ratios of
 * consecutive terms), stopping once the remaining tail, bounded by a
 * geometric series with ratio max(ρ_k, ·) < 1, is below 1e-16 of the sum.
 * Returns NaN when the series has not converged after MAX_TERMS terms
 * (z very close to 1).
 */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  // ratio = term(k+1)/term(k); each is computed once and also serves as the tail bound of the previous step.
  let ratio = ((a * b) / c) * z;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    // Once the ratio is below 1 and no longer increasing past z, the tail is
    // bounded by |term|·ρ/(1−ρ) with ρ = max(next ratio, z) (ratios tend to z).
    const k1 = k + 1;
    ratio = (((a + k1) * (b + k1)) / ((c + k1) * (k1 + 1))) * z;
    const next = Math.abs(ratio);
    if (next < 1) {
      const rho = Math.max(next, z);
      if (Math.abs(term) * rho <= 1e-16 * Math.abs(sum) * (1 - rho)) return sum;
    }
  }
  return NaN;
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1 and c > 0
 * (the only region the BG/NBD and Pareto/NBD formulas need). When
 * c − a − b < 0 the series is summed after Euler's transformation
 * 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z), whose series
 * stays bounded as z → 1 (Abramowitz & Stegun 15.3.3).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHyp2f1(a, b, c, z));
}

/** ln 2F1(a, b; c; z) for 0 ≤ z < 1, c > 0, when the value is positive. */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return NaN;
  if (c - a - b < 0) {
    const s = hyp2f1Series(c - a, c - b, c, z);
    return (c - a - b) * Math.log1p(-z) + Math.log(s);
  }
  return Math.log(hyp2f1Series(a, b, c, z));
}

// Gauss–Kronrod 7/15 abscissae and weights on [−1, 1] (Kronrod 1965; the
// rule of QUADPACK's QK15). Index 7 is the centre; odd indices are also the
// 7-point Gauss nodes.
const XGK = [0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911, 0.4058451513773972, 0.20778495500789848, 0];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679, 0.19035057806478542, 0.20443294007529889,
  0.20948214108472782,
];
/** Gauss weights of XGK[1], XGK[3], XGK[5], XGK[7]. */
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

interface Piece {
  a: number;
  b: number;
  value: number;
  error: number;
}

/** One Kronrod panel with QUADPACK's error estimate. */
function kronrod(f: (x: number) => number, a: number, b: number): Piece {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let k = fc * WGK[7]!;
  let g = fc * WG[3]!;
  const fv = new Float64Array(14);
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const f1 = f(c - dx);
    const f2 = f(c + dx);
    fv[2 * j] = f1;
    fv[2 * j + 1] = f2;
    k += WGK[j]! * (f1 + f2);
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * (f1 + f2);
  }
  const mean = 0.5 * k;
  let asc = WGK[7]! * Math.abs(fc - mean);
  let abs = WGK[7]! * Math.abs(fc);
  for (let j = 0; j < 7; j++) {
    asc += WGK[j]! * (Math.abs(fv[2 * j]! - mean) + Math.abs(fv[2 * j + 1]! - mean));
    abs += WGK[j]! * (Math.abs(fv[2 * j]!) + Math.abs(fv[2 * j + 1]!));
  }
  const ah = Math.abs(h);
  let error = Math.abs((k - g) * h);
  const resasc = asc * ah;
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, Math.pow((200 * error) / resasc, 1.5));
  error = Math.max(error, 50 * 2.220446049250313e-16 * abs * ah);
  return { a, b, value: k * h, error };
}

/** Most panels one integral may use: every call does at most 15 × MAX_PIECES evaluations of f. */
const MAX_PIECES = 200;

/**
 * ∫ f over [points[0], points[last]] by globally adaptive Gauss–Kronrod
 * (7/15): start with one panel between each pair of consecutive points,
 * then bisect the panel with the largest error estimate until the summed
 * estimate is below `relTol` of the total. At most MAX_PIECES panels, so the
 * cost is bounded whatever f does; for smooth f the result is good to a few
 * units of the last place.
 */
function integratePanels(f: (x: number) => number, points: readonly number[], relTol: number): number {
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i++) if (points[i + 1]! > points[i]!) pieces.push(kronrod(f, points[i]!, points[i + 1]!));
  if (pieces.length === 0) return 0;
  for (;;) {
    let value = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < pieces.length; i++) {
      value += pieces[i]!.value;
      error += pieces[i]!.error;
      if (pieces[i]!.error > pieces[worst]!.error) worst = i;
    }
    if (error <= relTol * Math.abs(value) || pieces.length >= MAX_PIECES) return value;
    const p = pieces[worst]!;
    const mid = 0.5 * (p.a + p.b);
    if (!(mid > p.a && mid < p.b)) return value; // cannot split further in floating point
    pieces[worst] = kronrod(f, p.a, mid);
    pieces.push(kronrod(f, mid, p.b));
  }
}

/**
 * ∫ f over [lo, hi] by adaptive Gauss–Kronrod quadrature with a bounded
 * number of panels (see integratePanels). For smooth integrands.
 */
export function integrate(f: (x: number) => number, lo: number, hi: number, relTol = 1e-14): number {
  if (!(hi > lo)) return 0;
  const points = [lo];
  for (let i = 1; i < 8; i++) points.push(lo + ((hi - lo) * i) / 8);
  points.push(hi);
  return integratePanels(f, points, relTol);
}

// The Pareto/NBD death integrand in v (see logParetoDeath), integrated by the
// same Gauss–Kronrod 7/15 scheme as integratePanels but without closures or
// allocations: the fits evaluate it for thousands of customers per likelihood,
// and a closure per call (plus a buffer per panel) made the garbage collector
// and megamorphic calls the larger part of a Pareto/NBD fit.
const PA = new Float64Array(MAX_PIECES);
const PB = new Float64Array(MAX_PIECES);
const PV = new Float64Array(MAX_PIECES);
const PE = new Float64Array(MAX_PIECES);
const FV = new Float64Array(15);

/** exp(−pm1·v − qo·log1p(ratio·expm1(v))). */
function deathIntegrand(pm1: number, qo: number, ratio: number, v: number): number {
  return Math.exp(-pm1 * v - qo * Math.log1p(ratio * Math.expm1(v)));
}

/** One Kronrod panel of the death integrand into slot `i` of the piece arrays. */
function deathPanel(pm1: number, qo: number, ratio: number, a: number, b: number, i: number): void {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = deathIntegrand(pm1, qo, ratio, c);
  let k = fc * WGK[7]!;
  let g = fc * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const f1 = deathIntegrand(pm1, qo, ratio, c - dx);
    const f2 = deathIntegrand(pm1, qo, ratio, c + dx);
    FV[2 * j] = f1;
    FV[2 * j + 1] = f2;
    k += WGK[j]! * (f1 + f2);
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * (f1 + f2);
  }
  const mean = 0.5 * k;
  let asc = WGK[7]! * Math.abs(fc - mean);
  let abs = WGK[7]! * Math.abs(fc);
  for (let j = 0; j < 7; j++) {
    asc += WGK[j]! * (Math.abs(FV[2 * j]! - mean) + Math.abs(FV[2 * j + 1]! - mean));
    abs += WGK[j]! * (Math.abs(FV[2 * j]!) + Math.abs(FV[2 * j + 1]!));
  }
  const ah = Math.abs(h);
  let error = Math.abs((k - g) * h);
  const resasc = asc * ah;
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, Math.pow((200 * error) / resasc, 1.5));
  PA[i] = a;
  PB[i] = b;
  PV[i] = k * h;
  PE[i] = Math.max(error, 50 * 2.220446049250313e-16 * abs * ah);
}

/** Break points of the death integral's first panels (at most 40 + 5). */
const POINTS = new Float64Array(48);
/** The value of the last deathIntegral. */
let LAST_VALUE = 0;

/**
 * ∫ of the death integrand over [points[0], points[np − 1]], as integratePanels (same panels, same
 * stopping rule): the value is left in LAST_VALUE and the panels in PA/PB; returns their number.
 */
function deathIntegral(pm1: number, qo: number, ratio: number, points: Float64Array, np: number, relTol: number): number {
  let n = 0;
  for (let i = 0; i + 1 < np; i++) if (points[i + 1]! > points[i]!) deathPanel(pm1, qo, ratio, points[i]!, points[i + 1]!, n++);
  if (n === 0) {
    LAST_VALUE = 0;
    return 0;
  }
  for (;;) {
    let value = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      value += PV[i]!;
      error += PE[i]!;
      if (PE[i]! > PE[worst]!) worst = i;
    }
    LAST_VALUE = value;
    if (error <= relTol * Math.abs(value) || n >= MAX_PIECES) return n;
    const a = PA[worst]!;
    const b = PB[worst]!;
    const mid = 0.5 * (a + b);
    if (!(mid > a && mid < b)) return n;
    deathPanel(pm1, qo, ratio, a, mid, worst);
    deathPanel(pm1, qo, ratio, mid, b, n++);
  }
}

/**
 * Largest |α − β| / (max(α, β) + τ) for which the Pareto/NBD series is summed
 * (at most ~370 terms, which cost less than the quadrature's few hundred
 * integrand evaluations).
 */
const SERIES_Z = 0.9;

// Gradients of the two tails of the death term, in (ln r, ln α, ln s, ln β).
const GU = new Float64Array(4);
const GV = new Float64Array(4);

/**
 * ln[α^r β^s ∫_τ^∞ (α+u)^−(r+x) (β+u)^−(s+1) du] for z = |α − β| / (max(α, β) + τ) < 1,
 * with its gradient in (ln r, ln α, ln s, ln β) written to `g` when given.
 *
 * With M = max(α, β), m = min(α, β), a = r + s + x and pM the exponent of
 * M's factor (r + x when α ≥ β, else s + 1), the tail integral is
 * (M+τ)^−a · 2F1(a, pm; a+1; z) / a (Fader & Hardie 2005 note, eq. 22);
 * after Euler's transformation (A&S 15.3.3) it is
 * (M+τ)^−pM (m+τ)^(1−pm) · H(z) / a with H(z) = 2F1(1, pM; a+1; z) =
 * Σ_k (pM)_k/(a+1)_k z^k, a series of positive terms whose ratios stay below
 * z, so its tail after term k is at most t_k·z/(1−z). With α^r β^s folded
 * in, the logarithm is ln-alive(τ) [+ ln(1−z) when α < β] − ln a + ln H.
 * The derivatives of ln H in pM, a and z are summed in the same loop
 * (Σ t_k·Σ_{j<k} 1/(pM+j), Σ t_k·Σ_{j<k} 1/(a+1+j), Σ k t_k / z).
 */
function logParetoTail(r: number, alpha: number, s: number, beta: number, x: number, tau: number, g: Float64Array | null): number {
  const a = r + s + x;
  const bigAlpha = alpha >= beta;
  const Mt = (bigAlpha ? alpha : beta) + tau;
  const z = Math.abs(alpha - beta) / Mt;
  const pM = bigAlpha ? r + x : s + 1;
  let H = 1;
  let t = 1;
  let hz = 0; // dH/dz = Σ (k+1) c_(k+1) z^k
  let hp = 0; // Σ t_k Σ_{j<k} 1/(pM+j)
  let ha = 0; // Σ t_k Σ_{j<k} 1/(a+1+j)
  let P = 0;
  let Q = 0;
  const slack = 1e-16 * (1 - z);
  for (let k = 0; k < 100000; k++) {
    const ip = 1 / (pM + k);
    const iq = 1 / (a + 1 + k);
    const w = t * (pM + k) * iq; // c_(k+1) z^k
    t = w * z;
    H += t;
    if (g !== null) {
      P += ip;
      Q += iq;
      hz += (k + 1) * w;
      hp += t * P;
      ha += t * Q;
      // The derivative series' terms carry an extra factor of at most k + 2.
      if (t * (k + 2) <= slack * (1 - z) * H && w * z * (k + 2) <= slack * (1 - z) * hz) break;
    } else if (t * z <= slack * H) {
      break;
    }
  }
  const logAliveTau = -r * Math.log1p(tau / alpha) - x * Math.log(alpha + tau) - s * Math.log1p(tau / beta);
  const value = logAliveTau + (bigAlpha ? 0 : Math.log1p(-z)) - Math.log(a) + Math.log(H);
  if (g !== null) {
    const at = alpha + tau;
    const bt = beta + tau;
    const dz = hz / H;
    g[0] = -r * Math.log1p(tau / alpha) - r / a;
    g[1] = r - ((r + x) * alpha) / at;
    g[2] = -s * Math.log1p(tau / beta) - s / a;
    g[3] = (s * tau) / bt;
    if (bigAlpha) {
      g[0] += (r * (hp - ha)) / H;
      g[1] += (dz * alpha * bt) / (at * at);
      g[2] -= (s * ha) / H;
      g[3] -= (dz * beta) / at;
    } else {
      g[0] -= (r * ha) / H;
      g[1] += alpha / at - (dz * alpha) / bt;
      g[2] += (s * (hp - ha)) / H;
      g[3] += -beta / bt + (dz * beta * at) / (bt * bt);
    }
  }
  return value;
}

/**
 * ln[α^r β^s · s · ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ] for
 * r, α, s, β > 0 and 0 ≤ t_x ≤ T (−∞ when t_x = T): the Pareto/NBD
 * likelihood of a customer who made x repeat purchases, the last at t_x,
 * and died before T, divided by Γ(r+x)/Γ(r). (Fader & Hardie's 2005 note
 * writes the integral as A₀ / (r + s + x).) The factor α^r β^s is folded in
 * with log1p so that nothing of size s·ln β is formed and subtracted again:
 * when s and β are both large (10⁹, say) those terms would cancel and leave
 * only rounding noise. With `grad`, its gradient in (ln r, ln α, ln s, ln β)
 * is written there (the derivative of ln ∫ g is the mean of ∂ ln g under g).
 *
 * Two evaluations, both accurate to about 1e-14 relative and both bounded
 * in cost:
 *
 * - when z = |α − β| / (max(α, β) + t_x) ≤ 0.9, the closed form with two
 *   ₂F₁ series (Fader & Hardie 2005 note, eq. 22, after Euler's
 *   transformation: see logParetoTail), which converge at least as fast as z^k;
 * - otherwise adaptive Gauss–Kronrod quadrature of the integral itself, on
 *   the variable v = ln((m + τ)/(m + t_x)) with m = min(α, β). This
 *   substitution moves the integrand's nearest singularity (τ = −m) to
 *   v = −∞ and makes the log-integrand concave, so the integrand is a
 *   smooth unimodal bump; panels are laid out on the scale of its decay at
 *   v = 0. The gradient's means are taken on the final panels.
 *
 * The series alone is not enough: when one rate parameter dwarfs the other
 * (for example s and β running off together, β/α ≈ 10⁵, as happens when the
 * optimiser explores a data set with nearly homogeneous dropout), z is
 * within 1e-5 of 1 and the series needs millions of terms per customer,
 * which made a fit take minutes and end with a NaN gradient.
 */
export function logParetoDeath(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number, grad: Float64Array | null = null): number {
  if (!(T > tx)) {
    if (grad !== null) grad.fill(0);
    return -Infinity;
  }
  const big = Math.max(alpha, beta);
  const diff = Math.abs(alpha - beta);
  const p = r + x;
  const q = s + 1;
  if (diff / (big + tx) <= SERIES_Z) {
    const u = logParetoTail(r, alpha, s, beta, x, tx, grad === null ? null : GU);
    const v = logParetoTail(r, alpha, s, beta, x, T, grad === null ? null : GV);
    const value = Math.log(s) + logSubExp(u, v);
    if (grad !== null) {
      // ∇ ln(e^u − e^v) = (∇u − e^(v−u) ∇v) / (1 − e^(v−u))
      const e = Math.exp(v - u);
      const inv = 1 / -Math.expm1(v - u);
      for (let i = 0; i < 4; i++) grad[i] = (GU[i]! - e * GV[i]!) * inv;
      grad[2] = grad[2]! + 1;
    }
    return value;
  }
  // m: the smaller constant with exponent pm; o: the larger with exponent qo.
  const m = Math.min(alpha, beta);
  const pm = alpha <= beta ? p : q;
  const qo = alpha <= beta ? q : p;
  const mt = m + tx;
  const ratio = mt / (big + tx);
  const V = Math.log1p((T - tx) / mt);
  // The integrand in v is exp(−(pm−1)·v − qo·log1p(ratio·expm1(v))): 1 at v = 0, log-concave (deathIntegrand).
  const slope = -(pm - 1) - qo * ratio;
  const points = POINTS;
  let np = 0;
  points[np++] = 0;
  if (slope < 0) {
    // The integrand falls by e at least every 1/|slope| (concavity): panels of growing width from there.
    for (let w = 1 / -slope; w < V && np < 40; w *= 2) points[np++] = w;
  }
  for (let i = 1; i < 4; i++) {
    const c = (V * i) / 4;
    if (c > points[np - 1]!) points[np++] = c;
  }
  points[np++] = V;
  const panels = deathIntegral(pm - 1, qo, ratio, points, np, 1e-13);
  const integral = LAST_VALUE;
  // ln[α^r β^s (α+t_x)^−(r+x) (β+t_x)^−(s+1) (m+t_x)] + ln ∫ e^h dv
  const lead = -r * Math.log1p(tx / alpha) - x * Math.log(alpha + tx) - s * Math.log1p(tx / beta) - Math.log(beta + tx) + Math.log(mt);
  if (grad !== null) {
    // Means under the integrand of v, e^−v, L = log1p(ratio·expm1 v) and e^−L:
    // m + τ = (m + t_x)·e^v and M + τ = (M + t_x)·e^L.
    let sv = 0;
    let sev = 0;
    let sl = 0;
    let sel = 0;
    let sf = 0;
    for (let i = 0; i < panels; i++) {
      const c = 0.5 * (PA[i]! + PB[i]!);
      const h = 0.5 * (PB[i]! - PA[i]!);
      for (let j = 0; j < 15; j++) {
        const vv = j < 7 ? c - h * XGK[j]! : j === 7 ? c : c + h * XGK[14 - j]!;
        const wgt = h * WGK[j < 8 ? j : 14 - j]!;
        const L = Math.log1p(ratio * Math.expm1(vv));
        const f = wgt * Math.exp(-(pm - 1) * vv - qo * L);
        sf += f;
        sv += f * vv;
        sev += f * Math.exp(-vv);
        sl += f * L;
        sel += f * Math.exp(-L);
      }
    }
    const Ev = sv / sf;
    const Eev = sev / sf;
    const El = sl / sf;
    const Eel = sel / sf;
    // E[log1p(τ/c)] and E[c/(c+τ)] for c = α and c = β.
    const Mt = big + tx;
    const logM = alpha <= beta ? [Math.log1p(tx / alpha) + Ev, Math.log1p(tx / beta) + El] : [Math.log1p(tx / alpha) + El, Math.log1p(tx / beta) + Ev];
    const invM = alpha <= beta ? [(alpha / mt) * Eev, (beta / Mt) * Eel] : [(alpha / Mt) * Eel, (beta / mt) * Eev];
    grad[0] = -r * logM[0]!;
    grad[1] = r - p * invM[0]!;
    grad[2] = 1 - s * logM[1]!;
    grad[3] = s - q * invM[1]!;
  }
  return Math.log(s) + lead + Math.log(integral);
}

/**
 * ln[α^r β^s (α+T)^−(r+x) (β+T)^−s]: the Pareto/NBD likelihood of a customer
 * still alive at T after x repeat purchases, divided by Γ(r+x)/Γ(r); formed
 * with log1p, as in {@link logParetoDeath}.
 */
export function logParetoAlive(r: number, alpha: number, s: number, beta: number, x: number, T: number): number {
  return -r * Math.log1p(T / alpha) - x * Math.log(alpha + T) - s * Math.log1p(T / beta);
}

/** (1 − e^(k·L)) / k for L ≤ 0, continuous at k = 0 (where it is −L). */
export function oneMinusPowOverK(k: number, L: number): number {
  if (Math.abs(k * L) < 1e-10) return -L * (1 + (k * L) / 2);
  return -Math.expm1(k * L) / k;
}
