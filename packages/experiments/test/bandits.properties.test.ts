// Property tests (issue #16): a bandit policy restored by fromJSON from its
// JSON text after any sequence of updates is the same policy: same state,
// same summary, and the same choices from then on (seeded draws included).
import { describe, expect, it } from 'vitest';
import { EpsilonGreedy, ThompsonSampling, UCB1 } from '@marksman/experiments';
import { checkProperty, fc } from '../../../test-support/properties';

const history = fc.integer({ min: 2, max: 4 }).chain((arms) =>
  fc.tuple(fc.constant(arms), fc.array(fc.tuple(fc.integer({ min: 0, max: arms - 1 }), fc.constantFrom(0, 1)), { maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
);

type Policy = ThompsonSampling | UCB1 | EpsilonGreedy;
const POLICIES: [string, (arms: number, seed: number) => Policy, (j: unknown) => Policy][] = [
  ['ThompsonSampling', (a, s) => new ThompsonSampling(a, { seed: s }), (j) => ThompsonSampling.fromJSON(j as never)],
  ['UCB1', (a) => new UCB1(a), (j) => UCB1.fromJSON(j as never)],
  ['EpsilonGreedy', (a, s) => new EpsilonGreedy(a, { epsilon: 0.3, seed: s }), (j) => EpsilonGreedy.fromJSON(j as never)],
];

describe.each(POLICIES)('%s: JSON round trip', (name, make, restore) => {
  it('same state, same summary, same next choices', async () => {
    await checkProperty(`${name} JSON round trip`, [history], ([arms, updates, s]) => {
      const policy = make(arms, s);
      for (const [arm, reward] of updates) policy.update(arm, reward);
      const copy = restore(JSON.parse(JSON.stringify(policy.toJSON())));
      expect(copy.toJSON()).toEqual(policy.toJSON());
      expect(copy.summary()).toEqual(policy.summary());
      const next = (p: Policy) => Array.from({ length: 5 }, () => p.select());
      expect(next(copy)).toEqual(next(policy));
      expect(copy.allocate(20)).toEqual(policy.allocate(20));
    }, 80);
  });
});
