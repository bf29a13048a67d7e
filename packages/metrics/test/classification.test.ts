import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import {
  averagePrecisionScore,
  brierScore,
  calibrationCurve,
  confusionMatrix,
  logLoss,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocCurve,
} from '@marksman/metrics';

interface BinaryCase {
  n: number;
  yTrue: number[];
  probabilities: number[];
  rocAuc: number;
  averagePrecision: number;
  logLoss: number;
  'logLossEps1e-7': number;
  brier: number;
  calibration: Record<string, { fractionPositive: number[]; meanPredicted: number[] }>;
  'roc-drop': { fpr: number[]; tpr: number[]; thresholds: number[] };
  'roc-all': { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
}
interface MultiCase {
  yTrue: (number | string)[];
  yPred: (number | string)[];
  confusion: number[][];
  prf: Record<string, [number, number, number]>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/classification.json', import.meta.url), 'utf8')) as {
  binary: BinaryCase[];
  multiclass: MultiCase[];
};

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};
const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('binary classification metrics vs scikit-learn 1.2.1 (fixtures/make_classification.py)', () => {
  fixture.binary.forEach((c, idx) => {
    it(`case ${idx} (n = ${c.n}, tied scores)`, () => {
      const y = Object.freeze([...c.yTrue]);
      const p = Object.freeze([...c.probabilities]);
      close(rocAuc(y, p), c.rocAuc);
      close(averagePrecisionScore(y, p), c.averagePrecision);
      close(logLoss(y, p), c.logLoss);
      close(logLoss(y, p, { eps: 1e-7 }), c['logLossEps1e-7']);
      close(brierScore(y, p), c.brier);
      for (const [key, want] of Object.entries(c.calibration)) {
        const [strategy, bins] = key.split('-') as ['uniform' | 'quantile', string];
        const got = calibrationCurve(y, p, { strategy, bins: Number(bins) });
        expect(got.fractionPositive.length).toBe(want.fractionPositive.length);
        got.fractionPositive.forEach((v, i) => close(v, want.fractionPositive[i]!));
        got.meanPredicted.forEach((v, i) => close(v, want.meanPredicted[i]!));
        expect(got.counts.reduce((s, v) => s + v, 0)).toBe(c.n);
      }
      for (const [key, drop] of [['roc-drop', true], ['roc-all', false]] as const) {
        const roc = rocCurve(y, p, { dropIntermediate: drop });
        expect(Array.from(roc.fpr)).toEqual(c[key].fpr);
        expect(Array.from(roc.tpr)).toEqual(c[key].tpr);
        expect(Array.from(roc.thresholds.subarray(1))).toEqual(c[key].thresholds);
        expect(roc.thresholds[0]).toBe(Infinity);
        // Its trapezoidal area is the AUC.
        let area = 0;
        for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i]! - roc.fpr[i - 1]!) * (roc.tpr[i]! + roc.tpr[i - 1]!)) / 2;
        close(area, c.rocAuc);
      }
      const pr = precisionRecallCurve(y, p);
      expect(pr.thresholds.length).toBe(c.pr.thresholds.length);
      pr.precision.forEach((v, i) => close(v, c.pr.precision[i]!));
      pr.recall.forEach((v, i) => close(v, c.pr.recall[i]!));
      expect(Array.from(pr.thresholds)).toEqual(c.pr.thresholds);
    });
  });
});

describe('multiclass metrics vs scikit-learn 1.2.1', () => {
  fixture.multiclass.forEach((c, idx) => {
    it(`case ${idx}`, () => {
      const t = Object.freeze([...c.yTrue]);
      const p = Object.freeze([...c.yPred]);
      expect(Array.from(confusionMatrix(t, p).counts)).toEqual(c.confusion.flat());
      for (const [key, want] of Object.entries(c.prf)) {
        const [average, zd] = key.split('-') as ['micro' | 'macro' | 'weighted' | 'binary', string];
        const got = precisionRecallF1(t, p, { average, zeroDivision: Number(zd) as 0 | 1 });
        close(got.precision, want[0]);
        close(got.recall, want[1]);
        close(got.f1, want[2]);
      }
    });
  });
});

describe('inputs are not mutated (typed arrays cannot be frozen, so compare copies)', () => {
  it('rocAuc, averagePrecisionScore and calibrationCurve sort copies', () => {
    const r = new Random(2);
    const y = Uint8Array.from({ length: 200 }, (_, i) => (i < 2 ? i : r.int(2)));
    const s = Float64Array.from({ length: 200 }, () => r.int(20) / 20);
    const before = [Array.from(y), Array.from(s)];
    rocAuc(y, s);
    averagePrecisionScore(y, s);
    calibrationCurve(y, s, { strategy: 'quantile', bins: 7 });
    logLoss(y, s);
    expect([Array.from(y), Array.from(s)]).toEqual(before);
  });
});

describe('rocAuc', () => {
  it('documented examples', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
  });
  it('equals the brute-force pair count (ties ½) and is invariant to monotone transforms', () => {
    const r = new Random(4);
    for (let t = 0; t < 30; t++) {
      const n = 5 + r.int(60);
      const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : r.int(2)));
      const s = Array.from({ length: n }, () => r.int(8) / 8);
      let wins = 0;
      let pairs = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
      close(rocAuc(y, s), wins / pairs);
      close(rocAuc(y, s.map((v) => Math.exp(3 * v) - 7)), wins / pairs);
      close(rocAuc(y.map((v) => 1 - v), s), 1 - wins / pairs);
      close(rocAuc(y.map((v) => v === 1), s), wins / pairs);
    }
  });
  it('throws typed errors', () => {
    expect(codeOf(() => rocAuc([1, 1], [0.1, 0.2]))).toBe('E_SINGLE_CLASS');
    expect(codeOf(() => rocAuc([0, 1], [0.1]))).toBe('E_LENGTH');
    expect(codeOf(() => rocAuc([], []))).toBe('E_EMPTY');
    expect(codeOf(() => rocAuc([0, 2], [0.1, 0.2]))).toBe('E_LABEL');
    expect(codeOf(() => rocAuc([0, 1], [0.1, NaN]))).toBe('E_NAN');
  });
});

describe('averagePrecisionScore', () => {
  it('documented example; all positives score 1; perfect ranking scores 1', () => {
    close(averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 5 / 6);
    expect(averagePrecisionScore([1, 1], [0.2, 0.3])).toBe(1);
    expect(averagePrecisionScore([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
    expect(codeOf(() => averagePrecisionScore([0, 0], [0.2, 0.3]))).toBe('E_SINGLE_CLASS');
  });
});

describe('rocCurve and precisionRecallCurve', () => {
  it('documented examples and errors', () => {
    const c = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(c.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(c.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(Array.from(pr.precision, (v) => +v.toFixed(4))).toEqual([0.5, 0.6667, 0.5, 1, 1]);
    expect(Array.from(pr.recall)).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(Array.from(pr.thresholds)).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(codeOf(() => rocCurve([0, 0], [0.1, 0.2]))).toBe('E_SINGLE_CLASS');
    expect(codeOf(() => precisionRecallCurve([0, 0], [0.1, 0.2]))).toBe('E_SINGLE_CLASS');
  });
  it('the step-wise area of the PR curve is the average precision', () => {
    const r = new Random(13);
    const y = Array.from({ length: 300 }, () => r.int(2));
    const s = Array.from({ length: 300 }, () => r.int(30));
    const pr = precisionRecallCurve(y, s);
    let ap = 0;
    for (let i = 0; i + 1 < pr.recall.length; i++) ap += (pr.recall[i]! - pr.recall[i + 1]!) * pr.precision[i]!;
    close(ap, averagePrecisionScore(y, s));
  });
});

describe('logLoss, brierScore, calibrationCurve', () => {
  it('documented examples', () => {
    expect(logLoss([1, 0, 1], [0.9, 0.2, 0.6]).toFixed(4)).toBe('0.2798');
    expect(brierScore([1, 0, 1], [0.9, 0.2, 0.6]).toFixed(4)).toBe('0.0700');
    const c = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { bins: 3 });
    expect(Array.from(c.fractionPositive)).toEqual([0, 0.5, 1]);
    expect(Array.from(c.meanPredicted, (v) => +v.toFixed(3))).toEqual([0.2, 0.525, 0.85]);
    expect(Array.from(c.counts)).toEqual([3, 2, 4]);
  });
  it('clipping keeps a confident mistake finite: −ln(eps)', () => {
    close(logLoss([1], [0]), -Math.log(Number.EPSILON));
    close(logLoss([0], [1], { eps: 1e-3 }), -Math.log(1e-3));
    expect(brierScore([true, false], [1, 0])).toBe(0);
    expect(brierScore([1, 0], [0.5, 0.5])).toBe(0.25);
  });
  it('a calibrated simulated model lies near the diagonal (tolerance from the binomial SE)', () => {
    const r = new Random(12);
    const n = 20000;
    const p = Float64Array.from({ length: n }, () => r.next());
    const y = Array.from(p, (v) => (r.next() < v ? 1 : 0));
    const c = calibrationCurve(y, p, { bins: 10, strategy: 'quantile' });
    c.fractionPositive.forEach((f, i) => {
      const m = c.meanPredicted[i]!;
      const se = Math.sqrt((m * (1 - m)) / c.counts[i]!);
      expect(Math.abs(f - m)).toBeLessThan(4 * se + 1e-9);
    });
  });
  it('throws typed errors', () => {
    expect(codeOf(() => logLoss([1, 0], [1.2, 0]))).toBe('E_RANGE');
    expect(codeOf(() => logLoss([1, 0], [0.5, 0.5], { eps: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => brierScore([1, 0], [0.5, -0.1]))).toBe('E_RANGE');
    expect(codeOf(() => brierScore([1, 0], [0.5, Infinity]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => calibrationCurve([1, 0], [0.5, 0.5], { bins: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => calibrationCurve([1, 0], [0.5, 0.5], { strategy: 'kmeans' as 'uniform' }))).toBe('E_OPTION_VALUE');
  });
});

describe('confusionMatrix and precisionRecallF1', () => {
  it('documented examples', () => {
    const m = confusionMatrix(['buy', 'skip', 'buy', 'skip'], ['buy', 'buy', 'buy', 'skip']);
    expect(m.labels).toEqual(['buy', 'skip']);
    expect(Array.from(m.counts)).toEqual([2, 0, 1, 1]);
    const r = precisionRecallF1([1, 0, 1, 1, 0], [1, 1, 1, 0, 0]);
    close(r.precision, 2 / 3);
    close(r.recall, 2 / 3);
    expect(r.support).toBe(3);
    close(precisionRecallF1(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'c'], { average: 'macro' }).f1, 4 / 9);
  });
  it('micro averaging over all labels equals accuracy; explicit label order is respected', () => {
    const t = [0, 1, 2, 2, 1, 0, 2];
    const p = [0, 2, 2, 1, 1, 0, 0];
    const acc = t.filter((v, i) => v === p[i]).length / t.length;
    const micro = precisionRecallF1(t, p, { average: 'micro' });
    close(micro.precision, acc);
    close(micro.f1, acc);
    const m = confusionMatrix(t, p, { labels: [2, 1, 0] });
    expect(m.labels).toEqual([2, 1, 0]);
    expect(m.counts[0]).toBe(1); // true 2, predicted 2
    const pos = precisionRecallF1(['y', 'n', 'y'], ['y', 'y', 'y'], { positive: 'y' });
    close(pos.precision, 2 / 3);
    expect(pos.recall).toBe(1);
  });
  it('throws typed errors', () => {
    expect(codeOf(() => confusionMatrix([0, 1], [0, 2], { labels: [0, 1] }))).toBe('E_UNKNOWN_LABEL');
    expect(codeOf(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 1, 1] }))).toBe('E_DUPLICATE');
    expect(codeOf(() => confusionMatrix([0, 1], [0]))).toBe('E_LENGTH');
    expect(codeOf(() => precisionRecallF1([0, 1, 2], [0, 1, 2]))).toBe('E_NOT_BINARY');
    expect(codeOf(() => precisionRecallF1(['a', 'b'], ['a', 'b']))).toBe('E_NOT_BINARY');
    expect(codeOf(() => precisionRecallF1([0, 1], [0, 1], { average: 'samples' as 'micro' }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => precisionRecallF1([0, 1], [0, 1], { zeroDivision: 2 as 0 }))).toBe('E_OPTION_VALUE');
  });
});

describe('missing arguments and wrong types are typed errors', () => {
  it('every classification metric refuses a missing or non-list argument, naming it', () => {
    const fns: Array<[string, (a: never, b: never) => unknown]> = [
      ['rocAuc', rocAuc],
      ['averagePrecisionScore', averagePrecisionScore],
      ['rocCurve', rocCurve],
      ['precisionRecallCurve', precisionRecallCurve],
      ['logLoss', logLoss],
      ['brierScore', brierScore],
      ['calibrationCurve', calibrationCurve],
      ['confusionMatrix', confusionMatrix],
      ['precisionRecallF1', precisionRecallF1],
    ];
    for (const [, f] of fns) {
      for (const [a, b] of [
        [undefined, [0.1, 0.2]],
        [[0, 1], null],
        ['01', [0.1, 0.2]],
      ]) {
        let err: unknown;
        try {
          f(a as never, b as never);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(MarksmanError);
        expect((err as MarksmanError).code).toBe('E_SHAPE');
      }
    }
  });
  it('boolean options must be booleans and bins must be bounded', () => {
    expect(codeOf(() => rocCurve([0, 1], [0.1, 0.9], { dropIntermediate: 'no' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => calibrationCurve([0, 1], [0.1, 0.9], { bins: 1e308 }))).toBe('E_OPTION_RANGE');
  });
});
