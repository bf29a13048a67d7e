import path from 'node:path';
import type { CleanInteraction, Customer, ValidationReport } from '@marksman/core';
import { parseMovieLensItems, parseMovieLensRatings, parseMovieLensUsers } from '../parseMovieLens100k';
import type { MovieLensItem } from '../parseMovieLens100k';
import { dataDir } from './dataDir';
import { folderArgument, readDataFile } from './readDataFile';

/** What {@link loadMovieLens100k} returns. */
export interface MovieLens100k {
  /** The 100,000 ratings of `u.data` as interactions (weight = rating). */
  readonly ratings: ValidationReport<CleanInteraction>;
  /** The 1,682 movies of `u.item`. */
  readonly items: readonly MovieLensItem[];
  /** The 943 users of `u.user`. */
  readonly users: readonly Customer[];
}

/**
 * Reads MovieLens 100K (`u.data`, `u.item` decoded as ISO-8859-1, `u.user`) from a folder.
 * The data may not be redistributed (GroupLens licence): it is read from the user's disk only.
 *
 * Costs O(file sizes).
 *
 * @param dir - the folder holding `u.data`; default `dataDir()/movielens-100k`
 * @returns ratings, items and users
 * @throws `ParseError` (from `@marksman/core`) `E_FILE_MISSING` when a file cannot be read, `E_PARSE` for a malformed line,
 *   `E_DUPLICATE_ID` for a movie or user listed twice; `ValidationError` `E_INPUT` when `dir` is not a string
 * @example
 * ```ts
 * import { loadMovieLens100k } from '@marksman/datasets/node';
 * const ml = loadMovieLens100k();
 * ml.ratings.kept; // => 100000
 * ```
 */
export function loadMovieLens100k(dir?: string): MovieLens100k {
  const source = 'loadMovieLens100k';
  const root = folderArgument(source, dir, () => path.join(dataDir(), 'movielens-100k'));
  const data = readDataFile(source, root, 'u.data');
  const item = readDataFile(source, root, 'u.item', 'latin1');
  const user = readDataFile(source, root, 'u.user');
  return {
    ratings: parseMovieLensRatings(data.text, { file: data.file }),
    items: parseMovieLensItems(item.text, { file: item.file }),
    users: parseMovieLensUsers(user.text, { file: user.file }),
  };
}
