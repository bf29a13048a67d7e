"""pandas reference for benchmarks/profiling/features.bench.ts.

Usage: python3 features_pandas.py <prefix> <asOfMs> <repeats>
Reads <prefix>.customer.i32, <prefix>.order.i32, <prefix>.ts.f64,
<prefix>.amount.f64 (little-endian, written by the benchmark) into a
DataFrame (not timed), then times the RFM groupby on the parsed frame:
rows before asOf; per customer last and first timestamp, distinct orders,
sum of amounts; recency / tenure in days, mean order value. Prints one JSON
line: median and all times (seconds) and checksums to compare with marksman.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

prefix, as_of, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
df = pd.DataFrame({
    "customer": np.fromfile(prefix + ".customer.i32", dtype="<i4"),
    "order": np.fromfile(prefix + ".order.i32", dtype="<i4"),
    "ts": np.fromfile(prefix + ".ts.f64", dtype="<f8"),
    "amount": np.fromfile(prefix + ".amount.f64", dtype="<f8"),
})


def rfm():
    d = df[df.ts < as_of]
    g = d.groupby("customer", sort=False).agg(last=("ts", "max"), first=("ts", "min"), frequency=("order", "nunique"), monetary=("amount", "sum"))
    g["recency"] = (as_of - g["last"]) / 86400000.0
    g["tenure"] = (as_of - g["first"]) / 86400000.0
    g["meanOrderValue"] = g["monetary"] / g["frequency"]
    return g


rfm()  # warm-up
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    g = rfm()
    times.append(time.perf_counter() - t0)
print(json.dumps({
    "median": float(np.median(times)),
    "times": times,
    "customers": int(len(g)),
    "frequencySum": int(g["frequency"].sum()),
    "monetarySum": float(g["monetary"].sum()),
    "recencySum": float(g["recency"].sum()),
    "pandas": pd.__version__,
}))
