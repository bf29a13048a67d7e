// Internal: the float32 kernels of the ALS conjugate-gradient solver as a
// tiny WebAssembly module with 128-bit SIMD (4 lanes), assembled here from
// its opcodes for one number of factors f (no toolchain, no file to fetch;
// a few KB; compiled once per f). With f baked in, loops over a vector's
// 4-float chunks run two chunks a pass with constant offsets and bounds.
// The solver works on four entries (or four rows of G) at a time so that
// each load of the shared vector serves four products.
//
//   gram(F, n, G, lambda)     G = FᵀF + λI for the n rows of F (f × f, full and exactly symmetric;
//                             the upper triangle is summed, four rows of F at a time, then mirrored)
//   cgRows(G, F, indptr, idx, w, rows, X, r, p, ap, alpha, steps)
//                             for each row of a CSR matrix (entries idx_t, weights w_t; y_t = F[idx_t]),
//                             `steps` conjugate-gradient steps on (G + Σ α·w_t y_t y_tᵀ) x = Σ (1 + α·w_t) y_t
//                             from x = X[row] in place (the previous factors); a row without entries gets
//                             x = 0; an overflow in the residual leaves that row's x all NaN. Returns the
//                             number of rows whose x is not all finite (for the caller to report).
//                             r, p, ap are scratch vectors of f floats. One call from JavaScript per half-step.
//   score(U, nu, Y, ni, out)  out[b·ni + i] = U_b · Y_i (batch scoring for recommend/recommendMany of ALS,
//                             and of the other factor models through factorScorer)
//
// Pointers are byte offsets into the module's memory; f must be a multiple
// of 4. `loadSimdKernels(f)` returns null where WebAssembly SIMD is missing,
// and the callers then run their plain typed-array code; a fit borrows an
// instance with `borrowSimdKernels(f)` and gives it back with `returnSimdKernels`.

import { compileWasm, sleb128, uleb128 as uleb, wasmModule, wasmName as str, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';

/** The exported kernels bound to one instance and its memory, for the f given to `loadSimdKernels`. */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  /** The number of factors the kernels were assembled for. */
  readonly factors: number;
  gram(F: number, n: number, G: number, lambda: number): void;
  cgRows(G: number, F: number, indptr: number, idx: number, w: number, rows: number, X: number, r: number, p: number, ap: number, alpha: number, steps: number): number;
  score(U: number, nu: number, Y: number, ni: number, out: number): void;
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// Opcodes used below.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (v: number) => [0x41, ...sleb128(v)];
const f32c = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const I32_MUL = [0x6c];
const I32_AND = [0x71];
const I32_SHL = [0x74];
const I32_LT_S = [0x48];
const I32_EQZ = [0x45];
const F32_ADD = [0x92];
const F32_SUB = [0x93];
const F32_MUL = [0x94];
const F32_DIV = [0x95];
const F32_GT = [0x5e];
const F32_EQ = [0x5b];
const i32load = (off = 0) => [0x28, 2, ...uleb(off)];
const f32load = (off = 0) => [0x2a, 2, ...uleb(off)];
const f32store = (off = 0) => [0x38, 2, ...uleb(off)];
const vload = (off = 0) => [0xfd, 0x00, 0, ...uleb(off)];
const vstore = (off = 0) => [0xfd, 0x0b, 0, ...uleb(off)];
const vloadSplat = (off = 0) => [0xfd, 0x09, 2, ...uleb(off)]; // v128.load32_splat
const V_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const SPLAT = [0xfd, 0x13];
const VADD = [0xfd, 0xe4, 0x01];
const VSUB = [0xfd, 0xe5, 0x01];
const VMUL = [0xfd, 0xe6, 0x01];
const VNEG = [0xfd, 0xe1, 0x01];
const lane = (k: number) => [0xfd, 0x1f, k];
/** i8x16.shuffle picking the float lanes `l` (0–3 first operand, 4–7 second). */
const shuffle = (l: readonly [number, number, number, number]) => [0xfd, 0x0d, ...l.flatMap((q) => [4 * q, 4 * q + 1, 4 * q + 2, 4 * q + 3])];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const ELSE = [0x05];
const RETURN = [0x0f];
const END = [0x0b];
const br = (d: number) => [0x0c, d];
const brIf = (d: number) => [0x0d, d];
const call = (fn: number) => [0x10, fn];

/** Locals of one function body, declared as they are asked for (after the parameters). */
class Locals {
  private readonly types: number[] = [];
  constructor(private readonly nParams: number) {}
  add(type: number): number {
    this.types.push(type);
    return this.nParams + this.types.length - 1;
  }
  /** One local per name (the names only document the destructuring). */
  named<const T extends readonly string[]>(type: number, names: T): { [K in keyof T]: number } {
    return names.map(() => this.add(type)) as { [K in keyof T]: number };
  }
  list(type: number, n: number): number[] {
    return Array.from({ length: n }, () => this.add(type));
  }
  /** The function body: local declarations, code, end. */
  body(code: number[]): number[] {
    const groups: Array<[number, number]> = [];
    for (const t of this.types) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    return [...vec(groups.map(([c, t]) => [...uleb(c), t])), ...code, ...END];
  }
}

/** `x += d` for an i32 local. */
const inc = (x: number, d: number) => [...get(x), ...i32c(d), ...I32_ADD, ...set(x)];
/** Chunks written out per pass of a slice loop (more made V8's code slower: register pressure). */
const MAX_UNROLL = 2;
/** `a + b` of two v128 values given as code. */
const vsum = (a: number[], b: number[]) => [...a, ...b, ...VADD];
/** Sum of the lanes of v128 local `v`, left on the stack as f32. */
const hsum = (v: number) => [...get(v), ...lane(0), ...get(v), ...lane(1), ...F32_ADD, ...get(v), ...lane(2), ...get(v), ...lane(3), ...F32_ADD, ...F32_ADD];
/** [Σ a0, Σ a1, Σ a2, Σ a3] (lane sums of four v128 locals) as one v128 on the stack. */
const hsum4 = (a0: number, a1: number, a2: number, a3: number, t0: number, t1: number) => [
  ...get(a0), ...get(a1), ...shuffle([0, 4, 1, 5]), ...get(a0), ...get(a1), ...shuffle([2, 6, 3, 7]), ...VADD, ...set(t0),
  ...get(a2), ...get(a3), ...shuffle([0, 4, 1, 5]), ...get(a2), ...get(a3), ...shuffle([2, 6, 3, 7]), ...VADD, ...set(t1),
  ...get(t0), ...get(t1), ...shuffle([0, 1, 4, 5]), ...get(t0), ...get(t1), ...shuffle([2, 3, 6, 7]), ...VADD,
];
/** Lane j of the v128 on the stack, broadcast (the value is consumed). */
const broadcast = (v: number, j: number) => [...get(v), ...get(v), ...shuffle([j, j, j, j])];

/** Everything that depends on f: the slice loop and the module's bodies. */
function assemble(f: number): Uint8Array {
  const rowBytes = 4 * f;
  const chunks = f / 4;
  // Chunks written out per pass: the largest divisor of f/4 up to 16.
  let unroll = Math.min(MAX_UNROLL, chunks);
  while (chunks % unroll !== 0) unroll--;
  const passes = chunks / unroll;

  /**
   * For each 4-float chunk of a row: `body(addr, off, u)` with `addr(p)` the
   * address of pointer local p's current slice, `off` the chunk's byte offset
   * in it and u its index in the slice (to pick accumulators). One pass is
   * straight-line code; several loop with byte offset k.
   */
  const eachChunk = (k: number, body: (addr: (p: number) => number[], off: number, u: number) => number[]) => {
    const slice = (addr: (p: number) => number[]) => Array.from({ length: unroll }, (_, u) => body(addr, 16 * u, u)).flat();
    if (passes === 1) return slice((p) => get(p));
    return [
      ...i32c(0), ...set(k),
      ...LOOP,
      ...slice((p) => [...get(p), ...get(k), ...I32_ADD]),
      ...inc(k, 16 * unroll),
      ...get(k), ...i32c(rowBytes), ...I32_LT_S, ...brIf(0),
      ...END,
    ];
  };

  /** acc = Σ chunks of a·b over accumulators `acc` (chunk u into acc[u mod acc.length]); zeroes them first. */
  const dotInto = (k: number, a: number, b: number, acc: readonly number[]) => [
    ...acc.flatMap((q) => [...V_ZERO, ...set(q)]),
    ...eachChunk(k, (addr, off, u) => {
      const q = acc[u % acc.length]!;
      return [...get(q), ...addr(a), ...vload(off), ...addr(b), ...vload(off), ...VMUL, ...VADD, ...set(q)];
    }),
  ];
  /** The accumulators' total, as one v128 left in acc[0]. */
  const fold = (acc: readonly number[]) => {
    const out: number[] = [];
    for (let s = 1; s < acc.length; s *= 2) {
      for (let q = 0; q + s < acc.length; q += 2 * s) out.push(...get(acc[q]!), ...get(acc[q + s]!), ...VADD, ...set(acc[q]!));
    }
    return out;
  };

  function gramBody(): number[] {
    // params: 0 F, 1 n, 2 G, 3 lambda(f32)
    const [F, n, G, lambda] = [0, 1, 2, 3];
    const L = new Locals(4);
    const [rows, a, g, fc, c, end] = L.named(I32, ['rows', 'a', 'g', 'fc', 'c', 'end']);
    const s = L.list(V128, 4);
    /** G[a, chunk c…] += Σ_j s_j · F_j[c…] for the `m` rows F_j at fc + j·rowBytes, chunks from a's onwards. */
    const update = (m: number) => [
      // s_j = F_j[a] splatted (a is a byte offset)
      ...Array.from({ length: m }, (_, j) => [...get(rows), ...get(a), ...I32_ADD, ...vloadSplat(j * rowBytes), ...set(s[j]!)]).flat(),
      // c = the byte offset of a's chunk; g = &G[a, c]; fc = &F_0[c]
      ...get(a), ...i32c(-16), ...I32_AND, ...set(c),
      ...get(G), ...get(end), ...I32_ADD, ...get(c), ...I32_ADD, ...set(g),
      ...get(rows), ...get(c), ...I32_ADD, ...set(fc),
      ...LOOP,
      ...get(g), ...get(g), ...vload(),
      ...(m === 4
        ? [
            ...vsum(
              [...get(s[0]!), ...get(fc), ...vload(0), ...VMUL, ...get(s[1]!), ...get(fc), ...vload(rowBytes), ...VMUL, ...VADD],
              [...get(s[2]!), ...get(fc), ...vload(2 * rowBytes), ...VMUL, ...get(s[3]!), ...get(fc), ...vload(3 * rowBytes), ...VMUL, ...VADD],
            ),
          ]
        : [...get(s[0]!), ...get(fc), ...vload(0), ...VMUL]),
      ...VADD, ...vstore(),
      ...inc(g, 16), ...inc(fc, 16), ...inc(c, 16),
      ...get(c), ...i32c(rowBytes), ...I32_LT_S, ...brIf(0),
      ...END,
    ];
    /** For each a (end = a·rowBytes alongside): update(m). */
    const overA = (m: number) => [
      ...i32c(0), ...set(a), ...i32c(0), ...set(end),
      ...LOOP,
      ...update(m),
      ...inc(a, 4), ...inc(end, rowBytes),
      ...get(a), ...i32c(rowBytes), ...I32_LT_S, ...brIf(0),
      ...END,
    ];
    const code = [
      // G = 0
      ...i32c(0), ...set(c),
      ...LOOP,
      ...get(G), ...get(c), ...I32_ADD, ...V_ZERO, ...vstore(),
      ...inc(c, 16),
      ...get(c), ...i32c(f * rowBytes), ...I32_LT_S, ...brIf(0),
      ...END,
      // upper triangle (by chunks), four rows of F at a time, then one at a time
      ...get(F), ...set(rows),
      ...BLOCK, ...LOOP,
      ...get(n), ...i32c(4), ...I32_LT_S, ...brIf(1),
      ...overA(4),
      ...inc(rows, 4 * rowBytes),
      ...get(n), ...i32c(4), ...I32_SUB, ...set(n),
      ...br(0), ...END, ...END,
      ...BLOCK, ...LOOP,
      ...get(n), ...i32c(1), ...I32_LT_S, ...brIf(1),
      ...overA(1),
      ...inc(rows, rowBytes),
      ...get(n), ...i32c(1), ...I32_SUB, ...set(n),
      ...br(0), ...END, ...END,
      // mirror the strict upper triangle, + λ on the diagonal (a, c: byte offsets of G[a,a] and G[c,a])
      ...i32c(0), ...set(a),
      ...get(G), ...set(g),
      ...BLOCK, ...LOOP,
      ...get(g), ...get(g), ...f32load(), ...get(lambda), ...F32_ADD, ...f32store(),
      // g = &G[a, a]; fc walks G[a, b] (b > a), c walks G[b, a]
      ...get(g), ...i32c(4), ...I32_ADD, ...set(fc),
      ...get(g), ...i32c(rowBytes), ...I32_ADD, ...set(c),
      ...get(G), ...get(a), ...i32c(1), ...I32_ADD, ...i32c(rowBytes), ...I32_MUL, ...I32_ADD, ...set(end),
      ...BLOCK, ...LOOP,
      ...get(fc), ...get(end), ...I32_LT_S, ...I32_EQZ, ...brIf(1),
      ...get(c), ...get(fc), ...f32load(), ...f32store(),
      ...inc(fc, 4), ...inc(c, rowBytes),
      ...br(0), ...END, ...END,
      ...inc(g, rowBytes + 4),
      ...inc(a, 1),
      ...get(a), ...i32c(f), ...I32_LT_S, ...brIf(0),
      ...END, ...END,
    ];
    return L.body(code);
  }

  function cgRowBody(): number[] {
    // params: 0 G, 1 F, 2 idx, 3 w, 4 n, 5 x, 6 r, 7 p, 8 ap, 9 alpha(f32), 10 steps
    const [G, F, idx, w, n, x, r, p, ap, alpha, steps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const L = new Locals(11);
    const [k, t, ip, wp, gc, oc, it] = L.named(I32, ['k', 't', 'ip', 'wp', 'gc', 'oc', 'it']);
    const y = L.list(I32, 4);
    const [rs, pap, dot, coef, aw] = L.named(F32, ['rs', 'pap', 'dot', 'coef', 'aw']);
    const acc = L.list(V128, 4);
    const [vv, sv, t0, t1, pacc] = L.named(V128, ['vv', 'sv', 't0', 't1', 'pacc']);
    const cf = L.list(V128, 4);

    /**
     * out ±= G·v four rows at a time (the row blocks' sums as one v128); with
     * `negate` out = −G·v, else out = G·v and pacc += v ⊙ G·v.
     */
    const symv = (v: number, out: number, negate: boolean) => [
      ...get(G), ...set(gc), ...i32c(0), ...set(oc),
      ...LOOP,
      ...acc.flatMap((q) => [...V_ZERO, ...set(q)]),
      ...eachChunk(k, (addr, off) => [
        ...addr(v), ...vload(off), ...set(vv),
        ...[0, 1, 2, 3].flatMap((j) => {
          const q = acc[j]!;
          return [...get(q), ...addr(gc), ...vload(off + j * rowBytes), ...get(vv), ...VMUL, ...VADD, ...set(q)];
        }),
      ]),
      ...hsum4(acc[0]!, acc[1]!, acc[2]!, acc[3]!, t0, t1), ...set(vv),
      ...get(out), ...get(oc), ...I32_ADD,
      ...(negate ? [...get(vv), ...VNEG] : [...get(vv)]),
      ...vstore(),
      ...(negate ? [] : [...get(pacc), ...get(vv), ...get(v), ...get(oc), ...I32_ADD, ...vload(), ...VMUL, ...VADD, ...set(pacc)]),
      ...inc(gc, 4 * rowBytes), ...inc(oc, 16),
      ...get(oc), ...i32c(rowBytes), ...I32_LT_S, ...brIf(0),
      ...END,
    ];

    /**
     * out += Σ_t coef_t · y_t over the row's entries, with d_t = y_t · v and
     * (`init`) coef_t = (1 + α·w_t) − α·w_t·d_t, else coef_t = α·w_t·d_t and
     * pacc += coef_t·d_t (four entries at a time) or dot += (one at a time).
     */
    const sparse = (v: number, out: number, init: boolean) => {
      const tailCoef = init ? [...f32c(1), ...get(aw), ...F32_ADD, ...get(aw), ...get(dot), ...F32_MUL, ...F32_SUB] : [...get(aw), ...get(dot), ...F32_MUL];
      return [
        ...get(idx), ...set(ip), ...get(w), ...set(wp), ...get(n), ...set(t),
        // four entries at a time: each chunk of v is loaded once for the four dots, and out once for the four updates
        ...BLOCK, ...LOOP,
        ...get(t), ...i32c(4), ...I32_LT_S, ...brIf(1),
        ...[0, 1, 2, 3].flatMap((j) => [...get(F), ...get(ip), ...i32load(4 * j), ...i32c(rowBytes), ...I32_MUL, ...I32_ADD, ...set(y[j]!)]),
        ...acc.flatMap((q) => [...V_ZERO, ...set(q)]),
        ...eachChunk(k, (addr, off) => [
          ...addr(v), ...vload(off), ...set(vv),
          ...[0, 1, 2, 3].flatMap((j) => {
            const q = acc[j]!;
            return [...get(q), ...addr(y[j]!), ...vload(off), ...get(vv), ...VMUL, ...VADD, ...set(q)];
          }),
        ]),
        ...hsum4(acc[0]!, acc[1]!, acc[2]!, acc[3]!, t0, t1), ...set(vv), // the four dots
        ...get(alpha), ...SPLAT, ...get(wp), ...vload(), ...VMUL, ...set(sv), // α·w_t
        ...(init
          ? [...f32c(1), ...SPLAT, ...get(sv), ...VADD, ...get(sv), ...get(vv), ...VMUL, ...VSUB, ...set(sv)]
          : [...get(sv), ...get(vv), ...VMUL, ...set(sv), ...get(pacc), ...get(sv), ...get(vv), ...VMUL, ...VADD, ...set(pacc)]),
        ...[0, 1, 2, 3].flatMap((j) => [...broadcast(sv, j), ...set(cf[j]!)]),
        ...eachChunk(k, (addr, off) => [
          ...addr(out),
          ...addr(out), ...vload(off),
          ...vsum(
            [...get(cf[0]!), ...addr(y[0]!), ...vload(off), ...VMUL, ...get(cf[1]!), ...addr(y[1]!), ...vload(off), ...VMUL, ...VADD],
            [...get(cf[2]!), ...addr(y[2]!), ...vload(off), ...VMUL, ...get(cf[3]!), ...addr(y[3]!), ...vload(off), ...VMUL, ...VADD],
          ),
          ...VADD, ...vstore(off),
        ]),
        ...inc(ip, 16), ...inc(wp, 16),
        ...get(t), ...i32c(4), ...I32_SUB, ...set(t),
        ...br(0), ...END, ...END,
        // the last 0–3 entries one at a time
        ...BLOCK, ...LOOP,
        ...get(t), ...i32c(1), ...I32_LT_S, ...brIf(1),
        ...get(F), ...get(ip), ...i32load(), ...i32c(rowBytes), ...I32_MUL, ...I32_ADD, ...set(y[0]!),
        ...dotInto(k, y[0]!, v, acc),
        ...fold(acc),
        ...hsum(acc[0]!), ...set(dot),
        ...get(alpha), ...get(wp), ...f32load(), ...F32_MUL, ...set(aw),
        ...tailCoef, ...set(coef),
        ...(init ? [] : [...get(pap), ...get(coef), ...get(dot), ...F32_MUL, ...F32_ADD, ...set(pap)]),
        ...get(coef), ...SPLAT, ...set(sv),
        ...eachChunk(k, (addr, off) => [...addr(out), ...addr(out), ...vload(off), ...get(sv), ...addr(y[0]!), ...vload(off), ...VMUL, ...VADD, ...vstore(off)]),
        ...inc(ip, 4), ...inc(wp, 4),
        ...get(t), ...i32c(1), ...I32_SUB, ...set(t),
        ...br(0), ...END, ...END,
      ];
    };

    const code = [
      // r = −G x + Σ ((1 + α·w) − α·w·(y·x)) y
      ...symv(x, r, true),
      ...sparse(x, r, true),
      // p = r; rs = r·r
      ...acc.flatMap((q) => [...V_ZERO, ...set(q)]),
      ...eachChunk(k, (addr, off, u) => [
        ...addr(r), ...vload(off), ...set(vv),
        ...addr(p), ...get(vv), ...vstore(off),
        ...get(acc[u % 4]!), ...get(vv), ...get(vv), ...VMUL, ...VADD, ...set(acc[u % 4]!),
      ]),
      ...fold(acc), ...hsum(acc[0]!), ...set(rs),
      // overflow: rs − rs is NaN for ±Infinity and NaN → x all NaN, stop
      ...get(rs), ...get(rs), ...F32_SUB, ...f32c(0), ...F32_EQ, ...I32_EQZ,
      ...IF,
      ...f32c(Number.NaN), ...SPLAT, ...set(sv),
      ...eachChunk(k, (addr, off) => [...addr(x), ...get(sv), ...vstore(off)]),
      ...i32c(1), ...RETURN,
      ...END,
      ...i32c(0), ...set(it),
      ...BLOCK, ...LOOP,
      ...get(it), ...get(steps), ...I32_LT_S, ...I32_EQZ, ...brIf(1),
      ...get(rs), ...f32c(1e-20), ...F32_GT, ...I32_EQZ, ...brIf(1),
      // ap = A p; pap = p·A p = p·G p + Σ α·w (y·p)²
      ...V_ZERO, ...set(pacc), ...f32c(0), ...set(pap),
      ...symv(p, ap, false),
      ...sparse(p, ap, false),
      ...hsum(pacc), ...get(pap), ...F32_ADD, ...set(pap),
      ...get(pap), ...f32c(0), ...F32_GT, ...I32_EQZ, ...brIf(1),
      // x += step·p; r −= step·ap; dot = r·r
      ...get(rs), ...get(pap), ...F32_DIV, ...SPLAT, ...set(sv),
      ...acc.flatMap((q) => [...V_ZERO, ...set(q)]),
      ...eachChunk(k, (addr, off, u) => [
        ...addr(x), ...addr(x), ...vload(off), ...get(sv), ...addr(p), ...vload(off), ...VMUL, ...VADD, ...vstore(off),
        ...addr(r), ...addr(r), ...vload(off), ...get(sv), ...addr(ap), ...vload(off), ...VMUL, ...VSUB, ...tee(vv), ...vstore(off),
        ...get(acc[u % 4]!), ...get(vv), ...get(vv), ...VMUL, ...VADD, ...set(acc[u % 4]!),
      ]),
      ...fold(acc), ...hsum(acc[0]!), ...set(dot),
      // p = r + (dot / rs)·p
      ...get(dot), ...get(rs), ...F32_DIV, ...SPLAT, ...set(sv),
      ...eachChunk(k, (addr, off) => [...addr(p), ...addr(r), ...vload(off), ...get(sv), ...addr(p), ...vload(off), ...VMUL, ...VADD, ...vstore(off)]),
      ...get(dot), ...set(rs),
      ...inc(it, 1),
      ...br(0), ...END, ...END,
      // 1 when x is not all finite (x − x is NaN exactly for ±Infinity and NaN), else 0
      ...V_ZERO, ...set(sv),
      ...eachChunk(k, (addr, off) => [...get(sv), ...addr(x), ...vload(off), ...addr(x), ...vload(off), ...VSUB, ...VADD, ...set(sv)]),
      ...hsum(sv), ...tee(dot), ...get(dot), ...F32_EQ, ...I32_EQZ,
    ];
    return L.body(code);
  }

  function cgRowsBody(): number[] {
    // params: 0 G, 1 F, 2 indptr, 3 idx, 4 w, 5 rows, 6 X, 7 r, 8 p, 9 ap, 10 alpha(f32), 11 steps
    const [G, F, indptr, idx, w, rows, X, r, p, ap, alpha, steps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const L = new Locals(12);
    const [row, a, n, x, k, ptr, bad] = L.named(I32, ['row', 'a', 'n', 'x', 'k', 'ptr', 'bad']);
    const CG_ROW = 1;
    const code = [
      ...i32c(0), ...set(row), ...get(indptr), ...set(ptr), ...get(X), ...set(x),
      ...BLOCK, ...LOOP,
      ...get(row), ...get(rows), ...I32_LT_S, ...I32_EQZ, ...brIf(1),
      // a = indptr[row] · 4 (bytes); n = indptr[row + 1] − indptr[row]
      ...get(ptr), ...i32load(), ...i32c(2), ...I32_SHL, ...set(a),
      ...get(ptr), ...i32load(4), ...get(ptr), ...i32load(), ...I32_SUB, ...set(n),
      ...get(n), ...i32c(1), ...I32_LT_S,
      ...IF,
      ...eachChunk(k, (addr, off) => [...addr(x), ...V_ZERO, ...vstore(off)]),
      ...ELSE,
      ...get(G), ...get(F), ...get(idx), ...get(a), ...I32_ADD, ...get(w), ...get(a), ...I32_ADD, ...get(n), ...get(x), ...get(r), ...get(p), ...get(ap), ...get(alpha), ...get(steps), ...call(CG_ROW),
      ...get(bad), ...I32_ADD, ...set(bad),
      ...END,
      ...inc(row, 1), ...inc(ptr, 4), ...inc(x, rowBytes),
      ...br(0), ...END, ...END,
      ...get(bad),
    ];
    return L.body(code);
  }

  function scoreBody(): number[] {
    // params: 0 U, 1 nu, 2 Y, 3 ni, 4 out — out[b·ni + i] = U_b · Y_i
    const [U, nu, Y, ni, out] = [0, 1, 2, 3, 4];
    const L = new Locals(5);
    const [b, i, u, yr, k] = L.named(I32, ['b', 'i', 'u', 'yr', 'k']);
    const acc = L.list(V128, 4);
    const code = [
      ...get(U), ...set(u),
      ...i32c(0), ...set(b),
      ...BLOCK, ...LOOP,
      ...get(b), ...get(nu), ...I32_LT_S, ...I32_EQZ, ...brIf(1),
      ...get(Y), ...set(yr), ...i32c(0), ...set(i),
      ...BLOCK, ...LOOP,
      ...get(i), ...get(ni), ...I32_LT_S, ...I32_EQZ, ...brIf(1),
      ...dotInto(k, u, yr, acc), ...fold(acc),
      ...get(out), ...hsum(acc[0]!), ...f32store(),
      ...inc(out, 4), ...inc(yr, rowBytes), ...inc(i, 1),
      ...br(0), ...END, ...END,
      ...inc(u, rowBytes), ...inc(b, 1),
      ...br(0), ...END, ...END,
    ];
    return L.body(code);
  }

  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [F32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [I32]]), ...vec([[I32]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [I32]]), ...vec([[I32]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0],
  ]));
  const funcs = section(3, vec([[0], [1], [2], [3]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...str('memory'), 0x02, 0],
    [...str('gram'), 0x00, 0],
    [...str('cgRows'), 0x00, 2],
    [...str('score'), 0x00, 3],
  ]));
  const bodies = [gramBody(), cgRowBody(), cgRowsBody(), scoreBody()].map((body) => [...uleb(body.length), ...body]);
  return wasmModule([types, funcs, memory, exports, section(10, vec(bodies))]);
}

/** Compiled modules by f (null: no WebAssembly SIMD). */
const compiled = new Map<number, WebAssembly.Module | null>();

/** Instances given back after a fit, kept for the next one (at most two, any f, newest last). */
const spare: SimdKernels[] = [];

/** Largest memory an instance given back may keep for reuse (64 MiB); a larger one is dropped. */
const SPARE_BYTES = 64 * 1024 * 1024;

/**
 * An instance for one fit with f factors: one given back by an earlier fit
 * with the same f when there is one, else a fresh one (null without
 * WebAssembly SIMD). A fresh memory is mapped and faulted in page by page
 * when first written, which on a small data set cost more than the
 * arithmetic of the fit; a reused one is already resident. Everything the
 * caller reads it writes first, so a reused instance gives the same results.
 * Give it back with `returnSimdKernels`.
 */
export function borrowSimdKernels(f: number): SimdKernels | null {
  const at = spare.findLastIndex((k) => k.factors === f);
  return at >= 0 ? spare.splice(at, 1)[0]! : loadSimdKernels(f);
}

/** Gives back an instance from `borrowSimdKernels`; the caller keeps no view of its memory. The oldest of three is dropped. */
export function returnSimdKernels(k: SimdKernels): void {
  if (k.memory.buffer.byteLength > SPARE_BYTES) return;
  spare.push(k);
  if (spare.length > 2) spare.shift();
}

/** A fresh instance (own memory) of the kernels for f factors (a positive multiple of 4), or null without WebAssembly SIMD. */
export function loadSimdKernels(f: number): SimdKernels | null {
  let mod = compiled.get(f);
  if (mod === undefined) compiled.set(f, (mod = compileWasm(assemble(f))));
  if (mod === null) return null;
  const e = new WebAssembly.Instance(mod, {}).exports as unknown as Omit<SimdKernels, 'factors'>;
  return { memory: e.memory, factors: f, gram: e.gram, cgRows: e.cgRows, score: e.score };
}
