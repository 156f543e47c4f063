"""Timings of the Gaussian and Jacobi beta-ensemble engines; prints their figures.

1. Gaussian, symbolic in ``m`` and ``beta``: ``E tr H^{2k}`` for ``k = 1..20`` as SymPy in a fresh
   process, import included (target: <= 10 s in all), and how far ``k = 1, 2, ...`` gets in the
   budget (60 s; SymPy expressions, one fresh process).
2. GUE (beta = 2) single traces ``k = 1..50`` as SymPy polynomials in ``m``, fresh process
   (target: <= 5 s); the loop equations at beta = 2 for comparison.
3. Gaussian multi-trace moments of total degree <= 12 (every partition of an even total), symbolic
   in ``m`` and ``beta``: the slowest (target: <= 10 s each) and the sum.
4. Jacobi multi-trace moments of total degree <= 8 at exact ``n1, n2`` (``m = 4``; beta = 1, 2,
   1/2): the slowest, first calls included (target: <= 1 s each).
5. Jacobi symbolic in ``n1, n2`` at ``m = 3`` for total degree <= 6 (target: <= 10 s each), both
   engines; and symbolic in ``m`` too.

Run: ``python3 benchmarks/bench_ensembles.py [--budget SECONDS]``. Wall-clock timings on
whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GAUSSIAN_20 = (
    "import sympy; from wishart_moments.ensembles import gaussian_moment as g; "
    "m = sympy.Symbol('m'); [g([2 * k], m=m, beta=None) for k in range(1, 21)]"
)
GUE_50 = (
    "import sympy; from wishart_moments.ensembles import gaussian_moment as g; "
    "m = sympy.Symbol('m'); [g([2 * k], m=m, beta=2) for k in range(1, 51)]"
)
GUE_50_LOOP = GUE_50.replace("beta=2)", "beta=2, engine='loop_equations')")

HOW_FAR = """
import time
t0 = time.perf_counter()
import sympy
from wishart_moments.ensembles import gaussian_moment
m = sympy.Symbol("m")
k = 0
while True:
    k += 1
    gaussian_moment([2 * k], m=m, beta=None)
    print(k, round(time.perf_counter() - t0, 2), flush=True)
"""


def fresh(code: str) -> float:
    """Wall-clock seconds of ``python3 -c code`` in a fresh process (interpreter start included)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def how_far(budget: float) -> tuple[int, float]:
    """Largest ``k`` with ``E tr H^{2k}`` (general beta, SymPy) done within ``budget`` seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOW_FAR], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    best = (0, 0.0)
    start = time.perf_counter()
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            k, seconds = line.split()
            if float(seconds) > budget:
                break
            best = (int(k), float(seconds))
            if time.perf_counter() - start > budget:
                break
    finally:
        proc.kill()
        proc.wait()
    return best


def timed(call) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def gaussian_multi_trace() -> tuple[float, tuple[int, ...], float, int]:
    import sympy

    from wishart_moments.engines._parts import partitions_of
    from wishart_moments.ensembles import gaussian_moment

    m = sympy.Symbol("m")
    worst, worst_mu, total, count = 0.0, (), 0.0, 0
    for d in range(2, 13, 2):
        for mu in partitions_of(d):
            if len(mu) == 1:
                continue
            t = timed(lambda mu=mu: gaussian_moment(mu, m=m, beta=None))
            total, count = total + t, count + 1
            if t > worst:
                worst, worst_mu = t, mu
    return worst, worst_mu, total, count


def jacobi_numeric() -> tuple[float, tuple[int, ...], float, int]:
    from fractions import Fraction

    from wishart_moments.engines._parts import partitions_of
    from wishart_moments.ensembles import jacobi_moment

    worst, worst_mu, total, count = 0.0, (), 0.0, 0
    for beta in (1, 2, Fraction(1, 2)):
        for d in range(1, 9):
            for mu in partitions_of(d):
                t = timed(
                    lambda mu=mu, beta=beta: jacobi_moment(
                        mu, m=4, n1=Fraction(9, 2), n2=7, beta=beta
                    )
                )
                total, count = total + t, count + 1
                if t > worst:
                    worst, worst_mu = t, mu
    return worst, worst_mu, total, count


def jacobi_symbolic(engine: str, m_symbolic: bool) -> tuple[float, tuple[int, ...], float, int]:
    import sympy

    from wishart_moments.engines._parts import partitions_of
    from wishart_moments.ensembles import jacobi_moment

    n1, n2, msym = sympy.symbols("n1 n2 m")
    m = msym if m_symbolic else 3
    worst, worst_mu, total, count = 0.0, (), 0.0, 0
    for d in range(1, 7):
        for mu in partitions_of(d):
            t = timed(lambda mu=mu: jacobi_moment(mu, m=m, n1=n1, n2=n2, engine=engine))
            total, count = total + t, count + 1
            if t > worst:
                worst, worst_mu = t, mu
    return worst, worst_mu, total, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for 'how far' (60)")
    args = parser.parse_args()

    print("1. Gaussian, symbolic in m and beta (SymPy, fresh process, import included)")
    print(
        f"   E tr H^(2k), k = 1..20, all:                {fresh(GAUSSIAN_20):6.2f} s  (target 10)"
    )
    k, seconds = how_far(args.budget)
    print(f"   how far k = 1, 2, ... gets in {args.budget:.0f} s:        k = {k} ({seconds:.1f} s)")
    print("2. GUE single traces k = 1..50 (SymPy, fresh process)")
    print(f"   default (Harer-Zagier):                      {fresh(GUE_50):6.2f} s  (target 5)")
    print(f"   loop equations at beta = 2:                  {fresh(GUE_50_LOOP):6.2f} s")
    worst, mu, total, count = gaussian_multi_trace()
    print("3. Gaussian multi-trace, total degree <= 12, symbolic in m and beta")
    print(f"   slowest {mu}: {worst:.3f} s (target 10); all {count}: {total:.2f} s")
    worst, mu, total, count = jacobi_numeric()
    print("4. Jacobi multi-trace, total degree <= 8, exact n1 = 9/2, n2 = 7, m = 4, beta 1, 2, 1/2")
    print(f"   slowest {mu}: {worst:.3f} s (target 1); all {count}: {total:.2f} s")
    print("5. Jacobi symbolic in n1, n2, total degree <= 6")
    for engine in ("jack", "loop_equations"):
        for m_symbolic in (False, True):
            worst, mu, total, count = jacobi_symbolic(engine, m_symbolic)
            label = f"{engine}, m = {'m (symbol)' if m_symbolic else '3'}"
            figures = f"slowest {mu}: {worst:.2f} s (target 10); all {count}: {total:.2f} s"
            print(f"   {label:<30} {figures}")


if __name__ == "__main__":
    main()
