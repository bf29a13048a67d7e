// The standard normal quantile, shared by the packages that build intervals
// and designs (metrics, experiments, profiling). Internal: exported from
// `@marksman/core/internal`, not from the public entry.

// Wichura, "Algorithm AS 241: The percentage points of the normal
// distribution", Applied Statistics 37 (1988) 477–484 (PPND16, ~1e-16).
const AS241_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const AS241_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const AS241_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const AS241_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
  0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-09,
];
const AS241_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 2.7115555687434876e-05, 2.0103343992922881e-07,
];
const AS241_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  1.8463183175100548e-05, 1.421511758316446e-07, 2.0442631033899397e-15,
];

function poly(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

/**
 * Quantile of the standard normal for a tail area `tail` ≤ 0.5 on the lower
 * side, given as the smaller tail so that tiny areas stay exact. Returns a
 * non-positive deviate.
 */
function normalLowerTailQuantile(tail: number): number {
  // tail in (0, 0.5]; r = sqrt(−ln tail)
  const r = Math.sqrt(-Math.log(tail));
  if (r <= 5) {
    const s = r - 1.6;
    return -poly(AS241_C, s) / poly(AS241_D, s);
  }
  const s = r - 5;
  return -poly(AS241_E, s) / poly(AS241_F, s);
}

/**
 * Standard normal quantile Φ⁻¹(p) (Wichura's AS 241, about 1e-16 relative).
 * Returns −∞ at 0, +∞ at 1 and NaN outside [0, 1] (and for anything but a number).
 */
export function normalPpf(p: number): number {
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(AS241_A, r)) / poly(AS241_B, r);
  }
  return q < 0 ? normalLowerTailQuantile(p) : -normalLowerTailQuantile(1 - p);
}
