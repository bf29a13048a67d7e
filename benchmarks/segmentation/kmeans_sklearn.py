"""scikit-learn reference for benchmarks/segmentation/kmeans.bench.ts.

Usage (each prints one JSON line last):
  kmeans_sklearn.py blobs   OUT.f64 REPEATS N  make_blobs(N, 8, centers=8, random_state=0) -> OUT.f64 (raw float64,
                                                row-major); times KMeans(k=8, n_init=1, k-means++) lloyd and elkan
                                                on 1 and 2 threads
  kmeans_sklearn.py uniform OUT.f64 REPEATS N  uniform [0,1) N x 8 (numpy default_rng(0)) -> OUT.f64, the first 8 rows
                                                are the given initial centers; times 100 Lloyd iterations (tol=0) on
                                                1 and 2 threads (threadpoolctl)
  kmeans_sklearn.py cdnow   MASTER OUT.f64     standardized log1p RFM of CDNOW_master -> OUT.f64 (n x 3);
                                                KMeans(k=4, n_init=10, random_state=0) inertia
  kmeans_sklearn.py minibatch BLOBS.f64 UNIFORM.f64 SEEDS
                                               on the two files written above (default threads): KMeans(k=8) with its
                                               defaults (k-means++, n_init=1, tol 1e-4, random_state=0) once on the
                                               uniform data, and MiniBatchKMeans(k=8, batch_size=1024, n_init=3,
                                               random_state=s) for s in 0..SEEDS-1 on both, with one pass and no early
                                               stopping (max_iter=1, max_no_improvement=None; also on 1 thread), and with its defaults
Timings are medians of REPEATS fits after one warm-up fit, with time.perf_counter.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits


def timed(fn, repeats):
    fn()
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), times, out


def blobs(path, repeats, n):
    X, _ = make_blobs(n_samples=n, n_features=8, centers=8, random_state=0)
    X = np.ascontiguousarray(X, dtype=np.float64)
    X.tofile(path)
    res = {"sklearn": sklearn.__version__, "n": X.shape[0], "d": X.shape[1]}
    for algo in ("lloyd", "elkan"):
        for threads in (1, 2):
            with threadpool_limits(limits=threads):
                med, times, km = timed(lambda: KMeans(n_clusters=8, n_init=1, init="k-means++", random_state=0, algorithm=algo).fit(X), repeats)
            res[f"{algo}_{threads}t"] = {"seconds": med, "times": times, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}
    return res


def uniform(path, repeats, n):
    rng = np.random.default_rng(0)
    X = rng.random((n, 8))
    X.tofile(path)
    init = X[:8].copy()
    res = {"sklearn": sklearn.__version__}
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            med, times, km = timed(lambda: KMeans(n_clusters=8, init=init, n_init=1, max_iter=100, tol=0, algorithm="lloyd").fit(X), repeats)
        res[f"lloyd_{threads}t"] = {"seconds": med, "times": times, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}
    return res


def cdnow_features(master):
    import pandas as pd
    df = pd.read_csv(master, sep=r"\s+", header=0, names=["id", "date", "cds", "dollars"], dtype={"id": int, "date": str})
    df["day"] = pd.to_datetime(df["date"], format="%Y%m%d")
    ref = pd.Timestamp("1998-07-01")
    g = df.groupby("id")
    rec = (ref - g["day"].max()).dt.days.astype(float)
    freq = g["day"].nunique().astype(float)
    mon = g["dollars"].sum().astype(float)
    F = np.log1p(np.column_stack([rec.values, freq.values, mon.values]))
    F = (F - F.mean(axis=0)) / F.std(axis=0)
    return np.ascontiguousarray(F)


def cdnow(master, path):
    F = cdnow_features(master)
    F.tofile(path)
    km = KMeans(n_clusters=4, n_init=10, random_state=0).fit(F)
    med, times, _ = timed(lambda: KMeans(n_clusters=4, n_init=10, random_state=0).fit(F), 3)
    return {"sklearn": sklearn.__version__, "n": F.shape[0], "inertia": float(km.inertia_), "iterations": int(km.n_iter_), "seconds": med, "times": times}


def minibatch(blobs_path, uniform_path, seeds):
    res = {"sklearn": sklearn.__version__}
    for name, path in (("blobs", blobs_path), ("uniform", uniform_path)):
        X = np.fromfile(path).reshape(-1, 8)
        if name == "uniform":
            t0 = time.perf_counter()
            km = KMeans(n_clusters=8, n_init=1, random_state=0).fit(X)
            res["uniform_full"] = {"seconds": time.perf_counter() - t0, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}
        MiniBatchKMeans(n_clusters=8, batch_size=1024, n_init=3, random_state=99).fit(X)  # warm-up
        for mode in ("fixed", "fixed_1t", "default"):
            runs = []
            for s in range(seeds):
                # fixed: one pass over the data (n / 1024 steps), no early stopping (also on 1 thread); default: its early stopping
                extra = {"max_iter": 1, "max_no_improvement": None} if mode != "default" else {}
                with threadpool_limits(limits=1 if mode == "fixed_1t" else None):
                    t0 = time.perf_counter()
                    m = MiniBatchKMeans(n_clusters=8, batch_size=1024, n_init=3, random_state=s, **extra).fit(X)
                    runs.append({"seconds": time.perf_counter() - t0, "inertia": float(m.inertia_), "steps": int(m.n_steps_)})
            res[f"{name}_{mode}"] = runs
    return res


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "blobs":
        out = blobs(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "uniform":
        out = uniform(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "minibatch":
        out = minibatch(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "cdnow":
        out = cdnow(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))
