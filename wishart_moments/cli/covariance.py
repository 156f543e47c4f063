"""Subcommand ``verify-cov`` of ``wishart-moments``: the covariance engines against each other.

    wishart-moments verify-cov [--kmax 6] [--inverse-kmax 4]

For every partition ``mu`` of each total order ``k``, the Stein recursion
(:mod:`wishart_moments.engines.stein`) must agree exactly with the Wick / permutation enumeration
with Sigma (``engines.permutations``, beta 1 and 2) and the Jack route (``engines.jack``, beta 1,
2, 4); inverse moments ``E p_mu(W^{-1})`` (``engines.inverse_spectral``, what the API returns)
with the Stein chain solved at interpolation points and with the Jack route at ``Sigma = I``.
Exit status 1 on a disagreement.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from .._validation import check_order


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser(
        "verify-cov",
        help="check the any-Sigma and inverse moments: Stein == Wick/permutations == Jack",
        description="Exact agreement of the Stein recursion (any Sigma, beta 1, 2, 4; inverse "
        "moments) with the Wick/permutation enumeration and the Jack-polynomial route.",
    )
    cmd.add_argument("--kmax", default=6, type=int, help="largest total order, forward (6)")
    cmd.add_argument(
        "--inverse-kmax", default=4, type=int, help="largest total order, inverse moments (4)"
    )
    cmd.set_defaults(func=_verify_cov)


def _clean(terms: dict) -> dict:
    from fractions import Fraction

    return {k: Fraction(v) for k, v in terms.items() if v}


def _forward_checks(mu: tuple[int, ...]) -> list[tuple[str, bool]]:
    from ..engines import jack, permutations, stein

    out = []
    for beta in (1, 2, 4):
        ours = _clean(stein.moment_terms_cov(mu, beta))
        if beta in (1, 2):
            limit = permutations.MAX_K_REAL if beta == 1 else permutations.MAX_K
            if sum(mu) <= min(limit, 8):
                theirs = _clean(permutations.moment_terms_cov(mu, beta))
                out.append((f"wick(b={beta})", ours == theirs))
        out.append((f"jack(b={beta})", ours == _clean(jack.moment_terms_cov(mu, beta))))
    return out


def _inverse_checks(mu: tuple[int, ...]) -> list[tuple[str, bool]]:
    import sympy

    from ..covariance import moment_expression_cov
    from ..engines import inverse_spectral, jack, stein

    out = []
    for beta in (1, 2, 4):
        spectral = inverse_spectral.inverse_terms(mu, 0, beta)
        chain = stein.inverse_matrix_terms(mu, 0, beta)
        same = (spectral.numerators, spectral.roots) == (chain.numerators, chain.roots)
        out.append((f"inv-stein(b={beta})", same))
        ours: Any = moment_expression_cov(mu, beta=beta, inverse=True)
        theirs = jack.inverse_moment_cov(mu, beta)
        out.append((f"inv-jack(b={beta})", sympy.cancel(sympy.together(ours - theirs)) == 0))
    return out


def _verify_cov(args: argparse.Namespace) -> int:
    from ..engines._parts import partitions_of as _partitions

    kmax = check_order(args.kmax, name="--kmax", max_k=12, why=" (Wick enumeration and Jack)")
    ikmax = check_order(args.inverse_kmax, name="--inverse-kmax", max_k=8, why=" (Jack route)")
    failures: list[str] = []
    print(f"{'k':>3}  {'kind':<8}  {'partitions':>10}  {'checks':>6}  {'agree':<5}  time")
    for k in range(1, max(kmax, ikmax) + 1):
        for kind, top, checker in (
            ("forward", kmax, _forward_checks),
            ("inverse", ikmax, _inverse_checks),
        ):
            if k > top:
                continue
            start = time.perf_counter()
            count = 0
            bad = []
            for mu in _partitions(k):
                for name, ok in checker(mu):
                    count += 1
                    if not ok:
                        bad.append(f"k={k} {kind} {mu}: ours differs from {name}")
            failures += bad
            print(
                f"{k:>3}  {kind:<8}  {len(_partitions(k)):>10}  {count:>6}  "
                f"{'FAIL' if bad else 'ok':<5}  {time.perf_counter() - start:.2f} s",
                flush=True,
            )
    for line in failures:
        print(line)
    print(f"verify-cov: {len(failures)} failure(s): {'FAIL' if failures else 'ok'}")
    return 1 if failures else 0
