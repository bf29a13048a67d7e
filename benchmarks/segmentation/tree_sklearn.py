"""scikit-learn side of benchmarks/segmentation/tree.bench.ts.

Reads X (rows × cols float64, row-major) and y (float64 class codes) written
by the benchmark, fits DecisionTreeClassifier(max_depth, random_state=0) and
times `fit` (median of `repeats` after 1 warm-up). Writes the training
predictions to <dir>/sk-pred.f64 and prints one JSON line.

Usage: /usr/bin/python3 tree_sklearn.py <dir> <rows> <cols> <max_depth> <repeats>
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier

d, rows, cols, depth, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(f"{d}/X.f64", dtype=np.float64).reshape(rows, cols)
y = np.fromfile(f"{d}/y.f64", dtype=np.float64).astype(np.int64)


def fit():
    return DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y)


fit()
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    clf = fit()
    times.append(time.perf_counter() - t0)
pred = clf.predict(X).astype(np.float64)
pred.tofile(f"{d}/sk-pred.f64")
print(json.dumps({
    "sklearn": sklearn.__version__,
    "seconds": float(np.median(times)),
    "times": times,
    "nodes": int(clf.tree_.node_count),
    "accuracy": float((pred == y).mean()),
    "importances": clf.feature_importances_.tolist(),
}))
