import path from 'node:path';

/**
 * The folder that holds the licensed data sets: `$MARKSMAN_DATA_DIR` when set, else
 * `../shared/datasets` resolved against the current working directory (the repository root in
 * this project's CI). Each loader reads its own sub-folder (`movielens-100k`, `cdnow`,
 * `hillstrom`, `online-retail`).
 *
 * Costs O(1).
 *
 * @returns an absolute path (or the environment variable as given)
 * @example
 * ```ts
 * import { dataDir } from '@marksman/datasets/node';
 * import { isAbsolute } from 'node:path';
 * // with MARKSMAN_DATA_DIR=/data/marksman set, this returns '/data/marksman'
 * isAbsolute(dataDir()) || dataDir() === process.env.MARKSMAN_DATA_DIR; // => true
 * ```
 */
export function dataDir(): string {
  return process.env.MARKSMAN_DATA_DIR ?? path.resolve(process.cwd(), '../shared/datasets');
}
