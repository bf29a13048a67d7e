import { describe, expect, it } from 'vitest';
import {
  type Alternative,
  experimentDuration,
  minimumDetectableEffect,
  power,
  sampleSizeMeans,
  sampleSizeProportions,
} from '@marksman/experiments';
import { close, codeOf, fixture } from './helpers';

type Case =
  | { kind: 'power'; effectSize: number; n: number; ratio: number; alternative: Alternative; alpha: number; z: number; t: number }
  | { kind: 'sampleSizeMeans'; mde: number; sd: number; ratio: number; alternative: Alternative; alpha: number; power: number; z: number; t: number }
  | { kind: 'sampleSizeProportions'; baseline: number; mde: number; ratio: number; alternative: Alternative; alpha: number; power: number; nControl: number };
const ref = fixture<{ design: Case[] }>('reference.json');

describe('design functions agree with statsmodels (NormalIndPower, TTestIndPower, samplesize_proportions_2indep_onetail)', () => {
  it.each(ref.design.map((c, i) => [i, c.kind, c] as const))('case %i (%s)', (_i, _kind, c) => {
    if (c.kind === 'power') {
      const o = { alpha: c.alpha, ratio: c.ratio, alternative: c.alternative };
      expect(close(power(c.effectSize, c.n, o), c.z, 1e-9)).toBe(true);
      expect(close(power(c.effectSize, c.n, { ...o, test: 't' }), c.t, 1e-8)).toBe(true);
    } else if (c.kind === 'sampleSizeMeans') {
      const o = { alpha: c.alpha, ratio: c.ratio, alternative: c.alternative, power: c.power };
      const z = sampleSizeMeans(c.mde, c.sd, o);
      const t = sampleSizeMeans(c.mde, c.sd, { ...o, test: 't' });
      expect(close(z.exact, c.z, 1e-8)).toBe(true);
      expect(close(t.exact, c.t, 1e-8)).toBe(true);
      expect(z.nControl).toBe(Math.ceil(c.z));
      expect(z.nTreatment).toBe(Math.ceil(c.z * c.ratio));
    } else {
      const r = sampleSizeProportions(c.baseline, c.mde, { alpha: c.alpha, ratio: c.ratio, alternative: c.alternative, power: c.power });
      expect(close(r.exact, c.nControl, 1e-9)).toBe(true);
    }
  });
});

describe('design invariants and doc examples', () => {
  it('mirrors the doc examples', () => {
    expect(power(0.2, 393).toFixed(2)).toBe('0.80');
    expect(sampleSizeMeans(2, 10).nControl).toBe(393);
    expect(sampleSizeProportions(0.1, 0.02).nControl).toBe(3841);
    expect(sampleSizeProportions(0.1, 0.2, { mdeType: 'relative' }).nControl).toBe(3841);
    expect(minimumDetectableEffect(393, { sd: 10 }).absolute?.toFixed(2)).toBe('2.00');
    expect(experimentDuration(7682, 1000, { share: 0.5 })).toEqual({ days: 16, weeks: 3 });
  });
  it('round trip: the MDE of the sample size is the effect it was sized for', () => {
    const n = sampleSizeMeans(1.5, 8, { power: 0.9 }).exact;
    expect(minimumDetectableEffect(n, { sd: 8, power: 0.9 }).absolute).toBeCloseTo(1.5, 8);
    const p = sampleSizeProportions(0.05, 0.01).exact;
    const mde = minimumDetectableEffect(p, { baseline: 0.05 });
    expect(mde.absolute).toBeCloseTo(0.01, 9);
    expect(mde.relative).toBeCloseTo(0.2, 8);
  });
  it('more variants need more units (Bonferroni) and power grows with n', () => {
    const one = sampleSizeProportions(0.1, 0.01);
    const three = sampleSizeProportions(0.1, 0.01, { variants: 3 });
    expect(three.nControl).toBeGreaterThan(one.nControl);
    expect(three.alphaPerComparison).toBeCloseTo(0.05 / 3, 15);
    expect(three.total).toBe(three.nControl + 3 * three.nTreatment);
    expect(power(0.1, 2000)).toBeGreaterThan(power(0.1, 1000));
    expect(power(0, 1000)).toBeCloseTo(0.05, 12); // size of the test
  });
  it('raises typed errors for impossible designs', () => {
    expect(codeOf(() => sampleSizeProportions(0, 0.1))).toBe('E_BASELINE');
    expect(codeOf(() => sampleSizeProportions(0.95, 0.1))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sampleSizeProportions(0.1, 0.02, { mdeType: 'pp' as 'absolute' }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(0, 1))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sampleSizeMeans(1, 0))).toBe('E_SD');
    expect(codeOf(() => sampleSizeMeans(1, 1, { power: 1 }))).toBe('E_POWER');
    expect(codeOf(() => sampleSizeMeans(1, 1, { alpha: 0 }))).toBe('E_ALPHA');
    expect(codeOf(() => sampleSizeMeans(1, 1, { ratio: -1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(1, 1, { variants: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(1, 1, { test: 'f' as 'z' }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(1, 1, { alternative: 'up' as Alternative }))).toBe('E_ALTERNATIVE');
    expect(codeOf(() => sampleSizeMeans(1, 1, { powr: 0.8 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => power(NaN, 10))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => power(0.1, 1))).toBe('E_SAMPLE_SIZE');
    expect(codeOf(() => minimumDetectableEffect(1))).toBe('E_SAMPLE_SIZE');
    expect(codeOf(() => minimumDetectableEffect(100, { sd: -2 }))).toBe('E_SD');
    expect(codeOf(() => minimumDetectableEffect(100, { baseline: 2 }))).toBe('E_BASELINE');
    expect(codeOf(() => experimentDuration(1000, 0))).toBe('E_TRAFFIC');
    expect(codeOf(() => experimentDuration(-1, 10))).toBe('E_TRAFFIC');
    expect(codeOf(() => experimentDuration(1000, 10, { share: 0 }))).toBe('E_OPTION_RANGE');
  });
});

describe('design functions refuse numbers given as strings and absurd sizes', () => {
  it('a numeric string is not a rate (it used to be concatenated: "a treatment rate of 0.050.02")', () => {
    expect(codeOf(() => sampleSizeProportions('0.05' as never, 0.02))).toBe('E_BASELINE');
    expect(codeOf(() => sampleSizeProportions(0.05, '0.02' as never))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => minimumDetectableEffect(3841, { baseline: '0.05' as never }))).toBe('E_BASELINE');
    expect(codeOf(() => minimumDetectableEffect(393, { sd: '10' as never }))).toBe('E_SD');
    expect(codeOf(() => sampleSizeMeans('2' as never, 10))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => power(0.2, 393, { ratio: '1' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => experimentDuration(7682, 1000, { share: '0.5' as never }))).toBe('E_OPTION_RANGE');
  });
  it('sample sizes, variant counts and durations must be representable', () => {
    expect(codeOf(() => minimumDetectableEffect(1e308, { sd: 10 }))).toBe('E_SAMPLE_SIZE');
    expect(codeOf(() => power(0.2, 393, { variants: 1e308 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(2, 1e308))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => experimentDuration(1e308, 1000))).toBe('E_TRAFFIC');
    expect(codeOf(() => experimentDuration(1e15, 1e-3))).toBe('E_TRAFFIC');
  });
});
