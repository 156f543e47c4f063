"""Engine ``"series"``: the paper's truncated series (eq. 9) in the exact moments.

    (1/m) E tr((x I + S_1)^{-1}) ~ sum_{k=0}^{K} (-1)^k x^{-(k+1)} (1/m) E tr(S_1^k)

is asymptotic, not convergent. Because ``t -> 1/(x + t)`` has the exact expansion
``sum_{k<K} (-t)^k / x^{k+1} + (-t)^K / (x^K (x + t))``, the remainder after the terms ``k < K``
has the sign ``(-1)^K`` and modulus at most the first omitted term: two consecutive partial sums
bracket the truth (a certified interval). It is tight only while roughly
``sigma^2 (sqrt(m) + sqrt(n))^2 < alpha`` and useless beyond.
"""

from __future__ import annotations

from fractions import Fraction

from ._common import lift, shape
from .moments import trace_moments

DEFAULT_ORDER = 10


def series_h(m: int, n: int, x: float, order: int = DEFAULT_ORDER) -> tuple[float, float, float]:
    """``h_m(x) = (x/m) E tr((x + S_1)^{-1})`` from the series truncated at ``k = order``.

    Returns ``(value, lower, upper)``: the partial sum through ``k = order`` and the certified
    bracket formed with the partial sum through ``k = order + 1``.
    """
    p, q = shape(m, n)
    moments = trace_moments(p, q, order + 1)
    xf = Fraction(x)
    partial = Fraction(0)
    sums = []
    for k, mu in enumerate(moments):
        partial += (-1) ** k * mu / xf**k  # x * x^{-(k+1)} * mu_k
        sums.append(partial)
    value = lift(float(sums[order]), m, p)
    a, b = (lift(float(s), m, p) for s in sums[order : order + 2])
    return value, max(min(a, b), 0.0), min(max(a, b), 1.0)
