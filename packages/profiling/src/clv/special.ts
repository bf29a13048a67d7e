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

const MAX_TERMS = 2_000_000;

/**
 * Sum of the power series 2F1(a, b; c; z) = Σ (a)_k (b)_k / ((c)_k k!) z^k
 * for 0 ≤ z < 1 and c > 0. Terms are accumulated directly (ratios of
 * consecutive terms), stopping once the remaining tail, bounded by a
 * geometric series with ratio max(ρ_k, ·) < 1, is below 1e-16 of the sum.
 * Returns NaN when the series has not converged after two million terms
 * (z extremely close to 1).
 */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    const ratio = ((a + k) * (b + k)) / ((c + k) * (k + 1)) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    // Once the ratio is below 1 and no longer increasing past z, the tail is
    // bounded by |term|·ρ/(1−ρ) with ρ = max(current ratio, z) (ratios tend to z).
    const k1 = k + 1;
    const next = Math.abs(((a + k1) * (b + k1)) / ((c + k1) * (k1 + 1)) * z);
    if (next < 1) {
      const rho = Math.max(next, z);
      const tail = (Math.abs(term) * rho) / (1 - rho);
      if (tail <= 1e-16 * Math.abs(sum)) return sum;
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

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on Pₙ, Golub-free classic). */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    nodes[i] = z;
    weights[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes, weights };
}

const GL = gaussLegendre(20);

function glPanel(f: (x: number) => number, lo: number, hi: number): number {
  const half = (hi - lo) / 2;
  const mid = (hi + lo) / 2;
  let s = 0;
  for (let i = 0; i < GL.nodes.length; i++) s += GL.weights[i]! * f(mid + half * GL.nodes[i]!);
  return s * half;
}

/**
 * ∫ f over [lo, hi] by adaptive 20-point Gauss–Legendre: a panel is split
 * in two until the halves agree with the whole to `relTol` of the running
 * total (or the depth limit is reached). For smooth integrands.
 */
export function integrate(f: (x: number) => number, lo: number, hi: number, relTol = 1e-13): number {
  const whole = glPanel(f, lo, hi);
  const recurse = (a: number, b: number, est: number, depth: number, scale: number): number => {
    const m = (a + b) / 2;
    const left = glPanel(f, a, m);
    const right = glPanel(f, m, b);
    const both = left + right;
    if (depth >= 40 || Math.abs(both - est) <= relTol * Math.max(scale, Math.abs(both))) return both;
    return recurse(a, m, left, depth + 1, scale) + recurse(m, b, right, depth + 1, scale);
  };
  return recurse(lo, hi, whole, 0, Math.abs(whole));
}

/** (1 − e^(k·L)) / k for L ≤ 0, continuous at k = 0 (where it is −L). */
export function oneMinusPowOverK(k: number, L: number): number {
  if (Math.abs(k * L) < 1e-10) return -L * (1 + (k * L) / 2);
  return -Math.expm1(k * L) / k;
}
