import * as entry from '@marksman/learn';
import { HistGradientBoostingClassifier, LogisticRegression } from '@marksman/learn';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  // Seeded boosting (with a validation split) and a logistic fit: the page must give Node's numbers.
  const X = Array.from({ length: 300 }, (_, i) => [Math.sin(i), (i % 7) / 7, i % 3 === 0 ? NaN : (i % 11) / 11]);
  const y = X.map(([a, b]) => (a! + b! > 0.6 ? 1 : 0));
  const gbm = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: true, seed: 4 }).fit(X, y);
  const lr = new LogisticRegression().fit(X.map((r) => r.slice(0, 2)), y);
  return {
    exports: Object.keys(entry).sort(),
    result: { gbm: Array.from(gbm.predictProbaOf(X.slice(0, 5))), nIter: gbm.nIter, coef: Array.from(lr.coefficients[0]!), intercept: lr.intercepts[0] },
    browser: null,
  };
}
expose(smoke);
