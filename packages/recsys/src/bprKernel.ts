// Internal: BPR's per-triple SGD epoch as a tiny WebAssembly module with
// 128-bit SIMD (4 float32 lanes), assembled here from opcodes (no toolchain,
// nothing to fetch). For every triple s < n (user us[s], positive ps[s],
// negative ns[s]):
//
//   x  = X[u]·(Y[p] − Y[n]) + B[p] − B[n]
//   a  = lr · σ(−x)                  σ computed in the module (exp below)
//   B[p] ← keep·B[p] + a,  B[n] ← keep·B[n] − a          (keep = 1 − lr·λ)
//   X[u] ← keep·X[u] + a·(Y[p] − Y[n])
//   Y[p] ← keep·Y[p] + a·X[u]_old,  Y[n] ← keep·Y[n] − a·X[u]_old
//
// Pointers are byte offsets into the module's own memory; f must be a
// multiple of 4. `loadBprKernel` returns null where WebAssembly SIMD is
// missing, and BPR then runs the same update in plain typed-array code.
//
// exp is computed in the module (float64: x = k·ln 2 + r with the fdlibm
// split of ln 2, a degree-13 Taylor polynomial on |r| ≤ ln 2 / 2, then a
// 2^k scale built from the exponent bits), which saves a call into
// JavaScript per triple and gives the same bits in every engine (Math.exp
// differs between V8 versions). `epochWithLoss` also hands each x to an
// imported `loss(x)` for onProgress; the updates are the same.

import { compileWasm, sleb128, uleb128, wasmModule, wasmName, wasmSection, wasmVector } from '@marksman/core/internal';

/** One instance of the kernel and its memory. */
export interface BprKernel {
  readonly memory: WebAssembly.Memory;
  epoch(X: number, Y: number, B: number, us: number, ps: number, ns: number, n: number, f: number, lr: number, keep: number): void;
  /** `epoch`, also calling the imported `loss(x)` once per triple with x before its update. */
  epochWithLoss(X: number, Y: number, B: number, us: number, ps: number, ns: number, n: number, f: number, lr: number, keep: number): void;
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
const CALL_LOSS = [0x10, 0];

/** f64.const v (little-endian bits). */
function f64(v: number): number[] {
  const b = new Uint8Array(new Float64Array([v]).buffer);
  return [0x44, ...b];
}
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_MUL = [0xa2];
const F64_DIV = [0xa3];
const F64_MIN = [0xa4];
const F64_MAX = [0xa5];
const F64_NEAREST = [0x9e];
// saturating (NaN → 0, no trap): a NaN x then gives a NaN σ and the divergence check
const I64_TRUNC_SAT_F64_S = [0xfc, 0x06];
const I64_ADD = [0x7c];
const I64_SHL = [0x86];
const F64_REINTERPRET_I64 = [0xbf];
const i64 = (v: number) => [0x42, ...sleb128(v)];

// Locals: parameters 0–9, then the ones declared below.
const [pX, pY, pB, pUs, pPs, pNs, pN, pF, pLr, pKeep] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [s, q, xo, po, no, pb, nb] = [10, 11, 12, 13, 14, 15, 16]; // i32
const acc = 17; // v128
const a = 18; // f32
const [av, kv, xu] = [19, 20, 21]; // v128
const [ex, ek, er] = [22, 23, 24]; // f64: the argument, k, r

/**
 * Consumes the f64 x on the stack and leaves σ(−x) = 1 / (1 + eˣ) (x clamped
 * to [−708, 709], where eˣ is a normal double and σ has long saturated; a
 * NaN x gives NaN, which the caller's divergence check reports).
 */
function sigmoidOfNeg(): number[] {
  const LOG2E = 1.4426950408889634;
  const LN2_HI = 6.93147180369123816490e-1;
  const LN2_LO = 1.90821492927058770002e-10;
  // Horner for Σ_{j ≤ 13} r^j / j!
  let poly = f64(1 / 6227020800); // 1/13!
  for (let j = 12; j >= 0; j--) {
    let fact = 1;
    for (let t = 2; t <= j; t++) fact *= t;
    poly = [...poly, ...lget(er), ...F64_MUL, ...f64(1 / fact), ...F64_ADD];
  }
  return [
    ...f64(-708), ...F64_MAX, ...f64(709), ...F64_MIN, ...lset(ex),
    ...lget(ex), ...f64(LOG2E), ...F64_MUL, ...F64_NEAREST, ...lset(ek),
    ...lget(ex), ...lget(ek), ...f64(LN2_HI), ...F64_MUL, ...F64_SUB, ...lget(ek), ...f64(LN2_LO), ...F64_MUL, ...F64_SUB, ...lset(er),
    ...f64(1),
    ...poly,
    ...lget(ek), ...I64_TRUNC_SAT_F64_S, ...i64(1023), ...I64_ADD, ...i64(52), ...I64_SHL, ...F64_REINTERPRET_I64,
    ...F64_MUL, // eˣ
    ...f64(1), ...F64_ADD, ...F64_DIV, // 1 / (1 + eˣ)
  ];
}

/** base + (k << 2) */
const addr = (base: number, k: number) => [...lget(base), ...lget(k), ...int(2), ...SHL, ...ADD];

/** `for (k = 0; k < limit; k += step) body` */
function forLoop(k: number, limit: number, step: number, body: number[]): number[] {
  return [...int(0), ...lset(k), 0x02, 0x40, 0x03, 0x40, ...lget(k), ...lget(limit), ...GE_S, 0x0d, 1, ...body, ...lget(k), ...int(step), ...ADD, ...lset(k), 0x0c, 0, 0x0b, 0x0b];
}

/** row pointer: table + ((index[s]) · f) << 2 into local `into` */
const rowPtr = (table: number, index: number, into: number) => [...lget(table), ...addr(index, s), ...LOAD_I32, ...lget(pF), ...MUL, ...int(2), ...SHL, ...ADD, ...lset(into)];

function epochBody(withLoss: boolean): number[] {
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
    ...PROMOTE, ...lset(ex),
    ...(withLoss ? [...lget(ex), ...CALL_LOSS] : []),
    ...lget(ex), ...sigmoidOfNeg(), ...DEMOTE, ...lget(pLr), ...FMUL, ...lset(a),
    ...lget(pb), ...lget(pKeep), ...lget(pb), ...LOAD_F32, ...FMUL, ...lget(a), ...FADD, ...STORE_F32,
    ...lget(nb), ...lget(pKeep), ...lget(nb), ...LOAD_F32, ...FMUL, ...lget(a), ...FSUB, ...STORE_F32,
    ...lget(a), ...SPLAT, ...lset(av),
    ...lget(pKeep), ...SPLAT, ...lset(kv),
    ...update,
  ];
  const locals = [...uleb128(5), 7, T_I32, 1, T_V128, 1, T_F32, 3, T_V128, 3, T_F64];
  return [...locals, ...forLoop(s, pN, 1, triple), 0x0b];
}

function moduleBytes(): Uint8Array {
  const section = (id: number, items: number[][]): number[] => wasmSection(id, wasmVector(items));
  const types = section(1, [
    [0x60, 1, T_F64, 0],
    [0x60, 10, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_I32, T_F32, T_F32, 0],
  ]);
  const imports = section(2, [[...wasmName('env'), ...wasmName('loss'), 0x00, 0]]);
  const funcs = section(3, [[1], [1]]);
  const memory = section(5, [[0x00, 1]]);
  const exports = section(7, [[...wasmName('memory'), 0x02, 0], [...wasmName('epoch'), 0x00, 1], [...wasmName('epochWithLoss'), 0x00, 2]]);
  const plain = epochBody(false);
  const counted = epochBody(true);
  const code = section(10, [[...uleb128(plain.length), ...plain], [...uleb128(counted.length), ...counted]]);
  return wasmModule([types, imports, funcs, memory, exports, code]);
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh kernel instance (own memory) whose `epochWithLoss` calls
 * `loss(x)` once per triple, or null where WebAssembly SIMD is unavailable.
 */
export function loadBprKernel(loss: (x: number) => void): BprKernel | null {
  if (compiled === undefined) compiled = compileWasm(moduleBytes());
  if (compiled === null) return null;
  const e = new WebAssembly.Instance(compiled, { env: { loss } }).exports as unknown as BprKernel;
  return { memory: e.memory, epoch: e.epoch, epochWithLoss: e.epochWithLoss };
}

/** An instance kept for reuse, with the `loss` its import forwards to. */
interface SpareKernel {
  readonly kernel: BprKernel;
  readonly sink: { loss: (x: number) => void };
}

/** Instances given back after a fit, kept for the next one. */
const spare: SpareKernel[] = [];

/** Largest memory an instance given back may keep for reuse (64 MiB); a larger one is dropped. */
const SPARE_BYTES = 64 * 1024 * 1024;

/** Kernels lent out by `borrowBprKernel`, with their forwarding sinks. */
const lent = new WeakMap<BprKernel, SpareKernel>();

/**
 * A kernel for one fit whose `epochWithLoss` calls `loss(x)`: one given
 * back by an earlier fit when there is one, else a fresh one (null without
 * WebAssembly SIMD). A fresh memory is mapped and faulted in page by page
 * when first written, a fixed cost per fit that showed on small data sets;
 * a reused one is already resident. The caller writes everything the
 * kernel reads, so a reused instance gives the same results. Give it back
 * with `returnBprKernel`.
 */
export function borrowBprKernel(loss: (x: number) => void): BprKernel | null {
  let entry = spare.pop();
  if (entry === undefined) {
    const sink = { loss };
    const kernel = loadBprKernel((x) => sink.loss(x));
    if (kernel === null) return null;
    entry = { kernel, sink };
  }
  entry.sink.loss = loss;
  lent.set(entry.kernel, entry);
  return entry.kernel;
}

/** Gives back a kernel from `borrowBprKernel`; the caller keeps no view of its memory. */
export function returnBprKernel(kernel: BprKernel): void {
  const entry = lent.get(kernel);
  if (entry === undefined) return;
  lent.delete(kernel);
  entry.sink.loss = () => {};
  if (spare.length < 2 && kernel.memory.buffer.byteLength <= SPARE_BYTES) spare.push(entry);
}
