"""Inverse moments ``E[p_mu(W^{-1}) W^{-r}]`` at a given ``u = n - m``: one exact linear solve
``((n - m) I - K) N_r = N_{r-1} Lambda`` per step.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from fractions import Fraction
from functools import cache
from typing import Any

from .._parts import partitions_of as _partitions
from .arguments import (
    Partition,
    _add_part,
    _check_power,
    _removals,
    alpha_of,
    normalize_parts,
)

# ---------------------------------------------------------------------------------------------
# inverse moments E[p_mu(W^{-1}) W^{-r}]


@cache
def _inverse_space(d: int, alpha: Fraction) -> tuple[tuple, dict, tuple]:
    """Basis ``(lam, a)`` (``a >= 1``, ``|lam| + a = d``), its index and the columns of ``K``."""
    basis = tuple((lam, a) for a in range(d, 0, -1) for lam in _partitions(d - a))
    index = {key: i for i, key in enumerate(basis)}
    columns = []
    for lam, a in basis:
        col: dict[int, Fraction] = {}
        if a and alpha != 1:
            col[index[(lam, a)]] = a * (alpha - 1)
        for s in range(1, a):
            i = index[(_add_part(lam, s), a - s)]
            col[i] = col.get(i, Fraction(0)) + 1
        for j, mult, rest in _removals(lam):
            i = index[(rest, a + j)]
            col[i] = col.get(i, Fraction(0)) + alpha * j * mult
        columns.append(tuple((i, c) for i, c in col.items() if c))
    return basis, index, tuple(columns)


def _solve(a: list[list[Any]], b: list[Any]) -> tuple[list[Any], Any]:
    """Solve ``a x = b`` by Gaussian elimination (partial pivoting); also return ``det a``."""
    size = len(b)
    a = [row[:] for row in a]
    b = b[:]
    det: Any = 1
    for col in range(size):
        piv = max(range(col, size), key=lambda r: abs(a[r][col]))
        if a[piv][col] == 0:
            return [], 0
        if piv != col:
            a[col], a[piv] = a[piv], a[col]
            b[col], b[piv] = b[piv], b[col]
            det = -det
        pivot = a[col][col]
        det = det * pivot
        row_c = a[col]
        for r in range(col + 1, size):
            f = a[r][col]
            if f:
                f = f / pivot
                row_r = a[r]
                for k in range(col, size):
                    if row_c[k]:
                        row_r[k] = row_r[k] - f * row_c[k]
                b[r] = b[r] - f * b[col]
    x: list[Any] = [0] * size
    for r in range(size - 1, -1, -1):
        s = b[r]
        row = a[r]
        for k in range(r + 1, size):
            if row[k]:
                s = s - row[k] * x[k]
        x[r] = s / row[r]
    return x, det


def _bareiss_solve(a: list[list[int]], b: list[int]) -> tuple[list[Fraction], int]:
    """Exact solve of the integer system ``a x = b`` (fraction-free Bareiss); also ``det a``."""
    size = len(b)
    rows = [[*row, b[i]] for i, row in enumerate(a)]
    prev, sign = 1, 1
    for k in range(size):
        if rows[k][k] == 0:
            piv = next((r for r in range(k + 1, size) if rows[r][k]), None)
            if piv is None:
                return [], 0
            rows[k], rows[piv] = rows[piv], rows[k]
            sign = -sign
        rk = rows[k]
        akk = rk[k]
        for i in range(k + 1, size):
            ri = rows[i]
            aik = ri[k]
            if aik:
                for j in range(k + 1, size + 1):
                    ri[j] = (akk * ri[j] - aik * rk[j]) // prev
            else:
                for j in range(k + 1, size + 1):
                    ri[j] = (akk * ri[j]) // prev
            ri[k] = 0
        prev = akk
    x = [Fraction(0)] * size
    for r in range(size - 1, -1, -1):
        row = rows[r]
        s = Fraction(row[size])
        for c in range(r + 1, size):
            if row[c]:
                s -= row[c] * x[c]
        x[r] = s / row[r]
    return x, sign * rows[size - 1][size - 1]


def _inverse_step(terms: dict, d: int, alpha: Fraction, u: Any) -> tuple[dict, Any]:
    """Solve ``(u I - K) X = terms * Lambda`` in degree ``d``; return ``(X, det(u I - K))``.

    Exact ``u``: the system is scaled to integers and solved fraction-free; float ``u``: NumPy.
    """
    basis, index, columns = _inverse_space(d, alpha)
    size = len(basis)
    if isinstance(u, float):
        import numpy as np

        mat = np.zeros((size, size))
        for j, col in enumerate(columns):
            for i, c in col:
                mat[i, j] = -float(c)
        mat[np.diag_indices(size)] += u
        rhs = np.zeros(size)
        for (lam, a), c in terms.items():
            rhs[index[(lam, a + 1)]] += c
        det = float(np.linalg.det(mat))
        if det == 0:
            raise ZeroDivisionError(f"n - m = {u} is a pole of the inverse moments of degree {d}")
        x = np.linalg.solve(mat, rhs)
        return {basis[i]: float(v) for i, v in enumerate(x) if v}, det
    u = Fraction(u)
    scale = alpha.denominator * u.denominator  # scale * (u I - K) is an integer matrix
    imat = [[0] * size for _ in range(size)]
    for j, col in enumerate(columns):
        for i, c in col:
            imat[i][j] = -int(c * scale)
    for i in range(size):
        imat[i][i] += int(u * scale)
    rhs_frac = [Fraction(0)] * size
    for (lam, a), c in terms.items():
        rhs_frac[index[(lam, a + 1)]] += c
    common = 1
    for c in rhs_frac:
        common = common * c.denominator // math.gcd(common, c.denominator)
    rhs = [int(c * common) * scale for c in rhs_frac]
    x, det = _bareiss_solve(imat, rhs)
    if det == 0:
        raise ZeroDivisionError(f"n - m = {u} is a pole of the inverse moments of degree {d}")
    return {basis[i]: v / common for i, v in enumerate(x) if v}, Fraction(det, scale**size)


def _inverse_chain(mu: Partition, power: int, alpha: Fraction, u: Any) -> tuple[dict, Any]:
    """``N_power(mu)`` at ``u = n - m`` as ``{(lam, a): c}`` and the product of the step dets."""
    dets: Any = 1
    scalar: dict[Partition, Any] = {(): 1}
    done = 0
    for k in reversed(mu):  # smallest part first
        mat = {(lam, 0): c for lam, c in scalar.items()}
        for step in range(1, k + 1):
            mat, det = _inverse_step(mat, done + step, alpha, u)
            dets = dets * det
        done += k
        scalar = {}
        for (lam, a), c in mat.items():
            key = _add_part(lam, a)
            scalar[key] = scalar.get(key, 0) + c
    mat = {(lam, 0): c for lam, c in scalar.items()}
    for step in range(1, power + 1):
        mat, det = _inverse_step(mat, done + step, alpha, u)
        dets = dets * det
    return mat, dets


def _as_number(u: Any) -> Any:
    if isinstance(u, bool):
        raise ValueError(f"n - m must be a number, got {u!r}")
    if isinstance(u, numbers.Rational):
        return Fraction(u)
    if isinstance(u, (float, numbers.Real)):
        return float(u)
    raise ValueError(f"n - m must be a real number, got {u!r}")


def inverse_matrix_terms_at(
    parts: Iterable[int], power: int, beta: object, u: Any
) -> dict[tuple[Partition, int], Any]:
    """``E[p_mu(W^{-1}) W^{-power}] = sum c q_lam Lambda^a`` at ``u = n - m`` as ``{(lam, a): c}``.

    Exact for rational ``u``, floating point for float ``u``. The existence condition
    ``beta (u + 1) / 2 > |mu| + power`` is the caller's to check (the formula is its analytic
    continuation elsewhere). ``power = 0``: keys ``(lam, 0)`` (the scalar moment times ``I``).
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    alpha = alpha_of(beta)
    mat, _ = _inverse_chain(mu, power, alpha, _as_number(u))
    return mat


def inverse_moment_terms(parts: Iterable[int], beta: object, u: Any) -> dict[Partition, Any]:
    """``E prod_i tr(W^{-parts_i}) = sum c q_lam`` at ``u = n - m`` as ``{lam: c}``."""
    mat = inverse_matrix_terms_at(parts, 0, beta, u)
    return {lam: c for (lam, _a), c in mat.items()}
