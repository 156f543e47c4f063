"""Time the Jack engine (wishart_moments.engines.jack) from a cold cache.

    PYTHONPATH=. python3 benchmarks/bench_jack.py              # the standard figures
    PYTHONPATH=. python3 benchmarks/bench_jack.py --reach 60   # also: the reach in 60 s

(from the repository root, so that this checkout's ``wishart_moments`` is imported.)

Prints the seconds for: the Jack basis of degree 12 at alpha = 1/2 and 3/7; the covariance
expansion ``E tr W^16`` in ``n`` and ``p_lambda(Sigma)`` for beta = 1, 2, 4; the inverse moment
``E tr W^{-6}`` in ``n, m, q_lambda`` for beta = 1, 2 (SymPy import included in the first).
With ``--reach T``: for each beta, the largest ``k`` whose ``E tr W^k`` (covariance form, cold
caches, orders tried one after another) and ``E tr W^{-k}`` finish within ``T`` seconds each.
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction

from wishart_moments.engines import jack, zonal


def _clear() -> None:
    for fn in (
        jack.basis._basis,
        zonal.basis._monomials_in_power_sums,
        zonal.basis._power_to_monomial,
        jack.inverse_at_identity._inverse_level,
        jack.inverse._inverse_jack_factors,
    ):
        fn.cache_clear()


def _timed(label: str, fn, *args) -> float:  # type: ignore[no-untyped-def]
    _clear()
    start = time.perf_counter()
    out = fn(*args)
    elapsed = time.perf_counter() - start
    size = len(out.args) if hasattr(out, "args") else len(out)
    print(f"{label:<44} {elapsed:8.2f} s   ({size} terms)")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reach", type=float, default=0.0, help="time budget per order (s)")
    args = parser.parse_args()
    for alpha in (Fraction(1, 2), Fraction(3, 7)):
        _timed(f"jack_basis(12, {alpha})", lambda a=alpha: jack.jack_basis(12, a).partitions)
    for beta in (1, 2, 4):
        _timed(f"moment_terms_cov([16], beta={beta})", jack.moment_terms_cov, [16], beta)
    for beta in (1, 2):
        _timed(f"inverse_moment_cov([6], beta={beta})", jack.inverse_moment_cov, [6], beta)
    if args.reach > 0:
        for beta in (1, 2, 4):
            for name, fn, start in (
                ("moment_terms_cov", jack.moment_terms_cov, 12),
                ("inverse_moment_cov", jack.inverse_moment_cov, 4),
            ):
                k, reached = start, None
                while k <= jack.MAX_K_JACK:
                    if _timed(f"{name}([{k}], beta={beta})", fn, [k], beta) > args.reach:
                        break
                    reached, k = k, k + 1
                print(f"  -> beta={beta}: {name} reaches k = {reached} within {args.reach:g} s")


if __name__ == "__main__":
    main()
