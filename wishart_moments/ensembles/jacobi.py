"""Exact moments ``E prod_i tr(J^{parts_i})`` of the Jacobi (MANOVA) beta-ensemble, as SymPy.

``J`` has the eigenvalues of ``(A + B)^{-1} A`` with ``A ~ W_m^beta(n1, I)`` and
``B ~ W_m^beta(n2, I)`` independent (beta = 1, 2, 4: real, complex, quaternion Wishart); for any
``beta > 0`` and real ``n1, n2`` the eigenvalue density on ``[0, 1]^m`` is

    prop. prod_i x_i^a (1 - x_i)^b |Delta(x)|^beta,
    a = beta(n1 - m + 1)/2 - 1,  b = beta(n2 - m + 1)/2 - 1,

which needs ``a, b > -1``, i.e. ``n1, n2 > m - 1``. ``E tr J = m n1/(n1 + n2)``; ``m = 1`` is
``Beta(beta n1/2, beta n2/2)``. At a fixed rational ``beta`` every moment is a polynomial in
``m`` and ``n1`` over ``Q(n1 + n2)``::

    >>> n1, n2 = sympy.symbols("n1 n2")
    >>> jacobi_moment([1], m=3, n1=n1, n2=n2)
    3*n1/(n1 + n2)

Engines: ``"jack"`` (default; Kadell's integral and the Jack change of basis,
:mod:`.jacobi_jack`), ``"loop_equations"`` (:mod:`.jacobi_loop`), ``"density"`` (exact
integration of the density for tiny ``m``, the slow reference, :mod:`.jacobi_density`).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy

from .._validation import check_beta
from ..limits import limit
from ..moments import _is_symbolic
from ._checks import check_parts, check_real, check_size
from ._rational import RationalTerms
from .jacobi_density import density_moment
from .jacobi_jack import jack_moment, jack_moment_at
from .jacobi_loop import loop_moment, loop_moment_at

ENGINES = ("jack", "loop_equations", "density")

#: Largest ``sum(parts)`` per route (seconds to about a minute at the limit; see the benchmark).
#: The numbers live in wishart_moments.limits (engines "jacobi-<route>").
MAX_DEGREE = {
    route: limit(f"jacobi-{route}")
    for route in ("jack", "loop_equations", "loop_equations_symbolic", "density")
}


def _exact_beta(beta: Any) -> Fraction:
    if beta is None or _is_symbolic(beta):
        raise ValueError(
            f"jacobi_moment needs an exact rational beta > 0 (e.g. 1, 2, 4, '1/2'), got {beta!r}: "
            "the Jacobi engines work at one Jack parameter alpha = 2/beta at a time"
        )
    return Fraction(check_beta(beta))


def _check_domain(n: Any, raw: Any, name: str, m: Any) -> None:
    if _is_symbolic(n):
        return
    low = m - 1 if isinstance(m, int) else 0
    if not n > low:
        which = "a" if name == "n1" else "b"
        raise ValueError(
            f"{name}={raw!r} is not allowed with m={m}: the Jacobi density needs "
            f"{which} = beta ({name} - m + 1)/2 - 1 > -1, i.e. {name} > m - 1"
        )


def _refuse(total: int, key: str, what: str) -> None:
    limit = MAX_DEGREE[key]
    if total > limit:
        further = "; engine 'jack' goes to 16" if key != "jack" else ""
        raise ValueError(
            f"sum(parts)={total} is beyond {what}: allowed sum(parts) <= {limit}{further}"
        )


def jacobi_terms(
    parts: Iterable[int] | int, *, beta: Any = 1, m: int | None = None, engine: str | None = None
) -> RationalTerms:
    """``E prod tr(J^{parts_i})`` as :class:`~._rational.RationalTerms` in ``m``, ``n1`` over
    ``Q(n1 + n2)`` (an integer ``m`` substituted); ``engine`` ``"jack"`` or ``"loop_equations"``."""
    values = check_parts(parts, "J")
    beta_q = _exact_beta(beta)
    if m is not None:
        m = check_size(m, "J")
    zeros = sum(1 for p in values if p == 0)
    mu = tuple(sorted((p for p in values if p > 0), reverse=True))
    engine = "jack" if engine is None else engine
    if engine == "jack":
        _refuse(sum(mu), "jack", "the Jack route")
        terms = jack_moment(mu, beta_q, m)
    elif engine == "loop_equations":
        _refuse(sum(mu), "loop_equations_symbolic", "the symbolic Jacobi loop equations")
        terms = loop_moment(mu, beta_q, m)
    else:
        raise ValueError(
            f"unknown engine {engine!r} for symbolic Jacobi moments: allowed are "
            "'jack', 'loop_equations'"
        )
    if not zeros:
        return terms
    if m is not None:
        scale = Fraction(m) ** zeros
        num = {key: tuple(c * scale for c in p) for key, p in terms.num.items()}
        return RationalTerms(num, terms.den)
    return RationalTerms({(i + zeros, j): p for (i, j), p in terms.num.items()}, terms.den)


def _numeric(
    mu: tuple[int, ...], beta: Fraction, m: int, n1: Fraction, n2: Fraction, engine: str
) -> Fraction:
    a, b = beta * (n1 - m + 1) / 2 - 1, beta * (n2 - m + 1) / 2 - 1
    if engine == "jack":
        _refuse(sum(mu), "jack", "the Jack route")
        return jack_moment_at(mu, beta, m, n1, n2)
    if engine == "loop_equations":
        _refuse(sum(mu), "loop_equations", "the Jacobi loop equations")
        try:
            return loop_moment_at(mu, beta, m, a, b)
        except ZeroDivisionError:  # n1 + n2 at an eigenvalue of the system: take the limit
            return loop_moment(mu, beta, m).at(m, n1, n2)
    if engine == "density":
        _refuse(sum(mu), "density", "the exact integration")
        return density_moment(mu, m, beta, a, b)
    raise ValueError(f"unknown engine {engine!r}: allowed are {', '.join(map(repr, ENGINES))}")


def jacobi_moment(
    parts: Iterable[int] | int,
    *,
    m: Any,
    n1: Any,
    n2: Any,
    beta: Any = 1,
    engine: str | None = None,
) -> sympy.Expr:
    """``E prod_i tr(J^{parts_i})`` for the Jacobi beta-ensemble: ``J`` the ``m x m`` matrix
    ``(A + B)^{-1} A``, ``A ~ W^beta_m(n1, I)``, ``B ~ W^beta_m(n2, I)`` (density
    ``prop. prod x^a (1-x)^b |Delta|^beta``, ``a = beta(n1-m+1)/2 - 1``,
    ``b = beta(n2-m+1)/2 - 1``).

    ``n1, n2``: any reals with ``n1, n2 > m - 1`` (``a, b > -1``), or SymPy symbols; ``m``: a
    positive integer or a symbol; ``beta``: an exact rational ``> 0``. Exact numbers give a
    ``Rational`` (a float ``n1`` or ``n2`` a ``Float``, evaluated exactly first), symbols a
    rational function (polynomial numerator over factors in ``n1 + n2``). A part 0 is
    ``tr J^0 = m``. ``engine``: ``"jack"`` (default), ``"loop_equations"`` or ``"density"``
    (exact numbers and tiny ``m`` only). Raises ``ValueError`` for bad input, ``n1`` or
    ``n2 <= m - 1``, a symbolic beta, or an order beyond the engine's reach.
    """
    values = check_parts(parts, "J")
    m_value = check_size(m, "J")
    n1_value, n2_value = check_real(n1, "n1"), check_real(n2, "n2")
    beta_q = _exact_beta(beta)
    _check_domain(n1_value, n1, "n1", m_value)
    _check_domain(n2_value, n2, "n2", m_value)
    engine = "jack" if engine is None else engine
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: allowed are {', '.join(map(repr, ENGINES))}")
    zeros = sum(1 for p in values if p == 0)
    mu = tuple(sorted((p for p in values if p > 0), reverse=True))
    numeric = [isinstance(v, (Fraction, float)) for v in (n1_value, n2_value)]
    if isinstance(m_value, int) and all(numeric):
        floats = any(isinstance(v, float) for v in (n1_value, n2_value))
        value = _numeric(mu, beta_q, m_value, Fraction(n1_value), Fraction(n2_value), engine)
        value *= m_value**zeros
        exact = sympy.Rational(value.numerator, value.denominator)
        return sympy.Float(exact) if floats else exact
    if engine == "density":
        raise ValueError("engine 'density' needs exact numbers for m, n1 and n2")
    terms = jacobi_terms(
        values, beta=beta_q, m=m_value if isinstance(m_value, int) else None, engine=engine
    )

    def sym(v: Any) -> Any:
        if isinstance(v, Fraction):
            return sympy.Rational(v.numerator, v.denominator)
        return sympy.Float(v) if isinstance(v, float) else v

    m_expr = sympy.Integer(1) if isinstance(m_value, int) else m_value
    return terms.to_sympy(m_expr, sym(n1_value), sym(n2_value))
