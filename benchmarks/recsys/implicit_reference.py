"""Times implicit's CPU ALS (conjugate gradient) and BPR fits on a train/test split given as a JSON file.

Not part of the package and not run by the tests. implicit is not installed from a registry here: the
benchmark passes the folder that holds an `implicit` package built by the caller
(MARKSMAN_IMPLICIT_PYTHONPATH) on the command line. Usage:

    implicit_reference.py <implicit folder> <split.json> <repeats> <warmup> [als|bpr ...]

split.json: {"users": nU, "items": nI, "train": [[u, i], ...], "test": [[u, i], ...]} with dense indexes.
Prints one JSON line: per model the fit times (s), their median, the median process CPU time, and P/R/NDCG/MAP@10 of the last fit on
the test pairs (binary relevance, train items excluded, users with at least one test item), computed the
way shared/BENCHMARKS.md defines them.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp


def metrics_at_10(user_factors, item_factors, train, test):
    k = 10
    test_by_user = {}
    for u, i in test:
        test_by_user.setdefault(u, set()).add(i)
    users = sorted(test_by_user)
    scores = user_factors[users] @ item_factors.T
    for row, u in enumerate(users):
        scores[row, train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    p = r = n = m = 0.0
    for row, u in enumerate(users):
        rel = test_by_user[u]
        hits = [1.0 if int(i) in rel else 0.0 for i in top[row]]
        h = sum(hits)
        ideal = min(len(rel), k)
        p += h / k
        r += h / len(rel)
        dcg = sum(x / np.log2(j + 2) for j, x in enumerate(hits))
        idcg = sum(1.0 / np.log2(j + 2) for j in range(ideal))
        n += dcg / idcg
        found = 0
        ap = 0.0
        for j, x in enumerate(hits):
            if x:
                found += 1
                ap += found / (j + 1)
        m += ap / ideal
    c = len(users)
    return {"precision10": p / c, "recall10": r / c, "ndcg10": n / c, "map10": m / c}


def main():
    folder, split_file, repeats, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    which = sys.argv[5:] or ["als", "bpr"]
    sys.path.insert(0, folder)
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.cpu.bpr import BayesianPersonalizedRanking

    with open(split_file) as fh:
        split = json.load(fh)
    tr = np.asarray(split["train"], dtype=np.int32)
    train = sp.csr_matrix(
        (np.ones(len(tr), dtype=np.float32), (tr[:, 0], tr[:, 1])), shape=(split["users"], split["items"])
    )
    train.sort_indices()
    makers = {
        "als": lambda: AlternatingLeastSquares(
            factors=64, regularization=0.05, alpha=1.0, iterations=15, use_cg=True, num_threads=1, random_state=0
        ),
        "bpr": lambda: BayesianPersonalizedRanking(
            factors=64, learning_rate=0.01, regularization=0.01, iterations=100, num_threads=1, random_state=0
        ),
    }
    out = {"openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "loadavgStart": os.getloadavg()[0]}
    for name in which:
        times = []
        cpu = []
        model = None
        for rep in range(warmup + repeats):
            model = makers[name]()
            c0 = time.process_time()
            t0 = time.perf_counter()
            model.fit(train, show_progress=False)
            dt = time.perf_counter() - t0
            dc = time.process_time() - c0
            if rep >= warmup:
                times.append(dt)
                cpu.append(dc)
        out[name] = {
            "times": times,
            "median": float(np.median(times)),
            "cpuMedian": float(np.median(cpu)),
            **metrics_at_10(model.user_factors, model.item_factors, train, split["test"]),
        }
    out["loadavgEnd"] = os.getloadavg()[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
