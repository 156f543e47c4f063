"""Forward moments through Jack polynomials: ``E C_kappa(W) = [n]_kappa C_kappa(Sigma)``, any
``Sigma`` (beta 1, 2, 4), and ``E tr S^k`` as a polynomial in ``n, m, alpha``.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from math import lcm
from typing import Any

from .. import _univariate as up
from .basis import (
    Partition,
    _as_int,
    _basis,
    as_rational,
    check_parts,
    content_polynomial,
    identity_scale,
)


def _alpha_of_beta(beta: Any) -> Fraction:
    return 2 / as_rational(beta, "beta")


# ---------------------------------------------------------------------------------------------
# Forward moments
# ---------------------------------------------------------------------------------------------


def _pochhammer_weights(mu: Partition, alpha: Fraction) -> list[tuple[Partition, Fraction, tuple]]:
    """``(kappa, a_{mu kappa}, [x]_kappa coefficients)`` for the nonzero ``a_{mu kappa}``."""
    basis = _basis(sum(mu), alpha)
    return [
        (kappa, a, content_polynomial(kappa, alpha)) for kappa, a in basis.power_in_jack(mu).items()
    ]


def moment_terms_cov(parts: Iterable[int], beta: Any) -> dict[tuple[int, Partition], Fraction]:
    """``E prod_i tr(W^{parts_i})`` as ``{(e, lam): coefficient of n^e p_lam(Sigma)}``.

    ``sum_kappa a_{mu kappa} [n]_kappa C_kappa(Sigma)``, exact: the real, complex and
    quaternion Wishart for beta = 1, 2, 4, the beta-Wishart (Dubbs, Edelman, Koev and
    Venkataramana) for any other rational beta > 0.
    """
    mu = check_parts(parts)
    alpha = _alpha_of_beta(beta)
    if not mu:
        return {(0, ()): Fraction(1)}
    basis = _basis(sum(mu), alpha)
    # sum_kappa (a_kappa factor_kappa [n]_kappa[e]) num_kappa[lam] as one integer product
    weights = []
    for kappa, a, poly in _pochhammer_weights(mu, alpha):
        num, factor = basis._integer_rows[kappa]
        weights.append((num, [a * factor * x for x in poly]))
    den = lcm(*(v.denominator for _, vs in weights for v in vs))
    size, width = len(basis.partitions), sum(mu) + 1
    acc = [[0] * width for _ in range(size)]
    for num, vs in weights:
        ints = [int(v * den) for v in vs]
        for r, x in enumerate(num):
            if x:
                row = acc[r]
                for e, y in enumerate(ints):
                    if y:
                        row[e] += x * y
    order = basis._order
    return {
        (e, order[r]): Fraction(c, den) for r, row in enumerate(acc) for e, c in enumerate(row) if c
    }


def moment_terms(parts: Iterable[int], beta: Any) -> dict[tuple[int, int], Fraction]:
    """``E prod_i tr(S^{parts_i})`` at ``Sigma = I`` as ``{(i, j): coefficient of n^i m^j}``.

    ``sum_kappa a_{mu kappa} [n]_kappa alpha^k k!/j_kappa [m]_kappa``; any rational beta > 0.
    """
    mu = check_parts(parts)
    alpha = _alpha_of_beta(beta)
    if not mu:
        return {(0, 0): Fraction(1)}
    acc: dict[tuple[int, int], Fraction] = {}
    for kappa, a, poly in _pochhammer_weights(mu, alpha):
        w = a * identity_scale(kappa, alpha)
        for i, x in enumerate(poly):
            if x:
                for j, y in enumerate(poly):
                    if y:
                        acc[(i, j)] = acc.get((i, j), Fraction(0)) + w * x * y
    return {ij: acc[ij] for ij in sorted(acc) if acc[ij]}


def _interpolate(xs: list[Fraction], ys: list[Fraction]) -> list[Fraction]:
    """Coefficients (constant first) of the polynomial of degree < len(xs) through the points
    (Newton divided differences, then Horner on the Newton form)."""
    coefs = list(ys)
    size = len(xs)
    for j in range(1, size):
        for i in range(size - 1, j - 1, -1):
            coefs[i] = (coefs[i] - coefs[i - 1]) / (xs[i] - xs[i - j])
    poly: up.Poly = up.trim([coefs[-1]])
    for i in range(size - 2, -1, -1):  # poly = poly * (x - x_i) + c_i
        poly = up.add(up.mul(poly, up.trim([-xs[i], Fraction(1)])), up.trim([coefs[i]]))
    return list(poly)


def moment_terms_general(parts: Iterable[int]) -> dict[tuple[int, int, int], int]:
    """``E prod_i tr(S^{parts_i})`` at ``Sigma = I`` for general ``alpha = 2/beta`` as
    ``{(i, j, l): coefficient of n^i m^j alpha^l}`` (integers), by exact interpolation in alpha.

    The moment is a polynomial of degree ``< k = sum(parts)`` in alpha; it is evaluated at
    ``alpha = 1, ..., k`` through the Jack route and the interpolant is checked at ``alpha = k+1``.
    """
    mu = check_parts(parts)
    if not mu:
        return {(0, 0, 0): 1}
    k = sum(mu)
    points = [Fraction(t) for t in range(1, k + 2)]
    values = [moment_terms(mu, 2 / alpha) for alpha in points]
    keys = sorted(set().union(*values))
    out: dict[tuple[int, int, int], int] = {}
    for key in keys:
        ys = [v.get(key, Fraction(0)) for v in values]
        poly = _interpolate(points[:k], ys[:k])
        check = sum((c * points[k] ** e for e, c in enumerate(poly)), Fraction(0))
        if check != ys[k]:
            raise ArithmeticError(f"degree bound in alpha failed for n^{key[0]} m^{key[1]}")
        for e, c in enumerate(poly):
            if c:
                out[(key[0], key[1], e)] = _as_int(c)
    return out
