// Internal: the flat (top-level, unnested) columns of a Parquet file decoded
// page by page with hyparquet's page-level functions (page headers,
// decompression, definition levels, PLAIN values, type conversion), which its
// package exports under `hyparquet/src/*.js`. hyparquet's own readers
// (parquetRead, onChunk, onPage) look every dictionary code up into a plain
// JavaScript array and run the generic nested-list assembly on every optional
// column; here a dictionary page is converted once (each distinct string
// decoded once), data pages stay integer codes, and the column is built in one
// pass into a typed array or an array of strings. Nested columns are not read
// here: readParquet sends them through parquetRead.
import type { CompressionCodec, DecodedArray, FileMetaData, PageHeader, ParquetParsers, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS, convert } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';

/** What hyparquet's page functions take to decode one column. */
type ColumnDecoder = Parameters<typeof convert>[1];

/**
 * One data page: `rows` rows, `defs` their definition levels (absent when
 * none is null), and its non-null values, either as `codes` into the column
 * chunk's `dictionary` or as `values`.
 */
export interface DecodedPage {
  readonly rows: number;
  readonly defs: ArrayLike<number> | undefined;
  readonly maxDef: number;
  readonly codes: ArrayLike<number> | undefined;
  readonly dictionary: DecodedArray | undefined;
  readonly values: DecodedArray | undefined;
}

/**
 * hyparquet's parsers with times as numbers: timestamps as epoch
 * milliseconds (micro- and nanoseconds truncated toward zero, as hyparquet's
 * Dates are) and dates as the milliseconds of their UTC midnight.
 */
export const NUMERIC_TIME_PARSERS: ParquetParsers = Object.freeze({
  ...DEFAULT_PARSERS,
  timestampFromMilliseconds: (millis: bigint): number => Number(millis),
  timestampFromMicroseconds: (micros: bigint): number => Number(micros / 1000n),
  timestampFromNanoseconds: (nanos: bigint): number => Number(nanos / 1000000n),
  dateFromDays: (days: number): number => days * 86400000,
});

/** Whether a top-level column is a leaf with no repetition: the columns this file reads. */
export function isFlatLeaf(tree: SchemaTree): boolean {
  return tree.children.length === 0 && tree.element.repetition_type !== 'REPEATED';
}

function isDictionaryCoded(encoding: string): boolean {
  return encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
}

/** Definition levels of a flat column (0 null, 1 present) into bytes; the reader is left after them. */
function readLevels(reader: { view: DataView; offset: number }, count: number, length: number | undefined): Uint8Array {
  const levels = new Uint8Array(count);
  readRleBitPackedHybrid(reader, 1, levels, length);
  return levels;
}

/** Dictionary codes (a bit width byte, then the RLE / bit-packed hybrid) into an Int32Array. */
function readCodes(page: Uint8Array, count: number): Int32Array {
  const codes = new Int32Array(count);
  if (count === 0) return codes;
  const reader = viewOf(page);
  const width = reader.view.getUint8(reader.offset++);
  if (width > 32) throw new Error(`dictionary codes of ${width} bits`);
  readRleBitPackedHybrid(reader, width, codes, page.byteLength - 1);
  return codes;
}

/**
 * One data page: dictionary-coded pages of flat columns are decoded here into
 * typed arrays (codes and levels) with hyparquet's RLE / bit-packing decoder;
 * every other page by hyparquet's readDataPage / readDataPageV2 and
 * converted. `null` for a page that holds no values (an index page).
 */
function decodeDataPage(header: PageHeader, body: Uint8Array, codec: CompressionCodec, hasDictionary: boolean, maxDef: number, decoder: ColumnDecoder): Omit<DecodedPage, 'dictionary'> | null {
  if (header.type === 'DATA_PAGE') {
    const daph = header.data_page_header;
    if (daph === undefined) throw new Error('data page without its header');
    const raw = decompressPage(body, Number(header.uncompressed_page_size), codec, undefined);
    const count = daph.num_values;
    if (hasDictionary && isDictionaryCoded(daph.encoding)) {
      const reader = viewOf(raw);
      let defs: Uint8Array | undefined;
      let nulls = 0;
      if (maxDef > 0) {
        defs = readLevels(reader, count, undefined);
        nulls = countNulls(defs, maxDef);
        if (nulls === 0) defs = undefined;
      }
      return { rows: count, defs, maxDef, codes: readCodes(raw.subarray(reader.offset), count - nulls), values: undefined };
    }
    const page = readDataPage(raw, daph, decoder);
    return checked(count, maxDef, page.definitionLevels, page.dataPage, decoder);
  }
  if (header.type === 'DATA_PAGE_V2') {
    const daph2 = header.data_page_header_v2;
    if (daph2 === undefined) throw new Error('data page without its header');
    const count = daph2.num_values;
    if (hasDictionary && isDictionaryCoded(daph2.encoding) && daph2.repetition_levels_byte_length === 0) {
      const levelBytes = daph2.definition_levels_byte_length;
      const nulls = daph2.num_nulls;
      let defs: Uint8Array | undefined;
      if (maxDef > 0 && nulls > 0) {
        defs = readLevels(viewOf(body.subarray(0, levelBytes)), count, levelBytes);
        if (countNulls(defs, maxDef) !== nulls) throw new Error(`a page announces ${nulls} nulls and its levels say otherwise`);
      } else if (nulls > 0) throw new Error('a page of a required column announces nulls');
      const size = Number(header.uncompressed_page_size) - levelBytes;
      let values = body.subarray(levelBytes);
      if (daph2.is_compressed !== false && size > 0) values = decompressPage(values, size, codec, undefined);
      return { rows: count, defs, maxDef, codes: readCodes(values, count - nulls), values: undefined };
    }
    const page = readDataPageV2(body, header, decoder);
    return checked(count, maxDef, page.definitionLevels, page.dataPage, decoder);
  }
  return null;
}

/** A page hyparquet decoded: its levels checked against its values, its values converted. */
function checked(count: number, maxDef: number, levels: ArrayLike<number> | undefined, values: DecodedArray, decoder: ColumnDecoder): Omit<DecodedPage, 'dictionary'> {
  const defs = maxDef > 0 && levels !== undefined && levels.length > 0 ? levels : undefined;
  if (defs !== undefined && defs.length !== count) throw new Error(`a page has ${defs.length} levels for ${count} values`);
  const expected = count - countNulls(defs, maxDef);
  if (values.length !== expected) throw new Error(`a page has ${values.length} values where ${expected} were announced`);
  return { rows: count, defs, maxDef, codes: undefined, values: convert(values, decoder) };
}

function viewOf(bytes: Uint8Array): { view: DataView; offset: number } {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
}

function countNulls(defs: ArrayLike<number> | undefined, maxDef: number): number {
  if (defs === undefined) return 0;
  let nulls = 0;
  for (let i = 0; i < defs.length; i++) if (defs[i]! < maxDef) nulls++;
  return nulls;
}

/**
 * The data pages of one flat column, every row group in order. Throws
 * hyparquet's errors (or a plain Error) for bytes it cannot decode; the caller
 * reports them as the file's fault.
 */
export function readFlatColumnPages(bytes: Uint8Array, metadata: FileMetaData, tree: SchemaTree, root: SchemaTree): DecodedPage[] {
  const element = tree.element;
  const name = element.name;
  const maxDef = element.repetition_type === 'REQUIRED' ? 0 : 1;
  const pages: DecodedPage[] = [];
  for (const group of metadata.row_groups) {
    const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
    const meta = chunk?.meta_data;
    if (chunk === undefined || meta === undefined) throw new Error(`no chunk of column ${name} in a row group`);
    if (chunk.file_path) throw new Error('column chunks in other files are not read');
    const type = meta.type;
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type,
      element,
      schemaPath: [root, tree],
      codec: meta.codec,
      parsers: NUMERIC_TIME_PARSERS,
    };
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const end = start + Number(meta.total_compressed_size);
    if (!(start >= 0 && end <= bytes.byteLength)) throw new Error(`column ${name}'s chunk lies outside the file`);
    const chunkBytes = bytes.subarray(start, end);
    const reader = viewOf(chunkBytes);
    const rows = Number(group.num_rows);
    let read = 0;
    let dictionary: DecodedArray | undefined;
    while (read < rows) {
      if (reader.offset >= chunkBytes.byteLength) throw new Error(`column ${name} ends after ${read} of its ${rows} rows in a row group`);
      const header = parquetHeader(reader);
      const body = chunkBytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      if (header.type === 'DICTIONARY_PAGE') {
        const dph = header.dictionary_page_header;
        if (dph === undefined) throw new Error('dictionary page without its header');
        const raw = decompressPage(body, Number(header.uncompressed_page_size), meta.codec, undefined);
        dictionary = convert(readPlain(viewOf(raw), type, dph.num_values, element.type_length), decoder);
        continue;
      }
      const page = decodeDataPage(header, body, meta.codec, dictionary !== undefined, maxDef, decoder);
      if (page === null) continue; // index pages carry no values
      if (page.codes !== undefined && dictionary === undefined) throw new Error(`column ${name} has a dictionary-coded page and no dictionary`);
      pages.push({ ...page, dictionary: page.codes !== undefined ? dictionary : undefined });
      read += page.rows;
    }
    if (read !== rows) throw new Error(`column ${name} holds ${read} rows in a row group of ${rows}`);
  }
  return pages;
}

type NumberArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

function isNumberArray(a: unknown): a is NumberArray {
  return ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array);
}

function allStrings(a: DecodedArray): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

function badCode(): Error {
  return new Error('a dictionary code points past the end of its dictionary');
}

/**
 * A flat column's pages as one column: a typed array (the type of its
 * values: `Float64Array` for doubles, `Float32Array` for floats, `Int32Array`
 * for 32-bit integers, `Float64Array` for other numbers or a mix) when its
 * values are numbers in typed arrays and none is null, `strings: true` and an
 * array of strings and nulls when every value is a string, else the values
 * and nulls as they are (`strings: false`), for the caller to convert.
 * O(rows).
 */
export function assembleFlatColumn(pages: readonly DecodedPage[]): { values: Float64Array | Float32Array | Int32Array; strings: false; typed: true } | { values: unknown[]; strings: boolean; typed: false } {
  let n = 0;
  let nulls = 0;
  for (const p of pages) {
    n += p.rows;
    nulls += countNulls(p.defs, p.maxDef);
  }
  const sources = pages.map((p) => (p.codes !== undefined ? p.dictionary! : p.values!));
  if (nulls === 0 && sources.every(isNumberArray)) {
    const first: unknown = sources[0]?.constructor;
    const same = sources.every((s) => s.constructor === first);
    const Typed = same && first === Float32Array ? Float32Array : same && first === Int32Array ? Int32Array : Float64Array;
    const out = new Typed(n);
    let pos = 0;
    for (const p of pages) {
      if (p.codes !== undefined) {
        const d = p.dictionary as NumberArray;
        const c = p.codes;
        const size = d.length;
        for (let j = 0; j < p.rows; j++) {
          const k = c[j]!;
          if (k >= size) throw badCode();
          out[pos + j] = d[k]!;
        }
      } else out.set(p.values as NumberArray, pos);
      pos += p.rows;
    }
    return { values: out, strings: false, typed: true };
  }
  const checked = new Set<DecodedArray>();
  const strings = sources.every((s) => {
    if (checked.has(s)) return true;
    checked.add(s);
    return allStrings(s);
  });
  const out = new Array<unknown>(n);
  let pos = 0;
  for (const p of pages) {
    const src = p.codes !== undefined ? p.dictionary! : p.values!;
    const c = p.codes;
    const size = src.length;
    const defs = p.defs;
    if (defs === undefined) {
      if (c !== undefined) {
        for (let j = 0; j < p.rows; j++) {
          const k = c[j]!;
          if (k >= size) throw badCode();
          out[pos + j] = src[k];
        }
      } else for (let j = 0; j < p.rows; j++) out[pos + j] = src[j];
    } else {
      const maxDef = p.maxDef;
      let k = 0;
      for (let j = 0; j < p.rows; j++) {
        if (defs[j]! < maxDef) out[pos + j] = null;
        else if (c !== undefined) {
          const code = c[k++]!;
          if (code >= size) throw badCode();
          out[pos + j] = src[code];
        } else out[pos + j] = src[k++];
      }
    }
    pos += p.rows;
  }
  return { values: out, strings, typed: false };
}
