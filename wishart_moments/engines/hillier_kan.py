"""The whole coefficient matrices ``C_k``, ``H_k``, ``D_k`` of Hillier and Kan, exact, any beta.

``W ~ W_m^beta(n, Sigma)``, ``alpha = 2/beta``. ``Q_k(W)`` lists the matrices ``W^r p_lam(W)``
(``p_j = tr W^j``) with ``r >= 1`` and ``r + |lam| = k``, grouped by ``r = k, k-1, ..., 1`` and,
within a group, the partitions ``lam`` in reverse lexicographic order (wishmom's order);
``Qbar_k`` appends the scalars ``p_lam(W) I`` with ``|lam| = k`` (``r = 0``). Then, exactly,

    E Q_k(W) = C_k(n) Q_k(Sigma),           E p(W) = H_k(n) p(Sigma)     (p = (p_lam), |lam| = k),
    E Q_k(W^{-1}) = Ct_k Q_k(Sigma^{-1}),   E p(W^{-1}) = Ht_k p(Sigma^{-1}),

``C_k``, ``H_k`` polynomial in ``n``, ``Ct_k``, ``Ht_k`` rational in ``nt = n - m + 1 - alpha``.
The W-side Stein identity, for ``F = W^r p_y(W)``,

    Sigma^{-1} E[W F] = (n + (alpha - 1) r) E[F] + sum_{t=1}^{r} E[W^{r-t} p_{y + t}]
                        + alpha sum_{parts j of y} j E[W^{r+j} p_{y - j}]

(the last sum counts each occurrence of ``j``) is ``Sigma^{-1} E Q_{k+1} = (n I + D_k) E Qbar_k``
with a constant matrix ``D_k`` of size ``dim Qbar_k`` whose row ``i`` is ``W`` times column ``i``.
Hence (all exact; the tests check them against the Stein and Jack engines)

    C_{k+1} = (n I + D_k) diag(C_k, H_k),           C_1 = H_1 = n,
    Ct_{k+1} = (nt I - D_k)^{-1} diag(Ct_k, Ht_k),  Ct_1 = Ht_1 = 1/nt,

and ``H_k`` (``Ht_k``) is ``C_k`` (``Ct_k``) traced: row ``lam`` is row ``(lam_1, lam - lam_1)``
with column ``(s, z)`` moved to the partition ``z + s`` (``tr Sigma^s p_z = p_{z + s}``). The
inverses of ``Ct_k``, ``Ht_k`` are polynomial in ``nt`` (wishmom's ``qkn_coeff``, ``iwish_ps``):
``Ct_{k+1}^{-1} = (nt I - D_k) diag(Ct_k^{-1}, Ht_k^{-1})``, ``Ht_k^{-1} = D21 Ct_k^{-1} D12 /
(k alpha)`` with the off-diagonal blocks of ``D_k``; both are ``nt^k I + (lower powers)``.

``Ct_k``, ``Ht_k`` come as numerators over one denominator, ``den_k(nt) = lcm over kappa |- k of
prod_{(i, j) in kappa} (nt + (i - 1) - alpha (j - 1))`` (the generalised Pochhammer factors of the
inverse Jack expectations; wishmom's ``denpoly``): the numerators, of degree ``deg den_k - k``,
are interpolated through exact values of the recursion at integers beyond every pole (integer
matrices over one integer denominator, fraction-free solves) and checked at two more points.

Matrices here are NumPy object arrays of Python ints over one integer denominator: ``(a, d)``
means ``a / d``; a polynomial matrix has the powers on its last axis, constant first.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import gcd, lcm

import numpy as np

from ._parts import partitions_of

Partition = tuple[int, ...]
Key = tuple[int, Partition]  # (r, lam): W^r p_lam(W)
Scaled = tuple[np.ndarray, int]  # integer array over a positive integer denominator

__all__ = [
    "c_index",
    "d_index",
    "d_matrix",
    "denominator",
    "forward_matrices",
    "interpolate",
    "inverse_matrices",
    "inverse_polynomial_matrices",
]


@cache
def c_index(k: int) -> tuple[Key, ...]:
    """Rows and columns of ``C_k``: ``(r, lam)`` for ``W^r p_lam``, ``r = k..1``, revlex."""
    return tuple((r, lam) for r in range(k, 0, -1) for lam in partitions_of(k - r))


@cache
def d_index(k: int) -> tuple[Key, ...]:
    """Columns of ``D_k`` (``Qbar_k``: ``r = k..0``); row ``i`` of ``D_k`` is ``W`` times column
    ``i``, i.e. ``c_index(k + 1)[i]``."""
    return tuple((r, lam) for r in range(k, -1, -1) for lam in partitions_of(k - r))


def _add_part(lam: Partition, s: int) -> Partition:
    return tuple(sorted((*lam, s), reverse=True))


def _remove_part(lam: Partition, j: int) -> Partition:
    i = lam.index(j)
    return lam[:i] + lam[i + 1 :]


@cache
def d_matrix(k: int, alpha: Fraction) -> tuple[tuple[tuple[int, Fraction], ...], ...]:
    """``D_k`` as sparse rows ``((column, value), ...)`` in the order of :func:`d_index`."""
    cols = d_index(k)
    where = {key: i for i, key in enumerate(cols)}
    rows = []
    for r, y in cols:
        row: dict[int, Fraction] = {}
        entries = [((r, y), (alpha - 1) * r)]
        entries += [((r - t, _add_part(y, t)), Fraction(1)) for t in range(1, r + 1)]
        entries += [((r + j, _remove_part(y, j)), alpha * j * y.count(j)) for j in set(y)]
        for key, value in entries:
            i = where[key]
            row[i] = row.get(i, Fraction(0)) + value
        rows.append(tuple((i, v) for i, v in sorted(row.items()) if v))
    return tuple(rows)


def _d_integer(k: int, alpha: Fraction) -> list[list[tuple[int, int]]]:
    """``denominator(alpha) * D_k`` as sparse integer rows."""
    v = alpha.denominator
    return [[(i, int(x * v)) for i, x in row] for row in d_matrix(k, alpha)]


@cache
def _trace_map(k: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(rows, target)``: ``H_k`` row ``lam`` is ``C_k`` row ``rows[lam]`` with column ``c`` added
    into column ``target[c]`` (``(s, z) -> z + s``)."""
    where_c = {key: i for i, key in enumerate(c_index(k))}
    where_h = {lam: i for i, lam in enumerate(partitions_of(k))}
    rows = tuple(where_c[(lam[0], lam[1:])] for lam in partitions_of(k))
    target = tuple(where_h[_add_part(z, s)] for s, z in c_index(k))
    return rows, target


def _traced(a: np.ndarray, k: int) -> np.ndarray:
    """Columns of ``a`` (indexed by ``c_index(k)``) summed into the partitions of ``k``."""
    _, target = _trace_map(k)
    out = np.zeros((a.shape[0], len(partitions_of(k)), *a.shape[2:]), dtype=object)
    for c, h in enumerate(target):
        out[:, h] += a[:, c]
    return out


def _block_diag(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros((a.shape[0] + b.shape[0], a.shape[1] + b.shape[1], *a.shape[2:]), dtype=object)
    out[: a.shape[0], : a.shape[1]] = a
    out[a.shape[0] :, a.shape[1] :] = b
    return out


def _reduce(a: np.ndarray, d: int) -> Scaled:
    g = d
    for x in a.flat:
        if g == 1:
            break
        g = gcd(g, x)
    return (a // g, d // g) if g > 1 else (a, d)


# ---------------------------------------------------------------------------------------------
# polynomial matrices: C_k, H_k in n; Ct_k^{-1}, Ht_k^{-1} in nt


def _step(bar: np.ndarray, drows: list[list[tuple[int, int]]], v: int, sign: int) -> np.ndarray:
    """``(v x I + sign v D) bar`` for a polynomial matrix ``bar`` (powers of ``x`` last)."""
    out = np.zeros((bar.shape[0], bar.shape[1], bar.shape[2] + 1), dtype=object)
    out[:, :, 1:] = v * bar
    for i, row in enumerate(drows):
        for col, value in row:
            out[i, :, :-1] += (sign * value) * bar[col]
    return out


@cache
def forward_matrices(k: int, alpha: Fraction) -> tuple[Scaled, Scaled]:
    """``((C, d), (H, d))``: ``C_k = C / d`` and ``H_k = H / d``, polynomial in ``n``."""
    v = alpha.denominator
    c = np.array([[[0, 1]]], dtype=object)
    h = c.copy()
    for j in range(1, k):
        c = _step(_block_diag(c, h), _d_integer(j, alpha), v, 1)
        h = _traced(c[list(_trace_map(j + 1)[0])], j + 1)
    d = v ** (k - 1)
    return _reduce(c, d), _reduce(h, d)


@cache
def inverse_polynomial_matrices(k: int, alpha: Fraction) -> tuple[Scaled, Scaled]:
    """``((M, d), (G, e))``: ``Ct_k^{-1} = M / d``, ``Ht_k^{-1} = G / e``, polynomial in ``nt``.

    ``G = D21 M D12 / (k alpha)``: row ``lam`` is ``sum_j j mult_j / k`` times the traced row
    ``(j, lam - j)`` of ``M`` (``alpha`` cancels).
    """
    v = alpha.denominator
    c, dc = np.array([[[0, 1]]], dtype=object), 1
    g, dg = c.copy(), 1
    for j in range(1, k):
        common = lcm(dc, dg)
        bar = _block_diag(c * (common // dc), g * (common // dg))
        c, dc = _reduce(_step(bar, _d_integer(j, alpha), v, -1), common * v)
        where_c = {key: i for i, key in enumerate(c_index(j + 1))}
        lams = partitions_of(j + 1)
        traced = _traced(c, j + 1)
        g = np.zeros((len(lams), len(lams), c.shape[2]), dtype=object)
        for r, lam in enumerate(lams):
            for part in set(lam):
                g[r] += (part * lam.count(part)) * traced[where_c[(part, _remove_part(lam, part))]]
        g, dg = _reduce(g, dc * (j + 1))
    return (c, dc), (g, dg)


# ---------------------------------------------------------------------------------------------
# the rational matrices Ct_k, Ht_k


@cache
def denominator(k: int, alpha: Fraction) -> tuple[Fraction, ...]:
    """``den_k(nt)`` (coefficients, constant first): the lcm over ``kappa |- k`` of
    ``prod_{(i,j) in kappa} (nt + (i-1) - alpha (j-1))``."""
    mult: dict[Fraction, int] = {}
    for kappa in partitions_of(k):
        count: dict[Fraction, int] = {}
        for i, length in enumerate(kappa):
            for j in range(length):
                c = i - alpha * j
                count[c] = count.get(c, 0) + 1
        for c, e in count.items():
            mult[c] = max(mult.get(c, 0), e)
    poly = [Fraction(1)]
    for c in sorted(mult):
        for _ in range(mult[c]):
            poly = [a * c + b for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return tuple(poly)


def _adjugate(a: np.ndarray) -> tuple[np.ndarray, int]:
    """``(R, p)``, ``p > 0``, with ``a^{-1} = R / p``: fraction-free Gauss-Jordan elimination
    (Bareiss) on ``[a | I]``; every intermediate entry is a minor, so the divisions are exact."""
    size = a.shape[0]
    rows = np.zeros((size, 2 * size), dtype=object)
    rows[:, :size] = a
    rows[:, size:] = np.eye(size, dtype=int).astype(object)
    prev = 1
    for k in range(size):
        if rows[k, k] == 0:
            piv = next((r for r in range(k + 1, size) if rows[r, k]), None)
            if piv is None:
                raise ZeroDivisionError("singular system in the inverse recursion")
            rows[[k, piv]] = rows[[piv, k]]
        pivot_row = rows[k].copy()
        col = rows[:, k].copy()
        rows = (pivot_row[k] * rows - np.outer(col, pivot_row)) // prev
        rows[k] = pivot_row
        prev = pivot_row[k]
    return (rows[:, size:], prev) if prev > 0 else (-rows[:, size:], -prev)


def _inverse_at(k: int, alpha: Fraction, x: int) -> tuple[Scaled, Scaled]:
    """``(Ct_k(x), Ht_k(x))`` by the inverse recursion, integer matrices over one denominator."""
    v = alpha.denominator
    c, d = np.array([[1]], dtype=object), x
    h = c.copy()
    for j in range(1, k):
        drows = _d_integer(j, alpha)
        a = np.zeros((len(drows), len(drows)), dtype=object)
        for i, row in enumerate(drows):
            a[i, i] = v * x
            for col, value in row:
                a[i, col] -= value
        adj, p = _adjugate(a)  # (xI - D)^{-1} = v adj / p
        c, d = _reduce(adj.dot(_block_diag(c, h)) * v, d * p)
        h = _traced(c[list(_trace_map(j + 1)[0])], j + 1)
    return (c, d), (h, d)


def _eval(poly: tuple[Fraction, ...], x: int) -> Fraction:
    out = Fraction(0)
    for c in reversed(poly):
        out = out * x + c
    return out


def _at(poly: np.ndarray, x: int) -> np.ndarray:
    out = np.zeros(poly.shape[:2], dtype=object)
    for power in range(poly.shape[2] - 1, -1, -1):
        out = out * x + poly[:, :, power]
    return out


@cache
def inverse_matrices(k: int, alpha: Fraction) -> tuple[Scaled, Scaled, tuple[Fraction, ...]]:
    """``((N_C, d), (N_H, d))`` and ``den``: ``Ct_k = N_C / (d den(nt))``, ``Ht_k = N_H /
    (d den(nt))``, ``N`` polynomial in ``nt`` (integer coefficients, powers last).

    The fit is checked at two further points against the polynomial inverses:
    ``N(x) Ct_k^{-1}(x) = d den(x) I`` (likewise for ``Ht_k``).
    """
    den = denominator(k, alpha)
    bound = max(
        (sum(abs(x) for _, x in row) for j in range(1, k) for row in d_matrix(j, alpha)),
        default=Fraction(0),
    )
    start = int(max(bound, Fraction(k) * max(alpha, 1))) + 2  # beyond every pole
    npts = len(den) - k  # the numerators have degree deg den - k
    xs = [start + i for i in range(npts)]
    values: list[tuple[Scaled, Scaled]] = []
    for x in xs:
        scale = _eval(den, x)
        pair = _inverse_at(k, alpha, x)
        values.append(tuple((a * scale.numerator, d * scale.denominator) for a, d in pair))
    fitted = tuple(interpolate([v[which] for v in values], xs) for which in (0, 1))
    for x in (start + npts, start + npts + 1):
        scale = _eval(den, x)
        for (num, d), (poly, e) in zip(fitted, inverse_polynomial_matrices(k, alpha), strict=True):
            product = _at(num, x).dot(_at(poly, x))  # = d e den(x) I
            target = np.eye(num.shape[0], dtype=int).astype(object) * (d * e)
            if not np.array_equal(product * scale.denominator, target * scale.numerator):
                raise ArithmeticError(
                    f"the inverse coefficient matrices of order {k} do not fit the common "
                    "denominator of the Jack factors (an internal error)"
                )
    return fitted[0], fitted[1], den


def interpolate(values: list[Scaled], xs: list[int]) -> Scaled:
    """The polynomial (on a new last axis, constant first) of degree ``< len(xs)`` through the
    arrays ``a_t / d_t`` at the integers ``xs[t]``, exactly."""
    inv, p = _adjugate(np.array([[x**j for j in range(len(xs))] for x in xs], dtype=object))
    common = lcm(*(d for _, d in values))
    stack = np.stack([a * (common // d) for a, d in values], axis=-1)  # (rows, cols, points)
    coefs = stack.dot(inv.T)  # (rows, cols, powers): sum_t y_t inv[power, t]
    return _reduce(coefs, common * p)
