import * as entry from '@marksman/experiments';
import { proportionsZTest } from '@marksman/experiments';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  const r = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
  return { exports: Object.keys(entry).sort(), result: { diff: r.diff.toFixed(10), pValue: r.pValue.toFixed(10) }, browser: null };
}
expose(smoke);
