import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  LinearRegression,
  LogisticRegression,
  RandomForestClassifier,
  RandomForestRegressor,
} from '@marksman/learn';
import { args, ctor, method, statik } from '../case';
import type { Case } from '../case';

/** Eight customers, two features, a label and a numeric target each. */
const X = [
  { recency: 3, orders: 9 },
  { recency: 5, orders: 7 },
  { recency: 8, orders: 8 },
  { recency: 30, orders: 2 },
  { recency: 40, orders: 1 },
  { recency: 35, orders: 3 },
  { recency: 12, orders: 6 },
  { recency: 25, orders: 2 },
];
const LABELS = [1, 1, 1, 0, 0, 0, 1, 0];
const SPEND = [90, 70, 80, 20, 10, 30, 60, 20];
const ROWS = [{ recency: 10, orders: 5 }, { recency: 33, orders: 1 }];

/** Boosting reads NaN and null in a feature as a missing value (documented), so such a cell is a valid call. */
const MISSING_CELL = /^a0\[0\]\.(recency|orders)=(NaN|null)$/;
/** Documented: Infinity means no limit (maxDepth; maxLeafNodes of boosting), and a maxFeatures count above the number of features means all. */
const NO_LIMIT = [/^a0\.(maxDepth|maxLeafNodes)=Infinity$/, /^a0\.params\.(maxDepth|maxLeafNodes)=Infinity$/, /^a0\.params\.maxFeatures=42$/];

interface Model {
  fit(...a: unknown[]): unknown;
  toJSON(): unknown;
}

const learner = (name: string, C: { new (o?: never): Model; fromJSON(j: never): unknown }, options: object, y: readonly unknown[], classifier: boolean, boosting: boolean): Case[] => {
  const make = () => new C(options as never);
  const fitted = () => make().fit(X, y) as Model;
  const missing = boosting ? [MISSING_CELL] : [];
  return [
    ctor(name, C as never, args(options), { returns: NO_LIMIT }),
    statik(name, C, 'fromJSON', () => [JSON.parse(JSON.stringify(fitted().toJSON()))], { options: null, returns: NO_LIMIT }),
    method(name, make, 'fit', args(X, y, { sampleWeight: X.map(() => 1) }), { heavy: true, returns: missing }),
    method(name, fitted, 'predict', args(ROWS), { options: null, returns: missing }),
    ...(classifier
      ? [
          method(name, fitted, 'predictProba', args(ROWS), { options: null, returns: missing }),
          method(name, fitted, 'predictProbaOf', args(ROWS, 1), { options: null, returns: missing, required: 1 }),
        ]
      : []),
    ...(classifier && boosting ? [method(name, fitted, 'decisionFunction', args(ROWS), { options: null, returns: missing })] : []),
    method(name, fitted, 'toJSON', args()),
  ];
};

export const learn = async (): Promise<Case[]> => [
  ...learner('LogisticRegression', LogisticRegression as never, { C: 2 }, LABELS, true, false),
  ...learner('LinearRegression', LinearRegression as never, { alpha: 0.5 }, SPEND, false, false),
  ...learner('DecisionTreeClassifier', DecisionTreeClassifier as never, { maxDepth: 3 }, LABELS, true, false),
  ...learner('DecisionTreeRegressor', DecisionTreeRegressor as never, { maxDepth: 3 }, SPEND, false, false),
  ...learner('RandomForestClassifier', RandomForestClassifier as never, { nEstimators: 5, seed: 1 }, LABELS, true, false),
  ...learner('RandomForestRegressor', RandomForestRegressor as never, { nEstimators: 5, seed: 1 }, SPEND, false, false),
  ...learner('HistGradientBoostingClassifier', HistGradientBoostingClassifier as never, { maxIter: 5, minSamplesLeaf: 2 }, LABELS, true, true),
  ...learner('HistGradientBoostingRegressor', HistGradientBoostingRegressor as never, { maxIter: 5, minSamplesLeaf: 2 }, SPEND, false, true),
];
