import * as entry from '@marksman/datasets';
import { parseHillstrom, parseMovieLensRatings, parseOnlineRetail, simulateShop } from '@marksman/datasets';
import { expose, type Smoke } from './smoke';

const HILLSTROM =
  'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend\r\n' +
  '10,"6) $750 - $1,000",809.26,0,1,Surburban,1,Web,Womens E-Mail,1,1,42.5\r\n';
const RETAIL =
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
  '536365,85123A,"TWO\nLINES ""QUOTED""",6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n';

export async function smoke(): Promise<Smoke> {
  const shop = simulateShop({ seed: 1, customers: 200, items: 40 });
  return {
    exports: Object.keys(entry).sort(),
    result: {
      shop: [shop.customers.length, shop.transactions.length, shop.events.length, shop.transactions[0]],
      hillstrom: parseHillstrom(HILLSTROM)[0]!.historySegment,
      retail: parseOnlineRetail(RETAIL).lines[0]!.description,
      movielens: parseMovieLensRatings('196\t242\t3\t881250949\n').rows[0],
    },
    browser: null,
  };
}
expose(smoke);
