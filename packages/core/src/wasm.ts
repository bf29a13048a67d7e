// Binary encoding for the small WebAssembly modules that Marksman's kernels
// assemble at run time from opcodes (no toolchain, nothing to fetch): LEB128
// integers, vectors, names, sections, the module header, and a compile step
// that answers null where WebAssembly (or a feature the module uses, such as
// SIMD) is missing or compilation is refused.

/**
 * Unsigned LEB128 encoding of a non-negative integer below 2³², as the
 * WebAssembly binary format writes counts, sizes, indexes and offsets.
 *
 * @param n - a non-negative integer below 2³²
 * @returns the bytes, seven bits each, low first
 * @example
 * ```ts
 * import { uleb128 } from '@marksman/core';
 * uleb128(624485); // => [229, 142, 38]
 * ```
 */
export function uleb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * Signed LEB128 encoding of a 32-bit integer, as WebAssembly writes
 * `i32.const` immediates.
 *
 * @param n - an integer in [−2³¹, 2³¹)
 * @returns the bytes, seven bits each, low first
 * @example
 * ```ts
 * import { sleb128 } from '@marksman/core';
 * sleb128(-123456); // => [192, 187, 120]
 * ```
 */
export function sleb128(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/**
 * A WebAssembly vector: the item count, then the items' bytes.
 *
 * @param items - the encoded items
 * @example
 * ```ts
 * import { wasmVector } from '@marksman/core';
 * wasmVector([[1, 2], [3]]); // => [2, 1, 2, 3]
 * ```
 */
export function wasmVector(items: readonly (readonly number[])[]): number[] {
  return [...uleb128(items.length), ...items.flat()];
}

/**
 * A WebAssembly name (for imports and exports): its length, then its
 * characters (ASCII only).
 *
 * @param s - an ASCII name
 * @example
 * ```ts
 * import { wasmName } from '@marksman/core';
 * wasmName('mem'); // => [3, 109, 101, 109]
 * ```
 */
export function wasmName(s: string): number[] {
  return [...uleb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * A WebAssembly section: its id, its size, then its body.
 *
 * @param id - the section id (1 types, 2 imports, 3 functions, 5 memory, 7 exports, 10 code, …)
 * @param body - the encoded contents
 * @example
 * ```ts
 * import { wasmSection, wasmVector } from '@marksman/core';
 * wasmSection(5, wasmVector([[0x00, 1]])); // => [5, 3, 1, 0, 1]
 * ```
 */
export function wasmSection(id: number, body: readonly number[]): number[] {
  return [id, ...uleb128(body.length), ...body];
}

/**
 * A complete module: the magic number and version 1, then the sections in
 * the order given (they must follow the order the format requires).
 *
 * @param sections - encoded sections (see {@link wasmSection})
 * @example
 * ```ts
 * import { wasmModule } from '@marksman/core';
 * WebAssembly.validate(wasmModule([])); // => true
 * ```
 */
export function wasmModule(sections: readonly (readonly number[])[]): Uint8Array {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

/**
 * Compiles module bytes, or returns null where the runtime has no
 * WebAssembly, lacks a feature the module uses (such as SIMD), or refuses
 * compilation (e.g. a Content-Security-Policy without 'wasm-unsafe-eval'),
 * so that the caller can fall back to plain JavaScript.
 *
 * @param bytes - a module, e.g. from {@link wasmModule}
 * @example
 * ```ts
 * import { compileWasm, wasmModule } from '@marksman/core';
 * compileWasm(wasmModule([])) instanceof WebAssembly.Module; // => true
 * compileWasm(Uint8Array.of(1, 2, 3)); // => null
 * ```
 */
export function compileWasm(bytes: Uint8Array): WebAssembly.Module | null {
  try {
    return typeof WebAssembly === 'object' ? new WebAssembly.Module(bytes.slice().buffer) : null;
  } catch {
    return null;
  }
}
