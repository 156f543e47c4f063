"""Timings of the covariance / inverse / matrix-valued moments (Stein engine; inverse: the Jack
closed form of engines.inverse_spectral).

    python3 benchmarks/bench_covariance.py [--budget 60]

Prints, each from cold engine caches:
* ``moment_expression_cov([16])`` for beta = 1 and 2 (target <= 10 s) and the largest k whose
  single-trace expression takes at most ``--budget`` seconds;
* ``moment_expression_cov([6], inverse=True)`` for beta = 1 (target <= 10 s) and the same reach;
* numeric ``moment_cov([k], n=30, cov=<10 x 10 float>)`` for k <= 16 (target <= 1 s each) and its
  reach;
* the sizes next to the ``p(k) x p(k)`` matrices of Letac-Massam / Hillier-Kan (wishmom).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wishart_moments.covariance import moment_cov, moment_expression_cov
from wishart_moments.engines import inverse_spectral, jack_pieri, stein


def _cold() -> None:
    for fn in (
        stein.forward._scalar_scaled,
        stein.inverse_symbolic._inverse_rational,
        stein.forward._forward_transitions,
        inverse_spectral.inverse_components,
        inverse_spectral._space,
        jack_pieri.jack_vectors,
        jack_pieri._operator,
    ):
        fn.cache_clear()


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    _cold()
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def _reach(label: str, run, start: int, budget: float, step: int = 1) -> None:
    k, last = start, None
    while True:
        seconds, _ = _timed(run, k)
        print(f"  {label} k={k}: {seconds:.2f} s", flush=True)
        if seconds > budget:
            break
        last = k
        # stop early when the next order would clearly exceed the budget (growth ~ x1.3-2 / k)
        if seconds * 2.2 > budget:
            break
        k += step
    print(f"  -> {label}: largest k within {budget:.0f} s: {last}")


def _partition_count(k: int) -> int:
    counts = [1] + [0] * k
    for part in range(1, k + 1):
        for total in range(part, k + 1):
            counts[total] += counts[total - part]
    return counts[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for the reach runs")
    parser.add_argument("--no-reach", action="store_true", help="only the target figures")
    args = parser.parse_args()

    print("symbolic forward moment_expression_cov([16]):")
    for beta in (1, 2, 4):
        seconds, expr = _timed(moment_expression_cov, [16], beta=beta)
        print(f"  beta={beta}: {seconds:.2f} s, {len(expr.args)} terms n^e p_lam")
    print("symbolic inverse moment_expression_cov([6], inverse=True):")
    for beta in (1, 2, 4):
        seconds, _ = _timed(moment_expression_cov, [6], beta=beta, inverse=True)
        print(f"  beta={beta}: {seconds:.2f} s")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((10, 10))
    cov = a @ a.T / 10 + np.eye(10)
    print("numeric moment_cov([k], n=30, cov=10x10 float), beta=1:")
    worst = 0.0
    for k in range(1, 17):
        seconds, value = _timed(moment_cov, [k], n=30, cov=cov)
        worst = max(worst, seconds)
        if k in (1, 4, 8, 12, 16):
            print(f"  k={k}: {seconds * 1000:.1f} ms  ({float(value):.6e})")
    print(f"  slowest k <= 16: {worst * 1000:.1f} ms")
    print("sizes (single trace, order k): p(k) x p(k) method vs the Stein recursion")
    for k in (6, 10, 16, 20):
        _cold()
        forward = len(stein.moment_terms_cov([k], 1))
        inverse_system = sum(_partition_count(j) for j in range(k))
        p = _partition_count(k)
        print(
            f"  k={k}: p(k)={p}, p(k)^2={p * p}; Stein forward: {k} steps, {forward} final terms "
            f"(no linear algebra); inverse: {p} Jack vectors, no solve (the Stein chain "
            f"solved one system of size {inverse_system} at degree k)"
        )
    if args.no_reach:
        return
    print(f"reach within {args.budget:.0f} s:")
    _reach(
        "forward symbolic beta=1", lambda k: moment_expression_cov([k], beta=1), 16, args.budget, 4
    )
    _reach(
        "numeric n=30, 10x10 float cov",
        lambda k: moment_cov([k], n=30, cov=cov),
        16,
        args.budget,
        4,
    )
    _reach(
        "inverse symbolic beta=1",
        lambda k: moment_expression_cov([k], inverse=True),
        6,
        args.budget,
    )


if __name__ == "__main__":
    main()
