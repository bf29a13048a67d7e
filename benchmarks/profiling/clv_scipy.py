"""scipy reference for benchmarks/profiling/clv.bench.ts.

Reads the CDNOW master purchase log, builds the BG/NBD summary independently
with pandas (one purchase per customer and day, weekly units, calibration to
1997-09-30 as in Fader, Hardie & Lee 2005), compares it with the summary that
Marksman wrote (argv[2]), then times scipy.optimize.minimize on the BG/NBD
negative log-likelihood (mean over customers, parameters on a log scale,
start at r = alpha = a = b = 1, exactly the objective Marksman minimises)
with BFGS (numerical gradient) and Nelder-Mead. Prints one JSON line.

usage: python3 clv_scipy.py CDNOW_master.txt marksman_summary.csv [repeats]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln


def summary_from_master(path):
    df = pd.read_csv(path, sep=r'\s+', skiprows=1, header=None, names=['id', 'date', 'cds', 'dollars'], dtype={'id': np.int64, 'date': str})
    df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
    cal = df[df['date'] <= pd.Timestamp('1997-09-30')]
    days = cal.groupby(['id', 'date'], as_index=False)['dollars'].sum()
    g = days.groupby('id')['date']
    first, last, n = g.min(), g.max(), g.count()
    out = pd.DataFrame({
        'frequency': n - 1,
        'recency': (last - first).dt.days / 7.0,
        'T': (pd.Timestamp('1997-09-30') - first).dt.days / 7.0,
    })
    return out.sort_index()


def bg_nll(u, x, tx, T):
    r, alpha, a, b = np.exp(u)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide='ignore', invalid='ignore'):
        A4 = np.where(x > 0, np.log(a) - np.log(np.where(x > 0, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx), -np.inf)
    ll = A1 + A2 + np.logaddexp(A3, A4)
    return -np.mean(ll)


def main():
    master, ours_path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    t0 = time.perf_counter()
    s = summary_from_master(master)
    summary_seconds = time.perf_counter() - t0
    ours = pd.read_csv(ours_path).set_index('customerId').sort_index()
    same_ids = bool((ours.index.values == s.index.values).all()) if len(ours) == len(s) else False
    max_diff = float(np.max(np.abs(ours[['frequency', 'recency', 'T']].values - s[['frequency', 'recency', 'T']].values))) if same_ids else None
    x, tx, T = (s[c].to_numpy(float) for c in ['frequency', 'recency', 'T'])
    results = {}
    for method, opts in [('BFGS', dict(gtol=1e-7)), ('Nelder-Mead', dict(xatol=1e-8, fatol=1e-12, maxiter=20000))]:
        times = []
        for _ in range(repeats + 1):
            t = time.perf_counter()
            res = minimize(bg_nll, np.zeros(4), args=(x, tx, T), method=method, options=opts)
            times.append(time.perf_counter() - t)
        times = times[1:]
        r, alpha, a, b = np.exp(res.x)
        results[method] = dict(seconds=float(np.median(times)), nit=int(res.nit), nfev=int(res.nfev), success=bool(res.success),
                               logLikelihood=float(-res.fun * len(x)), r=float(r), alpha=float(alpha), a=float(a), b=float(b))
    print(json.dumps(dict(customers=int(len(s)), summarySeconds=summary_seconds, summaryMatches=same_ids, summaryMaxAbsDiff=max_diff,
                          fits=results)))


if __name__ == '__main__':
    main()
