import * as entry from '@marksman/io';
import { readParquet, writeParquet } from '@marksman/io';
import { rfm } from '@marksman/profiling';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  // Parquet written and read back in the page (hyparquet is pure JavaScript), then read by a Marksman function.
  const bytes = writeParquet({
    customerId: ['a', 'b', 'a', 'c'],
    orderId: ['o1', 'o2', 'o3', 'o4'],
    timestamp: Float64Array.of(Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 20), Date.UTC(2024, 1, 1)),
    amount: Float64Array.of(12.5, 3, 7.25, 40),
  });
  const cols = await readParquet(bytes);
  const profiles = rfm({ customerId: cols.customerId as string[], orderId: cols.orderId as string[], timestamp: cols.timestamp as Float64Array, amount: cols.amount as Float64Array }, { asOf: Date.UTC(2024, 1, 10) });
  return {
    exports: Object.keys(entry).sort(),
    result: { magic: Array.from(bytes.subarray(0, 4)), columns: Object.keys(cols).sort(), amount: Array.from(cols.amount as Float64Array), rfm: profiles.toRecords() },
    browser: null,
  };
}
expose(smoke);
