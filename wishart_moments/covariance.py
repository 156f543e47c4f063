"""Wishart moments for any covariance: scalar, matrix-valued and inverse, exact or numeric.

``W = Sigma^{1/2} X X^* Sigma^{1/2} ~ W_m^beta(n, Sigma)`` with ``X`` an ``m x n`` matrix of iid
standard real (``beta = 1``), complex (2) or quaternion (4) entries, ``E|x|^2 = 1``, so that
``E W = n Sigma``. With ``p_j = tr Sigma^j`` and ``q_j = tr Sigma^{-j}``:

* ``moment_cov(parts, n=, cov=)``: ``E prod_i tr(W^{parts_i})`` (or ``tr(W^{-parts_i})``);
* ``moment_matrix(parts, power, n=, cov=)``: ``E[prod_i tr(W^{+-parts_i}) W^{+-power}]``;
* ``moment_expression_cov(parts)``: the polynomial in ``n, p1, p2, ...`` (forward) or the rational
  function of ``n - m`` with ``q1, q2, ...`` (inverse); with ``power > 0`` the coefficients of
  ``Sigma^j`` (``Sigma^{-j}``) as ``{j: expr}``;
* ``parse_cov(obj)``: the validated covariance (exact SymPy Matrix or float NumPy array).

Exact input (ints, Fractions, SymPy Rationals; Gaussian rationals for a Hermitian ``Sigma`` with
``beta = 2``) gives exact SymPy numbers; floats are evaluated in floating point. The engine is the
Stein recursion of :mod:`wishart_moments.engines.stein`. Inverse moments exist iff
``beta (n - m + 1) / 2 > sum(parts) + power``.

    >>> moment_cov([1], n=5, cov=[[2, 1], [1, 3]])
    25
    >>> moment_expression_cov([1], inverse=True)
    q1/(-m + n - 1)
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Iterable
from fractions import Fraction
from functools import cmp_to_key
from typing import Any

import numpy as np
import sympy

from .engines import stein
from .engines._parts import integer_items
from .symbolic import m as m_symbol
from .symbolic import n as n_symbol

__all__ = [
    "inverse_power_sum_symbol",
    "load_cov_file",
    "moment_cov",
    "moment_expression_cov",
    "moment_matrix",
    "parse_cov",
    "parse_cov_text",
    "power_sum_symbol",
]

_CLASSICAL = (1, 2, 4)


def power_sum_symbol(j: int) -> sympy.Symbol:
    """``p_j = tr Sigma^j`` (``sympy.Symbol(f"p{j}", positive=True)``)."""
    return sympy.Symbol(f"p{j}", positive=True)


def inverse_power_sum_symbol(j: int) -> sympy.Symbol:
    """``q_j = tr Sigma^{-j}`` (``sympy.Symbol(f"q{j}", positive=True)``)."""
    return sympy.Symbol(f"q{j}", positive=True)


# ---------------------------------------------------------------------------------------------
# the covariance


class _Exact:
    """An exact Hermitian matrix: rows of Fractions (real) or SymPy numbers (complex)."""

    def __init__(self, rows: list[list[Any]], complex_: bool) -> None:
        self.rows = rows
        self.complex = complex_
        self.m = len(rows)

    def sympy(self) -> sympy.Matrix:
        return sympy.Matrix([[_to_sympy(x) for x in row] for row in self.rows])


def _to_sympy(x: Any) -> Any:
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.sympify(x)


def _exact_entry(x: Any) -> tuple[Any, bool] | None:
    """``(value, is_complex)`` for an exact scalar, ``None`` for a float, else ``ValueError``."""
    if isinstance(x, bool):
        raise ValueError(f"cov entries must be numbers, got {x!r}")
    if isinstance(x, (numbers.Integral, Fraction)):
        return Fraction(x), False
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator)), False
    if isinstance(x, sympy.Basic):
        if not x.is_number:
            raise ValueError(f"cov entries must be numbers, got the expression {x}")
        if x.is_Rational:
            return Fraction(int(x.p), int(x.q)), False
        re_, im_ = x.as_real_imag()
        if re_.is_Rational and im_.is_Rational:
            if im_ == 0:
                return Fraction(int(re_.p), int(re_.q)), False
            return sympy.Rational(re_) + sympy.I * sympy.Rational(im_), True
        if x.is_Float or (re_.is_Float or im_.is_Float):
            return None
        raise ValueError(f"cov entries must be rational or floating-point numbers, got {x}")
    if isinstance(x, (float, complex, np.floating, np.complexfloating)):
        return None
    if isinstance(x, np.integer):
        return Fraction(int(x)), False
    raise ValueError(f"cov entries must be numbers, got {x!r}")


def parse_cov(obj: Any) -> sympy.Matrix | np.ndarray:
    """Validate a covariance: a Hermitian positive-definite ``m x m`` matrix.

    Nested lists, NumPy arrays or SymPy matrices. Exact entries (ints, Fractions, SymPy Rationals,
    Gaussian rationals) give an exact ``sympy.Matrix``; any float entry gives a float (or complex)
    NumPy array. ``ValueError`` names the problem: not square, empty, NaN/inf, not symmetric
    (Hermitian), not positive definite, non-numeric entries.
    """
    parsed = _parse(obj)
    return parsed.sympy() if isinstance(parsed, _Exact) else parsed


def _parse(obj: Any) -> _Exact | np.ndarray:
    if obj is None:
        raise ValueError("cov must be an m x m matrix, got None")
    if isinstance(obj, (str, bytes)):
        raise ValueError(f"cov must be an m x m matrix, got the string {obj!r}")
    if isinstance(obj, sympy.MatrixBase):
        rows = [list(obj.row(i)) for i in range(obj.rows)]
        shape = (obj.rows, obj.cols)
    else:
        if isinstance(obj, np.ndarray):
            if obj.ndim != 2:
                raise ValueError(f"cov must be a 2-dimensional m x m matrix, got shape {obj.shape}")
            if obj.dtype.kind in "fc":
                return _check_float(np.array(obj))
            rows = obj.tolist() if obj.dtype.kind in "iub" else [list(r) for r in obj]
        else:
            try:
                rows = [list(r) for r in obj]
            except TypeError:
                raise ValueError(
                    f"cov must be an m x m matrix (rows of numbers), got {obj!r}"
                ) from None
        shape = (len(rows), len(rows[0]) if rows else 0)
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError("cov must be a non-empty m x m matrix")
    for r in rows:
        if len(r) != shape[0]:
            raise ValueError(
                f"cov must be square (m x m): got a row of length {len(r)} for m = {shape[0]}"
            )
    exact: list[list[Any]] = []
    any_float = any_complex = False
    for r in rows:
        out = []
        for x in r:
            if isinstance(x, (list, tuple, np.ndarray)):
                raise ValueError("cov must be a 2-dimensional m x m matrix")
            e = _exact_entry(x)
            if e is None:
                any_float = True
                out.append(x)
            else:
                out.append(e[0])
                any_complex = any_complex or e[1]
        exact.append(out)
    if any_float:
        values = np.array(
            [
                [complex(_to_sympy(x)) if not isinstance(x, (float, complex)) else x for x in r]
                for r in exact
            ]
        )
        if np.all(values.imag == 0):
            values = values.real.astype(float)
        return _check_float(values)
    return _check_exact(_Exact(exact, any_complex))


def _check_float(a: np.ndarray) -> np.ndarray:
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"cov must be a non-empty square m x m matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("cov has NaN or infinite entries")
    if a.dtype.kind == "c" and np.all(a.imag == 0):
        a = a.real.copy()
    scale = float(np.max(np.abs(a)))
    if not np.allclose(a, a.conj().T, rtol=1e-10, atol=1e-12 * scale):
        kind = "Hermitian" if a.dtype.kind == "c" else "symmetric"
        raise ValueError(
            f"cov is not {kind}: cov - cov^* has entries up to "
            f"{float(np.max(np.abs(a - a.conj().T))):.3g}"
        )
    a = (a + a.conj().T) / 2
    smallest = float(np.linalg.eigvalsh(a)[0])
    if not smallest > 0:
        raise ValueError(f"cov is not positive definite: smallest eigenvalue {smallest:.6g}")
    return a


def _check_exact(s: _Exact) -> _Exact:
    rows = s.rows
    size = s.m
    conj = (lambda x: sympy.conjugate(x)) if s.complex else (lambda x: x)
    for i in range(size):
        for j in range(i, size):
            if sympy.simplify(_to_sympy(rows[i][j]) - conj(_to_sympy(rows[j][i]))) != 0:
                kind = "Hermitian" if s.complex else "symmetric"
                raise ValueError(
                    f"cov is not {kind}: cov[{i}][{j}] = {rows[i][j]} but cov[{j}][{i}] = "
                    f"{rows[j][i]}"
                )
    # exact LDL^*: positive definite iff every pivot (a ratio of leading minors) is > 0
    a = [[(_to_sympy(x) if s.complex else x) for x in row] for row in rows]
    for k in range(size):
        pivot = a[k][k]
        if s.complex:
            pivot = sympy.nsimplify(sympy.expand(pivot))
            pivot = sympy.re(pivot)
        if not pivot > 0:
            raise ValueError(
                f"cov is not positive definite: leading minor {k + 1} has pivot {pivot}"
            )
        for i in range(k + 1, size):
            f = a[i][k] / pivot
            for j in range(k + 1, size):
                a[i][j] = a[i][j] - f * conj(a[j][k]) if s.complex else a[i][j] - f * a[k][j]
    return s


def parse_cov_text(text: str) -> list[list[sympy.Rational]]:
    """``"2,1,0;1,3,1;0,1,1"`` -> nested lists of exact SymPy Rationals (rows split by ``;``).

    Entries may be integers, fractions ``1/3`` or decimals ``0.25`` (read exactly).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"cov must be rows of numbers like '2,1;1,3', got {text!r}")
    rows = []
    for row in text.strip().strip(";").split(";"):
        entries = []
        for item in row.split(","):
            item = item.strip()
            try:
                entries.append(sympy.Rational(item))
            except (TypeError, ValueError, SyntaxError):
                raise ValueError(
                    f"cov entry {item!r} is not a number (rows like '2,1;1,3', each entry an "
                    "exact number such as 2, 1/3 or 0.25)"
                ) from None
        rows.append(entries)
    return rows


def load_cov_file(path: str | os.PathLike[str]) -> Any:
    """Read a covariance from ``.npy`` (``numpy.save``) or ``.json`` (nested lists).

    JSON integers stay exact, strings such as ``"1/3"`` are read as exact rationals, JSON floats
    are floats. The matrix is not yet validated (pass it to :func:`parse_cov`).
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npy":
        try:
            return np.load(path, allow_pickle=False)
        except ValueError as exc:
            raise ValueError(f"cannot read {path!r} as a .npy matrix: {exc}") from None
    if ext == ".json":
        with open(path, encoding="utf-8") as fh:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ValueError(f"cannot read {path!r} as JSON: {exc}") from None
        if not isinstance(data, list):
            raise ValueError(f"{path!r} must hold a JSON list of rows")

        def entry(x: Any) -> Any:
            if isinstance(x, str):
                try:
                    return sympy.Rational(x)
                except (TypeError, ValueError, SyntaxError):
                    raise ValueError(f"cov entry {x!r} in {path!r} is not a number") from None
            return x

        return [[entry(x) for x in row] if isinstance(row, list) else row for row in data]
    raise ValueError(f"cov file must end in .npy or .json, got {path!r}")


# ---------------------------------------------------------------------------------------------
# power sums and powers of Sigma


def _frac_matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    cols = list(zip(*b, strict=True))
    return [
        [sum((x * y for x, y in zip(row, col, strict=True)), Fraction(0)) for col in cols]
        for row in a
    ]


def _frac_inverse(a: list[list[Fraction]]) -> list[list[Fraction]]:
    size = len(a)
    aug = [[*row, *[Fraction(int(i == j)) for j in range(size)]] for i, row in enumerate(a)]
    for c in range(size):
        piv = next(r for r in range(c, size) if aug[r][c] != 0)
        aug[c], aug[piv] = aug[piv], aug[c]
        pv = aug[c][c]
        aug[c] = [x / pv for x in aug[c]]
        for r in range(size):
            if r != c and aug[r][c] != 0:
                f = aug[r][c]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[c], strict=True)]
    return [row[size:] for row in aug]


class _Sigma:
    """Powers and power sums of ``Sigma`` (or of ``Sigma^{-1}``) in the arithmetic of the input."""

    def __init__(self, parsed: _Exact | np.ndarray, inverse: bool) -> None:
        self.exact = isinstance(parsed, _Exact)
        self.m = parsed.m if isinstance(parsed, _Exact) else parsed.shape[0]
        if isinstance(parsed, _Exact):
            if parsed.complex:
                base = parsed.sympy()
                self._sym = base.inv() if inverse else base
                self._frac = None
            else:
                self._frac = _frac_inverse(parsed.rows) if inverse else parsed.rows
                self._sym = None
            self._powers: dict[int, Any] = {}
            self._traces: dict[int, Any] = {0: sympy.Integer(self.m)}
        else:
            self._array = np.linalg.inv(parsed) if inverse else parsed
            self._array = (self._array + self._array.conj().T) / 2
            self._eig = np.linalg.eigvalsh(self._array)
            if inverse:
                self._eig = 1.0 / np.linalg.eigvalsh(parsed)

    def _power(self, a: int) -> Any:
        if a not in self._powers:
            if a == 0:
                size = self.m
                self._powers[0] = (
                    sympy.eye(size)
                    if self._frac is None
                    else [[Fraction(int(i == j)) for j in range(size)] for i in range(size)]
                )
            elif self._frac is None:
                self._powers[a] = self._sym**a
            else:
                half = self._power(a // 2)
                sq = _frac_matmul(half, half)
                self._powers[a] = _frac_matmul(sq, self._frac) if a % 2 else sq
        return self._powers[a]

    def trace(self, j: int) -> Any:
        """``tr Sigma^j`` (exact Fraction / SymPy, or float)."""
        if not self.exact:
            return float(np.sum(self._eig**j)) if j else float(self.m)
        if j not in self._traces:
            mat = self._power(j)
            if self._frac is None:
                self._traces[j] = sympy.re(sympy.nsimplify(sympy.expand(mat.trace())))
            else:
                self._traces[j] = sum((mat[i][i] for i in range(self.m)), Fraction(0))
        return self._traces[j]

    def matrix(self, a: int) -> sympy.Matrix:
        """``Sigma^a`` as a SymPy Matrix (exact) or a float NumPy array."""
        if not self.exact:
            return np.linalg.matrix_power(self._array, a)
        mat = self._power(a)
        return (
            mat
            if self._frac is None
            else sympy.Matrix(
                [[sympy.Rational(x.numerator, x.denominator) for x in row] for row in mat]
            )
        )


# ---------------------------------------------------------------------------------------------
# arguments


def _check_beta(beta: object, with_cov: bool) -> Any:
    """``beta`` in {1, 2, 4} with a covariance; any positive rational for ``Sigma = I``."""
    if not isinstance(beta, bool) and isinstance(beta, (numbers.Real, sympy.Basic)):
        if with_cov and beta in _CLASSICAL:
            return int(beta)  # type: ignore[call-overload]
        if not with_cov:
            try:
                value = Fraction(str(sympy.nsimplify(beta, rational=True)))
            except (TypeError, ValueError):
                value = None
            if value is not None and value > 0:
                return int(value) if value.denominator == 1 else value
    allowed = (
        "1 (real), 2 (complex) or 4 (quaternion) with a covariance"
        if with_cov
        else ("a positive number")
    )
    raise ValueError(f"beta must be {allowed}, got {beta!r}")


def _check_field(parsed: _Exact | np.ndarray, beta: int) -> None:
    """A complex (non-real Hermitian) covariance only for the complex Wishart, beta = 2."""
    is_complex = parsed.complex if isinstance(parsed, _Exact) else parsed.dtype.kind == "c"
    if is_complex and beta != 2:
        raise ValueError(
            f"a complex (Hermitian) cov needs beta=2, got beta={beta}; beta 1 and 4 take a real "
            "symmetric cov"
        )


def _check_n(n: object) -> Any:
    """``n`` as int / Fraction / float, or a SymPy expression (symbolic)."""
    if isinstance(n, bool) or n is None:
        raise ValueError(f"n must be a positive number, got {n!r}")
    if isinstance(n, sympy.Basic):
        if n.is_number:
            if n.is_Rational:
                n = Fraction(int(n.p), int(n.q))
            elif n.is_real and n.is_finite:
                n = float(n)
            else:
                raise ValueError(f"n must be a positive real number, got {n}")
        else:
            return n
    if isinstance(n, numbers.Integral):
        n = int(n)
    elif isinstance(n, numbers.Rational):
        n = Fraction(n)
    elif isinstance(n, numbers.Real):
        n = float(n)
        if not math.isfinite(n):
            raise ValueError(f"n must be a finite positive number, got {n!r}")
    else:
        raise ValueError(f"n must be a positive number or a SymPy expression, got {n!r}")
    if not n > 0:
        raise ValueError(f"n must be positive, got {n!r}")
    return n


def _check_m(m: object) -> Any:
    if isinstance(m, sympy.Basic) and not m.is_number:
        return m
    if isinstance(m, sympy.Integer):
        m = int(m)
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or int(m) < 1:
        raise ValueError(f"m must be a positive integer, got {m!r}")
    return int(m)


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, numbers.Integral) or int(power) < 0:
        raise ValueError(f"power must be a non-negative integer, got {power!r}")
    return int(power)


def _check_existence(mu: tuple[int, ...], power: int, beta: Any, n: Any, m: Any) -> None:
    """Inverse moments of total order ``k`` exist iff ``beta (n - m + 1) / 2 > k``."""
    k = sum(mu) + power
    if isinstance(n, sympy.Basic) or isinstance(m, sympy.Basic) or k == 0:
        return
    value = (
        Fraction(beta) * (Fraction(n) - m + 1) / 2
        if not isinstance(n, float)
        else (float(beta) * (n - m + 1) / 2)
    )
    if not value > k:
        raise ValueError(
            f"the inverse moment of total order {k} is infinite: it exists iff "
            f"beta (n - m + 1) / 2 > {k}, but beta={beta}, n={n}, m={m} give {float(value):.6g}"
        )


def _sympify_number(x: Any) -> Any:
    if isinstance(x, int):
        return sympy.Integer(x)
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        return sympy.Float(float(x))
    if isinstance(x, (complex, np.complexfloating)):
        return (
            sympy.Float(x.real) + sympy.I * sympy.Float(x.imag) if x.imag else sympy.Float(x.real)
        )
    return sympy.sympify(x)


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
        u = n - m_value
        if cov is not None and not sigma.exact:
            u = float(u)  # float covariance: floating-point solves
        value = stein.evaluate_terms(stein.inverse_moment_terms(mu, beta, u), traces)
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
    if cov is None:
        raise ValueError("moment_matrix needs cov (an m x m matrix)")
    parsed = _parse(cov)
    _check_field(parsed, beta)
    sigma = _Sigma(parsed, inverse)
    size = sigma.m
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
        u = n - size if sigma.exact else float(n - size)
        terms = stein.inverse_matrix_terms_at(mu, power, beta, u)
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
        return result.applyfunc(lambda x: sympy.nsimplify(sympy.expand(x)))
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


_SORT_KEY = cmp_to_key(sympy.Basic.compare)


def _polynomial_expr(terms: dict, symbol: Any) -> sympy.Expr:
    """``sum c n^e p_lam`` from ``{(e, lam): c}`` with ``symbol(j)`` for the power sums.

    The monomials (all distinct) are assembled in SymPy's canonical argument order
    (``Basic.compare``, as ``Mul.flatten`` and ``Add.flatten`` sort them) without re-flattening:
    ten times faster for thousands of terms; the tests compare it with plain SymPy arithmetic.
    """
    powers: dict[tuple[Any, int], Any] = {}

    def power(base: Any, k: int) -> Any:
        if k == 1:
            return base
        if (base, k) not in powers:
            powers[(base, k)] = sympy.Pow(base, k)
        return powers[(base, k)]

    out = []
    for (e, lam), c in terms.items():
        factors = [power(n_symbol, e)] if e else []
        factors.extend(power(symbol(j), lam.count(j)) for j in set(lam))
        factors.sort(key=_SORT_KEY)
        coeff = _sympify_number(c)
        if coeff != 1 or not factors:
            factors.insert(0, coeff)
        out.append(sympy.Mul._from_args(factors) if len(factors) > 1 else factors[0])
    if len(out) < 2:
        return sympy.Add(*out)
    out.sort(key=_SORT_KEY)  # the distinct monomials need no collecting: Add's canonical order
    return sympy.Add._from_args(out)


def _rational_expr(rt: stein.RationalTerms, keys: Iterable[Any]) -> sympy.Expr:
    u = n_symbol - m_symbol
    num = []
    for key in keys:
        poly = rt.numerators[key]
        coeff = sympy.Add(*(_sympify_number(c) * u**i for i, c in enumerate(poly) if c))
        qs = [inverse_power_sum_symbol(j) ** key[0].count(j) for j in set(key[0])]
        num.append(sympy.expand(coeff) * sympy.Mul(*qs))
    den = sympy.Mul(*((u - _sympify_number(c)) ** k for c, k in rt.roots))
    if len(rt.rest) > 1:
        den *= sympy.Add(*(_sympify_number(c) * u**i for i, c in enumerate(rt.rest)))
    return sympy.Add(*num) / den


def _moment_expression_cov_core(
    parts: Iterable[int], *, beta: Any = 1, inverse: bool = False, power: int = 0
) -> sympy.Expr | dict[int, sympy.Expr]:
    """Implementation of :func:`moment_expression_cov` (parts without zeros)."""
    mu = stein.normalize_parts(parts)
    power = _check_power(power)
    beta = _check_beta(beta, True)
    if not inverse:
        if power == 0:
            return _polynomial_expr(stein.moment_terms_cov(mu, beta), power_sum_symbol)
        by_power: dict[int, dict] = {}
        for (e, lam, a), c in stein.matrix_moment_terms(mu, power, beta).items():
            by_power.setdefault(a, {})[(e, lam)] = c
        return {a: _polynomial_expr(t, power_sum_symbol) for a, t in sorted(by_power.items())}
    if not mu and power == 0:
        return sympy.Integer(1)
    rt = stein.inverse_matrix_terms(mu, power, beta)
    if power == 0:
        return _rational_expr(rt, sorted(rt.numerators))
    keys_by_power: dict[int, list] = {}
    for key in sorted(rt.numerators):
        keys_by_power.setdefault(key[1], []).append(key)
    return {a: _rational_expr(rt, keys) for a, keys in sorted(keys_by_power.items())}


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
    float input, an expression for symbolic ``n`` (or ``m`` with ``cov=None``). With a covariance
    ``beta`` is 1, 2 or 4; for ``Sigma = I`` any ``beta > 0`` (the beta-Laguerre ensemble).
    A part 0 is ``tr W^0 = m``; an int ``parts`` is a single trace.
    """
    mu, zeros = _split_parts(parts)
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
    cov: Any,
    beta: Any = 1,
    inverse: bool = False,
) -> sympy.Matrix:
    """The ``m x m`` matrix ``E[prod_i tr(W^{parts_i}) W^power]`` (``W^{-1}`` if ``inverse``).

    ``= sum_{lam, a} c_{lam, a} p_lam(Sigma) Sigma^a`` (``q_lam(Sigma) Sigma^{-a}``); ``parts``
    may be empty (``E W^power``). Exact SymPy entries for exact input, Floats for float input.
    """
    mu, zeros = _split_parts(parts)
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
    value = _moment_expression_cov_core(mu, beta=beta, inverse=inverse, power=power)
    if not zeros:
        return value
    factor = m_symbol**zeros
    if isinstance(value, dict):
        return {a: factor * expr for a, expr in value.items()}
    return factor * value
