/**
 * Datasets benchmark: how long the synthetic shop takes to generate at its
 * default size, and how long each public data set takes to parse from text
 * already in memory (file reading excluded). Real data sets are skipped when
 * absent from the data directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateShop, parseCdnow, parseHillstrom, parseMovieLensRatings, parseOnlineRetail } from '@marksman/datasets';
import { timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'datasets-generate-parse',
  title: 'simulateShop at default size; parsing MovieLens 100K, CDNOW, Hillstrom, Online Retail',
  protocol:
    'simulateShop() with defaults (10,000 customers, 2,000 items, 52 weeks, seed 0): median of 3 runs after 1 warm-up, ' +
    'rows = order lines + events. Parsers: the file read once as UTF-8, then parse* timed on the string (median of 3 ' +
    'after 1 warm-up); rows = records returned. Quick mode: 2,000 customers, parsers on the smaller files only.',
};

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const customers = ctx.quick ? 2_000 : 10_000;
  let shopRows = 0;
  const sim = await timeIt(() => {
    const s = simulateShop({ customers });
    shopRows = s.transactions.length + s.events.length;
  }, 3, 1);
  rows.push({ case: `simulateShop (${customers} customers)`, rows: shopRows, 'median s': Number(sim.median.toPrecision(4)) });

  const cases: Array<[string, string, (text: string) => number, boolean]> = [
    ['parseMovieLensRatings (u.data)', 'movielens-100k/u.data', (t) => parseMovieLensRatings(t).kept, true],
    ['parseCdnow (CDNOW_master.txt)', 'cdnow/CDNOW_master.txt', (t) => parseCdnow(t).kept, true],
    ['parseHillstrom (hillstrom.csv)', 'hillstrom/hillstrom.csv', (t) => parseHillstrom(t).length, true],
    ['parseOnlineRetail (online_retail.csv)', 'online-retail/online_retail.csv', (t) => parseOnlineRetail(t).lines.length, false],
  ];
  for (const [name, rel, parse, small] of cases) {
    const file = join(ctx.dataDir, rel);
    if (!existsSync(file)) {
      notes.push(`${name}: skipped, ${file} not found.`);
      continue;
    }
    if (ctx.quick && !small) {
      notes.push(`${name}: skipped in quick mode.`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    let n = 0;
    const t = await timeIt(() => {
      n = parse(text);
    }, 3, 1);
    rows.push({ case: name, rows: n, 'median s': Number(t.median.toPrecision(4)) });
  }
  notes.push('Single-threaded Node; the machine (2 cores) was shared with other jobs when this ran, so times are upper bounds.');
  return { rows, notes };
}
