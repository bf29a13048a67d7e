"""scikit-learn reference for benchmarks/metrics/metrics.bench.ts.

Usage: metrics_sklearn.py DIR REPEATS
DIR holds raw float64 files written by the benchmark: y.f64 (0/1), scores.f64
(probabilities, 3 decimals, so with ties), true.f64 and pred.f64 (cluster
labels). Prints one JSON line: for each metric its value and the median time
in seconds of REPEATS calls after one warm-up call (time.perf_counter).
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import (
    adjusted_rand_score,
    average_precision_score,
    log_loss,
    normalized_mutual_info_score,
    roc_auc_score,
)


def timed(fn, repeats):
    out = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(out), float(np.median(times))


def main():
    d, repeats = sys.argv[1], int(sys.argv[2])
    y = np.fromfile(os.path.join(d, "y.f64")).astype(np.int64)
    s = np.fromfile(os.path.join(d, "scores.f64"))
    t = np.fromfile(os.path.join(d, "true.f64")).astype(np.int64)
    p = np.fromfile(os.path.join(d, "pred.f64")).astype(np.int64)
    res = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    for name, fn in [
        ("rocAuc", lambda: roc_auc_score(y, s)),
        ("averagePrecisionScore", lambda: average_precision_score(y, s)),
        ("logLoss", lambda: log_loss(y, s)),
        ("adjustedRandIndex", lambda: adjusted_rand_score(t, p)),
        ("normalizedMutualInfo", lambda: normalized_mutual_info_score(t, p)),
        ("mean+var (numpy)", lambda: float(np.mean(s)) + float(np.var(s, ddof=1))),
    ]:
        value, seconds = timed(fn, repeats)
        res[name] = {"value": value, "seconds": seconds}
    print(json.dumps(res))


main()
