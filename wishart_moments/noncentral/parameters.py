"""The parameters of a noncentral Wishart, validated: ``Omega`` (or the mean ``M``) and ``Sigma``.

Exact entries (ints, Fractions, SymPy Rationals, Gaussian rationals such as ``1 + 2*I``) give
exact matrices (:class:`~.words.ExactMatrix`, :class:`~.words.ExactComplexMatrix`); any float
(or a float NumPy array, complex too) gives a NumPy array. Every failure is a ``ValueError``
naming the problem.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .words import ExactComplexMatrix, ExactMatrix, Gaussian

__all__ = ["adjoint", "omega_from_mean", "parse_matrix", "parse_omega", "parse_sigma", "shape"]

Matrix = Any  # ExactMatrix | ExactComplexMatrix | np.ndarray


def _entry(x: Any, name: str) -> Fraction | Gaussian | None:
    """An exact scalar as ``Fraction`` / ``Gaussian``; ``None`` for a float; else raise."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes)):
        raise ValueError(f"{name} entries must be numbers, got {x!r}")
    if isinstance(x, (numbers.Integral, Fraction, np.integer)):
        return Fraction(int(x)) if not isinstance(x, Fraction) else x
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, sympy.Basic):
        if not x.is_number:
            raise ValueError(f"{name} entries must be numbers, got the expression {x}")
        if x.is_Rational:
            return Fraction(int(x.p), int(x.q))
        re_, im_ = (sympy.nsimplify(v) if v.is_Float is False else v for v in x.as_real_imag())
        if re_.is_Rational and im_.is_Rational:
            g = Gaussian(Fraction(int(re_.p), int(re_.q)), Fraction(int(im_.p), int(im_.q)))
            return g.re if g.im == 0 else g
        if re_.is_Float or im_.is_Float:
            return None
        raise ValueError(f"{name} entries must be rational or floating-point numbers, got {x}")
    if isinstance(x, (float, complex, np.floating, np.complexfloating)):
        return None
    raise ValueError(f"{name} entries must be numbers, got {x!r}")


def _rows(obj: Any, name: str) -> tuple[list[list[Any]], np.ndarray | None]:
    """Rows of ``obj`` (lists, NumPy array, SymPy Matrix), or a float NumPy array as such."""
    if obj is None or isinstance(obj, (str, bytes)):
        raise ValueError(f"{name} must be a matrix, got {obj!r}")
    if isinstance(obj, sympy.MatrixBase):
        return [list(obj.row(i)) for i in range(obj.rows)], None
    if isinstance(obj, np.ndarray):
        if obj.ndim != 2:
            raise ValueError(f"{name} must be a 2-dimensional matrix, got shape {obj.shape}")
        if obj.dtype.kind in "fc":
            return [], obj
        return obj.tolist(), None
    try:
        rows = [list(r) for r in obj]
    except TypeError:
        raise ValueError(f"{name} must be a matrix (rows of numbers), got {obj!r}") from None
    for r in rows:
        for x in r:
            if isinstance(x, (list, tuple, np.ndarray)):
                raise ValueError(f"{name} must be a 2-dimensional matrix")
    return rows, None


def parse_matrix(obj: Any, name: str, beta: int) -> Matrix:
    """A finite (not yet checked Hermitian) matrix, exact or float; complex only for beta 2."""
    rows, array = _rows(obj, name)
    if array is None:
        if not rows or not rows[0]:
            raise ValueError(f"{name} must be a non-empty matrix")
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise ValueError(f"{name} has rows of lengths {[len(r) for r in rows]}")
        exact = [[_entry(x, name) for x in r] for r in rows]
        if any(x is None for r in exact for x in r):
            array = np.array([[complex(sympy.sympify(x)) for x in r] for r in rows])
        else:
            is_complex = any(isinstance(x, Gaussian) for r in exact for x in r)
            if is_complex and beta != 2:
                raise ValueError(f"a complex {name} needs beta=2, got beta={beta}")
            if not is_complex:
                return ExactMatrix([[Fraction(x) for x in r] for r in exact])  # type: ignore[arg-type]
            g = [[x if isinstance(x, Gaussian) else Gaussian(x) for x in r] for r in exact]
            return ExactComplexMatrix(
                [[x.re for x in r] for r in g], [[x.im for x in r] for r in g]
            )
    array = np.asarray(array)
    if array.size == 0:
        raise ValueError(f"{name} must be a non-empty matrix")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has NaN or infinite entries")
    if array.dtype.kind == "c":
        if np.all(array.imag == 0):
            array = array.real
        elif beta != 2:
            raise ValueError(f"a complex {name} needs beta=2, got beta={beta}")
    return np.array(array, dtype=complex if array.dtype.kind == "c" else float)


def shape(a: Matrix) -> tuple[int, int]:
    if isinstance(a, np.ndarray):
        return a.shape  # type: ignore[return-value]
    rows = a.rows if isinstance(a, ExactMatrix) else a.re
    return len(rows), len(rows[0])


def adjoint(a: Matrix) -> Matrix:
    """``a^*``."""
    if isinstance(a, np.ndarray):
        return a.conj().T
    if isinstance(a, ExactMatrix):
        return ExactMatrix([list(c) for c in zip(*a.rows, strict=True)])
    return ExactComplexMatrix(
        [list(c) for c in zip(*a.re, strict=True)],
        [[-x for x in c] for c in zip(*a.im, strict=True)],
    )


def _entries(a: Matrix) -> list[list[Any]]:
    if isinstance(a, ExactMatrix):
        return a.rows
    return [
        [Gaussian(x, y) for x, y in zip(r, s, strict=True)] for r, s in zip(a.re, a.im, strict=True)
    ]


def _conj(x: Any) -> Any:
    return Gaussian(x.re, -x.im) if isinstance(x, Gaussian) else x


def _check_hermitian(a: Matrix, name: str, beta: int) -> Matrix:
    kind = "Hermitian" if beta == 2 else "symmetric"
    size, width = shape(a)
    if size != width:
        raise ValueError(f"{name} must be square (m x m), got {size} x {width}")
    if isinstance(a, np.ndarray):
        scale = float(np.max(np.abs(a))) or 1.0
        gap = float(np.max(np.abs(a - a.conj().T)))
        if gap > 1e-10 * scale:
            raise ValueError(f"{name} is not {kind}: {name} - {name}^* has entries up to {gap:.3g}")
        return (a + a.conj().T) / 2
    e = _entries(a)
    for i in range(size):
        for j in range(i, size):
            if e[i][j] != _conj(e[j][i]):
                raise ValueError(
                    f"{name} is not {kind}: {name}[{i}][{j}] = {e[i][j]} but "
                    f"{name}[{j}][{i}] = {e[j][i]}"
                )
    return a


def _smallest_pivot(a: Matrix) -> tuple[Fraction, bool]:
    """Exact ``LDL^*`` with diagonal pivoting: ``(last pivot examined, positive semidefinite)``;
    a zero pivot needs its whole remaining row to vanish."""
    e = [row[:] for row in _entries(a)]
    free = list(range(len(e)))
    pivot: Any = Fraction(0)
    while free:
        k = max(free, key=lambda i: e[i][i].re if isinstance(e[i][i], Gaussian) else e[i][i])
        d = e[k][k]
        pivot = d.re if isinstance(d, Gaussian) else d
        if pivot < 0:
            return pivot, False
        free.remove(k)
        if pivot == 0:
            ok = all(e[i][j] == 0 for i in [k, *free] for j in free)
            if not ok:
                return pivot, False
            continue
        for i in free:
            f = e[i][k] * (1 / pivot)
            for j in free:
                e[i][j] = e[i][j] - f * _conj(e[j][k])
    return pivot, True


def parse_sigma(obj: Any, beta: int) -> Matrix:
    """``Sigma``: Hermitian (real symmetric for beta 1) positive definite."""
    a = _check_hermitian(parse_matrix(obj, "cov", beta), "cov", beta)
    if isinstance(a, np.ndarray):
        low = float(np.linalg.eigvalsh(a)[0])
        if not low > 0:
            raise ValueError(f"cov is not positive definite: smallest eigenvalue {low:.6g}")
        return a
    pivot, ok = _smallest_pivot(a)
    if not ok or pivot == 0:
        raise ValueError("cov is not positive definite (an exact pivot of its LDL^* is <= 0)")
    return a


def parse_omega(obj: Any, beta: int) -> Matrix:
    """``Omega = M M^*``: Hermitian (real symmetric for beta 1) positive semidefinite."""
    a = _check_hermitian(parse_matrix(obj, "omega", beta), "omega", beta)
    if isinstance(a, np.ndarray):
        eig = np.linalg.eigvalsh(a)
        scale = max(float(np.max(np.abs(eig))), 1e-300)
        if eig[0] < -1e-10 * scale:
            raise ValueError(
                f"omega is not positive semidefinite: smallest eigenvalue {float(eig[0]):.6g}"
            )
        return a
    pivot, ok = _smallest_pivot(a)
    if not ok:
        raise ValueError(
            f"omega is not positive semidefinite (an exact pivot of its LDL^* is {pivot})"
        )
    return a


def omega_from_mean(obj: Any, beta: int) -> Matrix:
    """``M M^*`` for an ``m x n`` mean ``M``."""
    a = parse_matrix(obj, "mean", beta)
    if isinstance(a, np.ndarray):
        return a @ a.conj().T
    return a @ adjoint(a)
