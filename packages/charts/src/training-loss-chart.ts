import { ValidationError } from '@marksman/core';
import type { FitProgress } from '@marksman/recsys';
import { inputError, isRecord, requireList, requireNumberField, requireNumbers } from './checks';
import { chartOptions, specBase } from './spec';
import type { BaseOptions, ChartOptions, ChartRow, VegaLiteSpec } from './spec';

/** Validation scores of one epoch, as the learned recommenders report them (`ValidationScore` of `@marksman/recsys/tfjs`). */
export interface TrainingValidationScore {
  /** The cut-off of the metrics. */
  readonly k: number;
  /** Mean NDCG@k. */
  readonly ndcg: number;
  /** Mean recall@k. */
  readonly recall: number;
}

/**
 * A fit's history in the shape of the learned recommenders' `fitReport`
 * (`LearnedFitReport` of `@marksman/recsys/tfjs`): the mean training loss
 * of each epoch and, with a validation set, each epoch's scores.
 */
export interface TrainingHistory {
  /** Mean training loss of each epoch (epoch 1 first). */
  readonly losses: readonly number[];
  /** Validation scores of each epoch (empty or absent without a validation set). */
  readonly validation?: readonly TrainingValidationScore[] | undefined;
  /** The epoch whose weights were kept (1-based), marked on the chart. */
  readonly bestEpoch?: number | undefined;
}

const DEFAULTS: Readonly<BaseOptions> = Object.freeze({ title: undefined, width: 420, height: 200 });

/**
 * Training curves of a recommender: the training loss per step (epoch,
 * sweep or iteration) and, when the fit was validated, NDCG@k and
 * recall@k per epoch in a second panel, with a rule at the epoch whose
 * weights were kept. Takes the learned models' `fitReport` (TwoTower and
 * the other models of `@marksman/recsys/tfjs`) or the events `onProgress`
 * delivered during any fit (`{ step, steps, phase, loss }`, from ALS with
 * `computeLoss`, BPR, explicit MF or a learned model), collected in an
 * array; events without a loss (`loss: null`) are not drawn, and several
 * phases get a colour each.
 *
 * Data sets: `loss` (`step`, `phase`, `loss`) and `validation` (`step`,
 * `metric` = `'ndcg@k'` / `'recall@k'`, `value`). Costs O(steps).
 *
 * @param history - a `fitReport` (`{ losses, validation?, bestEpoch? }`) or the `onProgress` events of a fit
 * @param options - `title` (default 'Training loss'), `width`, `height` (of each panel; default 420 × 200)
 * @returns a Vega-Lite spec (one panel, or two with validation)
 * @throws `ValidationError` `E_CHART_NO_LOSS` (events without any loss: turn the model's loss reporting on,
 *   e.g. ALS `computeLoss: true`), `E_LENGTH_MISMATCH` (validation scores not one per epoch), `E_CHART_INPUT`, `E_EMPTY`, `E_NOT_FINITE`; `OptionsError`
 *   `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
 * @example
 * ```ts
 * import { trainingLossChart } from '@marksman/charts';
 * const report = { losses: [0.69, 0.52, 0.47], validation: [{ k: 10, ndcg: 0.1, recall: 0.2 }, { k: 10, ndcg: 0.14, recall: 0.25 }, { k: 10, ndcg: 0.13, recall: 0.26 }], bestEpoch: 2 };
 * const spec = trainingLossChart(report);
 * spec.datasets.loss.map((r) => [r.step, r.loss]); // => [[1, 0.69], [2, 0.52], [3, 0.47]]
 * spec.datasets.validation.filter((r) => r.metric === 'ndcg@10').map((r) => r.value); // => [0.1, 0.14, 0.13]
 * trainingLossChart([{ step: 1, steps: 1, phase: 'count', loss: null }]); // throws E_CHART_NO_LOSS
 * ```
 */
export function trainingLossChart(history: TrainingHistory | readonly FitProgress[], options?: ChartOptions): VegaLiteSpec {
  const source = 'trainingLossChart';
  const o = chartOptions(source, DEFAULTS, options);
  const loss: ChartRow[] = [];
  const validation: ChartRow[] = [];
  let best: number | null = null;
  const addScore = (step: number, v: unknown, row: number) => {
    if (!isRecord(v)) throw inputError(source, 'validation', 'a score { k, ndcg, recall }', v, row);
    const k = requireNumberField(source, 'validation.k', v.k, row);
    validation.push({ step, metric: `ndcg@${k}`, value: requireNumberField(source, 'validation.ndcg', v.ndcg, row) });
    validation.push({ step, metric: `recall@${k}`, value: requireNumberField(source, 'validation.recall', v.recall, row) });
  };
  if (Array.isArray(history)) {
    const events = requireList(source, 'history', history, 'the onProgress events of a fit');
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!isRecord(e)) throw inputError(source, 'history', 'a progress event { step, steps, phase, loss }', e, i);
      const step = requireNumberField(source, 'history.step', e.step, i);
      const phase = e.phase ?? 'step';
      if (typeof phase !== 'string' || phase === '') throw inputError(source, 'history.phase', "the name of the fit's phase (text)", phase, i);
      if (e.loss !== null && e.loss !== undefined) loss.push({ step, phase, loss: requireNumberField(source, 'history.loss', e.loss, i) });
      if (e.validation !== null && e.validation !== undefined) addScore(step, e.validation, i);
    }
    if (loss.length === 0) {
      throw new ValidationError('E_CHART_NO_LOSS', `${source}: none of the ${events.length} progress events carries a loss; turn the model's loss reporting on (ALS: computeLoss: true) or chart a learned model's fitReport.`, {
        source,
        field: 'history',
      });
    }
  } else {
    const h = isRecord(history) ? history : null;
    if (h === null) throw inputError(source, 'history', 'a fitReport { losses, validation } or an array of progress events', history);
    const losses = requireNumbers(source, 'history.losses', h.losses);
    losses.forEach((l, i) => loss.push({ step: i + 1, phase: 'epoch', loss: l }));
    if (h.validation !== undefined && h.validation !== null) {
      const scores = requireList(source, 'history.validation', h.validation, 'an array of validation scores', 0);
      // A fit with a validation set scores every epoch, so the two lists travel together.
      if (scores.length > 0 && scores.length !== losses.length) {
        throw new ValidationError('E_LENGTH_MISMATCH', `${source}: history.validation has ${scores.length} scores but history.losses has ${losses.length} epochs; pass a fitReport unchanged (one score per epoch) or leave validation out.`, {
          source,
          field: 'history.validation',
        });
      }
      for (let i = 0; i < scores.length; i++) addScore(i + 1, scores[i], i);
    }
    if (h.bestEpoch !== undefined && h.bestEpoch !== null) best = requireNumberField(source, 'history.bestEpoch', h.bestEpoch);
  }
  const phases = new Set(loss.map((r) => r.phase));
  const x = { field: 'step', type: 'quantitative', title: phases.size === 1 ? `${String([...phases][0])[0]!.toUpperCase()}${String([...phases][0]).slice(1)}` : 'Step', axis: { tickMinStep: 1 }, scale: { zero: false } };
  // The rule has a one-row data set of its own, so it is drawn once.
  const bestRule = best === null ? [] : [{ data: { values: [{}] }, mark: { type: 'rule', color: 'gray', strokeDash: [4, 4] }, encoding: { x: { datum: best, type: 'quantitative' } } }];
  const lossPanel = {
    title: 'Mean training loss',
    width: o.width,
    height: o.height,
    layer: [
      ...bestRule,
      {
        data: { name: 'loss' },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'loss', type: 'quantitative', title: 'Loss', scale: { zero: false } },
          ...(phases.size > 1 ? { color: { field: 'phase', type: 'nominal', title: 'Phase' } } : {}),
          tooltip: [{ field: 'step', type: 'quantitative' }, { field: 'phase', type: 'nominal' }, { field: 'loss', type: 'quantitative', format: '.5g' }],
        },
      },
    ],
  };
  const title = o.title ?? 'Training loss';
  if (validation.length === 0) {
    const { title: _panelTitle, ...panel } = lossPanel;
    return specBase(title, { loss }, panel);
  }
  const validationPanel = {
    title: 'Validation',
    width: o.width,
    height: o.height,
    layer: [
      ...bestRule,
      {
        data: { name: 'validation' },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'Score' },
          color: { field: 'metric', type: 'nominal', title: 'Metric' },
          tooltip: [{ field: 'step', type: 'quantitative' }, { field: 'metric', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.4f' }],
        },
      },
    ],
  };
  return specBase(title, { loss, validation }, { vconcat: [lossPanel, validationPanel] });
}
