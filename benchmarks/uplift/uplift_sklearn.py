"""scikit-learn side of benchmarks/uplift/hillstrom.bench.ts.

Usage: /usr/bin/python3 uplift_sklearn.py <dir> <n> <p> <forest_trees>

Reads the raw float64 files the benchmark wrote into <dir>: X (row-major
n x p, the encoded features), t (1 = Womens E-Mail, 0 = No E-Mail), y (visit)
and test (1 = test row of the shared split). Builds the same four uplift
methods as @marksman/experiments' fitUplift, by hand, on scikit-learn's
learners with the settings the benchmark gives ours:

- logistic: LogisticRegression() (L2, C = 1, lbfgs; max_iter 1000) and, for
  the X-learner's effect models, LinearRegression();
- gbm: HistGradientBoostingClassifier(random_state=0) / ...Regressor, defaults;
- forest: RandomForestClassifier / Regressor(n_estimators=<forest_trees>,
  min_samples_leaf=20, max_features='sqrt' for both, random_state=0).

S-learner: one model on features + t, uplift = f(x, 1) - f(x, 0).
T-learner: one model per group, uplift = m1 - m0.
X-learner: T-learner models, effect regressors on D1 = y - m0(x) (treated)
and D0 = m1(x) - y (control), uplift = g * tau0 + (1 - g) * tau1 with g the
treated share of the training rows.
Class transformation: classifier of z = t*y + (1-t)*(1-y) with weights that
give treated and control equal total weight, uplift = 2 P(z=1) - 1.

Each fit runs once on 1 thread (threadpoolctl), timed with
time.perf_counter; test-row uplift goes to <dir>/sk-<method>-<learner>.f64.
Prints one JSON line last.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression
from threadpoolctl import threadpool_limits

d, n, p, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(os.path.join(d, "X.f64"), dtype=np.float64).reshape(n, p)
t = np.fromfile(os.path.join(d, "t.f64"), dtype=np.float64).astype(int)
y = np.fromfile(os.path.join(d, "y.f64"), dtype=np.float64)
test = np.fromfile(os.path.join(d, "test.f64"), dtype=np.float64).astype(bool)
Xtr, ttr, ytr, Xte = X[~test], t[~test], y[~test], X[test]


def classifier(learner):
    if learner == "logistic":
        return LogisticRegression(max_iter=1000)
    if learner == "gbm":
        return HistGradientBoostingClassifier(random_state=0)
    return RandomForestClassifier(n_estimators=trees, min_samples_leaf=20, max_features="sqrt", random_state=0)


def regressor(learner):
    if learner == "logistic":
        return LinearRegression()
    if learner == "gbm":
        return HistGradientBoostingRegressor(random_state=0)
    return RandomForestRegressor(n_estimators=trees, min_samples_leaf=20, max_features="sqrt", random_state=0)


def proba(m, A):
    return m.predict_proba(A)[:, 1]


def fit_predict(method, learner):
    if method == "s-learner":
        m = classifier(learner).fit(np.c_[Xtr, ttr], ytr.astype(int))
        return lambda A: proba(m, np.c_[A, np.ones(len(A))]) - proba(m, np.c_[A, np.zeros(len(A))])
    if method in ("t-learner", "x-learner"):
        m0 = classifier(learner).fit(Xtr[ttr == 0], ytr[ttr == 0].astype(int))
        m1 = classifier(learner).fit(Xtr[ttr == 1], ytr[ttr == 1].astype(int))
        if method == "t-learner":
            return lambda A: proba(m1, A) - proba(m0, A)
        X1, X0 = Xtr[ttr == 1], Xtr[ttr == 0]
        tau1 = regressor(learner).fit(X1, ytr[ttr == 1] - proba(m0, X1))
        tau0 = regressor(learner).fit(X0, proba(m1, X0) - ytr[ttr == 0])
        g = ttr.mean()
        return lambda A: g * tau0.predict(A) + (1 - g) * tau1.predict(A)
    z = (ttr * ytr + (1 - ttr) * (1 - ytr)).astype(int)
    w = np.where(ttr == 1, len(ttr) / (2 * ttr.sum()), len(ttr) / (2 * (1 - ttr).sum()))
    m = classifier(learner).fit(Xtr, z, sample_weight=w)
    return lambda A: 2 * proba(m, A) - 1


out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "fits": {}}
with threadpool_limits(limits=1):
    for method in ("s-learner", "t-learner", "x-learner", "class-transformation"):
        for learner in ("logistic", "gbm", "forest"):
            t0 = time.perf_counter()
            predict = fit_predict(method, learner)
            seconds = time.perf_counter() - t0
            u = np.ascontiguousarray(predict(Xte), dtype=np.float64)
            u.tofile(os.path.join(d, f"sk-{method}-{learner}.f64"))
            out["fits"][f"{method}/{learner}"] = seconds
print(json.dumps(out))
