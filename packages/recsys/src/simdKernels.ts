// Internal: the float32 kernels of the ALS conjugate-gradient solver as a
// tiny WebAssembly module with 128-bit SIMD (4 lanes), assembled here from
// its opcodes (no toolchain, no file to fetch, under 1 KB):
//
//   symv(g, v, out, f)        out[a] = Σ_b G[a, b] · v[b]                  (G is f × f)
//   sparse(F, idx, w, n, v, out, f, c0, c1, d1)
//                             out += Σ_t (c0 + c1·w_t + d1·w_t·(F[idx_t] · v)) · F[idx_t]
//   cgRow(G, F, idx, w, n, x, r, p, ap, f, alpha, steps)
//                             `steps` conjugate-gradient steps on (G + Σ α·w_t y yᵀ) x = Σ (1 + α·w_t) y
//                             (y = F[idx_t]) from the x in place; r, p, ap are scratch vectors.
//                             An overflow leaves x all NaN for the caller to report.
//   cgRows(G, F, indptr, idx, w, rows, X, r, p, ap, f, alpha, steps)
//                             cgRow for each row of a CSR matrix (x = X + row·f·4; a row without
//                             entries gets x = 0), one call from JavaScript per half-step
//   gram(F, n, f, G, lambda)  G = FᵀF + λI for the n rows of F (full f × f)
//   score(U, nu, Y, ni, f, out)
//                             out[b·ni + i] = U_b · Y_i (batch scoring for recommendMany)
//
// Pointers are byte offsets into the module's memory; f must be a multiple
// of 4. `loadSimdKernels` returns null where WebAssembly SIMD is missing, and
// ALS then runs its plain typed-array code.

import { compileWasm, uleb128 as uleb, wasmModule, wasmName as str, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';

/** The exported kernels bound to one instance and its memory. */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  symv(g: number, v: number, out: number, f: number): void;
  sparse(F: number, idx: number, w: number, n: number, v: number, out: number, f: number, c0: number, c1: number, d1: number): void;
  cgRow(G: number, F: number, idx: number, w: number, n: number, x: number, r: number, p: number, ap: number, f: number, alpha: number, steps: number): void;
  cgRows(G: number, F: number, indptr: number, idx: number, w: number, rows: number, X: number, r: number, p: number, ap: number, f: number, alpha: number, steps: number): void;
  gram(F: number, n: number, f: number, G: number, lambda: number): void;
  score(U: number, nu: number, Y: number, ni: number, f: number, out: number): void;
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// Opcodes used below.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32c = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const I32_GE_S = [0x4e];
const F32_ADD = [0x92];
const F32_MUL = [0x94];
const F32_LOAD = [0x2a, 2, 0];
const F32_STORE = [0x38, 2, 0];
const I32_LOAD = [0x28, 2, 0];
const V_LOAD = [0xfd, 0x00, 0, 0];
const V_STORE = [0xfd, 0x0b, 0, 0];
const V_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_SPLAT = [0xfd, 0x13];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const F32X4_SUB = [0xfd, 0xe5, 0x01];
const F32X4_NEG = [0xfd, 0xe1, 0x01];
const F32_SUB = [0x93];
const F32_DIV = [0x95];
const F32_GT = [0x5e];
const F32_EQ = [0x5b];
const I32_EQZ = [0x45];
const call = (fn: number) => [0x10, fn];
const f32c = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const lane = (k: number) => [0xfd, 0x1f, k];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const br = (d: number) => [0x0c, d];
const brIf = (d: number) => [0x0d, d];

/** Horizontal sum of the v128 in local `acc`, left on the stack as f32. */
const hsum = (acc: number) => [...get(acc), ...lane(0), ...get(acc), ...lane(1), ...F32_ADD, ...get(acc), ...lane(2), ...get(acc), ...lane(3), ...F32_ADD, ...F32_ADD];

/** `for (b = 0; b < f; b += 4) body` with b, f locals. */
const loop4 = (b: number, f: number, body: number[]) => [
  ...i32c(0), ...set(b),
  ...BLOCK, ...LOOP,
  ...get(b), ...get(f), ...I32_GE_S, ...brIf(1),
  ...body,
  ...get(b), ...i32c(4), ...I32_ADD, ...set(b),
  ...br(0), ...END, ...END,
];

/** address = base + (b << 2) */
const at = (base: number, b: number) => [...get(base), ...get(b), ...i32c(2), ...I32_SHL, ...I32_ADD];

const I32_GT_S = [0x4a];
const vload = (offset: number) => [0xfd, 0x00, 0, ...uleb(offset)];

const vstore = (offset: number) => [0xfd, 0x0b, 0, ...uleb(offset)];

/** out[k] += s · x[k] for k < f (s a splatted v128 local), unrolled by 16 with a 4-wide tail; uses local k. */
const axpyLoop = (out: number, x: number, f: number, k: number, sv: number) => {
  const one = (off: number) => [...at(out, k), ...at(out, k), ...vload(off), ...get(sv), ...at(x, k), ...vload(off), ...F32X4_MUL, ...F32X4_ADD, ...vstore(off)];
  return [
    ...i32c(0), ...set(k),
    ...BLOCK, ...LOOP,
    ...get(k), ...i32c(16), ...I32_ADD, ...get(f), ...I32_GT_S, ...brIf(1),
    ...one(0), ...one(16), ...one(32), ...one(48),
    ...get(k), ...i32c(16), ...I32_ADD, ...set(k),
    ...br(0), ...END, ...END,
    ...BLOCK, ...LOOP,
    ...get(k), ...get(f), ...I32_GE_S, ...brIf(1),
    ...one(0),
    ...get(k), ...i32c(4), ...I32_ADD, ...set(k),
    ...br(0), ...END, ...END,
  ];
};

/**
 * acc0 = Σ_k x[k]·y[k] as 4 lanes, with four independent accumulators over
 * blocks of 16 (so the adds do not wait on each other) and a 4-wide tail.
 * Uses locals k and acc0…acc3; f is a multiple of 4.
 */
const dotLoop = (x: number, y: number, f: number, k: number, acc: readonly [number, number, number, number]) => {
  const [a0, a1, a2, a3] = acc;
  const mac = (a: number, off: number) => [...get(a), ...at(x, k), ...vload(off), ...at(y, k), ...vload(off), ...F32X4_MUL, ...F32X4_ADD, ...set(a)];
  return [
    ...V_ZERO, ...set(a0), ...V_ZERO, ...set(a1), ...V_ZERO, ...set(a2), ...V_ZERO, ...set(a3),
    ...i32c(0), ...set(k),
    ...BLOCK, ...LOOP,
    ...get(k), ...i32c(16), ...I32_ADD, ...get(f), ...I32_GT_S, ...brIf(1),
    ...mac(a0, 0), ...mac(a1, 16), ...mac(a2, 32), ...mac(a3, 48),
    ...get(k), ...i32c(16), ...I32_ADD, ...set(k),
    ...br(0), ...END, ...END,
    ...BLOCK, ...LOOP,
    ...get(k), ...get(f), ...I32_GE_S, ...brIf(1),
    ...mac(a0, 0),
    ...get(k), ...i32c(4), ...I32_ADD, ...set(k),
    ...br(0), ...END, ...END,
    ...get(a0), ...get(a1), ...F32X4_ADD, ...get(a2), ...get(a3), ...F32X4_ADD, ...F32X4_ADD, ...set(a0),
  ];
};

function symvBody(): number[] {
  // params: 0 g, 1 v, 2 out, 3 f; locals: 4 a, 5 b, 6 row (i32), 7–10 acc (v128)
  const [g, v, out, f, a, b, row, acc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code = [
    ...i32c(0), ...set(a),
    ...BLOCK, ...LOOP,
    ...get(a), ...get(f), ...I32_GE_S, ...brIf(1),
    ...get(g), ...get(a), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(row),
    ...dotLoop(row, v, f, b, [acc, acc + 1, acc + 2, acc + 3]),
    ...at(out, a), ...hsum(acc), ...F32_STORE,
    ...get(a), ...i32c(1), ...I32_ADD, ...set(a),
    ...br(0), ...END, ...END,
  ];
  const locals = vec([[3, I32], [4, V128]]);
  return [...locals, ...code, ...END];
}

function sparseBody(): number[] {
  // params: 0 F, 1 idx, 2 w, 3 n, 4 v, 5 out, 6 f, 7 c0, 8 c1, 9 d1
  // locals: 10 t, 11 b, 12 row (i32); 13 wt, 14 coef (f32); 15–18 acc (v128)
  const [F, idx, w, n, v, out, f, c0, c1, d1, t, b, row, wt, coef, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const code = [
    ...i32c(0), ...set(t),
    ...BLOCK, ...LOOP,
    ...get(t), ...get(n), ...I32_GE_S, ...brIf(1),
    // row = F + ((idx[t] * f) << 2); wt = w[t]
    ...get(F), ...at(idx, t), ...I32_LOAD, ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(row),
    ...at(w, t), ...F32_LOAD, ...set(wt),
    // acc = Σ row · v
    ...dotLoop(row, v, f, b, [acc, acc + 1, acc + 2, acc + 3]),
    // coef = c0 + c1·wt + d1·wt·dot
    ...get(c0), ...get(c1), ...get(wt), ...F32_MUL, ...F32_ADD, ...get(d1), ...get(wt), ...F32_MUL, ...hsum(acc), ...F32_MUL, ...F32_ADD, ...set(coef),
    // out += coef · row
    ...get(coef), ...F32X4_SPLAT, ...set(acc),
    ...axpyLoop(out, row, f, b, acc),
    ...get(t), ...i32c(1), ...I32_ADD, ...set(t),
    ...br(0), ...END, ...END,
  ];
  const locals = vec([[3, I32], [2, F32], [4, V128]]);
  return [...locals, ...code, ...END];
}

function dotBody(): number[] {
  // params: 0 a, 1 b, 2 f → f32; locals: 3 k (i32), 4–7 acc (v128)
  const [a, b, f, k, acc] = [0, 1, 2, 3, 4];
  const code = [...dotLoop(a, b, f, k, [acc, acc + 1, acc + 2, acc + 3]), ...hsum(acc)];
  return [...vec([[1, I32], [4, V128]]), ...code, ...END];
}

function cgRowBody(): number[] {
  // params: 0 G, 1 F, 2 idx, 3 w, 4 n, 5 x, 6 r, 7 p, 8 ap, 9 f, 10 alpha(f32), 11 steps
  // locals: 12 k, 13 it (i32); 14 rs, 15 pap, 16 stepSize, 17 rsNew (f32); 18 sv (v128)
  const [G, F, idx, w, n, x, r, p, ap, f, alpha, steps, k, it, rs, pap, stepSize, rsNew, sv] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const SYMV = 0;
  const SPARSE = 1;
  const DOT = 2;
  const code = [
    // r = −G x + Σ (c − (c−1)·y·x) y
    ...get(G), ...get(x), ...get(r), ...get(f), ...call(SYMV),
    ...loop4(k, f, [...at(r, k), ...at(r, k), ...V_LOAD, ...F32X4_NEG, ...V_STORE]),
    ...get(F), ...get(idx), ...get(w), ...get(n), ...get(x), ...get(r), ...get(f), ...f32c(1), ...get(alpha), ...f32c(0), ...get(alpha), ...F32_SUB, ...call(SPARSE),
    // p = r; rs = r·r
    ...loop4(k, f, [...at(p, k), ...at(r, k), ...V_LOAD, ...V_STORE]),
    ...get(r), ...get(r), ...get(f), ...call(DOT), ...set(rs),
    // overflow: rs − rs is NaN for ±Infinity and NaN → mark x as NaN and stop
    ...get(rs), ...get(rs), ...F32_SUB, ...f32c(0), ...F32_EQ, ...I32_EQZ,
    0x04, 0x40,
    ...f32c(Number.NaN), ...F32X4_SPLAT, ...set(sv),
    ...loop4(k, f, [...at(x, k), ...get(sv), ...V_STORE]),
    0x0f, // return
    ...END,
    ...i32c(0), ...set(it),
    ...BLOCK, ...LOOP,
    ...get(it), ...get(steps), ...I32_GE_S, ...brIf(1),
    ...get(rs), ...f32c(1e-20), ...F32_GT, ...I32_EQZ, ...brIf(1),
    // ap = A p
    ...get(G), ...get(p), ...get(ap), ...get(f), ...call(SYMV),
    ...get(F), ...get(idx), ...get(w), ...get(n), ...get(p), ...get(ap), ...get(f), ...f32c(0), ...f32c(0), ...get(alpha), ...call(SPARSE),
    ...get(p), ...get(ap), ...get(f), ...call(DOT), ...set(pap),
    ...get(pap), ...f32c(0), ...F32_GT, ...I32_EQZ, ...brIf(1),
    ...get(rs), ...get(pap), ...F32_DIV, ...set(stepSize),
    // x += step·p; r −= step·ap
    ...get(stepSize), ...F32X4_SPLAT, ...set(sv),
    ...loop4(k, f, [
      ...at(x, k), ...at(x, k), ...V_LOAD, ...get(sv), ...at(p, k), ...V_LOAD, ...F32X4_MUL, ...F32X4_ADD, ...V_STORE,
      ...at(r, k), ...at(r, k), ...V_LOAD, ...get(sv), ...at(ap, k), ...V_LOAD, ...F32X4_MUL, ...F32X4_SUB, ...V_STORE,
    ]),
    ...get(r), ...get(r), ...get(f), ...call(DOT), ...set(rsNew),
    // p = r + (rsNew / rs)·p
    ...get(rsNew), ...get(rs), ...F32_DIV, ...F32X4_SPLAT, ...set(sv),
    ...loop4(k, f, [...at(p, k), ...at(r, k), ...V_LOAD, ...get(sv), ...at(p, k), ...V_LOAD, ...F32X4_MUL, ...F32X4_ADD, ...V_STORE]),
    ...get(rsNew), ...set(rs),
    ...get(it), ...i32c(1), ...I32_ADD, ...set(it),
    ...br(0), ...END, ...END,
  ];
  return [...vec([[2, I32], [4, F32], [1, V128]]), ...code, ...END];
}

function gramBody(): number[] {
  // params: 0 F, 1 n, 2 f, 3 G, 4 lambda(f32) — G = FᵀF + λI (full f × f)
  // locals: 5 r, 6 a, 7 b, 8 row, 9 grow (i32); 10 sv (v128)
  const [F, n, f, G, lambda, r, a, b, row, grow, sv] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const forI = (i: number, limit: number[], body: number[]) => [
    ...i32c(0), ...set(i),
    ...BLOCK, ...LOOP,
    ...get(i), ...limit, ...I32_GE_S, ...brIf(1),
    ...body,
    ...get(i), ...i32c(1), ...I32_ADD, ...set(i),
    ...br(0), ...END, ...END,
  ];
  const code = [
    // G = 0
    ...V_ZERO, ...set(sv),
    ...forI(a, [...get(f)], [
      ...get(G), ...get(a), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(grow),
      ...loop4(b, f, [...at(grow, b), ...get(sv), ...V_STORE]),
    ]),
    // G += F_rᵀ F_r for every row
    ...forI(r, [...get(n)], [
      ...get(F), ...get(r), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(row),
      ...forI(a, [...get(f)], [
        ...at(row, a), ...F32_LOAD, ...F32X4_SPLAT, ...set(sv),
        ...get(G), ...get(a), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(grow),
        ...loop4(b, f, [...at(grow, b), ...at(grow, b), ...V_LOAD, ...get(sv), ...at(row, b), ...V_LOAD, ...F32X4_MUL, ...F32X4_ADD, ...V_STORE]),
      ]),
    ]),
    // + λ on the diagonal
    ...forI(a, [...get(f)], [
      ...get(G), ...get(a), ...get(f), ...I32_MUL, ...get(a), ...I32_ADD, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(grow),
      ...get(grow), ...get(grow), ...F32_LOAD, ...get(lambda), ...F32_ADD, ...F32_STORE,
    ]),
  ];
  return [...vec([[5, I32], [1, V128]]), ...code, ...END];
}

function scoreBody(): number[] {
  // params: 0 U, 1 nu, 2 Y, 3 ni, 4 f, 5 out — out[b·ni + i] = U_b · Y_i
  // locals: 6 b, 7 i, 8 urow, 9 o (i32)
  const [U, nu, Y, ni, f, out, b, i, urow, o] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const DOT = 2;
  const forI = (v: number, limit: number, body: number[]) => [
    ...i32c(0), ...set(v),
    ...BLOCK, ...LOOP,
    ...get(v), ...get(limit), ...I32_GE_S, ...brIf(1),
    ...body,
    ...get(v), ...i32c(1), ...I32_ADD, ...set(v),
    ...br(0), ...END, ...END,
  ];
  const code = [
    ...get(out), ...set(o),
    ...forI(b, nu, [
      ...get(U), ...get(b), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(urow),
      ...forI(i, ni, [
        ...get(o),
        ...get(urow), ...get(Y), ...get(i), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...get(f), ...call(DOT),
        ...F32_STORE,
        ...get(o), ...i32c(4), ...I32_ADD, ...set(o),
      ]),
    ]),
  ];
  return [...vec([[4, I32]]), ...code, ...END];
}

function cgRowsBody(): number[] {
  // params: 0 G, 1 F, 2 indptr, 3 idx, 4 w, 5 rows, 6 X, 7 r, 8 p, 9 ap, 10 f, 11 alpha(f32), 12 steps
  // locals: 13 row, 14 a (entries before the row), 15 n, 16 x, 17 k (i32)
  const [G, F, indptr, idx, w, rows, X, r, p, ap, f, alpha, steps, row, a, n, x, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const CG_ROW = 3;
  const I32_SUB = [0x6b];
  const I32_LT_S = [0x48];
  const IF = [0x04, 0x40];
  const ELSE = [0x05];
  const code = [
    ...i32c(0), ...set(row),
    ...BLOCK, ...LOOP,
    ...get(row), ...get(rows), ...I32_GE_S, ...brIf(1),
    ...at(indptr, row), ...I32_LOAD, ...set(a),
    ...get(indptr), ...get(row), ...i32c(1), ...I32_ADD, ...i32c(2), ...I32_SHL, ...I32_ADD, ...I32_LOAD, ...get(a), ...I32_SUB, ...set(n),
    ...get(X), ...get(row), ...get(f), ...I32_MUL, ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(x),
    ...get(n), ...i32c(1), ...I32_LT_S,
    ...IF,
    ...loop4(k, f, [...at(x, k), ...V_ZERO, ...V_STORE]),
    ...ELSE,
    ...get(G), ...get(F), ...at(idx, a), ...at(w, a), ...get(n), ...get(x), ...get(r), ...get(p), ...get(ap), ...get(f), ...get(alpha), ...get(steps), ...call(CG_ROW),
    ...END,
    ...get(row), ...i32c(1), ...I32_ADD, ...set(row),
    ...br(0), ...END, ...END,
  ];
  return [...vec([[5, I32]]), ...code, ...END];
}

function moduleBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [F32], [F32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[F32]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [F32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [I32]]), 0],
  ]));
  const funcs = section(3, vec([[0], [1], [2], [3], [4], [5], [6]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...str('memory'), 0x02, 0],
    [...str('symv'), 0x00, 0],
    [...str('sparse'), 0x00, 1],
    [...str('cgRow'), 0x00, 3],
    [...str('gram'), 0x00, 4],
    [...str('score'), 0x00, 5],
    [...str('cgRows'), 0x00, 6],
  ]));
  const bodies = [symvBody(), sparseBody(), dotBody(), cgRowBody(), gramBody(), scoreBody(), cgRowsBody()].map((body) => [...uleb(body.length), ...body]);
  const code = section(10, vec(bodies));
  return wasmModule([types, funcs, memory, exports, code]);
}

let compiled: WebAssembly.Module | null | undefined;

/** Instances given back after a fit, kept for the next one. */
const spare: SimdKernels[] = [];

/** Largest memory an instance given back may keep for reuse (64 MiB); a larger one is dropped. */
const SPARE_BYTES = 64 * 1024 * 1024;

/**
 * An instance for one fit: one given back by an earlier fit when there is
 * one, else a fresh one (null without WebAssembly SIMD). A fresh memory is
 * mapped and faulted in page by page when first written, which on a small
 * data set cost more than the arithmetic of the fit; a reused one is already
 * resident. Everything the caller reads it writes first, so a reused
 * instance gives the same results. Give it back with `returnSimdKernels`.
 */
export function borrowSimdKernels(): SimdKernels | null {
  return spare.pop() ?? loadSimdKernels();
}

/** Gives back an instance from `borrowSimdKernels`; the caller keeps no view of its memory. */
export function returnSimdKernels(k: SimdKernels): void {
  if (spare.length < 2 && k.memory.buffer.byteLength <= SPARE_BYTES) spare.push(k);
}

/** A fresh instance (own memory) of the kernels, or null without WebAssembly SIMD. */
export function loadSimdKernels(): SimdKernels | null {
  if (compiled === undefined) compiled = compileWasm(moduleBytes());
  if (compiled === null) return null;
  const inst = new WebAssembly.Instance(compiled, {});
  const e = inst.exports as unknown as SimdKernels;
  return { memory: e.memory, symv: e.symv, sparse: e.sparse, cgRow: e.cgRow, cgRows: e.cgRows, gram: e.gram, score: e.score };
}
