// The binning of histogram gradient boosting has no public name, so this
// test imports it by path: the radix sort must order doubles exactly as the
// built-in typed-array sort, and the grid-narrowed search of binRows must
// give exactly the plain binary search's bins, for any values (ties,
// ±0, ±∞, huge and tiny magnitudes, NaN).
import { Random } from '@marksman/core';
import { describe, expect, it } from 'vitest';
import { checkProperty, fc } from '../../../test-support/properties';
import { binOf, binRows, fitBinning } from '../src/internal/hgb-binning';
import { radixScratch, sortFloat64 } from '../src/internal/radix-sort';

const special = fc.constantFrom(0, -0, Infinity, -Infinity, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1, 1.5, -2);
const value = fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: -4, max: 4 }), special);

describe('histogram gradient boosting binning', () => {
  it('sortFloat64 orders doubles as Float64Array.prototype.sort does (−0 before +0)', async () => {
    const scratch = radixScratch(4);
    await checkProperty('radix sort of doubles equals the built-in sort', [fc.array(value, { maxLength: 300 })], (xs) => {
      const want = Float64Array.from(xs).sort();
      const got = Float64Array.from(xs);
      sortFloat64(got, scratch);
      expect(Array.from(got, (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(Array.from(want, (v) => (Object.is(v, -0) ? '-0' : String(v))));
    }, 300);
  });

  it('sortFloat64 orders long runs of doubles that share their high 32 bits (sorted by their low words: by insertion in short runs, by radix passes in long ones)', async () => {
    // ±(1 + k·2⁻⁵²) with k < 2³¹ differ only in the low word of the double, so the high-word passes leave one long run per sign.
    const scratch = radixScratch(4);
    const shared = fc.tuple(fc.boolean(), fc.nat({ max: 2 ** 31 })).map(([neg, k]) => (neg ? -1 : 1) * (1 + k * 2 ** -52));
    await checkProperty('radix sort of same-high-word doubles equals the built-in sort', [fc.oneof(fc.array(shared, { minLength: 2, maxLength: 30 }), fc.array(shared, { minLength: 80, maxLength: 300 }))], (xs) => {
      const want = Float64Array.from(xs).sort();
      const got = Float64Array.from(xs);
      sortFloat64(got, scratch);
      expect(Array.from(got)).toEqual(Array.from(want));
    }, 200);
  });

  it('a feature with few distinct values gets the thresholds of the sorted route: midpoints of its sorted distinct values', async () => {
    // Few-valued columns (drawn from a small pool with ±0, ±∞ and huge values) take the route that skips the sort.
    const pool = fc.array(value, { minLength: 1, maxLength: 20 });
    await checkProperty('few-distinct thresholds equal the sorted midpoints', [pool, fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), fc.integer({ min: 2, max: 255 })], (vals, picks, maxBins) => {
      const col = Float64Array.from(picks, (k) => vals[k % vals.length]!);
      const sorted = Float64Array.from(col).sort();
      const distinct: number[] = [];
      for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
      fc.pre(distinct.length <= maxBins);
      const want = distinct.slice(1).map((v, j) => Math.min((distinct[j]! + v) * 0.5, 1e300));
      const got = fitBinning([col], Int32Array.from(col, (_, i) => i), maxBins, new Random(0)).thresholds[0]!;
      expect(Array.from(got, String)).toEqual(want.map(String));
    }, 300);
  });

  it('binRows gives every value the bin of a plain binary search over the thresholds, in both layouts', async () => {
    const column = fc.array(fc.oneof(value, fc.constant(Number.NaN)), { minLength: 1, maxLength: 120 });
    await checkProperty('grid-narrowed binning equals binary search', [column, column, fc.integer({ min: 2, max: 255 })], (fitValues, newValues, maxBins) => {
      const fitCol = Float64Array.from(fitValues);
      const rows = Int32Array.from(fitCol, (_, i) => i);
      const binning = fitBinning([fitCol], rows, maxBins, new Random(0));
      for (const xs of [fitCol, Float64Array.from(newValues)]) {
        const r = Int32Array.from(xs, (_, i) => i);
        const rowMajor = new Uint8Array(xs.length);
        const bins = binRows([xs], r, binning, rowMajor);
        const want = Array.from(xs, (x) => binOf(binning.thresholds[0]!, x, binning.missingBin));
        expect(Array.from(bins)).toEqual(want);
        expect(Array.from(rowMajor)).toEqual(want);
      }
    }, 300);
  });
});
