// Property tests (issue #16): customer-value models and scalers restored by
// fromJSON from their JSON text answer exactly as the originals, for
// generated parameters, customers and data; inputs are frozen.
import { describe, expect, it } from 'vitest';
import { BgNbdModel, GammaGammaModel, Log1pTransform, MinMaxScaler, ParetoNbdModel, QuantileRank, RobustScaler, StandardScaler, log1pTransform, minMaxScaler, quantileRank, robustScaler, standardScaler } from '@marksman/profiling';
import { checkProperty, deepFreeze, fc } from '../../../test-support/properties';

const positive = fc.double({ min: 0.05, max: 20, noNaN: true });
const customer = fc
  .record({ frequency: fc.integer({ min: 0, max: 20 }), T: fc.double({ min: 1, max: 100, noNaN: true }), share: fc.double({ min: 0.01, max: 1, noNaN: true }) })
  // Repeat purchases come after the first purchase day: recency > 0 when frequency > 0.
  .map((c) => deepFreeze({ frequency: c.frequency, T: c.T, recency: c.frequency === 0 ? 0 : c.share * c.T }));
/** Above 1: Gamma-Gamma q > 1 (finite expected spend) and BG/NBD a + b > 1 (closed-form expected purchases), both documented. */
const qAboveOne = fc.double({ min: 1.05, max: 20, noNaN: true });
const roundTrip = <T>(m: { toJSON(): unknown }, restore: (j: never) => T): T => restore(JSON.parse(JSON.stringify(m.toJSON())) as never);

describe('customer-value models round trip through JSON text', () => {
  it('BG/NBD and Pareto/NBD', async () => {
    await checkProperty('BG/NBD and Pareto/NBD JSON round trip', // d > 1 keeps BG/NBD's a + b > 1, which its closed-form expected purchases need (documented).
    [positive, positive, positive, qAboveOne, customer], (a, b, c, d, cust) => {
      const bg = new BgNbdModel({ r: a, alpha: b, a: c, b: d }, 'week');
      const bgCopy = roundTrip(bg, BgNbdModel.fromJSON);
      expect(bgCopy.toJSON()).toEqual(bg.toJSON());
      expect(bgCopy.probabilityAlive(cust)).toBe(bg.probabilityAlive(cust));
      expect(bgCopy.expectedPurchases(10)).toBe(bg.expectedPurchases(10));
      const pareto = new ParetoNbdModel({ r: a, alpha: b, s: c, beta: d }, 'week');
      const paretoCopy = roundTrip(pareto, ParetoNbdModel.fromJSON);
      expect(paretoCopy.toJSON()).toEqual(pareto.toJSON());
      expect(paretoCopy.probabilityAlive(cust)).toBe(pareto.probabilityAlive(cust));
      expect(paretoCopy.expectedPurchases(10)).toBe(pareto.expectedPurchases(10));
    }, 60);
  });

  it('Gamma-Gamma', async () => {
    await checkProperty('Gamma-Gamma JSON round trip', [positive, qAboveOne, positive, fc.integer({ min: 1, max: 20 }), fc.double({ min: 1, max: 500, noNaN: true })], (p, q, v, frequency, monetaryValue) => {
      const gg = new GammaGammaModel({ p, q, v });
      const copy = roundTrip(gg, GammaGammaModel.fromJSON);
      expect(copy.toJSON()).toEqual(gg.toJSON());
      expect(copy.conditionalExpectedAverageSpend({ frequency, monetaryValue })).toBe(gg.conditionalExpectedAverageSpend({ frequency, monetaryValue }));
    }, 60);
  });
});

describe('scalers round trip through JSON text', () => {
  const matrix = fc
    .integer({ min: 1, max: 4 })
    .chain((d) => fc.array(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: d, maxLength: d }), { minLength: 2, maxLength: 25 }))
    .map(deepFreeze);
  it('standard, min-max, robust, log1p and quantile-rank scalers', async () => {
    await checkProperty('scaler JSON round trips', [matrix], (X) => {
      const before = JSON.stringify(X);
      const pairs: [{ transform(x: readonly number[][]): number[][]; toJSON(): unknown }, (j: never) => { transform(x: readonly number[][]): number[][]; toJSON(): unknown }][] = [
        [standardScaler().fit(X), StandardScaler.fromJSON],
        [minMaxScaler().fit(X), MinMaxScaler.fromJSON],
        [robustScaler().fit(X), RobustScaler.fromJSON],
        [log1pTransform().fit(X), Log1pTransform.fromJSON],
        [quantileRank({ nQuantiles: 10 }).fit(X), QuantileRank.fromJSON],
      ];
      for (const [scaler, restore] of pairs) {
        const copy = roundTrip(scaler, restore);
        expect(copy.toJSON()).toEqual(scaler.toJSON());
        expect(copy.transform(X)).toEqual(scaler.transform(X));
      }
      expect(JSON.stringify(X)).toBe(before);
    }, 40);
  });
});
