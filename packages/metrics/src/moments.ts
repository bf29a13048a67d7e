// Internal: numerically stable running moments and their parallel merge.
//
// Univariate state (n, mean, m2) with m2 = Σ (x − mean)²; bivariate state adds
// a second mean and the co-moments cxx, cyy, cxy. Single values are added with
// Welford's update (Welford 1962); batches with the corrected two-pass
// algorithm on shifted data (Chan, Golub & LeVeque 1983); two states are
// merged with the pairwise formula of Chan, Golub & LeVeque (1979):
//   δ = mean_b − mean_a,  mean = mean_a + δ·n_b/n,  m2 = m2_a + m2_b + δ²·n_a·n_b/n.
// None of these subtract large sums of squares, so values around 1e9 with a
// small spread keep their variance.

/** Running univariate moments. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** Running bivariate moments. */
export interface Comoments {
  n: number;
  meanX: number;
  meanY: number;
  cxx: number;
  cyy: number;
  cxy: number;
}

export function addOne(s: Moments, x: number): void {
  s.n += 1;
  const d = x - s.mean;
  s.mean += d / s.n;
  s.m2 += d * (x - s.mean);
}

/** Moments of a batch (corrected two-pass on data shifted by its first value). */
export function batchMoments(xs: ArrayLike<number>): Moments {
  const n = xs.length;
  if (n === 0) return { n: 0, mean: 0, m2: 0 };
  const shift = xs[0] as number;
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i] as number) - shift;
  const mean = shift + s / n;
  let ss = 0;
  let sd = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - mean;
    ss += d * d;
    sd += d;
  }
  return { n, mean, m2: Math.max(ss - (sd * sd) / n, 0) };
}

export function mergeInto(a: Moments, b: Moments): void {
  if (b.n === 0) return;
  if (a.n === 0) {
    a.n = b.n;
    a.mean = b.mean;
    a.m2 = b.m2;
    return;
  }
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  a.mean += (d * b.n) / n;
  a.m2 += b.m2 + ((d * d * a.n) / n) * b.n;
  a.n = n;
}

export function addPair(s: Comoments, x: number, y: number): void {
  s.n += 1;
  const dx = x - s.meanX;
  const dy = y - s.meanY;
  s.meanX += dx / s.n;
  s.meanY += dy / s.n;
  s.cxx += dx * (x - s.meanX);
  s.cyy += dy * (y - s.meanY);
  s.cxy += dx * (y - s.meanY);
}

/** Co-moments of a batch (corrected two-pass on shifted data). */
export function batchComoments(xs: ArrayLike<number>, ys: ArrayLike<number>): Comoments {
  const n = xs.length;
  if (n === 0) return { n: 0, meanX: 0, meanY: 0, cxx: 0, cyy: 0, cxy: 0 };
  const kx = xs[0] as number;
  const ky = ys[0] as number;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += (xs[i] as number) - kx;
    sy += (ys[i] as number) - ky;
  }
  const meanX = kx + sx / n;
  const meanY = ky + sy / n;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  let ex = 0;
  let ey = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    const dy = (ys[i] as number) - meanY;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
    ex += dx;
    ey += dy;
  }
  return {
    n,
    meanX,
    meanY,
    cxx: Math.max(cxx - (ex * ex) / n, 0),
    cyy: Math.max(cyy - (ey * ey) / n, 0),
    cxy: cxy - (ex * ey) / n,
  };
}

export function mergeComoments(a: Comoments, b: Comoments): void {
  if (b.n === 0) return;
  if (a.n === 0) {
    Object.assign(a, b);
    return;
  }
  const n = a.n + b.n;
  const dx = b.meanX - a.meanX;
  const dy = b.meanY - a.meanY;
  const w = (a.n / n) * b.n;
  a.meanX += (dx * b.n) / n;
  a.meanY += (dy * b.n) / n;
  a.cxx += b.cxx + dx * dx * w;
  a.cyy += b.cyy + dy * dy * w;
  a.cxy += b.cxy + dx * dy * w;
  a.n = n;
}
