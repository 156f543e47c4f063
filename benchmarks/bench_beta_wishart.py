"""Timings of the beta-Wishart with a covariance and of the whole coefficient matrices.

    python3 benchmarks/bench_beta_wishart.py [--repeats 3]

Each figure is the in-process time of one call in a fresh process (the package's modules and
SymPy imported first, not timed), the median of ``--repeats`` processes:

* ``moment_expression([8], cov="general", beta=3)`` (target <= 1 s) and the inverse
  ``moment_expression([4], cov="general", beta=3, inverse=True)`` (target <= 1 s); the same with
  a symbolic beta (forward only);
* ``coefficient_matrices(k)`` (wishmom's ``qk_coeff`` and ``wish_ps`` together), ``k = 4..12``,
  and ``coefficient_matrices(k, inverse=True)`` (``qkn_coeffr`` and ``iwish_psr``), ``k = 3..9``:
  the exact matrices, SymPy conversion not included.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEMPLATE = """
import sys, time
sys.path.insert(0, {root!r})
import wishart_moments as w
import wishart_moments.whole_matrices, wishart_moments.covariance, wishart_moments.moments
t0 = time.perf_counter()
{call}
print(time.perf_counter() - t0)
"""

MOMENTS = [
    (
        'moment_expression([8], cov="general", beta=3)',
        'w.moment_expression([8], cov="general", beta=3)',
    ),
    (
        'moment_expression([4], cov="general", beta=3, inverse=True)',
        'w.moment_expression([4], cov="general", beta=3, inverse=True)',
    ),
    (
        'moment_expression([8], cov="general", beta=None)  (symbolic beta)',
        'w.moment_expression([8], cov="general", beta=None)',
    ),
]


def fresh(call: str, repeats: int) -> float:
    """Median in-process seconds of ``call`` over ``repeats`` fresh interpreters."""
    code = TEMPLATE.format(root=str(ROOT), call=call)
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per figure")
    args = parser.parse_args()
    print(f"beta-Wishart with a general Sigma (median of {args.repeats} fresh processes)")
    for label, call in MOMENTS:
        print(f"  {label}: {fresh(call, args.repeats):.3f} s", flush=True)
    print("coefficient_matrices(k): C_k and H_k (exact, no SymPy)")
    for k in range(4, 13):
        seconds = fresh(f"w.coefficient_matrices({k})._exact", args.repeats)
        print(f"  k={k}: {seconds:.3f} s", flush=True)
    print("coefficient_matrices(k, inverse=True): Ct_k, Ht_k and their polynomial inverses")
    for k in range(3, 10):
        seconds = fresh(f"w.coefficient_matrices({k}, inverse=True)._exact", args.repeats)
        print(f"  k={k}: {seconds:.3f} s", flush=True)


if __name__ == "__main__":
    main()
