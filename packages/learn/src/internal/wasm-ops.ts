// Internal: the WebAssembly instructions the learn package's kernels
// (logistic-kernel.ts, hgb-kernel.ts) are assembled from, as byte lists to
// spread into a function body. Memory instructions take a byte offset
// (default 0) and carry their natural alignment.
import { sleb128, uleb128 as uleb } from '@marksman/core/internal';

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Locals. */
export const get = (i: number): number[] => [0x20, i];
export const set = (i: number): number[] => [0x21, i];
export const tee = (i: number): number[] => [0x22, i];

/** Control: blocks and loops without results, branches by depth. */
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const END = [0x0b];
export const br = (d: number): number[] => [0x0c, d];
export const brIf = (d: number): number[] => [0x0d, d];
export const SELECT = [0x1b];

/** Integers. */
export const i32c = (v: number): number[] => [0x41, ...sleb128(v)];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_MUL = [0x6c];
export const I32_SHL = [0x74];

/** Doubles. */
export const F64_LOAD = (off = 0): number[] => [0x2b, 3, ...uleb(off)];
export const F64_STORE = (off = 0): number[] => [0x39, 3, ...uleb(off)];
export const F64_ADD = [0xa0];

/** 128-bit SIMD (two float64 lanes). */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const F64X2_SPLAT = simd(0x14);
export const F64X2_ADD = simd(0xf0);
export const F64X2_SUB = simd(0xf1);

/** More integer comparisons (signed). */
export const I32_GE_S = [0x4e];
export const I32_GT_S = [0x4a];

/** More doubles: a constant, subtraction, multiplication. */
export const f64c = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
export const F64_SUB = [0xa1];
export const F64_MUL = [0xa2];

/** More 128-bit SIMD: whole-vector loads and stores, a double loaded into both lanes, zero, f64x2 multiplication. */
export const V128_LOAD = (off = 0): number[] => [...simd(0x00), 4, ...uleb(off)];
export const V128_STORE = (off = 0): number[] => [...simd(0x0b), 4, ...uleb(off)];
export const V128_LOAD64_SPLAT = (off = 0): number[] => [...simd(0x0a), 3, ...uleb(off)];
export const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
export const F64X2_MUL = simd(0xf2);
