"""Exact moments ``E prod_i tr(H^{parts_i})`` of the Gaussian (Hermite) beta-ensemble, as SymPy.

Eigenvalue density ``prop. |Delta(x)|^beta exp(-sum x_i^2 / 2)`` (Dumitriu-Edelman, as in MOPS):
``beta = 1`` is the GOE with ``H_ii ~ N(0, 1)``, ``H_ij ~ N(0, 1/2)``, ``beta = 2`` the GUE with
``E|H_ij|^2 = 1``, any ``beta > 0`` the tridiagonal model (:mod:`.gaussian_tridiagonal`).
Every moment is a polynomial in ``m`` and ``beta``; ``2^K`` times it has integer coefficients
(``sum(parts) = 2K``; odd totals vanish)::

    >>> gaussian_moment([4], m=sympy.Symbol("m"), beta=2)
    2*m**3 + m
    >>> gaussian_moment([2], m=sympy.Symbol("m"), beta=None)
    beta*m**2/2 - beta*m/2 + m

Engines: ``"loop_equations"`` (:mod:`.gaussian_loop`, any beta, multi-trace), ``"maps"``
(:mod:`.gaussian_maps`: the genus expansion at ``beta = 1, 2``; Harer-Zagier and Ledoux for
single traces, the Wick enumeration for products), ``"tridiagonal"`` (the slow reference, an
integer ``m``). The default takes the map recursions for GOE/GUE single traces and the loop
equations otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy

from .._validation import check_beta
from ..limits import limit
from ..moments import _is_symbolic, _number
from . import gaussian_loop, gaussian_maps
from ._checks import check_parts, check_size
from .gaussian_tridiagonal import tridiagonal_moment

ENGINES = ("loop_equations", "maps", "tridiagonal")

#: Largest ``sum(parts)`` per engine (about a minute of work at the limit; see the benchmark).
#: The numbers live in wishart_moments.limits (engines "gaussian-<route>").
MAX_DEGREE = {
    route: limit(f"gaussian-{route}")
    for route in ("loop_equations", "loop_equations_fixed", "map_recursions", "tridiagonal")
}
MAX_TRIDIAGONAL_M = 8

_BETA = sympy.Symbol("beta")


def _beta(beta: Any) -> tuple[str, Any]:
    """``("symbol", expr)``, ``("exact", Fraction)`` or ``("float", float)``."""
    if beta is None:
        return "symbol", _BETA
    if _is_symbolic(beta):
        return "symbol", beta
    if isinstance(beta, float) or (
        isinstance(beta, sympy.Basic) and beta.is_number and not beta.is_Rational
    ):
        value = _number(beta, "beta")
        if not value > 0:
            raise ValueError(f"beta must be > 0, got {beta!r}")
        try:
            return "exact", Fraction(check_beta(value))
        except ValueError:
            return "float", float(value)
    return "exact", Fraction(check_beta(beta))


def _refuse(total: int, limit: int, what: str, further: str = "") -> None:
    if total > limit:
        raise ValueError(
            f"sum(parts)={total} is beyond {what}: allowed sum(parts) <= {limit}"
            + (f"; {further}" if further else "")
        )


def _choose(engine: str | None, mu: tuple[int, ...], kind: str, beta: Any) -> str:
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: allowed are {', '.join(map(repr, ENGINES))}")
    classical = kind == "exact" and beta in (1, 2)
    if engine is None:
        single = len(mu) == 1
        return "maps" if classical and single else "loop_equations"
    if engine == "maps" and not classical:
        raise ValueError(f"engine 'maps' (the genus expansion) needs beta = 1 or 2, got {beta}")
    return engine


def gaussian_terms(
    parts: Iterable[int] | int, *, beta: Any = None, engine: str | None = None
) -> dict[tuple[int, int], Fraction]:
    """``E prod tr(H^{parts_i})`` as ``{(i, l): c}``, ``c`` the coefficient of ``m^i beta^l``
    (exact ``Fraction``; ``l = 0`` only for an exact ``beta``; ``{}`` for an odd total)."""
    values = check_parts(parts, "H")
    zeros = sum(1 for p in values if p == 0)
    mu = tuple(sorted(p for p in values if p > 0))
    kind, value = _beta(beta)
    if kind == "float":
        raise ValueError(f"gaussian_terms needs an exact or symbolic beta, got {beta!r}")
    total = sum(mu)
    chosen = _choose(engine, mu, kind, value)
    if chosen == "tridiagonal":
        raise ValueError("the tridiagonal engine needs an integer m: use gaussian_moment")
    if total % 2:
        return {}
    if chosen == "maps":
        if len(mu) == 1:
            _refuse(total, MAX_DEGREE["map_recursions"], "the map recursions")
            poly = gaussian_maps.single_trace(total // 2, int(value))
        else:
            _refuse(
                total,
                gaussian_maps.MAX_WICK_DEGREE[int(value)],
                f"the Wick enumeration at beta={value}",
                "engine='loop_equations' goes further",
            )
            poly = gaussian_maps.wick_moment(mu, int(value))
        return {(i + zeros, 0): c for i, c in poly.items()}
    if kind == "symbol":
        _refuse(
            total,
            MAX_DEGREE["loop_equations"],
            "the general-beta loop equations (about a minute)",
            "an exact beta goes further",
        )
        K = total // 2
        return {
            (i + zeros, e): Fraction(c, 2**K)
            for (i, e), c in gaussian_loop.moment_terms(mu).items()
        }
    _refuse(
        total,
        MAX_DEGREE["loop_equations_fixed"],
        f"the loop equations at beta={value} (about a minute)",
        "single traces at beta = 1, 2 go to 1000 by the map recursions" if len(mu) == 1 else "",
    )
    return {(i + zeros, 0): c for i, c in gaussian_loop.moment_terms_at(mu, value).items()}


def _sympy(c: Fraction) -> sympy.Rational:
    return sympy.Rational(c.numerator, c.denominator)


def gaussian_moment(
    parts: Iterable[int] | int, *, m: Any, beta: Any = 1, engine: str | None = None
) -> sympy.Expr:
    """``E prod_i tr(H^{parts_i})`` for the Gaussian beta-ensemble of size ``m`` (density
    ``prop. |Delta|^beta exp(-sum x^2/2)``; GOE ``beta = 1``, GUE ``beta = 2``).

    An exact ``Rational`` for an integer ``m`` and an exact rational ``beta``; a SymPy symbol for
    ``m`` gives a polynomial in it, ``beta=None`` (or a symbol) the polynomial in ``m`` and
    ``beta``; a float ``beta`` that is not an exact binary fraction (``0.3``) gives a ``Float``.
    A part 0 is ``tr H^0 = m``; an odd total is 0. ``engine``: ``"loop_equations"``, ``"maps"``
    (beta = 1, 2) or ``"tridiagonal"`` (integer ``m``, slow reference); default: the fastest.
    Raises ``ValueError`` for bad parts, ``m``, ``beta`` or an order beyond the engine's reach.
    """
    values = check_parts(parts, "H")
    m_value = check_size(m, "H")
    kind, value = _beta(beta)
    if engine == "tridiagonal":
        if not isinstance(m_value, int) or m_value > MAX_TRIDIAGONAL_M:
            raise ValueError(
                f"engine 'tridiagonal' needs an integer 1 <= m <= {MAX_TRIDIAGONAL_M}, got m={m!r}"
            )
        _refuse(sum(values), MAX_DEGREE["tridiagonal"], "the tridiagonal expansion")
        poly = tridiagonal_moment(values, m_value)
        if kind == "exact":
            return _sympy(sum((c * value**e for e, c in poly.items()), Fraction(0)))
        b = value if kind == "symbol" else sympy.Float(value)
        return sympy.Add(*(sympy.Mul(_sympy(c), b**e) for e, c in poly.items()))
    terms = gaussian_terms(values, beta=None if kind == "float" else beta, engine=engine)
    m_expr = sympy.Integer(m_value) if isinstance(m_value, int) else m_value
    if kind == "exact" and isinstance(m_value, int):
        total = sum((c * m_value**i for (i, _), c in terms.items()), Fraction(0))
        return _sympy(total)
    if kind == "exact":  # the terms hold m^i only
        return sympy.Add(*(sympy.Mul(_sympy(c), m_expr**i) for (i, _), c in terms.items()))
    b = value if kind == "symbol" else sympy.Float(value)
    return sympy.Add(*(sympy.Mul(_sympy(c), m_expr**i, b**e) for (i, e), c in terms.items()))
