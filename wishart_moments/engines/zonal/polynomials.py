"""Zonal polynomials ``C_kappa``: exact expansions, SymPy expressions, numeric values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from math import comb
from typing import TYPE_CHECKING, Any

from ... import limits
from .basis import (
    Partition,
    _basis,
    _checked_partition,
)

if TYPE_CHECKING:
    import numpy as np
    import sympy


# ---------------------------------------------------------------------------------------------
# Zonal polynomials
# ---------------------------------------------------------------------------------------------


def zonal_expansion(kappa: Sequence[int], basis: str = "power") -> dict[Partition, Fraction]:
    """Exact coefficients of ``C_kappa`` in the power-sum or monomial basis.

    ``basis="power"``: ``{lambda: c}`` with ``C_kappa = sum c p_lambda``,
    ``p_lambda = prod_i tr(X^{lambda_i})``. ``basis="monomial"``: ``{mu: c}`` with
    ``C_kappa = sum c m_mu``, ``m_mu`` the monomial symmetric function of the eigenvalues.
    Zero coefficients are left out.

    >>> zonal_expansion((1, 1))
    {(2,): Fraction(-2, 3), (1, 1): Fraction(2, 3)}
    """
    kappa = _checked_partition(kappa)
    if basis == "power":
        return _basis(sum(kappa)).power_expansion(kappa)
    if basis == "monomial":
        return _basis(sum(kappa)).monomial_expansion(kappa)
    raise ValueError(f"unknown basis {basis!r}: allowed are 'power', 'monomial'")


def _power_sum_symbols(k: int) -> list[sympy.Symbol]:
    import sympy

    return list(sympy.symbols(f"p1:{k + 1}"))


def zonal_polynomial(
    kappa: Sequence[int], variables: Sequence[Any] | None = None, *, basis: str = "power"
) -> sympy.Expr:
    """``C_kappa`` as a SymPy expression with exact rational coefficients.

    With ``variables=None`` the result is written in the power sums ``p1, ..., pk``
    (``basis="power"``, ``p_j = tr X^j``) or in monomial symmetric functions named ``m_2_1`` etc.
    (``basis="monomial"``). With ``variables = (x_1, ..., x_m)`` (symbols or numbers: the
    eigenvalues of ``X``) it is the expanded polynomial ``C_kappa(diag(x_1, ..., x_m))``.

    >>> zonal_polynomial((2,))
    p1**2/3 + 2*p2/3
    """
    import sympy

    kappa = _checked_partition(kappa)
    k = sum(kappa)
    if basis not in ("power", "monomial"):
        raise ValueError(f"unknown basis {basis!r}: allowed are 'power', 'monomial'")
    if variables is None:
        if basis == "power":
            p = _power_sum_symbols(k)
            terms = zonal_expansion(kappa, "power").items()
            return sympy.Add(
                *(sympy.Rational(c) * sympy.Mul(*(p[j - 1] for j in lam)) for lam, c in terms)
            )
        terms = zonal_expansion(kappa, "monomial").items()
        return sympy.Add(
            *(sympy.Rational(c) * sympy.Symbol("m_" + "_".join(map(str, mu))) for mu, c in terms)
        )
    if isinstance(variables, (str, bytes)) or not isinstance(variables, Iterable):
        raise ValueError(f"variables must be a sequence of eigenvalues, got {variables!r}")
    xs = list(variables)
    if not xs:
        raise ValueError("variables must hold at least one eigenvalue")
    limits.check_order("zonal-expanded", comb(len(xs) + k - 1, k), name="monomials")
    xs = [sympy.sympify(x) for x in xs]
    power = [sympy.Add(*(x**j for x in xs)) for j in range(1, k + 1)]
    expr = sympy.Add(
        *(
            sympy.Rational(c) * sympy.Mul(*(power[j - 1] for j in lam))
            for lam, c in zonal_expansion(kappa, "power").items()
        )
    )
    return sympy.expand(expr)


def _sub_multisets(mu: Partition) -> list[Partition]:
    """Every sub-multiset of the parts of ``mu`` (as a partition, ``()`` included)."""
    out: list[Partition] = [()]
    for value in sorted(set(mu), reverse=True):
        out = [(*sub, *(value,) * r) for sub in out for r in range(mu.count(value) + 1)]
    return out


def zonal_values(kappa: Sequence[int], eigenvalues: Any) -> np.ndarray:
    """``C_kappa(X)`` in floating point from the eigenvalues of ``X``, batched over leading axes.

    ``eigenvalues`` has shape ``(..., m)``; the result has shape ``(...)``. Evaluated through the
    monomial expansion, whose coefficients are all positive, so there is no cancellation for
    nonnegative eigenvalues (the power-sum expansion alternates in sign). Each ``m_mu(x)`` comes
    from the recurrence over the variables ``f_i(S) = f_{i-1}(S) + sum_{v in S} x_i^v
    f_{i-1}(S - v)`` on the sub-multisets ``S`` of the parts (distinct values ``v``).
    """
    import numpy as np

    kappa = _checked_partition(kappa)
    x = np.asarray(eigenvalues, dtype=float)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"eigenvalues must have shape (..., m) with m >= 1, got shape {x.shape}")
    expansion = zonal_expansion(kappa, "monomial")
    # largest first, so that an in-place update still reads f_{i-1} of the smaller states
    states = sorted(
        {sub for mu in expansion for sub in _sub_multisets(mu) if sub}, key=sum, reverse=True
    )
    values = {state: np.zeros(x.shape[:-1]) for state in states}
    values[()] = np.ones(x.shape[:-1])
    for i in range(x.shape[-1]):
        xi = x[..., i]
        powers = {v: xi**v for v in range(1, kappa[0] + 1)}
        for state in states:
            for v in set(state):
                rest = list(state)
                rest.remove(v)
                values[state] = values[state] + powers[v] * values[tuple(rest)]
    out = np.zeros(x.shape[:-1])
    for mu, c in expansion.items():
        out = out + float(c) * values[mu]
    return out
