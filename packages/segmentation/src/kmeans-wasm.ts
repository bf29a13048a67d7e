/**
 * The Lloyd assignment step as a small WebAssembly module with 128-bit SIMD
 * (f64x2), assembled here from its opcodes for one padded stride P (no
 * toolchain, nothing to fetch; 2.9 KB at P = 8, 8.5 KB at P = 32).
 *
 * Lanes hold two consecutive points, not two features: every lane performs
 * exactly the float64 operations of the typed-array kernels in
 * kmeans-kernels.ts, in the same order (WebAssembly has no fused
 * multiply-add in this instruction set, and neither does V8's JavaScript),
 * so distances, labels, sums and the inertia are bit-for-bit those of the
 * fallback. The argmin is branch-free: a lane takes center c when its
 * distance is strictly below the best so far (`f64x2.lt`, false for NaN),
 * so the lowest index wins ties, as in the loops it replaces. The sums are
 * accumulated two features at a time per point, each element in point order.
 *
 * The data and weights are copied once per fit into the instance's memory
 * (n·P·8 + n·12 bytes); labels, per-center sums and weights live there
 * too, as typed-array views that Lloyd's loop reads and writes directly.
 * `createLloydWasm` returns null where WebAssembly SIMD is missing or
 * compilation is refused (e.g. a Content-Security-Policy without
 * 'wasm-unsafe-eval'), for small inputs, and for strides over 32, and
 * Lloyd then runs the typed-array kernels.
 *
 * @internal
 */
import { compileWasm, sleb128 as sleb, uleb128 as uleb, wasmModule, wasmName as name, wasmSection as section, wasmVector as vec } from '@marksman/core/internal';
import { assignGeneral, reduceCenters } from './kmeans-kernels';

/** One fit's data in WebAssembly memory, with views for the Lloyd loop. @internal */
export interface LloydWasm {
  /** Labels (n), written by {@link LloydWasm.assign}. */
  readonly labels: Int32Array;
  /** Weighted coordinate sums per center (k × P). */
  readonly sums: Float64Array;
  /** Total weight per center (k). */
  readonly wsum: Float64Array;
  /**
   * {@link assignPoints} on the copied data with `labels`, and with `sums`
   * and `wsum` when `accumulate`: returns how many labels changed and writes
   * the weighted reduced distance to out[0].
   */
  assign(centers: Float64Array, mu: Float64Array, accumulate: boolean, out: Float64Array): number;
  /** The k-means++ scorer on the same copy of the data, when it was asked for. */
  readonly seeding: SeedingKernel | null;
}

/**
 * One greedy k-means++ step's scoring in WebAssembly SIMD, on the data
 * copied for {@link LloydWasm}. `closest` and `owner` are views of its memory
 * that the seeding reads and updates between steps. @internal
 */
export interface SeedingKernel {
  /** Squared distance of each point to its nearest chosen center (n). */
  readonly closest: Float64Array;
  /** Index of that center (n). */
  readonly owner: Int32Array;
  /**
   * Scores `trials` candidates (rows of `candX`, stride P) exactly as
   * `scoreCandidates` does: pot[t] receives candidate t's potential over the
   * points some candidate may reach, and the potential of the others, which
   * all candidates share, is returned. `cc[t·k + j]` is ‖candidate t −
   * center j‖² for the chosen centers j, `reach[j]` its minimum over t.
   */
  score(candX: Float64Array, cc: Float64Array, reach: Float64Array, chosen: number, trials: number, pot: Float64Array): number;
  /** The points candidate t would take over, in increasing order, and their distances to it, from the last {@link SeedingKernel.score}. */
  captured(t: number): { index: Int32Array; dist: Float64Array };
}

/** Fewest points for which the module is used (below, setup outweighs the gain). */
const MIN_POINTS = 64;
/** Widest padded stride compiled (the transposed point pair stays in P locals). */
const MAX_STRIDE = 32;
/** Bytes of memory the instance may grow to. */
const MAX_BYTES = 2 ** 31;

let enabled = true;

/**
 * Turns the WebAssembly path on or off for later fits (tests use it to run
 * the typed-array fallback on the same data). Returns the previous setting.
 *
 * @internal
 */
export function setKMeansWasmEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

// ---- opcodes (the binary encoding itself comes from @marksman/core) ------------

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const f64c = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = [0x0b];
const br = (d: number): number[] => [0x0c, d];
const brIf = (d: number): number[] => [0x0d, d];
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const I32_NE = [0x47];
const I32_GE_S = [0x4e];
const I32_GT_S = [0x4a];
const I32_WRAP_I64 = [0xa7];
const I64_EXTEND_I32_S = [0xac];
const F64_ADD = [0xa0];
const i32Load = (off: number): number[] => [0x28, 2, ...uleb(off)];
const i32Store = (off: number): number[] => [0x36, 2, ...uleb(off)];
const f64Load = (off: number): number[] => [0x2b, 3, ...uleb(off)];
const f64Store = (off: number): number[] => [0x39, 3, ...uleb(off)];
const vLoad = (off: number): number[] => [0xfd, 0x00, 0, ...uleb(off)];
const vStore = (off: number): number[] => [0xfd, 0x0b, 0, ...uleb(off)];
const vLoad64Splat = (off: number): number[] => [0xfd, 0x0a, 0, ...uleb(off)];
const V_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const shuffle = (lanes: number[]): number[] => [0xfd, 0x0d, ...lanes];
const I64X2_SPLAT = [0xfd, 0x12];
const F64X2_SPLAT = [0xfd, 0x14];
const i64x2Lane = (l: number): number[] => [0xfd, 0x1d, l];
const f64x2Lane = (l: number): number[] => [0xfd, 0x21, l];
const F64X2_LT = [0xfd, 0x49];
const BITSELECT = [0xfd, 0x52];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_MUL = [0xfd, 0xf2, 0x01];
const F64X2_SUB = [0xfd, 0xf1, 0x01];
const V128_AND = [0xfd, 0x4e];
const ELSE = [0x05];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const I32_SUB = [0x6b];
const F64_MUL = [0xa2];
const F64_GE = [0x66];

/** Lanes 0 of two f64x2 vectors, and lanes 1. */
const range = (a: number, m: number): number[] => Array.from({ length: m }, (_, t) => a + t);
const LOW_PAIR = [...range(0, 8), ...range(16, 8)];
const HIGH_PAIR = [...range(8, 8), ...range(24, 8)];

/**
 * The module's one function for stride P:
 *
 *   assign(X, w, labels, pairs, C2, cn, k, sums, wsum, accumulate, out) → changed
 *
 * over the first 2·pairs points; pointers are byte offsets. The main loop
 * takes four pairs (eight points) per pass over the centers at strides 4
 * and 8, two pairs at wider strides, sharing each center coordinate between
 * them; a second loop takes the pairs left over, one at a time.
 */
function assignBody(P: number): number[] {
  // Point pairs per pass over the centers: more pairs share each center load and give the CPU
  // more independent sums to overlap. Measured on uniform data (k = 8): four pairs beat two at
  // strides 4 and 8 (2.6× and about 10 % faster); at strides 12 to 32 two were as fast or faster
  // (the transposed pairs no longer fit in registers).
  const GROUPS = P <= 8 ? 4 : 2;
  const [X, w, labels, pairs, C2, cn, k, sums, wsum, acc, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, o, c, p, lx, ly, changed, addr, wp, lp, qp] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const [near, wt] = [22, 23];
  const [wv, tmp, qv, cvec] = [24, 25, 26, 27];
  const best = (g: number): number => 28 + 4 * g;
  const lab = (g: number): number => 29 + 4 * g;
  const v = (g: number): number => 30 + 4 * g;
  const mask = (g: number): number => 31 + 4 * g;
  const cf = 28 + 4 * GROUPS; // cf + j: C2[c][j] in both lanes
  const xt = (g: number, j: number): number => cf + P + g * P + j; // feature j of pair g
  const v128Locals = 4 + 4 * GROUPS + P + GROUPS * P;
  const rowBytes = 8 * P;

  // t_j = (x_j of both points) · C2[c][j]
  const dist = (g: number): number[] => {
    const term = (j: number): number[] => [...get(xt(g, j)), ...get(cf + j), ...F64X2_MUL];
    const q = get(qv);
    if (P === 8) {
      // (q + (((t0 + t1) + t2) + t3)) + (((t4 + t5) + t6) + t7), as in assign8
      const left = (a: number): number[] => [...term(a), ...term(a + 1), ...F64X2_ADD, ...term(a + 2), ...F64X2_ADD, ...term(a + 3), ...F64X2_ADD];
      return [...q, ...left(0), ...F64X2_ADD, ...left(4), ...F64X2_ADD];
    }
    if (P === 4) {
      // (q + (t0 + t1)) + (t2 + t3), as in assign4
      return [...q, ...term(0), ...term(1), ...F64X2_ADD, ...F64X2_ADD, ...term(2), ...term(3), ...F64X2_ADD, ...F64X2_ADD];
    }
    // q, then + ((t0 + t1) + (t2 + t3)) per chunk of 4, as in assignGeneral
    const code = [...q];
    for (let j = 0; j < P; j += 4) {
      code.push(...term(j), ...term(j + 1), ...F64X2_ADD, ...term(j + 2), ...term(j + 3), ...F64X2_ADD, ...F64X2_ADD, ...F64X2_ADD);
    }
    return code;
  };

  // sums[label] += w·x and wsum[label] += w for the point at byte offset o + pointOff; wv holds its pair's weights
  const accumulate = (label: number, l: number, pointOff: number): number[] => {
    const code = [
      ...get(wv), ...f64x2Lane(l), ...set(wt),
      ...get(wt), ...F64X2_SPLAT, ...set(tmp),
      ...get(sums), ...get(label), ...i32c(rowBytes), ...I32_MUL, ...I32_ADD, ...set(addr),
    ];
    for (let m = 0; m < P; m += 2) {
      code.push(...get(addr), ...get(addr), ...vLoad(8 * m), ...get(tmp), ...get(o), ...vLoad(pointOff + 8 * m), ...F64X2_MUL, ...F64X2_ADD, ...vStore(8 * m));
    }
    code.push(
      ...get(wsum), ...get(label), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(addr),
      ...get(addr), ...get(addr), ...f64Load(0), ...get(wt), ...F64_ADD, ...f64Store(0),
    );
    return code;
  };

  const relabel = (label: number, off: number): number[] => [
    ...get(lp), ...i32Load(off), ...get(label), ...I32_NE,
    ...IF,
    ...get(lp), ...get(label), ...i32Store(off),
    ...get(changed), ...i32c(1), ...I32_ADD, ...set(changed),
    ...END,
  ];

  /** Loop over the pairs, G at a time, while G are left. */
  const pairLoop = (G: number): number[] => {
    const groups = Array.from({ length: G }, (_, g) => g);
    const code = [
      ...BLOCK, ...LOOP,
      ...get(i), ...i32c(G), ...I32_ADD, ...get(pairs), ...I32_GT_S, ...brIf(1),
    ];
    for (const g of groups) {
      const base = 2 * g * rowBytes;
      for (let j = 0; j < P; j += 2) {
        for (const [lanes, dst] of [[LOW_PAIR, j], [HIGH_PAIR, j + 1]] as const) {
          code.push(...get(o), ...vLoad(base + 8 * j), ...get(o), ...vLoad(base + rowBytes + 8 * j), ...shuffle(lanes), ...set(xt(g, dst)));
        }
      }
      code.push(...f64c(Infinity), ...F64X2_SPLAT, ...set(best(g)), ...V_ZERO, ...set(lab(g)));
    }
    code.push(
      ...i32c(0), ...set(c), ...get(C2), ...set(p), ...get(cn), ...set(qp),
      ...BLOCK, ...LOOP,
      ...get(c), ...get(k), ...I32_GE_S, ...brIf(1),
      ...get(qp), ...vLoad64Splat(0), ...set(qv),
      ...get(c), ...I64_EXTEND_I32_S, ...I64X2_SPLAT, ...set(cvec),
    );
    for (let j = 0; j < P; j++) code.push(...get(p), ...vLoad64Splat(8 * j), ...set(cf + j));
    for (const g of groups) {
      code.push(
        ...dist(g), ...set(v(g)),
        ...get(v(g)), ...get(best(g)), ...F64X2_LT, ...set(mask(g)),
        ...get(v(g)), ...get(best(g)), ...get(mask(g)), ...BITSELECT, ...set(best(g)),
        ...get(cvec), ...get(lab(g)), ...get(mask(g)), ...BITSELECT, ...set(lab(g)),
      );
    }
    code.push(
      ...get(c), ...i32c(1), ...I32_ADD, ...set(c),
      ...get(p), ...i32c(rowBytes), ...I32_ADD, ...set(p),
      ...get(qp), ...i32c(8), ...I32_ADD, ...set(qp),
      ...br(0), ...END, ...END,
    );
    for (const g of groups) {
      code.push(
        ...get(lab(g)), ...i64x2Lane(0), ...I32_WRAP_I64, ...set(lx),
        ...get(lab(g)), ...i64x2Lane(1), ...I32_WRAP_I64, ...set(ly),
        ...relabel(lx, 8 * g), ...relabel(ly, 8 * g + 4),
        ...get(wp), ...vLoad(16 * g), ...set(wv),
        ...get(wv), ...get(best(g)), ...F64X2_MUL, ...set(tmp),
        ...(P === 4 || P === 8
          ? // near += wx·bx + wy·by, as the two-point kernels sum
            [...get(near), ...get(tmp), ...f64x2Lane(0), ...get(tmp), ...f64x2Lane(1), ...F64_ADD, ...F64_ADD, ...set(near)]
          : // near += wx·bx; near += wy·by, as assignGeneral sums
            [...get(near), ...get(tmp), ...f64x2Lane(0), ...F64_ADD, ...get(tmp), ...f64x2Lane(1), ...F64_ADD, ...set(near)]),
        ...get(acc),
        ...IF, ...accumulate(lx, 0, 2 * g * rowBytes), ...accumulate(ly, 1, 2 * g * rowBytes + rowBytes), ...END,
      );
    }
    code.push(
      ...get(i), ...i32c(G), ...I32_ADD, ...set(i),
      ...get(o), ...i32c(2 * G * rowBytes), ...I32_ADD, ...set(o),
      ...get(wp), ...i32c(16 * G), ...I32_ADD, ...set(wp),
      ...get(lp), ...i32c(8 * G), ...I32_ADD, ...set(lp),
      ...br(0), ...END, ...END,
    );
    return code;
  };

  const code = [
    ...get(X), ...set(o), ...get(w), ...set(wp), ...get(labels), ...set(lp),
    ...pairLoop(GROUPS),
    ...pairLoop(1),
    ...get(out), ...get(near), ...f64Store(0),
    ...get(changed),
  ];
  const locals = vec([[11, I32], [2, F64], [v128Locals, V128]]);
  return [...locals, ...code, ...END];
}

/**
 * The module's second function, one step of greedy k-means++ for stride P
 * and a fixed number of candidate pairs:
 *
 *   seed(X, w, closest, owner, n, cand, cc, reach, pot, win, dist, capBytes, sizes, out)
 *
 * Candidates go two to a vector (lane 0 is candidate 2p, lane 1 is 2p + 1;
 * an odd count is padded with a candidate whose distances to the centers are
 * +∞, so it never captures a point). For each point, as `scoreCandidates` in
 * kmeans-plusplus.ts: when no candidate can reach it (reach[owner] ≥ 4·D²)
 * its potential goes to the shared sum; otherwise each lane computes the
 * distance to its candidate in the typed-array order of operations, keeps it
 * where the candidate may be nearer (cc < 4·D²) and is (d < D²), adds w·min to
 * the lane's potential, and appends the point to the candidate's capture list.
 * The choice is branch-free (masks and bitselect): the typed-array loop
 * branches on every point, which shuffled clusters make hard to predict.
 * Every candidate's list is written at its current end and its length grows
 * by the mask bit, so each list needs room for n indexes and n distances
 * (storing the distance spares a second read of the point's row, a cache miss).
 * Potentials and list lengths stay in locals until the end.
 *
 * cand holds pairs × P vectors (coordinate j of both candidates of a pair),
 * cc k × pairs vectors (‖candidate − center j‖² of both), pot one vector per
 * pair, sizes one i32 per candidate; index list t starts at win + t·capBytes
 * and distance list t at dist + 2t·capBytes; the shared sum goes to out.
 */
function seedBody(P: number, pairs: number): number[] {
  const [X, w, closest, owner, n, cand, cc, reach, pot, win, dist, capBytes, sizes, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [i, o, own, ccp] = [14, 15, 16, 17];
  const T = 2 * pairs;
  const size = (t: number): number => 19 + t;
  const ib = (t: number): number => 19 + T + t; // index list base
  const db = (t: number): number => 19 + 2 * T + t; // distance list base
  const i32Count = 5 + 3 * T;
  const [cl, cl4, wi, shared] = [14 + i32Count, 15 + i32Count, 16 + i32Count, 17 + i32Count];
  const v0 = 18 + i32Count;
  const [clv, cl4v, wiv, dv, mv, tv, s0, s1] = [v0, v0 + 1, v0 + 2, v0 + 3, v0 + 4, v0 + 5, v0 + 6, v0 + 7];
  const potv = (p: number): number => v0 + 8 + p;
  const xs = (j: number): number => v0 + 8 + pairs + j;
  const rowBytes = 8 * P;

  // (x_j − cand_j)² in both lanes of pair p
  const sq = (p: number, j: number): number[] => [...get(xs(j)), ...get(cand), ...vLoad(16 * (p * P + j)), ...F64X2_SUB, ...tee(tv), ...get(tv), ...F64X2_MUL];
  const dsq = (p: number): number[] => {
    if (P === 8) {
      // (((s0 + s1) + s2) + s3) + (((s4 + s5) + s6) + s7), as sqDistAt at stride 8
      const left = (a: number): number[] => [...sq(p, a), ...sq(p, a + 1), ...F64X2_ADD, ...sq(p, a + 2), ...F64X2_ADD, ...sq(p, a + 3), ...F64X2_ADD];
      return [...left(0), ...left(4), ...F64X2_ADD];
    }
    if (P === 4) return [...sq(p, 0), ...sq(p, 1), ...F64X2_ADD, ...sq(p, 2), ...sq(p, 3), ...F64X2_ADD, ...F64X2_ADD]; // (s0 + s1) + (s2 + s3)
    // per chunk of 4: a += s0 + s2; b += s1 + s3; then a + b
    const code = [...V_ZERO, ...set(s0), ...V_ZERO, ...set(s1)];
    for (let j = 0; j < P; j += 4) {
      code.push(...get(s0), ...sq(p, j), ...sq(p, j + 2), ...F64X2_ADD, ...F64X2_ADD, ...set(s0));
      code.push(...get(s1), ...sq(p, j + 1), ...sq(p, j + 3), ...F64X2_ADD, ...F64X2_ADD, ...set(s1));
    }
    return [...code, ...get(s0), ...get(s1), ...F64X2_ADD];
  };

  // index[size] = i; distance[size] = d; size −= mask lane (0 or −1)
  const append = (t: number): number[] => [
    ...get(ib(t)), ...get(size(t)), ...i32c(2), ...I32_SHL, ...I32_ADD, ...get(i), ...i32Store(0),
    ...get(db(t)), ...get(size(t)), ...i32c(3), ...I32_SHL, ...I32_ADD, ...get(dv), ...f64x2Lane(t & 1), ...f64Store(0),
    ...get(size(t)), ...get(mv), ...i64x2Lane(t & 1), ...I32_WRAP_I64, ...I32_SUB, ...set(size(t)),
  ];

  const score: number[] = [];
  for (let j = 0; j < P; j++) score.push(...get(o), ...vLoad64Splat(8 * j), ...set(xs(j)));
  score.push(
    ...get(cl), ...F64X2_SPLAT, ...set(clv),
    ...get(cl4), ...F64X2_SPLAT, ...set(cl4v),
    ...get(wi), ...F64X2_SPLAT, ...set(wiv),
    ...get(cc), ...get(own), ...i32c(16 * pairs), ...I32_MUL, ...I32_ADD, ...set(ccp),
  );
  for (let p = 0; p < pairs; p++) {
    score.push(
      ...dsq(p), ...set(dv),
      ...get(ccp), ...vLoad(16 * p), ...get(cl4v), ...F64X2_LT,
      ...get(dv), ...get(clv), ...F64X2_LT,
      ...V128_AND, ...set(mv),
      ...get(potv(p)), ...get(wiv), ...get(dv), ...get(clv), ...get(mv), ...BITSELECT, ...F64X2_MUL, ...F64X2_ADD, ...set(potv(p)),
      ...append(2 * p), ...append(2 * p + 1),
    );
  }

  const code: number[] = [];
  for (let t = 0; t < T; t++) {
    code.push(
      ...get(win), ...get(capBytes), ...i32c(t), ...I32_MUL, ...I32_ADD, ...set(ib(t)),
      ...get(dist), ...get(capBytes), ...i32c(2 * t), ...I32_MUL, ...I32_ADD, ...set(db(t)),
    );
  }
  code.push(
    ...get(X), ...set(o),
    ...BLOCK, ...LOOP,
    ...get(i), ...get(n), ...I32_GE_S, ...brIf(1),
    ...get(closest), ...get(i), ...i32c(3), ...I32_SHL, ...I32_ADD, ...f64Load(0), ...set(cl),
    ...get(owner), ...get(i), ...i32c(2), ...I32_SHL, ...I32_ADD, ...i32Load(0), ...set(own),
    ...get(w), ...get(i), ...i32c(3), ...I32_SHL, ...I32_ADD, ...f64Load(0), ...set(wi),
    ...f64c(4), ...get(cl), ...F64_MUL, ...set(cl4),
    ...get(reach), ...get(own), ...i32c(3), ...I32_SHL, ...I32_ADD, ...f64Load(0), ...get(cl4), ...F64_GE,
    ...IF,
    ...get(shared), ...get(wi), ...get(cl), ...F64_MUL, ...F64_ADD, ...set(shared),
    ...ELSE,
    ...score,
    ...END,
    ...get(i), ...i32c(1), ...I32_ADD, ...set(i),
    ...get(o), ...i32c(rowBytes), ...I32_ADD, ...set(o),
    ...br(0), ...END, ...END,
    ...get(out), ...get(shared), ...f64Store(0),
  );
  for (let p = 0; p < pairs; p++) code.push(...get(pot), ...get(potv(p)), ...vStore(16 * p));
  for (let t = 0; t < T; t++) code.push(...get(sizes), ...get(size(t)), ...i32Store(4 * t));
  const locals = vec([[i32Count, I32], [4, F64], [8 + pairs + P, V128]]);
  return [...locals, ...code, ...END];
}

/** The module for stride P, with the k-means++ scorer for `pairs` candidate pairs when pairs > 0. */
function moduleBytes(P: number, pairs: number): Uint8Array {
  const withSeed = pairs > 0;
  const types = section(1, vec([
    [0x60, ...vec(new Array<number[]>(11).fill([I32])), ...vec([[I32]])],
    [0x60, ...vec(new Array<number[]>(14).fill([I32])), ...vec([])],
  ]));
  const funcs = section(3, vec(withSeed ? [[0], [1]] : [[0]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([
    [...name('memory'), 0x02, 0],
    [...name('assign'), 0x00, 0],
    ...(withSeed ? [[...name('seed'), 0x00, 1]] : []),
  ]));
  const bodies = [assignBody(P), ...(withSeed ? [seedBody(P, pairs)] : [])];
  const code = section(10, vec(bodies.map((b) => [...uleb(b.length), ...b])));
  return wasmModule([types, funcs, memory, exports, code]);
}

type AssignFn = (X: number, w: number, labels: number, pairs: number, C2: number, cn: number, k: number, sums: number, wsum: number, acc: number, out: number) => number;
type SeedFn = (
  X: number, w: number, closest: number, owner: number, n: number, cand: number, cc: number, reach: number,
  pot: number, win: number, dist: number, capBytes: number, sizes: number, out: number,
) => void;

const compiled = new Map<string, WebAssembly.Module | null>();

function moduleFor(P: number, pairs: number): WebAssembly.Module | null {
  const key = `${P}:${pairs}`;
  let m = compiled.get(key);
  if (m === undefined) {
    m = compileWasm(moduleBytes(P, pairs)); // null: no SIMD, or compilation refused
    compiled.set(key, m);
  }
  return m;
}

/**
 * Copies one fit's points (n × P, padded) and weights into a fresh instance
 * of the stride-P module, or returns null where the typed-array kernels
 * should run instead (disabled, small or wide input, no WebAssembly SIMD,
 * memory refused).
 *
 * @internal
 */
export function createLloydWasm(X: Float64Array, n: number, P: number, k: number, w: Float64Array, seedTrials = 0): LloydWasm | null {
  if (!enabled || n < MIN_POINTS || P > MAX_STRIDE) return null;
  const align = (b: number): number => Math.ceil(b / 16) * 16;
  const offX = 0;
  const offW = align(offX + n * P * 8);
  const offC2 = align(offW + n * 8);
  const offCn = align(offC2 + k * P * 8);
  const offSums = align(offCn + k * 8);
  const offWsum = align(offSums + k * P * 8);
  const offOut = align(offWsum + k * 8);
  const offLabels = align(offOut + 16);
  let bytes = offLabels + n * 4;
  // k-means++ scoring: nearest distance and center per point, candidates in pairs, and a capture list per candidate.
  // (Above 16 candidates, i.e. k > e¹⁴, the typed-array scorer runs instead.)
  const seedPairs = seedTrials <= 16 ? Math.ceil(seedTrials / 2) : 0;
  const offClosest = align(bytes);
  const offOwner = align(offClosest + n * 8);
  const offCand = align(offOwner + n * 4);
  const offCc = align(offCand + seedPairs * P * 16);
  const offReach = align(offCc + seedPairs * k * 16);
  const offPot = align(offReach + k * 8);
  const offSizes = align(offPot + seedPairs * 16);
  const offWin = align(offSizes + seedPairs * 8);
  const offDist = align(offWin + 2 * seedPairs * n * 4);
  if (seedPairs > 0) bytes = offDist + 2 * seedPairs * n * 8;
  if (bytes > MAX_BYTES) return null;
  const mod = moduleFor(P, seedPairs);
  if (mod === null) return null;
  let memory: WebAssembly.Memory;
  let fn: AssignFn;
  let seedFn: SeedFn;
  try {
    const inst = new WebAssembly.Instance(mod, {});
    memory = inst.exports.memory as WebAssembly.Memory;
    fn = inst.exports.assign as AssignFn;
    seedFn = inst.exports.seed as SeedFn;
    const pages = Math.ceil(bytes / 65536);
    if (pages > 1) memory.grow(pages - 1);
  } catch {
    return null; // memory refused
  }
  const buf = memory.buffer;
  new Float64Array(buf, offX, n * P).set(X.subarray(0, n * P));
  new Float64Array(buf, offW, n).set(w.subarray(0, n));
  const C2 = new Float64Array(buf, offC2, k * P);
  const cn = new Float64Array(buf, offCn, k);
  const sums = new Float64Array(buf, offSums, k * P);
  const wsum = new Float64Array(buf, offWsum, k);
  const result = new Float64Array(buf, offOut, 1);
  const labels = new Int32Array(buf, offLabels, n);
  const Xw = new Float64Array(buf, offX, n * P);
  const ww = new Float64Array(buf, offW, n);
  const pairs = n >> 1;
  const tail = new Float64Array(1);
  let seeding: SeedingKernel | null = null;
  if (seedPairs > 0) {
    const cand = new Float64Array(buf, offCand, seedPairs * P * 2);
    const cc = new Float64Array(buf, offCc, seedPairs * k * 2);
    const reach = new Float64Array(buf, offReach, k);
    const pot = new Float64Array(buf, offPot, seedPairs * 2);
    const sizes = new Int32Array(buf, offSizes, seedPairs * 2);
    const shared = new Float64Array(buf, offOut + 8, 1);
    seeding = {
      closest: new Float64Array(buf, offClosest, n),
      owner: new Int32Array(buf, offOwner, n),
      score(candX, ccIn, reachIn, chosen, trials, potOut) {
        if (trials > 2 * seedPairs || trials < 2 * seedPairs - 1) throw new RangeError(`seeding kernel built for ${2 * seedPairs} candidates, asked for ${trials}`);
        cand.fill(0);
        cc.fill(Infinity); // a padding candidate, and centers not chosen yet, are out of reach
        for (let t = 0; t < trials; t++) {
          const p = t >> 1, lane = t & 1;
          for (let j = 0; j < P; j++) cand[(p * P + j) * 2 + lane] = candX[t * P + j]!;
          for (let j = 0; j < chosen; j++) cc[(j * seedPairs + p) * 2 + lane] = ccIn[t * k + j]!;
        }
        reach.set(reachIn.subarray(0, k));
        seedFn(offX, offW, offClosest, offOwner, n, offCand, offCc, offReach, offPot, offWin, offDist, n * 4, offSizes, offOut + 8);
        for (let t = 0; t < trials; t++) potOut[t] = pot[t]!;
        return shared[0]!;
      },
      captured(t) {
        return { index: new Int32Array(buf, offWin + t * n * 4, sizes[t]!), dist: new Float64Array(buf, offDist + t * n * 8, sizes[t]!) };
      },
    };
  }
  return {
    seeding,
    labels,
    sums,
    wsum,
    assign(centers: Float64Array, mu: Float64Array, accumulate: boolean, out: Float64Array): number {
      reduceCenters(centers, k, P, mu, C2, cn);
      if (accumulate) {
        sums.fill(0);
        wsum.fill(0);
      }
      let changed = fn(offX, offW, offLabels, pairs, offC2, offCn, k, offSums, offWsum, accumulate ? 1 : 0, offOut);
      let near = result[0]!;
      if (2 * pairs < n) {
        // The last point of an odd count, through the general kernel as the typed-array path does.
        const last = 2 * pairs;
        changed += assignGeneral(Xw.subarray(last * P), 1, P, C2, cn, k, ww.subarray(last), labels.subarray(last), accumulate ? sums : null, accumulate ? wsum : null, tail);
        near += tail[0]!;
      }
      out[0] = near;
      return changed;
    },
  };
}
