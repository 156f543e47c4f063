"""Exact multi-trace moments ``E prod_i tr(S^{parts_i})`` for the whole beta family, as SymPy.

``S = X X^*`` with ``X`` an ``m x n`` matrix of iid standard entries, ``E|x|^2 = 1``: real
(``beta = 1``), complex (``beta = 2``), quaternion (``beta = 4``; traces are real parts, so
``E tr S = n m`` for every beta), and for any ``beta > 0`` the beta-Laguerre ensemble (Dumitriu-
Edelman). Every moment is a polynomial in ``n``, ``m`` and ``alpha = 2/beta`` with integer
coefficients (:mod:`wishart_moments.engines.loop_equations`)::

    >>> moment([2], n=7, m=3, beta=2)
    210
    >>> moment_expression([2], beta=None)
    m**2*n + m*n**2 - m*n + 2*m*n/beta

``cov=`` (a covariance ``Sigma``, ``W = Sigma^{1/2} S Sigma^{1/2}``) and ``inverse=True``
(moments of ``W^{-1}``) are computed by :mod:`wishart_moments.covariance`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy

from ._validation import check_beta

BETA = sympy.Symbol("beta")  # no assumptions: a user's sympy.Symbol("beta") is the same symbol

__all__ = ["BETA", "moment", "moment_expression"]


def _parts(parts: object) -> tuple[int, ...]:
    """``parts`` (an int ``k`` or a nonempty iterable of nonnegative ints) as a tuple."""
    if isinstance(parts, numbers.Integral) and not isinstance(parts, bool):
        parts = [parts]
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Iterable):
        raise ValueError(
            f"parts must be a nonempty list of nonnegative integers (e.g. [3, 1]), got {parts!r}"
        )
    values = list(parts)
    if not values:
        raise ValueError(
            "parts must be a nonempty list of nonnegative integers (e.g. [3, 1]), got []"
        )
    for p in values:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 0:
            raise ValueError(
                f"parts must be nonnegative integers (tr S^0 = m), got {p!r} in {values!r}"
            )
    return tuple(int(p) for p in values)


def _covariance(name: str) -> Any:
    """``wishart_moments.covariance.<name>``; ``ValueError`` if that module is not installed."""
    import importlib

    qualified = f"{__package__}.covariance"
    try:
        module = importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name != qualified:
            raise
        raise ValueError(
            "covariance and inverse moments need wishart_moments.covariance, which is not "
            "available in this installation"
        ) from exc
    return getattr(module, name)


def _is_symbolic(x: object) -> bool:
    return isinstance(x, sympy.Basic) and bool(x.free_symbols)


def _number(x: object, name: str) -> Any:
    """A finite real number as ``Fraction`` (exact) or ``float``; ``ValueError`` otherwise."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes, complex)):
        raise ValueError(f"{name} must be a positive number or a SymPy symbol, got {x!r}")
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, sympy.Basic):
        if x.is_Rational:
            return Fraction(int(x.p), int(x.q))
        if not (x.is_number and x.is_real):
            raise ValueError(f"{name} must be a positive real number or a symbol, got {x!r}")
        x = float(x)
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number or a SymPy symbol, got {x!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return value


def _check_n(n: object) -> Any:
    if _is_symbolic(n):
        return n
    value = _number(n, "n")
    if value <= 0:
        raise ValueError(f"n must be > 0 (the degrees of freedom), got {n!r}")
    return value


def _check_m(m: object) -> Any:
    if m is None:
        raise ValueError("m (the size of S) is required when cov is not given")
    if _is_symbolic(m):
        return m
    value = _number(m, "m")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"m must be a positive integer (the size of S), got {m!r}")
        value = Fraction(int(value))
    if value.denominator != 1 or value < 1:
        raise ValueError(f"m must be a positive integer (the size of S), got {m!r}")
    return int(value)


def _alpha(beta: object) -> tuple[str, Any]:
    """``("exact", beta)``, ``("float", alpha)`` or ``("symbol", alpha)`` for ``alpha = 2/beta``."""
    if _is_symbolic(beta):
        return "symbol", 2 / beta  # type: ignore[operator]
    if isinstance(beta, float) or (
        isinstance(beta, sympy.Basic) and beta.is_number and not beta.is_Rational
    ):
        value = _number(beta, "beta")
        if not value > 0:
            raise ValueError(f"beta must be > 0, got {beta!r}")
        try:
            return "exact", check_beta(value)
        except ValueError:
            return "float", 2.0 / value
    return "exact", check_beta(beta)


def _to_sympy(x: Any) -> Any:
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    if isinstance(x, float):
        return sympy.Float(x)
    return sympy.sympify(x)


def _sum_terms(terms: dict[tuple[int, ...], Any], n: Any, m: Any, alpha: Any = None) -> Any:
    """``sum c n^i m^j (alpha^l)`` built in one ``Mul`` per term and one ``Add``."""
    powers = alpha is not None and alpha.is_Pow is False and alpha.is_Mul
    out = []
    for key, c in terms.items():
        factors = [_to_sympy(c), n ** key[0], m ** key[1]]
        if len(key) == 3 and key[2]:
            if powers:  # alpha = 2/beta: (2/beta)^l = 2^l * beta^-l, flattened once
                factors += [a ** key[2] for a in alpha.args]
            else:
                factors.append(alpha ** key[2])
        out.append(sympy.Mul(*factors))
    return sympy.Add(*out)


def moment(
    parts: Iterable[int] | int,
    *,
    n: Any,
    m: Any = None,
    beta: Any = 1,
    cov: Any = None,
    inverse: bool = False,
    mean: Any = None,
    omega: Any = None,
) -> sympy.Expr:
    """``E prod_i tr(S^{parts_i})`` as a SymPy number: an exact ``Rational`` for exact ``n``
    (int, ``Fraction``, ``Rational``), integer ``m`` and exact rational ``beta``; SymPy symbols for
    ``n``, ``m`` or ``beta`` give an expression; a float ``n`` or a float ``beta`` that is not
    an exact binary fraction (``0.3``) gives a SymPy ``Float`` (floating-point evaluation of the
    exact polynomial).

    ``beta``: ``1`` real, ``2`` complex, ``4`` quaternion, any ``beta > 0`` (beta-Laguerre);
    ``None`` is the symbol ``beta``. A
    part 0 is ``tr S^0 = m``. Non-integer ``n`` needs ``n > m - 1`` (the beta-Laguerre density).
    ``cov`` (``Sigma``; then ``m`` defaults to its size) or ``inverse=True`` delegate to
    :func:`wishart_moments.covariance.moment_cov`. Raises ``ValueError`` for empty, negative or
    non-integer parts, ``n <= 0``, a non-integer ``m``, ``beta <= 0`` or NaN, and the like.
    ``mean`` (``M``) or ``omega`` (``M M^*``): the noncentral Wishart ``(X + M)(X + M)^*``, beta
    1 or 2 (:func:`wishart_moments.noncentral.noncentral_moment`; docs/noncentral.md).

    ``moment([1], n=n, m=m) == n*m``; ``moment([2], n=7, m=3, beta=2) == 210``.
    """
    if mean is not None or omega is not None:
        from .noncentral import noncentral_moment

        return noncentral_moment(
            parts, n=n, m=m, beta=beta, cov=cov, mean=mean, omega=omega, inverse=inverse
        )
    if cov is not None or inverse:
        moment_cov = _covariance("moment_cov")
        return moment_cov(parts, n=n, cov=cov, m=m, beta=beta, inverse=bool(inverse))
    from .engines.loop_equations import moment_terms, moment_terms_at

    mu = _parts(parts)
    n_value, m_value = _check_n(n), _check_m(m)
    kind, value = _alpha(BETA if beta is None else beta)
    if (
        isinstance(n_value, (Fraction, float))
        and isinstance(m_value, int)
        and n_value != int(n_value)
        and n_value <= m_value - 1
    ):
        raise ValueError(
            f"a non-integer n needs n > m - 1 (beta-Laguerre density), got n={n!r}, m={m!r}"
        )
    if kind == "exact":
        terms = moment_terms_at(mu, value)
        if isinstance(n_value, Fraction) and isinstance(m_value, int):
            total = sum(
                (Fraction(c) * n_value**i * m_value**j for (i, j), c in terms.items()),
                Fraction(0),
            )
            return sympy.Rational(total.numerator, total.denominator)
        return _sum_terms(terms, _to_sympy(n_value), _to_sympy(m_value))
    alpha = value if kind == "symbol" else sympy.Float(value)
    return _sum_terms(moment_terms(mu), _to_sympy(n_value), _to_sympy(m_value), alpha)


def moment_expression(
    parts: Iterable[int] | int,
    *,
    beta: Any = 1,
    cov: Any = None,
    inverse: bool = False,
    noncentral: bool = False,
    power: int = 0,
) -> sympy.Expr | dict[str, sympy.Expr]:
    """``E prod_i tr(S^{parts_i})`` as a SymPy polynomial in the symbols ``n``, ``m``
    (:mod:`wishart_moments.symbolic`) at ``Sigma = I``.

    ``beta=None`` (or a SymPy symbol) gives the general-beta polynomial in ``n``, ``m`` and
    ``1/beta`` with ``beta = Symbol("beta")``; an exact rational ``beta`` gives
    ``Rational`` coefficients (integers for ``beta = 1, 2``). ``cov="general"`` or
    ``inverse=True`` delegate to :func:`wishart_moments.covariance.moment_expression_cov`
    (moments of ``W`` for a general ``Sigma`` in ``p_j = tr Sigma^j``, or of ``W^{-1}`` in
    ``q_j = tr Sigma^{-j}``). A given covariance matrix ``cov`` (nested lists, NumPy or SymPy;
    ``beta`` 1, 2 or 4) gives the moment as an expression in the symbol ``n`` alone, its traces
    and size ``m`` filled in: the same as ``moment(parts, n=n, cov=cov)``.

    ``noncentral=True``: the noncentral Wishart, a polynomial in ``n``, ``m``, ``w_j = tr
    Omega^j`` (``cov`` None or a scalar ``c`` for ``Sigma = c I``) or in ``n`` and the traces of
    words in ``Sigma``, ``Omega`` (``cov="general"``); ``power > 0`` gives the coefficients of the
    open words (:func:`wishart_moments.noncentral.noncentral_moment_expression`).

    ``moment_expression([2], beta=None) == n*m*(n + m) + (2/beta - 1)*n*m`` (expanded).
    """
    if noncentral:
        from .noncentral import INVERSE_REFUSAL, noncentral_moment_expression

        if inverse:
            raise ValueError(INVERSE_REFUSAL)
        return noncentral_moment_expression(parts, beta=beta, cov=cov, power=power)
    if power:
        raise ValueError(
            "power (matrix-valued moments) needs noncentral=True here; for the central "
            "Wishart use wishart_moments.covariance.moment_expression_cov(parts, power=...)"
        )
    if isinstance(cov, str) and cov != "general":
        raise ValueError(
            f"cov must be None, 'general' or a covariance matrix in moment_expression, got {cov!r}"
        )
    if cov is not None and not isinstance(cov, str):
        from .symbolic import n

        return moment(parts, n=n, cov=cov, beta=beta, inverse=inverse)
    if cov == "general" or inverse:
        moment_expression_cov = _covariance("moment_expression_cov")
        return moment_expression_cov(parts, beta=beta, inverse=bool(inverse))
    from .engines.loop_equations import moment_terms, moment_terms_at
    from .symbolic import m, n

    mu = _parts(parts)
    if beta is None:
        beta = BETA
    kind, value = _alpha(beta)
    if kind == "exact":
        return _sum_terms(moment_terms_at(mu, value), n, m)
    alpha = value if kind == "symbol" else sympy.Float(value)
    return _sum_terms(moment_terms(mu), n, m, alpha)
