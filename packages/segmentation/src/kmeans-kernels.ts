/**
 * Inner loops of k-means on padded, row-major Float64Arrays.
 *
 * Layout: points and centers are stored with a stride `P` = d rounded up to a
 * multiple of 4; the padding columns are 0 in both, so they add nothing to
 * dot products or distances. With `P` = 4 or 8 two points are held in
 * local variables and each center costs two straight-line expressions,
 * which V8 compiles to register arithmetic (about 1.9× faster than a loop
 * over features at d = 8, 1e6 points, k = 8, and 20% more from sharing the
 * center loads between two points). Other strides use 4-wide chunks
 * accumulated into a small distance buffer.
 *
 * Assignment uses the expanded form of the squared distance, as
 * scikit-learn does, in coordinates centered on the data mean μ (x' = x − μ,
 * c' = c − μ): ‖x − c‖² = ‖x'‖² + ‖c'‖² + 2μ·c' − 2x·c'. The first term is
 * the same for every center and is dropped; the next two are one constant
 * per center, so the loop reads the raw point and costs one multiply-add per
 * feature and center. (scikit-learn centers a copy of the data; subtracting
 * μ inside the loop measured 19% slower at d = 8, and centering the centers
 * already keeps the rounding error at about ε·‖μ‖/‖x − μ‖ relative, which
 * matters only for points within that margin of a tie.) The caller's array
 * is never copied or written. Lloyd's inertia is the kernels' Σ wᵢ·(reduced
 * distance) plus Σ wᵢ‖xᵢ − μ‖² computed once, which saves a pass per restart
 * (relative error about ε·Σ‖x − μ‖²/inertia; 4e-12 on the benchmark blobs);
 * k-means++, Elkan and the fallback inertia use direct differences.
 * kmeans-wasm.ts runs `assignPoints` for Lloyd in WebAssembly SIMD with the
 * same operations in the same order: a change to the arithmetic here must be
 * made there too (its tests compare the two bit for bit).
 *
 * @internal
 */

/** Rounds a feature count up to the padded stride. @internal */
export function paddedStride(d: number): number {
  return (d + 3) & ~3;
}

/**
 * Assigns every point to its nearest center (first index wins ties), writes
 * `labels`, and when `sums` is given accumulates weighted coordinate sums
 * and weights per center. Returns how many labels changed, and writes to
 * out[0] the sum of wᵢ times the dropped-‖x'‖² distance of each point to its
 * center: adding Σ wᵢ‖xᵢ − μ‖² gives the inertia against these centers.
 *
 * @internal
 */
export function assignPoints(
  X: Float64Array,
  n: number,
  P: number,
  centers: Float64Array,
  k: number,
  w: Float64Array,
  labels: Int32Array,
  sums: Float64Array | null,
  wsum: Float64Array | null,
  mu: Float64Array,
  out: Float64Array,
): number {
  const cn = new Float64Array(k);
  const C2 = new Float64Array(k * P);
  reduceCenters(centers, k, P, mu, C2, cn);
  if (sums !== null && wsum !== null) {
    sums.fill(0);
    wsum.fill(0);
  }
  if (P === 8) return assign8(X, n, C2, cn, k, w, labels, sums, wsum, out);
  if (P === 4) return assign4(X, n, C2, cn, k, w, labels, sums, wsum, out);
  return assignGeneral(X, n, P, C2, cn, k, w, labels, sums, wsum, out);
}

/**
 * Writes the per-center terms of the reduced distance: `C2` = −2c' (k × P)
 * and `cn[c]` = ‖c'‖² + 2μ·c', with c' = c − μ.
 *
 * @internal
 */
export function reduceCenters(centers: Float64Array, k: number, P: number, mu: Float64Array, C2: Float64Array, cn: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < P; j++) {
      const v = centers[c * P + j]! - mu[j]!;
      s += v * v + 2 * mu[j]! * v;
      C2[c * P + j] = -2 * v;
    }
    cn[c] = s;
  }
}

function assign8(
  X: Float64Array,
  n: number,
  C2: Float64Array,
  cn: Float64Array,
  k: number,
  w: Float64Array,
  labels: Int32Array,
  sums: Float64Array | null,
  wsum: Float64Array | null,
  out: Float64Array,
): number {
  // Two points per pass over the centers: each center coordinate is loaded
  // once for both (measured about 20% faster than one point at a time).
  let changed = 0;
  let near = 0;
  const pairs = n & ~1;
  for (let i = 0, o = 0; i < pairs; i += 2, o += 16) {
    const x0 = X[o]!, x1 = X[o + 1]!, x2 = X[o + 2]!, x3 = X[o + 3]!;
    const x4 = X[o + 4]!, x5 = X[o + 5]!, x6 = X[o + 6]!, x7 = X[o + 7]!;
    const y0 = X[o + 8]!, y1 = X[o + 9]!, y2 = X[o + 10]!, y3 = X[o + 11]!;
    const y4 = X[o + 12]!, y5 = X[o + 13]!, y6 = X[o + 14]!, y7 = X[o + 15]!;
    let bx = Infinity;
    let lx = 0;
    let by = Infinity;
    let ly = 0;
    for (let c = 0, p = 0; c < k; c++, p += 8) {
      const a0 = C2[p]!, a1 = C2[p + 1]!, a2 = C2[p + 2]!, a3 = C2[p + 3]!;
      const a4 = C2[p + 4]!, a5 = C2[p + 5]!, a6 = C2[p + 6]!, a7 = C2[p + 7]!;
      const q = cn[c]!;
      const v = q + (x0 * a0 + x1 * a1 + x2 * a2 + x3 * a3) + (x4 * a4 + x5 * a5 + x6 * a6 + x7 * a7);
      const u = q + (y0 * a0 + y1 * a1 + y2 * a2 + y3 * a3) + (y4 * a4 + y5 * a5 + y6 * a6 + y7 * a7);
      if (v < bx) {
        bx = v;
        lx = c;
      }
      if (u < by) {
        by = u;
        ly = c;
      }
    }
    if (labels[i] !== lx) {
      labels[i] = lx;
      changed++;
    }
    if (labels[i + 1] !== ly) {
      labels[i + 1] = ly;
      changed++;
    }
    const wx = w[i]!;
    const wy = w[i + 1]!;
    near += wx * bx + wy * by;
    if (sums !== null && wsum !== null) {
      let q = lx * 8;
      sums[q] = sums[q]! + wx * x0;
      sums[q + 1] = sums[q + 1]! + wx * x1;
      sums[q + 2] = sums[q + 2]! + wx * x2;
      sums[q + 3] = sums[q + 3]! + wx * x3;
      sums[q + 4] = sums[q + 4]! + wx * x4;
      sums[q + 5] = sums[q + 5]! + wx * x5;
      sums[q + 6] = sums[q + 6]! + wx * x6;
      sums[q + 7] = sums[q + 7]! + wx * x7;
      wsum[lx] = wsum[lx]! + wx;
      q = ly * 8;
      sums[q] = sums[q]! + wy * y0;
      sums[q + 1] = sums[q + 1]! + wy * y1;
      sums[q + 2] = sums[q + 2]! + wy * y2;
      sums[q + 3] = sums[q + 3]! + wy * y3;
      sums[q + 4] = sums[q + 4]! + wy * y4;
      sums[q + 5] = sums[q + 5]! + wy * y5;
      sums[q + 6] = sums[q + 6]! + wy * y6;
      sums[q + 7] = sums[q + 7]! + wy * y7;
      wsum[ly] = wsum[ly]! + wy;
    }
  }
  if (pairs < n) {
    // The last point of an odd count, through the general kernel.
    const tail = new Float64Array(1);
    changed += assignGeneral(X.subarray(pairs * 8), 1, 8, C2, cn, k, w.subarray(pairs), labels.subarray(pairs), sums, wsum, tail);
    near += tail[0]!;
  }
  out[0] = near;
  return changed;
}

function assign4(
  X: Float64Array,
  n: number,
  C2: Float64Array,
  cn: Float64Array,
  k: number,
  w: Float64Array,
  labels: Int32Array,
  sums: Float64Array | null,
  wsum: Float64Array | null,
  out: Float64Array,
): number {
  // Two points per pass over the centers, as in assign8.
  let changed = 0;
  let near = 0;
  const pairs = n & ~1;
  for (let i = 0, o = 0; i < pairs; i += 2, o += 8) {
    const x0 = X[o]!, x1 = X[o + 1]!, x2 = X[o + 2]!, x3 = X[o + 3]!;
    const y0 = X[o + 4]!, y1 = X[o + 5]!, y2 = X[o + 6]!, y3 = X[o + 7]!;
    let bx = Infinity;
    let lx = 0;
    let by = Infinity;
    let ly = 0;
    for (let c = 0, p = 0; c < k; c++, p += 4) {
      const a0 = C2[p]!, a1 = C2[p + 1]!, a2 = C2[p + 2]!, a3 = C2[p + 3]!;
      const q = cn[c]!;
      const v = q + (x0 * a0 + x1 * a1) + (x2 * a2 + x3 * a3);
      const u = q + (y0 * a0 + y1 * a1) + (y2 * a2 + y3 * a3);
      if (v < bx) {
        bx = v;
        lx = c;
      }
      if (u < by) {
        by = u;
        ly = c;
      }
    }
    if (labels[i] !== lx) {
      labels[i] = lx;
      changed++;
    }
    if (labels[i + 1] !== ly) {
      labels[i + 1] = ly;
      changed++;
    }
    const wx = w[i]!;
    const wy = w[i + 1]!;
    near += wx * bx + wy * by;
    if (sums !== null && wsum !== null) {
      let q = lx * 4;
      sums[q] = sums[q]! + wx * x0;
      sums[q + 1] = sums[q + 1]! + wx * x1;
      sums[q + 2] = sums[q + 2]! + wx * x2;
      sums[q + 3] = sums[q + 3]! + wx * x3;
      wsum[lx] = wsum[lx]! + wx;
      q = ly * 4;
      sums[q] = sums[q]! + wy * y0;
      sums[q + 1] = sums[q + 1]! + wy * y1;
      sums[q + 2] = sums[q + 2]! + wy * y2;
      sums[q + 3] = sums[q + 3]! + wy * y3;
      wsum[ly] = wsum[ly]! + wy;
    }
  }
  if (pairs < n) {
    const tail = new Float64Array(1);
    changed += assignGeneral(X.subarray(pairs * 4), 1, 4, C2, cn, k, w.subarray(pairs), labels.subarray(pairs), sums, wsum, tail);
    near += tail[0]!;
  }
  out[0] = near;
  return changed;
}

/**
 * The kernel for any stride (a multiple of 4): per point, the distance
 * starts at cn[c] and adds each 4-wide chunk as ((t0 + t1) + (t2 + t3)).
 * Also used for the last point of an odd count at strides 4 and 8.
 *
 * @internal
 */
export function assignGeneral(
  X: Float64Array,
  n: number,
  P: number,
  C2: Float64Array,
  cn: Float64Array,
  k: number,
  w: Float64Array,
  labels: Int32Array,
  sums: Float64Array | null,
  wsum: Float64Array | null,
  out: Float64Array,
): number {
  let changed = 0;
  let near = 0;
  const dist = new Float64Array(k);
  for (let i = 0, o = 0; i < n; i++, o += P) {
    dist.set(cn);
    for (let j = 0; j < P; j += 4) {
      const x0 = X[o + j]!, x1 = X[o + j + 1]!, x2 = X[o + j + 2]!, x3 = X[o + j + 3]!;
      for (let c = 0, p = j; c < k; c++, p += P) {
        dist[c] = dist[c]! + ((x0 * C2[p]! + x1 * C2[p + 1]!) + (x2 * C2[p + 2]! + x3 * C2[p + 3]!));
      }
    }
    let best = Infinity;
    let bl = 0;
    for (let c = 0; c < k; c++) {
      const v = dist[c]!;
      if (v < best) {
        best = v;
        bl = c;
      }
    }
    if (labels[i] !== bl) {
      labels[i] = bl;
      changed++;
    }
    const wi = w[i]!;
    near += wi * best;
    if (sums !== null && wsum !== null) {
      const q = bl * P;
      for (let j = 0; j < P; j++) sums[q + j] = sums[q + j]! + wi * X[o + j]!;
      wsum[bl] = wsum[bl]! + wi;
    }
  }
  out[0] = near;
  return changed;
}

/**
 * Squared distance between row `a` of `A` and row `b` of `B` (same stride
 * P). Strides 4 and 8 are straight-line code (about 2× faster in V8 than the
 * loop); V8 inlines this small function at its call sites.
 *
 * @internal
 */
export function sqDist(A: Float64Array, a: number, B: Float64Array, b: number, P: number): number {
  return sqDistAt(A, a * P, B, b * P, P);
}

/**
 * {@link sqDist} with element offsets instead of row indexes. Kept small so
 * that V8 inlines it: the stride-8 case is inline, the others are a call.
 *
 * @internal
 */
export function sqDistAt(A: Float64Array, oa: number, B: Float64Array, ob: number, P: number): number {
  if (P === 8) {
    const t0 = A[oa]! - B[ob]!, t1 = A[oa + 1]! - B[ob + 1]!, t2 = A[oa + 2]! - B[ob + 2]!, t3 = A[oa + 3]! - B[ob + 3]!;
    const t4 = A[oa + 4]! - B[ob + 4]!, t5 = A[oa + 5]! - B[ob + 5]!, t6 = A[oa + 6]! - B[ob + 6]!, t7 = A[oa + 7]! - B[ob + 7]!;
    return (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3) + (t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7);
  }
  return sqDistOther(A, oa, B, ob, P);
}

function sqDistOther(A: Float64Array, oa: number, B: Float64Array, ob: number, P: number): number {
  if (P === 4) {
    const t0 = A[oa]! - B[ob]!, t1 = A[oa + 1]! - B[ob + 1]!, t2 = A[oa + 2]! - B[ob + 2]!, t3 = A[oa + 3]! - B[ob + 3]!;
    return (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
  }
  let s0 = 0;
  let s1 = 0;
  for (let j = 0; j < P; j += 4) {
    const t0 = A[oa + j]! - B[ob + j]!, t1 = A[oa + j + 1]! - B[ob + j + 1]!;
    const t2 = A[oa + j + 2]! - B[ob + j + 2]!, t3 = A[oa + j + 3]! - B[ob + j + 3]!;
    s0 += t0 * t0 + t2 * t2;
    s1 += t1 * t1 + t3 * t3;
  }
  return s0 + s1;
}

/** Σ wᵢ‖xᵢ − c_{labelᵢ}‖², from direct differences. @internal */
export function weightedInertia(X: Float64Array, n: number, P: number, centers: Float64Array, labels: Int32Array, w: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]! * sqDist(X, i, centers, labels[i]!, P);
  return total;
}
