// Refusals of a whole argument name it (issue #16: a typed error names the
// field at fault). Found by the battery in packages/marksman/test/battery.test.ts.
import { describe, expect, it } from 'vitest';
import { CsrMatrix, IdIndex, Table, csrFromInteractions, logGamma, parseTimestamp, validateEvents, validateInteractions, validateTransactions } from '@marksman/core';

const fieldOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return `${(e as { code?: string }).code}:${(e as { field?: string }).field}`;
  }
  return 'no error';
};

describe('typed errors name the argument or field at fault', () => {
  it('core functions and methods', () => {
    const m = CsrMatrix.fromCoo(Int32Array.of(0, 1), Int32Array.of(1, 0), null, 2, 2);
    const cases: [() => unknown, string][] = [
      [() => m.toDense({ maxCells: 1 }), 'E_TOO_LARGE:maxCells'],
      [() => CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0, 1), null, 2, 2), 'E_LENGTH:cols'],
      [() => CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), Float64Array.of(1, 2), 2, 2), 'E_LENGTH:values'],
      [() => CsrMatrix.fromParts(undefined as never), 'E_CSR_STRUCTURE:parts'],
      [() => CsrMatrix.fromParts({ nRows: 1, nCols: 1, indptr: [0, 1], indices: 'x' as never, data: [1] }), 'E_CSR_STRUCTURE:indices'],
      [() => CsrMatrix.fromParts({ nRows: 1, nCols: 1, indptr: [0, 1], indices: [0], data: [] }), 'E_CSR_STRUCTURE:data'],
      [() => CsrMatrix.fromParts({ nRows: 2, nCols: 1, indptr: [0, 1], indices: [0], data: [1] }), 'E_CSR_STRUCTURE:indptr'],
      [() => CsrMatrix.fromParts({ nRows: 1, nCols: 1, indptr: [0, 1], indices: [3], data: [1] }), 'E_CSR_STRUCTURE:indices'],
      [() => IdIndex.from(['a']).id(4), 'E_INDEX_RANGE:i'],
      [() => IdIndex.from(['a']).indexOrThrow('b'), 'E_UNKNOWN_ID:id'],
      [() => IdIndex.fromJSON(undefined as never), 'E_INPUT:json'],
      [() => IdIndex.fromJSON({ ids: 'a' } as never), 'E_INPUT:ids'],
      [() => Table.fromRecords([{ a: 1 }]).withColumn(3 as never, [1]), 'E_COLUMN:name'],
      [() => Table.fromArrow(null as never), 'E_INPUT:table'],
      [() => Table.fromArrow({ schema: { fields: [null] }, getChild: () => null } as never), 'E_COLUMN:schema.fields'],
      [() => Table.fromColumns(null as never), 'E_INPUT:columns'],
      [() => Table.fromRecords({} as never), 'E_INPUT:records'],
      [() => validateTransactions(null as never), 'E_INPUT:rows'],
      [() => validateEvents(null as never), 'E_INPUT:rows'],
      [() => validateInteractions(null as never), 'E_INPUT:rows'],
      [() => csrFromInteractions(null as never), 'E_INPUT:interactions'],
      [() => parseTimestamp('yesterday'), 'E_TIMESTAMP:value'],
      [() => parseTimestamp('yesterday', { field: 'ts', row: 2 }), 'E_TIMESTAMP:ts'],
    ];
    for (const [f, expected] of cases) expect(fieldOf(f)).toBe(expected);
  });

  it('logGamma is Infinity at Infinity, as ln Γ grows without bound', () => {
    expect(logGamma(Infinity)).toBe(Infinity);
    expect(logGamma(-Infinity)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});
