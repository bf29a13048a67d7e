// Internal: limited-memory BFGS (Nocedal & Wright, Numerical Optimization,
// 2nd ed., algorithms 7.4 and 7.5) with a strong-Wolfe line search
// (algorithms 3.5 and 3.6, cubic interpolation), the method of scipy's
// L-BFGS-B that scikit-learn's 'lbfgs' solver calls, written for smooth
// unconstrained objectives on Float64Arrays.
import { throwIfAborted } from '@marksman/core';

/** Fills `g` with the gradient at `x` and returns the objective (may be non-finite outside the domain). */
export type ObjectiveGradient = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  /** Stop when the largest absolute gradient entry is at most this. */
  readonly tol: number;
  /** Pairs kept (scipy's default 10). */
  readonly memory?: number;
  readonly signal: AbortSignal | null;
  readonly source: string;
  /** Called after each iteration with its number and objective. */
  readonly onIteration?: ((iteration: number, f: number) => void) | null;
  /**
   * Curvature pairs to start from (taken over and updated), such as those
   * of a run on a nearby objective; none: start from steepest descent.
   */
  readonly pairs?: LbfgsPairs;
}

/** The memory of L-BFGS: steps s, gradient changes y and 1 / (s·y), oldest first. */
export interface LbfgsPairs {
  readonly s: Float64Array[];
  readonly y: Float64Array[];
  readonly rho: number[];
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  /** The gradient reached `tol`. */
  readonly converged: boolean;
  /** Largest absolute gradient entry at the end. */
  readonly gradientNorm: number;
  /** The curvature pairs at the end. */
  readonly pairs: LbfgsPairs;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH = 40;
/**
 * Relative decrease of the objective below which it has stopped changing in
 * double precision: 64 machine epsilons, the `ftol` scikit-learn hands
 * scipy's L-BFGS-B.
 */
const FTOL = 64 * Number.EPSILON;
/**
 * Near the optimum a sum over many rows changes by less than its own rounding
 * error, so the sufficient-decrease test fails at every step length. A step
 * whose objective lies within this relative band of the start and whose
 * slope meets the curvature condition is then taken (the "approximate Wolfe"
 * conditions of Hager & Zhang, SIAM J. Optim. 16(1), 2005).
 */
const FLAT = 1e-12;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside [lo, hi] away from the ends. */
function cubicStep(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  let t: number;
  if (disc >= 0 && Number.isFinite(disc)) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
  } else t = (a + b) / 2;
  const margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) t = (a + b) / 2;
  return t;
}

/**
 * Minimises `fg` from `x0` (not written). Stops when the gradient's
 * largest entry is at most `tol`, after `maxIter` iterations, or when the
 * line search can no longer lower the objective (the limit of double
 * precision). O(iterations · (evaluation + memory · d)).
 */
export function lbfgs(fg: ObjectiveGradient, x0: Float64Array, o: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const m = o.memory ?? 10;
  const x = x0.slice();
  const g = new Float64Array(d);
  let f = fg(x, g);
  const S: Float64Array[] = o.pairs?.s ?? [];
  const Y: Float64Array[] = o.pairs?.y ?? [];
  const rho: number[] = o.pairs?.rho ?? [];
  const pairs: LbfgsPairs = { s: S, y: Y, rho };
  const alpha = new Float64Array(m);
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let gnorm = infNorm(g);
  let iterations = 0;
  let precisionFloor = false;
  if (!Number.isFinite(f) || !(gnorm === gnorm)) return { x, f, iterations, converged: false, gradientNorm: gnorm, pairs };
  while (gnorm > o.tol && iterations < o.maxIter) {
    throwIfAborted(o.signal ?? undefined, o.source);
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < d; i++) dir[i] = -g[i]!;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j]! * dot(S[j]!, dir);
      alpha[j] = a;
      const y = Y[j]!;
      for (let i = 0; i < d; i++) dir[i]! -= a * y[i]!;
    }
    if (k > 0) {
      const gamma = dot(S[k - 1]!, Y[k - 1]!) / dot(Y[k - 1]!, Y[k - 1]!);
      for (let i = 0; i < d; i++) dir[i]! *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j]! * dot(Y[j]!, dir);
      const s = S[j]!;
      const a = alpha[j]! - b;
      for (let i = 0; i < d; i++) dir[i]! += a * s[i]!;
    }
    let dg = dot(dir, g);
    if (!(dg < 0)) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      dg = dot(dir, g);
    }
    // First step of a fresh memory: a unit move in the largest coordinate, as scipy starts.
    let step = S.length === 0 ? Math.min(1, 1 / Math.max(infNorm(dir), 1e-300)) : 1;
    const phi = (t: number): { f: number; dg: number } => {
      for (let i = 0; i < d; i++) xNew[i] = x[i]! + t * dir[i]!;
      const fv = fg(xNew, gNew);
      return { f: fv, dg: dot(gNew, dir) };
    };
    // Strong-Wolfe search (N&W 3.5): bracket, then zoom (3.6).
    let tPrev = 0;
    let fPrev = f;
    let dPrev = dg;
    let accepted = false;
    let lo = 0;
    let hi = 0;
    let fLo = f;
    let dLo = dg;
    let fHi = f;
    let dHi = dg;
    let bracketed = false;
    let evals = 0;
    let fAcc = f;
    const flat = (r: { f: number; dg: number }): boolean => r.f <= f + FLAT * Math.abs(f) && Math.abs(r.dg) <= -C2 * dg;
    while (evals < MAX_LINE_SEARCH) {
      const r = phi(step);
      evals++;
      if (flat(r)) {
        accepted = true;
        fAcc = r.f;
        break;
      }
      if (!Number.isFinite(r.f) || r.f > f + C1 * step * dg || (evals > 1 && r.f >= fPrev)) {
        lo = tPrev;
        fLo = fPrev;
        dLo = dPrev;
        hi = step;
        fHi = Number.isFinite(r.f) ? r.f : Infinity;
        dHi = Number.isFinite(r.dg) ? r.dg : Infinity;
        bracketed = true;
        break;
      }
      if (Math.abs(r.dg) <= -C2 * dg) {
        accepted = true;
        fAcc = r.f;
        break;
      }
      if (r.dg >= 0) {
        lo = step;
        fLo = r.f;
        dLo = r.dg;
        hi = tPrev;
        fHi = fPrev;
        dHi = dPrev;
        bracketed = true;
        break;
      }
      tPrev = step;
      fPrev = r.f;
      dPrev = r.dg;
      step *= 4;
    }
    if (!accepted && bracketed) {
      while (evals < MAX_LINE_SEARCH) {
        const t = Number.isFinite(fHi) && Number.isFinite(dHi) ? cubicStep(lo, fLo, dLo, hi, fHi, dHi) : (lo + hi) / 2;
        if (!(Math.abs(hi - lo) > 1e-16 * Math.max(1, Math.abs(lo)))) break;
        const r = phi(t);
        evals++;
        if (flat(r)) {
          accepted = true;
          fAcc = r.f;
          break;
        }
        if (!Number.isFinite(r.f) || r.f > f + C1 * t * dg || r.f >= fLo) {
          hi = t;
          fHi = Number.isFinite(r.f) ? r.f : Infinity;
          dHi = Number.isFinite(r.dg) ? r.dg : Infinity;
        } else {
          if (Math.abs(r.dg) <= -C2 * dg) {
            accepted = true;
            fAcc = r.f;
            break;
          }
          if (r.dg * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            dHi = dLo;
          }
          lo = t;
          fLo = r.f;
          dLo = r.dg;
        }
      }
      if (!accepted && lo > 0 && fLo < f) {
        // Wolfe's curvature condition not met, but lo lowers the objective: take it.
        const r = phi(lo);
        fAcc = r.f;
        accepted = Number.isFinite(r.f) && r.f < f;
      }
    }
    if (!accepted) break; // no further decrease is possible in double precision
    // xNew/gNew hold the accepted point (phi was last called there).
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    x.set(xNew);
    g.set(gNew);
    const fOld = f;
    f = fAcc;
    gnorm = infNorm(g);
    iterations++;
    if (sy > 1e-16 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    o.onIteration?.(iterations, f);
    if (!(fOld - f > 0) && gnorm > o.tol) break; // stalled
    if (fOld - f <= FTOL * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      // The objective no longer changes in double precision: the gradient is at its rounding floor.
      precisionFloor = true;
      break;
    }
  }
  return { x, f, iterations, converged: gnorm <= o.tol || precisionFloor, gradientNorm: gnorm, pairs };
}
