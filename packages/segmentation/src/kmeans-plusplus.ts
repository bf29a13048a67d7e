import { ValidationError, type Random } from '@marksman/core';
import { sqDist, sqDistAt } from './kmeans-kernels';
import type { SeedingKernel } from './kmeans-wasm';

let seedingFastPath = true;

/**
 * Turns the stride-8 first pass and scorer for up to four candidates on or
 * off (on by default); off, the first pass uses the general loop and the
 * scorer the stride-8 loop over any number of candidates. For tests that
 * check that both give identical results.
 * @internal
 */
export function setSeedingFastPathEnabled(enabled: boolean): void {
  seedingFastPath = enabled;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy variant
 * with 2 + ⌊ln k⌋ candidate draws per step, as in scikit-learn): the first
 * center is a point drawn with probability ∝ its weight; each next center
 * is the best, by resulting potential Σ wᵢ·D(xᵢ)², of several points drawn
 * with probability ∝ wᵢ·D(xᵢ)², where D is the distance to the nearest
 * center chosen so far.
 *
 * Exact pruning by the triangle inequality (in the spirit of Raff, "Exact
 * Acceleration of K-Means++ and K-Means‖", IJCAI 2021): a point whose
 * nearest chosen center c satisfies ‖cand − c‖² ≥ 4·D(x)² cannot get closer
 * to the candidate (‖x − cand‖ ≥ ‖cand − c‖ − ‖x − c‖ ≥ ‖x − c‖), so its
 * distance is not computed. The result is identical to the brute-force
 * computation; on well-separated data most distances are skipped.
 *
 * All candidates of a step are scored in one pass over the data; the points
 * each candidate would capture are recorded, so adopting the winner touches
 * only those points instead of making another pass. Given a
 * {@link SeedingKernel} (the WebAssembly SIMD scorer of kmeans-wasm.ts), that
 * pass runs there, with `closest` and `owner` in its memory; the result is
 * the same, bit for bit.
 *
 * Draws use the first point whose cumulative weight exceeds u·potential, so
 * a point already at zero distance is never drawn; when the potential is 0
 * before k centers are chosen there are fewer than k distinct points (with
 * positive weight) and the data cannot hold k clusters.
 *
 * @returns k centers, row-major with stride P, and the nearest of them for
 *   every point (the first assignment step of Lloyd's algorithm, for free;
 *   ties go to the lower index, as in the assignment step)
 * @internal
 */
export function kmeansPlusPlus(
  X: Float64Array,
  n: number,
  P: number,
  k: number,
  w: Float64Array,
  rng: Random,
  source: string,
  kernel: SeedingKernel | null = null,
): { centers: Float64Array; labels: Int32Array } {
  const centers = new Float64Array(k * P);
  const closest = kernel === null ? new Float64Array(n) : kernel.closest;
  const owner = kernel === null ? new Int32Array(n) : kernel.owner.fill(0);
  const trials = seedingTrials(k);

  // First center: drawn ∝ weight.
  let wTotal = 0;
  for (let i = 0; i < n; i++) wTotal += w[i]!;
  const first = drawIndex(w, null, n, rng.next() * wTotal);
  centers.set(X.subarray(first * P, first * P + P), 0);
  // Potential per block of 2^BLOCK_BITS points, so a draw walks blocks, then one block.
  const blockSum = new Float64Array(((n - 1) >> BLOCK_BITS) + 1);
  let pot = P === 8 && seedingFastPath ? firstDistances8(X, n, w, centers, closest, blockSum) : firstDistances(X, n, P, w, centers, closest, blockSum);
  if (k === 1) return { centers, labels: owner };

  // cc[t * k + j] = ‖candidate t − center j‖²; candidates copied to a small buffer.
  const cc = new Float64Array(trials * k);
  // Room for at least four candidates, so the stride-8 scorer can load four unconditionally.
  const candX = new Float64Array(Math.max(trials, 4) * P);
  const candPot = new Float64Array(trials);
  const reach = new Float64Array(k);
  const cand = new Int32Array(trials);
  // Capture lists of the typed-array scorers (the kernel keeps its own).
  const wins = kernel === null ? Array.from({ length: trials }, () => new WinList(Math.max(16, n >> 3))) : [];
  for (let c = 1; c < k; c++) {
    if (!(pot > 0)) {
      throw new ValidationError('E_K_TOO_LARGE', `${source}: the data hold only ${c} distinct point(s) with positive weight, fewer than k = ${k}; lower k.`, { source, field: 'k' });
    }
    for (let t = 0; t < trials; t++) cand[t] = drawFromBlocks(w, closest, blockSum, n, rng.next() * pot);
    for (let t = 0; t < trials; t++) {
      candX.set(X.subarray(cand[t]! * P, cand[t]! * P + P), t * P);
      for (let j = 0; j < c; j++) cc[t * k + j] = sqDist(candX, t, centers, j, P);
      if (kernel === null) wins[t]!.size = 0;
    }
    // A point whose nearest center is j is out of every candidate's reach when
    // 4·D² ≤ min over candidates of ‖cand − c_j‖²: one test, and its potential
    // goes to a sum shared by all candidates.
    for (let j = 0; j < c; j++) {
      let m = Infinity;
      for (let t = 0; t < trials; t++) if (cc[t * k + j]! < m) m = cc[t * k + j]!;
      reach[j] = m;
    }
    candPot.fill(0);
    const shared = kernel !== null
      ? kernel.score(candX, cc, reach, c, trials, candPot)
      : P === 8 && trials <= 4 && seedingFastPath
        ? scoreCandidates8Few(X, n, w, closest, owner, candX, cc, reach, k, trials, candPot, wins)
        : P === 8
        ? scoreCandidates8(X, n, w, closest, owner, candX, cc, reach, k, trials, candPot, wins)
        : scoreCandidates(X, n, P, w, closest, owner, candX, cc, reach, k, trials, candPot, wins);
    for (let t = 0; t < trials; t++) candPot[t] = candPot[t]! + shared;
    let bt = 0;
    for (let t = 1; t < trials; t++) if (candPot[t]! < candPot[bt]!) bt = t;

    centers.set(candX.subarray(bt * P, bt * P + P), c * P);
    if (kernel !== null) {
      const { index, dist } = kernel.captured(bt);
      for (let m = 0; m < index.length; m++) {
        const i = index[m]!;
        const d = dist[m]!;
        const b = i >> BLOCK_BITS;
        blockSum[b] = blockSum[b]! + w[i]! * (d - closest[i]!);
        closest[i] = d;
        owner[i] = c;
      }
      pot = candPot[bt]!;
      continue;
    }
    const win = wins[bt]!;
    for (let m = 0; m < win.size; m++) {
      const i = win.index[m]!;
      const b = i >> BLOCK_BITS;
      blockSum[b] = blockSum[b]! + w[i]! * (win.dist[m]! - closest[i]!);
      closest[i] = win.dist[m]!;
      owner[i] = c;
    }
    pot = candPot[bt]!;
  }
  return { centers, labels: owner };
}

/** Candidates drawn per greedy k-means++ step: 2 + ⌊ln k⌋, as scikit-learn. @internal */
export function seedingTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * Squared distances of every point to the first center into `closest`, their
 * weighted sums per block into `blockSum`; returns the potential.
 * @internal
 */
export function firstDistances(X: Float64Array, n: number, P: number, w: Float64Array, centers: Float64Array, closest: Float64Array, blockSum: Float64Array): number {
  let pot = 0;
  for (let i = 0, o = 0; i < n; i++, o += P) {
    const d = sqDistAt(X, o, centers, 0, P);
    closest[i] = d;
    const v = w[i]! * d;
    blockSum[i >> BLOCK_BITS] = blockSum[i >> BLOCK_BITS]! + v;
    pot += v;
  }
  return pot;
}

/**
 * {@link firstDistances} for stride 8, with the center in locals (the same
 * operations as {@link sqDistAt}, so the results are bit-identical).
 * @internal
 */
export function firstDistances8(X: Float64Array, n: number, w: Float64Array, centers: Float64Array, closest: Float64Array, blockSum: Float64Array): number {
  const c0 = centers[0]!, c1 = centers[1]!, c2 = centers[2]!, c3 = centers[3]!, c4 = centers[4]!, c5 = centers[5]!, c6 = centers[6]!, c7 = centers[7]!;
  let pot = 0;
  for (let i = 0, o = 0; i < n; i++, o += 8) {
    const t0 = X[o]! - c0, t1 = X[o + 1]! - c1, t2 = X[o + 2]! - c2, t3 = X[o + 3]! - c3;
    const t4 = X[o + 4]! - c4, t5 = X[o + 5]! - c5, t6 = X[o + 6]! - c6, t7 = X[o + 7]! - c7;
    const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
    closest[i] = d;
    const v = w[i]! * d;
    blockSum[i >> BLOCK_BITS] = blockSum[i >> BLOCK_BITS]! + v;
    pot += v;
  }
  return pot;
}

/** A growable list of (point index, new squared distance). */
class WinList {
  index: Int32Array;
  dist: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.index = new Int32Array(capacity);
    this.dist = new Float64Array(capacity);
  }
  push(i: number, d: number): void {
    if (this.size === this.index.length) {
      const index = new Int32Array(this.size * 2);
      const dist = new Float64Array(this.size * 2);
      index.set(this.index);
      dist.set(this.dist);
      this.index = index;
      this.dist = dist;
    }
    this.index[this.size] = i;
    this.dist[this.size] = d;
    this.size++;
  }
}

/**
 * Adds Σ wᵢ·min(D(xᵢ)², ‖xᵢ − cand_t‖²) to pot[t] for every candidate t and
 * records the points each would capture; returns the potential of the points
 * no candidate can reach, which every candidate shares.
 */
function scoreCandidates(
  X: Float64Array,
  n: number,
  P: number,
  w: Float64Array,
  closest: Float64Array,
  owner: Int32Array,
  candX: Float64Array,
  cc: Float64Array,
  reach: Float64Array,
  k: number,
  trials: number,
  pot: Float64Array,
  wins: WinList[],
): number {
  let shared = 0;
  for (let i = 0, o = 0; i < n; i++, o += P) {
    const cl = closest[i]!;
    const wi = w[i]!;
    const own = owner[i]!;
    const cl4 = 4 * cl;
    if (reach[own]! >= cl4) {
      shared += wi * cl;
      continue;
    }
    for (let t = 0; t < trials; t++) {
      let v = cl;
      if (cc[t * k + own]! < cl4) {
        const d = sqDistAt(X, o, candX, t * P, P);
        if (d < cl) {
          v = d;
          wins[t]!.push(i, d);
        }
      }
      pot[t] = pot[t]! + wi * v;
    }
  }
  return shared;
}

/** {@link scoreCandidates} for stride 8, with the point held in locals. */
function scoreCandidates8(
  X: Float64Array,
  n: number,
  w: Float64Array,
  closest: Float64Array,
  owner: Int32Array,
  candX: Float64Array,
  cc: Float64Array,
  reach: Float64Array,
  k: number,
  trials: number,
  pot: Float64Array,
  wins: WinList[],
): number {
  let shared = 0;
  for (let i = 0, o = 0; i < n; i++, o += 8) {
    const cl = closest[i]!;
    const wi = w[i]!;
    const own = owner[i]!;
    const cl4 = 4 * cl;
    if (reach[own]! >= cl4) {
      shared += wi * cl;
      continue;
    }
    const x0 = X[o]!, x1 = X[o + 1]!, x2 = X[o + 2]!, x3 = X[o + 3]!;
    const x4 = X[o + 4]!, x5 = X[o + 5]!, x6 = X[o + 6]!, x7 = X[o + 7]!;
    for (let t = 0, q = 0; t < trials; t++, q += 8) {
      let v = cl;
      if (cc[t * k + own]! < cl4) {
        const t0 = x0 - candX[q]!, t1 = x1 - candX[q + 1]!, t2 = x2 - candX[q + 2]!, t3 = x3 - candX[q + 3]!;
        const t4 = x4 - candX[q + 4]!, t5 = x5 - candX[q + 5]!, t6 = x6 - candX[q + 6]!, t7 = x7 - candX[q + 7]!;
        const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
        if (d < cl) {
          v = d;
          wins[t]!.push(i, d);
        }
      }
      pot[t] = pot[t]! + wi * v;
    }
  }
  return shared;
}

/**
 * {@link scoreCandidates8} for two to four candidates (2 + ⌊ln k⌋ ≤ 4, i.e.
 * k ≤ 20), with the candidates and their running potentials held in locals.
 * Each potential is summed in the same point order, and each distance in the
 * same operation order, as in the general loop, so the result is
 * bit-identical; the tests on the number of candidates are the same for every
 * point, so they are well predicted.
 */
function scoreCandidates8Few(
  X: Float64Array,
  n: number,
  w: Float64Array,
  closest: Float64Array,
  owner: Int32Array,
  candX: Float64Array,
  cc: Float64Array,
  reach: Float64Array,
  k: number,
  trials: number,
  pot: Float64Array,
  wins: WinList[],
): number {
  const a0 = candX[0]!, a1 = candX[1]!, a2 = candX[2]!, a3 = candX[3]!, a4 = candX[4]!, a5 = candX[5]!, a6 = candX[6]!, a7 = candX[7]!;
  const b0 = candX[8]!, b1 = candX[9]!, b2 = candX[10]!, b3 = candX[11]!, b4 = candX[12]!, b5 = candX[13]!, b6 = candX[14]!, b7 = candX[15]!;
  const c0 = candX[16]!, c1 = candX[17]!, c2 = candX[18]!, c3 = candX[19]!, c4 = candX[20]!, c5 = candX[21]!, c6 = candX[22]!, c7 = candX[23]!;
  const d0 = candX[24]!, d1 = candX[25]!, d2 = candX[26]!, d3 = candX[27]!, d4 = candX[28]!, d5 = candX[29]!, d6 = candX[30]!, d7 = candX[31]!;
  const winA = wins[0]!, winB = wins[1]!, winC = wins[trials > 2 ? 2 : 0]!, winD = wins[trials > 3 ? 3 : 0]!;
  const three = trials > 2, four = trials > 3;
  let pa = pot[0]!, pb = pot[1]!, pc = three ? pot[2]! : 0, pd = four ? pot[3]! : 0;
  let shared = 0;
  for (let i = 0, o = 0; i < n; i++, o += 8) {
    const cl = closest[i]!;
    const wi = w[i]!;
    const own = owner[i]!;
    const cl4 = 4 * cl;
    if (reach[own]! >= cl4) {
      shared += wi * cl;
      continue;
    }
    const x0 = X[o]!, x1 = X[o + 1]!, x2 = X[o + 2]!, x3 = X[o + 3]!;
    const x4 = X[o + 4]!, x5 = X[o + 5]!, x6 = X[o + 6]!, x7 = X[o + 7]!;
    let v = cl;
    if (cc[own]! < cl4) {
      const t0 = x0 - a0, t1 = x1 - a1, t2 = x2 - a2, t3 = x3 - a3, t4 = x4 - a4, t5 = x5 - a5, t6 = x6 - a6, t7 = x7 - a7;
      const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
      if (d < cl) {
        v = d;
        winA.push(i, d);
      }
    }
    pa += wi * v;
    v = cl;
    if (cc[k + own]! < cl4) {
      const t0 = x0 - b0, t1 = x1 - b1, t2 = x2 - b2, t3 = x3 - b3, t4 = x4 - b4, t5 = x5 - b5, t6 = x6 - b6, t7 = x7 - b7;
      const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
      if (d < cl) {
        v = d;
        winB.push(i, d);
      }
    }
    pb += wi * v;
    if (!three) continue;
    v = cl;
    if (cc[2 * k + own]! < cl4) {
      const t0 = x0 - c0, t1 = x1 - c1, t2 = x2 - c2, t3 = x3 - c3, t4 = x4 - c4, t5 = x5 - c5, t6 = x6 - c6, t7 = x7 - c7;
      const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
      if (d < cl) {
        v = d;
        winC.push(i, d);
      }
    }
    pc += wi * v;
    if (!four) continue;
    v = cl;
    if (cc[3 * k + own]! < cl4) {
      const t0 = x0 - d0, t1 = x1 - d1, t2 = x2 - d2, t3 = x3 - d3, t4 = x4 - d4, t5 = x5 - d5, t6 = x6 - d6, t7 = x7 - d7;
      const d = (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
      if (d < cl) {
        v = d;
        winD.push(i, d);
      }
    }
    pd += wi * v;
  }
  pot[0] = pa;
  pot[1] = pb;
  if (three) pot[2] = pc;
  if (four) pot[3] = pd;
  return shared;
}

/** First index whose running sum of w·(d or 1) exceeds `target`; the last positive one if rounding runs out. */
function drawIndex(w: Float64Array, d: Float64Array | null, n: number, target: number): number {
  let acc = 0;
  let lastPositive = -1;
  for (let i = 0; i < n; i++) {
    const v = d === null ? w[i]! : w[i]! * d[i]!;
    if (v > 0) {
      lastPositive = i;
      acc += v;
      if (acc > target) return i;
    }
  }
  return lastPositive;
}

const BLOCK_BITS = 10;

/**
 * The first index whose running sum of w·d exceeds `target`, walking block
 * sums first and then one block. Block sums are kept up to date by adding
 * the changes, so they can drift by rounding: a block that falls short on
 * its exact values passes on to the next, and the last point of positive
 * weight is the fallback.
 */
function drawFromBlocks(w: Float64Array, d: Float64Array, blockSum: Float64Array, n: number, target: number): number {
  let acc = 0;
  for (let b = 0; b < blockSum.length; b++) {
    const next = acc + blockSum[b]!;
    if (next <= target) {
      acc = next;
      continue;
    }
    const end = Math.min(n, (b + 1) << BLOCK_BITS);
    for (let i = b << BLOCK_BITS; i < end; i++) {
      const v = w[i]! * d[i]!;
      if (v > 0) {
        acc += v;
        if (acc > target) return i;
      }
    }
  }
  for (let i = n - 1; i >= 0; i--) if (w[i]! * d[i]! > 0) return i;
  return n - 1;
}
