"""The covariance ``Sigma`` as the user gives it: parsed and validated (symmetric or Hermitian,
positive definite), exact (SymPy) or float (NumPy); from command-line text or a file.
"""

from __future__ import annotations

import json
import numbers
import os
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

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
            data = np.load(path, allow_pickle=False)
        except (ValueError, EOFError) as exc:  # EOFError: an empty file
            raise ValueError(f"cannot read {path!r} as a .npy matrix: {exc}") from None
        if data.ndim != 2:
            raise ValueError(f"{path!r} must hold an m x m matrix, got shape {data.shape}")
        return data
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
