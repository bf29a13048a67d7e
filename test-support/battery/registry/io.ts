import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet, toArrow, writeParquet } from '@marksman/io';
import { args, fn } from '../case';
import type { Case } from '../case';

// toArrow takes the apache-arrow module; the battery gets an object with the one function it uses (a module
// namespace cannot be copied or frozen, and perturbing its hundreds of exports would test Arrow, not us).
const ARROW = { tableFromArrays: arrow.tableFromArrays, Table: arrow.Table };
const RECORDS = [
  { customerId: 'a', spend: 12.5, vip: true },
  { customerId: 'b', spend: 3, vip: false },
];
const PARQUET = writeParquet(RECORDS);

export const io = async (): Promise<Case[]> => [
  fn('toArrow', toArrow, args(RECORDS, ARROW), {
    options: null,
    nondeterministic: 'Arrow numbers dictionaries with a process-wide counter, so two equal tables differ in their dictionary ids',
    // A record that loses a field, or one whose value becomes null, NaN, ±Infinity, a boolean, a number or a
    // string, is still a table: Arrow holds missing values as nulls and each column's own type.
    returns: [/^a0\[\d+\]\.\w+(=.*| missing)$/, /^a0\[\d+\](=\{\}|\.extra=.*)$/, /^a0=\[\]$/, /^a1\.Table(=.*| missing|~.*)$/],
    // The module's Table class only names the result's type; toArrow never touches it.
    // A NaN or ±Infinity in a numeric column is a value Arrow's Float64 holds as such.
    garbage: [/^a0\[\d+\]\.\w+=(NaN|-?Infinity|1e308|-1e308)$/],
  }),
  fn('writeParquet', writeParquet, args(RECORDS, { compression: 'snappy', rowGroupSize: 1000 }), {
    // As toArrow: a record missing a field or with a null there is a row with a missing value; a record with
    // another number, string or boolean in a column of the same kind is data.
    returns: [/^a0\[\d+\]\.\w+(=(null|undefined|\d.*|-\d.*|NaN|-?Infinity|"[^"]*"|true|false)| missing)$/, /^a0\[\d+\](=\{\}|\.extra=.*)$/, /^a0=\[\]$/, /^a1\.rowGroupSize=\d+$/],
    garbage: [/^a0\[\d+\]\.\w+=(NaN|-?Infinity|1e308|-1e308)$/],
  }),
  fn('readParquet', readParquet, args(PARQUET, { columns: ['spend', 'customerId'] }), {
    // The file's bytes: any other byte array is a different file (read or refused with E_PARQUET); columns
    // null means all.
    returns: [/^a1\.columns=null$/, /^a1\.columns=\[\]$/],
    skip: [/^a0\[\d+\]=/],
  }),
];

/** The Node file helpers write to a scratch folder. */
export const ioNode = async (): Promise<Case[]> => {
  const { readParquetFile, writeParquetFile } = await import('@marksman/io/node');
  const root = mkdtempSync(join(tmpdir(), 'marksman-io-battery-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'rows.parquet');
  await writeParquetFile(file, RECORDS);
  return [
    fn('readParquetFile', readParquetFile, args(file, { columns: ['spend'] }), { returns: [/^a1\.columns=null$/, /^a1\.columns=\[\]$/] }),
    fn('writeParquetFile', writeParquetFile, args(join(root, 'out.parquet'), RECORDS, { compression: 'none' }), {
      // A string ('0.05') in place of the path is a valid relative path: the call would write that file in the
      // test's working folder (the repository), so those perturbations are not run.
      skip: [/^a0='0\.05'$/],
      returns: [/^a1\[\d+\]\.\w+(=(null|undefined|\d.*|-\d.*|NaN|-?Infinity|"[^"]*"|true|false)| missing)$/, /^a1\[\d+\](=\{\}|\.extra=.*)$/, /^a1=\[\]$/],
      garbage: [/^a1\[\d+\]\.\w+=(NaN|-?Infinity|1e308|-1e308)$/],
    }),
  ];
};
