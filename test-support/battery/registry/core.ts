import {
  AbortError,
  ConvergenceError,
  CsrMatrix,
  IdIndex,
  IdIndexBuilder,
  MarksmanError,
  OptionsError,
  ParseError,
  Random,
  StateError,
  Table,
  ValidationError,
  addDays,
  aliasSampler,
  csrFromInteractions,
  daysBetween,
  dictionaryEncode,
  isDictionaryColumn,
  parseCsv,
  readCsv,
  isMarksmanError,
  logGamma,
  parseTimestamp,
  periodKey,
  periodStart,
  startOfDay,
  throwIfAborted,
  tryParseTimestamp,
  validateEvents,
  validateInteractions,
  validateTransactions,
} from '@marksman/core';
import { args, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';

/** A reusable async iterable of CSV chunks (a class instance, so the battery shares it instead of copying it). */
class CsvChunks {
  constructor(private readonly parts: readonly string[]) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (const p of this.parts) yield new TextEncoder().encode(p);
  }
}
const CSV = 'id,price,day\r\n1,2.5,2024-01-02\r\n2,"x",2024-01-03\r\n3,4,\r\n';
const CSV_OPTIONS = { columns: { price: 'number', day: { type: 'date', dateOrder: 'iso' } }, file: 'a.csv', maxIssues: 10, chunkBytes: 16, sizeHint: 0 };

const TRANSACTIONS = [
  { customerId: 'c1', orderId: 'o1', timestamp: '2024-03-01', quantity: 2, unitPrice: 5 },
  { customerId: 'c2', orderId: 'o2', timestamp: '2024-03-02', quantity: 1, amount: 3 },
];
const EVENTS = [
  { customerId: 7, timestamp: '2024-03-01T12:00:00Z', type: 'view', itemId: 'sku-1' },
  { customerId: 8, timestamp: '2024-03-02', type: 'click' },
];
const INTERACTIONS = [
  { userId: 'u1', itemId: 'i1', weight: 1, timestamp: '2024-03-01' },
  { userId: 'u1', itemId: 'i2', weight: 2, timestamp: '2024-03-02' },
  { userId: 'u2', itemId: 'i1', weight: 1, timestamp: '2024-03-03' },
];

// Constructing an error never throws (documented on MarksmanError): whatever
// it is given, it records. Every bad call of an error constructor returns.
const ERROR_CLASSES = { MarksmanError, ValidationError, OptionsError, ParseError, StateError, ConvergenceError, AbortError } as const;
const errorCases: Case[] = Object.entries(ERROR_CLASSES).flatMap(([name, C]) => [
  ctor(name, C, args('E_SOMETHING', 'something is wrong', { source: 'f', field: 'x', row: 1 }), { returns: [/./], garbage: [/./], options: null }),
  method(name, () => new C('E_SOMETHING', 'something is wrong', { field: 'x' }), 'toJSON', args()),
]);

const m = () => CsrMatrix.fromCoo(Int32Array.of(0, 1, 0), Int32Array.of(2, 0, 1), Float64Array.of(1, 5, 2), 2, 3);
const idx = () => IdIndex.from(['a', 'b', 7]);
const table = () => Table.fromRecords([{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 3, b: 'x' }]);
const arrow = () => ({ schema: { fields: [{ name: 'x' }, { name: 'y' }] }, getChild: (n: string) => (n === 'x' ? { length: 2, get: (i: number) => i + 1 } : { length: 2, get: (i: number) => `v${i}` }) });

export const core = async (): Promise<Case[]> => [
  ...errorCases,
  // Any value may be asked about: the answer is a boolean.
  // A predicate: any value and any code get a boolean.
  fn('isMarksmanError', isMarksmanError, args(new ValidationError('E_X', 'x', { field: 'f' }), 'E_X'), { returns: [/^a[01]/] }),
  // An absent signal (undefined or null) is documented as "nothing to check";
  // `source` only names the caller in the message of an abort.
  fn('throwIfAborted', throwIfAborted, () => [new AbortController().signal, 'fit'], { returns: [/^a0=(undefined|null)$/, /^a0 missing$/, /^a1/] }),
  ctor('Random', Random, args(42), { required: 0 }),
  statik('Random', Random, 'fromState', () => [new Random(3).getState()], { options: null }),
  ...(
    [
      ['getState', []],
      ['fork', []],
      ['nextUint32', []],
      ['next', []],
      ['uniform', [2, 5]],
      ['uniforms', [3, -1, 1]],
      ['int', [10]],
      ['normal', [1, 2]],
      ['exponential', [2]],
      ['gamma', [2, 1.5]],
      ['beta', [2, 3]],
      ['poisson', [3]],
      ['bernoulli', [0.3]],
      ['categorical', [[1, 2, 3]]],
      ['shuffle', [[1, 2, 3, 4]]],
      ['sample', [10, 3]],
    ] as const
  ).map(([name, a]) =>
    method('Random', () => new Random(7), name, args(...a), {
      required: ({ uniform: 0, uniforms: 1, normal: 0, exponential: 0, gamma: 1 } as Record<string, number>)[name] ?? a.length,
      // shuffle moves items of any kind; an exponential of rate 1e-308 (mean 1e308) overflows to Infinity, as in numpy.
      ...(name === 'shuffle' ? { returns: [/^a0\[0\]/], garbage: [/^a0\[0\]/] } : name === 'exponential' ? { garbage: [/^a0=1e-308$/] } : {}),
    }),
  ),
  fn('aliasSampler', aliasSampler, args([1, 2, 3])),
  // Documented: NaN for NaN and -Infinity, Infinity at the poles (0, -1, …), at Infinity and past the largest double.
  fn('logGamma', logGamma, args(5), { returns: [/^a0=(NaN|-Infinity|Infinity)$/], garbage: [/^a0=(NaN|-?Infinity|0|-1|1e308)$/] }),
  fn('parseTimestamp', parseTimestamp, args('2024-03-01'), { idLike: [/^a0$/] }),
  // tryParseTimestamp's contract: undefined for anything it cannot read.
  fn('tryParseTimestamp', tryParseTimestamp, args('2024-03-01'), { returns: [/./] }),
  // Any other text is a CSV too (a header and no rows, or records reported in the result).
  fn('parseCsv', parseCsv, args(CSV, CSV_OPTIONS)),
  fn('readCsv', readCsv, () => [new CsvChunks(['id,price,day\n1,2.', '5,2024-01-02\n2,x,2024-01-03\n']), { columns: { price: 'number', day: 'date' }, file: 'a.csv', maxIssues: 10, chunkBytes: 16, sizeHint: 0 }]),
  // A type guard: every value has an answer (true or false).
  fn('isDictionaryColumn', isDictionaryColumn, args({ kind: 'dictionary', codes: Int32Array.of(0, 1, 0), values: ['UK', 'FR'] }), { returns: [/./] }),
  fn('dictionaryEncode', dictionaryEncode, args(['UK', 'FR', 'UK'])),
  // Bad rows are reported in `rejected` (with code, field and row), not thrown.
  fn('validateTransactions', validateTransactions, args(TRANSACTIONS, { amountTolerance: 0.01, requireItemId: false }), { returns: [/^a0\[0\]/] }),
  fn('validateEvents', validateEvents, args(EVENTS, { types: ['view', 'click'] }), { returns: [/^a0\[0\]/] }),
  fn('validateInteractions', validateInteractions, args(INTERACTIONS, { allowNegativeWeights: false, requireTimestamp: false }), { returns: [/^a0\[0\]/] }),
  // A Table holds any column value: numbers (NaN and ±Infinity included), strings, booleans, null.
  statik('Table', Table, 'fromRecords', args([{ a: 1, b: 'x' }, { a: 2, b: null }], { columns: ['a', 'b'] }), { returns: [/^a0\[0\]\.[ab]=/] }),
  statik('Table', Table, 'fromColumns', args({ a: [1, 2], b: Float64Array.of(3, 4) }), { options: null, returns: [/^a0\.[ab]\[0\]=/] }),
  statik('Table', Table, 'fromArrow', () => [arrow()], { options: null }),
  ...(
    [
      ['has', ['a']],
      ['column', ['a']],
      ['numericColumn', ['a']],
      ['columnKind', ['b']],
      ['row', [1]],
      ['toRecords', []],
      ['toColumns', []],
      ['select', [['b', 'a']]],
      ['take', [[2, 0]]],
      ['filter', [(r: { a: number }) => r.a > 1]],
      ['slice', [0, 2]],
      ['withColumn', ['c', [7, 8, 9]]],
      ['groupIndexes', ['b']],
    ] as const
  ).map(([name, a]) =>
    method('Table', table, name, args(...a), {
      // slice clamps its bounds as Array.prototype.slice does; has answers false for any name it does not hold;
      // a column holds any value (numbers, NaN and ±Infinity included, strings, booleans, null).
      ...(name === 'slice' ? { required: 0, returns: [/^a[01]=-?Infinity$/] } : name === 'has' ? { returns: [/^a0/] } : name === 'withColumn' ? { returns: [/^a1\[0\]=/] } : {}),
    }),
  ),
  statik('IdIndex', IdIndex, 'from', args(['a', 'b', 7]), { idLike: [/^a0\[0\]$/] }),
  statik('IdIndex', IdIndex, 'builder', args()),
  statik('IdIndex', IdIndex, 'fromJSON', args({ ids: ['a', 'b', 7] }), { options: null }),
  ...(
    [
      ['index', ['b']],
      ['has', [7]],
      ['indexOrThrow', ['a']],
      ['id', [1]],
      ['ids', []],
      ['encode', [['a', 7], { strict: false }]],
      ['decode', [[0, 2]]],
      ['toBuilder', []],
      ['toJSON', []],
    ] as const
  // Lookups answer -1 (or false) for anything they do not hold, as documented; encode writes -1 for it unless strict.
  ).map(([name, a]) => method('IdIndex', idx, name, args(...a), ['index', 'has', 'encode'].includes(name) ? { returns: [/^a0/] } : {})),
  ctor('IdIndexBuilder', IdIndexBuilder, args()),
  method('IdIndexBuilder', () => new IdIndexBuilder(), 'add', args('u1'), { idLike: [/^a0$/] }),
  method('IdIndexBuilder', () => new IdIndexBuilder(), 'index', args('u1'), { returns: [/^a0/] }), // a lookup: -1 for anything it does not hold
  method('IdIndexBuilder', () => new IdIndexBuilder(), 'build', args()),
  // values null means all ones (documented).
  statik('CsrMatrix', CsrMatrix, 'fromCoo', () => [Int32Array.of(0, 1, 0), Int32Array.of(2, 0, 2), Float64Array.of(1, 5, 2), 2, 3, { duplicates: 'sum' }], { returns: [/^a2=null$/] }),
  statik('CsrMatrix', CsrMatrix, 'fromParts', args({ nRows: 2, nCols: 3, indptr: [0, 1, 2], indices: [2, 0], data: [3, 5] }), { options: null }),
  statik('CsrMatrix', CsrMatrix, 'fromJSON', args({ nRows: 2, nCols: 3, indptr: [0, 1, 2], indices: [2, 0], data: [3, 5] }), { options: null }),
  ...(
    [
      ['row', [0]],
      ['rowNnz', [1]],
      ['get', [0, 2]],
      ['transpose', []],
      ['rowSlice', [0, 1]],
      ['selectRows', [[1, 0]]],
      ['rowSums', []],
      ['colSums', []],
      ['toCoo', []],
      ['toDense', [{ maxCells: 100 }]],
      ['toJSON', []],
    ] as const
    // maxCells: Infinity lifts the limit.
  ).map(([name, a]) => method('CsrMatrix', m, name, args(...a), name === 'toDense' ? { returns: [/^a0\.maxCells=Infinity$/] } : {})),
  fn('csrFromInteractions', csrFromInteractions, args(INTERACTIONS, { duplicates: 'sum' })),
  fn('startOfDay', startOfDay, args('2024-03-01T03:00:00Z', { timeZone: 'America/New_York' }), { idLike: [/^a0$/] }),
  fn('addDays', addDays, args(Date.parse('2024-03-09T17:00:00Z'), 1, { timeZone: 'America/New_York' })),
  fn('daysBetween', daysBetween, args('2024-03-01', '2024-03-04T12:00:00Z'), { idLike: [/^a[01]$/] }),
  fn('periodKey', periodKey, args('2024-03-01T10:00:00Z', 'week', { timeZone: 'UTC', weekStartsOn: 1 }), { idLike: [/^a0$/] }),
  fn('periodStart', periodStart, args('2024-05-17', 'quarter', { timeZone: 'Europe/Berlin', weekStartsOn: 1 }), { idLike: [/^a0$/] }),
];
