"""Exact arithmetic on a parsed ``Sigma``: its power sums ``tr Sigma^j`` and powers ``Sigma^a``
(also of ``Sigma^{-1}``), cached.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .parsing import (
    _Exact,
)

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
                self._traces[j] = sympy.re(sympy.expand(mat.trace()))
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
