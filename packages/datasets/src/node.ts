// @marksman/datasets/node — the Node-only entry: file loaders for the public data sets.
// The main entry (`@marksman/datasets`) never imports Node built-ins; everything here may.
export { dataDir } from './node/dataDir';
export { loadMovieLens100k } from './node/loadMovieLens100k';
export type { MovieLens100k } from './node/loadMovieLens100k';
export { loadCdnow } from './node/loadCdnow';
export type { LoadCdnowOptions } from './node/loadCdnow';
export { loadHillstrom } from './node/loadHillstrom';
export { loadOnlineRetail } from './node/loadOnlineRetail';
