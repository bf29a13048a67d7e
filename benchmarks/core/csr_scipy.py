"""Reference for benchmarks/core/csr-table.bench.ts: scipy.sparse builds the
same CSR matrix from the same COO arrays (read from raw binary files written
by the TypeScript side), sums duplicates and transposes. Prints one JSON line.

usage: csr_scipy.py ROWS.i32 COLS.i32 VALS.f64 N_ROWS N_COLS
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp


def median_time(fn, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    rows = np.fromfile(sys.argv[1], dtype=np.int32)
    cols = np.fromfile(sys.argv[2], dtype=np.int32)
    vals = np.fromfile(sys.argv[3], dtype=np.float64)
    shape = (int(sys.argv[4]), int(sys.argv[5]))

    def build():
        m = sp.csr_matrix((vals, (rows, cols)), shape=shape)  # sums duplicates
        m.sort_indices()
        return m

    m = build()
    t_build = median_time(build)
    t_transpose = median_time(lambda: m.T.tocsr())
    print(json.dumps({"scipy": scipy.__version__, "nnz": int(m.nnz), "build": t_build, "transpose": t_transpose}))


main()
