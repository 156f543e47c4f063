"""Time the beta = 2 engines (Schur, permutations), the real Wick enumeration with Sigma and the
samplers.

    PYTHONPATH=. python3 benchmarks/bench_beta_engines.py            # permutations up to k = 11
    PYTHONPATH=. python3 benchmarks/bench_beta_engines.py --perm-k 12

Every figure is wall-clock seconds from a cold cache (first Numba call compiled before timing;
the compile time is printed separately). Each exact result is checked against another engine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--perm-k", type=int, default=11, help="largest k for the S_k kernel")
    parser.add_argument("--real-k", type=int, default=9, help="largest k for the real Wick kernel")
    args = parser.parse_args()

    from wishart_moments.engines import permutations as perm
    from wishart_moments.engines import schur
    from wishart_moments.engines._parts import partitions_of
    from wishart_moments.engines.loop_equations import moment_terms_at

    terms, t = timed(lambda: schur.moment_terms([20]))
    print(f"schur single trace k=20: {t:.4f} s  ({len(terms)} terms)")
    _, t = timed(lambda: [schur.moment_terms([k]) for k in range(1, 61)])
    print(f"schur single trace every k <= 60: {t:.3f} s")
    worst = 0.0
    for mu in partitions_of(12):
        _, t = timed(lambda mu=mu: schur.moment_terms(mu))
        worst = max(worst, t)
    print(f"schur multi-trace, all 77 partitions of 12: slowest {worst:.4f} s")
    for k in (12, 16, 20, 24):
        _, t = timed(lambda k=k: schur.moment_terms_cov([k]))
        print(f"schur covariance [k] k={k}: {t:.3f} s")
    for mu in [(8, 4, 4), (10, 6, 4)]:
        _, t = timed(lambda mu=mu: schur.moment_terms_cov(mu))
        print(f"schur covariance {list(mu)}: {t:.3f} s")

    _, t = timed(lambda: perm.moment_terms([3]))
    _, t2 = timed(lambda: perm.moment_terms_cov([3], 1))
    print(f"numba first call (compile or cache load): {t + t2:.2f} s")
    for k in range(8, args.perm_k + 1):
        out, t = timed(lambda k=k: perm.moment_terms([k]))
        ok = out == schur.moment_terms([k])
        print(f"permutations kernel k={k}: {t:.3f} s  (== schur: {ok})")
    for k in range(7, args.real_k + 1):
        out, t = timed(lambda k=k: perm.moment_terms_cov([k], 1))
        ident: dict[tuple[int, int], int] = {}
        for (e, lam), c in out.items():
            ident[(e, len(lam))] = ident.get((e, len(lam)), 0) + c
        ok = ident == moment_terms_at([k], 1)
        print(f"real Wick with Sigma k={k}: {t:.3f} s  (Sigma = I == loop equations: {ok})")

    from wishart_moments.sampling import sample_laguerre_eigenvalues, sample_wishart

    rng = np.random.default_rng(0)
    for m in (4, 32):
        _, t = timed(lambda m=m: sample_laguerre_eigenvalues(m + 3.5, m, 0.5, 100_000, rng))
        print(f"bidiagonal sampler m={m}, 1e5 samples (eigenvalues included): {t:.3f} s")
    for beta in (1, 2, 4):
        _, t = timed(lambda beta=beta: sample_wishart(8, np.eye(4), beta, 100_000, rng))
        print(f"dense sampler beta={beta} m=4 n=8, 1e5 samples: {t:.3f} s")


if __name__ == "__main__":
    main()
