// The demo (examples/demo.ts) on a small simulated shop: its summary keeps
// one number format, says what is adjusted and what the printed rules cover,
// and its report is one self-contained page whose every chart draws in
// headless Chromium without a page error or a network request. The Chromium
// part skips, saying why, when /usr/bin/chromium is absent (a failure under
// CI=true); it needs no build (the demo runs on the sources).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestMayRun, openInChromium, whyNoBrowser } from '../../test-support/chromium';
import { skipUnless } from '../../test-support/skip';
import { runDemo, type DemoResult } from '../demo/journey';
import { silentProgress } from '../demo/progress';

const dir = mkdtempSync(join(tmpdir(), 'marksman-demo-'));
let result: DemoResult;
let html: string;
const lines: string[] = [];

beforeAll(async () => {
  result = await runDemo({ seed: 7, customers: 1500, dataDir: undefined, outDir: dir, quick: true, out: (l) => lines.push(l), progress: silentProgress });
  html = readFileSync(result.reportPath, 'utf8');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo on a small simulated shop', () => {
  it('prints one number format: thousands separators, $ before amounts, p-values never in exponent form', () => {
    const text = lines.join('\n');
    // Numbers of four or more digits carry separators (dates, seeds and model sizes aside).
    const bare = text
      .replace(/\d{4}-\d{2}(-\d{2})?/g, '')
      .match(/(?<![\d.,])\d{4,}(?![\d-])/g);
    expect(bare).toBeNull();
    expect(text).not.toMatch(/\d\s?\$/); // never "112.9 $"
    expect(text).not.toMatch(/\d(\.\d+)?e[-+]\d/); // never 9.09e-14
    expect(text).toMatch(/\$\d[\d,]*\.\d\d/);
    expect(text).toContain('< 0.0001');
  });

  it('says which numbers are adjusted and labels CUPED against raw spend', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/Holm p/);
    expect(text).toMatch(/CIs are not adjusted/);
    expect(lines.some((l) => /spend\/customer, CUPED/.test(l))).toBe(true);
    expect(lines.some((l) => /spend\/customer, raw \(Welch\)/.test(l))).toBe(true);
  });

  it('prints every segment rule, and says they cover every customer', () => {
    const header = lines.find((l) => l.startsWith('Rules that explain the clusters'))!;
    const [, leaves, covered, total] = header.match(/all (\d+) leaves, covering ([\d,]+) of ([\d,]+) customers/)!;
    expect(covered).toBe(total);
    const at = lines.indexOf(header);
    const rules = lines.slice(at + 1, at + 1 + Number(leaves));
    expect(rules.every((r) => /→ cluster \d+: \d+% of [\d,]+ customers$/.test(r))).toBe(true);
    const sum = rules.reduce((s, r) => s + Number(r.match(/of ([\d,]+) customers$/)![1]!.replace(/,/g, '')), 0);
    expect(sum).toBe(Number(total!.replace(/,/g, '')));
  });

  it('targets by uplift under a budget, measures the audience on a hold-out and checks it against the simulator', () => {
    const text = lines.join('\n');
    // Headings are printed as one line holding a blank line, the title and its underline.
    const at = lines.findIndex((l) => l.includes('\n6. Uplift targeting under a budget\n'));
    expect(at).toBeGreaterThan(0);
    const section = lines.slice(at, lines.findIndex((l, i) => i > at && l.includes('\n7. ')));
    const audience = section.find((l) => l.startsWith('Audience: '))!;
    const [, contacts, customers] = audience.match(/^Audience: ([\d,]+) of ([\d,]+) hold-out customers \(limited by (budget|profit|maxContacts|customers)\)/)!;
    const budget = section.find((l) => l.startsWith('Budget: '))!.match(/\(([\d,]+) contacts\)/)![1]!;
    const n = (x: string) => Number(x.replace(/,/g, ''));
    expect(n(contacts!)).toBeLessThanOrEqual(n(budget));
    expect(n(contacts!)).toBeLessThanOrEqual(n(customers!));
    expect(section.some((l) => /^Ranking: Qini coefficient -?\d/.test(l))).toBe(true);
    // The hold-out's measurement has an interval, and the simulator's truth is compared with a random audience.
    expect(section.some((l) => /^Measured on the hold-out .* \(95% CI -?[\d.,]+ to -?[\d.,]+\)/.test(l))).toBe(true);
    expect(section.some((l) => /^Simulator truth: predicted and true uplift correlate at -?\d/.test(l))).toBe(true);
    expect(text).not.toContain('Not in Marksman yet');
  });

  it('writes marksman-report.html: one page, no script, nothing to fetch, a figure and caption per chart', () => {
    expect(result.reportPath).toBe(join(dir, 'marksman-report.html'));
    expect(lines.at(-1)).toContain(result.reportPath);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|\ssrc=/i);
    // The only URLs are SVG namespace names, which are never fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    const figures = [...html.matchAll(/<figure class="chart"[^>]*>([\s\S]*?)<\/figure>/g)];
    expect(figures.length).toBe(result.charts.length);
    expect(result.charts.length).toBeGreaterThanOrEqual(11);
    for (const f of figures) expect(f[1]).toMatch(/<figcaption>[^<]{20,}<\/figcaption>$/);
  });
});

const TAG = 'demo report test';
const run = browserTestMayRun(TAG, whyNoBrowser({}));

describe.skipIf(!run)('the demo report in headless Chromium', () => {
  it('draws every chart (an svg with marks and a size), with no page error and no network request', async () => {
    const file = pathToFileURL(result.reportPath).href;
    const seen = await openInChromium(async ({ page, errors }) => {
      const requests: string[] = [];
      page.on('request', (r) => {
        if (r.url() !== file) requests.push(r.url());
      });
      await page.goto(file);
      const charts = await page.evaluate(() =>
        Array.from(document.querySelectorAll('figure.chart'), (f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            svgs: f.querySelectorAll('svg').length,
            marks: svg ? svg.querySelectorAll('g[class*="mark-"] > path, g[class*="mark-"] > rect, g[class*="mark-"] > line, g[class*="mark-"] > text').length : 0,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
          };
        }),
      );
      return { charts, requests, errors: [...errors] };
    });
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.charts.length).toBe(result.charts.length);
    seen.charts.forEach((c, i) => {
      expect(c.svgs, result.charts[i]).toBe(1);
      expect(c.marks, result.charts[i]).toBeGreaterThan(5);
      expect(c.width, result.charts[i]).toBeGreaterThan(100);
      expect(c.height, result.charts[i]).toBeGreaterThan(50);
    });
  });
});

// `demo --data <dir>`: the same journey on UCI Online Retail and Hillstrom, where the licensed files are present.
const dataDir = resolve(fileURLToPath(new URL('../..', import.meta.url)), process.env.MARKSMAN_DATA_DIR ?? '../shared/datasets');
const realFiles = [join(dataDir, 'online-retail', 'online_retail.csv'), join(dataDir, 'hillstrom', 'hillstrom.csv')];
const noData = skipUnless(realFiles.every((f) => existsSync(f)), 'demo --data test', `the data sets are absent (${realFiles.join(', ')}); set MARKSMAN_DATA_DIR to run it`);

describe.skipIf(noData)('the demo on UCI Online Retail and Hillstrom (--data)', () => {
  const realDir = mkdtempSync(join(tmpdir(), 'marksman-demo-data-'));
  const real: string[] = [];
  beforeAll(async () => {
    await runDemo({ seed: 42, customers: undefined, dataDir, outDir: realDir, quick: true, out: (l) => real.push(l), progress: silentProgress });
  }, 300_000);
  afterAll(() => rmSync(realDir, { recursive: true, force: true }));

  it('runs every step, customer value and uplift targeting included, and writes the report', () => {
    const text = real.join('\n');
    for (const step of ['1. Data', '2. Customer value', '3. Segments', '4. Recommendations', '5. Experiment: the Hillstrom', '6. Uplift targeting under a budget', '7. KPIs']) expect(text).toContain(`\n${step}`);
    expect(text).toMatch(/Source: +UCI Online Retail \(541,909 invoice lines/);
    expect(text).toMatch(/Audience: [\d,]+ of [\d,]+ hold-out customers/);
    expect(existsSync(join(realDir, 'marksman-report.html'))).toBe(true);
  });
});
