// Internal: the row loops of LinearRegression's solve as a small WebAssembly
// module with 128-bit SIMD (two float64 lanes), assembled here from its
// opcodes (no toolchain, nothing to fetch). Pointers are byte offsets into
// the module's memory, which holds the q = p + 1 columns (the features, then
// the target) one after another, n rows each:
//
//   sums(X, n, q, out)
//       out[j] = Σᵢ X[j][i] for each column j, the rows added in order
//       (four columns at a time, each its own sum)
//   block(X, n, q, s, start, m, means, R, Z, G)
//       rows start … start + m − 1 of every column, centred and scaled:
//       Z[r·s + j] = (X[j][start + r] − means[j]) · R[r] (Z row-major, s ≥ q
//       a multiple of 4, its columns from q on left as they are, zeros);
//       then G[j·s + k] += Σ_r Z[r·s + j]·Z[r·s + k] over the block's rows in
//       order, for every k ≤ j < q (and some entries above the diagonal, in
//       tiles of 4 × 4: two lanes hold two neighbouring entries k, k + 1 of
//       one row j, so each entry is still its own sum in row order)
//
// Every entry is the same sum, in the same order, as the JavaScript loops of
// linear-regression.ts (a product u·v is v·u; a sum starts from 0 and the
// block's total is then added to G), so both give the same coefficients, bit
// for bit. `borrowLeastSquaresKernel` answers null where WebAssembly or its
// SIMD is missing, and the solve then runs its JavaScript loops.
import { compileWasm, uleb128 as uleb, wasmModule, wasmName as str, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';
import {
  I32, F64, V128, get, set, tee, BLOCK, LOOP, END, br, brIf, i32c, I32_ADD, I32_MUL, I32_SHL, I32_GE_S, I32_GT_S,
  f64c, F64_LOAD, F64_STORE, F64_ADD, F64_SUB, F64_MUL, F64X2_ADD, F64X2_MUL, V128_ZERO, V128_LOAD, V128_STORE, V128_LOAD64_SPLAT,
} from './wasm-ops';

/** The kernel bound to one instance and its memory. */
export interface LeastSquaresKernel {
  readonly memory: WebAssembly.Memory;
  sums(X: number, n: number, q: number, out: number): void;
  block(X: number, n: number, q: number, s: number, start: number, m: number, means: number, R: number, Z: number, G: number): void;
}

/** `while (a < b) { body }` for i32 locals a, b. */
const whileLess = (a: number, b: number, body: number[]): number[] => [
  ...BLOCK, ...LOOP,
  ...get(a), ...get(b), ...I32_GE_S, ...brIf(1),
  ...body,
  ...br(0), ...END, ...END,
];

/** local += c (i32). */
const addTo = (local: number, c: number[]): number[] => [...get(local), ...c, ...I32_ADD, ...set(local)];

function sumsBody(): number[] {
  // params: 0 X, 1 n, 2 q, 3 out; locals: 4 j, 5 i, 6 end, 7–10 c0…c3 (i32); 11–14 s0…s3 (f64)
  const [X, n, q, out, j, i, end] = [0, 1, 2, 3, 4, 5, 6];
  const cp = [7, 8, 9, 10];
  const s = [11, 12, 13, 14];
  /** Columns j … j + m − 1, each summed in row order into s0…s(m−1), written to out[j…]. */
  const group = (m: number) => [
    ...get(X), ...get(j), ...get(n), ...I32_MUL, ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(cp[0]!),
    ...cp.slice(1, m).flatMap((ck, k) => [...get(cp[k]!), ...get(end), ...I32_ADD, ...set(ck)]),
    ...s.slice(0, m).flatMap((sk) => [...f64c(0), ...set(sk)]),
    ...i32c(0), ...set(i),
    ...whileLess(i, end, [
      ...s.slice(0, m).flatMap((sk, k) => [...get(sk), ...get(cp[k]!), ...get(i), ...I32_ADD, ...F64_LOAD(), ...F64_ADD, ...set(sk)]),
      ...addTo(i, i32c(8)),
    ]),
    ...s.slice(0, m).flatMap((sk, k) => [...get(out), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD, ...get(sk), ...F64_STORE(8 * k)]),
    ...addTo(j, i32c(m)),
  ];
  const code = [
    ...get(n), ...i32c(3), ...I32_SHL, ...set(end),
    ...i32c(0), ...set(j),
    // four columns at a time while four remain, then one at a time
    ...BLOCK, ...LOOP,
    ...get(j), ...i32c(4), ...I32_ADD, ...get(q), ...I32_GT_S, ...brIf(1),
    ...group(4),
    ...br(0), ...END, ...END,
    ...whileLess(j, q, group(1)),
  ];
  return [...vec([[7, I32], [4, F64]]), ...code, ...END];
}

function blockBody(): number[] {
  // params: 0 X, 1 n, 2 q, 3 s, 4 start, 5 m, 6 means, 7 R, 8 Z, 9 G (i32)
  // locals: 10 j, 11 xp, 12 zp, 13 rp, 14 rEnd, 15 rowBytes, 16 j0, 17 k0, 18 zb, 19 zEnd, 20 pj, 21 pk, 22 g (i32);
  // 23 c (f64); 24 v0, 25 v1, 26 a, 27–34 acc (v128)
  const [X, n, q, s, start, m, means, R, Z, G] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [j, xp, zp, rp, rEnd, rowBytes, j0, k0, zb, zEnd, pj, pk, g] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const c = 23;
  const [v0, v1, a] = [24, 25, 26];
  const acc = [27, 28, 29, 30, 31, 32, 33, 34];
  const code = [
    ...get(s), ...i32c(3), ...I32_SHL, ...set(rowBytes),
    ...get(R), ...get(m), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(rEnd),
    // Z[r·s + j] = (X[j][start + r] − means[j]) · R[r]
    ...i32c(0), ...set(j),
    ...whileLess(j, q, [
      ...get(means), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD, ...F64_LOAD(), ...set(c),
      ...get(X), ...get(j), ...get(n), ...I32_MUL, ...get(start), ...I32_ADD, ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(xp),
      ...get(Z), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(zp),
      ...get(R), ...set(rp),
      ...whileLess(rp, rEnd, [
        ...get(zp), ...get(xp), ...F64_LOAD(), ...get(c), ...F64_SUB, ...get(rp), ...F64_LOAD(), ...F64_MUL, ...F64_STORE(),
        ...addTo(xp, i32c(8)), ...addTo(zp, [...get(rowBytes)]), ...addTo(rp, i32c(8)),
      ]),
      ...addTo(j, i32c(1)),
    ]),
    // Tiles of rows j0 … j0 + 3 by columns k0 … k0 + 3, k0 ≤ j0 (every entry on or below the diagonal)
    ...get(Z), ...get(m), ...get(rowBytes), ...I32_MUL, ...I32_ADD, ...set(zEnd),
    ...i32c(0), ...set(j0),
    ...whileLess(j0, q, [
      ...i32c(0), ...set(k0),
      ...BLOCK, ...LOOP,
      ...get(k0), ...get(j0), ...I32_GT_S, ...brIf(1),
      ...acc.flatMap((x) => [...V128_ZERO, ...set(x)]),
      ...get(Z), ...set(zb),
      ...whileLess(zb, zEnd, [
        ...get(zb), ...get(j0), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(pj),
        ...get(zb), ...get(k0), ...i32c(3), ...I32_SHL, ...I32_ADD, ...tee(pk), ...V128_LOAD(0), ...set(v0),
        ...get(pk), ...V128_LOAD(16), ...set(v1),
        ...[0, 1, 2, 3].flatMap((t) => [
          ...get(pj), ...V128_LOAD64_SPLAT(8 * t), ...set(a),
          ...get(acc[2 * t]!), ...get(a), ...get(v0), ...F64X2_MUL, ...F64X2_ADD, ...set(acc[2 * t]!),
          ...get(acc[2 * t + 1]!), ...get(a), ...get(v1), ...F64X2_MUL, ...F64X2_ADD, ...set(acc[2 * t + 1]!),
        ]),
        ...addTo(zb, [...get(rowBytes)]),
      ]),
      // G[(j0 + t)·s + k0 …] += the tile's sums
      ...[0, 1, 2, 3].flatMap((t) => [
        ...get(G), ...get(j0), ...i32c(t), ...I32_ADD, ...get(s), ...I32_MUL, ...get(k0), ...I32_ADD, ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(g),
        ...get(g), ...get(g), ...V128_LOAD(0), ...get(acc[2 * t]!), ...F64X2_ADD, ...V128_STORE(0),
        ...get(g), ...get(g), ...V128_LOAD(16), ...get(acc[2 * t + 1]!), ...F64X2_ADD, ...V128_STORE(16),
      ]),
      ...addTo(k0, i32c(4)),
      ...br(0), ...END, ...END,
      ...addTo(j0, i32c(4)),
    ]),
  ];
  return [...vec([[13, I32], [1, F64], [11, V128]]), ...code, ...END];
}

function moduleBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])],
    [0x60, ...vec(Array.from({ length: 10 }, () => [I32])), ...vec([])],
  ]));
  const funcs = section(3, vec([[0], [1]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...str('memory'), 0x02, 0],
    [...str('sums'), 0x00, 0],
    [...str('block'), 0x00, 1],
  ]));
  const bodies = [sumsBody(), blockBody()].map((body) => [...uleb(body.length), ...body]);
  const code = section(10, vec(bodies));
  return wasmModule([types, funcs, memory, exports, code]);
}

let compiled: WebAssembly.Module | null | undefined;

/** An instance given back after a solve, kept for the next one. */
let spare: LeastSquaresKernel | null = null;

/** Largest memory an instance given back may keep for reuse (64 MiB); a larger one is dropped. */
const SPARE_BYTES = 64 * 1024 * 1024;

/**
 * An instance whose memory holds at least `bytes` (null without WebAssembly
 * SIMD, or when the memory cannot grow that far): the one given back by an
 * earlier solve when there is one (its memory already resident), else a
 * fresh one. Its memory holds whatever the last solve left: the caller
 * writes everything it reads. Give it back with `returnLeastSquaresKernel`.
 */
export function borrowLeastSquaresKernel(bytes: number): LeastSquaresKernel | null {
  let k = spare;
  spare = null;
  if (k === null) {
    if (compiled === undefined) compiled = compileWasm(moduleBytes());
    if (compiled === null) return null;
    const e = new WebAssembly.Instance(compiled, {}).exports as unknown as LeastSquaresKernel;
    k = { memory: e.memory, sums: e.sums, block: e.block };
  }
  const have = k.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      k.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null; // memory refused: the JavaScript loops need none beyond the data
    }
  }
  return k;
}

/** Gives back an instance from `borrowLeastSquaresKernel`; the caller keeps no view of its memory. */
export function returnLeastSquaresKernel(k: LeastSquaresKernel): void {
  if (k.memory.buffer.byteLength <= SPARE_BYTES) spare = k;
}
