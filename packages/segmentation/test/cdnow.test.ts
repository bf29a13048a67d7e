import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeClusters, kmeans } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

// Licensed data, read in place (never copied): MARKSMAN_DATA_DIR or ../shared/datasets from the repository root.
const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const file = join(resolve(process.env.MARKSMAN_DATA_DIR ?? join(repo, '../shared/datasets')), 'cdnow', 'CDNOW_master.txt');
const present = existsSync(file);
if (!present) console.warn(`cdnow.test.ts skipped: ${file} not found (set MARKSMAN_DATA_DIR to the licensed data sets).`);

const reference = JSON.parse(readFileSync(new URL('./fixtures/cdnow-kmeans.json', import.meta.url), 'utf8')) as {
  customers: number;
  rawMeans: { recency: number; frequency: number; monetary: number };
  inertia: number;
  clusterSizes: number[];
};

/** Recency (days to 1998-07-01), distinct purchase days, total dollars — as cdnow_kmeans.py computes them. */
function rfm(): number[][] {
  const ref = Date.UTC(1998, 6, 1);
  const byId = new Map<string, { last: number; days: Set<number>; dollars: number }>();
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  for (let t = 1; t < lines.length; t++) {
    const f = lines[t]!.trim().split(/\s+/);
    if (f.length < 4) continue;
    const day = Date.UTC(Number(f[1]!.slice(0, 4)), Number(f[1]!.slice(4, 6)) - 1, Number(f[1]!.slice(6, 8)));
    let c = byId.get(f[0]!);
    if (c === undefined) byId.set(f[0]!, (c = { last: day, days: new Set(), dollars: 0 }));
    c.last = Math.max(c.last, day);
    c.days.add(day);
    c.dollars += Number(f[3]);
  }
  return [...byId.values()].map((c) => [Math.round((ref - c.last) / 86_400_000), c.days.size, c.dollars]);
}

function standardizedLog(rows: number[][]): number[][] {
  const logs = rows.map((r) => r.map((v) => Math.log1p(v)));
  const d = logs[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => logs.reduce((s, r) => s + r[j]!, 0) / logs.length);
  const sd = mean.map((m, j) => Math.sqrt(logs.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / logs.length));
  return logs.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
}

describe.skipIf(!present)('CDNOW master: standardized log-RFM, k = 4', () => {
  const raw = present ? rfm() : [];
  const features = present ? standardizedLog(raw) : [];

  it('the features are the ones scikit-learn was given (same customers and raw means)', () => {
    expect(raw.length).toBe(reference.customers);
    const mean = (j: number) => raw.reduce((s, r) => s + r[j]!, 0) / raw.length;
    expect(mean(0)).toBeCloseTo(reference.rawMeans.recency, 9);
    expect(mean(1)).toBeCloseTo(reference.rawMeans.frequency, 12);
    expect(mean(2)).toBeCloseTo(reference.rawMeans.monetary, 9);
  });

  it('kmeans (nInit 10) inertia is within 0.05% of scikit-learn KMeans(4, n_init=10)', () => {
    const m = kmeans(features, 4, { nInit: 10, seed: 0 });
    expect(Math.abs(m.inertia - reference.inertia) / reference.inertia).toBeLessThan(5e-4);
    expect(Array.from(new Set(m.labels)).length).toBe(4);
    // The segments are the same partition sizes (up to a handful of boundary customers).
    const sizes = [0, 0, 0, 0];
    for (const l of m.labels) sizes[l]!++;
    sizes.sort((a, b) => a - b).forEach((s, g) => expect(Math.abs(s - reference.clusterSizes[g]!)).toBeLessThanOrEqual(25));
    const profile = describeClusters(raw, m.labels, { featureNames: ['recencyDays', 'purchaseDays', 'dollars'] });
    expect(profile.clusters.reduce((s, c) => s + c.size, 0)).toBe(reference.customers);
  });
});
