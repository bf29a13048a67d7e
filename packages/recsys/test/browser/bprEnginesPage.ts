// Browser page of benchmarks/recsys/bpr-engines.bench.ts (kept here, where the
// TensorFlow.js packages resolve): times tfjsBprEngine on WebGL.
import '@tensorflow/tfjs-backend-webgl';
import { BPR } from '@marksman/recsys';
import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';

async function timeBpr(arg: { pairs: number[][]; epochs: number; batchSize: number }): Promise<{ backend: string; perEpoch: number }> {
  const choice = await useBackend('webgl');
  const rows = arg.pairs.map(([u, i]) => ({ userId: u!, itemId: i! }));
  const engine = tfjsBprEngine({ batchSize: arg.batchSize });
  const base = { factors: 64, learningRate: 0.01, regularization: 0.01, seed: 0 };
  await new BPR({ ...base, iterations: 1, engine }).fit(rows);
  const t0 = performance.now();
  await new BPR({ ...base, iterations: arg.epochs, engine }).fit(rows);
  return { backend: choice.backend, perEpoch: (performance.now() - t0) / 1000 / arg.epochs };
}

(globalThis as { timeBpr?: typeof timeBpr }).timeBpr = timeBpr;
