import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { areaUnderUpliftCurve, qiniCoefficient, qiniCurve, upliftCurve } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

// Hand-computed case (see comments): rows in score order.
//   row  y  t   targeted  N_T Y_T N_C Y_C   uplift (Y_T/N_T − Y_C/N_C)·n   qini Y_T − Y_C·N_T/N_C
//   0    1  1   1          1   1   0   0    1                              1
//   1    0  1   2          2   1   0   0    1                              1
//   2    1  0   3          2   1   1   1    (1/2 − 1)·3 = −1.5             1 − 2 = −1
//   3    0  0   4          2   1   2   1    0                              0
//   4    1  1   5          3   2   2   1    (2/3 − 1/2)·5 = 5/6            2 − 3/2 = 0.5
//   5    0  0   6          3   2   3   1    (2/3 − 1/3)·6 = 2              2 − 1 = 1
const y = Object.freeze([1, 0, 1, 0, 1, 0]);
const t = Object.freeze([1, 1, 0, 0, 1, 0]);
const s = Object.freeze([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);

describe('uplift and Qini curves (hand-computed)', () => {
  it('upliftCurve', () => {
    const c = upliftCurve(y, t, s);
    expect(Array.from(c.targeted)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const want = [0, 1, 1, -1.5, 0, 5 / 6, 2];
    c.value.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });
  it('qiniCurve', () => {
    const c = qiniCurve(y, t, s);
    expect(Array.from(c.value)).toEqual([0, 1, 1, -1, 0, 0.5, 1]);
  });
  it('documented 4-row example', () => {
    expect(Array.from(upliftCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]).value)).toEqual([0, 1, 1, -1.5, 0]);
    expect(Array.from(qiniCurve([1, 0, 1, 0], [1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]).value)).toEqual([0, 1, 1, -1, 0]);
  });
  it('tied scores form one step', () => {
    const c = qiniCurve(y, t, [1, 1, 0, 0, 0, 0]);
    expect(Array.from(c.targeted)).toEqual([0, 2, 6]);
    expect(Array.from(c.value)).toEqual([0, 1, 1]);
  });
  it('match a brute-force evaluation at every distinct threshold (random data with ties)', () => {
    const r = new Random(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + r.int(80);
      const yy = Array.from({ length: n }, () => (trial % 3 === 0 ? r.exponential(1) : r.int(2)));
      const tt = Array.from({ length: n }, (_, i) => (i < 2 ? i : r.int(2)));
      const sc = Array.from({ length: n }, () => r.int(6) - 2.5);
      const thresholds = [...new Set(sc)].sort((a, b) => b - a);
      const u = upliftCurve(yy, tt, sc);
      const q = qiniCurve(yy, tt, sc);
      expect(u.targeted.length).toBe(thresholds.length + 1);
      thresholds.forEach((th, g) => {
        let nT = 0;
        let nC = 0;
        let yT = 0;
        let yC = 0;
        for (let i = 0; i < n; i++) {
          if (sc[i]! < th) continue;
          if (tt[i] === 1) {
            nT++;
            yT += yy[i]!;
          } else {
            nC++;
            yC += yy[i]!;
          }
        }
        expect(u.targeted[g + 1]).toBe(nT + nC);
        expect(u.value[g + 1]).toBeCloseTo(((nT ? yT / nT : 0) - (nC ? yC / nC : 0)) * (nT + nC), 10);
        expect(q.value[g + 1]).toBeCloseTo(yT - (nC ? (yC * nT) / nC : 0), 10);
      });
    }
  });

  it('the end point is the overall effect, whatever the scores', () => {
    const r = new Random(3);
    const scores = Array.from({ length: 6 }, () => r.next());
    const u = upliftCurve(y, t, scores);
    const q = qiniCurve(y, t, scores);
    expect(u.value[u.value.length - 1]).toBeCloseTo((2 / 3 - 1 / 3) * 6, 14);
    expect(q.value[q.value.length - 1]).toBeCloseTo(2 - (1 * 3) / 3, 14);
  });
});

describe('qiniCoefficient and areaUnderUpliftCurve', () => {
  it('hand-computed values', () => {
    // Qini area 2, diagonal 3; perfect curve (0,0),(2,2),(5,2),(6,1) has area 9.5 → (2 − 3)/(9.5 − 3).
    expect(qiniCoefficient(y, t, s)).toBeCloseTo(-1 / 6.5, 14);
    // Uplift area 7/3, diagonal 6; perfect (0,0),(2,2),(4,4),(5,10/3),(6,2) area 43/3 → (7/3 − 6)/(43/3 − 6) = −0.44.
    expect(areaUnderUpliftCurve(y, t, s)).toBeCloseTo(-0.44, 14);
    // Without negative effects the optimum rises straight to the end value 1: area 1·1/2 + 5·1 = 5.5.
    expect(qiniCoefficient(y, t, s, { negativeEffect: false })).toBeCloseTo((2 - 3) / (5.5 - 3), 14);
  });

  it('the perfect ranking scores 1', () => {
    expect(qiniCoefficient(y, t, [1, 0, -1, 0, 1, 0])).toBe(1);
    const perfect = y.map((v, i) => 2 * (v === t[i] ? 1 : 0) + t[i]!);
    expect(areaUnderUpliftCurve(y, t, perfect)).toBe(1);
  });

  it('is invariant to strictly increasing transforms of the scores', () => {
    const r = new Random(8);
    const yy = Array.from({ length: 300 }, () => r.int(2));
    const tt = Array.from({ length: 300 }, (_, i) => (i < 2 ? i : r.int(2)));
    const sc = Array.from({ length: 300 }, () => r.normal());
    const mono = sc.map((v) => Math.exp(v) * 3 + 1);
    expect(qiniCoefficient(yy, tt, mono)).toBeCloseTo(qiniCoefficient(yy, tt, sc), 12);
    expect(areaUnderUpliftCurve(yy, tt, mono)).toBeCloseTo(areaUnderUpliftCurve(yy, tt, sc), 12);
  });

  it('random scores give about 0 area over the diagonal; informative scores give more', () => {
    // Simulated campaign: treatment lifts response from 10 % to 10 % + 20 %·x for a feature x ∈ [0, 1].
    const r = new Random(21);
    const n = 4000;
    const x = Float64Array.from({ length: n }, () => r.next());
    const tt = Array.from({ length: n }, () => r.int(2));
    const yy = Array.from(x, (xi, i) => (r.next() < 0.1 + (tt[i] === 1 ? 0.2 * xi : 0) ? 1 : 0));
    const reps = 30;
    let sumQ = 0;
    let sumU = 0;
    for (let k = 0; k < reps; k++) {
      const noise = Float64Array.from({ length: n }, () => r.next());
      sumQ += qiniCoefficient(yy, tt, noise);
      sumU += areaUnderUpliftCurve(yy, tt, noise);
    }
    // Each random-score coefficient has sd ≈ 0.02 here (0.01 for AUUC), so the mean of 30 has SE ≈ 0.004: ±0.015 is about 4 SE.
    expect(Math.abs(sumQ / reps)).toBeLessThan(0.015);
    expect(Math.abs(sumU / reps)).toBeLessThan(0.015);
    // The oracle behind the normalisation knows each outcome, so even the true-effect
    // ranking reaches only a small share of it; it must still beat random by a margin.
    expect(qiniCoefficient(yy, tt, x)).toBeGreaterThan(0.06);
    expect(areaUnderUpliftCurve(yy, tt, x)).toBeGreaterThan(0.06);
    // Reversing the ranking mirrors the curve below the diagonal.
    expect(qiniCoefficient(yy, tt, Array.from(x, (v) => -v))).toBeLessThan(-0.06);
  });

  it('accepts booleans and continuous outcomes for the curves', () => {
    const c = qiniCurve([2.5, 0, 4], [true, false, false], [3, 2, 1]);
    expect(Array.from(c.value)).toEqual([0, 2.5, 2.5, 2.5 - 4 / 2]);
  });

  it('throws typed errors', () => {
    expect(codeOf(() => upliftCurve([1, 0], [1, 1], [0.1, 0.2]))).toBe('E_SINGLE_CLASS');
    expect(codeOf(() => qiniCurve([1, 0], [1, 2], [0.1, 0.2]))).toBe('E_LABEL');
    expect(codeOf(() => qiniCurve([1, 0], [1, 0], [0.1]))).toBe('E_LENGTH');
    expect(codeOf(() => qiniCurve([1], [1, 0], [0.1, 0.2]))).toBe('E_LENGTH');
    expect(codeOf(() => qiniCurve([], [], []))).toBe('E_EMPTY');
    expect(codeOf(() => qiniCurve([NaN, 0], [1, 0], [0.1, 0.2]))).toBe('E_NAN');
    expect(codeOf(() => qiniCurve([1, 0], [1, 0], [0.1, Infinity]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => qiniCoefficient([0, 0, 0], [1, 0, 1], [0.1, 0.2, 0.3]))).toBe('E_DEGENERATE');
    expect(codeOf(() => areaUnderUpliftCurve([0, 0, 0], [1, 0, 1], [0.1, 0.2, 0.3]))).toBe('E_DEGENERATE');
    expect(codeOf(() => qiniCoefficient(y, t, s, { negative: true } as never))).toBe('E_OPTION_UNKNOWN');
  });
});

describe('uplift inputs', () => {
  it('refuse missing arguments, non-boolean flags and overflowing outcomes', () => {
    expect(codeOf(() => upliftCurve(undefined as never, [1, 0], [0.2, 0.1]))).toBe('E_SHAPE');
    expect(codeOf(() => qiniCurve([1, 0], null as never, [0.2, 0.1]))).toBe('E_SHAPE');
    expect(codeOf(() => qiniCoefficient([1, 0, 1, 0], [1, 1, 0, 0], [4, 3, 2, 1], { negativeEffect: 0 as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => upliftCurve([1e308, 0, 1e308, 0], [1, 1, 1, 0], [0.9, 0.8, 0.7, 0.6]))).toBe('E_OVERFLOW');
  });
});
