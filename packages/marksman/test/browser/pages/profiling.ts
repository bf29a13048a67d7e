import * as entry from '@marksman/profiling';
import { rfm } from '@marksman/profiling';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  const t = rfm(
    [
      { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
      { customerId: 'a', orderId: 2, timestamp: '2024-01-21', quantity: 2, amount: 30 },
      { customerId: 'b', orderId: 3, timestamp: '2024-01-11', quantity: 1, amount: 5 },
    ],
    { asOf: '2024-01-31' },
  );
  return { exports: Object.keys(entry).sort(), result: t.toRecords(), browser: null };
}
expose(smoke);
