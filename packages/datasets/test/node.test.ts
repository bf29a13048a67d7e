import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateInteractions, validateTransactions } from '@marksman/core';
import { dataDir, loadCdnow, loadHillstrom, loadMovieLens100k, loadOnlineRetail } from '@marksman/datasets/node';
import { skipUnless } from '../../../test-support/skip';

const DATA = dataDir();
const has = (...parts: string[]) => existsSync(path.join(DATA, ...parts));
const skipNote = (what: string) => `${what} (skipped when absent: put it under ${DATA} or set MARKSMAN_DATA_DIR)`;

describe('dataDir', () => {
  it('uses MARKSMAN_DATA_DIR when set, else ../shared/datasets from the working directory', () => {
    const saved = process.env.MARKSMAN_DATA_DIR;
    try {
      process.env.MARKSMAN_DATA_DIR = '/data/marksman';
      expect(dataDir()).toBe('/data/marksman');
      delete process.env.MARKSMAN_DATA_DIR;
      expect(dataDir()).toBe(path.resolve(process.cwd(), '../shared/datasets'));
    } finally {
      if (saved === undefined) delete process.env.MARKSMAN_DATA_DIR;
      else process.env.MARKSMAN_DATA_DIR = saved;
    }
  });
});

describe('loaders on a scratch folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'marksman-datasets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a folder that is not a string and a file option that is not a name, before touching the disk', () => {
    for (const load of [loadCdnow, loadHillstrom, loadMovieLens100k, loadOnlineRetail] as ((dir?: unknown, o?: unknown) => unknown)[]) {
      for (const dir of [5, '', {}, ['a']]) expect(() => load(dir)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'dir' }));
    }
    expect(() => loadCdnow(dir, { file: 5 as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'file' }));
    expect(() => loadCdnow(dir, { fil: 'x' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });

  it('a missing file is E_FILE_MISSING naming the path', () => {
    for (const load of [() => loadHillstrom(dir), () => loadCdnow(dir), () => loadMovieLens100k(dir), () => loadOnlineRetail(dir)]) {
      expect(load).toThrow(expect.objectContaining({ name: 'ParseError', code: 'E_FILE_MISSING' }));
    }
    expect(() => loadHillstrom(dir)).toThrow(expect.objectContaining({ file: path.join(dir, 'hillstrom.csv') }));
  });

  it('a malformed line is E_PARSE naming the full path and line', () => {
    writeFileSync(path.join(dir, 'CDNOW_sample.txt'), ' 00004 0001 19970101  2   29.33\r\n 00004 0001 1997013  2   29.73\r\n');
    expect(() => loadCdnow(dir, { file: 'CDNOW_sample.txt' })).toThrow(
      expect.objectContaining({ code: 'E_PARSE', line: 2, file: path.join(dir, 'CDNOW_sample.txt') }),
    );
  });

  it('decodes u.item as latin-1', () => {
    writeFileSync(path.join(dir, 'u.data'), '1\t1\t5\t881250949\n');
    writeFileSync(path.join(dir, 'u.user'), '1|24|M|technician|85711\n');
    const line = '1|Café (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n';
    writeFileSync(path.join(dir, 'u.item'), Buffer.from(line, 'latin1'));
    const ml = loadMovieLens100k(dir);
    expect(ml.items[0]!.title).toBe('Café (1995)');
    expect(ml.ratings.kept).toBe(1);
    expect(ml.users).toHaveLength(1);
  });
});

describe('the main entry stays browser-safe', () => {
  it('no source file outside src/node.ts and src/node/ imports a Node built-in', () => {
    const src = path.resolve(__dirname, '../src');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = path.join(d, name);
        if (statSync(p).isDirectory()) {
          if (p !== path.join(src, 'node')) walk(p);
        } else if (p !== path.join(src, 'node.ts')) files.push(p);
      }
    };
    walk(src);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toMatch(/from '(node:|fs'|path')/);
  });
});

describe.skipIf(skipUnless(has('movielens-100k', 'u.data'), 'datasets: MovieLens 100K', `${DATA}/movielens-100k/u.data is absent (set MARKSMAN_DATA_DIR)`))(skipNote('MovieLens 100K real files'), () => {
  it('has 100,000 ratings by 943 users of 1,682 items, with the published rating counts', () => {
    const ml = loadMovieLens100k();
    expect(ml.ratings.kept).toBe(100_000);
    expect(ml.ratings.rejected).toHaveLength(0);
    expect(new Set(ml.ratings.rows.map((r) => r.userId)).size).toBe(943);
    expect(new Set(ml.ratings.rows.map((r) => r.itemId)).size).toBe(1682);
    expect(ml.items).toHaveLength(1682);
    expect(ml.users).toHaveLength(943);
    const counts = [0, 0, 0, 0, 0];
    for (const r of ml.ratings.rows) counts[r.weight - 1]!++;
    expect(counts).toEqual([6110, 11370, 27145, 34174, 21201]);
    expect(ml.items[0]!.title).toBe('Toy Story (1995)');
    expect(validateInteractions(ml.ratings.rows).rejected).toHaveLength(0);
  });
});

describe.skipIf(skipUnless(has('cdnow', 'CDNOW_master.txt'), 'datasets: CDNOW', `${DATA}/cdnow/CDNOW_master.txt is absent (set MARKSMAN_DATA_DIR)`))(skipNote('CDNOW real files'), () => {
  it('master: 69,659 rows, 23,570 customers, totals as in the provenance note', () => {
    const r = loadCdnow();
    expect(r.kept).toBe(69_659);
    expect(new Set(r.rows.map((x) => x.customerId)).size).toBe(23_570);
    expect(r.rows.reduce((s, x) => s + x.quantity, 0)).toBe(167_881);
    expect(r.rows.reduce((s, x) => s + x.amount, 0)).toBeCloseTo(2_500_315.63, 2);
    expect(new Set(r.rows.map((x) => x.orderId)).size).toBe(69_659);
    expect(validateTransactions(r.rows).rejected).toHaveLength(0);
  });

  it('sample: 6,919 rows of 2,357 customers, each also a master row', () => {
    const s = loadCdnow(undefined, { file: 'CDNOW_sample.txt' });
    expect(s.kept).toBe(6_919);
    expect(new Set(s.rows.map((x) => x.customerId)).size).toBe(2_357);
    const master = new Set(loadCdnow().rows.map((x) => `${x.orderId}|${x.quantity}|${x.amount}`));
    expect(s.rows.every((x) => master.has(`${x.orderId}|${x.quantity}|${x.amount}`))).toBe(true);
  });
});

describe.skipIf(skipUnless(has('hillstrom', 'hillstrom.csv'), 'datasets: Hillstrom', `${DATA}/hillstrom/hillstrom.csv is absent (set MARKSMAN_DATA_DIR)`))(skipNote('Hillstrom real file'), () => {
  it('has 64,000 rows and the published per-arm visit rates', () => {
    const rows = loadHillstrom();
    expect(rows).toHaveLength(64_000);
    const rate = (seg: string) => {
      const arm = rows.filter((r) => r.segment === seg);
      return { n: arm.length, visit: arm.reduce((s, r) => s + r.visit, 0) / arm.length, conv: arm.reduce((s, r) => s + r.conversion, 0) };
    };
    expect(rate('Mens E-Mail')).toMatchObject({ n: 21_307, conv: 267 });
    expect(rate('Womens E-Mail')).toMatchObject({ n: 21_387, conv: 189 });
    expect(rate('No E-Mail')).toMatchObject({ n: 21_306, conv: 122 });
    expect(rate('Mens E-Mail').visit).toBeCloseTo(0.182757, 6);
    expect(rate('Womens E-Mail').visit).toBeCloseTo(0.1514, 6);
    expect(rate('No E-Mail').visit).toBeCloseTo(0.106167, 6);
    expect(rows.filter((r) => r.historySegment === '7) $1,000 +').length).toBeGreaterThan(0);
  });
});

describe.skipIf(skipUnless(has('online-retail', 'online_retail.csv'), 'datasets: UCI Online Retail', `${DATA}/online-retail/online_retail.csv is absent (set MARKSMAN_DATA_DIR)`))(skipNote('UCI Online Retail real file'), () => {
  it('keeps all 541,909 lines; the 135,080 without CustomerID are reported, cancellations flagged', () => {
    const r = loadOnlineRetail();
    expect(r.lines).toHaveLength(541_909);
    expect(r.transactions.kept).toBe(541_909 - 135_080);
    expect(r.transactions.countsByCode).toEqual({ E_CUSTOMER_MISSING: 135_080 });
    expect(r.lines.filter((l) => l.cancelled)).toHaveLength(9_288);
    expect(r.lines.reduce((s, l) => s + l.quantity, 0)).toBe(5_176_450);
    expect(new Set(r.transactions.rows.map((t) => t.customerId)).size).toBe(4_372);
    expect(new Set(r.lines.map((l) => l.invoiceNo)).size).toBe(25_900);
    expect(r.transactions.rows.reduce((s, t) => s + t.amount, 0)).toBeGreaterThan(0);
  });
});
