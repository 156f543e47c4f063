"""Forward moments with a symbolic ``beta``: the Stein terms as polynomials in ``alpha = 2/beta``.

Each step ``X -> n X Sigma + D(X)`` of the Stein chain multiplies a coefficient by at most one
factor ``alpha`` (``D`` is affine in ``alpha``), so the coefficient of ``n^e p_lam(Sigma)
Sigma^a`` in ``E[p_mu(W) W^r]`` is a polynomial of degree at most ``|mu| + r`` in ``alpha``. It is
interpolated exactly through the engine's values at ``alpha = 1, ..., |mu| + r + 1`` and written
as a polynomial in ``1/beta`` (``moment_expression([2], beta=None)``'s convention). Inverse moments
(rational in ``n - m`` and ``beta`` together) are not built this way.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from ..engines import _univariate as up
from ..engines import stein
from ..symbolic import n as n_symbol
from .arguments import _sympify_number


@lru_cache(maxsize=64)
def matrix_terms_in_alpha(
    mu: tuple[int, ...], power: int
) -> dict[tuple[int, tuple[int, ...], int], tuple[Fraction, ...]]:
    """``E[p_mu(W) W^power] = sum c(alpha) n^e p_lam Sigma^a`` as ``{(e, lam, a): c}`` with ``c``
    the coefficients of a polynomial in ``alpha`` (constant first)."""
    points = [Fraction(t) for t in range(1, sum(mu) + power + 2)]
    values = [stein.matrix_moment_terms(mu, power, 2 / alpha) for alpha in points]
    keys = sorted(set().union(*values))
    out = {}
    for key in keys:
        ys = [Fraction(v.get(key, 0)) for v in values]
        coefs = up.interpolate(points, ys)
        if coefs:
            out[key] = coefs
    return out


def in_beta(coefs: tuple[Fraction, ...], beta: Any) -> sympy.Expr:
    """``sum_l c_l (2/beta)^l`` expanded (a polynomial in ``1/beta``)."""
    return sympy.Add(
        *(_sympify_number(c * 2**l) * beta ** (-l) for l, c in enumerate(coefs) if c)  # noqa: E741
    )


def expression(
    mu: tuple[int, ...], power: int, beta: Any, symbol: Any
) -> sympy.Expr | dict[int, sympy.Expr]:
    """The moment as a SymPy polynomial in ``n``, ``p_j`` (``symbol(j)``) and ``1/beta``; with
    ``power > 0`` ``{a: coefficient of Sigma^a}``."""
    by_power: dict[int, list] = {}
    for (e, lam, a), coefs in matrix_terms_in_alpha(mu, power).items():
        term = in_beta(coefs, beta) * n_symbol**e * sympy.Mul(*(symbol(j) for j in lam))
        by_power.setdefault(a, []).append(term)
    out = {a: sympy.expand(sympy.Add(*terms)) for a, terms in sorted(by_power.items())}
    return out.get(0, sympy.Integer(0)) if power == 0 else out


def value(mu: tuple[int, ...], power: int, beta: Any, n: Any, traces: Any, matrix: Any) -> Any:
    """The moment at a given ``n`` (number or expression) and ``Sigma`` (``traces(j)``,
    ``matrix(a)``): a SymPy expression in ``beta`` (``power = 0``) or a SymPy matrix."""
    by_power: dict[int, list] = {}
    for (e, lam, a), coefs in matrix_terms_in_alpha(mu, power).items():
        factor = sympy.Integer(1)
        for j in lam:
            factor *= _sympify_number(traces(j))
        by_power.setdefault(a, []).append(in_beta(coefs, beta) * _sympify_number(n) ** e * factor)
    if power == 0:
        return sympy.expand(sympy.Add(*by_power.get(0, [])))
    result = None
    for a, terms in by_power.items():
        mat = matrix(a)
        if not isinstance(mat, sympy.MatrixBase):
            arr = np.asarray(mat)
            mat = sympy.Matrix(arr.shape[0], arr.shape[1], [_sympify_number(x) for x in arr.flat])
        part = sympy.expand(sympy.Add(*terms)) * mat
        result = part if result is None else result + part
    return result.applyfunc(sympy.expand)
