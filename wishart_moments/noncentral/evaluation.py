"""Numbers for the noncentral moments: the parameters as one arithmetic, and the sums of terms.

:class:`Setting` validates ``Omega`` (or the mean) and ``Sigma`` (default ``I``) and holds them as
exact matrices (Fractions; pairs of Fractions for Gaussian rationals) or NumPy arrays, with the
memoised word values of :class:`~.words.WordValues`; :func:`sum_terms` turns engine terms
``{(closed, open): {e: c}}`` into a number (or a polynomial in a symbolic ``n``) per open word,
and :func:`assemble` into the SymPy number or matrix that the API returns.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from . import wick
from .parameters import omega_from_mean, parse_matrix, parse_omega, parse_sigma, shape
from .words import ExactComplexMatrix, ExactMatrix, Gaussian, WordValues

__all__ = ["Setting", "assemble", "numeric_terms", "sum_terms", "to_sympy"]


class Setting:
    """``Omega`` and ``Sigma`` validated, as one kind of arithmetic (exact or float)."""

    def __init__(self, mean: Any, omega: Any, cov: Any, beta: int, n: Any) -> None:
        if (mean is None) == (omega is None):
            raise ValueError("give either mean (the m x n mean M) or omega (M M^*), not both")
        if mean is not None:
            if not isinstance(n, int) and not (isinstance(n, Fraction) and n.denominator == 1):
                raise ValueError(
                    f"a mean M (m x n) needs an integer n, got n={n!r}; give omega = M M^* instead"
                )
            cols = shape(_as_matrix(mean, beta))[1]
            if cols != int(n):
                raise ValueError(f"mean has {cols} columns but n={n}: M is m x n")
            self.omega = omega_from_mean(mean, beta)
        else:
            self.omega = parse_omega(omega, beta)
        self.m = shape(self.omega)[0]
        self.scalar: Any = None  # Sigma = scalar * I
        if cov is None:
            self.scalar = 1
            self.sigma = None
        else:
            self.sigma = parse_sigma(cov, beta)
            if shape(self.sigma)[0] != self.m:
                raise ValueError(
                    f"cov is {shape(self.sigma)[0]} x {shape(self.sigma)[0]} but omega is "
                    f"{self.m} x {self.m}"
                )
            self.scalar = _scalar_multiple(self.sigma)
        self.numeric = isinstance(self.omega, np.ndarray) or isinstance(self.sigma, np.ndarray)
        if not self.numeric and self.sigma is not None:
            if isinstance(self.omega, ExactComplexMatrix) != isinstance(
                self.sigma, ExactComplexMatrix
            ):
                self.omega, self.sigma = _complex(self.omega), _complex(self.sigma)
        if self.numeric:
            self.omega = _to_array(self.omega)
            if self.sigma is not None:
                self.sigma = _to_array(self.sigma)
            if self.scalar is not None:
                self.scalar = float(self.scalar)
        sigma = self.sigma
        if sigma is None:
            sigma = np.eye(self.m) if self.numeric else _identity(self.m)
            if isinstance(self.omega, ExactComplexMatrix):
                sigma = _complex(sigma)
        self.values = WordValues(sigma, self.omega, self.m)

    @property
    def identity(self) -> bool:
        return self.scalar is not None

    def to_float(self) -> None:
        """Evaluate in floating point from now on (exact matrices, float ``n``)."""
        if not self.numeric:
            self.omega = _to_array(self.omega)
            sigma = np.eye(self.m) if self.sigma is None else _to_array(self.sigma)
            self.values = WordValues(sigma, self.omega, self.m)
            self.numeric = True


def _as_matrix(obj: Any, beta: int) -> Any:
    return parse_matrix(obj, "mean", beta)


def _identity(m: int) -> ExactMatrix:
    return ExactMatrix([[Fraction(int(i == j)) for j in range(m)] for i in range(m)])


def _complex(a: Any) -> ExactComplexMatrix:
    if isinstance(a, ExactComplexMatrix):
        return a
    return ExactComplexMatrix(a.rows, [[Fraction(0)] * len(r) for r in a.rows])


def _to_array(a: Any) -> np.ndarray:
    if isinstance(a, np.ndarray):
        return a
    if isinstance(a, ExactMatrix):
        return np.array([[float(x) for x in r] for r in a.rows])
    return np.array(a.re, dtype=float) + 1j * np.array(a.im, dtype=float)


def _scalar_multiple(sigma: Any) -> Any:
    """``c`` if ``sigma = c I``, else ``None``."""
    if isinstance(sigma, np.ndarray):
        c = sigma[0, 0]
        return float(c.real) if np.array_equal(sigma, c * np.eye(len(sigma))) else None
    if isinstance(sigma, ExactComplexMatrix):
        if any(x for r in sigma.im for x in r):
            return None
        rows = sigma.re
    else:
        rows = sigma.rows
    c = rows[0][0]
    ok = all(rows[i][j] == (c if i == j else 0) for i in range(len(rows)) for j in range(len(rows)))
    return c if ok else None


def to_sympy(x: Any) -> Any:
    if isinstance(x, Gaussian):
        return x.sympy() if x.im else sympy.Rational(x.re)
    if isinstance(x, (int, Fraction)):
        return sympy.Rational(x)
    if isinstance(x, (complex, np.complexfloating)):
        x = complex(x)
        return (
            sympy.Float(x.real) + sympy.I * sympy.Float(x.imag) if x.imag else sympy.Float(x.real)
        )
    if isinstance(x, (float, np.floating)):
        return sympy.Float(float(x))
    return sympy.sympify(x)


def sum_terms(terms: dict, setting: Setting, n: Any, power: int, degree: int) -> Any:
    """``sum c n^e prod tr(closed) open``: a number (or a polynomial in a symbolic ``n``), or a
    matrix (``power > 0``) as ``{open word: value}`` then assembled."""
    values = setting.values
    scale = setting.scalar if setting.identity else None
    symbolic = isinstance(n, sympy.Basic)
    by_open: dict[str, dict[int, Any]] = {}
    for (closed, word), poly in terms.items():
        value = values.product(closed)
        if scale is not None and scale != 1:
            omegas = word.count("O") + sum(w.count("O") for w in closed)
            value = value * scale ** (degree - omegas)
        target = by_open.setdefault(word, {})
        if symbolic:
            for e, c in poly.items():
                target[e] = target.get(e, 0) + c * value
        else:
            coeff = sum(c * n**e for e, c in poly.items())
            target[0] = target.get(0, 0) + coeff * value
    out: dict[str, Any] = {}
    for word, poly in by_open.items():
        if symbolic:
            out[word] = sympy.Add(*(to_sympy(c) * n**e for e, c in poly.items()))
        else:
            out[word] = poly[0]
    return out


def assemble(by_open: dict[str, Any], setting: Setting, power: int) -> Any:
    if not power:
        value = by_open.get("", 0)
        if isinstance(value, Gaussian) and value.im == 0:
            value = value.re
        if isinstance(value, complex):
            value = value.real
        return sympy.expand(to_sympy(value))
    size = setting.m
    result = sympy.zeros(size, size)
    numeric_total: Any = None
    for word, coeff in by_open.items():
        mat = setting.values.matrix(word) if word else None
        if setting.numeric and not isinstance(coeff, sympy.Basic):
            part = coeff * (np.eye(size) if mat is None else mat)
            numeric_total = part if numeric_total is None else numeric_total + part
            continue
        entries = _matrix_entries(mat, size)
        c = to_sympy(coeff)
        result += sympy.Matrix(size, size, [sympy.expand(c * x) for x in entries])
    if numeric_total is not None:
        numeric_total = (numeric_total + numeric_total.conj().T) / 2
        result += sympy.Matrix(size, size, [to_sympy(x) for x in numeric_total.ravel()])
    return result


def _matrix_entries(mat: Any, size: int) -> list[Any]:
    if mat is None:
        return [sympy.Integer(int(i == j)) for i in range(size) for j in range(size)]
    if isinstance(mat, np.ndarray):
        return [to_sympy(x) for x in mat.ravel()]
    if isinstance(mat, ExactMatrix):
        return [sympy.Rational(x) for r in mat.rows for x in r]
    return [
        to_sympy(Gaussian(x, y))
        for r, s in zip(mat.re, mat.im, strict=True)
        for x, y in zip(r, s, strict=True)
    ]


def numeric_terms(mu: tuple[int, ...], power: int, beta: int, n: float) -> dict:
    """Float path: the kernel with ``n`` multiplied in (every ``e`` is 0)."""
    from ..kernels import noncentral as kernel

    hi = wick._pack([(0, k) for k in mu])
    his, los, _es, cs = kernel.expand_at(
        np.int64(hi), np.int64(1 << power), sum(mu) + power, beta == 1, False, float(n)
    )
    out: dict = {}
    for h, lo, c in zip(his.tolist(), los.tolist(), cs.tolist(), strict=True):
        out[(wick._closed(h), wick._word(lo))] = {0: c}
    return out
