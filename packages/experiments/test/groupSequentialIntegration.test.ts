// The internal numerical core has no public name, so this test imports it by path. The exit probabilities sum
// over a window of the grid only; here they are checked against the sum over the whole grid (the code before the
// window) on the stages of several designs: exitBelow to the bit, exitAbove (which adds from the other end) to rounding.
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf } from '../src/internal/distributions';
import { efficacyBounds, exitAbove, exitBelow, nextStage, region, spent, type Stage } from '../src/internal/groupSequential';

/** The sum over every grid point, as exitBelow / exitAbove computed it before the window. */
function fullGrid(prev: Stage, t: number, drift: number, b: number, tail: (x: number) => number): number {
  const d = t - prev.t;
  const sd = Math.sqrt(d);
  const bt = b * Math.sqrt(t) - drift * d;
  const st = Math.sqrt(prev.t);
  let s = 0;
  for (let i = 0; i < prev.z.length; i++) s += prev.wh[i]! * tail((bt - prev.z[i]! * st) / sd);
  return s;
}

interface Case {
  looks: number;
  sides: 1 | 2;
  drift: number;
  futility: number | null;
}
const CASES: Case[] = [
  { looks: 42, sides: 2, drift: 3.1, futility: 0.6 },
  { looks: 42, sides: 1, drift: 2.9, futility: -0.4 },
  { looks: 42, sides: 2, drift: 0, futility: null },
  { looks: 5, sides: 2, drift: 8, futility: 1.2 },
  { looks: 5, sides: 1, drift: 30, futility: null },
  { looks: 3, sides: 1, drift: -2, futility: 0 },
];

describe('windowed exit probabilities', () => {
  it.each(CASES)('equal the whole-grid sums: $looks looks, $sides side(s), drift $drift, futility $futility', (c) => {
    const times = Array.from({ length: c.looks }, (_, k) => (k + 1) / c.looks);
    const level = 0.025;
    const cum = times.map((t) => spent('obrien-fleming', level, t));
    const bounds = efficacyBounds(times, cum, c.sides);
    let prev: Stage | null = null;
    let checked = 0;
    for (let k = 0; k < c.looks; k++) {
      const t = times[k]!;
      if (prev !== null) {
        // from far below the grid to far above it, the bounds themselves among them
        for (const b of [-40, -9, -bounds[k]!, -3, -1.5, -0.2, 0, 0.4, 1, 1.96, bounds[k]!, 3.3, 6, 12, 40]) {
          const below = exitBelow(prev, t, c.drift, b);
          expect(below).toBe(fullGrid(prev, t, c.drift, b, normalCdf));
          const above = exitAbove(prev, t, c.drift, b);
          const want = fullGrid(prev, t, c.drift, b, normalSf);
          expect(Math.abs(above - want)).toBeLessThanOrEqual(1e-14 * want);
          checked++;
        }
      }
      prev = nextStage(prev, t, c.drift, region(bounds[k]!, c.futility === null ? null : Math.min(c.futility, bounds[k]!), c.sides));
    }
    expect(checked).toBe(15 * (c.looks - 1));
  });
});
