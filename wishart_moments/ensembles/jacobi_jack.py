"""The Jack route to Jacobi (MANOVA) moments: Kadell's integral, then a change of basis.

Jacobi density ``prop. prod x_i^a (1 - x_i)^b |Delta(x)|^beta`` on ``[0, 1]^m``, with
``a = beta(n1 - m + 1)/2 - 1``, ``b = beta(n2 - m + 1)/2 - 1``, ``alpha = 2/beta``. For the Jack
polynomial ``C_kappa = C^{(alpha)}_kappa`` (normalised as in :mod:`wishart_moments.engines.jack`)
Kadell's extension of Selberg's integral (Kadell 1997; Macdonald's conjecture) gives

    E C_kappa(x) / C_kappa(1^m)
        = (a + 1 + (m-1)/alpha)^{(alpha)}_kappa / (a + b + 2 + 2(m-1)/alpha)^{(alpha)}_kappa

with ``(x)^{(alpha)}_kappa = prod_{(i, j) in kappa} (x + j - 1 - (i - 1)/alpha)``. In ``n1, n2``,
``a + 1 + (m-1)/alpha = beta n1/2`` and ``a + b + 2 + 2(m-1)/alpha = beta (n1 + n2)/2``, so with
``[x]_kappa = prod (x + alpha (j-1) - (i-1))`` and ``C_kappa(1^m) = alpha^k k!/j_kappa [m]_kappa``:

    E C_kappa(J) = C_kappa(I_m) [n1]_kappa / [n1 + n2]_kappa,

the Jacobi analogue of ``E C_kappa(W) = [n]_kappa C_kappa(I_m)`` for the Wishart matrix. Expanding
``p_mu = sum_kappa a_{mu kappa} C_kappa`` gives every multi-trace moment: a polynomial in ``m`` and
``n1`` over ``Q(n1 + n2)``, exact at any rational ``beta``. ``m = 1``: the Beta moments.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..engines import _univariate as up
from ..engines.jack import content_polynomial, identity_scale, jack_basis
from ._rational import RationalTerms

Partition = tuple[int, ...]


def _roots(kappa: Sequence[int], alpha: Fraction) -> list[Fraction]:
    """The roots ``(i-1) - alpha (j-1)`` of ``[s]_kappa`` (one per box)."""
    return [Fraction(i) - alpha * j for i, row in enumerate(kappa) for j in range(row)]


def _weights(mu: Partition, beta: Fraction) -> list[tuple[Partition, Fraction, Fraction]]:
    """``(kappa, a_{mu kappa} alpha^k k!/j_kappa, alpha)`` for the Jack expansion of ``p_mu``."""
    alpha = 2 / beta
    basis = jack_basis(sum(mu), alpha)
    return [
        (kappa, a * identity_scale(kappa, alpha), alpha)
        for kappa, a in basis.power_in_jack(mu).items()
    ]


def jack_moment_at(mu: Partition, beta: Fraction, m: int, n1: Fraction, n2: Fraction) -> Fraction:
    """``E prod tr J^{mu_j}`` at exact numbers (``mu`` a partition of positive parts, ``m`` an
    integer >= 1); the terms with ``l(kappa) > m`` vanish (``[m]_kappa = 0``) and are skipped."""
    if not mu:
        return Fraction(1)
    total = Fraction(0)
    s = n1 + n2
    for kappa, w, alpha in _weights(mu, beta):
        if len(kappa) > m:
            continue
        value = w
        for i, row in enumerate(kappa):
            for j in range(row):
                shift = alpha * j - i
                value *= (m + shift) * (n1 + shift) / (s + shift)
        total += value
    return total


def jack_moment(mu: Partition, beta: Fraction, m: int | None = None) -> RationalTerms:
    """``E prod tr J^{mu_j}`` as :class:`RationalTerms` (polynomial in ``m`` and ``n1`` over
    ``Q(n1 + n2)``); an integer ``m`` is substituted first (only ``l(kappa) <= m`` count)."""
    if not mu:
        return RationalTerms({(0, 0): up.ONE})
    weights = [
        (kappa, w, alpha) for kappa, w, alpha in _weights(mu, beta) if m is None or len(kappa) <= m
    ]
    # common denominator: every root with its largest multiplicity over the kappas
    common: dict[Fraction, int] = {}
    for kappa, _, alpha in weights:
        counts: dict[Fraction, int] = {}
        for r in _roots(kappa, alpha):
            counts[r] = counts.get(r, 0) + 1
        for r, e in counts.items():
            common[r] = max(common.get(r, 0), e)
    den: up.Poly = up.ONE
    for r, e in common.items():
        for _ in range(e):
            den = up.mul(den, (-r, Fraction(1)))
    num: dict[tuple[int, int], up.Poly] = {}
    for kappa, w, alpha in weights:
        cofactor: up.Poly = (w,)
        counts = dict(common)
        for r in _roots(kappa, alpha):
            counts[r] -= 1
        for r, e in counts.items():
            for _ in range(e):
                cofactor = up.mul(cofactor, (-r, Fraction(1)))
        poly = content_polynomial(kappa, alpha)  # [x]_kappa, constant first
        m_part = poly if m is None else (up.evaluate(poly, Fraction(m)),)
        for i, cm in enumerate(m_part):
            if not cm:
                continue
            for j, cn in enumerate(poly):
                if cn:
                    key = (i, j)
                    num[key] = up.add(num.get(key, up.ZERO), up.scale(cofactor, cm * cn))
    return RationalTerms(num, den)
