"""scikit-learn side of benchmarks/learn/learners.bench.ts.

Usage: /usr/bin/python3 learners_sklearn.py <dir> <n_train> <n_test> <p> <repeats> [<warmups>]

Reads the raw float64 files the benchmark wrote into <dir> (row-major X,
labels 0/1): hgb-train-X/y and hgb-test-X/y (with NaN), lr-train-X/y and
lr-test-X/y (no NaN). Then, timing each fit as the median of <repeats> after
<warmups> untimed fits (default 1; time.perf_counter), on 1 thread (threadpoolctl; ours is
single-threaded JavaScript):

- HistGradientBoostingClassifier(random_state=0) with its defaults (early
  stopping on above 10,000 rows) and with early_stopping=False (100
  iterations); test predict_proba written to <dir>/sk-hgb-<config>.f64.
- LogisticRegression() (lbfgs, tol 1e-4, max_iter 100: its defaults) and,
  untimed, LogisticRegression(solver="newton-cholesky", tol=1e-10), the
  optimum of the same objective; coefficients and test probabilities go in
  the JSON / <dir>/sk-lr.f64.

Prints one JSON line last.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

d, n_train, n_test, p, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
warmups = int(sys.argv[6]) if len(sys.argv) > 6 else 1


def load(prefix, n):
    X = np.fromfile(os.path.join(d, f"{prefix}-X.f64"), dtype=np.float64).reshape(n, p)
    y = np.fromfile(os.path.join(d, f"{prefix}-y.f64"), dtype=np.float64).astype(np.int64)
    return X, y


def timed(fn):
    for _ in range(warmups):
        fn()
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), times, out


out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cpus": os.cpu_count(), "hgb": {}, "lr": {}}
Xh, yh = load("hgb-train", n_train)
Xht, _ = load("hgb-test", n_test)
for config, kw in [("defaults", {}), ("100 iterations", {"early_stopping": False})]:
    with threadpool_limits(limits=1):
        sec, times, m = timed(lambda: HistGradientBoostingClassifier(random_state=0, **kw).fit(Xh, yh))
    row = {"seconds": sec, "times": times, "nIter": int(m.n_iter_)}
    m.predict_proba(Xht)[:, 1].astype(np.float64).tofile(os.path.join(d, f"sk-hgb-{config.replace(' ', '-')}.f64"))
    out["hgb"][config] = row

Xl, yl = load("lr-train", n_train)
Xlt, _ = load("lr-test", n_test)
with threadpool_limits(limits=1):
    sec, times, m = timed(lambda: LogisticRegression().fit(Xl, yl))
row = {"seconds": sec, "times": times, "nIter": int(m.n_iter_[0])}
row["coef"] = m.coef_[0].tolist()
row["intercept"] = float(m.intercept_[0])
m.predict_proba(Xlt)[:, 1].astype(np.float64).tofile(os.path.join(d, "sk-lr.f64"))
opt = LogisticRegression(solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(Xl, yl)
row["optimumCoef"] = opt.coef_[0].tolist()
row["optimumIntercept"] = float(opt.intercept_[0])
out["lr"] = row
print(json.dumps(out))
