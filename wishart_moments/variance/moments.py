"""Exact moments ``(1/p) E tr(S_1^k)`` of the ``p x p`` Wishart with ``q`` degrees of freedom.

``E tr(S^k)`` is symmetric in ``(m, n)``, so the ``m x m`` moments are ``(p/m)`` times these.
Evaluated from the exact Stein recursion (:mod:`wishart_moments.engines.recursion`, pure Python)
at the given integers: every moment is an exact :class:`fractions.Fraction`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from ..engines.recursion import multi_trace_moment


@lru_cache(maxsize=64)
def trace_moments(p: int, q: int, kmax: int) -> tuple[Fraction, ...]:
    """``((1/p) E tr(S_1^k) for k = 0..kmax)`` for the ``p x p`` Wishart with ``q`` dof, exact."""
    out = [Fraction(1)]
    for k in range(1, kmax + 1):
        terms = multi_trace_moment([k])  # coefficient of n^a m^b; symmetric in (n, m)
        out.append(Fraction(sum(c * q**a * p**b for (a, b), c in terms.items()), p))
    return tuple(out)
