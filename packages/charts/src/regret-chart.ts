import { OptionsError } from '@marksman/core';
import type { BanditSimulation } from '@marksman/experiments';
import { describeValue, inputError, isRecord, requireNumbers } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Options of {@link regretChart}. */
export interface RegretChartOptions extends ChartOptions {
  /** Points drawn per policy at most (evenly spaced rounds, the last included; integer ≥ 2, default 500). */
  readonly maxPoints?: number;
}

interface Resolved extends BaseOptions {
  maxPoints: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 420, height: 260, maxPoints: 500 });

/**
 * Cumulative pseudo-regret of simulated bandit policies (`simulateBandit`
 * of `@marksman/experiments`) against the round: one line per policy, so
 * policies are compared on the same arms. Regret that flattens means the
 * policy has learned which arm is best. Long simulations are thinned to
 * `maxPoints` evenly spaced rounds per policy (the last round always kept).
 *
 * Data set: `regret`, (`policy`, `round`, `regret`). Costs O(policies × maxPoints).
 *
 * @param simulations - one simulation, or `{ name: simulation }` for several policies
 * @param options - `maxPoints` (default 500), `title`, `width`, `height` (default 420 × 260)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (not a simulation), `E_EMPTY`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_RANGE` (maxPoints), `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { EpsilonGreedy, ThompsonSampling, simulateBandit } from '@marksman/experiments';
 * import { regretChart } from '@marksman/charts';
 * const arms = [{ kind: 'bernoulli', p: 0.05 }, { kind: 'bernoulli', p: 0.1 }] as const;
 * const spec = regretChart({
 *   thompson: simulateBandit(new ThompsonSampling(2, { seed: 1 }), arms, { horizon: 2000, seed: 1 }),
 *   'ε-greedy': simulateBandit(new EpsilonGreedy(2, { seed: 1 }), arms, { horizon: 2000, seed: 1 }),
 * }, { maxPoints: 100 });
 * spec.datasets.regret.length; // => 200
 * spec.datasets.regret.filter((r) => r.policy === 'thompson').at(-1)?.round; // => 2000
 * ```
 */
export function regretChart(simulations: BanditSimulation | Readonly<Record<string, BanditSimulation>>, options?: RegretChartOptions): VegaLiteSpec {
  const source = 'regretChart';
  const o = chartOptions(source, DEFAULTS, options);
  if (!Number.isSafeInteger(o.maxPoints) || o.maxPoints < 2) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: maxPoints must be an integer ≥ 2, got ${describeValue(o.maxPoints)}.`, { source, field: 'maxPoints' });
  }
  if (!isRecord(simulations)) throw inputError(source, 'simulations', 'a simulateBandit result or { name: result }', simulations);
  const entries: [string, unknown][] = 'cumulativeRegret' in simulations ? [['policy', simulations]] : Object.entries(simulations);
  if (entries.length === 0) throw inputError(source, 'simulations', 'at least one simulation', simulations);
  const rows: ChartRow[] = [];
  for (const [name, sim] of entries) {
    if (!isRecord(sim)) throw inputError(source, `simulations.${name}`, 'a simulateBandit result', sim);
    const regret = requireNumbers(source, `simulations.${name}.cumulativeRegret`, sim.cumulativeRegret);
    const h = regret.length;
    const m = Math.min(h, o.maxPoints);
    let previous = -1;
    for (let j = 0; j < m; j++) {
      const i = m === 1 ? 0 : Math.round((j * (h - 1)) / (m - 1));
      if (i === previous) continue;
      previous = i;
      rows.push({ policy: name, round: i + 1, regret: regret[i]! });
    }
  }
  return specBase(o.title ?? 'Cumulative regret', { regret: rows }, {
    width: o.width,
    height: o.height,
    data: { name: 'regret' },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'round', type: 'quantitative', title: 'Round' },
      y: { field: 'regret', type: 'quantitative', title: 'Cumulative pseudo-regret' },
      color: { field: 'policy', type: 'nominal', title: 'Policy' },
      tooltip: [{ field: 'policy', type: 'nominal' }, { field: 'round', type: 'quantitative' }, { field: 'regret', type: 'quantitative', format: '.2f' }],
    },
  });
}
