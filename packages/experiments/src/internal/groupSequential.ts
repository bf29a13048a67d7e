// Internal: the numerical core of group-sequential designs — Lan-DeMets
// spending functions and the joint distribution of the z statistics at the
// looks, by the recursive numerical integration of Armitage, McPherson &
// Rowe (1969) on the grid of Jennison & Turnbull (2000, ch. 19).
//
// Information is on the fraction scale (the last planned look has
// information 1). With drift δ = θ·√I_max, the statistic at a look with
// information fraction t is Z = S/√t where S is a Brownian motion with drift
// δ: S(t) − S(s) ~ N(δ(t − s), t − s). Only the continuing paths are carried
// from look to look, as a sub-density on a grid of the continuation region.
import { normalCdf as cdf, normalIsf, normalSf as sf } from './distributions';

// Local bindings: these run millions of times per design, and a call through
// a module namespace getter (as some loaders compile ESM) costs more than the
// arithmetic.
const normalCdf: (z: number) => number = cdf;
const normalSf: (z: number) => number = sf;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Shape of a Lan-DeMets spending function. */
export type SpendingShape = 'obrien-fleming' | 'pocock';

/**
 * Cumulative error spent by information fraction t (clipped to [0, 1]) for a
 * one-sided level `level` (gsDesign's sfLDOF / sfLDPocock, Lan & DeMets 1983):
 * O'Brien-Fleming-type 2 − 2Φ(Φ⁻¹(1 − level/2)/√t), Pocock-type
 * level·ln(1 + (e − 1)t).
 */
export function spent(shape: SpendingShape, level: number, t: number): number {
  if (!(t > 0)) return 0;
  const u = Math.min(1, t);
  if (shape === 'pocock') return level * Math.log(1 + (Math.E - 1) * u);
  return 2 * normalSf(normalIsf(level / 2) / Math.sqrt(u));
}

/** A grid on the continuation region with Simpson weights. */
interface Grid {
  z: Float64Array;
  w: Float64Array;
}

/** Sub-density of the continuing paths at one look, on its grid. */
export interface Stage {
  readonly t: number;
  readonly z: Float64Array;
  /** Weight × density at each grid point (so a sum is an integral). */
  readonly wh: Float64Array;
  /** The largest of `wh`: bounds every term of a sum over the grid, so a sum can stop where the rest could not change it. */
  readonly peak: number;
}

/** Grid resolution of Jennison & Turnbull (r = 16 gives about 1e-7 accuracy on exit probabilities). */
const R = 16;

/** Jennison & Turnbull's points around `mean`, trimmed to [lo, hi], with midpoints and Simpson weights. */
function gridOn(mean: number, lo: number, hi: number, out: { z: number[]; w: number[] }): void {
  if (!(hi > lo)) return;
  const pts: number[] = [];
  if (Number.isFinite(lo)) pts.push(lo);
  for (let i = 1; i <= 6 * R - 1; i++) {
    let x: number;
    if (i < R) x = mean - 3 - 4 * Math.log(R / i);
    else if (i <= 5 * R) x = mean - 3 + (3 * (i - R)) / (2 * R);
    else x = mean + 3 + 4 * Math.log(R / (6 * R - i));
    if (x > lo && x < hi) pts.push(x);
  }
  if (Number.isFinite(hi)) pts.push(hi);
  if (pts.length < 2) {
    // an interval narrower than the grid spacing, away from both finite ends: use its ends
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
    pts.length = 0;
    pts.push(lo, hi);
  }
  const m = 2 * pts.length - 1;
  const z = new Array<number>(m);
  for (let j = 0; j < pts.length; j++) {
    z[2 * j] = pts[j]!;
    if (j + 1 < pts.length) z[2 * j + 1] = 0.5 * (pts[j]! + pts[j + 1]!);
  }
  for (let i = 0; i < m; i++) {
    let w: number;
    if (i === 0) w = (z[2]! - z[0]!) / 6;
    else if (i === m - 1) w = (z[m - 1]! - z[m - 3]!) / 6;
    else if (i % 2 === 1) w = (4 * (z[i + 1]! - z[i - 1]!)) / 6;
    else w = (z[i + 2]! - z[i - 2]!) / 6;
    out.z.push(z[i]!);
    out.w.push(w);
  }
}

function gridFor(mean: number, intervals: readonly (readonly [number, number])[]): Grid {
  const out = { z: [] as number[], w: [] as number[] };
  for (const [lo, hi] of intervals) gridOn(mean, lo, hi, out);
  return { z: Float64Array.from(out.z), w: Float64Array.from(out.w) };
}

// The exit probabilities sum the sub-density times Φ (or 1 − Φ) of (bt − z·√t_prev)/sd over the grid, and that
// argument falls as z rises. Only a window of the grid needs Φ: where the argument is above CDF_ONE, Φ is 1 in double
// precision (1 − Φ(8.5) ≈ 9.5e-18, under half an ulp of 1), so those points add their weight alone; and once the
// largest term left (peak × Φ, Φ being monotone) is below 2⁻⁵⁶ of the sum, adding it and every later term rounds back
// to the same sum. So exitBelow returns the very bits of the sum over the whole grid, and exitAbove (which adds the
// same terms from the other end) the same sum to rounding, at a cost proportional to the grid points where the
// paths' distribution at the look is neither 0 nor 1.
const CDF_ONE = 8.5;
const NEGLIGIBLE = 2 ** -56;

/** Index of the first grid point above v (the grid is ascending); its length when there is none. */
function firstAbove(z: Float64Array, v: number): number {
  let lo = 0;
  let hi = z.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (z[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** P(the path continued through `prev`, and Z at fraction t exceeds b) for drift δ. */
export function exitAbove(prev: Stage | null, t: number, drift: number, b: number): number {
  if (b === Infinity) return 0;
  if (b === -Infinity) return prev === null ? 1 : prev.wh.reduce((s, v) => s + v, 0);
  if (prev === null) return normalSf(b - drift * Math.sqrt(t));
  const d = t - prev.t;
  const sd = Math.sqrt(d);
  const bt = b * Math.sqrt(t) - drift * d;
  const st = Math.sqrt(prev.t);
  const { z, wh, peak } = prev;
  // from the top of the grid down: the points whose argument is below −CDF_ONE exit for sure
  const sure = firstAbove(z, (bt + CDF_ONE * sd) / st);
  let s = 0;
  for (let i = z.length - 1; i >= sure; i--) s += wh[i]!;
  for (let i = sure - 1; i >= 0; i--) {
    const q = normalSf((bt - z[i]! * st) / sd);
    if (q * peak <= NEGLIGIBLE * s) break;
    s += wh[i]! * q;
  }
  return s;
}

/** P(the path continued through `prev`, and Z at fraction t is below b) for drift δ. */
export function exitBelow(prev: Stage | null, t: number, drift: number, b: number): number {
  if (b === -Infinity) return 0;
  if (b === Infinity) return prev === null ? 1 : prev.wh.reduce((s, v) => s + v, 0);
  if (prev === null) return normalCdf(b - drift * Math.sqrt(t));
  const d = t - prev.t;
  const sd = Math.sqrt(d);
  const bt = b * Math.sqrt(t) - drift * d;
  const st = Math.sqrt(prev.t);
  const { z, wh, peak } = prev;
  // from the bottom of the grid up, in the order of a sum over the whole grid: the points whose argument is above
  // CDF_ONE exit for sure
  const sure = firstAbove(z, (bt - CDF_ONE * sd) / st);
  let s = 0;
  for (let i = 0; i < sure; i++) s += wh[i]!;
  for (let i = sure; i < z.length; i++) {
    const p = normalCdf((bt - z[i]! * st) / sd);
    if (p * peak <= NEGLIGIBLE * s) break;
    s += wh[i]! * p;
  }
  return s;
}

/** d/db of exitAbove: minus the density at b of Z at fraction t among the continuing paths. */
function densityAt(prev: Stage | null, t: number, drift: number, b: number): number {
  if (!Number.isFinite(b)) return 0;
  if (prev === null) return normalPdf(b - drift * Math.sqrt(t));
  const d = t - prev.t;
  const sd = Math.sqrt(d);
  const bt = b * Math.sqrt(t) - drift * d;
  const st = Math.sqrt(prev.t);
  let s = 0;
  for (let i = 0; i < prev.z.length; i++) s += prev.wh[i]! * normalPdf((bt - prev.z[i]! * st) / sd);
  return (s * Math.sqrt(t)) / sd;
}

/**
 * The upper bound a with P(continued, Z > a) (+ P(continued, Z < −a) for two
 * sides) equal to `target` under H₀: safeguarded Newton from the bound a
 * single look would have, falling back to bisection; to 1e-10.
 */
function solveUpper(prev: Stage | null, t: number, target: number, sides: 1 | 2): number {
  const exit = (a: number): number => exitAbove(prev, t, 0, a) + (sides === 2 ? exitBelow(prev, t, 0, -a) : 0);
  const slope = (a: number): number => densityAt(prev, t, 0, a) + (sides === 2 ? densityAt(prev, t, 0, -a) : 0);
  let lo = sides === 2 ? 0 : -MAX_Z;
  let hi = MAX_Z;
  if (exit(lo) <= target) return lo;
  if (exit(hi) > target) return hi;
  let a = Math.min(hi, Math.max(lo, normalIsf(target / sides)));
  for (let i = 0; i < 100; i++) {
    const f = exit(a) - target;
    if (f > 0) lo = a;
    else hi = a;
    if (Math.abs(f) <= 1e-14 * target || hi - lo < 1e-10) break;
    const g = slope(a);
    let next = g > 0 ? a + f / g : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - a) < 1e-11) {
      a = next;
      break;
    }
    a = next;
  }
  return a;
}

/** The sub-density at fraction t of the paths that continued through `prev` and stay in `intervals` now. */
export function nextStage(prev: Stage | null, t: number, drift: number, intervals: readonly (readonly [number, number])[]): Stage {
  const g = gridFor(drift * Math.sqrt(t), intervals);
  const wh = new Float64Array(g.z.length);
  if (prev === null) {
    const mu = drift * Math.sqrt(t);
    for (let j = 0; j < g.z.length; j++) wh[j] = g.w[j]! * normalPdf(g.z[j]! - mu);
  } else {
    const d = t - prev.t;
    const sd = Math.sqrt(d);
    const st = Math.sqrt(t);
    const sp = Math.sqrt(prev.t);
    const scale = st / sd;
    // The kernel is negligible (below 1e-16 of its peak) beyond 8.6 sd: sum over the grid points
    // within that window only (both grids are ascending, so the window slides).
    const reach = 8.6 * sd;
    const n = prev.z.length;
    let from = 0;
    for (let j = 0; j < g.z.length; j++) {
      const x = g.z[j]! * st - drift * d;
      while (from < n && prev.z[from]! * sp < x - reach) from++;
      let s = 0;
      for (let i = from; i < n; i++) {
        const u = prev.z[i]! * sp;
        if (u > x + reach) break;
        s += prev.wh[i]! * normalPdf((x - u) / sd);
      }
      wh[j] = g.w[j]! * scale * s;
    }
  }
  let peak = 0;
  for (let j = 0; j < wh.length; j++) if (wh[j]! > peak) peak = wh[j]!;
  return { t, z: g.z, wh, peak };
}

/** Smallest x in [lo, hi] with f(x) ≤ target for a decreasing f (bisection to 1e-10). */
function solveDecreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  if (f(lo) <= target) return lo;
  if (f(hi) > target) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-10; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Largest bound any look needs: beyond 40 the normal tail is below 1e-300. */
const MAX_Z = 40;

/**
 * Efficacy bounds on z (upper; symmetric for two sides) at fractions `times`
 * such that the probability under H₀ of crossing first at each look equals
 * the increment of `cumulative` (per side). Futility is non-binding and plays
 * no part.
 */
export function efficacyBounds(times: readonly number[], cumulative: readonly number[], sides: 1 | 2): number[] {
  const bounds: number[] = [];
  let prev: Stage | null = null;
  let before = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    const target = Math.max(0, cumulative[k]! - before);
    before = Math.max(before, cumulative[k]!);
    const a = target <= 0 ? Infinity : solveUpper(prev, t, target * sides, sides);
    bounds.push(a);
    if (k < times.length - 1) prev = nextStage(prev, t, 0, sides === 2 ? [[-a, a]] : [[-Infinity, a]]);
  }
  return bounds;
}

/** Continuation region of a look with efficacy bound a and futility bound f (null: none). */
export function region(a: number, f: number | null, sides: 1 | 2): (readonly [number, number])[] {
  if (sides === 1) return [[f === null ? -Infinity : f, a]];
  if (f === null || f <= 0) return [[-a, a]];
  if (f >= a) return [];
  return [
    [-a, -f],
    [f, a],
  ];
}

/**
 * Non-binding futility bounds from β-spending under drift δ: at each look
 * before the last, the bound at which stopping for futility (z below f, or
 * |z| below f for two sides) has the probability of the increment of
 * `betaCumulative`, given the efficacy and futility bounds before it; at the
 * last look the futility bound is the efficacy bound. A bound that would pass
 * the efficacy bound is set to it.
 */
export function futilityBounds(
  times: readonly number[],
  efficacy: readonly number[],
  betaCumulative: readonly number[],
  drift: number,
  sides: 1 | 2,
  lastIsFinal = true,
): number[] {
  const out: number[] = [];
  let prev: Stage | null = null;
  let before = 0;
  const K = times.length;
  for (let k = 0; k < K; k++) {
    const t = times[k]!;
    const a = efficacy[k]!;
    let f: number;
    if (k === K - 1 && lastIsFinal) f = a;
    else {
      const target = Math.max(0, betaCumulative[k]! - before);
      const p = prev;
      const accept = (x: number): number => (sides === 1 ? exitBelow(p, t, drift, x) : Math.max(0, exitBelow(p, t, drift, x) - exitBelow(p, t, drift, -x)));
      const lo = sides === 1 ? -MAX_Z : 0;
      const hi = Number.isFinite(a) ? a : MAX_Z;
      if (target <= 0) f = sides === 1 ? -Infinity : 0;
      else if (accept(hi) <= target) f = hi;
      else {
        // accept rises with x: the x where accept(x) = target, to 1e-10
        const a0 = accept(lo);
        f = a0 >= target ? lo : crossing(accept, target, lo, a0, hi, accept(hi));
      }
    }
    before = Math.max(before, betaCumulative[k]!);
    out.push(f);
    if (k < K - 1) prev = nextStage(prev, t, drift, region(a, f, sides));
  }
  return out;
}

/** Per look: probability of stopping for efficacy and for futility under drift δ, with the bounds binding. */
export function operating(times: readonly number[], efficacy: readonly number[], futility: readonly number[] | null, drift: number, sides: 1 | 2): { reject: number[]; accept: number[] } {
  const reject: number[] = [];
  const accept: number[] = [];
  let prev: Stage | null = null;
  let alive = 1;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    const a = efficacy[k]!;
    const last = k === times.length - 1;
    const f = futility === null ? (last ? a : null) : futility[k]!;
    const rej = exitAbove(prev, t, drift, a) + (sides === 2 ? exitBelow(prev, t, drift, -a) : 0);
    let acc = 0;
    if (last) acc = Math.max(0, alive - rej);
    else if (f !== null) acc = sides === 1 ? exitBelow(prev, t, drift, f) : Math.max(0, exitBelow(prev, t, drift, Math.min(f, a)) - exitBelow(prev, t, drift, -Math.min(f, a)));
    reject.push(rej);
    accept.push(acc);
    if (!last) {
      prev = nextStage(prev, t, drift, region(a, f, sides));
      alive = prev.wh.reduce((s, v) => s + v, 0);
    }
  }
  return { reject, accept };
}

/** Drift of a fixed-horizon z-test with the same level and power (both tails when two-sided). */
export function fixedDrift(level: number, power: number, sides: 1 | 2): number {
  const c = normalIsf(level);
  if (sides === 1) return c + normalIsf(1 - power);
  // Φ(δ − c) + Φ(−δ − c) = power, increasing in δ ≥ 0
  return solveDecreasing((d) => -(normalCdf(d - c) + normalCdf(-d - c)), -power, 0, 60);
}

/** Width of the bracket at which {@link crossing} stops (as the bisections here). */
const CROSSING_TOL = 1e-10;

/**
 * Where an increasing f crosses target within [lo, hi], given f(lo) < target ≤ f(hi), to CROSSING_TOL: regula falsi
 * with the Illinois rule (the end that stayed put twice has its value halved), steps kept CROSSING_TOL / 3 inside the
 * bracket so that it closes once the root is found, and a bisection whenever three steps have not halved the bracket.
 * A smooth f takes about 8 evaluations where bisection from [0, 60] takes 40.
 */
function crossing(f: (x: number) => number, target: number, lo: number, flo: number, hi: number, fhi: number): number {
  let glo = flo - target;
  let ghi = fhi - target;
  let last = 0;
  let checkpoint = hi - lo;
  const inset = CROSSING_TOL / 3;
  for (let i = 0; i < 200 && hi - lo > CROSSING_TOL; i++) {
    let x = lo - (glo * (hi - lo)) / (ghi - glo);
    if (i % 3 === 2) {
      if (hi - lo > 0.5 * checkpoint) x = 0.5 * (lo + hi);
      checkpoint = hi - lo;
    }
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    x = Math.min(hi - inset, Math.max(lo + inset, x));
    const g = f(x) - target;
    if (g < 0) {
      lo = x;
      glo = g;
      if (last < 0) ghi *= 0.5;
      last = -1;
    } else {
      hi = x;
      ghi = g;
      if (last > 0) glo *= 0.5;
      last = 1;
    }
  }
  return 0.5 * (lo + hi);
}

/** Largest drift searched. */
const MAX_DRIFT = 60;

/**
 * Smallest drift in [0, 60] with f(δ) ≥ target, for an increasing f: the bracket grows by a quarter at a time from
 * `guess` (the fixed-horizon drift, which a sequential design never needs less than), then {@link crossing}.
 */
export function solveDrift(f: (drift: number) => number, target: number, guess: number): number {
  let lo = Math.min(Math.max(0, guess), MAX_DRIFT);
  let flo = f(lo);
  if (flo >= target) {
    // the guess already reaches the target: the crossing lies below it
    const f0 = f(0);
    return f0 >= target ? 0 : crossing(f, target, 0, f0, lo, flo);
  }
  for (;;) {
    const hi = Math.min(MAX_DRIFT, Math.max(lo * 1.25, lo + 0.5));
    const fhi = f(hi);
    if (fhi >= target) return crossing(f, target, lo, flo, hi, fhi);
    if (hi === MAX_DRIFT) return MAX_DRIFT;
    lo = hi;
    flo = fhi;
  }
}
