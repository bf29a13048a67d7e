import * as entry from '@marksman/core';
import { Random, Table } from '@marksman/core';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  const rng = new Random(7);
  const table = Table.fromRecords([
    { id: 'a', spend: 2 },
    { id: 'b', spend: 5 },
  ]);
  return { exports: Object.keys(entry).sort(), result: { draws: [rng.int(1000), rng.int(1000), rng.int(1000)], rows: table.toRecords() }, browser: null };
}
expose(smoke);
