// The registry: for every public entry, one or more valid calls of each
// export, constructor, static and public method. A new export without a case
// here fails the battery with a message saying to add one.
import type { Case } from '../case';

type Loader = () => Promise<readonly Case[]>;

const LOADERS: Readonly<Record<string, Loader>> = {
  '@marksman/core': async () => (await import('./core')).core(),
  '@marksman/metrics': async () => (await import('./metrics')).metrics(),
  '@marksman/datasets': async () => (await import('./datasets')).datasets(),
  '@marksman/datasets/node': async () => (await import('./datasets')).datasetsNode(),
  '@marksman/profiling': async () => (await import('./profiling')).profiling(),
  '@marksman/learn': async () => (await import('./learn')).learn(),
  '@marksman/segmentation': async () => (await import('./segmentation')).segmentation(),
  '@marksman/recsys': async () => (await import('./recsys')).recsys(),
  '@marksman/recsys/tfjs': async () => (await import('./tfjs')).tfjs(),
  '@marksman/experiments': async () => (await import('./experiments')).experiments(),
  '@marksman/sql': async () => (await import('./sql')).sql(),
  '@marksman/sql/node': async () => (await import('./sql')).sqlNode(),
  '@marksman/charts': async () => (await import('./charts')).charts(),
  '@marksman/charts/render': async () => (await import('./charts')).chartsRender(),
  '@marksman/io': async () => (await import('./io')).io(),
  '@marksman/io/node': async () => (await import('./io')).ioNode(),
  // The umbrella re-exports the scoped packages: an export that is the same
  // value as a scoped one is covered there; anything of its own needs a case.
  marksman: async () => [],
  'marksman/tfjs': async () => [],
  'marksman/charts': async () => [],
};

/** All cases, per entry specifier. */
export async function registry(): Promise<Map<string, Case[]>> {
  const out = new Map<string, Case[]>();
  for (const [entry, load] of Object.entries(LOADERS)) {
    const cases = (await load()).map((c) => Object.assign({}, c, { entry }));
    out.set(entry, cases);
  }
  return out;
}
