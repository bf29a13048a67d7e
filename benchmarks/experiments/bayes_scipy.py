#!/usr/bin/python3
"""scipy reference for benchmarks/experiments/bayes-binomial.bench.ts.

Reads a JSON list of cases {prior: [a0, b0], control: [n, c], variant: [n, c]}
from argv[1]; for each, computes with scipy.integrate.quad and brentq:
P(B > A), E[max(A − B, 0)] and the 95% credible interval of B/A − 1, and
times it (median of `repeats`). Prints one JSON line.
"""
import json
import math
import sys
import time

from scipy import integrate, optimize, stats

TAIL = 1e-15
Q = dict(epsabs=1e-10, epsrel=1e-10, limit=500)


def support(d):
    return float(d.ppf(TAIL)), float(d.isf(TAIL))


def analyse(case):
    a0, b0 = case['prior']
    (nA, cA), (nB, cB) = case['control'], case['variant']
    A, B = stats.beta(a0 + cA, b0 + nA - cA), stats.beta(a0 + cB, b0 + nB - cB)
    Bp = stats.beta(a0 + cB + 1, b0 + nB - cB)
    lo, hi = support(A)
    pts = [A.mean(), B.mean()]
    pts = [p for p in pts if lo < p < hi] or None
    win = integrate.quad(lambda x: A.pdf(x) * B.sf(x), lo, hi, points=pts, **Q)[0]
    loss = integrate.quad(lambda x: A.pdf(x) * (x * B.cdf(x) - B.mean() * Bp.cdf(x)), lo, hi, points=pts, **Q)[0]

    def ratio_cdf(u):
        s = math.exp(u)
        p = [q for q in [A.mean(), B.mean() / s] if lo < q < hi] or None
        return integrate.quad(lambda x: A.pdf(x) * B.cdf(s * x), lo, hi, points=p, **Q)[0]

    loB, hiB = support(B)
    ulo, uhi = math.log(loB) - math.log(hi), math.log(hiB) - math.log(lo)
    ci = [math.expm1(optimize.brentq(lambda u: ratio_cdf(u) - q, ulo, uhi, xtol=1e-13)) for q in (0.025, 0.975)]
    return {'chanceToWin': win, 'expectedLoss': loss, 'ciLow': ci[0], 'ciHigh': ci[1]}


cases = json.loads(sys.argv[1])
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
out = []
for case in cases:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = analyse(case)
        times.append(time.perf_counter() - t0)
    times.sort()
    res['seconds'] = times[len(times) // 2]
    out.append(res)
print(json.dumps(out))
