import { throwIfAborted } from '@marksman/core';
import { assignPoints, sqDist, weightedInertia } from './kmeans-kernels';
import type { LloydWasm } from './kmeans-wasm';

/** Progress of a k-means fit, reported after every iteration. */
export interface KMeansProgress {
  /** 0-based index of the restart (see `nInit`). */
  readonly run: number;
  /** 1-based iteration within the restart. */
  readonly iteration: number;
  /** How many points changed cluster in this iteration. */
  readonly labelsChanged: number;
  /** Σ‖new center − old center‖² over clusters, in the data's squared units. */
  readonly centerShift: number;
}

/** Everything one restart needs. @internal */
export interface RunSetup {
  readonly X: Float64Array;
  readonly n: number;
  readonly P: number;
  readonly k: number;
  readonly w: Float64Array;
  /** Column means (length P, 0 in padding columns), for the assignment kernels. */
  readonly mu: Float64Array;
  /** Σ wᵢ‖xᵢ − μ‖², so inertia = this + the kernels' sum of reduced distances. */
  readonly spread: number;
  readonly maxIterations: number;
  /** Absolute tolerance on Σ‖Δc‖² (tolerance × mean feature variance). */
  readonly tol: number;
  readonly run: number;
  readonly source: string;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((p: KMeansProgress) => void) | undefined;
  /** This fit's data in the WebAssembly SIMD kernel, or null for the typed-array kernels. */
  readonly wasm: LloydWasm | null;
}

/** What one restart returns. @internal */
export interface RunResult {
  readonly labels: Int32Array;
  readonly centers: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Turns per-cluster weighted sums into means. A cluster left without weight
 * takes the point (of positive weight) farthest from its current center,
 * as scikit-learn does: the m emptied clusters take the m farthest points,
 * farthest first, and those points' weights move out of their old clusters.
 * Returns Σ‖new − old‖².
 *
 * @internal
 */
export function updateCenters(
  s: RunSetup,
  labels: Int32Array,
  old: Float64Array,
  sums: Float64Array,
  wsum: Float64Array,
  out: Float64Array,
): number {
  const { X, n, P, k, w } = s;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (!(wsum[c]! > 0)) empty.push(c);
  if (empty.length > 0) {
    const far = farthestPoints(X, n, P, old, labels, w, empty.length);
    for (let e = 0; e < empty.length && e < far.length; e++) {
      const i = far[e]!;
      const c = empty[e]!;
      const from = labels[i]!;
      const wi = w[i]!;
      for (let j = 0; j < P; j++) {
        const v = wi * X[i * P + j]!;
        sums[from * P + j] = sums[from * P + j]! - v;
        sums[c * P + j] = v;
      }
      wsum[from] = wsum[from]! - wi;
      wsum[c] = wi;
    }
  }
  let shift = 0;
  for (let c = 0; c < k; c++) {
    const wc = wsum[c]!;
    for (let j = 0; j < P; j++) {
      const q = c * P + j;
      const v = wc > 0 ? sums[q]! / wc : old[q]!;
      out[q] = v;
      const t = v - old[q]!;
      shift += t * t;
    }
  }
  return shift;
}

function farthestPoints(X: Float64Array, n: number, P: number, centers: Float64Array, labels: Int32Array, w: Float64Array, m: number): number[] {
  // Keep the m largest distances (m is the number of empty clusters, small).
  const idx: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(w[i]! > 0)) continue;
    const d = sqDist(X, i, centers, labels[i]!, P);
    if (idx.length < m || d > dist[dist.length - 1]!) {
      let p = idx.length < m ? idx.length : m - 1;
      if (idx.length < m) {
        idx.push(i);
        dist.push(d);
      }
      while (p > 0 && dist[p - 1]! < d) {
        idx[p] = idx[p - 1]!;
        dist[p] = dist[p - 1]!;
        p--;
      }
      idx[p] = i;
      dist[p] = d;
    }
  }
  return idx;
}

/**
 * Lloyd's algorithm with scikit-learn's stopping rules: each iteration
 * assigns points to the current centers and moves the centers to the
 * weighted means; it stops when no label changed ("strict convergence") or
 * when Σ‖Δc‖² ≤ tol, or after maxIterations. Unless strictly converged, a
 * final assignment makes the labels match the returned centers.
 *
 * @internal
 */
export function lloydRun(s: RunSetup, init: Float64Array, initLabels: Int32Array | null): RunResult {
  const { X, n, P, k, w } = s;
  const { wasm } = s;
  // With the WebAssembly kernel, labels and sums are views of its memory (copied out at the end).
  const labels = wasm === null ? new Int32Array(n) : wasm.labels;
  labels.fill(-1);
  let centers = init.slice();
  let next = new Float64Array(k * P);
  const sums = wasm === null ? new Float64Array(k * P) : wasm.sums;
  const wsum = wasm === null ? new Float64Array(k) : wasm.wsum;
  const assign = (accumulate: boolean): number =>
    wasm === null
      ? assignPoints(X, n, P, centers, k, w, labels, accumulate ? sums : null, accumulate ? wsum : null, s.mu, near)
      : wasm.assign(centers, s.mu, accumulate, near);
  const near = new Float64Array(1);
  near[0] = NaN;
  let strict = false;
  let shift = Infinity;
  let it = 0;
  while (it < s.maxIterations) {
    throwIfAborted(s.signal, s.source);
    // k-means++ already found each point's nearest seed: reuse it as the first assignment.
    const changed =
      it === 0 && initLabels !== null ? adoptLabels(s, initLabels, labels, sums, wsum, near) : assign(true);
    shift = updateCenters(s, labels, centers, sums, wsum, next);
    [centers, next] = [next, centers];
    it++;
    s.onProgress?.({ run: s.run, iteration: it, labelsChanged: changed, centerShift: shift });
    if (changed === 0) {
      strict = true;
      break;
    }
    if (shift <= s.tol) break;
  }
  let inertia: number;
  if (!strict) {
    assign(false);
    inertia = s.spread + near[0]!;
  } else if (shift === 0 && !Number.isNaN(near[0]!)) {
    // Labels and centers did not move in the last step, so its distances are final.
    inertia = s.spread + near[0]!;
  } else {
    inertia = weightedInertia(X, n, P, centers, labels, w);
  }
  return { labels: wasm === null ? labels : labels.slice(), centers, inertia: Math.max(0, inertia), iterations: it, converged: strict || shift <= s.tol };
}

/** Copies labels known to be nearest-center assignments and accumulates the sums; returns n (every label is new). */
function adoptLabels(s: RunSetup, from: Int32Array, labels: Int32Array, sums: Float64Array, wsum: Float64Array, near: Float64Array): number {
  const { X, n, P, w } = s;
  near[0] = NaN; // distances to the seeds are not in reduced form
  labels.set(from);
  sums.fill(0);
  wsum.fill(0);
  for (let i = 0, o = 0; i < n; i++, o += P) {
    const c = labels[i]!;
    const wi = w[i]!;
    const q = c * P;
    for (let j = 0; j < P; j++) sums[q + j] = sums[q + j]! + wi * X[o + j]!;
    wsum[c] = wsum[c]! + wi;
  }
  return n;
}
