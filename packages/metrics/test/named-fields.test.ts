// Found by the battery (packages/marksman/test/battery.test.ts): refusals of
// a whole argument name it, and a catalogue too large to count exactly is
// refused instead of giving NaN.
import { describe, expect, it } from 'vitest';
import { CovarianceAccumulator, MeanAccumulator, ProportionAccumulator, RatioAccumulator, giniOfExposure, historicClv } from '@marksman/metrics';

describe('metrics boundary found by the battery', () => {
  it('accumulator fromStats/fromJSON name the argument they refuse', () => {
    for (const C of [MeanAccumulator, ProportionAccumulator, RatioAccumulator, CovarianceAccumulator] as const) {
      expect(() => C.fromStats(undefined as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'stats' }));
      expect(() => C.fromJSON(null as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'json' }));
    }
    expect(() => historicClv(undefined as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'input' }));
  });

  it('giniOfExposure refuses a catalogue size beyond 2^53 − 1 (it gave NaN)', () => {
    expect(() => giniOfExposure([['a']], 1e308)).toThrow(expect.objectContaining({ code: 'E_RANGE', field: 'catalogue' }));
    expect(giniOfExposure([['a']], 4)).toBe(0.75);
  });
});
