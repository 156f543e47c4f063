"""Timings of the noncentral Wishart moments (docs/noncentral.md).

    python3 benchmarks/bench_noncentral.py [--budget 60] [--skip-reach]

Prints, each from cold engine caches (the Numba kernel compiled once beforehand):
* ``Sigma = I``, symbolic in ``n, m, w_j``: ``E tr W^k`` for every k <= 20, beta 1 and 2, the
  SymPy expression included (target <= 10 s in all);
* a general ``Sigma``, symbolic in words: ``E tr W^k`` for every k <= 8 (target <= 10 s in all),
  the number of terms and of distinct words, and the largest k within ``--budget`` seconds;
* numeric, 10 x 10 float ``Sigma`` and ``Omega``, n = 30: ``E tr W^k`` for k <= 12 (target
  <= 1 s each) and how far it goes within the budget;
* multi-trace moments of total degree <= 6, exact (every partition, beta 1 and 2).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wishart_moments.engines._parts import partitions_of
from wishart_moments.noncentral import (
    contractions,
    noncentral_moment,
    noncentral_moment_expression,
    wick,
)


def _cold() -> None:
    for fn in (
        contractions._matrix,
        contractions._transitions,
        contractions._commutative_transitions,
        wick._matrix,
        wick._closed,
    ):
        fn.cache_clear()


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    _cold()
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def _words(expr: sympy.Expr) -> int:
    return sum(1 for s in expr.free_symbols if s.name.startswith(("t_", "p", "w")))


def identity_symbolic() -> None:
    print("Sigma = I, symbolic in n, m, w_j: E tr W^k, k = 1..20 (target <= 10 s in all)")
    for beta in (1, 2):
        _cold()
        start = time.perf_counter()
        for k in range(1, 21):
            expr = noncentral_moment_expression([k], beta=beta)
        total = time.perf_counter() - start
        print(f"  beta={beta}: {total:.2f} s in all; k = 20 has {len(expr.args)} terms")


def general_symbolic(budget: float, reach: bool) -> None:
    print("general Sigma, symbolic in words: E tr W^k, k = 1..8 (target <= 10 s in all)")
    for beta in (1, 2):
        _cold()
        start = time.perf_counter()
        for k in range(1, 9):
            expr = noncentral_moment_expression([k], beta=beta, cov="general")
        total = time.perf_counter() - start
        print(
            f"  beta={beta}: {total:.2f} s in all; k = 8 has {len(expr.args)} terms in "
            f"{_words(expr)} distinct words"
        )
    if not reach:
        return
    for beta in (1, 2):
        k = 9
        while True:
            seconds, expr = _timed(noncentral_moment_expression, [k], beta=beta, cov="general")
            print(
                f"  beta={beta} k={k}: {seconds:.2f} s, {len(expr.args)} terms, "
                f"{_words(expr)} words",
                flush=True,
            )
            if seconds > budget or seconds * 2.5 > budget:
                break
            k += 1
        best = k if seconds <= budget else k - 1
        print(f"  -> beta={beta}: largest k within {budget:.0f} s: {best}")


def numeric(budget: float, reach: bool) -> None:
    print("numeric, 10 x 10 float Sigma and Omega, n = 30: E tr W^k (target <= 1 s each)")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((10, 10))
    sigma = a @ a.T / 10 + np.eye(10)
    mean = rng.standard_normal((10, 30)) / 3
    for beta in (1, 2):
        omega = mean @ mean.T
        cov = sigma
        if beta == 2:
            b = rng.standard_normal((10, 30)) / 3
            omega = (mean + 1j * b) @ (mean + 1j * b).conj().T
        worst = 0.0
        for k in range(1, 13):
            seconds, value = _timed(noncentral_moment, [k], n=30, omega=omega, cov=cov, beta=beta)
            worst = max(worst, seconds)
            if k in (8, 10, 11, 12):
                print(f"  beta={beta} k={k}: {seconds:.2f} s  (E tr W^k = {float(value):.6e})")
        print(f"  -> beta={beta}: slowest k <= 12: {worst:.2f} s")
        if reach:
            k = 13
            while True:
                seconds, _ = _timed(noncentral_moment, [k], n=30, omega=omega, cov=cov, beta=beta)
                print(f"  beta={beta} k={k}: {seconds:.2f} s", flush=True)
                if seconds > budget or seconds * 3 > budget or k >= 16:
                    break
                k += 1


def multi_trace() -> None:
    print("multi-trace moments of total degree <= 6, exact (every partition), 3 x 3 Sigma, Omega")
    sigma = [[2, 1, 0], [1, 3, 1], [0, 1, 2]]
    for beta in (1, 2):
        omega = [[4, 2, 1], [2, 2, 0], [1, 0, 1]]
        if beta == 2:
            omega = [[4, 1 + sympy.I, 1], [1 - sympy.I, 2, 0], [1, 0, 1]]
        _cold()
        start = time.perf_counter()
        count = 0
        for k in range(1, 7):
            for mu in partitions_of(k):
                value = noncentral_moment(mu, n=7, omega=omega, cov=sigma, beta=beta)
                assert value.is_Rational
                count += 1
        total = time.perf_counter() - start
        print(f"  beta={beta}: {count} moments in {total:.2f} s; E (tr W)^6 = {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for the reach (60)")
    parser.add_argument("--skip-reach", action="store_true", help="only the target figures")
    args = parser.parse_args()
    start = time.perf_counter()
    noncentral_moment([2], n=3, omega=np.eye(2), cov=np.eye(2) + 0.5)  # compile the kernel
    noncentral_moment([2], n=3, omega=[[1, 0], [0, 1]], cov=[[2, 1], [1, 3]])
    print(f"(Numba kernel ready in {time.perf_counter() - start:.1f} s)")
    identity_symbolic()
    general_symbolic(args.budget, not args.skip_reach)
    numeric(args.budget, not args.skip_reach)
    multi_trace()


if __name__ == "__main__":
    main()
