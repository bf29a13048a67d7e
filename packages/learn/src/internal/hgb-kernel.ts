// Internal: the row loops of histogram gradient boosting as a small
// WebAssembly module with 128-bit SIMD, assembled here from its opcodes (no
// toolchain, nothing to fetch). Pointers are byte offsets into the module's
// memory, where the grower keeps its bins, gradients, row lists and
// histograms (a histogram entry is three float64: gradient sum, hessian
// sum, row count, so one f64x2 addition updates the first two):
//
//   hist(dst, bins, p, st, idx, t0, t1, g, h, hasH)
//       for each row i = idx[t], t0 ≤ t < t1, in that order, and each of its
//       p features f (bins row-major, p bytes per row): the entry of bin
//       bins[i·p + f] in feature f's block (st bytes per feature) of the
//       histogram at dst gets g[i], h[i] (0 when hasH is 0) and 1 added
//   sums(…)  the same without the counts (the root's come from elsewhere)
//   partition(col, idx, tmp, t0, t1, goLeft) → l
//       stably splits idx[t0, t1) by goLeft[col[i]] (4: left, 0: right),
//       left rows first, and returns where the right rows begin
//   clear(dst, spans, nSpans)        zeroes the spans (double offsets [a, b)) of dst
//   subtract(dst, small, spans, nSpans)   dst −= small over the spans
//
// A module is assembled for each data shape (features, bins per feature):
// up to UNROLL_ALL_MAX features, `hist` and `sums` handle a row's features
// one after another with each feature's histogram offset as an immediate
// (about 15 % faster than a loop over them). Every sum adds the same
// float64 values in the same order as the JavaScript loops of
// hgb-grower.ts, so both give the same trees, bit for bit.
// `instantiateHgbKernel` answers null where WebAssembly, its SIMD or its
// bulk-memory instructions are missing, and the grower then runs its
// JavaScript loops.
import { compileWasm, uleb128 as uleb, wasmModule, wasmName as str, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';
import { I32, V128, get, set, tee, BLOCK, LOOP, END, br, brIf, SELECT, i32c, I32_ADD, I32_SUB, I32_MUL, I32_SHL, F64_LOAD, F64_STORE, F64_ADD, simd, F64X2_SPLAT, F64X2_ADD, F64X2_SUB } from './wasm-ops';

/** The kernel's exports. */
export interface HgbKernel {
  readonly memory: WebAssembly.Memory;
  hist(dst: number, bins: number, p: number, st: number, idx: number, t0: number, t1: number, g: number, h: number, hasH: number): void;
  sums(dst: number, bins: number, p: number, st: number, idx: number, t0: number, t1: number, g: number, h: number, hasH: number): void;
  partition(col: number, idx: number, tmp: number, t0: number, t1: number, goLeft: number): number;
  clear(dst: number, spans: number, nSpans: number): void;
  subtract(dst: number, small: number, spans: number, nSpans: number): void;
}


const f64c = (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const I32_SHR_S = [0x75];
const I32_GE_U = [0x4f];
const I32_GT_U = [0x4b];
const I32_LOAD = (off = 0) => [0x28, 2, ...uleb(off)];
const I32_LOAD8_U = (off = 0) => [0x2d, 0, ...uleb(off)];
const I32_STORE = [0x36, 2, 0];
const F32_LOAD = [0x2a, 2, 0];
const F32_CONST_0 = [0x43, 0, 0, 0, 0];
const F64_SUB = [0xa1];
const F64_PROMOTE = [0xbb];
const V_LOAD = (off = 0) => [...simd(0x00), 3, ...uleb(off)];
const V_STORE = (off = 0) => [...simd(0x0b), 3, ...uleb(off)];
const F64X2_REPLACE_LANE1 = [...simd(0x22), 1];
const MEMORY_COPY = [0xfc, ...uleb(10), 0, 0];
const MEMORY_FILL = [0xfc, ...uleb(11), 0];

/** `while (!(stop)) { body }`. */
const loopUntil = (stop: number[], body: number[]) => [...BLOCK, ...LOOP, ...stop, ...brIf(1), ...body, ...br(0), ...END, ...END];

/** Histogram entries are 24 bytes: gradient sum, hessian sum, count. */
const ENTRY = 24;

/** Features unrolled per step of the inner loop of `hist` and `sums`. */
const UNROLL = 4;

/**
 * Up to this many features, `hist` and `sums` are unrolled over all of
 * them, each feature's block offset an immediate. The module then stays
 * under 4 KiB (3.5 KiB at 32 features), the most that older Chrome versions
 * compile synchronously on a page's main thread (newer ones take 8 MB;
 * where compiling is refused the fit runs its JavaScript loops).
 */
export const UNROLL_ALL_MAX = 32;

/**
 * `hist` (with counts) or `sums` for data of `P` features and `ST` bytes per
 * feature block: unrolled over every feature when P ≤ {@link UNROLL_ALL_MAX}
 * (the p and st arguments are then unused), else a loop over the features,
 * {@link UNROLL} a step.
 */
function histBody(counts: boolean, P: number, ST: number): number[] {
  // params: 0 dst, 1 bins, 2 p, 3 st, 4 idx, 5 t0, 6 t1, 7 g, 8 h, 9 hasH
  // locals: 10 t, 11 end, 12 i, 13 row, 14 rowEnd, 15 o, 16 k, 17 row4 (i32); 18 gh (v128)
  const [dst, bins, p, st, idx, t0, t1, g, h, hasH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [t, end, i, row, rowEnd, o, k, row4, gh] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
  /** The entry, k = o + ENTRY · (the bin at row + j), at byte `off` past k: (g, h) += gh, count += 1. */
  const one = (j: number, off: number) => [
    ...get(o), ...get(row), ...I32_LOAD8_U(j), ...i32c(ENTRY), ...I32_MUL, ...I32_ADD, ...tee(k),
    ...get(k), ...V_LOAD(off), ...get(gh), ...F64X2_ADD, ...V_STORE(off),
    ...(counts ? [...get(k), ...get(k), ...F64_LOAD(off + 16), ...f64c(1), ...F64_ADD, ...F64_STORE(off + 16)] : []),
  ];
  const features = P <= UNROLL_ALL_MAX
    ? [...get(dst), ...set(o), ...Array.from({ length: P }, (_, j) => one(j, j * ST)).flat()]
    : [
        ...get(row), ...get(p), ...I32_ADD, ...tee(rowEnd), ...i32c(UNROLL - 1), ...I32_SUB, ...set(row4),
        ...get(dst), ...set(o),
        // UNROLL features a step while they fit, then one at a time
        ...loopUntil([...get(row), ...get(row4), ...I32_GE_U], [
          ...Array.from({ length: UNROLL }, (_, j) => one(j, j * ST)).flat(),
          ...get(row), ...i32c(UNROLL), ...I32_ADD, ...set(row),
          ...get(o), ...get(st), ...i32c(UNROLL), ...I32_MUL, ...I32_ADD, ...set(o),
        ]),
        ...loopUntil([...get(row), ...get(rowEnd), ...I32_GE_U], [
          ...one(0, 0),
          ...get(row), ...i32c(1), ...I32_ADD, ...set(row),
          ...get(o), ...get(st), ...I32_ADD, ...set(o),
        ]),
      ];
  const code = [
    ...get(idx), ...get(t0), ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(t),
    ...get(idx), ...get(t1), ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(end),
    ...loopUntil([...get(t), ...get(end), ...I32_GE_U], [
      ...get(t), ...I32_LOAD(), ...set(i),
      // gh = (g[i], hasH ? h[i] : 0)
      ...get(g), ...get(i), ...i32c(2), ...I32_SHL, ...I32_ADD, ...F32_LOAD, ...F64_PROMOTE, ...F64X2_SPLAT,
      ...get(h), ...get(i), ...i32c(2), ...I32_SHL, ...I32_ADD, ...F32_LOAD, ...F32_CONST_0, ...get(hasH), ...SELECT, ...F64_PROMOTE,
      ...F64X2_REPLACE_LANE1, ...set(gh),
      ...get(bins), ...get(i), ...get(p), ...I32_MUL, ...I32_ADD, ...set(row),
      ...features,
      ...get(t), ...i32c(4), ...I32_ADD, ...set(t),
    ]),
  ];
  return [...vec([[8, I32], [1, V128]]), ...code, ...END];
}

function partitionBody(): number[] {
  // params: 0 col, 1 idx, 2 tmp, 3 t0, 4 t1, 5 goLeft; locals: 6 t, 7 end, 8 l, 9 r, 10 i, 11 c
  const [col, idx, tmp, t0, t1, goLeft, t, end, l, r, i, c] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const code = [
    ...get(idx), ...get(t0), ...i32c(2), ...I32_SHL, ...I32_ADD, ...tee(t), ...set(l),
    ...get(idx), ...get(t1), ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(end),
    ...get(tmp), ...set(r),
    // each row is written to both lists; only its side's cursor moves (by 4 bytes)
    ...loopUntil([...get(t), ...get(end), ...I32_GE_U], [
      ...get(t), ...I32_LOAD(), ...set(i),
      ...get(goLeft), ...get(col), ...get(i), ...I32_ADD, ...I32_LOAD8_U(), ...I32_ADD, ...I32_LOAD8_U(), ...set(c),
      ...get(l), ...get(i), ...I32_STORE,
      ...get(r), ...get(i), ...I32_STORE,
      ...get(l), ...get(c), ...I32_ADD, ...set(l),
      ...get(r), ...i32c(4), ...get(c), ...I32_SUB, ...I32_ADD, ...set(r),
      ...get(t), ...i32c(4), ...I32_ADD, ...set(t),
    ]),
    // the right rows follow the left ones
    ...get(l), ...get(tmp), ...get(r), ...get(tmp), ...I32_SUB, ...MEMORY_COPY,
    ...get(l), ...get(idx), ...I32_SUB, ...i32c(2), ...I32_SHR_S,
  ];
  return [...vec([[6, I32]]), ...code, ...END];
}

/** `body` for each span: locals a, b hold its byte offsets [a, b) (from the i32 pairs at `spans`). */
function overSpans(spans: number, nSpans: number, s: number, a: number, b: number, body: number[]): number[] {
  return [
    ...get(spans), ...get(nSpans), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(nSpans), // nSpans becomes the end pointer
    ...get(spans), ...set(s),
    ...loopUntil([...get(s), ...get(nSpans), ...I32_GE_U], [
      ...get(s), ...I32_LOAD(0), ...i32c(3), ...I32_SHL, ...set(a),
      ...get(s), ...I32_LOAD(4), ...i32c(3), ...I32_SHL, ...set(b),
      ...body,
      ...get(s), ...i32c(8), ...I32_ADD, ...set(s),
    ]),
  ];
}

function clearBody(): number[] {
  // params: 0 dst, 1 spans, 2 nSpans; locals: 3 s, 4 a, 5 b
  const [dst, spans, nSpans, s, a, b] = [0, 1, 2, 3, 4, 5];
  const code = overSpans(spans, nSpans, s, a, b, [...get(dst), ...get(a), ...I32_ADD, ...i32c(0), ...get(b), ...get(a), ...I32_SUB, ...MEMORY_FILL]);
  return [...vec([[3, I32]]), ...code, ...END];
}

function subtractBody(): number[] {
  // params: 0 dst, 1 small, 2 spans, 3 nSpans; locals: 4 s, 5 a, 6 b, 7 d (byte distance small − dst)
  const [dst, small, spans, nSpans, s, a, b, d] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code = [
    ...get(small), ...get(dst), ...I32_SUB, ...set(d),
    ...overSpans(spans, nSpans, s, a, b, [
      ...get(dst), ...get(a), ...I32_ADD, ...set(a),
      ...get(dst), ...get(b), ...I32_ADD, ...set(b),
      // two doubles a step while they fit, then the last one
      ...loopUntil([...get(a), ...i32c(16), ...I32_ADD, ...get(b), ...I32_GT_U], [
        ...get(a), ...get(a), ...V_LOAD(), ...get(a), ...get(d), ...I32_ADD, ...V_LOAD(), ...F64X2_SUB, ...V_STORE(),
        ...get(a), ...i32c(16), ...I32_ADD, ...set(a),
      ]),
      ...loopUntil([...get(a), ...get(b), ...I32_GE_U], [
        ...get(a), ...get(a), ...F64_LOAD(), ...get(a), ...get(d), ...I32_ADD, ...F64_LOAD(), ...F64_SUB, ...F64_STORE(),
        ...get(a), ...i32c(8), ...I32_ADD, ...set(a),
      ]),
    ]),
  ];
  return [...vec([[4, I32]]), ...code, ...END];
}

/** The module for data of p features and nBins bins per feature. */
function moduleBytes(p: number, nBins: number): Uint8Array {
  const i32s = (m: number) => vec(Array.from({ length: m }, () => [I32]));
  const types = section(1, vec([
    [0x60, ...i32s(10), ...vec([])],
    [0x60, ...i32s(6), ...i32s(1)],
    [0x60, ...i32s(3), ...vec([])],
    [0x60, ...i32s(4), ...vec([])],
  ]));
  const funcs = section(3, vec([[0], [0], [1], [2], [3]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...str('memory'), 0x02, 0],
    [...str('hist'), 0x00, 0],
    [...str('sums'), 0x00, 1],
    [...str('partition'), 0x00, 2],
    [...str('clear'), 0x00, 3],
    [...str('subtract'), 0x00, 4],
  ]));
  const bodies = [histBody(true, p, nBins * ENTRY), histBody(false, p, nBins * ENTRY), partitionBody(), clearBody(), subtractBody()].map((body) => [...uleb(body.length), ...body]);
  const code = section(10, vec(bodies));
  return wasmModule([types, funcs, memory, exports, code]);
}

/** Compiled modules by `p,nBins` (null: WebAssembly or a feature it uses is missing). */
const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * A fresh instance of the kernel for data of p features and nBins bins per
 * feature (its own memory, one 64 KiB page to begin with), or null without
 * WebAssembly SIMD and bulk memory. Modules are compiled once per shape.
 */
export function instantiateHgbKernel(p: number, nBins: number): HgbKernel | null {
  const key = `${p},${nBins}`;
  let mod = compiled.get(key);
  if (mod === undefined) {
    mod = typeof WebAssembly === 'object' ? compileWasm(moduleBytes(p, nBins)) : null;
    if (compiled.size >= 16) compiled.clear();
    compiled.set(key, mod);
  }
  if (mod === null) return null;
  return new WebAssembly.Instance(mod, {}).exports as unknown as HgbKernel;
}
