// A bundled app imports TensorFlow.js backends itself; useBackend finds them registered.
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as entry from '@marksman/recsys/tfjs';
import { TwoTower, useBackend } from '@marksman/recsys/tfjs';
import { expose, type Smoke } from './smoke';
import { tfjsRun } from './tfjs-run';

export async function smoke(): Promise<Smoke> {
  return { exports: Object.keys(entry).sort(), ...(await tfjsRun({ TwoTower, useBackend })) };
}
expose(smoke);
