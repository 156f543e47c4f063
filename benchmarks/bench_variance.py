"""Benchmark of the variance engines (issue 3). Prints its figures; run from the repository root:

    python3 benchmarks/bench_variance.py [--quick]

1. Monte Carlo: bidiagonal chi model + O(p) resolvent trace against dense sampling with
   ``numpy.linalg.eigvalsh`` for the same number of samples, m = n = 256, 512, 1024.
2. ``"auto"``: worst time per call and worst interval half-width over a grid of shapes and scales
   (alpha = gamma = 1), with the points whose interval is wider than tol listed.
3. ``"auto"`` against long Monte Carlo references at hard points (|error| and the interval).
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from wishart_moments.variance import output_variance
from wishart_moments.variance.monte_carlo import bidiagonal_squares, dense_h, resolvent_h


def _best_of(repeats: int, func) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _dense(size: int, samples: int, x: float) -> None:
    dense_h(size, size, x, samples, np.random.default_rng(0))


def _bidiagonal(size: int, samples: int, x: float) -> None:
    resolvent_h(*bidiagonal_squares(size, size, samples, np.random.default_rng(0)), x)


def monte_carlo_ratios(sizes: list[int]) -> None:
    print("Monte Carlo, same number of samples (x = alpha/sigma^2 = n/100), best of 3:")
    print(
        f"{'m = n':>6} {'samples':>8} {'dense eigvalsh [s]':>19} {'bidiagonal [s]':>15} "
        f"{'ratio':>7}"
    )
    for size in sizes:
        samples = max(2, 4096 // size)
        x = size / 100

        t_dense = _best_of(3, lambda s=size, k=samples, x=x: _dense(s, k, x))
        t_bidiag = _best_of(3, lambda s=size, k=samples, x=x: _bidiagonal(s, k, x))
        print(
            f"{size:>6} {samples:>8} {t_dense:>19.4f} {t_bidiag:>15.5f} {t_dense / t_bidiag:>7.0f}x"
        )


def auto_grid(sizes: list[int], scales: list[float]) -> None:
    print(f"\n'auto' over m, n in {sizes}, sigma^2 n in {scales} (alpha = gamma = 1, tol 1e-4):")
    worst_time, worst_half, misses, methods = 0.0, 0.0, [], {}
    for m, n, scale in itertools.product(sizes, sizes, scales):
        start = time.perf_counter()
        result = output_variance(m, n, scale / n)
        elapsed = time.perf_counter() - start
        half = (result.upper - result.lower) / 2
        methods[result.method] = methods.get(result.method, 0) + 1
        if elapsed > worst_time:
            worst_time, slowest = elapsed, (m, n, scale, result.method)
        worst_half = max(worst_half, half)
        if not result.meets_tol:
            misses.append((m, n, scale, result.method, half))
    count = len(sizes) ** 2 * len(scales)
    print(f"  calls: {count}; methods used: {methods}")
    print(f"  worst time per call: {worst_time:.3f} s at (m, n, sigma^2 n, method) = {slowest}")
    print(f"  worst interval half-width: {worst_half:.2e}")
    print(f"  intervals wider than tol: {len(misses)}")
    for m, n, scale, method, half in misses:
        print(f"    m={m} n={n} sigma^2 n={scale}: {method}, half-width {half:.2e}")


def auto_against_references(points: list[tuple[int, int, float]], sample_steps: float) -> None:
    print("\n'auto' against long Monte Carlo references (dense-free sampler, independent seed):")
    print(
        f"{'m':>5} {'n':>5} {'sigma^2 n':>9} {'auto':>9} {'method':>12} {'half-width':>10} "
        f"{'reference':>19} {'|error|':>8}"
    )
    for m, n, scale in points:
        result = output_variance(m, n, scale / n)
        p, q = min(m, n), max(m, n)
        x = n / scale
        rng = np.random.default_rng(12345)
        samples = int(sample_steps // p)
        total, total_sq, done = 0.0, 0.0, 0
        while done < samples:
            size = min(samples - done, max(1, 2_000_000 // p))
            vals = resolvent_h(*bidiagonal_squares(p, q, size, rng), x)
            total, total_sq, done = total + vals.sum(), total_sq + (vals**2).sum(), done + size
        mean = total / samples
        stderr = np.sqrt(max(total_sq / samples - mean**2, 0) / samples)
        ref = 1 - (p * mean + (m - p)) / m
        ref_se = p / m * stderr
        half = (result.upper - result.lower) / 2
        print(
            f"{m:>5} {n:>5} {scale:>9g} {result.value:>9.6f} {result.method:>12} {half:>10.1e} "
            f"{ref:>9.6f} ± {ref_se:.1e} {abs(result.value - ref):>8.1e}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller grid and references")
    args = parser.parse_args()
    monte_carlo_ratios([256, 512] if args.quick else [256, 512, 1024])
    sizes = [1, 3, 16, 256] if args.quick else [1, 2, 3, 5, 8, 16, 32, 64, 128, 256, 512, 1024]
    auto_grid(sizes, [0.01, 1.0, 10.0, 100.0, 1e4])
    hard = [
        (2, 2, 100.0),
        (5, 5, 100.0),
        (16, 16, 100.0),
        (64, 64, 100.0),
        (256, 256, 100.0),
        (1024, 1024, 100.0),
        (1024, 1024, 1e4),
        (31, 32, 1e3),
        (512, 256, 100.0),
    ]
    auto_against_references(hard[:3] if args.quick else hard, 2e7 if args.quick else 2e8)
