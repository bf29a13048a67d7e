// Binary encoding for the small WebAssembly modules that Marksman's kernels
// assemble at run time from opcodes (no toolchain, nothing to fetch): LEB128
// integers, vectors, names, sections, the module header, and a compile step
// that answers null where WebAssembly (or a feature the module uses, such as
// SIMD) is missing or compilation is refused. Exported through
// `@marksman/core/internal` only: plumbing for the Marksman packages, not
// public API. Each function checks its arguments (cheap next to compiling a
// module) and throws ValidationError `E_WASM` naming the argument.
import { ValidationError } from './errors';

function wasmError(source: string, field: string, text: string): ValidationError {
  return new ValidationError('E_WASM', `${source}: ${field} ${text}`, { source, field });
}

function checkBytes(source: string, field: string, bytes: unknown): readonly number[] {
  if (!Array.isArray(bytes)) throw wasmError(source, field, 'must be an array of bytes.');
  for (let i = 0; i < bytes.length; i++) {
    const b: unknown = bytes[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      throw wasmError(source, field, `must hold integers 0–255; item ${i} is ${typeof b === 'number' ? b : typeof b}.`);
    }
  }
  return bytes as readonly number[];
}

function checkByteLists(source: string, field: string, lists: unknown): readonly (readonly number[])[] {
  if (!Array.isArray(lists)) throw wasmError(source, field, 'must be an array of byte arrays.');
  for (let i = 0; i < lists.length; i++) checkBytes(source, `${field}[${i}]`, lists[i]);
  return lists as readonly (readonly number[])[];
}

/**
 * Unsigned LEB128 encoding of a non-negative integer below 2³², as the
 * WebAssembly binary format writes counts, sizes, indexes and offsets.
 *
 * @param n - a non-negative integer below 2³²
 * @returns the bytes, seven bits each, low first
 * @throws `ValidationError` `E_WASM` for anything else
 * @example
 * ```ts
 * import { uleb128 } from '@marksman/core/internal';
 * uleb128(624485); // => [229, 142, 38]
 * uleb128(-1); // throws E_WASM
 * ```
 */
export function uleb128(n: number): number[] {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw wasmError('uleb128', 'n', `must be an integer in [0, 2^32), got ${typeof n === 'number' ? n : typeof n}.`);
  }
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
 * @throws `ValidationError` `E_WASM` for anything else
 * @example
 * ```ts
 * import { sleb128 } from '@marksman/core/internal';
 * sleb128(-123456); // => [192, 187, 120]
 * sleb128(2 ** 31); // throws E_WASM
 * ```
 */
export function sleb128(n: number): number[] {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) {
    throw wasmError('sleb128', 'n', `must be an integer in [-2^31, 2^31), got ${typeof n === 'number' ? n : typeof n}.`);
  }
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
 * @param items - the encoded items (arrays of bytes)
 * @throws `ValidationError` `E_WASM` when an item is not an array of bytes
 * @example
 * ```ts
 * import { wasmVector } from '@marksman/core/internal';
 * wasmVector([[1, 2], [3]]); // => [2, 1, 2, 3]
 * ```
 */
export function wasmVector(items: readonly (readonly number[])[]): number[] {
  checkByteLists('wasmVector', 'items', items);
  return [...uleb128(items.length), ...items.flat()];
}

/**
 * A WebAssembly name (for imports and exports): its length, then its
 * characters (ASCII only).
 *
 * @param s - an ASCII name
 * @throws `ValidationError` `E_WASM` when `s` is not an ASCII string
 * @example
 * ```ts
 * import { wasmName } from '@marksman/core/internal';
 * wasmName('mem'); // => [3, 109, 101, 109]
 * ```
 */
export function wasmName(s: string): number[] {
  if (typeof s !== 'string' || Array.from(s).some((c) => c.charCodeAt(0) > 0x7f)) throw wasmError('wasmName', 's', `must be an ASCII string, got ${typeof s === 'string' ? JSON.stringify(s) : typeof s}.`);
  return [...uleb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * A WebAssembly section: its id, its size, then its body.
 *
 * @param id - the section id, 0–13 (1 types, 2 imports, 3 functions, 5 memory, 7 exports, 10 code, …)
 * @param body - the encoded contents (bytes)
 * @throws `ValidationError` `E_WASM` for another id or a body that is not bytes
 * @example
 * ```ts
 * import { wasmSection, wasmVector } from '@marksman/core/internal';
 * wasmSection(5, wasmVector([[0x00, 1]])); // => [5, 3, 1, 0, 1]
 * ```
 */
export function wasmSection(id: number, body: readonly number[]): number[] {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 13) {
    throw wasmError('wasmSection', 'id', `must be a section id 0–13, got ${typeof id === 'number' ? id : typeof id}.`);
  }
  checkBytes('wasmSection', 'body', body);
  return [id, ...uleb128(body.length), ...body];
}

/**
 * A complete module: the magic number and version 1, then the sections in
 * the order given (they must follow the order the format requires).
 *
 * @param sections - encoded sections (see {@link wasmSection})
 * @throws `ValidationError` `E_WASM` when a section is not an array of bytes
 * @example
 * ```ts
 * import { wasmModule } from '@marksman/core/internal';
 * WebAssembly.validate(wasmModule([])); // => true
 * ```
 */
export function wasmModule(sections: readonly (readonly number[])[]): Uint8Array<ArrayBuffer> {
  checkByteLists('wasmModule', 'sections', sections);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

/**
 * Compiles module bytes, or returns null where the runtime has no
 * WebAssembly, lacks a feature the module uses (such as SIMD), or refuses
 * compilation (e.g. a Content-Security-Policy without 'wasm-unsafe-eval'),
 * so that the caller can fall back to plain JavaScript.
 *
 * @param bytes - a module, e.g. from {@link wasmModule}
 * @throws `ValidationError` `E_WASM` when `bytes` is not a `Uint8Array`
 * @example
 * ```ts
 * import { compileWasm, wasmModule } from '@marksman/core/internal';
 * compileWasm(wasmModule([])) instanceof WebAssembly.Module; // => true
 * compileWasm(Uint8Array.of(1, 2, 3)); // => null
 * ```
 */
export function compileWasm(bytes: Uint8Array): WebAssembly.Module | null {
  if (!(bytes instanceof Uint8Array)) throw wasmError('compileWasm', 'bytes', `must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}.`);
  try {
    return typeof WebAssembly === 'object' ? new WebAssembly.Module(bytes.slice().buffer) : null;
  } catch {
    return null;
  }
}
