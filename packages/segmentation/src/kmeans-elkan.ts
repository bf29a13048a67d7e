import { throwIfAborted } from '@marksman/core';
import { assignPoints, sqDist, weightedInertia } from './kmeans-kernels';
import { updateCenters, type RunResult, type RunSetup } from './kmeans-lloyd';

/**
 * Elkan's exact k-means (Elkan, "Using the Triangle Inequality to Accelerate
 * k-Means", ICML 2003): per point an upper bound on the distance to its own
 * center and k lower bounds, so most distance computations are skipped once
 * centers settle. Same iterations, stopping rules and result as Lloyd (up to
 * ties); memory O(n·k) for the bounds. The first assignment is made while
 * the bounds are set up; as in scikit-learn the iteration count is the same
 * as Lloyd's.
 *
 * @internal
 */
export function elkanRun(s: RunSetup, init: Float64Array): RunResult {
  const { X, n, P, k, w } = s;
  let centers = init.slice();
  let next = new Float64Array(k * P);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const half = new Float64Array(k * k);
  const nextHalf = new Float64Array(k);
  const sums = new Float64Array(k * P);
  const wsum = new Float64Array(k);
  const move = new Float64Array(k);

  const centerDistances = (): void => {
    for (let a = 0; a < k; a++) {
      half[a * k + a] = 0;
      for (let b = a + 1; b < k; b++) {
        const h = Math.sqrt(sqDist(centers, a, centers, b, P)) / 2;
        half[a * k + b] = h;
        half[b * k + a] = h;
      }
    }
    for (let a = 0; a < k; a++) {
      let m = Infinity;
      for (let b = 0; b < k; b++) if (b !== a && half[a * k + b]! < m) m = half[a * k + b]!;
      nextHalf[a] = m;
    }
  };

  // Initial assignment and bounds.
  centerDistances();
  for (let i = 0; i < n; i++) {
    let label = 0;
    let best = Math.sqrt(sqDist(X, i, centers, 0, P));
    lower[i * k] = best;
    for (let j = 1; j < k; j++) {
      if (best > half[label * k + j]!) {
        const d = Math.sqrt(sqDist(X, i, centers, j, P));
        lower[i * k + j] = d;
        if (d < best) {
          best = d;
          label = j;
        }
      }
    }
    labels[i] = label;
    upper[i] = best;
  }

  let strict = false;
  let shift = Infinity;
  let it = 0;
  while (it < s.maxIterations) {
    throwIfAborted(s.signal, s.source);
    sums.fill(0);
    wsum.fill(0);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let label = labels[i]!;
      let ub = upper[i]!;
      if (nextHalf[label]! < ub) {
        let tight = false;
        const li = i * k;
        for (let j = 0; j < k; j++) {
          if (j !== label && ub > lower[li + j]! && ub > half[label * k + j]!) {
            if (!tight) {
              ub = Math.sqrt(sqDist(X, i, centers, label, P));
              lower[li + label] = ub;
              tight = true;
              if (!(ub > lower[li + j]! && ub > half[label * k + j]!)) continue;
            }
            const d = Math.sqrt(sqDist(X, i, centers, j, P));
            lower[li + j] = d;
            if (d < ub) {
              label = j;
              ub = d;
            }
          }
        }
        if (label !== labels[i]) {
          labels[i] = label;
          changed++;
        }
        upper[i] = ub;
      }
      const wi = w[i]!;
      const o = i * P;
      const q = label * P;
      for (let j = 0; j < P; j++) sums[q + j] = sums[q + j]! + wi * X[o + j]!;
      wsum[label] = wsum[label]! + wi;
    }
    // As in scikit-learn, the labels before the first iteration count as unset,
    // so the first iteration never ends the fit by "no label changed".
    if (it === 0) changed = n;
    shift = updateCenters(s, labels, centers, sums, wsum, next);
    for (let c = 0; c < k; c++) move[c] = Math.sqrt(sqDist(next, c, centers, c, P));
    for (let i = 0; i < n; i++) {
      upper[i] = upper[i]! + move[labels[i]!]!;
      const li = i * k;
      for (let j = 0; j < k; j++) {
        const v = lower[li + j]! - move[j]!;
        lower[li + j] = v > 0 ? v : 0;
      }
    }
    [centers, next] = [next, centers];
    centerDistances();
    it++;
    s.onProgress?.({ run: s.run, iteration: it, labelsChanged: changed, centerShift: shift });
    if (changed === 0) {
      strict = true;
      break;
    }
    if (shift <= s.tol) break;
  }
  if (!strict) assignPoints(X, n, P, centers, k, w, labels, null, null, s.mu, new Float64Array(1));
  return { labels, centers, inertia: weightedInertia(X, n, P, centers, labels, w), iterations: it, converged: strict || shift <= s.tol };
}
