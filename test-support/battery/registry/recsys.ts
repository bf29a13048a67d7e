import { longTailItems } from '@marksman/metrics';
import * as R from '@marksman/recsys';
import { ALS, BPR, ExplicitMF, ItemKNN, Popularity } from '@marksman/recsys';
import type { Recommender } from '@marksman/recsys';
import { args, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';

/** 12 users in two taste groups over 8 items, with timestamps and weights 1–3. */
export const ROWS = Array.from({ length: 12 }, (_, u) =>
  Array.from({ length: 4 }, (_, j) => ({
    userId: `u${u}`,
    itemId: (u % 2) * 4 + ((u + j) % 4),
    weight: 1 + ((u + j) % 3),
    timestamp: Date.UTC(2024, 0, 1 + u + j),
  })),
).flat();

// Ids may be strings or finite numbers; an unknown user gets the cold-start
// answer and is not an error (documented on Recommender).
const USER_IDS = [/^a0$/, /^a0\[0\]$/, /^a0\[0\]\.(userId|itemId)$/];

/** The methods every recommender shares, on a fitted instance. */
export function recommenderCases(name: string, fitted: () => Promise<Recommender>, make: () => Recommender): Case[] {
  return [
    method(name, make, 'fit', args(ROWS, { seed: 1 }), { idLike: USER_IDS, heavy: true }),
    method(name, fitted, 'isKnownUser', args('u0'), { idLike: USER_IDS }),
    method(name, fitted, 'recommend', args('u0', { k: 3, excludeSeen: true, exclude: [5], include: [0, 1, 2, 5, 6, 7] }), { idLike: [...USER_IDS, /^a1\.(exclude|include)\[0\]$/] }),
    method(name, fitted, 'recommendMany', args(['u0', 'u1', 'new'], { k: 3 }), { idLike: USER_IDS }),
    method(name, fitted, 'similarItems', args(0, 3), { idLike: USER_IDS }),
    method(name, fitted, 'explain', args('u0', 6, { k: 3 }), { idLike: [...USER_IDS, /^a1$/] }),
    method(name, fitted, 'foldIn', args([{ userId: 'u99', itemId: 1, weight: 2 }]), { idLike: USER_IDS }),
    method(name, fitted, 'toJSON', args()),
  ];
}

function modelCases<T extends Recommender>(name: string, C: (new (o?: object) => T) & { fromJSON(j: unknown): T }, options: object, extra: (fitted: () => Promise<T>) => Case[] = () => []): Case[] {
  const make = () => new C(options);
  const fitted = () => make().fit(ROWS, { seed: 1 }) as Promise<T>;
  return [
    ctor(name, C, args(options)),
    statik(name, C, 'fromJSON', async () => [JSON.parse(JSON.stringify((await fitted()).toJSON()))], { options: null }),
    ...recommenderCases(name, fitted, make),
    ...extra(fitted),
  ];
}

const CANDIDATES = [
  { itemId: 'heat', score: 0.9 },
  { itemId: 'ronin', score: 0.8 },
  { itemId: 'up', score: 0.5 },
  { itemId: 'cars', score: 0.4 },
];
const GENRES = new Map([
  ['heat', ['Action', 'Crime']],
  ['ronin', ['Action', 'Crime']],
  ['up', ['Animation']],
  ['cars', ['Animation']],
]);

export const recsys = async (): Promise<Case[]> => [
  // The base class is abstract: its methods run on a Popularity model.
  ...recommenderCases('Recommender', () => new Popularity().fit(ROWS), () => new Popularity()),
  ...modelCases('Popularity', Popularity, { by: 'users' }),
  ...modelCases('ItemKNN', ItemKNN, { neighbours: 5, weighting: 'bm25', shrinkage: 1, bm25K1: 1.2, bm25B: 0.75 }),
  ...modelCases('ALS', ALS, { factors: 4, iterations: 3, regularization: 0.1, alpha: 1, seed: 1 }, (fitted) => [
    method('ALS', fitted, 'userFactors', args('u0'), { idLike: USER_IDS }),
    method('ALS', fitted, 'itemFactors', args(3), { idLike: USER_IDS }),
  ]),
  ...modelCases('BPR', BPR, { factors: 4, iterations: 5, learningRate: 0.05, regularization: 0.01, seed: 1 }, (fitted) => [
    method('BPR', fitted, 'userFactors', args('u0'), { idLike: USER_IDS }),
    method('BPR', fitted, 'itemFactors', args(3), { idLike: USER_IDS }),
    method('BPR', fitted, 'itemBias', args(3), { idLike: USER_IDS }),
  ]),
  ...modelCases('ExplicitMF', ExplicitMF, { factors: 3, iterations: 5, learningRate: 0.01, regularization: 0.02, solver: 'sgd', seed: 1 }, (fitted) => [
    method('ExplicitMF', fitted, 'predictRating', args('u0', 3), { idLike: [/^a[01]$/] }),
  ]),
  fn('portableSplit', R.portableSplit, args(ROWS, { testFraction: 0.25, seed: 3 }), { idLike: USER_IDS }),
  fn('portableKey', R.portableKey, args(196, 242, 0), { idLike: [/^a[01]$/], required: 2 }),
  fn('randomUserSplit', R.randomUserSplit, args(ROWS, { testFraction: 0.25, seed: 3 }), { idLike: USER_IDS }),
  fn('leaveLastOutSplit', R.leaveLastOutSplit, args(ROWS, { k: 1 }), { idLike: [...USER_IDS, /^a0\[0\]\.timestamp$/] }),
  fn('kFoldSplit', R.kFoldSplit, args(ROWS, { folds: 3, seed: 2 }), { idLike: USER_IDS }),
  fn('evaluateRanking', R.evaluateRanking, async () => [await new Popularity().fit(ROWS.slice(0, 30)), ROWS.slice(30), { k: 3, candidates: 10, beyondAccuracy: true }], {
    idLike: [/^a1\[0\]\.(userId|itemId)$/],
    // Ranking reads only the user and item of test rows; beyondAccuracy: {} asks for the metrics with their defaults.
    returns: [/^a1\[0\]\.(weight|timestamp)=/, /^a2\.beyondAccuracy=\{\}$/],
  }),
  // ALLOW-LIST (not fixed): a rating of 1e308 squares to Infinity in the RMSE.
  fn('evaluateRating', R.evaluateRating, () => [{ predictRating: () => 3 }, [{ userId: 'a', itemId: 'x', weight: 5 }, { userId: 'b', itemId: 'x', weight: 2 }]], { idLike: [/^a1\[0\]\.(userId|itemId)$/], options: null, garbage: [/^a1\[0\]\.weight=1e308$/] }),
  fn('mmrRerank', R.mmrRerank, args(CANDIDATES, { k: 2, lambda: 0.5, itemFeatures: GENRES, featureSimilarity: 'jaccard' }), { idLike: [/^a0\[0\]\.itemId$/] }),
  fn(
    'longTailRerank',
    R.longTailRerank,
    () => [CANDIDATES, { k: 2, lambda: 0.5, longTail: longTailItems(new Map([['heat', 900], ['ronin', 800], ['up', 12], ['cars', 9], ['x', 1]])), history: ['heat', 'up'], variant: 'smooth' }],
    { idLike: [/^a0\[0\]\.itemId$/, /^a1\.history\[0\]$/] },
  ),
  fn('calibratedRerank', R.calibratedRerank, args(CANDIDATES, { k: 2, lambda: 0.5, alpha: 0.01, itemCategories: GENRES, history: ['heat', 'ronin', 'up'] }), { idLike: [/^a0\[0\]\.itemId$/, /^a1\.history\[0\]$/] }),
  fn(
    'applyBusinessRules',
    R.applyBusinessRules,
    args(CANDIDATES, { k: 3, exclude: ['ronin'], inStock: new Set(['heat', 'up', 'cars']), boost: new Map([['cars', 0.5]]), itemCategory: new Map([['heat', 'a'], ['up', 'b'], ['cars', 'b']]), maxPerCategory: 1 }),
    // ALLOW-LIST (not fixed): a category that is null, NaN or an object counts as one more category; a boost of null as none.
    { idLike: [/^a0\[0\]\.itemId$/, /^a1\.exclude\[0\]$/], returns: [/^a1\.itemCategory\.get/, /^a1\.boost\.get\('cars'\)=null$/] },
  ),
];
