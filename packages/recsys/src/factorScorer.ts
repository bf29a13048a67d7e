// Internal: batch dot products of user vectors with every item vector, for
// the recommend/recommendMany scoring of BPR and ExplicitMF. Uses the
// WebAssembly SIMD `score` kernel (float32) when the factor count is a
// multiple of 4 and SIMD is available, else a float64 typed-array loop.
import { dotRow } from './linalg';
import { loadSimdKernels } from './simdKernels';

/** Writes U_b · Y_i into out[b · items + i] for the `nu` vectors of U (row-major, nu × f). */
export type FactorScorer = (U: Float32Array, nu: number, out: Float64Array) => void;

/** A scorer for the item factors Y (items × f), taking up to `block` user vectors per call. */
export function factorScorer(Y: Float32Array, f: number, block: number): FactorScorer {
  const nI = Y.length / f;
  const k = f % 4 === 0 ? loadSimdKernels(f) : null;
  if (k === null) {
    const xs = new Float64Array(f);
    return (U, nu, out) => {
      for (let b = 0; b < nu; b++) {
        for (let q = 0; q < f; q++) xs[q] = U[b * f + q]!;
        const oo = b * nI;
        for (let i = 0; i < nI; i++) out[oo + i] = dotRow(Y, i * f, xs, f);
      }
    };
  }
  // Layout (float32 slots): Y | U (block × f) | out (block × items).
  const yOff = 0;
  const uOff = nI * f;
  const outOff = uOff + block * f;
  const pages = Math.ceil(((outOff + block * nI) * 4) / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const mem = new Float32Array(k.memory.buffer);
  mem.set(Y, yOff);
  return (U, nu, out) => {
    mem.set(U.subarray(0, nu * f), uOff);
    k.score(uOff * 4, nu, yOff * 4, nI, outOff * 4);
    out.set(mem.subarray(outOff, outOff + nu * nI));
  };
}
