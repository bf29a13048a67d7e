import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCdnow, parseHillstrom, parseMovieLensItems, parseMovieLensRatings, parseMovieLensUsers, parseOnlineRetail, readOnlineRetail, simulateShop } from '@marksman/datasets';
import { args, fn } from '../case';
import type { Case } from '../case';

const ML_RATINGS = '196\t242\t3\t881250949\n186\t302\t3\t891717742\n';
const ML_ITEMS = '1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n';
const ML_USERS = '1|24|M|technician|85711\n2|53|F|other|94043\n';
const CDNOW = ' 00001 19970101  1   11.77\n 00002 19970112  2   20.00\n';
const HILLSTROM =
  'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend\r\n' +
  '10,"6) $750 - $1,000",809.26,0,1,Surburban,1,Web,Womens E-Mail,1,0,0\r\n';
const RETAIL =
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n' +
  'C536379,D,Discount,-1,12/1/2010 9:41,27.5,,United Kingdom\n';

export const datasets = async (): Promise<Case[]> => [
  // The default shop (5,000 customers) takes seconds: its defaults are covered by simulateShop's own tests.
  fn('simulateShop', simulateShop, args({ customers: 30, items: 12, categories: 3, segments: 2, acquisitionWeeks: 2, seed: 1 }), { skip: [/^a0(=(undefined|null|\{\})| missing)$/, /^a0\.customers(=(undefined|null)| missing)$/] }),
  fn('parseMovieLensRatings', parseMovieLensRatings, args(ML_RATINGS, { file: 'u.data' })),
  fn('parseMovieLensItems', parseMovieLensItems, args(ML_ITEMS, { file: 'u.item' })),
  fn('parseMovieLensUsers', parseMovieLensUsers, args(ML_USERS, { file: 'u.user' })),
  fn('parseCdnow', parseCdnow, args(CDNOW, { file: 'CDNOW_master.txt', format: 'master' })),
  fn('parseHillstrom', parseHillstrom, args(HILLSTROM, { file: 'hillstrom.csv' })),
  fn('parseOnlineRetail', parseOnlineRetail, args(RETAIL, { file: 'online_retail.csv' })),
  fn('readOnlineRetail', readOnlineRetail, () => [new RetailChunks(), { file: 'online_retail.csv', sizeHint: 0 }]),
];

/** The retail sample as a reusable async iterable of byte chunks (a class instance: shared by the battery, not copied). */
class RetailChunks {
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const bytes = new TextEncoder().encode(RETAIL);
    for (let at = 0; at < bytes.length; at += 50) yield bytes.slice(at, at + 50);
  }
}

/**
 * The Node loaders read a scratch folder holding tiny copies of each file;
 * MARKSMAN_DATA_DIR points there too (in the worker process only), so that
 * the default folder is the scratch one and never the licensed data.
 */
export const datasetsNode = async (): Promise<Case[]> => {
  const { dataDir, loadCdnow, loadHillstrom, loadMovieLens100k, loadOnlineRetail } = await import('@marksman/datasets/node');
  const root = mkdtempSync(join(tmpdir(), 'marksman-battery-'));
  const put = (folder: string, file: string, text: string) => {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, file), text);
  };
  put('movielens-100k', 'u.data', ML_RATINGS);
  put('movielens-100k', 'u.item', ML_ITEMS);
  put('movielens-100k', 'u.user', ML_USERS);
  put('cdnow', 'CDNOW_sample.txt', CDNOW);
  put('cdnow', 'CDNOW_master.txt', CDNOW);
  put('hillstrom', 'hillstrom.csv', HILLSTROM);
  put('online-retail', 'online_retail.csv', RETAIL);
  process.env.MARKSMAN_DATA_DIR = root;
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  // An absent folder (undefined or null) means the default one, documented.
  const dirDefault = [/^a0=(undefined|null)$/, /^a0 missing$/];
  return [
    fn('dataDir', dataDir, args()),
    fn('loadMovieLens100k', loadMovieLens100k, args(join(root, 'movielens-100k')), { returns: dirDefault }),
    fn('loadCdnow', loadCdnow, args(join(root, 'cdnow'), { file: 'CDNOW_master.txt', format: 'master' }), { returns: dirDefault }),
    fn('loadHillstrom', loadHillstrom, args(join(root, 'hillstrom')), { returns: dirDefault }),
    fn('loadOnlineRetail', loadOnlineRetail, args(join(root, 'online-retail')), { returns: dirDefault }),
  ];
};
