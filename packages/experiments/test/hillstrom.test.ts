// Real data: Kevin Hillstrom's MineThatData e-mail experiment (64,000
// customers randomized to Mens E-Mail / Womens E-Mail / No E-Mail). The file
// is licensed data read from MARKSMAN_DATA_DIR (default ../shared/datasets);
// it is never copied into the repository. The test skips when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cuped, proportionsZTest, srmTest, summarizeExperiment, welchTTest } from '@marksman/experiments';

const root = resolve(new URL('../../..', import.meta.url).pathname);
const file = resolve(root, process.env.MARKSMAN_DATA_DIR ?? '../shared/datasets', 'hillstrom/hillstrom.csv');
const present = existsSync(file);
if (!present) console.warn(`hillstrom.test.ts skipped: ${file} not found (set MARKSMAN_DATA_DIR to the licensed data sets).`);

interface Arm {
  n: number;
  visits: number;
  conversions: number;
  spend: number[];
  history: number[];
}

/** Splits one CSV line, honouring double-quoted fields (e.g. "7) $1,000 +"). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  out.push(field);
  return out;
}

function load(): Map<string, Arm> {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = splitCsv(lines[0]!);
  const col = (name: string) => header.indexOf(name);
  const [iSeg, iVisit, iConv, iSpend, iHist] = ['segment', 'visit', 'conversion', 'spend', 'history'].map(col) as [number, number, number, number, number];
  const arms = new Map<string, Arm>();
  for (let r = 1; r < lines.length; r++) {
    const f = splitCsv(lines[r]!);
    const seg = f[iSeg]!;
    let a = arms.get(seg);
    if (!a) arms.set(seg, (a = { n: 0, visits: 0, conversions: 0, spend: [], history: [] }));
    a.n++;
    a.visits += Number(f[iVisit]);
    a.conversions += Number(f[iConv]);
    a.spend.push(Number(f[iSpend]));
    a.history.push(Number(f[iHist]));
  }
  return arms;
}

describe.skipIf(!present)('Hillstrom e-mail experiment (64,000 customers)', () => {
  const arms = present ? load() : new Map<string, Arm>();
  const mens = arms.get('Mens E-Mail')!;
  const womens = arms.get('Womens E-Mail')!;
  const none = arms.get('No E-Mail')!;

  it('has the published per-arm visit and conversion rates', () => {
    expect(mens.n + womens.n + none.n).toBe(64000);
    expect((100 * mens.visits) / mens.n).toBeCloseTo(18.28, 2);
    expect((100 * womens.visits) / womens.n).toBeCloseTo(15.14, 2);
    expect((100 * none.visits) / none.n).toBeCloseTo(10.62, 2);
    expect((100 * mens.conversions) / mens.n).toBeCloseTo(1.25, 2);
    expect((100 * womens.conversions) / womens.n).toBeCloseTo(0.88, 2);
    expect((100 * none.conversions) / none.n).toBeCloseTo(0.57, 2);
  });

  it('passes the SRM check (equal thirds)', () => {
    const r = srmTest([none.n, mens.n, womens.n]);
    expect(r.mismatch).toBe(false);
    expect(r.pValue).toBeGreaterThan(0.1);
  });

  it('Mens E-Mail lifts visits and conversions far beyond chance; the summary says so', () => {
    const visits = proportionsZTest({ n: none.n, conversions: none.visits }, { n: mens.n, conversions: mens.visits });
    const conv = proportionsZTest({ n: none.n, conversions: none.conversions }, { n: mens.n, conversions: mens.conversions });
    expect(visits.pValue).toBeLessThan(1e-100); // z ≈ 21: only an erfc-based tail keeps this
    expect(visits.pValue).toBeGreaterThan(0);
    expect(conv.diff).toBeCloseTo(0.0068, 4);
    expect(conv.ciLow).toBeGreaterThan(0.0045);
    expect(conv.ciHigh).toBeLessThan(0.0091);
    const s = summarizeExperiment([{ name: 'conversion', result: conv }], { variantName: 'Mens E-Mail', srm: srmTest([none.n, mens.n, womens.n]) });
    expect(s.lines[0]).toMatch(/^Variant Mens E-Mail increased conversion by 0\.68 pp \(95% CI 0\.5\d–0\.8\d\); SRM passed\.$/);
    expect(s.decision).toBe('ship');
  });

  it('CUPED on spend with pre-period history as covariate: same estimate, variance reduced', () => {
    const raw = welchTTest(none.spend, mens.spend);
    const r = cuped({ values: none.spend, covariates: none.history }, { values: mens.spend, covariates: mens.history });
    expect(r.unadjusted.diff).toBeCloseTo(raw.diff, 10);
    expect(r.unadjusted.standardError).toBeCloseTo(raw.standardError, 10);
    expect(r.theta[0]).toBeGreaterThan(0); // past spenders spend more
    expect(r.varianceReduction).toBeGreaterThan(0);
    expect(r.standardError).toBeLessThan(raw.standardError);
    expect(Math.abs(r.diff - raw.diff)).toBeLessThan(raw.standardError); // randomized: adjustment moves the estimate little
    console.log(
      `Hillstrom spend, Mens vs No E-Mail: diff ${raw.diff.toFixed(4)} (se ${raw.standardError.toFixed(4)}) → CUPED ${r.diff.toFixed(4)} (se ${r.standardError.toFixed(4)}), variance reduction ${(100 * r.varianceReduction).toFixed(2)}%`,
    );
  });
});
