// `@marksman/core/internal`: the plumbing the packages share. It is not part
// of the public entry, and each function refuses garbage with E_WASM /
// E_OPTIONS_TYPE instead of encoding it silently.
import { describe, expect, it } from 'vitest';
import * as core from '@marksman/core';
import * as internal from '@marksman/core/internal';
import { allFinite, compileWasm, normalPpf, resolveOptions, sleb128, uleb128, wasmModule, wasmName, wasmSection, wasmVector } from '@marksman/core/internal';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return core.isMarksmanError(e) ? e.code : `not a Marksman error: ${String(e)}`;
  }
  return undefined;
}

describe('@marksman/core/internal', () => {
  it('holds the plumbing, which the public entry no longer exports', () => {
    const plumbing = ['resolveOptions', 'assertNever', 'normalPpf', 'allFinite', 'uleb128', 'sleb128', 'wasmVector', 'wasmName', 'wasmSection', 'wasmModule', 'compileWasm', 'isArrowTable', 'isArrowVector', 'arrowColumnNames', 'arrowColumns', 'arrowRecords', 'arrowVectorValues', 'arrowTableColumns', 'arrowCheckedRecords', 'arrowSelectRows', 'arrowIdColumn', 'arrowNumberColumn', 'arrowListColumn', 'parseCsvAs', 'parseCsvChunksAs', 'readCsvAs'];
    expect(Object.keys(internal).sort()).toEqual([...plumbing].sort());
    for (const name of plumbing) expect(name in core, name).toBe(false);
  });

  it('normalPpf: Φ⁻¹ at known points (scipy.stats.norm.ppf), symmetric, exact in the far tail, NaN outside [0, 1]', () => {
    expect(normalPpf(0.5)).toBe(0);
    expect(normalPpf(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(normalPpf(0.05)).toBeCloseTo(-1.6448536269514729, 15);
    expect(normalPpf(1e-20)).toBeCloseTo(-9.262340089798409, 13);
    for (const p of [0.01, 0.3, 0.42]) expect(normalPpf(1 - p)).toBeCloseTo(-normalPpf(p), 12);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
    expect(normalPpf(-0.1)).toBeNaN();
    expect(normalPpf(Number.NaN)).toBeNaN();
  });

  it('encodes LEB128 at the edges of the 32-bit range (known answers from the WebAssembly spec)', () => {
    expect(uleb128(0)).toEqual([0]);
    expect(uleb128(127)).toEqual([127]);
    expect(uleb128(128)).toEqual([128, 1]);
    expect(uleb128(2 ** 32 - 1)).toEqual([255, 255, 255, 255, 15]);
    expect(sleb128(-1)).toEqual([127]);
    expect(sleb128(63)).toEqual([63]);
    expect(sleb128(64)).toEqual([192, 0]);
    expect(sleb128(-(2 ** 31))).toEqual([128, 128, 128, 128, 120]);
    expect(sleb128(2 ** 31 - 1)).toEqual([255, 255, 255, 255, 7]);
  });

  it.each([
    ['uleb128(-1)', () => uleb128(-1)],
    ['uleb128(2^32)', () => uleb128(2 ** 32)],
    ['uleb128(1.5)', () => uleb128(1.5)],
    ['uleb128("1")', () => uleb128('1' as never)],
    ['uleb128(NaN)', () => uleb128(NaN)],
    ['sleb128(2^31)', () => sleb128(2 ** 31)],
    ['sleb128(-2^31 - 1)', () => sleb128(-(2 ** 31) - 1)],
    ['sleb128(Infinity)', () => sleb128(Infinity)],
    ['wasmSection(300, [])', () => wasmSection(300, [])],
    ['wasmSection(-1, [])', () => wasmSection(-1, [])],
    ['wasmSection(1, [256])', () => wasmSection(1, [256])],
    ['wasmSection(1, null)', () => wasmSection(1, null as never)],
    ['wasmVector(null)', () => wasmVector(null as never)],
    ['wasmVector([[1, -1]])', () => wasmVector([[1, -1]])],
    ['wasmVector([5])', () => wasmVector([5] as never)],
    ['wasmName("é")', () => wasmName('é')],
    ['wasmName(5)', () => wasmName(5 as never)],
    ['wasmModule([[1.5]])', () => wasmModule([[1.5]])],
    ['wasmModule(undefined)', () => wasmModule(undefined as never)],
    ['compileWasm(null)', () => compileWasm(null as never)],
    ['compileWasm([0, 97, 115, 109])', () => compileWasm([0, 97, 115, 109] as never)],
  ])('%s throws E_WASM', (_name, f) => {
    expect(codeOf(f)).toBe('E_WASM');
  });

  it('still builds and compiles a valid module', () => {
    const bytes = wasmModule([wasmSection(5, wasmVector([[0x00, 1]]))]);
    expect(compileWasm(bytes)).toBeInstanceOf(WebAssembly.Module);
    expect(compileWasm(Uint8Array.of(1, 2, 3))).toBeNull();
  });

  it('resolveOptions refuses options that are not plain objects', () => {
    const DEFAULTS: Readonly<{ k: number }> = Object.freeze({ k: 1 });
    expect(resolveOptions('f', DEFAULTS, Object.freeze({ k: 2 }))).toEqual({ k: 2 });
    expect(resolveOptions('f', DEFAULTS, Object.assign(Object.create(null), { k: 3 }))).toEqual({ k: 3 });
    for (const bad of [[], 'k', 5, new Date(0), new Map([['k', 2]]), () => 1]) {
      expect(codeOf(() => resolveOptions('f', DEFAULTS, bad as never))).toBe('E_OPTIONS_TYPE');
    }
    expect(codeOf(() => resolveOptions('f', DEFAULTS, { kk: 1 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});

describe('allFinite', () => {
  it('is false exactly when some entry is NaN or ±Infinity, at any position and length', () => {
    for (const n of [0, 1, 3, 4, 5, 8, 11]) {
      for (const Make of [Float64Array, Float32Array]) {
        const a = new Make(Float64Array.from({ length: n }, (_, i) => (i % 3) - 1.5e30 * (i % 2)));
        expect(allFinite(a)).toBe(true);
        for (let i = 0; i < n; i++) {
          for (const bad of [Number.NaN, Infinity, -Infinity]) {
            const b = a.slice();
            b[i] = bad;
            expect(allFinite(b)).toBe(false);
          }
        }
      }
    }
  });
});
