// The boundary of @marksman/datasets: garbage in any argument, option or
// nested option gives a Marksman error (E_PARSE, E_OPTION_RANGE, …), never a
// raw TypeError or RangeError.
import { describe, expect, it } from 'vitest';
import { isMarksmanError } from '@marksman/core';
import { parseCdnow, parseHillstrom, parseMovieLensItems, parseMovieLensRatings, parseMovieLensUsers, parseOnlineRetail, simulateShop } from '@marksman/datasets';
import { loadCdnow, loadHillstrom, loadMovieLens100k, loadOnlineRetail } from '@marksman/datasets/node';

const GARBAGE: readonly unknown[] = [null, NaN, Infinity, -Infinity, 1e308, -1, 1.5, '0.05', '', true, Symbol('s'), 10n, {}, [], [null], [NaN], () => 1, new Date(NaN), new Map()];

function escapes(label: string, f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (!isMarksmanError(e)) return [`${label}: ${String(e)}`];
  }
  return [];
}

const show = (v: unknown) => (typeof v === 'symbol' ? 'Symbol()' : typeof v === 'bigint' ? `${v}n` : Array.isArray(v) ? `[${v.map(String).join(',')}]` : String(v));

describe('bad input never escapes as a raw engine error', () => {
  it('parsers and loaders, in every argument position', () => {
    const calls: [string, (a: unknown, b: unknown) => unknown][] = [
      ['parseCdnow', (a, b) => parseCdnow(a as never, b as never)],
      ['parseHillstrom', (a, b) => parseHillstrom(a as never, b as never)],
      ['parseMovieLensItems', (a, b) => parseMovieLensItems(a as never, b as never)],
      ['parseMovieLensRatings', (a, b) => parseMovieLensRatings(a as never, b as never)],
      ['parseMovieLensUsers', (a, b) => parseMovieLensUsers(a as never, b as never)],
      ['parseOnlineRetail', (a, b) => parseOnlineRetail(a as never, b as never)],
      ['loadCdnow', (a, b) => loadCdnow(a as never, b as never)],
      ['loadHillstrom', (a) => loadHillstrom(a as never)],
      ['loadMovieLens100k', (a) => loadMovieLens100k(a as never)],
      ['loadOnlineRetail', (a) => loadOnlineRetail(a as never)],
    ];
    const escaped: string[] = [];
    for (const [name, f] of calls) {
      for (const bad of GARBAGE) {
        // (a loader given null reads the default data folder: a valid call, and slow, so it is left out)
        if (!(name.startsWith('load') && bad === null)) escaped.push(...escapes(`${name}(${show(bad)})`, () => f(bad, undefined)));
        escaped.push(...escapes(`${name}('', ${show(bad)})`, () => f('/nonexistent-marksman-dir', bad)));
        escaped.push(...escapes(`${name}('', { file: ${show(bad)} })`, () => f('', { file: bad })));
      }
    }
    expect(escaped).toEqual([]);
  });

  it('simulateShop, for every option and nested option', () => {
    const base = { customers: 5, items: 3, weeks: 4, acquisitionWeeks: 2, campaign: { startWeek: 3, weeks: 1 } };
    const keys = ['seed', 'customers', 'items', 'categories', 'segments', 'start', 'weeks', 'acquisitionWeeks', 'factors', 'separation', 'bgnbd', 'gammaGamma',
      'linesPerOrder', 'browsePerPurchase', 'viewsPerSession', 'popularitySd', 'interactions', 'campaign', 'signal', 'onProgress'];
    const nested: Record<string, string[]> = {
      bgnbd: ['r', 'alpha', 'a', 'b'],
      gammaGamma: ['p', 'q', 'gamma'],
      campaign: ['name', 'arms', 'weights', 'conversionEffects', 'spendMultipliers', 'segmentMultipliers', 'startWeek', 'weeks', 'openRate'],
    };
    const escaped: string[] = [];
    for (const bad of GARBAGE) {
      // (null and {} mean "all defaults": a valid, full-size simulation, left out for speed)
      if (bad !== null && !(typeof bad === 'object' && Object.getPrototypeOf(bad) === Object.prototype)) {
        escaped.push(...escapes(`simulateShop(${show(bad)})`, () => simulateShop(bad as never)));
      }
      for (const key of keys) escaped.push(...escapes(`simulateShop({ ${key}: ${show(bad)} })`, () => simulateShop({ ...base, [key]: bad } as never)));
      for (const [outer, inner] of Object.entries(nested)) {
        for (const key of inner) {
          const options = { ...base, [outer]: { ...(outer === 'campaign' ? base.campaign : {}), [key]: bad } };
          escaped.push(...escapes(`simulateShop({ ${outer}: { ${key}: ${show(bad)} } })`, () => simulateShop(options as never)));
        }
      }
    }
    expect(escaped).toEqual([]);
  }, 120_000);
});
