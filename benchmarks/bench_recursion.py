"""Timings of the exact recursions; prints their figures.

For each engine, ``recursion`` (the multi-trace Stein recursion, proven) and ``five_term`` (the
recursion in ``k`` fitted to it, checked against it for ``k <= 60``):

1. Every table ``k = 1..60`` in a fresh process, import included (target: <= 5 s).
2. How far a fresh process gets in 60 s, computing ``k = 1, 2, 3, ...`` in order.

Then one multi-trace sweep to ``k = 60`` with Python ints and, if python-flint is installed, with
   ``flint.fmpz`` carrying the packed integers (the same code; GMP arithmetic instead of CPython's).

Run: ``python3 benchmarks/bench_recursion.py [--budget SECONDS]``. Timings are wall-clock on
whatever else the machine is doing; repeat on a quiet machine for figures to quote.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

# Time this checkout's package (not another installed copy), here and in the child processes.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ALL_TABLES = (
    "import wishart_moments as w; [w.coefficient_matrix(k, engine={engine!r}) "
    "for k in range(1, {k} + 1)]"
)

# Child for figure 2: prints "k seconds" after each table, so the parent can stop it at the budget.
HOW_FAR = """
import sys, time
t0 = time.perf_counter()
import wishart_moments as w
k = 0
while True:
    k += 1
    w.coefficient_matrix(k, engine=sys.argv[1])
    print(k, time.perf_counter() - t0, flush=True)
"""


def fresh_process_seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - start


def limit_memory() -> None:
    """Cap the child's address space (8 GiB): a sweep past the budget must not exhaust the host."""
    resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))


def how_far(engine: str, budget: float) -> tuple[int, float]:
    """Largest ``k`` whose table is done within ``budget`` seconds of a fresh process."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOW_FAR, engine],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
        preexec_fn=limit_memory,
    )
    best, at = 0, 0.0
    deadline = time.perf_counter() + budget
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            k, seconds = line.split()
            if float(seconds) > budget or time.perf_counter() > deadline:
                break
            best, at = int(k), float(seconds)
    finally:
        proc.kill()
        proc.wait()
    return best, at


def one_sweep(k: int) -> None:
    from wishart_moments.engines import recursion

    kinds: list[tuple[str, object]] = [("int", 1)]
    try:
        import flint

        kinds.append(("flint.fmpz", flint.fmpz(1)))
    except ImportError:
        print("  (python-flint not installed: fmpz comparison skipped)")
    reference = None
    for name, one in kinds:
        start = time.perf_counter()
        out = recursion._evaluate([(k,)], recursion._Layout(k), one=one)
        seconds = time.perf_counter() - start
        if reference is None:
            reference = out
        assert out == reference
        print(f"  sweep to k = {k} with {name:10s}: {seconds:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for figure 2")
    parser.add_argument("--k", type=int, default=60, help="largest order for figures 1 and 3")
    args = parser.parse_args()

    for engine in ("recursion", "five_term"):
        seconds = fresh_process_seconds(ALL_TABLES.format(k=args.k, engine=engine))
        print(f"[{engine}] all tables k = 1..{args.k}, fresh process with import: {seconds:.2f} s")
        best, at = how_far(engine, args.budget)
        print(
            f"[{engine}] in {args.budget:.0f} s from a fresh process (k = 1, 2, ... in order): "
            f"k = {best} (done at {at:.1f} s)"
        )
    print("one multi-trace sweep (all orders up to k at once), in this process:")
    one_sweep(args.k)


if __name__ == "__main__":
    main()
