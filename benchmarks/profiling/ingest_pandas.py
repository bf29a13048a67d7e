"""pandas reference for benchmarks/profiling/ingest.bench.ts (one measured run per process).

Usage: python3 ingest_pandas.py <mode> <online_retail.csv>
  parse        pd.read_csv with InvoiceNo and StockCode as text and InvoiceDate parsed to datetime64
  parse-plain  pd.read_csv with InvoiceNo and StockCode as text, InvoiceDate left as text
  pipeline     the parse above, then the steps Marksman's cleanTransactions runs with
               cancellations 'drop' and no outlier rule: drop lines without CustomerID, drop exact
               duplicates of the fields cleaning compares (first kept), drop cancellations (InvoiceNo starting with C or Quantity < 0),
               drop lines with UnitPrice <= 0; then RFM per customer on lines before asOf (last and
               first time, distinct invoices, sum of Quantity * UnitPrice)
  baseline     nothing (Python and pandas imported)
Prints one JSON line: seconds of the work (imports excluded), checksums, peak RSS in MiB
(ru_maxrss of this process).
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

mode = sys.argv[1]
AS_OF = np.datetime64("2011-12-10T00:00:00")


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(path, dates=True):
    return pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"] if dates else False)


out = {"pandas": pd.__version__}
if mode in ("parse", "parse-plain"):
    t0 = time.perf_counter()
    df = read(sys.argv[2], mode == "parse")
    out.update(seconds=time.perf_counter() - t0, lines=int(len(df)))
elif mode == "pipeline":
    t0 = time.perf_counter()
    df = read(sys.argv[2])
    t1 = time.perf_counter()
    lines = len(df)
    df = df[df["CustomerID"].notna()]
    df = df.drop_duplicates(subset=["CustomerID", "InvoiceNo", "InvoiceDate", "StockCode", "Quantity", "UnitPrice"])
    cancel = df["InvoiceNo"].str.startswith("C") | (df["Quantity"] < 0)
    df = df[~cancel]
    df = df[df["UnitPrice"] > 0]
    t2 = time.perf_counter()
    d = df[df["InvoiceDate"] < AS_OF].assign(amount=df["Quantity"] * df["UnitPrice"])
    g = d.groupby("CustomerID", sort=False).agg(last=("InvoiceDate", "max"), first=("InvoiceDate", "min"), frequency=("InvoiceNo", "nunique"), monetary=("amount", "sum"))
    g["recency"] = (AS_OF - g["last"]) / np.timedelta64(1, "D")
    g["tenure"] = (AS_OF - g["first"]) / np.timedelta64(1, "D")
    g["meanOrderValue"] = g["monetary"] / g["frequency"]
    t3 = time.perf_counter()
    out.update(
        seconds=t3 - t0,
        parseSeconds=t1 - t0,
        cleanSeconds=t2 - t1,
        rfmSeconds=t3 - t2,
        lines=int(lines),
        kept=int(len(df)),
        customers=int(len(g)),
        frequencySum=int(g["frequency"].sum()),
        monetarySum=float(g["monetary"].sum()),
    )
out["peakMiB"] = peak_mib()
print(json.dumps(out))
