import * as entry from '@marksman/segmentation';
import { kmeans } from '@marksman/segmentation';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  // 200 points: enough for the WebAssembly SIMD path.
  const points = Array.from({ length: 200 }, (_, i) => [(i % 4) * 10 + ((i * 7) % 5) / 10, Math.floor(i / 4) % 3]);
  const model = kmeans(points, 4, { seed: 7 });
  return { exports: Object.keys(entry).sort(), result: { labels: Array.from(model.labels), inertia: model.inertia }, browser: null };
}
expose(smoke);
