// The boundary of @marksman/core: every exported function and method, given
// a missing, null, NaN, infinite, wrong-type or absurdly large argument in any
// position, either answers or throws a Marksman error (code, source, field).
// It never lets a raw TypeError or RangeError out of the engine.
import * as apacheArrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import * as core from '@marksman/core';
import * as internal from '@marksman/core/internal';
import { CsrMatrix, IdIndex, IdIndexBuilder, isMarksmanError, Random, Table } from '@marksman/core';

const GARBAGE: readonly unknown[] = [
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  1e308,
  -1,
  1.5,
  '0.05',
  '',
  true,
  Symbol('s'),
  10n,
  {},
  [],
  [null],
  [NaN],
  ['x', {}],
  () => 1,
  new Date(NaN),
  new Map(),
];

function show(v: unknown): string {
  if (typeof v === 'symbol') return 'Symbol()';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Calls `f` with each garbage value in each argument position (the others good); returns the raw
 * errors that escaped. A call that returns a promise is awaited through `pending`: a rejection
 * that is not a Marksman error is added to `escaped` when it settles.
 */
function sweep(label: string, f: (...args: unknown[]) => unknown, good: readonly unknown[], pending: Promise<void>[] = []): string[] {
  const escaped: string[] = [];
  for (let position = 0; position < Math.max(good.length, 1); position++) {
    for (const bad of GARBAGE) {
      const args = good.slice();
      args[position] = bad;
      const where = `${label} with argument ${position} = ${show(bad)}`;
      try {
        const r = f(...args);
        if (r instanceof Promise) {
          pending.push(
            r.then(
              () => undefined,
              (e: unknown) => {
                if (!isMarksmanError(e)) escaped.push(`${where}: ${String(e)}`);
              },
            ),
          );
        }
      } catch (e) {
        if (!isMarksmanError(e)) escaped.push(`${where}: ${String(e)}`);
      }
    }
  }
  return escaped;
}

/** A reusable async iterable of one CSV chunk. */
class OneChunk {
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield new TextEncoder().encode('a,b\n1,2\n');
  }
}

const GOOD_ARGS: Readonly<Record<string, readonly unknown[]>> = {
  isMarksmanError: [new Error('x'), 'E_X'],
  throwIfAborted: [undefined, 'fit'],
  aliasSampler: [[1, 2]],
  logGamma: [2],
  parseTimestamp: ['2024-03-01', { source: 'f' }],
  tryParseTimestamp: ['2024-03-01'],
  validateTransactions: [[], {}],
  validateEvents: [[], {}],
  validateInteractions: [[], {}],
  csrFromInteractions: [[{ userId: 'a', itemId: 'b' }], {}],
  startOfDay: [0, { timeZone: 'Europe/Berlin' }],
  addDays: [0, 1, { timeZone: 'Europe/Berlin' }],
  daysBetween: [0, 1],
  periodKey: [0, 'week', { timeZone: 'Europe/Berlin' }],
  periodStart: [0, 'week', { timeZone: 'Europe/Berlin' }],
  resolveOptions: ['f', Object.freeze({ k: 1 }), { k: 2 }],
  assertNever: [1, 'shape'],
  uleb128: [1],
  sleb128: [1],
  wasmVector: [[[1]]],
  wasmName: ['mem'],
  wasmSection: [1, [1]],
  wasmModule: [[[1]]],
  compileWasm: [new Uint8Array(8)],
  normalPpf: [0.5],
  allFinite: [Float64Array.of(1, 2)],
  isArrowTable: [{ schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }],
  isArrowVector: [{ length: 1, get: () => 1, toArray: () => [1] }],
  arrowColumnNames: [{ schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }],
  arrowColumns: ['f', { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }, { x: 'number' }, [], 'fallback'],
  arrowRecords: ['f', { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }, null],
  arrowVectorValues: ['f', 'x', { length: 1, get: () => 1, toArray: () => [1] }, 'number'],
  arrowTableColumns: ['f', { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }, { x: 'number' }],
  arrowCheckedRecords: ['f', { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) }, { x: 'number' }, null],
  arrowSelectRows: ['f', apacheArrow.tableFromArrays({ x: Float64Array.of(1, 2, 3), s: ['a', null, 'c'] }), Int32Array.of(0, 2)],
  arrowIdColumn: ['f', apacheArrow.tableFromArrays({ x: ['a', 'b'] }), 'x'],
  arrowNumberColumn: ['f', apacheArrow.tableFromArrays({ x: Float64Array.of(1, 2) }), 'x'],
  arrowListColumn: ['f', new apacheArrow.Table({ x: apacheArrow.vectorFromArray([['a'], ['b', 'c']], new apacheArrow.List(new apacheArrow.Field('item', new apacheArrow.Utf8(), true))) }), 'x', 'text'],
  parseCsv: ['a,b\n1,2\n', {}],
  readCsv: [new OneChunk(), {}],
  isDictionaryColumn: [{ kind: 'dictionary', codes: Int32Array.of(0), values: ['a'] }],
  dictionaryEncode: [['a', 'b', 'a']],
  parseCsvAs: ['f', 'a,b\n1,2\n', {}],
  parseCsvChunksAs: ['f', [new TextEncoder().encode('a,b\n1,2\n')], {}],
  readCsvAs: ['f', new OneChunk(), {}],
};

describe('bad input never escapes as a raw engine error', () => {
  it('covers every exported function', async () => {
    const functions = Object.entries({ ...core, ...internal }).filter(([name, v]) => typeof v === 'function' && !/^[A-Z]/.test(name));
    expect(functions.map(([name]) => name).filter((name) => !(name in GOOD_ARGS))).toEqual([]);
    const pending: Promise<void>[] = [];
    const escaped = functions.map(([name, f]) => sweep(name, f as (...a: unknown[]) => unknown, GOOD_ARGS[name]!, pending));
    await Promise.all(pending);
    expect(escaped.flat()).toEqual([]);
  });

  it('covers the static and instance methods of every class', () => {
    const idx = IdIndex.from(['a', 'b']);
    const builder = new IdIndexBuilder();
    const m = CsrMatrix.fromCoo(Int32Array.of(0, 1), Int32Array.of(1, 0), null, 2, 2);
    const t = Table.fromColumns({ a: [1, 2], b: ['x', 'y'] });
    const state = new Random(1).getState();
    const arrow = { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1, get: () => 1 }) };
    const parts = { nRows: 1, nCols: 1, indptr: [0, 1], indices: [0], data: [2] };
    const calls: [string, (...a: unknown[]) => unknown, unknown[]][] = [
      ['new Random', (...a) => new Random(a[0] as number), [1]],
      ['Random.fromState', (...a) => Random.fromState(a[0] as never), [state]],
      ['IdIndex.from', (...a) => IdIndex.from(a[0] as never), [['a']]],
      ['IdIndex.fromJSON', (...a) => IdIndex.fromJSON(a[0] as never), [{ ids: ['a'] }]],
      ['CsrMatrix.fromCoo', (...a) => CsrMatrix.fromCoo(...(a as Parameters<typeof CsrMatrix.fromCoo>)), [Int32Array.of(0), Int32Array.of(0), null, 1, 1, {}]],
      ['CsrMatrix.fromParts', (...a) => CsrMatrix.fromParts(a[0] as never), [parts]],
      ['CsrMatrix.fromJSON', (...a) => CsrMatrix.fromJSON(a[0] as never), [parts]],
      ['Table.fromRecords', (...a) => Table.fromRecords(a[0] as never, a[1] as never), [[{ a: 1 }], {}]],
      ['Table.fromColumns', (...a) => Table.fromColumns(a[0] as never), [{ a: [1] }]],
      ['Table.fromArrow', (...a) => Table.fromArrow(a[0] as never), [arrow]],
    ];
    const methods: [string, object, readonly unknown[]][] = [
      ['uniform', new Random(1), [0, 1]],
      ['int', new Random(1), [3]],
      ['normal', new Random(1), [0, 1]],
      ['exponential', new Random(1), [1]],
      ['gamma', new Random(1), [2, 1]],
      ['beta', new Random(1), [2, 3]],
      ['poisson', new Random(1), [3]],
      ['bernoulli', new Random(1), [0.5]],
      ['categorical', new Random(1), [[1, 2]]],
      ['shuffle', new Random(1), [[1, 2]]],
      ['sample', new Random(1), [10, 3]],
      ['index', idx, ['a']],
      ['has', idx, ['a']],
      ['indexOrThrow', idx, ['a']],
      ['id', idx, [0]],
      ['encode', idx, [['a'], { strict: false }]],
      ['decode', idx, [[0]]],
      ['add', builder, ['a']],
      ['index', builder, ['a']],
      ['row', m, [0]],
      ['rowNnz', m, [0]],
      ['get', m, [0, 1]],
      ['rowSlice', m, [0, 1]],
      ['selectRows', m, [[0]]],
      ['toDense', m, [{ maxCells: 10 }]],
      ['has', t, ['a']],
      ['column', t, ['a']],
      ['numericColumn', t, ['a']],
      ['columnKind', t, ['a']],
      ['row', t, [0]],
      ['select', t, [['a']]],
      ['take', t, [[0]]],
      ['filter', t, [() => true]],
      ['slice', t, [0, 1]],
      ['withColumn', t, ['c', [1, 2]]],
      ['groupIndexes', t, ['b']],
    ];
    for (const [name, obj, good] of methods) {
      const method = (obj as Record<string, (...a: unknown[]) => unknown>)[name]!;
      calls.push([`${obj.constructor.name}.${name}`, (...a) => method.apply(obj, a), [...good]]);
    }
    const escaped = calls.flatMap(([label, f, good]) => sweep(label, f, good));
    expect(escaped).toEqual([]);
  });

  it('refuses absurd sizes with typed errors instead of RangeError: Invalid typed array length', () => {
    const cases: [() => unknown, string][] = [
      [() => CsrMatrix.fromCoo(new Int32Array(0), new Int32Array(0), null, 1e308, 1), 'E_SHAPE'],
      [() => CsrMatrix.fromParts({ nRows: 2 ** 40, nCols: 1, indptr: [0], indices: [], data: [] }), 'E_SHAPE'],
      [() => new Random(1).sample(1e308, 1), 'E_RANGE'],
      [() => new Random(1).int(1e308), 'E_RANGE'],
      [() => Table.fromArrow({ schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 1e308, get: () => 1 }) }), 'E_COLUMN_LENGTH'],
      [() => CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), null, 1, 1).toDense({ maxCells: NaN }), 'E_OPTION_RANGE'],
      [() => core.addDays(0, 1e15), 'E_TIME_RANGE'],
    ];
    for (const [f, code] of cases) expect(f).toThrowError(expect.objectContaining({ code }));
  });
});
