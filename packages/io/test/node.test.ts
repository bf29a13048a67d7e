// @marksman/io/node: Parquet files on disk round-trip; bad paths get typed errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMarksmanError } from '@marksman/core';
import { readParquetFile, writeParquetFile } from '@marksman/io/node';

const dir = mkdtempSync(join(tmpdir(), 'marksman-io-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejected(p: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (!isMarksmanError(e)) throw e;
    return { code: e.code, field: e.field };
  }
  throw new Error('expected a rejection');
}

describe('Parquet files', () => {
  it('write → read gives the same columns', async () => {
    const file = join(dir, 'a.parquet');
    const data = Object.freeze({ id: Object.freeze(['a', 'b', 'c']), spend: Float64Array.of(1.25, -0, 1e300), n: Int32Array.of(-1, 0, 7) });
    await writeParquetFile(file, data);
    const back = await readParquetFile(file);
    expect(back).toEqual({ id: ['a', 'b', 'c'], spend: Float64Array.of(1.25, -0, 1e300), n: Int32Array.of(-1, 0, 7) });
    expect(Object.is(back.spend![1], -0)).toBe(true);
  });

  it('E_FILE_MISSING for a file that is not there, E_FILE_WRITE for a folder that is not there, E_INPUT for a bad path', async () => {
    expect(await rejected(readParquetFile(join(dir, 'none.parquet')))).toEqual({ code: 'E_FILE_MISSING', field: 'path' });
    expect(await rejected(writeParquetFile(join(dir, 'no', 'such', 'x.parquet'), { a: [1] }))).toEqual({ code: 'E_FILE_WRITE', field: 'path' });
    expect(await rejected(readParquetFile('' as string))).toEqual({ code: 'E_INPUT', field: 'path' });
    expect(await rejected(writeParquetFile(42 as unknown as string, { a: [1] }))).toEqual({ code: 'E_INPUT', field: 'path' });
  });
});
