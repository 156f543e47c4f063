"""James' theorem: the closed forms ``(a)_kappa``, ``C_kappa(I_m)``, ``E C_kappa(S)``, and the
coefficients of ``E tr(S^k)`` through paper eq. 8.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import factorial, prod
from typing import TYPE_CHECKING, Any

from ... import limits
from ..._validation import check_order
from ...layout import CoefficientMatrix
from .._parts import partitions_of as _partitions
from .basis import (
    _WHY,
    ALPHA,
    MAX_K_ZONAL,
    Partition,
    _basis,
    _boxes,
    check_partition,
)

if TYPE_CHECKING:
    import sympy


# ---------------------------------------------------------------------------------------------
# Closed forms: generalized Pochhammer symbol, C_kappa(I_m), James' theorem
# ---------------------------------------------------------------------------------------------


def _closed_form_partition(kappa: object) -> Partition:
    """``kappa`` checked, with ``|kappa|`` within the closed forms' reach (one SymPy factor per
    box; :mod:`wishart_moments.limits`)."""
    kappa = check_partition(kappa)
    limits.check_order("zonal-closed-form", sum(kappa), name="|kappa|")
    return kappa


def generalized_pochhammer(a: Any, kappa: Sequence[int], alpha: Any = ALPHA) -> sympy.Expr:
    """``(a)_kappa = prod_i prod_{j=0}^{kappa_i - 1} (a - (i-1)/alpha + j)`` as a SymPy expression.

    ``alpha = 2`` (the default) is the real-Wishart symbol of the paper, eq. 4:
    ``(a)_kappa = prod_i (a - (i-1)/2)_{kappa_i}``; ``alpha = 1`` is the complex case.
    """
    import sympy

    kappa = _closed_form_partition(kappa)
    if a is None or alpha is None:
        raise ValueError(f"a and alpha must be numbers or SymPy expressions, got {a!r}, {alpha!r}")
    a = sympy.sympify(a)
    alpha = sympy.sympify(alpha)
    if alpha.is_zero or alpha.has(sympy.zoo, sympy.oo, sympy.nan):
        raise ValueError(f"alpha must be a nonzero finite number or expression, got {alpha}")
    return sympy.Mul(
        *(
            a - sympy.Rational(i - 1) / alpha + j
            for i, part in enumerate(kappa, start=1)
            for j in range(part)
        )
    )


def _content_polynomial(kappa: Partition) -> list[int]:
    """Integer coefficients (constant first) of ``prod_{(i,j)} (x + 2(j-1) - (i-1))``,
    which is ``2^k (x/2)_kappa``."""
    poly = [1]
    for i, j, _, _ in _boxes(kappa):
        shift = 2 * (j - 1) - (i - 1)
        poly = [
            (poly[t - 1] if t else 0) + (shift * poly[t] if t < len(poly) else 0)
            for t in range(len(poly) + 1)
        ]
    return poly


def _identity_scale(kappa: Partition) -> Fraction:
    """``C_kappa(I_m) = scale * 2^k (m/2)_kappa``: ``2^k k! prod_{i<j}(...) / prod_i (...)!``."""
    length, k = len(kappa), sum(kappa)
    num = prod(
        2 * kappa[i] - 2 * kappa[j] - i + j for i in range(length) for j in range(i + 1, length)
    )
    den = prod(factorial(2 * kappa[i] + length - (i + 1)) for i in range(length))
    return Fraction(ALPHA**k * factorial(k) * num, den)


def zonal_at_identity(kappa: Sequence[int], m: Any = None) -> sympy.Expr:
    """``C_kappa(I_m)`` by Muirhead's closed form (Thm 7.2.7), a polynomial in ``m``.

        C_kappa(I_m) = 2^{2k} k! (m/2)_kappa prod_{i<j} (2 kappa_i - 2 kappa_j - i + j)
                       / prod_i (2 kappa_i + l(kappa) - i)!

    ``m`` defaults to the symbol ``m``; pass an integer for the exact value.

    >>> zonal_at_identity((2,))
    m*(m + 2)/3
    """
    import sympy

    kappa = _closed_form_partition(kappa)
    m = sympy.Symbol("m") if m is None else sympy.sympify(m)
    # 2^k (m/2)_kappa = prod_{(i,j) in kappa} (m + 2(j-1) - (i-1)), written box by box
    boxes = _boxes(kappa)
    return sympy.Rational(_identity_scale(kappa)) * sympy.Mul(
        *(m + 2 * (j - 1) - (i - 1) for i, j, _, _ in boxes)
    )


def james_expectation(kappa: Sequence[int], n: Any = None, m: Any = None, sigma: Any = 1) -> Any:
    """``E[C_kappa(S)] = 2^k (n/2)_kappa sigma^{2k} C_kappa(I_m)`` for ``S ~ W_m(n, sigma^2 I_m)``.

    James' theorem (paper eq. 4-5). ``n`` and ``m`` default to the symbols ``n``, ``m``.
    """
    import sympy

    kappa = _closed_form_partition(kappa)
    n = sympy.Symbol("n") if n is None else sympy.sympify(n)
    k = sum(kappa)
    return (
        2**k
        * generalized_pochhammer(n / 2, kappa)
        * sympy.sympify(sigma) ** (2 * k)
        * zonal_at_identity(kappa, m)
    )


# ---------------------------------------------------------------------------------------------
# Power sums in the zonal basis, and the coefficient table through eq. 8
# ---------------------------------------------------------------------------------------------


def trace_zonal_coefficients(k: int) -> dict[Partition, Fraction]:
    """``{kappa: a_{k,kappa}}`` with ``tr(X^k) = sum_{|kappa|=k} a_{k,kappa} C_kappa(X)`` (eq. 6).

    Computed as ``<p_(k), C_kappa> / <C_kappa, C_kappa>`` in the Jack inner product. Zeros are kept
    (every partition of ``k`` is a key), in reverse lexicographic order.

    >>> trace_zonal_coefficients(2)
    {(2,): Fraction(1, 1), (1, 1): Fraction(-1, 2)}
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    coefs = _basis(k).trace_coefficients
    return {kappa: coefs[kappa] for kappa in _partitions(k)}


def _poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def zonal_terms(k: int) -> dict[tuple[int, int], int]:
    """``{(a, b): C_ab}`` of ``E tr(S^k) = sum C_ab n^a m^b`` (``sigma = 1``) through eq. 8.

    ``sum_kappa a_{k,kappa} [2^k (n/2)_kappa] [C_kappa(I_m)]``, summed exactly; raises
    ``ArithmeticError`` if a coefficient were not an integer (it never is).
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    acc: dict[tuple[int, int], Fraction] = {}
    for kappa, a_coef in trace_zonal_coefficients(k).items():
        if not a_coef:
            continue
        weight = a_coef * _identity_scale(kappa)
        content = _content_polynomial(kappa)  # 2^k (x/2)_kappa, the same for x = n and x = m
        for a, cn in enumerate(content):
            if cn:
                for b, cm in enumerate(content):
                    if cm:
                        acc[(a, b)] = acc.get((a, b), Fraction(0)) + weight * cn * cm
    terms: dict[tuple[int, int], int] = {}
    for ab, c in acc.items():
        if c.denominator != 1:
            raise ArithmeticError(f"non-integer coefficient {c} of n^{ab[0]} m^{ab[1]} (k={k})")
        if c:
            terms[ab] = int(c)
    return terms


def zonal_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` of ``E tr(S^k)`` through James' theorem and zonal polynomials (paper eq. 8).

    Exact; ``k <= MAX_K_ZONAL``. An independent check of the Wick enumeration and the Stein
    recursion.
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    return CoefficientMatrix.from_terms(k, zonal_terms(k), engine="zonal")
