"""Timings of the beta-family loop equations; prints their figures.

1. Every complex table ``coefficient_matrix(k, beta=2)``, ``k = 1..60``, in a fresh process,
   import included (target: <= 5 s): (a) all computed; (b) the shipped tables ``k <= 40`` loaded
   (checksums and invariants verified) and ``k = 41..60`` computed.
2. General-beta ``moment_expression([12], beta=None)`` in a fresh process (target: <= 10 s), and
   how far ``moment_expression([k], beta=None)``, ``k = 1, 2, ...``, gets in the budget (60 s).
3. Multi-trace moments of total degree 12 (every partition of 12) for general beta, beta = 4 and
   beta = 2/3: the slowest one and all of them (target: <= 10 s each).

Run: ``python3 benchmarks/bench_beta.py [--budget SECONDS]``. Wall-clock timings on whatever
else the machine is doing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COMPUTED = "import wishart_moments as w; [w.coefficient_matrix(k, beta=2) for k in range(1, 61)]"
LOADED = (
    "import wishart_moments as w; from wishart_moments.tables import load_table; "
    "[load_table(k, beta=2, rebuild=False) for k in range(1, 41)]; "
    "[w.coefficient_matrix(k, beta=2) for k in range(41, 61)]"
)
LOOP = (
    "import wishart_moments as w; "
    "[w.coefficient_matrix(k, 'loop_equations', beta=2) for k in range(1, 61)]"
)
GENERAL_12 = "import wishart_moments as w; w.moment_expression([12], beta=None)"

HOW_FAR = """
import sys, time
t0 = time.perf_counter()
import wishart_moments as w
from wishart_moments.engines.loop_equations import moment_terms
call = (lambda k: w.moment_expression([k], beta=None)) if sys.argv[1] == "sympy" else (
    lambda k: moment_terms([k]))
k = 0
while True:
    k += 1
    call(k)
    print(k, round(time.perf_counter() - t0, 2), flush=True)
"""


def fresh(code: str) -> float:
    """Wall-clock seconds of ``python3 -c code`` in a fresh process (interpreter start included)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def how_far(budget: float, mode: str) -> tuple[int, float]:
    """Largest k with the general-beta E tr S^k done within ``budget`` s (k = 1, 2, ... in one
    fresh process), and its time; ``mode`` "sympy" (moment_expression) or "terms" (engine)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOW_FAR, mode], cwd=ROOT, stdout=subprocess.PIPE, text=True
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


def partitions(total: int, largest: int | None = None):
    if total == 0:
        yield ()
        return
    for first in range(min(total, largest or total), 0, -1):
        for rest in partitions(total - first, first):
            yield (first, *rest)


def multi_trace(total: int) -> None:
    from fractions import Fraction

    from wishart_moments.engines.loop_equations import moment_terms, moment_terms_at
    from wishart_moments.moments import moment_expression

    for label, call in [
        ("general beta (terms)", moment_terms),
        ("beta = 4 (terms)", lambda p: moment_terms_at(p, 4)),
        ("beta = 2/3 (terms)", lambda p: moment_terms_at(p, Fraction(2, 3))),
        ("general beta (SymPy)", lambda p: moment_expression(p, beta=None)),
    ]:
        worst, worst_parts, start = 0.0, (), time.perf_counter()
        count = 0
        for parts in partitions(total):
            t = time.perf_counter()
            call(parts)
            if time.perf_counter() - t > worst:
                worst, worst_parts = time.perf_counter() - t, parts
            count += 1
        elapsed = time.perf_counter() - start
        print(
            f"  {label:<22} all {count} partitions of {total}: {elapsed:.2f} s; "
            f"slowest {worst:.3f} s {worst_parts}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for figure 2 (60)")
    args = parser.parse_args()
    print("1. coefficient_matrix(k, beta=2), k = 1..60, fresh process (target <= 5 s)")
    print(f"   (a) all computed:                         {fresh(COMPUTED):.2f} s")
    print(f"   (b) k <= 40 loaded, k = 41..60 computed:  {fresh(LOADED):.2f} s")
    print(f"   (c) all by engine loop_equations:         {fresh(LOOP):.2f} s")
    print("2. general beta, single trace")
    print(f"   moment_expression([12], beta=None), fresh process: {fresh(GENERAL_12):.2f} s")
    for mode, what in [("sympy", "moment_expression([k], beta=None)"), ("terms", "moment_terms")]:
        k, seconds = how_far(args.budget, mode)
        print(
            f"   {what}, k = 1, 2, ... in one fresh process: k = {k} done after "
            f"{seconds:.1f} s (budget {args.budget:.0f} s)"
        )
    print("3. multi-trace, total degree 12 (target <= 10 s each)")
    multi_trace(12)


if __name__ == "__main__":
    main()
