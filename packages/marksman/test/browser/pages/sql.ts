import * as entry from '@marksman/sql';
import { clvSummarySql, experimentStatsFromRows, experimentStatsSql, quoteIdentifier } from '@marksman/sql';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  // The generators are pure text: the page must write the same SQL as Node.
  const metrics = [{ name: 'spend', kind: 'mean', value: 'spend', covariates: ['pre'] }] as const;
  return {
    exports: Object.keys(entry).sort(),
    result: {
      clv: clvSummarySql({ dialect: 'bigquery', table: ['shop', 'lines'], asOf: '2024-01-30', calibrationEnd: '2024-01-10', timeUnit: 'month' }),
      stats: experimentStatsSql({ dialect: 'snowflake', table: 'units', metrics, dimension: 'device' }),
      rows: experimentStatsFromRows([{ variant: 'A', segment: 'web', m0_n: '3', m0_sum: 6, m0_sum_squares: 14, m0_z0_sum: 3, m0_z0_z0: 5, m0_z0_y: 8 }], metrics),
      quoted: quoteIdentifier('a"b', 'postgres'),
    },
    browser: null,
  };
}
expose(smoke);
