// A seeded shop, and every parser, give the same result whatever the
// machine's time zone: a zone-less `start` is read as UTC (before, it was read
// in the local zone, so TZ=Asia/Tokyo moved the campaign 9 hours).
import { describe, expect, it } from 'vitest';
import { parseCdnow, parseMovieLensItems, parseOnlineRetail, simulateShop } from '@marksman/datasets';
import { inTimeZone, JANUARY_OFFSETS } from '../../../test-support/time-zone';

const WEEK_MS = 7 * 24 * 3600 * 1000;

describe('time-zone independence', () => {
  it('simulateShop with a zone-less start is the same shop in four machine zones, starting at UTC midnight', () => {
    const options = { customers: 60, items: 20, weeks: 12, acquisitionWeeks: 6, seed: 5, start: '2024-01-01T00:00:00', campaign: { startWeek: 8 } } as const;
    const shops = Object.keys(JANUARY_OFFSETS).map((zone) => inTimeZone(zone, () => simulateShop(options)));
    expect(shops[0]!.campaign.startTime).toBe(Date.UTC(2024, 0, 1) + 8 * WEEK_MS);
    for (const shop of shops.slice(1)) {
      expect(shop.campaign.startTime).toBe(shops[0]!.campaign.startTime);
      expect(shop.transactions).toEqual(shops[0]!.transactions);
      expect(shop.customers).toEqual(shops[0]!.customers);
    }
  });

  it('the parsers read dates the same way in every machine zone', () => {
    const read = () => ({
      cdnow: parseCdnow(' 00001 19970101  1   11.77\n').rows,
      items: parseMovieLensItems('1|Toy Story (1995)|01-Jan-1995||url|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n'),
      retail: parseOnlineRetail('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,x,1,12/1/2010 8:26,2.5,1,UK\n').lines,
    });
    const results = Object.keys(JANUARY_OFFSETS).map((zone) => inTimeZone(zone, read));
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });
});
