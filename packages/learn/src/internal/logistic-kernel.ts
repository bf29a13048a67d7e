// Internal: the per-row work of the two-class logistic loss as a tiny
// WebAssembly module with 128-bit SIMD (two float64 lanes), assembled here
// from its opcodes (no toolchain, nothing to fetch):
//
//   loss(z, y, w, r, len) → Σ wᵢ·(log(1 + e^zᵢ) − yᵢ·zᵢ), writing rᵢ = wᵢ·(σ(zᵢ) − yᵢ)
//
// for rows 0 ≤ i < len (len a multiple of 4; pointers are byte offsets into the
// module's memory). JavaScript's Math.exp and Math.log1p cost about ten
// nanoseconds a call, which made them the larger part of a fit; here the
// exponential and log1p are polynomials evaluated two rows at a time:
//
// - e^x for x = −|z| ≤ 0 (0 below −708, where e^x is below 1e-307 and
//   adds nothing a double can hold to 1 + e^x): x = k·ln 2 + t with k the
//   nearest integer to x / ln 2 (found by adding 1.5·2⁵², whose low
//   mantissa bits then hold k), |t| ≤ ½ ln 2, e^t from its Taylor series
//   to degree 13 (truncation below 1e-17 relative), and 2^k built from
//   its exponent bits.
// - log1p(e) for 0 < e ≤ 1: with f = e (e ≤ √2 − 1) or f = (e − 1)/2 and
//   ln 2 added (above), log1p(f) = 2·atanh(s), s = f/(2 + f), |s| ≤ 0.172,
//   from its series in s² to degree 23 in s (truncation below 1e-17).
//
// Both come within about two units in the last place of Math.exp and
// Math.log1p (tested). `loadLogisticKernel` returns null where WebAssembly
// SIMD is missing, and the fit then runs its plain JavaScript loop.

import { compileWasm, uleb128 as uleb, wasmModule, wasmName as str, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';
import { I32, F64, V128, get, set, tee, BLOCK, LOOP, END, br, brIf, SELECT, i32c, I32_ADD, I32_SUB, I32_MUL, I32_SHL, F64_LOAD, F64_STORE, F64_ADD, simd, F64X2_SPLAT, F64X2_ADD, F64X2_SUB } from './wasm-ops';

/** The kernel bound to one instance and its memory. */
export interface LogisticKernel {
  readonly memory: WebAssembly.Memory;
  loss(z: number, y: number, w: number, r: number, len: number): number;
  evaluate(X: number, nPad: number, p: number, v: number, c0: number, y: number, w: number, z: number, r: number, acc: number, B: number): number;
  /**
   * For each of the p columns of X (column j at X + 8·j·nPad, nPad rows, a
   * multiple of 4): with d = x − x0[j], writes Σ wᵢ·dᵢ to out[2j] and
   * Σ wᵢ·dᵢ² to out[2j + 1].
   */
  moments(X: number, nPad: number, p: number, w: number, x0: number, out: number): void;
}


const I32_GE_S = [0x4e];
/**
 * The constants live in a table at the start of memory, `v` in both lanes
 * of a 16-byte slot, and are loaded from there: a load is one instruction,
 * where V8 builds a v128.const from several.
 */
const TABLE: number[] = [];
const f64x2c = (v: number) => {
  let k = TABLE.findIndex((c) => Object.is(c, v));
  if (k < 0) k = TABLE.push(v) - 1;
  return [...i32c(0), ...simd(0x00), 4, ...uleb(16 * k)];
};
/** Bytes at the start of memory kept for the constants (64 slots; the kernel uses 35); the caller's arrays start here. */
export const TABLE_BYTES = 1024;
const V_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const AND = simd(0x4e);
const BITSELECT = simd(0x52);
const F64X2_GT = simd(0x4a);
const F64X2_GE = simd(0x4c);
const F64X2_ABS = simd(0xec);
const F64X2_NEG = simd(0xed);
const F64X2_MUL = simd(0xf2);
const F64X2_DIV = simd(0xf3);
const F64X2_MAX = simd(0xf5);
const I64X2_SHL = simd(0xcb);
const I64X2_ADD = simd(0xce);
const lane = (k: number) => [...simd(0x21), k];

/** Below this, e^x (< 1e-307) is taken as 0: 2^k would leave the normal doubles. */
const CLAMP = -708;
/** 1.5·2⁵²: added to a number below 2⁵¹ in magnitude, it rounds it to the nearest integer, held in the low mantissa bits. */
const SHIFTER = 6755399441055744;
/** ln 2 split so that k·LN2_HI is exact for |k| < 2²⁰, and the rest (with the part of ln 2 a double drops). */
const LN2_HI = Math.round(Math.LN2 * 2 ** 32) / 2 ** 32;
const LN2_LO = Math.LN2 - LN2_HI + 2.3190468138462996e-17;

/** Horner's rule on the v128 in local `x`: c[0] + x·(c[1] + x·(…)), left on the stack. */
function horner(x: number, c: readonly number[]): number[] {
  let code = f64x2c(c[c.length - 1]!);
  for (let k = c.length - 2; k >= 0; k--) code = [...code, ...get(x), ...F64X2_MUL, ...f64x2c(c[k]!), ...F64X2_ADD];
  return code;
}

/** 1/k! for k = 0…13. */
const EXP_COEF = Array.from({ length: 14 }, (_, k) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return 1 / f;
});
/** log1p(f) = s·Σ 2/(2k+1)·s^(2k), k = 0…11. */
const ATANH_COEF = Array.from({ length: 12 }, (_, k) => 2 / (2 * k + 1));

/** One v128 load / store at byte offset `off` past the address on the stack. */
const vload = (off: number) => [...simd(0x00), 3, ...uleb(off)];
const vstore = (off: number) => [...simd(0x0b), 3, ...uleb(off)];

/**
 * Two rows (one v128 of each array) at byte offset `off` past i, adding
 * their loss to local `acc`. `L` names seven v128 scratch locals; two such
 * pairs interleave in the loop so that one's long chains of dependent
 * operations (the polynomials, the divisions) overlap the other's.
 */
function pairOfRows(off: number, p: { z: number; y: number; w: number; r: number; i: number; acc: number }, L: readonly number[]): number[] {
  const [zv, x, t, e, f, s, big] = L as [number, number, number, number, number, number, number];
  const at = (base: number) => [...get(base), ...get(p.i), ...I32_ADD];
  return [
    ...at(p.z), ...vload(off), ...set(zv),
    // x = max(−|z|, CLAMP); big = −|z| ≥ CLAMP (else e^x is taken as 0)
    ...get(zv), ...F64X2_ABS, ...F64X2_NEG, ...tee(x), ...f64x2c(CLAMP), ...F64X2_GE, ...set(big),
    ...get(x), ...f64x2c(CLAMP), ...F64X2_MAX, ...set(x),
    // t = x·log2(e) + SHIFTER (k in its low bits); s = k; f = x − k·ln 2
    ...get(x), ...f64x2c(Math.LOG2E), ...F64X2_MUL, ...f64x2c(SHIFTER), ...F64X2_ADD, ...tee(t),
    ...f64x2c(SHIFTER), ...F64X2_SUB, ...set(s),
    ...get(x), ...get(s), ...f64x2c(LN2_HI), ...F64X2_MUL, ...F64X2_SUB, ...get(s), ...f64x2c(LN2_LO), ...F64X2_MUL, ...F64X2_SUB, ...set(f),
    // e = p(f) · 2^k, with 2^k's bits = (k << 52) + bits of 1.0
    ...horner(f, EXP_COEF),
    ...get(t), ...i32c(52), ...I64X2_SHL, ...f64x2c(1), ...I64X2_ADD, // the bits of 1.0 are 1023 << 52
    ...F64X2_MUL, ...get(big), ...AND, ...set(e),
    // log1p(e): big = e > √2 − 1; f = big ? (e − 1)/2 : e
    ...get(e), ...f64x2c(Math.SQRT2 - 1), ...F64X2_GT, ...set(big),
    ...get(e), ...f64x2c(1), ...F64X2_SUB, ...f64x2c(0.5), ...F64X2_MUL, ...get(e), ...get(big), ...BITSELECT, ...set(f),
    // s = f / (2 + f); t = s²
    ...get(f), ...get(f), ...f64x2c(2), ...F64X2_ADD, ...F64X2_DIV, ...tee(s),
    ...get(s), ...F64X2_MUL, ...set(t),
    // x = log1p(e) = (big ? ln 2 : 0) + s·poly(s²)
    ...get(big), ...f64x2c(Math.LN2), ...AND, ...get(s), ...horner(t, ATANH_COEF), ...F64X2_MUL, ...F64X2_ADD, ...set(x),
    // acc += w · (max(z, 0) + log1p(e) − y·z)
    ...get(p.acc),
    ...at(p.w), ...vload(off),
    ...get(zv), ...V_ZERO, ...F64X2_MAX, ...get(x), ...F64X2_ADD, ...at(p.y), ...vload(off), ...get(zv), ...F64X2_MUL, ...F64X2_SUB,
    ...F64X2_MUL, ...F64X2_ADD, ...set(p.acc),
    // r = w · ((z ≥ 0 ? 1 : e) / (1 + e) − y)
    ...at(p.r),
    ...at(p.w), ...vload(off),
    ...f64x2c(1), ...get(e), ...get(zv), ...V_ZERO, ...F64X2_GE, ...BITSELECT,
    ...get(e), ...f64x2c(1), ...F64X2_ADD, ...F64X2_DIV,
    ...at(p.y), ...vload(off), ...F64X2_SUB,
    ...F64X2_MUL, ...vstore(off),
  ];
}

function lossBody(): number[] {
  // params: 0 z, 1 y, 2 w, 3 r, 4 len (i32); locals: 5 i (byte offset), 6 end (i32);
  // 7 acc, 8–14 and 15–21 scratch (v128)
  const [z, y, w, r, len, i, end, acc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const p = { z, y, w, r, i, acc };
  const code = [
    ...V_ZERO, ...set(acc),
    ...i32c(0), ...set(i),
    // end = len · 8
    ...get(len), ...i32c(3), 0x74, ...set(end),
    ...BLOCK, ...LOOP,
    ...get(i), ...get(end), ...I32_GE_S, ...brIf(1),
    ...pairOfRows(0, p, [8, 9, 10, 11, 12, 13, 14]),
    ...pairOfRows(16, p, [15, 16, 17, 18, 19, 20, 21]),
    ...get(i), ...i32c(32), ...I32_ADD, ...set(i),
    ...br(0), ...END, ...END,
    ...get(acc), ...lane(0), ...get(acc), ...lane(1), ...F64_ADD,
  ];
  return [...vec([[2, I32], [15, V128]]), ...code, ...END];
}

const I32_LT_S = [0x48];
const CALL_LOSS = [0x10, 0];

/** `for (i = 0; i < end; i += step) body` over byte offsets (i, end locals). */
const forBytes = (i: number, end: number, step: number, body: number[]) => [
  ...i32c(0), ...set(i),
  ...BLOCK, ...LOOP,
  ...get(i), ...get(end), ...I32_GE_S, ...brIf(1),
  ...body,
  ...get(i), ...i32c(step), ...I32_ADD, ...set(i),
  ...br(0), ...END, ...END,
];

function evaluateBody(): number[] {
  // params: 0 X, 1 nPad, 2 p, 3 v (i32), 4 c0 (f64), 5 y, 6 w, 7 z, 8 r, 9 acc, 10 B (i32)
  // locals: 11 lo, 12 len, 13 j, 14 i, 15 end, 16 stride, 17–20 col0…col3 (i32); 21 total (f64);
  // 22 c0v, 23 rv, 24–27 vj0…vj3, 28–31 a0…a3 (v128)
  const [X, nPad, p, v, c0, y, w, z, r, acc, B, lo, len, j, i, end, stride] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const cols = [17, 18, 19, 20];
  const [total, c0v, rv] = [21, 22, 23];
  const vj = [24, 25, 26, 27];
  const as = [28, 29, 30, 31];
  const at = (base: number) => [...get(base), ...get(i), ...I32_ADD];
  /** col0…col(m−1) = X + ((j · nPad + lo) << 3) + k · stride; vj0… = v[j + k] splatted. */
  const columns = (m: number) => [
    ...get(X), ...get(j), ...get(nPad), ...I32_MUL, ...get(lo), ...I32_ADD, ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(cols[0]!),
    ...Array.from({ length: m - 1 }, (_, k) => [...get(cols[k]!), ...get(stride), ...I32_ADD, ...set(cols[k + 1]!)]).flat(),
  ];
  const coefs = (m: number) => Array.from({ length: m }, (_, k) => [...get(v), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD, 0x2b, 3, ...uleb(8 * k), ...F64X2_SPLAT, ...set(vj[k]!)]).flat();
  /** Columns j… in groups of m while m fit, `body(m)` each, j advancing by m. */
  const overColumns = (m: number, body: number[]) => [
    ...BLOCK, ...LOOP,
    ...get(j), ...i32c(m), ...I32_ADD, ...get(p), 0x4a /* i32.gt_s */, ...brIf(1),
    ...body,
    ...get(j), ...i32c(m), ...I32_ADD, ...set(j),
    ...br(0), ...END, ...END,
  ];
  // z += Σₖ vjₖ · colₖ over the block's rows, m columns at a time
  const scores = (m: number) => [
    ...columns(m), ...coefs(m),
    ...forBytes(i, end, 16, [
      ...at(z), ...at(z), ...vload(0),
      ...Array.from({ length: m }, (_, k) => [...get(vj[k]!), ...at(cols[k]!), ...vload(0), ...F64X2_MUL, ...F64X2_ADD]).flat(),
      ...vstore(0),
    ]),
  ];
  // acc[j + k] += Σ r · colₖ over the block's rows, m columns at a time
  const sums = (m: number) => [
    ...columns(m),
    ...Array.from({ length: m }, (_, k) => [...V_ZERO, ...set(as[k]!)]).flat(),
    ...forBytes(i, end, 16, [
      ...at(r), ...vload(0), ...set(rv),
      ...Array.from({ length: m }, (_, k) => [...get(as[k]!), ...get(rv), ...at(cols[k]!), ...vload(0), ...F64X2_MUL, ...F64X2_ADD, ...set(as[k]!)]).flat(),
    ]),
    ...Array.from({ length: m }, (_, k) => {
      const slot = [...get(acc), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD];
      return [...slot, ...slot, 0x2b, 3, ...uleb(8 * k), ...get(as[k]!), ...lane(0), ...F64_ADD, ...get(as[k]!), ...lane(1), ...F64_ADD, 0x39, 3, ...uleb(8 * k)];
    }).flat(),
  ];
  const code = [
    ...get(c0), ...F64X2_SPLAT, ...set(c0v),
    ...get(nPad), ...i32c(3), ...I32_SHL, ...set(stride),
    ...i32c(0), ...set(lo),
    ...BLOCK, ...LOOP,
    ...get(lo), ...get(nPad), ...I32_GE_S, ...brIf(1),
    // len = min(B, nPad − lo); end = len · 8
    ...get(nPad), ...get(lo), ...I32_SUB, ...get(B), ...get(nPad), ...get(lo), ...I32_SUB, ...get(B), ...I32_LT_S, ...SELECT, ...tee(len),
    ...i32c(3), ...I32_SHL, ...set(end),
    // z = c0, then z += v[j] · X[j] over the block's rows
    ...forBytes(i, end, 16, [...at(z), ...get(c0v), ...vstore(0)]),
    ...i32c(0), ...set(j),
    ...overColumns(4, scores(4)),
    ...overColumns(1, scores(1)),
    // total += loss(z, y + lo·8, w + lo·8, r, len)
    ...get(total),
    ...get(z), ...get(y), ...get(lo), ...i32c(3), ...I32_SHL, ...I32_ADD, ...get(w), ...get(lo), ...i32c(3), ...I32_SHL, ...I32_ADD, ...get(r), ...get(len), ...CALL_LOSS,
    ...F64_ADD, ...set(total),
    // acc[j] += Σ r · X[j] over the block's rows
    ...i32c(0), ...set(j),
    ...overColumns(4, sums(4)),
    ...overColumns(1, sums(1)),
    // acc[p] += Σ r (j = p here)
    ...V_ZERO, ...set(as[0]!),
    ...forBytes(i, end, 16, [...get(as[0]!), ...at(r), ...vload(0), ...F64X2_ADD, ...set(as[0]!)]),
    ...(() => {
      const slot = [...get(acc), ...get(p), ...i32c(3), ...I32_SHL, ...I32_ADD];
      return [...slot, ...slot, ...F64_LOAD(), ...get(as[0]!), ...lane(0), ...F64_ADD, ...get(as[0]!), ...lane(1), ...F64_ADD, ...F64_STORE()];
    })(),
    ...get(lo), ...get(len), ...I32_ADD, ...set(lo),
    ...br(0), ...END, ...END,
    ...get(total),
  ];
  return [...vec([[10, I32], [1, F64], [10, V128]]), ...code, ...END];
}

function momentsBody(): number[] {
  // params: 0 X, 1 nPad, 2 p, 3 w, 4 x0, 5 out (i32); locals: 6 j, 7 i, 8 end, 9 col (i32);
  // 10 c, 11 s1a, 12 s2a, 13 s1b, 14 s2b, 15 d, 16 wd (v128)
  const [X, nPad, p, w, x0, out, j, i, end, col] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [c, s1a, s2a, s1b, s2b, d, wd] = [10, 11, 12, 13, 14, 15, 16];
  /** Two rows at byte offset `off` past i into the sums (s1, s2). */
  const rows = (off: number, s1: number, s2: number) => [
    ...get(col), ...get(i), ...I32_ADD, ...vload(off), ...get(c), ...F64X2_SUB, ...set(d),
    ...get(s1), ...get(w), ...get(i), ...I32_ADD, ...vload(off), ...get(d), ...F64X2_MUL, ...tee(wd), ...F64X2_ADD, ...set(s1),
    ...get(s2), ...get(wd), ...get(d), ...F64X2_MUL, ...F64X2_ADD, ...set(s2),
  ];
  const slot = [...get(out), ...get(j), ...i32c(4), ...I32_SHL, ...I32_ADD];
  const total = (a: number, b: number) => [...get(a), ...get(b), ...F64X2_ADD, ...tee(d), ...lane(0), ...get(d), ...lane(1), ...F64_ADD];
  const code = [
    ...get(nPad), ...i32c(3), ...I32_SHL, ...set(end),
    ...i32c(0), ...set(j),
    ...BLOCK, ...LOOP,
    ...get(j), ...get(p), ...I32_GE_S, ...brIf(1),
    ...get(X), ...get(j), ...get(nPad), ...I32_MUL, ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(col),
    ...get(x0), ...get(j), ...i32c(3), ...I32_SHL, ...I32_ADD, ...F64_LOAD(), ...F64X2_SPLAT, ...set(c),
    ...V_ZERO, ...set(s1a), ...V_ZERO, ...set(s2a), ...V_ZERO, ...set(s1b), ...V_ZERO, ...set(s2b),
    ...forBytes(i, end, 32, [...rows(0, s1a, s2a), ...rows(16, s1b, s2b)]),
    ...slot, ...total(s1a, s1b), 0x39, 3, 0,
    ...slot, ...total(s2a, s2b), 0x39, 3, 8,
    ...get(j), ...i32c(1), ...I32_ADD, ...set(j),
    ...br(0), ...END, ...END,
  ];
  return [...vec([[4, I32], [7, V128]]), ...code, ...END];
}

function moduleBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([[F64]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [F64], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([[F64]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])],
  ]));
  const funcs = section(3, vec([[0], [1], [2]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...str('memory'), 0x02, 0],
    [...str('loss'), 0x00, 0],
    [...str('evaluate'), 0x00, 1],
    [...str('moments'), 0x00, 2],
  ]));
  const bodies = [lossBody(), evaluateBody(), momentsBody()].map((body) => [...uleb(body.length), ...body]);
  const code = section(10, vec(bodies));
  return wasmModule([types, funcs, memory, exports, code]);
}

let compiled: WebAssembly.Module | null | undefined;

/** Instances given back after a fit, kept for the next one. */
const spare: LogisticKernel[] = [];

/** Largest memory an instance given back may keep for reuse (64 MiB); a larger one is dropped. */
const SPARE_BYTES = 64 * 1024 * 1024;

/**
 * An instance for one fit (null without WebAssembly SIMD): one given back
 * by an earlier fit when there is one (its memory already resident), else
 * a fresh one. Everything the caller reads it writes first. Give it back
 * with `returnLogisticKernel`.
 */
export function borrowLogisticKernel(): LogisticKernel | null {
  const k = spare.pop();
  if (k !== undefined) return k;
  if (compiled === undefined) compiled = compileWasm(moduleBytes());
  if (compiled === null) return null;
  const e = new WebAssembly.Instance(compiled, {}).exports as unknown as LogisticKernel;
  const table = new Float64Array(e.memory.buffer, 0, 2 * TABLE.length);
  TABLE.forEach((c, k) => table.fill(c, 2 * k, 2 * k + 2));
  return { memory: e.memory, loss: e.loss, evaluate: e.evaluate, moments: e.moments };
}

/** Gives back an instance from `borrowLogisticKernel`; the caller keeps no view of its memory. */
export function returnLogisticKernel(k: LogisticKernel): void {
  if (spare.length < 2 && k.memory.buffer.byteLength <= SPARE_BYTES) spare.push(k);
}

/** Grows the instance's memory to at least `bytes`. */
export function ensureBytes(k: LogisticKernel, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
}
