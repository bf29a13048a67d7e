"""scipy reference for benchmarks/profiling/clv-pareto.bench.ts.

Reads a repeat-purchase summary written by Marksman (customerId, frequency,
recency, T), groups identical (x, t_x, T) patterns with their counts (as
Marksman does), and minimises the same objective as fitParetoNbd: the mean
Pareto/NBD negative log-likelihood (Fader & Hardie 2005 note, eq. 22) in the
coordinates (ln r, ln alpha, ln s, ln s/beta), from r = alpha = s = beta = 1,
with scipy.optimize.minimize(method='L-BFGS-B') and a numerical gradient.
The likelihood is written in the same log-space form: alpha^r beta^s folded
in with log1p, the death term as log[s/(r+s+x)] + log(F(t_x) - F(T)) by
log-sub-exp, alive and death combined by logaddexp; the 2F1 values come from
scipy.special.hyp2f1 (Marksman sums the series or, for z > 0.75, integrates
the same integral by Gauss-Kronrod). It also evaluates this likelihood at
Marksman's estimates (argv[3], JSON) so the two objectives can be compared,
and evaluates the likelihood at both optimums once more with the death
integral by scipy.integrate.quad (on v = ln(beta + tau)), which shows where
hyp2f1 near z = 1 is inaccurate and the optimiser exploited the error.
Prints one JSON line.

usage: python3 clv_pareto_scipy.py summary.csv repeats marksman_params_json
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.integrate import quad
from scipy.special import gammaln, hyp2f1


def patterns(path):
    s = pd.read_csv(path)
    g = s.groupby(['frequency', 'recency', 'T']).size().reset_index(name='w')
    return (g[c].to_numpy(float) for c in ['frequency', 'recency', 'T', 'w'])


def log_lik(theta, x, tx, T, w):
    r, alpha, s, beta = theta
    big = max(alpha, beta)
    diff = abs(alpha - beta)
    a = r + s + x
    second = (s + 1.0) if alpha >= beta else (r + x)

    def scale(tau):
        if alpha >= beta:
            return -r * np.log1p(tau / alpha) - x * np.log(alpha + tau) + s * np.log1p((beta - alpha - tau) / (alpha + tau))
        return -s * np.log1p(tau / beta) - x * np.log(beta + tau) + r * np.log1p((alpha - beta - tau) / (beta + tau))

    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        u = np.log(hyp2f1(a, second, a + 1.0, diff / (big + tx))) + scale(tx)
        v = np.log(hyp2f1(a, second, a + 1.0, diff / (big + T))) + scale(T)
        sub = np.where(v < u, u + np.log(-np.expm1(v - u)), -np.inf)
        death = np.log(s) + sub - np.log(a)
    alive = -r * np.log1p(T / alpha) - x * np.log(alpha + T) - s * np.log1p(T / beta)
    ll = gammaln(r + x) - gammaln(r) + np.logaddexp(alive, death)
    return float(np.sum(w * ll))


def quad_log_lik(theta, x, tx, T, w):
    """The same likelihood with the death integral by scipy.integrate.quad on v = ln(beta + tau) (a check of the 2F1 form)."""
    r, alpha, s, beta = theta
    total = 0.0
    for xi, ti, Ti, wi in zip(x, tx, T, w):
        alive = -r * np.log1p(Ti / alpha) - xi * np.log(alpha + Ti) - s * np.log1p(Ti / beta)
        death = -np.inf
        if Ti > ti:
            # ln of alpha^r beta^s (alpha+tau)^-(r+x) (beta+tau)^-s, the integrand in v = ln(beta + tau), at tau = t_x (its largest value)
            def h(v):
                tau = np.exp(v) - beta
                return -r * np.log1p(tau / alpha) - xi * np.log(alpha + tau) - s * np.log1p(tau / beta)
            lo, hi = np.log(beta + ti), np.log(beta + Ti)
            top = h(lo)
            val, _ = quad(lambda v: np.exp(h(v) - top), lo, hi, epsabs=0, epsrel=1e-12, limit=200)
            death = np.log(s) + top + np.log(val)
        total += wi * (gammaln(r + xi) - gammaln(r) + np.logaddexp(alive, death))
    return float(total)


def to_natural(u):
    return np.exp(u[0]), np.exp(u[1]), np.exp(u[2]), np.exp(u[2] - u[3])


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2])
    ours = json.loads(sys.argv[3])
    x, tx, T, w = patterns(path)
    n = float(np.sum(w))

    def objective(u):
        v = -log_lik(to_natural(u), x, tx, T, w) / n
        return v if np.isfinite(v) else 1e300

    times = []
    res = None
    for _ in range(repeats + 1):
        t = time.perf_counter()
        res = minimize(objective, np.zeros(4), method='L-BFGS-B', options=dict(gtol=1e-7, ftol=1e-15, maxiter=15000, maxfun=100000))
        times.append(time.perf_counter() - t)
    times = times[1:]
    r, alpha, s, beta = to_natural(res.x)
    t = time.perf_counter()
    for _ in range(20):
        log_lik((r, alpha, s, beta), x, tx, T, w)
    eval_seconds = (time.perf_counter() - t) / 20
    ours_theta = (ours['r'], ours['alpha'], ours['s'], ours['beta'])
    at_ours = log_lik(ours_theta, x, tx, T, w)
    quad_at_ours = quad_log_lik(ours_theta, x, tx, T, w)
    quad_at_scipy = quad_log_lik((r, alpha, s, beta), x, tx, T, w)
    print(json.dumps(dict(customers=int(n), patterns=int(len(x)), seconds=float(np.median(times)), nit=int(res.nit), nfev=int(res.nfev),
                          success=bool(res.success), message=str(res.message), logLikelihood=-float(res.fun) * n,
                          r=float(r), alpha=float(alpha), s=float(s), beta=float(beta), evalSeconds=eval_seconds,
                          logLikelihoodAtMarksman=at_ours, quadLogLikelihoodAtMarksman=quad_at_ours, quadLogLikelihoodAtScipy=quad_at_scipy)))


if __name__ == '__main__':
    main()
