// The internal numerical core has no public name, so this test imports it by path.
import { describe, expect, it } from 'vitest';
import * as D from '../src/internal/distributions';
import { close, fixture } from './helpers';

interface Ref {
  distributions: [string, number[], number][];
}
const ref = fixture<Ref>('reference.json');

// Relative tolerance per function (absolute floor 1e-300 / 1e-15 for values near 0).
const REL: Record<string, number> = {
  erfc: 1e-14,
  normalSf: 1e-13,
  normalCdf: 1e-13,
  normalPpf: 1e-14,
  studentTSf: 1e-11,
  studentTCdf: 1e-11,
  studentTPpf: 1e-11,
  chiSquareSf: 1e-12,
  chiSquareCdf: 1e-12,
  betaCdf: 1e-11,
  betaSf: 1e-11,
  betaPpf: 1e-11,
  logBeta: 1e-13,
  noncentralTSf: 1e-9,
};

describe('distributions agree with scipy / mpmath (reference.json)', () => {
  for (const [name, args, want] of ref.distributions) {
    it(`${name}(${args.join(', ')})`, () => {
      const fn = (D as unknown as Record<string, (...a: number[]) => number>)[name]!;
      const got = fn(...args);
      const absFloor = name === 'logBeta' ? 1e-14 : name === 'studentTPpf' || name === 'normalPpf' ? 1e-15 : 1e-300;
      expect(close(got, want, REL[name]!, absFloor), `${got} vs ${want}`).toBe(true);
    });
  }
});

describe('tails are complements, never 1 − cdf', () => {
  it('normal tail at z = 10 keeps full relative precision (7.62e-24)', () => {
    expect(close(D.normalSf(10), 7.619853024160527e-24, 1e-14)).toBe(true);
    expect(1 - D.normalCdf(10)).toBe(0); // what 1 − cdf would have given
  });
  it('chi-square and t upper tails stay accurate far out', () => {
    expect(D.chiSquareSf(400, 1)).toBeGreaterThan(0);
    expect(D.chiSquareSf(400, 1)).toBeLessThan(1e-80);
    expect(D.studentTSf(40, 30)).toBeGreaterThan(0);
  });
  it('cdf + sf = 1 and quantiles invert the cdf', () => {
    for (const x of [-3, -0.5, 0.7, 2.2]) {
      expect(D.normalCdf(x) + D.normalSf(x)).toBeCloseTo(1, 15);
      expect(D.studentTCdf(x, 4.5) + D.studentTSf(x, 4.5)).toBeCloseTo(1, 14);
      expect(D.normalPpf(D.normalCdf(x))).toBeCloseTo(x, 13);
      expect(D.studentTPpf(D.studentTCdf(x, 7), 7)).toBeCloseTo(x, 11);
    }
    for (const p of [1e-12, 0.01, 0.4, 0.99]) {
      expect(close(D.betaCdf(D.betaPpf(p, 3.5, 800), 3.5, 800), p, 1e-11)).toBe(true);
      expect(close(D.studentTSf(D.studentTIsf(p, 12), 12), p, 1e-11)).toBe(true);
      expect(close(D.normalSf(D.normalIsf(p)), p, 1e-14)).toBe(true);
    }
    expect(D.regularizedGammaP(2.5, 3) + D.regularizedGammaQ(2.5, 3)).toBeCloseTo(1, 15);
    expect(D.erf(0.3) + D.erfc(0.3)).toBeCloseTo(1, 15);
  });
  it('returns NaN for invalid arguments and handles the edges', () => {
    expect(D.normalPpf(1.5)).toBeNaN();
    expect(D.studentTSf(1, -1)).toBeNaN();
    expect(D.betaCdf(0.5, 0, 1)).toBeNaN();
    expect(D.chiSquareSf(-1, 3)).toBe(1);
    expect(D.normalPpf(0)).toBe(-Infinity);
    expect(D.studentTPpf(1, 3)).toBe(Infinity);
    expect(D.betaPpf(0, 2, 3)).toBe(0);
    expect(D.betaPdf(0, 1, 3)).toBe(3);
    expect(close(D.betaPdf(0.3, 2, 5), 30 * 0.3 * 0.7 ** 4, 1e-13)).toBe(true);
    expect(close(D.studentTPdf(0, 1), 1 / Math.PI, 1e-14)).toBe(true);
    expect(D.studentTSf(2, Infinity)).toBe(D.normalSf(2));
    expect(close(D.noncentralTCdf(1, 10, 1) + D.noncentralTSf(1, 10, 1), 1, 1e-13)).toBe(true);
  });
});
