"""Noncentral Wishart moments, exact or in floating point, and their symbolic forms.

``W = Y Y^*``, ``Y = X + M`` (``m x n``), the columns of ``X`` iid ``N_m(0, Sigma)``: real for
``beta = 1``, circular complex for ``beta = 2``; the moments depend on ``M`` only through
``Omega = M M^*`` and ``E W = n Sigma + Omega``.

* :func:`noncentral_moment`: ``E prod_i tr(W^{parts_i})`` at given ``n``, ``Omega`` (or ``M``),
  ``Sigma`` (default ``I``);
* :func:`noncentral_moment_matrix`: ``E[prod_i tr(W^{parts_i}) W^power]``;
* :func:`noncentral_moment_expression`: at ``Sigma = I`` (or ``sigma^2 I``) a polynomial in
  ``n``, ``m``, ``w_j = tr Omega^j``; for a general ``Sigma`` a polynomial in ``n`` and one symbol
  per cyclic word (:func:`~.words.word_symbol`); with ``power > 0`` the coefficients of the open
  words ``{word: expr}``;
* :func:`evaluate_words`: such an expression (or dict) at numeric matrices.

Engines (``engine=``): ``"wick"`` (default; the Numba kernel of the Wick sum by levels,
:mod:`.wick`), ``"contractions"`` (the same recursion in Python, exact integers of any size: the
engine at ``Sigma = I``), ``"stein"`` (integration by parts, :mod:`.stein`). All give the same
exact terms; ``wishart-moments verify-noncentral`` checks it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from fractions import Fraction
from functools import cmp_to_key
from typing import Any

import numpy as np
import sympy

from ..engines._parts import integer_items
from ..limits import limit
from . import contractions, stein, wick
from .evaluation import Setting, assemble, numeric_terms, sum_terms, to_sympy
from .words import M_SYMBOL, N_SYMBOL, _symbol, compress, word_of_symbol

__all__ = [
    "INVERSE_REFUSAL",
    "MAX_DEGREE_IDENTITY",
    "MAX_DEGREE_NUMERIC",
    "MAX_DEGREE_WORDS",
    "evaluate_words",
    "noncentral_moment",
    "noncentral_moment_expression",
    "noncentral_moment_matrix",
]

#: Largest ``sum(parts) + power`` for a general ``Sigma`` with exact or symbolic results
#: (``E tr W^13`` as a SymPy polynomial in words takes about 30 s for beta 1, 16 s for beta 2;
#: each further degree about 2.5 times longer).
MAX_DEGREE_WORDS = limit("noncentral-words")  # the limits live in wishart_moments.limits
#: The same with floating-point ``n``, ``Sigma``, ``Omega`` (``n`` multiplied in as it goes).
MAX_DEGREE_NUMERIC = limit("noncentral-numeric")
#: Largest degree at ``Sigma = I`` (commutative words: powers of ``Omega``; exact integers).
MAX_DEGREE_IDENTITY = limit("noncentral-identity")

ENGINES = ("wick", "contractions", "stein")

INVERSE_REFUSAL = (
    "inverse=True cannot be combined with mean or omega: moments of the inverse of a noncentral "
    "Wishart are infinite series (hypergeometric functions of Sigma^-1 Omega), not polynomials"
)


def _split_parts(parts: Any) -> tuple[tuple[int, ...], int]:
    """Nonzero parts (nonincreasing) and the number of zero parts (``tr W^0 = m``)."""
    if isinstance(parts, numbers.Integral) and not isinstance(parts, bool):
        parts = [parts]
    if isinstance(parts, (str, bytes)):
        raise ValueError(f"parts must be a sequence of nonnegative integers, got {parts!r}")
    items = integer_items(
        parts,
        minimum=0,
        not_iterable="parts must be a sequence of nonnegative integers, got {parts!r}",
        bad_item="parts must be nonnegative integers (0 is tr W^0 = m), got {p!r} in {items!r}",
    )
    rest = tuple(sorted((p for p in items if p), reverse=True))
    return rest, len(items) - len(rest)


def _check_beta(beta: object) -> int:
    if isinstance(beta, bool) or beta not in (1, 2):
        raise ValueError(
            f"beta must be 1 (real) or 2 (complex) for noncentral moments, got {beta!r}"
        )
    return int(beta)  # type: ignore[call-overload]


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, numbers.Integral) or power < 0:
        raise ValueError(f"power must be a nonnegative integer, got {power!r}")
    return int(power)


def _check_degree(degree: int, identity: bool, numeric: bool) -> None:
    if identity:
        limit, what = MAX_DEGREE_IDENTITY, "at Sigma = I"
        more = ""
    elif numeric:
        limit, what = MAX_DEGREE_NUMERIC, "for a general Sigma in floating point"
        more = "; Sigma = I (cov=None) goes to degree " + str(MAX_DEGREE_IDENTITY)
    else:
        limit, what = MAX_DEGREE_WORDS, "for a general Sigma, exact or symbolic"
        more = (
            f"; float input goes to degree {MAX_DEGREE_NUMERIC}, Sigma = I to {MAX_DEGREE_IDENTITY}"
        )
    if degree > limit:
        raise ValueError(
            f"noncentral moments of order sum(parts) + power = {degree} are beyond this engine: "
            f"the limit {what} is {limit} (the number of words grows about 2.2 times per "
            f"order){more}"
        )


def _check_n(n: object) -> Any:
    """``n`` as int / Fraction / float, or a SymPy expression (symbolic)."""
    if isinstance(n, bool) or n is None:
        raise ValueError(f"n must be a positive number or a SymPy symbol, got {n!r}")
    if isinstance(n, sympy.Basic):
        if not n.is_number:
            return n
        if n.is_Rational:
            n = Fraction(int(n.p), int(n.q))
        elif n.is_real:
            n = float(n)
        else:
            raise ValueError(f"n must be a positive real number, got {n}")
    if isinstance(n, numbers.Integral):
        n = int(n)
    elif isinstance(n, numbers.Rational):
        n = Fraction(int(n.numerator), int(n.denominator))
    elif isinstance(n, numbers.Real):
        n = float(n)
        if not np.isfinite(n):
            raise ValueError(f"n must be a finite positive number, got {n!r}")
    else:
        raise ValueError(f"n must be a positive number or a SymPy symbol, got {n!r}")
    if not n > 0:
        raise ValueError(f"n must be positive (the degrees of freedom), got {n!r}")
    return n


def _terms(mu: tuple[int, ...], power: int, beta: int, identity: bool, engine: str) -> dict:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
    if engine == "stein":
        return stein.matrix_terms(mu, power, beta, identity)
    if engine == "contractions" or identity or sum(mu) + power > wick.MAX_DEGREE:
        return contractions.matrix_terms(mu, power, beta, identity)
    return wick.matrix_terms(mu, power, beta, identity)


def _compute(
    parts: Any, power: int, n: Any, mean: Any, omega: Any, cov: Any, beta: Any, engine: str
) -> tuple[dict, Setting, int, int]:
    beta = _check_beta(beta)
    mu, zeros = _split_parts(parts)
    power = _check_power(power)
    n = _check_n(n)
    setting = Setting(mean, omega, cov, beta, n)
    degree = sum(mu) + power
    numeric = setting.numeric or isinstance(n, float)
    _check_degree(degree, setting.identity, numeric and not isinstance(n, sympy.Basic))
    if (
        numeric
        and not setting.identity
        and not isinstance(n, sympy.Basic)
        and engine == "wick"
        and degree <= wick.MAX_DEGREE
    ):
        setting.to_float()  # exact matrices with a float n: floating point
        terms = numeric_terms(mu, power, beta, n)
        by_open = sum_terms(terms, setting, 1, power, degree)
    else:
        terms = _terms(mu, power, beta, setting.identity, engine)
        by_open = sum_terms(terms, setting, n, power, degree)
    return by_open, setting, zeros, power


def noncentral_moment(
    parts: Iterable[int] | int,
    *,
    n: Any,
    mean: Any = None,
    omega: Any = None,
    cov: Any = None,
    m: Any = None,
    beta: Any = 1,
    engine: str = "wick",
    inverse: bool = False,
) -> sympy.Expr:
    """``E prod_i tr(W^{parts_i})`` for the noncentral Wishart ``W = (X + M)(X + M)^*``.

    Give ``mean`` (``M``, ``m x n``; needs an integer ``n``) or ``omega`` (``M M^*``, Hermitian
    positive semidefinite), not both; ``cov`` is ``Sigma`` (default ``I``). Exact input (ints,
    Fractions, SymPy Rationals, Gaussian rationals for ``beta = 2``) gives an exact SymPy number;
    any float gives a SymPy Float; a symbolic ``n`` gives a polynomial in it. ``m``, if given,
    must match ``omega``. A part 0 is ``tr W^0 = m``. ``inverse=True`` is refused (the inverse
    moments are infinite series).
    """
    if inverse:
        raise ValueError(INVERSE_REFUSAL)
    by_open, setting, zeros, _ = _compute(parts, 0, n, mean, omega, cov, beta, engine)
    if m is not None and m != setting.m:
        raise ValueError(f"m={m!r} does not match the {setting.m} x {setting.m} omega")
    value = assemble(by_open, setting, 0)
    return value * setting.m**zeros if zeros else value


def noncentral_moment_matrix(
    parts: Iterable[int],
    power: int,
    *,
    n: Any,
    mean: Any = None,
    omega: Any = None,
    cov: Any = None,
    beta: Any = 1,
    engine: str = "wick",
    inverse: bool = False,
) -> sympy.Matrix:
    """The ``m x m`` matrix ``E[prod_i tr(W^{parts_i}) W^power]`` (see :func:`noncentral_moment`);
    ``E W = n Sigma + Omega``."""
    if inverse:
        raise ValueError(INVERSE_REFUSAL)
    by_open, setting, zeros, power = _compute(parts, power, n, mean, omega, cov, beta, engine)
    value = assemble(by_open, setting, power)
    return value * setting.m**zeros if zeros else value


def noncentral_moment_expression(
    parts: Iterable[int] | int,
    *,
    beta: Any = 1,
    cov: Any = None,
    power: int = 0,
    engine: str = "wick",
) -> sympy.Expr | dict[str, sympy.Expr]:
    """The moment as a SymPy polynomial.

    ``cov=None`` (``Sigma = I``) or a scalar ``c`` (``Sigma = c I``, e.g. ``sigma**2``): a
    polynomial in ``n``, ``m`` and ``w_j = tr Omega^j`` (symbols ``n``, ``m``, ``w1``, ...).
    ``cov="general"``: a polynomial in ``n`` and the word symbols (``p_j = tr Sigma^j``,
    ``w_j``, and ``t_<word>`` for mixed words; :func:`~.words.word_symbol`). With ``power > 0``:
    ``{open word: coefficient}``, words written as in :func:`~.words.compress` (``"I"``,
    ``"O2"``, ``"SO"``, ...). All symbols are assumption-free, so ``subs`` takes numbers.
    """
    beta = _check_beta(beta)
    mu, zeros = _split_parts(parts)
    power = _check_power(power)
    general = isinstance(cov, str) and cov == "general"
    if isinstance(cov, str) and not general:
        raise ValueError(f"cov must be None, a scalar or 'general', got {cov!r}")
    if not general and cov is not None:
        if isinstance(cov, (list, tuple, np.ndarray, sympy.MatrixBase)):
            raise ValueError(
                "cov in noncentral_moment_expression is None, a scalar (Sigma = c I) or "
                "'general'; for a given matrix use noncentral_moment(..., cov=Sigma)"
            )
        scale = sympy.sympify(cov)
        if scale.is_number and not (scale.is_real and scale.is_positive and scale.is_finite):
            raise ValueError(f"a scalar cov (Sigma = c I) must be a number c > 0, got {cov!r}")
    else:
        scale = sympy.Integer(1)
    degree = sum(mu) + power
    _check_degree(degree, not general, False)
    terms = _terms(mu, power, beta, not general, engine)
    if not general and scale != 1:
        terms = _scaled(terms, scale, degree)
    out: dict[str, list[Any]] = {}
    for (closed, word), poly in terms.items():
        counts: dict[Any, int] = {M_SYMBOL: zeros} if zeros else {}
        for w in closed:
            sym = _symbol(w)
            counts[sym] = counts.get(sym, 0) + 1
        target = out.setdefault(word, [])
        for e, c in poly.items():
            target.append((c, {N_SYMBOL: e, **counts} if e else counts))
    exprs = {w: _polynomial(v) for w, v in out.items()}
    if not power:
        return exprs.get("", sympy.Integer(0))
    return {compress(w): e for w, e in sorted(exprs.items(), key=lambda kv: (len(kv[0]), kv[0]))}


_SORT_KEY = cmp_to_key(sympy.Basic.compare)


def _polynomial(monomials: list[tuple[Any, dict[Any, int]]]) -> sympy.Expr:
    """``sum c prod s^k`` from distinct monomials ``(c, {symbol: k})``, assembled in SymPy's
    canonical argument order (``Basic.compare``) without re-flattening, as
    :func:`wishart_moments.covariance` does: many times faster for thousands of terms."""
    if any(isinstance(c, sympy.Basic) and not c.is_Integer for c, _ in monomials):
        return sympy.expand(
            sympy.Add(*(c * sympy.Mul(*(s**k for s, k in f.items())) for c, f in monomials))
        )
    powers: dict[tuple[Any, int], Any] = {}
    out = []
    for c, counts in monomials:
        factors = []
        for sym, k in counts.items():
            if k == 1:
                factors.append(sym)
            elif k:
                if (sym, k) not in powers:
                    powers[(sym, k)] = sympy.Pow(sym, k)
                factors.append(powers[(sym, k)])
        factors.sort(key=_SORT_KEY)
        coeff = c if isinstance(c, sympy.Basic) else sympy.Integer(c)
        if coeff != 1 or not factors:
            factors.insert(0, coeff)
        out.append(sympy.Mul._from_args(factors) if len(factors) > 1 else factors[0])
    if len(out) < 2:
        return sympy.Add(*out)
    out.sort(key=_SORT_KEY)
    return sympy.Add._from_args(out)


def _scaled(terms: dict, scale: Any, degree: int) -> dict:
    """``Sigma = c I``: each term times ``c^(number of Sigma letters)`` (SymPy coefficients)."""
    out: dict = {}
    for (closed, word), poly in terms.items():
        omegas = word.count("O") + sum(w.count("O") for w in closed)
        factor = scale ** (degree - omegas)
        out[(closed, word)] = {e: sympy.expand(factor * c) for e, c in poly.items()}
    return out


def evaluate_words(
    expr: sympy.Expr | dict[str, sympy.Expr],
    *,
    omega: Any = None,
    mean: Any = None,
    cov: Any = None,
    n: Any = None,
    beta: Any = 1,
) -> Any:
    """An expression of :func:`noncentral_moment_expression` at numeric matrices.

    Every word symbol (``m``, ``p_j``, ``w_j``, ``t_<word>``) is replaced by its value at
    ``Sigma = cov`` (default ``I``) and ``Omega = omega`` (or ``mean mean^*``), exactly for exact
    input; ``n`` (a number or ``None`` to keep the symbol) is substituted too. A dict of open-word
    coefficients gives the ``m x m`` matrix ``sum coefficient * word``.
    """
    beta = _check_beta(beta)
    n_value = None if n is None else _check_n(n)
    setting = Setting(mean, omega, cov, beta, n_value if n_value is not None else 1)
    values = setting.values

    def subs(e: sympy.Expr) -> sympy.Expr:
        mapping: dict[Any, Any] = {}
        for sym in e.free_symbols:
            if sym == N_SYMBOL:
                if n_value is not None:
                    mapping[sym] = to_sympy(n_value)
                continue
            word = word_of_symbol(sym)  # type: ignore[arg-type]
            if word is not None:
                mapping[sym] = to_sympy(values.trace(word))
        return sympy.expand(e.xreplace(mapping))

    if not isinstance(expr, dict):
        value = None if expr is None else sympy.sympify(expr)
        if not isinstance(value, sympy.Basic) or isinstance(value, sympy.MatrixBase):
            raise TypeError(
                "expr must be an expression or a dict of them from "
                f"noncentral_moment_expression, got {expr!r}"
            )
        return subs(value)
    from .words import expand_word

    by_open = {expand_word(w): subs(e) for w, e in expr.items()}
    return assemble(by_open, setting, 1)
