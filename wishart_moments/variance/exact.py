"""Engine ``"exact"`` for ``min(m, n) = 1``: a one-dimensional integral in closed form.

For ``p = 1`` the one nonzero eigenvalue is ``lambda ~ chi^2_q``. With ``z = x/2`` and ``a = q/2``,
``int_0^inf t^{a-1} e^{-t} / (t + z) dt = Gamma(a) z^{a-1} e^z Gamma(1 - a, z)`` gives

    h_1(x) = E[x / (x + lambda)] = z^a e^z Gamma(1 - a, z)

(upper incomplete gamma), evaluated with mpmath at 30 digits.
"""

from __future__ import annotations


def exact_h1(q: int, x: float) -> float:
    """``E[x / (x + chi^2_q)]`` to double precision."""
    import mpmath  # pure Python; imported only when this engine runs

    with mpmath.workdps(30):
        z = mpmath.mpf(x) / 2
        a = mpmath.mpf(q) / 2
        return float(z**a * mpmath.exp(z) * mpmath.gammainc(1 - a, z))
