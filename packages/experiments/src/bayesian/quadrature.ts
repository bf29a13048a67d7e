// Internal numerical tools for the Bayesian, sequential and bandit code:
// adaptive Gauss–Kronrod quadrature and a bracketing root finder.
// Not exported from the package.

// Gauss–Kronrod 7/15 abscissae and weights on [-1, 1] (Kronrod 1965; the same
// rule as QUADPACK's QK15). Index 7 is the centre; odd indices are also the
// 7-point Gauss nodes.
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691,
  0.7415311855993945, 0.5860872354676911, 0.4058451513773972,
  0.20778495500789848, 0,
];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019,
  0.14065325971552592, 0.1690047266392679, 0.19035057806478542,
  0.20443294007529889, 0.20948214108472782,
];
// Gauss weights for XGK[1], XGK[3], XGK[5], XGK[7].
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

const EPSILON = 2.220446049250313e-16;

interface Piece {
  a: number;
  b: number;
  value: number;
  error: number;
}

function kronrod(f: (x: number) => number, a: number, b: number): Piece {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fv = new Float64Array(15);
  fv[7] = f(c);
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    fv[j] = f(c - dx);
    fv[14 - j] = f(c + dx);
  }
  let k = fv[7]! * WGK[7]!;
  let g = fv[7]! * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const s = fv[j]! + fv[14 - j]!;
    k += WGK[j]! * s;
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * s;
  }
  // QUADPACK's error estimate: |K − G| is far too pessimistic for K15, so it
  // is rescaled by the spread of f around its mean on the piece (resasc).
  const meanF = 0.5 * k;
  let asc = WGK[7]! * Math.abs(fv[7]! - meanF);
  for (let j = 0; j < 7; j++) asc += WGK[j]! * (Math.abs(fv[j]! - meanF) + Math.abs(fv[14 - j]! - meanF));
  let abs = WGK[7]! * Math.abs(fv[7]!);
  for (let j = 0; j < 7; j++) abs += WGK[j]! * (Math.abs(fv[j]!) + Math.abs(fv[14 - j]!));
  const ah = Math.abs(h);
  let error = Math.abs((k - g) * h);
  const resasc = asc * ah;
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, Math.pow((200 * error) / resasc, 1.5));
  error = Math.max(error, 50 * EPSILON * abs * ah);
  return { a, b, value: k * h, error };
}

/**
 * ∫ f over [a, b] by globally adaptive Gauss–Kronrod 7/15: the piece with the
 * largest error estimate is halved until the summed estimate is below
 * `absTol` (or `relTol`·|value|), or `maxPieces` is reached. `breaks` are
 * interior points where the integrand changes character (peaks, kinks);
 * the range starts cut there and in `initialPieces` equal parts.
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  absTol = 1e-12,
  relTol = 1e-12,
  breaks: readonly number[] = [],
  initialPieces = 8,
  maxPieces = 500,
): number {
  if (!(b > a)) return 0;
  const cuts = new Set<number>([a, b]);
  for (let i = 1; i < initialPieces; i++) cuts.add(a + ((b - a) * i) / initialPieces);
  for (const x of breaks) if (x > a && x < b) cuts.add(x);
  const points = [...cuts].sort((x, y) => x - y);
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i++) pieces.push(kronrod(f, points[i]!, points[i + 1]!));
  for (;;) {
    let value = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < pieces.length; i++) {
      value += pieces[i]!.value;
      error += pieces[i]!.error;
      if (pieces[i]!.error > pieces[worst]!.error) worst = i;
    }
    if (error <= Math.max(absTol, relTol * Math.abs(value)) || pieces.length >= maxPieces) return value;
    const p = pieces[worst]!;
    const mid = 0.5 * (p.a + p.b);
    if (!(mid > p.a && mid < p.b)) return value; // cannot split further in floating point
    pieces[worst] = kronrod(f, p.a, mid);
    pieces.push(kronrod(f, mid, p.b));
  }
}

/**
 * The x in [lo, hi] where the increasing function g crosses `target`, by the
 * Illinois variant of regula falsi with a bisection safeguard. g(lo) ≤ target
 * ≤ g(hi) must hold; returns the bracket end when it does not.
 */
export function solveIncreasing(g: (x: number) => number, target: number, lo: number, hi: number, xTol = 1e-13): number {
  let a = lo;
  let b = hi;
  let fa = g(a) - target;
  let fb = g(b) - target;
  if (fa >= 0) return a;
  if (fb <= 0) return b;
  let side = 0;
  for (let iter = 0; iter < 200; iter++) {
    let x = (a * fb - b * fa) / (fb - fa);
    // Bisect every fourth step, or when the secant point is not strictly inside.
    if (!(x > a && x < b) || iter % 4 === 3) x = 0.5 * (a + b);
    const fx = g(x) - target;
    if (fx === 0) return x;
    if (fx < 0) {
      a = x;
      fa = fx;
      if (side === -1) fb *= 0.5;
      side = -1;
    } else {
      b = x;
      fb = fx;
      if (side === 1) fa *= 0.5;
      side = 1;
    }
    if (b - a <= xTol * Math.max(1, Math.abs(a) + Math.abs(b))) break;
  }
  return 0.5 * (a + b);
}
