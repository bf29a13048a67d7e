// Internal: BPR's per-triple SGD epoch as a tiny WebAssembly module with
// 128-bit SIMD (4 float32 lanes), assembled here from opcodes (no toolchain,
// nothing to fetch). For every triple s < n (user us[s], positive ps[s],
// negative ns[s]):
//
//   x  = X[u]·(Y[p] − Y[n]) + B[p] − B[n]
//   a  = lr · sig(x)                 sig is imported: σ(−x), computed in JS
//   B[p] ← keep·B[p] + a,  B[n] ← keep·B[n] − a          (keep = 1 − lr·λ)
//   X[u] ← keep·X[u] + a·(Y[p] − Y[n])
//   Y[p] ← keep·Y[p] + a·X[u]_old,  Y[n] ← keep·Y[n] − a·X[u]_old
//
// Pointers are byte offsets into the module's own memory; f must be a
// multiple of 4. `loadBprKernel` returns null where WebAssembly SIMD is
// missing, and BPR then runs the same update in plain typed-array code.

import { compileWasm, uleb128, wasmModule, wasmName, wasmSection, wasmVector } from '@marksman/core/internal';

/** One instance of the kernel and its memory. */
export interface BprKernel {
  readonly memory: WebAssembly.Memory;
  epoch(X: number, Y: number, B: number, us: number, ps: number, ns: number, n: number, f: number, lr: number, keep: number): void;
}

const T_I32 = 0x7f;
const T_F32 = 0x7d;
const T_F64 = 0x7c;
const T_V128 = 0x7b;

const lget = (i: number) => [0x20, i];
const lset = (i: number) => [0x21, i];
const int = (v: number) => [0x41, ...uleb128(v)]; // non-negative constants below 64
const ADD = [0x6a];
const MUL = [0x6c];
const SHL = [0x74];
const GE_S = [0x4e];
const LOAD_I32 = [0x28, 2, 0];
const LOAD_F32 = [0x2a, 2, 0];
const STORE_F32 = [0x38, 2, 0];
const FADD = [0x92];
const FSUB = [0x93];
const FMUL = [0x94];
const PROMOTE = [0xbb];
const DEMOTE = [0xb6];
const VLOAD = [0xfd, 0x00, 4, 0];
const VSTORE = [0xfd, 0x0b, 4, 0];
const VZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const SPLAT = [0xfd, 0x13];
const VADD = [0xfd, 0xe4, 0x01];
const VSUB = [0xfd, 0xe5, 0x01];
const VMUL = [0xfd, 0xe6, 0x01];
const laneOf = (k: number) => [0xfd, 0x1f, k];
const CALL_SIG = [0x10, 0];

// Locals: parameters 0–9, then the ones declared below.
const [pX, pY, pB, pUs, pPs, pNs, pN, pF, pLr, pKeep] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [s, q, xo, po, no, pb, nb] = [10, 11, 12, 13, 14, 15, 16]; // i32
const acc = 17; // v128
const a = 18; // f32
const [av, kv, xu] = [19, 20, 21]; // v128

/** base + (k << 2) */
const addr = (base: number, k: number) => [...lget(base), ...lget(k), ...int(2), ...SHL, ...ADD];

/** `for (k = 0; k < limit; k += step) body` */
function forLoop(k: number, limit: number, step: number, body: number[]): number[] {
  return [...int(0), ...lset(k), 0x02, 0x40, 0x03, 0x40, ...lget(k), ...lget(limit), ...GE_S, 0x0d, 1, ...body, ...lget(k), ...int(step), ...ADD, ...lset(k), 0x0c, 0, 0x0b, 0x0b];
}

/** row pointer: table + ((index[s]) · f) << 2 into local `into` */
const rowPtr = (table: number, index: number, into: number) => [...lget(table), ...addr(index, s), ...LOAD_I32, ...lget(pF), ...MUL, ...int(2), ...SHL, ...ADD, ...lset(into)];

function epochBody(): number[] {
  const dot = forLoop(q, pF, 4, [
    ...lget(acc),
    ...addr(xo, q), ...VLOAD,
    ...addr(po, q), ...VLOAD, ...addr(no, q), ...VLOAD, ...VSUB,
    ...VMUL, ...VADD, ...lset(acc),
  ]);
  const update = forLoop(q, pF, 4, [
    ...addr(xo, q), ...VLOAD, ...lset(xu),
    ...addr(xo, q), ...lget(kv), ...lget(xu), ...VMUL, ...lget(av), ...addr(po, q), ...VLOAD, ...addr(no, q), ...VLOAD, ...VSUB, ...VMUL, ...VADD, ...VSTORE,
    ...addr(po, q), ...lget(kv), ...addr(po, q), ...VLOAD, ...VMUL, ...lget(av), ...lget(xu), ...VMUL, ...VADD, ...VSTORE,
    ...addr(no, q), ...lget(kv), ...addr(no, q), ...VLOAD, ...VMUL, ...lget(av), ...lget(xu), ...VMUL, ...VSUB, ...VSTORE,
  ]);
  const triple = [
    ...rowPtr(pX, pUs, xo),
    ...rowPtr(pY, pPs, po),
    ...rowPtr(pY, pNs, no),
    ...lget(pB), ...addr(pPs, s), ...LOAD_I32, ...int(2), ...SHL, ...ADD, ...lset(pb),
    ...lget(pB), ...addr(pNs, s), ...LOAD_I32, ...int(2), ...SHL, ...ADD, ...lset(nb),
    ...VZERO, ...lset(acc),
    ...dot,
    // x = Σ lanes + B[p] − B[n]; a = lr · sig(x)
    ...lget(acc), ...laneOf(0), ...lget(acc), ...laneOf(1), ...FADD, ...lget(acc), ...laneOf(2), ...lget(acc), ...laneOf(3), ...FADD, ...FADD,
    ...lget(pb), ...LOAD_F32, ...FADD, ...lget(nb), ...LOAD_F32, ...FSUB,
    ...PROMOTE, ...CALL_SIG, ...DEMOTE, ...lget(pLr), ...FMUL, ...lset(a),
    ...lget(pb), ...lget(pKeep), ...lget(pb), ...LOAD_F32, ...FMUL, ...lget(a), ...FADD, ...STORE_F32,
    ...lget(nb), ...lget(pKeep), ...lget(nb), ...LOAD_F32, ...FMUL, ...lget(a), ...FSUB, ...STORE_F32,
    ...lget(a), ...SPLAT, ...lset(av),
    ...lget(pKeep), ...SPLAT, ...lset(kv),
    ...update,
  ];
  const locals = [...uleb128(4), 7, T_I32, 1, T_V128, 1, T_F32, 3, T_V128];
  return [...locals, ...forLoop(s, pN, 1, triple), 0x0b];
}

function moduleBytes(): Uint8Array {
  const section = (id: number, items: number[][]): number[] => wasmSection(id, wasmVector(items));
  const types = section(1, [
    [0x60, 1, T_F64, 1, T_F64],
    [0x60, 10, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_F32, T_F32, 0],
  ]);
  const imports = section(2, [[...wasmName('env'), ...wasmName('sig'), 0x00, 0]]);
  const funcs = section(3, [[1]]);
  const memory = section(5, [[0x00, 1]]);
  const exports = section(7, [[...wasmName('memory'), 0x02, 0], [...wasmName('epoch'), 0x00, 1]]);
  const body = epochBody();
  const code = section(10, [[...uleb128(body.length), ...body]]);
  return wasmModule([types, imports, funcs, memory, exports, code]);
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh kernel instance (own memory) calling `sig(x)` = σ(−x) once per
 * triple, or null where WebAssembly SIMD is unavailable.
 */
export function loadBprKernel(sig: (x: number) => number): BprKernel | null {
  if (compiled === undefined) compiled = compileWasm(moduleBytes());
  if (compiled === null) return null;
  const e = new WebAssembly.Instance(compiled, { env: { sig } }).exports as unknown as BprKernel;
  return { memory: e.memory, epoch: e.epoch };
}
