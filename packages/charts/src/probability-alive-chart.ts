import { OptionsError } from '@marksman/core';
import type { ClvCustomer } from '@marksman/profiling';
import { describeValue, requireMethod } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** A customer-value model that gives the probability that a customer is still active (`BgNbdModel`, `ParetoNbdModel`). */
export interface ProbabilityAliveModel {
  /** Probability that a customer with this history is alive. */
  probabilityAlive(customer: ClvCustomer): number;
  /** Time unit of the model, when known (shown in the axis title). */
  readonly timeUnit?: string | undefined;
}

/** Options of {@link probabilityAliveChart}. */
export interface ProbabilityAliveChartOptions extends ChartOptions {
  /** Largest number of repeat purchases shown (an integer ≥ 1). Required. */
  readonly maxFrequency?: number;
  /** Customer age T (first purchase to the end of the period) in the model's time unit, > 0. Required. */
  readonly T?: number;
  /** Width of a recency cell in the model's time unit (default max(1, T / 60)). */
  readonly recencyStep?: number | undefined;
}

interface Resolved extends BaseOptions {
  maxFrequency: number | undefined;
  T: number | undefined;
  recencyStep: number | undefined;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ title: undefined, width: 420, height: 300, maxFrequency: undefined, T: undefined, recencyStep: undefined });

/**
 * The probability-alive matrix of a BG/NBD or Pareto/NBD model, as
 * lifetimes' `plot_probability_alive_matrix`: for customers of age `T`, the
 * probability that one with x repeat purchases, the last at recency t_x, is
 * still active, over x = 0…maxFrequency and t_x from 0 to T. Customers who
 * bought often but not lately (high x, low t_x) are the ones at risk. A
 * customer without repeat purchases has recency 0, so the x = 0 row has a
 * single cell; a customer with repeat purchases has recency > 0, so the
 * other cells are evaluated at their right edge.
 *
 * Data set: `cells` (`frequency`, `recency` and `recencyEnd` (the cell's
 * edges), `evaluatedAt` (the recency the model is evaluated at),
 * `probabilityAlive`).
 * Costs O(maxFrequency × T / recencyStep) model evaluations.
 *
 * @param model - a fitted `BgNbdModel` or `ParetoNbdModel` (anything with `probabilityAlive`)
 * @param options - `maxFrequency` and `T` (required), `recencyStep`, `title`, `width`, `height` (default 420 × 300)
 * @returns a Vega-Lite spec
 * @throws `ValidationError` `E_CHART_INPUT` (no probabilityAlive method); `OptionsError` `E_OPTION_RANGE`
 *   (missing or bad maxFrequency, T, recencyStep, or more than 100,000 cells), `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { BgNbdModel } from '@marksman/profiling';
 * import { probabilityAliveChart } from '@marksman/charts';
 * const model = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
 * const spec = probabilityAliveChart(model, { maxFrequency: 10, T: 39 });
 * spec.datasets.cells.length; // => 1 + 10 * 39
 * const cell = spec.datasets.cells.find((c) => c.frequency === 2 && c.recencyEnd === 30)!;
 * cell.probabilityAlive === model.probabilityAlive({ frequency: 2, recency: 30, T: 39 }); // => true
 * probabilityAliveChart(model, { maxFrequency: 10 }); // throws E_OPTION_RANGE
 * ```
 */
export function probabilityAliveChart(model: ProbabilityAliveModel, options?: ProbabilityAliveChartOptions): VegaLiteSpec {
  const source = 'probabilityAliveChart';
  const o = chartOptions(source, DEFAULTS, options);
  requireMethod(source, 'model', model, 'probabilityAlive', 'a fitted BgNbdModel or ParetoNbdModel');
  const maxFrequency = o.maxFrequency;
  const T = o.T;
  if (maxFrequency === undefined || !Number.isSafeInteger(maxFrequency) || maxFrequency < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: maxFrequency (the largest number of repeat purchases to show) must be an integer ≥ 1, got ${describeValue(maxFrequency)}.`, { source, field: 'maxFrequency' });
  }
  if (T === undefined || typeof T !== 'number' || !Number.isFinite(T) || !(T > 0)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: T (customer age, in the model's time unit) must be a positive number, got ${describeValue(T)}.`, { source, field: 'T' });
  }
  const step = o.recencyStep ?? Math.max(1, T / 60);
  if (typeof step !== 'number' || !Number.isFinite(step) || !(step > 0)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: recencyStep must be a positive number, got ${describeValue(step)}.`, { source, field: 'recencyStep' });
  }
  const columns = Math.ceil(T / step - 1e-9);
  if (columns * maxFrequency > 100_000) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${maxFrequency} frequencies × ${columns} recency cells is more than 100,000 cells; raise recencyStep or lower maxFrequency.`, { source, field: 'recencyStep' });
  }
  const cells: ChartRow[] = [{ frequency: 0, recency: 0, recencyEnd: Math.min(step, T), evaluatedAt: 0, probabilityAlive: model.probabilityAlive({ frequency: 0, recency: 0, T }) }];
  for (let x = 1; x <= maxFrequency; x++) {
    for (let j = 0; j < columns; j++) {
      const recency = j * step;
      const recencyEnd = Math.min(recency + step, T);
      cells.push({ frequency: x, recency, recencyEnd, evaluatedAt: recencyEnd, probabilityAlive: model.probabilityAlive({ frequency: x, recency: recencyEnd, T }) });
    }
  }
  const unit = typeof model.timeUnit === 'string' ? ` (${model.timeUnit}s)` : '';
  return specBase(o.title ?? `Probability alive, customers of age T = ${Number(T.toFixed(2))}`, { cells }, {
    width: o.width,
    height: o.height,
    data: { name: 'cells' },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'recency', type: 'quantitative', title: `Recency: time from first to last purchase${unit}`, scale: { domain: [0, T], nice: false } },
      x2: { field: 'recencyEnd' },
      y: { field: 'frequency', type: 'ordinal', sort: 'descending', title: 'Repeat purchases (frequency)' },
      color: { field: 'probabilityAlive', type: 'quantitative', title: 'P(alive)', scale: { scheme: 'viridis', domain: [0, 1] } },
      tooltip: [
        { field: 'frequency', type: 'quantitative' },
        { field: 'evaluatedAt', type: 'quantitative', format: '.2f', title: 'recency' },
        { field: 'probabilityAlive', type: 'quantitative', format: '.3f', title: 'P(alive)' },
      ],
    },
  });
}
