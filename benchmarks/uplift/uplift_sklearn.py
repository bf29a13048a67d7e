"""scikit-learn side of benchmarks/uplift/hillstrom.bench.ts.

Usage: /usr/bin/python3 uplift_sklearn.py <dir> <n> <p> <forest_trees> [<forest_seeds>]

Reads the raw float64 files the benchmark wrote into <dir>: X (row-major
n x p, the encoded features), t (1 = Womens E-Mail, 0 = No E-Mail), and per
outcome o in (visit, spend) y-<o> (the outcome) and test-<o> (1 = test row of
that outcome's split). Builds the same uplift methods as
@marksman/experiments' fitUplift, by hand, on scikit-learn's learners with
the settings the benchmark gives ours:

- logistic: LogisticRegression() (L2, C = 1, lbfgs; max_iter 1000) for 0/1
  outcomes and LinearRegression() for numbers (spend, and the X-learner's
  effect models);
- gbm: HistGradientBoostingClassifier(random_state=0) / ...Regressor, defaults;
- forest: RandomForestClassifier / Regressor(n_estimators=<forest_trees>,
  min_samples_leaf=20, max_features='sqrt' for both, random_state=0).

Visit (0/1) uses classifiers for the outcome models, spend regressors.
S-learner: one model on features + t, uplift = f(x, 1) - f(x, 0).
T-learner: one model per group, uplift = m1 - m0.
X-learner: T-learner models, effect regressors on D1 = y - m0(x) (treated)
and D0 = m1(x) - y (control), uplift = g * tau0 + (1 - g) * tau1 with g the
treated share of the training rows.
Class transformation (visit only): classifier of z = t*y + (1-t)*(1-y) with
weights that give treated and control equal total weight,
uplift = 2 P(z=1) - 1.

Each fit runs on 1 thread (threadpoolctl), timed with time.perf_counter:
the median of 3 fits after 1 untimed fit, for every learner. Test-row uplift goes to <dir>/sk-<outcome>-<method>-<learner>.f64.
With <forest_seeds> = k > 1, every forest method is fitted again (untimed)
with random_state 1 .. k-1, its test-row uplift going to
<dir>/sk-seed<s>-<outcome>-<method>-forest.f64, so that the benchmark can
show how much the forest scores move with the seed alone.
Prints one JSON line last.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression
from threadpoolctl import threadpool_limits

d, n, p, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seeds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
X = np.fromfile(os.path.join(d, "X.f64"), dtype=np.float64).reshape(n, p)
t = np.fromfile(os.path.join(d, "t.f64"), dtype=np.float64).astype(int)


def classifier(learner, rs=0):
    if learner == "logistic":
        return LogisticRegression(max_iter=1000)
    if learner == "gbm":
        return HistGradientBoostingClassifier(random_state=rs)
    return RandomForestClassifier(n_estimators=trees, min_samples_leaf=20, max_features="sqrt", random_state=rs)


def regressor(learner, rs=0):
    if learner == "logistic":
        return LinearRegression()
    if learner == "gbm":
        return HistGradientBoostingRegressor(random_state=rs)
    return RandomForestRegressor(n_estimators=trees, min_samples_leaf=20, max_features="sqrt", random_state=rs)


def fit_predict(method, learner, binary, Xtr, ttr, ytr, rs=0):
    def classifier_(learner):
        return classifier(learner, rs)

    def regressor_(learner):
        return regressor(learner, rs)

    def outcome_model(A, target):
        if binary:
            m = classifier_(learner).fit(A, target.astype(int))
            return lambda B: m.predict_proba(B)[:, 1]
        m = regressor_(learner).fit(A, target)
        return m.predict

    if method == "s-learner":
        f = outcome_model(np.c_[Xtr, ttr], ytr)
        return lambda A: f(np.c_[A, np.ones(len(A))]) - f(np.c_[A, np.zeros(len(A))])
    if method in ("t-learner", "x-learner"):
        m0 = outcome_model(Xtr[ttr == 0], ytr[ttr == 0])
        m1 = outcome_model(Xtr[ttr == 1], ytr[ttr == 1])
        if method == "t-learner":
            return lambda A: m1(A) - m0(A)
        X1, X0 = Xtr[ttr == 1], Xtr[ttr == 0]
        tau1 = regressor_(learner).fit(X1, ytr[ttr == 1] - m0(X1))
        tau0 = regressor_(learner).fit(X0, m1(X0) - ytr[ttr == 0])
        g = ttr.mean()
        return lambda A: g * tau0.predict(A) + (1 - g) * tau1.predict(A)
    z = (ttr * ytr + (1 - ttr) * (1 - ytr)).astype(int)
    w = np.where(ttr == 1, len(ttr) / (2 * ttr.sum()), len(ttr) / (2 * (1 - ttr).sum()))
    m = classifier_(learner).fit(Xtr, z, sample_weight=w)
    return lambda A: 2 * m.predict_proba(A)[:, 1] - 1


out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "fits": {}}
with threadpool_limits(limits=1):
    for outcome in ("visit", "spend"):
        y = np.fromfile(os.path.join(d, f"y-{outcome}.f64"), dtype=np.float64)
        test = np.fromfile(os.path.join(d, f"test-{outcome}.f64"), dtype=np.float64).astype(bool)
        Xtr, ttr, ytr, Xte = X[~test], t[~test], y[~test], X[test]
        methods = ("s-learner", "t-learner", "x-learner") + (("class-transformation",) if outcome == "visit" else ())
        for method in methods:
            for learner in ("logistic", "gbm", "forest"):
                repeats = 3
                fit_predict(method, learner, outcome == "visit", Xtr, ttr, ytr)
                times = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    predict = fit_predict(method, learner, outcome == "visit", Xtr, ttr, ytr)
                    times.append(time.perf_counter() - t0)
                u = np.ascontiguousarray(predict(Xte), dtype=np.float64)
                u.tofile(os.path.join(d, f"sk-{outcome}-{method}-{learner}.f64"))
                out["fits"][f"{outcome}/{method}/{learner}"] = statistics.median(times)
        for rs in range(1, seeds):
            for method in methods:
                u = np.ascontiguousarray(fit_predict(method, "forest", outcome == "visit", Xtr, ttr, ytr, rs)(Xte), dtype=np.float64)
                u.tofile(os.path.join(d, f"sk-seed{rs}-{outcome}-{method}-forest.f64"))
print(json.dumps(out))
