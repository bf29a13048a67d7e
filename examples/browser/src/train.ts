// Trains the example's two models on the active TensorFlow.js backend: BPR
// (its tfjs engine) and TwoTower. The page and the Node test both call this,
// so a seed gives the same run wherever the backend computes the same.
import * as tf from '@tensorflow/tfjs-core';
import type { Id, Interaction } from '@marksman/core';
import { BPR } from '@marksman/recsys';
import { TwoTower, tfjsBprEngine } from '@marksman/recsys/tfjs';

/** How both models train. */
export interface TrainSettings {
  /** Seed of both models' initialisation and sampling. */
  readonly seed: number;
  /** BPR: epochs over the sampled triples. */
  readonly bprIterations: number;
  /** BPR: latent factors. */
  readonly bprFactors: number;
  /** BPR: learning rate. */
  readonly bprLearningRate: number;
  /** BPR (tfjs engine): triples per gradient step. */
  readonly bprBatchSize: number;
  /** TwoTower: epochs. */
  readonly towerEpochs: number;
  /** TwoTower: embedding width and output width of each tower. */
  readonly towerDim: number;
  /** TwoTower: pairs per batch (the in-batch negatives). */
  readonly towerBatchSize: number;
  /** TwoTower: Adam's learning rate. */
  readonly towerLearningRate: number;
}

/** Settings for a run of a few seconds on a laptop's GPU. */
export const DEFAULT_TRAIN: TrainSettings = Object.freeze({
  seed: 1,
  bprIterations: 30,
  bprFactors: 16,
  bprLearningRate: 0.05,
  bprBatchSize: 1024,
  towerEpochs: 15,
  towerDim: 32,
  towerBatchSize: 256,
  towerLearningRate: 0.01,
});

/** Which model. */
export type ModelName = 'BPR' | 'TwoTower';

/** What one model's training did. */
export interface ModelRun {
  readonly model: ModelName;
  /** Mean training loss of each epoch. */
  readonly losses: number[];
  /** Wall-clock seconds of the fit. */
  readonly seconds: number;
  /** `tf.memory().numTensors` before the fit, after it, and after the model freed its tensors. */
  readonly tensors: { readonly before: number; readonly afterFit: number; readonly afterDispose: number };
}

/** Both trained models (serving from host arrays) and how their training went. */
export interface Trained {
  readonly bpr: BPR;
  readonly twoTower: TwoTower;
  readonly runs: ModelRun[];
}

/**
 * Trains BPR, then TwoTower, on `rows` with the backend `useBackend` made
 * active, calling `onLoss` after each epoch. TwoTower's tensors are freed
 * after the fit (`dispose`): it recommends from host arrays.
 */
export async function trainBoth(rows: readonly Interaction[], s: TrainSettings, onLoss: (model: ModelName, epoch: number, loss: number) => void, signal?: AbortSignal): Promise<Trained> {
  const runs: ModelRun[] = [];
  const track = async <M extends BPR | TwoTower>(model: ModelName, fit: (onProgress: (p: { step: number; loss: number | null }) => void) => Promise<M>): Promise<M> => {
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const fitted = await fit((p) => {
      if (p.loss === null) return;
      losses.push(p.loss);
      onLoss(model, p.step, p.loss);
    });
    const seconds = (performance.now() - t0) / 1000;
    const afterFit = tf.memory().numTensors;
    if (fitted instanceof TwoTower) fitted.dispose();
    runs.push({ model, losses, seconds, tensors: { before, afterFit, afterDispose: tf.memory().numTensors } });
    return fitted;
  };
  const bpr = await track('BPR', (onProgress) =>
    new BPR({
      factors: s.bprFactors,
      iterations: s.bprIterations,
      learningRate: s.bprLearningRate,
      regularization: 0.01,
      seed: s.seed,
      engine: tfjsBprEngine({ batchSize: s.bprBatchSize }),
    }).fit(rows, { onProgress, ...(signal === undefined ? {} : { signal }) }),
  );
  const twoTower = await track('TwoTower', (onProgress) =>
    new TwoTower({
      embeddingDim: s.towerDim,
      layers: [s.towerDim],
      epochs: s.towerEpochs,
      batchSize: s.towerBatchSize,
      learningRate: s.towerLearningRate,
      seed: s.seed,
    }).fit(rows, { onProgress, ...(signal === undefined ? {} : { signal }) }),
  );
  return { bpr, twoTower, runs };
}

/** Top-`k` item ids (as strings) of each user, in the order given. */
export function topK(model: BPR | TwoTower, users: readonly Id[], k: number): string[][] {
  return model.recommendMany(users, { k }).map((list) => list.map((r) => String(r.itemId)));
}

/** Users in order of first appearance. */
export function usersOf(rows: readonly Interaction[]): Id[] {
  return [...new Set(rows.map((r) => r.userId))];
}

/** Share of the items in `a`'s lists that are also in `b`'s list for the same user. */
export function overlap(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): number {
  let hits = 0;
  let total = 0;
  a.forEach((list, u) => {
    const other = new Set(b[u] ?? []);
    hits += list.filter((i) => other.has(i)).length;
    total += list.length;
  });
  return total === 0 ? 0 : hits / total;
}
