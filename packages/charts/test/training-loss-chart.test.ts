import { describe, expect, it } from 'vitest';
import { ALS, BPR, Popularity } from '@marksman/recsys';
import type { FitProgress } from '@marksman/recsys';
import { TwoTower, useBackend } from '@marksman/recsys/tfjs';
import type { LearnedFitProgress } from '@marksman/recsys/tfjs';
import { trainingLossChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const rows: { userId: string; itemId: string }[] = [];
for (let u = 0; u < 30; u++) for (let i = 0; i < 4; i++) rows.push({ userId: `u${u}`, itemId: `${u % 2 ? 'camp' : 'beauty'}${(u + i) % 6}` });

describe('trainingLossChart', () => {
  it('draws a learned model’s fitReport: losses by epoch, validation scores, a rule at the kept epoch', async () => {
    await useBackend('cpu');
    const train = rows.filter((_, i) => i % 4 !== 0);
    const validation = rows.filter((_, i) => i % 4 === 0);
    const events: LearnedFitProgress[] = [];
    const model = await new TwoTower({ embeddingDim: 8, layers: [8], epochs: 6, batchSize: 16, learningRate: 0.02, seed: 1 }).fit(train, { validation, onProgress: (p) => events.push(p) });
    const report = deepFreeze(model.fitReport!);
    const spec = trainingLossChart(report);
    expect(spec.datasets.loss!.map((r) => r.loss)).toEqual(report.losses);
    expect(spec.datasets.loss!.map((r) => r.step)).toEqual(report.losses.map((_, i) => i + 1));
    const k = report.validation[0]!.k;
    expect(spec.datasets.validation!.filter((r) => r.metric === `ndcg@${k}`).map((r) => r.value)).toEqual(report.validation.map((v) => v.ndcg));
    expect(spec.datasets.validation!.filter((r) => r.metric === `recall@${k}`).map((r) => r.value)).toEqual(report.validation.map((v) => v.recall));
    expect(JSON.stringify(spec)).toContain(`"datum":${report.bestEpoch}`);
    // the progress events give the same curves
    const fromEvents = trainingLossChart(events);
    expect(fromEvents.datasets.loss!.map((r) => r.loss)).toEqual(report.losses);
    expect(fromEvents.datasets.validation).toEqual(spec.datasets.validation);
    model.dispose();
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Training loss', 'Mean training loss', 'Validation', 'Epoch', `ndcg@${k}`]));
  });

  it('draws the onProgress events of a classic model; ALS loss falls', async () => {
    const events: FitProgress[] = [];
    await new ALS({ factors: 4, iterations: 8, computeLoss: true, seed: 2 }).fit(rows, { onProgress: (p) => events.push(p) });
    const spec = trainingLossChart(deepFreeze(events));
    const loss = spec.datasets.loss!;
    expect(loss.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(loss.map((r) => r.loss)).toEqual(events.map((e) => e.loss));
    expect(loss.at(-1)!.loss as number).toBeLessThan(loss[0]!.loss as number);
    expect(spec.datasets.validation).toBeUndefined();
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Training loss', 'Iteration', 'Loss']));
    const bpr: FitProgress[] = [];
    await new BPR({ factors: 4, iterations: 5, seed: 2 }).fit(rows, { onProgress: (p) => bpr.push(p) });
    expect(trainingLossChart(bpr).datasets.loss!.length).toBe(5);
  });

  it('refuses events without any loss, and what is not a history', async () => {
    const events: FitProgress[] = [];
    await new Popularity().fit(rows, { onProgress: (p) => events.push(p) });
    expect(() => trainingLossChart(events)).toThrow(expect.objectContaining({ code: 'E_CHART_NO_LOSS' }));
    expect(() => trainingLossChart({ losses: [] })).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => trainingLossChart({ losses: [1, NaN] })).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', row: 1 }));
    expect(() => trainingLossChart({ losses: [1], validation: [{ k: 10 }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'validation.ndcg' }));
    expect(() => trainingLossChart(null as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
    const score = { k: 10, ndcg: 0.1, recall: 0.2 };
    expect(() => trainingLossChart({ losses: [0.7, 0.6], validation: [score] })).toThrow(expect.objectContaining({ code: 'E_LENGTH_MISMATCH', field: 'history.validation' }));
    expect(() => trainingLossChart({ losses: [0.7], validation: [score, score] })).toThrow(expect.objectContaining({ code: 'E_LENGTH_MISMATCH', field: 'history.validation' }));
    expect(trainingLossChart({ losses: [0.7, 0.6], validation: [] }).datasets.validation).toBeUndefined();
  });

  it('refuses a phase that is not a name, instead of drawing it as "step"', () => {
    const event = (phase: unknown) => [{ step: 1, steps: 2, phase, loss: 0.5 }] as never;
    expect(trainingLossChart(event(undefined)).datasets.loss![0]!.phase).toBe('step');
    expect(trainingLossChart(event('sweep')).datasets.loss![0]!.phase).toBe('sweep');
    for (const phase of [42, {}, '']) {
      expect(() => trainingLossChart(event(phase))).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'history.phase', row: 0 }));
    }
  });
});
