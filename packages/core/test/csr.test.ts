import { describe, expect, it } from 'vitest';
import { CsrMatrix, csrFromInteractions, IdIndex, OptionsError, Random, StateError, ValidationError } from '@marksman/core';
import type { DuplicatePolicy } from '@marksman/core';

/** Random COO triplets with plenty of duplicates. */
function randomCoo(seed: number, n: number, nRows: number, nCols: number) {
  const rng = new Random(seed);
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    rows[k] = rng.int(nRows);
    cols[k] = rng.int(nCols);
    values[k] = Math.round(rng.normal() * 100) / 10;
  }
  return { rows, cols, values };
}

/** The obvious dense build, entry by entry in input order. */
function naiveDense(rows: Int32Array, cols: Int32Array, values: Float64Array | null, nRows: number, nCols: number, dup: DuplicatePolicy) {
  const dense = Array.from({ length: nRows }, () => new Float64Array(nCols));
  const seen = Array.from({ length: nRows }, () => new Uint8Array(nCols));
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    const c = cols[k] as number;
    const v = values === null ? 1 : (values[k] as number);
    const row = dense[r] as Float64Array;
    if (!(seen[r] as Uint8Array)[c]) row[c] = v;
    else if (dup === 'sum') row[c] = (row[c] as number) + v;
    else if (dup === 'max') row[c] = Math.max(row[c] as number, v);
    else row[c] = v;
    (seen[r] as Uint8Array)[c] = 1;
  }
  return { dense, seen };
}

/** Structural invariants of a CSR matrix. */
function checkStructure(m: CsrMatrix): void {
  expect(m.indptr.length).toBe(m.nRows + 1);
  expect(m.indptr[0]).toBe(0);
  expect(m.indptr[m.nRows]).toBe(m.nnz);
  expect(m.data.length).toBe(m.nnz);
  for (let r = 0; r < m.nRows; r++) {
    const a = m.indptr[r] as number;
    const b = m.indptr[r + 1] as number;
    expect(b).toBeGreaterThanOrEqual(a);
    for (let p = a + 1; p < b; p++) expect(m.indices[p] as number).toBeGreaterThan(m.indices[p - 1] as number);
  }
}

describe('CsrMatrix.fromCoo', () => {
  it('mirrors the doc examples', () => {
    const m = CsrMatrix.fromCoo(Int32Array.of(0, 1, 0), Int32Array.of(2, 0, 2), Float64Array.of(1, 5, 2), 2, 3);
    expect(m.nnz).toBe(2);
    expect(m.get(0, 2)).toBe(3);
    expect(m.toDense()).toEqual([Float64Array.of(0, 0, 3), Float64Array.of(5, 0, 0)]);
    const r = Int32Array.of(0, 0);
    const c = Int32Array.of(1, 1);
    const v = Float64Array.of(4, 2);
    expect(CsrMatrix.fromCoo(r, c, v, 1, 2, { duplicates: 'max' }).get(0, 1)).toBe(4);
    expect(CsrMatrix.fromCoo(r, c, v, 1, 2, { duplicates: 'last' }).get(0, 1)).toBe(2);
    const m2 = CsrMatrix.fromCoo(Int32Array.of(0, 0), Int32Array.of(3, 1), Float64Array.of(7, 8), 1, 4);
    expect(m2.row(0)).toEqual({ indices: Int32Array.of(1, 3), values: Float64Array.of(8, 7) });
  });

  for (const dup of ['sum', 'max', 'last'] as const) {
    it(`matches a naive dense build on random data (duplicates: ${dup})`, () => {
      for (const [seed, n, nR, nC] of [
        [1, 500, 20, 15],
        [2, 3000, 7, 4],
        [3, 200, 200, 200],
        [4, 1, 1, 1],
      ] as const) {
        const { rows, cols, values } = randomCoo(seed, n, nR, nC);
        const m = CsrMatrix.fromCoo(rows, cols, values, nR, nC, { duplicates: dup });
        checkStructure(m);
        const { dense, seen } = naiveDense(rows, cols, values, nR, nC, dup);
        expect(m.toDense()).toEqual(dense);
        let stored = 0;
        for (const s of seen) for (const x of s) stored += x;
        expect(m.nnz).toBe(stored);
      }
    });
  }

  it('duplicates semantics on a hand example: sum 1+2+4, max, last in input order', () => {
    const rows = Int32Array.of(0, 1, 0, 0);
    const cols = Int32Array.of(0, 0, 0, 0);
    const vals = Float64Array.of(1, 9, 4, 2);
    expect(CsrMatrix.fromCoo(rows, cols, vals, 2, 1).toDense()).toEqual([Float64Array.of(7), Float64Array.of(9)]);
    expect(CsrMatrix.fromCoo(rows, cols, vals, 2, 1, { duplicates: 'max' }).get(0, 0)).toBe(4);
    expect(CsrMatrix.fromCoo(rows, cols, vals, 2, 1, { duplicates: 'last' }).get(0, 0)).toBe(2);
  });

  it('null values mean ones (counts with sum)', () => {
    const m = CsrMatrix.fromCoo(Int32Array.of(0, 0, 1), Int32Array.of(1, 1, 0), null, 2, 2);
    expect(m.toDense()).toEqual([Float64Array.of(0, 2), Float64Array.of(1, 0)]);
  });

  it('does not modify its (frozen-by-copy) inputs', () => {
    const { rows, cols, values } = randomCoo(5, 300, 10, 10);
    const [r0, c0, v0] = [rows.slice(), cols.slice(), values.slice()];
    CsrMatrix.fromCoo(rows, cols, values, 10, 10, { duplicates: 'max' });
    expect([rows, cols, values]).toEqual([r0, c0, v0]);
  });

  it('handles empty matrices', () => {
    const e = new Int32Array(0);
    const m = CsrMatrix.fromCoo(e, e, null, 3, 2);
    expect(m.nnz).toBe(0);
    expect(Array.from(m.indptr)).toEqual([0, 0, 0, 0]);
    expect(m.rowSums()).toEqual(new Float64Array(3));
    expect(m.transpose().nRows).toBe(2);
    const z = CsrMatrix.fromCoo(e, e, new Float64Array(0), 0, 0);
    expect(z.toDense()).toEqual([]);
    expect(CsrMatrix.fromJSON(z.toJSON()).nRows).toBe(0);
  });

  it('keeps explicit zeros and zero sums as stored entries', () => {
    const m = CsrMatrix.fromCoo(Int32Array.of(0, 0, 0), Int32Array.of(0, 1, 1), Float64Array.of(0, 2, -2), 1, 2);
    expect(m.nnz).toBe(2);
    expect(Array.from(m.data)).toEqual([0, 0]);
  });

  it('errors: E_SHAPE, E_LENGTH, E_INDEX_RANGE, E_NUMBER, E_OPTION_RANGE', () => {
    const one = Int32Array.of(0);
    expect(() => CsrMatrix.fromCoo(one, one, null, -1, 1)).toThrow(expect.objectContaining({ code: 'E_SHAPE', field: 'nRows' }));
    expect(() => CsrMatrix.fromCoo(one, one, null, 1, 1.5)).toThrow(expect.objectContaining({ code: 'E_SHAPE', field: 'nCols' }));
    expect(() => CsrMatrix.fromCoo(one, Int32Array.of(0, 0), null, 1, 1)).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => CsrMatrix.fromCoo(one, one, new Float64Array(2), 1, 1)).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => CsrMatrix.fromCoo(Int32Array.of(1), one, null, 1, 1)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', field: 'rows', row: 0 }));
    expect(() => CsrMatrix.fromCoo(one, Int32Array.of(-1), null, 1, 1)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', field: 'cols' }));
    expect(() => CsrMatrix.fromCoo(one, one, Float64Array.of(Number.NaN), 1, 1)).toThrow(expect.objectContaining({ code: 'E_NUMBER' }));
    expect(() => CsrMatrix.fromCoo(one, one, null, 1, 1, { duplicates: 'min' as DuplicatePolicy })).toThrow(OptionsError);
    expect(() => CsrMatrix.fromCoo(one, one, null, 1, 1, { duplicates: 'min' as DuplicatePolicy })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
  });
});

describe('CsrMatrix methods', () => {
  const { rows, cols, values } = randomCoo(9, 800, 40, 30);
  const m = CsrMatrix.fromCoo(rows, cols, values, 40, 30);
  const dense = m.toDense();

  it('get agrees with the dense form everywhere', () => {
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) expect(m.get(i, j)).toBe(dense[i]?.[j]);
  });

  it('transpose twice is the identity; transpose swaps entries', () => {
    const t = m.transpose();
    checkStructure(t);
    expect([t.nRows, t.nCols, t.nnz]).toEqual([30, 40, m.nnz]);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) expect(t.get(j, i)).toBe(m.get(i, j));
    expect(t.transpose().toJSON()).toEqual(m.toJSON());
  });

  it('round-trips through JSON exactly', () => {
    const back = CsrMatrix.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.indptr).toEqual(m.indptr);
    expect(back.indices).toEqual(m.indices);
    expect(back.data).toEqual(m.data);
    expect(back.nCols).toBe(30);
  });

  it('row returns views of the stored entries', () => {
    const r = m.row(3);
    expect(r.indices.buffer).toBe(m.indices.buffer);
    for (let p = 0; p < r.indices.length; p++) expect(dense[3]?.[r.indices[p] as number]).toBe(r.values[p]);
    expect(m.rowNnz(3)).toBe(r.indices.length);
  });

  it('rowSlice and selectRows pick the right rows', () => {
    const s = m.rowSlice(5, 12);
    checkStructure(s);
    expect(s.toDense()).toEqual(dense.slice(5, 12));
    expect(m.rowSlice(4, 4).nRows).toBe(0);
    const sel = m.selectRows([7, 0, 7, 39]);
    checkStructure(sel);
    expect(sel.toDense()).toEqual([dense[7], dense[0], dense[7], dense[39]]);
    expect(m.selectRows(new Int32Array(0)).nRows).toBe(0);
  });

  it('rowSums, colSums and toCoo agree with the dense form', () => {
    const rs = m.rowSums();
    const cs = m.colSums();
    for (let i = 0; i < 40; i++) expect(rs[i]).toBeCloseTo((dense[i] as Float64Array).reduce((a, b) => a + b, 0), 9);
    for (let j = 0; j < 30; j++) expect(cs[j]).toBeCloseTo(dense.reduce((a, row) => a + (row[j] as number), 0), 9);
    const coo = m.toCoo();
    expect(CsrMatrix.fromCoo(coo.rows, coo.cols, coo.values, 40, 30).toJSON()).toEqual(m.toJSON());
  });

  it('doc examples of the methods', () => {
    expect(CsrMatrix.fromCoo(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1), Float64Array.of(1, 2, 3), 2, 2).rowSums()).toEqual(Float64Array.of(3, 3));
    expect(CsrMatrix.fromCoo(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1), Float64Array.of(1, 2, 3), 2, 2).colSums()).toEqual(Float64Array.of(1, 5));
    expect(CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), Float64Array.of(2), 1, 1).toJSON()).toEqual({ nRows: 1, nCols: 1, indptr: [0, 1], indices: [0], data: [2] });
    expect(CsrMatrix.fromParts({ nRows: 2, nCols: 2, indptr: [0, 1, 1], indices: [1], data: [9] }).get(0, 1)).toBe(9);
    expect(CsrMatrix.fromCoo(Int32Array.of(1, 0), Int32Array.of(0, 1), null, 2, 2).toCoo().rows).toEqual(Int32Array.of(0, 1));
  });

  it('range errors are E_INDEX_RANGE; toDense refuses big matrices with E_TOO_LARGE', () => {
    expect(() => m.get(40, 0)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => m.get(0, 30)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', field: 'column' }));
    expect(() => m.row(-1)).toThrow(ValidationError);
    expect(() => m.rowNnz(1.5)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => m.rowSlice(3, 2)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', field: 'end' }));
    expect(() => m.rowSlice(-1, 2)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', field: 'start' }));
    expect(() => m.selectRows([0, 40])).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => m.toDense({ maxCells: 100 })).toThrow(expect.objectContaining({ code: 'E_TOO_LARGE' }));
    const big = CsrMatrix.fromCoo(new Int32Array(0), new Int32Array(0), null, 100_000, 100_000);
    expect(() => big.toDense()).toThrow(expect.objectContaining({ code: 'E_TOO_LARGE' }));
  });

  it('fromParts copies and checks its arrays (E_CSR_STRUCTURE, E_SHAPE)', () => {
    const indptr = [0, 2, 3];
    const parts = { nRows: 2, nCols: 3, indptr, indices: [0, 2, 1], data: [1, 2, 3] };
    const a = CsrMatrix.fromParts(parts);
    indptr[1] = 1;
    expect(a.rowNnz(0)).toBe(2);
    const bad = (p: Partial<typeof parts>) => () => CsrMatrix.fromParts({ ...parts, indptr: [0, 2, 3], ...p });
    expect(bad({ indptr: [0, 2] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indptr: [0, 3, 2] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indptr: [1, 2, 3] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indptr: [0, 1.5, 3] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indices: [2, 0, 1] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indices: [0, 0, 1] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ indices: [0, 3, 1] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ data: [1, 2] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(bad({ data: [1, Number.NaN, 3] })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(() => CsrMatrix.fromJSON(null as never)).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(() => CsrMatrix.fromParts({ ...parts, indices: 'x' as never })).toThrow(expect.objectContaining({ code: 'E_CSR_STRUCTURE' }));
    expect(() => CsrMatrix.fromParts({ ...parts, nRows: -2 })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});

describe('csrFromInteractions', () => {
  it('mirrors its doc example', () => {
    const { matrix, users, items } = csrFromInteractions([
      { userId: 'ann', itemId: 'tea' },
      { userId: 'bob', itemId: 'jam', weight: 2 },
      { userId: 'ann', itemId: 'tea' },
    ]);
    expect(matrix.get(users.index('ann'), items.index('tea'))).toBe(2);
    expect([matrix.nRows, matrix.nCols, matrix.nnz]).toEqual([2, 2, 2]);
  });

  it('matches a build through validateInteractions + IdIndex + fromCoo, frozen input untouched', () => {
    const rng = new Random(3);
    const rows = Object.freeze(
      Array.from({ length: 2000 }, () => Object.freeze({ userId: rng.next() < 0.5 ? `u${rng.int(50)}` : rng.int(50), itemId: `i${rng.int(30)}`, weight: rng.int(5) + 1 })),
    );
    for (const dup of ['sum', 'max', 'last'] as const) {
      const { matrix, users, items, dropped } = csrFromInteractions(rows, { duplicates: dup });
      expect(dropped).toBe(0);
      expect(users.ids()).toEqual([...new Set(rows.map((r) => r.userId))]);
      const expected = CsrMatrix.fromCoo(users.encode(rows.map((r) => r.userId)), items.encode(rows.map((r) => r.itemId)), Float64Array.from(rows, (r) => r.weight), users.size, items.size, {
        duplicates: dup,
      });
      expect(matrix.toJSON()).toEqual(expected.toJSON());
    }
  });

  it('uses fixed indexes; unknown ids throw E_UNKNOWN_ID or are dropped', () => {
    const users = IdIndex.from(['b', 'a']);
    const items = IdIndex.from(['x', 'y', 'z']);
    const data = [
      { userId: 'a', itemId: 'y' },
      { userId: 'c', itemId: 'x' },
      { userId: 'b', itemId: 'w' },
    ];
    expect(() => csrFromInteractions(data, { users, items })).toThrow(StateError);
    expect(() => csrFromInteractions(data, { users, items })).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ID', row: 1, field: 'userId' }));
    expect(() => csrFromInteractions([data[2] as never], { users, items })).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ID', field: 'itemId' }));
    const r = csrFromInteractions(data, { users, items, unknownIds: 'drop' });
    expect(r.dropped).toBe(2);
    expect([r.matrix.nRows, r.matrix.nCols, r.matrix.nnz]).toEqual([2, 3, 1]);
    expect(r.matrix.get(1, 1)).toBe(1);
    expect(r.users).toBe(users);
  });

  it('fails fast on the first bad row with the validator codes', () => {
    const good = { userId: 'u', itemId: 'i' };
    const cases: [unknown, string, string | undefined][] = [
      [7, 'E_NOT_OBJECT', undefined],
      [{ itemId: 'i' }, 'E_MISSING', 'userId'],
      [{ userId: 'u', itemId: Number.NaN }, 'E_ID_TYPE', 'itemId'],
      [{ ...good, weight: Number.NaN }, 'E_NUMBER', 'weight'],
      [{ ...good, weight: -1 }, 'E_NEGATIVE_WEIGHT', 'weight'],
      [{ ...good, timestamp: 'never' }, 'E_TIMESTAMP', 'timestamp'],
    ];
    for (const [row, code, field] of cases) {
      let err: unknown;
      try {
        csrFromInteractions([good, row as never, row as never]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code, row: 1, field, source: 'csrFromInteractions' });
    }
    expect(csrFromInteractions([{ ...good, weight: -1 }], { allowNegativeWeights: true }).matrix.get(0, 0)).toBe(-1);
  });

  it('empty input and option errors', () => {
    const r = csrFromInteractions([]);
    expect([r.matrix.nRows, r.matrix.nCols, r.matrix.nnz, r.users.size]).toEqual([0, 0, 0, 0]);
    expect(() => csrFromInteractions('x' as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => csrFromInteractions([], { users: ['a'] as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'users' }));
    expect(() => csrFromInteractions([], { unknownIds: 'skip' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => csrFromInteractions([], { duplicates: 'first' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => csrFromInteractions([], { allowNegativeWeights: 0 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => csrFromInteractions([], { dupes: 'sum' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });
});

describe('CsrMatrix doc examples', () => {
  it('are true', () => {
    const m = CsrMatrix.fromCoo(Int32Array.of(1), Int32Array.of(0), Float64Array.of(0.5), 2, 1);
    expect(CsrMatrix.fromJSON(JSON.parse(JSON.stringify(m))).get(1, 0)).toBe(0.5);
    expect(CsrMatrix.fromCoo(Int32Array.of(0, 0), Int32Array.of(0, 1), null, 2, 2).rowNnz(0)).toBe(2);
    const g = CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(1), Float64Array.of(2.5), 1, 3);
    expect([g.get(0, 1), g.get(0, 2)]).toEqual([2.5, 0]);
    expect(CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(2), null, 1, 3).transpose().get(2, 0)).toBe(1);
    expect(CsrMatrix.fromCoo(Int32Array.of(0, 1, 2), Int32Array.of(0, 0, 0), null, 3, 1).rowSlice(1, 3).nRows).toBe(2);
    expect(CsrMatrix.fromCoo(Int32Array.of(0, 1), Int32Array.of(0, 1), Float64Array.of(1, 2), 2, 2).selectRows([1, 1, 0]).get(1, 1)).toBe(2);
    expect(CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(1), null, 1, 2).toDense()).toEqual([Float64Array.of(0, 1)]);
  });

  it('refuses missing arrays, fractional or string indexes and string values', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string; field?: string }).code + ':' + (e as { field?: string }).field;
      }
      return 'no error';
    };
    expect(code(() => CsrMatrix.fromCoo(null as never, Int32Array.of(0), null, 1, 1))).toBe('E_INPUT:rows');
    expect(code(() => CsrMatrix.fromCoo(Int32Array.of(0), undefined as never, null, 1, 1))).toBe('E_INPUT:cols');
    expect(code(() => CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), undefined as never, 1, 1))).toBe('E_INPUT:values');
    expect(code(() => CsrMatrix.fromCoo([0.5] as never, [0] as never, null, 2, 1))).toBe('E_INDEX_RANGE:rows');
    expect(code(() => CsrMatrix.fromCoo(['1'] as never, [0] as never, null, 2, 1))).toBe('E_INDEX_RANGE:rows');
    expect(code(() => CsrMatrix.fromCoo([0] as never, [0] as never, ['0.05'] as never, 1, 1))).toBe('E_NUMBER:values');
    expect(code(() => CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), null, '1' as never, 1))).toBe('E_SHAPE:nRows');
    expect(code(() => CsrMatrix.fromParts({ nRows: 1, nCols: 1, indptr: [0, 1], indices: [0], data: ['0.05'] as never }))).toBe('E_CSR_STRUCTURE:data');
    const m = CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), null, 1, 1);
    expect(code(() => m.selectRows(null as never))).toBe('E_INPUT:indexes');
    expect(code(() => m.toDense({ maxCells: '5' as never }))).toBe('E_OPTION_RANGE:maxCells');
    expect(code(() => m.toDense({ maxCells: NaN }))).toBe('E_OPTION_RANGE:maxCells');
    expect(m.toDense({ maxCells: Infinity })).toEqual([Float64Array.of(1)]);
  });
});
