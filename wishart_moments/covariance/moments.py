"""The public functions ``moment_cov``, ``moment_matrix`` and ``moment_expression_cov``: the Stein
recursion's terms evaluated at ``Sigma`` or written as SymPy expressions.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .. import limits
from ..engines import inverse_spectral, stein
from ..engines._parts import integer_items
from ..symbolic import m as m_symbol
from ..symbolic import n as n_symbol
from . import symbolic_beta
from .arguments import (
    _check_beta,
    _check_existence,
    _check_field,
    _check_m,
    _check_n,
    _check_power,
    _is_symbolic_beta,
    _refuse_symbolic_inverse,
    _sympify_number,
)
from .expressions import polynomial_expr, rational_exprs
from .parsing import (
    _Exact,
    _parse,
)
from .sigma import _Sigma


def power_sum_symbol(j: int) -> sympy.Symbol:
    """``p_j = tr Sigma^j``: ``sympy.Symbol(f"p{j}")`` (no assumptions, like a user's own)."""
    return sympy.Symbol(f"p{j}")


def inverse_power_sum_symbol(j: int) -> sympy.Symbol:
    """``q_j = tr Sigma^{-j}``: ``sympy.Symbol(f"q{j}")`` (no assumptions, like a user's own)."""
    return sympy.Symbol(f"q{j}")


# ---------------------------------------------------------------------------------------------
# public API


def _scalar_value(terms: dict, traces: Any, n: Any) -> Any:
    """``sum c n^e p_lam`` with exact or float arithmetic; ``n`` may be a SymPy expression."""
    if isinstance(n, sympy.Basic):
        total = sympy.Integer(0)
        for (e, lam), c in terms.items():
            val = _sympify_number(c) * n**e
            for j in lam:
                val *= _sympify_number(traces(j))
            total += val
        return sympy.expand(total)
    return stein.evaluate_terms(terms, traces)


def _moment_cov_core(
    mu: tuple[int, ...], n: Any, cov: Any, m: Any, beta: Any, inverse: bool
) -> Any:
    """Implementation of :func:`moment_cov` (``mu`` normalised, without zeros)."""
    n = _check_n(n)
    beta = _check_beta(beta, cov is not None)
    if inverse:
        _refuse_symbolic_inverse(beta)
    if cov is not None:
        parsed = _parse(cov)
        size = parsed.m if isinstance(parsed, _Exact) else parsed.shape[0]
        if m is not None and _check_m(m) != size:
            raise ValueError(f"m={m!r} does not match the {size} x {size} cov")
        _check_field(parsed, beta)
        sigma = _Sigma(parsed, inverse)
        m_value: Any = size
        traces: Any = sigma.trace
    else:
        if m is None:
            raise ValueError("give cov (an m x m matrix) or m (for Sigma = I)")
        m_value = _check_m(m)
        traces = (
            (lambda j: m_value)
            if isinstance(m_value, sympy.Basic)
            else (lambda j: Fraction(m_value))
        )
    if not mu:
        return sympy.Integer(1)
    if _is_symbolic_beta(beta):
        return symbolic_beta.value(mu, 0, beta, n, traces, None)
    if inverse:
        _check_existence(mu, 0, beta, n, m_value)
        if isinstance(n, sympy.Basic) or isinstance(m_value, sympy.Basic):
            expr = moment_expression_cov(mu, beta=beta, inverse=True)
            subs = {n_symbol: n, m_symbol: m_value}
            subs.update(
                {
                    inverse_power_sum_symbol(j): _sympify_number(traces(j))
                    for j in range(1, sum(mu) + 1)
                }
            )
            return sympy.simplify(expr.subs(subs))
        terms = inverse_spectral.inverse_terms_at(mu, 0, beta, n - m_value)
        value = stein.evaluate_terms({lam: c for (lam, _a), c in terms.items()}, traces)
        return _sympify_number(value)
    if isinstance(n, sympy.Basic):
        return _scalar_value(stein.moment_terms_cov(mu, beta), traces, n)
    value = stein.evaluate_terms(stein.moment_terms_cov_at(mu, beta, n), traces)
    return _sympify_number(value)


def _moment_matrix_core(
    mu: tuple[int, ...], power: int, n: Any, cov: Any, beta: Any, inverse: bool
) -> sympy.Matrix:
    """Implementation of :func:`moment_matrix` (``mu`` normalised, without zeros)."""
    power = _check_power(power)
    n = _check_n(n)
    beta = _check_beta(beta, True)
    if inverse:
        _refuse_symbolic_inverse(beta)
    if cov is None:
        raise ValueError("moment_matrix needs cov (an m x m matrix)")
    parsed = _parse(cov)
    _check_field(parsed, beta)
    sigma = _Sigma(parsed, inverse)
    size = sigma.m
    if _is_symbolic_beta(beta):
        out = symbolic_beta.value(mu, power, beta, n, sigma.trace, sigma.matrix)
        return out * sympy.eye(size) if power == 0 else out
    if inverse:
        _check_existence(mu, power, beta, n, size)
        if isinstance(n, sympy.Basic):
            coeffs = moment_expression_cov(mu, beta=beta, inverse=True, power=power)
            if power == 0:
                coeffs = {0: coeffs}
            subs = {n_symbol: n, m_symbol: size}
            subs.update(
                {
                    inverse_power_sum_symbol(j): _sympify_number(sigma.trace(j))
                    for j in range(1, sum(mu) + power + 1)
                }
            )
            result = sympy.zeros(size, size)
            for a, expr in coeffs.items():
                result += sympy.simplify(expr.subs(subs)) * _as_sympy_matrix(sigma.matrix(a))
            return result
        terms = inverse_spectral.inverse_terms_at(mu, power, beta, n - size)
    elif isinstance(n, sympy.Basic):
        sym_terms = stein.matrix_moment_terms(mu, power, beta)
        by_power: dict[int, dict] = {}
        for (e, lam, a), c in sym_terms.items():
            by_power.setdefault(a, {})[(e, lam)] = c
        result = sympy.zeros(size, size)
        for a, t in by_power.items():
            result += _scalar_value(t, sigma.trace, n) * _as_sympy_matrix(sigma.matrix(a))
        return result
    else:
        terms = stein.matrix_moment_terms_at(mu, power, beta, n)
    by_power = {}
    for (lam, a), c in terms.items():
        by_power.setdefault(a, {})[lam] = c
    if sigma.exact:
        result = sympy.zeros(size, size)
        for a, t in by_power.items():
            result += _sympify_number(stein.evaluate_terms(t, sigma.trace)) * _as_sympy_matrix(
                sigma.matrix(a)
            )
        return result.applyfunc(sympy.expand)  # exact: nsimplify can turn 55165/3 into radicals
    total = np.zeros((size, size), dtype=complex if np.iscomplexobj(sigma.matrix(1)) else float)
    for a, t in by_power.items():
        total = total + stein.evaluate_terms(t, sigma.trace) * sigma.matrix(a)
    total = (total + total.conj().T) / 2  # Hermitian: drop the rounding noise
    return sympy.Matrix(size, size, [_sympify_number(x) for x in total.ravel()])


def _as_sympy_matrix(mat: Any) -> sympy.Matrix:
    if isinstance(mat, sympy.MatrixBase):
        return mat
    arr = np.asarray(mat)
    return sympy.Matrix(arr.shape[0], arr.shape[1], [_sympify_number(x) for x in arr.ravel()])


def _moment_expression_cov_core(
    parts: Iterable[int], *, beta: Any = 1, inverse: bool = False, power: int = 0
) -> sympy.Expr | dict[int, sympy.Expr]:
    """Implementation of :func:`moment_expression_cov` (parts without zeros)."""
    mu = stein.normalize_parts(parts)
    power = _check_power(power)
    beta = _check_beta(beta, True)
    if _is_symbolic_beta(beta):
        if inverse:
            _refuse_symbolic_inverse(beta)
        return symbolic_beta.expression(mu, power, beta, power_sum_symbol)
    if not inverse:
        if power == 0:
            return polynomial_expr(stein.moment_terms_cov(mu, beta), power_sum_symbol)
        by_power: dict[int, dict] = {}
        for (e, lam, a), c in stein.matrix_moment_terms(mu, power, beta).items():
            by_power.setdefault(a, {})[(e, lam)] = c
        return {a: polynomial_expr(t, power_sum_symbol) for a, t in sorted(by_power.items())}
    if not mu and power == 0:
        return sympy.Integer(1)
    rt = inverse_spectral.inverse_terms(mu, power, beta)
    if power == 0:
        return rational_exprs(rt, [sorted(rt.numerators)], inverse_power_sum_symbol)[0]
    keys_by_power: dict[int, list] = {}
    for key in sorted(rt.numerators):
        keys_by_power.setdefault(key[1], []).append(key)
    powers = sorted(keys_by_power)
    exprs = rational_exprs(rt, [keys_by_power[a] for a in powers], inverse_power_sum_symbol)
    return dict(zip(powers, exprs, strict=True))


def _split_parts(parts: Any) -> tuple[tuple[int, ...], int]:
    """Non-zero parts (sorted) and the number of zero parts (``tr W^0 = m``); an int is one part."""
    if isinstance(parts, numbers.Integral) and not isinstance(parts, bool):
        parts = [parts]
    if isinstance(parts, (str, bytes)):
        raise ValueError(f"parts must be a sequence of non-negative integers, got {parts!r}")
    items = integer_items(
        parts,
        minimum=0,
        not_iterable="parts must be a sequence of non-negative integers, got {parts!r}",
        bad_item="parts must be non-negative integers (0 is tr W^0 = m), got {p!r} in {items!r}",
    )
    rest = [p for p in items if p > 0]
    zeros = len(items) - len(rest)
    return stein.normalize_parts(rest), zeros


def _is_symbolic(x: object) -> bool:
    return isinstance(x, sympy.Basic) and bool(x.free_symbols)


def _check_reach(
    mu: tuple[int, ...], zeros: int, power: object, inverse: bool, symbolic: bool
) -> None:
    """The total order ``sum(parts) + power`` (a part 0 counting 1) within the reach of the Stein
    recursion (forward or inverse, at a number ``n`` or in the symbol;
    :mod:`wishart_moments.limits`), else ``ValueError``."""
    power = _check_power(power)
    engine = "stein-inverse" if inverse else "stein"
    limits.check_order(
        engine if symbolic else f"{engine}-numeric",
        sum(mu) + zeros + power,
        name="sum(parts) + power" if power else "sum(parts)",
        minimum=0,
    )


def moment_cov(
    parts: Iterable[int],
    *,
    n: Any,
    cov: Any = None,
    m: Any = None,
    beta: Any = 1,
    inverse: bool = False,
) -> sympy.Expr:
    """``E prod_i tr(W^{parts_i})`` (``W^{-parts_i}`` if ``inverse``), ``W ~ W_m^beta(n, Sigma)``.

    ``cov`` is ``Sigma`` (see :func:`parse_cov`; ``m`` is taken from it) or ``None`` with ``m``
    given for ``Sigma = I``. Exact SymPy numbers for exact ``n`` and ``cov``, a SymPy Float for
    float input, an expression for symbolic ``n`` (or ``m`` with ``cov=None``). ``beta``: 1, 2, 4
    (real, complex, quaternion) or any other rational ``beta > 0`` (the beta-Wishart: its moments
    depend on ``Sigma`` only through the eigenvalues); ``None`` or a SymPy symbol gives an
    expression in ``beta`` (forward moments only).
    A part 0 is ``tr W^0 = m``; an int ``parts`` is a single trace.
    """
    mu, zeros = _split_parts(parts)
    _check_reach(mu, zeros, 0, bool(inverse), _is_symbolic(n) or (cov is None and _is_symbolic(m)))
    value = _moment_cov_core(mu, n, cov, m, beta, inverse)
    if zeros:
        size = m if cov is None else _parse(cov)
        size = size.m if isinstance(size, _Exact) else getattr(size, "shape", (size,))[0]
        value = value * sympy.sympify(size) ** zeros
    return value


def moment_matrix(
    parts: Iterable[int],
    power: int,
    *,
    n: Any,
    cov: Any = None,
    beta: Any = 1,
    inverse: bool = False,
    mean: Any = None,
    omega: Any = None,
) -> sympy.Matrix:
    """The ``m x m`` matrix ``E[prod_i tr(W^{parts_i}) W^power]`` (``W^{-1}`` if ``inverse``).

    ``= sum_{lam, a} c_{lam, a} p_lam(Sigma) Sigma^a`` (``q_lam(Sigma) Sigma^{-a}``); ``parts``
    may be empty (``E W^power``). Exact SymPy entries for exact input, Floats for float input.
    ``mean`` or ``omega``: the noncentral Wishart (``cov`` then defaults to ``I``;
    :func:`wishart_moments.noncentral.noncentral_moment_matrix`).
    """
    if mean is not None or omega is not None:
        from ..noncentral import noncentral_moment_matrix

        return noncentral_moment_matrix(
            parts, power, n=n, cov=cov, beta=beta, mean=mean, omega=omega, inverse=inverse
        )
    mu, zeros = _split_parts(parts)
    _check_reach(mu, zeros, power, bool(inverse), _is_symbolic(n))
    value = _moment_matrix_core(mu, power, n, cov, beta, inverse)
    return value * value.rows**zeros if zeros else value


def moment_expression_cov(
    parts: Iterable[int], *, beta: Any = 1, inverse: bool = False, power: int = 0
) -> sympy.Expr | dict[int, sympy.Expr]:
    """The exact moment for a general ``Sigma`` as a SymPy expression.

    Forward: ``E prod_i tr(W^{parts_i})`` as a polynomial in ``n`` and ``p_j = tr Sigma^j``.
    Inverse: ``E prod_i tr(W^{-parts_i})`` as a rational function of ``n, m`` (through
    ``n - m`` only) in ``q_j = tr Sigma^{-j}``; valid where it exists,
    ``beta (n - m + 1) / 2 > sum(parts) + power``. With ``power > 0``: ``{j: coefficient of
    Sigma^j}`` of ``E[prod tr(W^{parts_i}) W^power]`` (``Sigma^{-j}`` for the inverse).
    """
    mu, zeros = _split_parts(parts)
    _check_reach(mu, zeros, power, bool(inverse), True)
    value = _moment_expression_cov_core(mu, beta=beta, inverse=inverse, power=power)
    if not zeros:
        return value
    factor = m_symbol**zeros
    if isinstance(value, dict):
        return {a: factor * expr for a, expr in value.items()}
    return factor * value
