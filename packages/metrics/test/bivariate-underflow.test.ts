// Found by the accumulator property test: x deviations too small to square in
// double precision left cxx at 0 while cxy stayed representable, and the
// Cauchy–Schwarz check then refused the accumulator's own state (clone and
// merge threw E_STATE_INCONSISTENT-style errors). Forged states are still refused.
import { describe, expect, it } from 'vitest';
import { CovarianceAccumulator, RatioAccumulator } from '@marksman/metrics';

describe('bivariate accumulators with tiny spreads', () => {
  it('clone and merge keep a state whose x spread underflows', () => {
    const xs = [-1.3682436775930703e-266, 1.8906190278073434e-262];
    const ys = [5.274314173536224, 103.47844172935329];
    for (const C of [CovarianceAccumulator, RatioAccumulator] as const) {
      const a = new C().addMany(xs, ys);
      expect(a.clone().toJSON()).toEqual(a.toJSON());
      expect((new C() as { merge(o: unknown): { count(): number } }).merge(a).count()).toBe(2);
    }
  });

  it('still refuses a forged state that breaks Cauchy–Schwarz', () => {
    const good = new CovarianceAccumulator().addMany([1, 2, 3], [2, 4, 7]).toJSON();
    expect(() => CovarianceAccumulator.fromJSON({ ...good, cxx: 0, cxy: 5 })).toThrow(expect.objectContaining({ field: 'cxy' }));
  });
});
