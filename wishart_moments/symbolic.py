"""SymPy expressions for the exact Wishart moments.

The symbols are plain ``sympy.Symbol``s without assumptions, the same as a user's own
``sympy.symbols("n m")``: ``n`` (columns of ``W``), ``m`` (rows of ``W``), ``sigma`` (entry
standard deviation), and ``alpha``, ``gamma`` of the LDLT layer. Every coefficient is a SymPy
``Integer``, so the expressions can be expanded, factored, ``latex()``-ed or ``lambdify``-ed::

    >>> trace_moment(2)
    sigma**4*(m**2*n + m*n**2 + m*n)
    >>> sympy.factor(trace_moment(2))
    m*n*sigma**4*(m + n + 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import sympy

from .layout import CoefficientMatrix

# Plain symbols (no assumptions), so that a user's own sympy.symbols("n m") substitute into them.
n, m, sigma, alpha, gamma = sympy.symbols("n m sigma alpha gamma")

__all__ = [
    "alpha",
    "gamma",
    "m",
    "multi_trace_moment_expr",
    "n",
    "sigma",
    "table_expression",
    "trace_moment",
    "variance_series",
]


def _exact(c: int | Fraction) -> sympy.Rational:
    if isinstance(c, Fraction):
        return sympy.Rational(c.numerator, c.denominator)
    return sympy.Integer(c)


def _polynomial(terms: Mapping[tuple[int, int], int | Fraction]) -> sympy.Expr:
    """``sum c n^a m^b`` with exact ``Integer`` (or ``Rational``) coefficients."""
    return sympy.Add(*(_exact(c) * n**a * m**b for (a, b), c in sorted(terms.items())))


def table_expression(cm: CoefficientMatrix) -> sympy.Expr:
    """``sigma^{2k} sum_{a,b} C_{a,b} n^a m^b`` for a given table ``cm`` (``k = cm.k``, any beta:
    ``E|x|^2 = sigma^2``)."""
    return sigma ** (2 * cm.k) * _polynomial(cm.terms())


def trace_moment(k: int, engine: str | None = None, *, beta: object = 1) -> sympy.Expr:
    """``E tr(S^k) = sigma^{2k} sum_{a,b} C^{(k)}_{a,b} n^a m^b`` for ``S = W W^*``.

    ``W`` is ``m x n`` with iid entries of variance ``sigma^2`` (real ``N(0, sigma^2)`` for
    ``beta = 1``; complex ``beta = 2``, quaternion ``beta = 4``, any rational beta: see
    docs/beta.md); ``C^{(k)}`` comes from
    :func:`~wishart_moments.coefficients.coefficient_matrix` with ``engine`` (its default for
    ``beta``). ``trace_moment(2)`` expands to ``sigma^4 n m (n + m + 1)``.
    """
    from .coefficients import coefficient_matrix

    return table_expression(coefficient_matrix(k, engine, beta=beta))


def multi_trace_moment_expr(parts: Iterable[int]) -> sympy.Expr:
    """``E prod_i tr(S^{parts_i})`` as ``sigma^{2 sum(parts)}`` times a polynomial in ``n, m``.

    Computed by the Stein recursion; ``tr(S^0) = m``. E.g. ``[1, 1]`` gives
    ``sigma^4 (n^2 m^2 + 2 n m)``.
    """
    from .engines.recursion import multi_trace_moment

    parts = list(parts)
    terms = multi_trace_moment(parts)
    return sigma ** (2 * sum(parts)) * _polynomial(terms)


def variance_series(K: int) -> sympy.Expr:
    """Paper eq. (9) truncated at order ``K``: the output variance of an LDLT layer as

        gamma^2 (1 - (1/m) sum_{k=0}^{K} (-1)^k alpha^{-k} E tr(S^k))

    (``E tr(S^0) = m``; the Laplace integral ``int_0^inf e^{-alpha t} (-t)^k / k! dt`` is
    ``(-1)^k alpha^{-(k+1)}``). The series is asymptotic, not convergent: consecutive truncations
    bracket the true value (the resolvent is a Stieltjes function of ``alpha``), and the bracket is
    tight only while roughly ``sigma^2 (sqrt(m) + sqrt(n))^2 < alpha``. ``variance_series(1)`` is
    ``gamma^2 n sigma^2 / alpha`` expanded. Use :func:`wishart_moments.output_variance` for numbers
    outside that range.
    """
    from .limits import check_order

    K = check_order("recursion", K, name="K")
    total = m + sympy.Add(*((-1) ** k * trace_moment(k) / alpha**k for k in range(1, K + 1)))
    return gamma**2 * (1 - total / m)
