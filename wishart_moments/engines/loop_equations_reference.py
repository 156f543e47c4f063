"""Slow, obvious reference for the loop equations: the Dumitriu-Edelman bidiagonal model, expanded.

For ``Sigma = I`` and any ``beta > 0`` the eigenvalues of ``S`` (``m x m``, ``n`` degrees of
freedom) are those of ``B B^T / beta``, ``B`` lower bidiagonal with independent entries
``a_i = B[i, i] ~ chi_{beta(n-i+1)}`` (``i = 1..m``) and ``b_i = B[i+1, i] ~ chi_{beta(m-i)}``
(``i = 1..m-1``) (Dumitriu and Edelman 2002). ``T = B B^T`` is tridiagonal with
``T_ii = a_i^2 + b_{i-1}^2`` and
``T_{i,i+1} = T_{i+1,i} = a_i b_i``, so every closed walk in ``prod_j tr T^{mu_j}`` meets each
variable an even number of times and, with ``E (chi^2_d)^r = prod_{t<r} (d + 2t)``,

    E a_i^{2r} / beta^r = prod_{t<r} (n - i + 1 + alpha t),
    E b_i^{2r} / beta^r = prod_{t<r} (m - i + alpha t),        alpha = 2/beta.

For a fixed small integer ``m`` this gives ``E prod_j tr S^{mu_j}`` exactly as a polynomial in
``n`` and ``alpha`` by brute-force expansion of the matrix powers (exponential in ``|mu|``; for
tests only). Valid as a polynomial identity in ``n`` (the model needs ``n >= m``).
"""

from __future__ import annotations

from collections.abc import Iterable

Poly = dict[tuple[int, ...], int]  # exponent vector of (a_1..a_m, b_1..b_{m-1}) -> coefficient
NAlphaPoly = dict[tuple[int, int], int]  # (power of n, power of alpha) -> coefficient


def _mul(x: Poly, y: Poly) -> Poly:
    out: Poly = {}
    for ex, cx in x.items():
        for ey, cy in y.items():
            key = tuple(u + v for u, v in zip(ex, ey, strict=True))
            out[key] = out.get(key, 0) + cx * cy
    return {k: c for k, c in out.items() if c}


def _add(x: Poly, y: Poly) -> Poly:
    out = dict(x)
    for k, c in y.items():
        out[k] = out.get(k, 0) + c
    return {k: c for k, c in out.items() if c}


def _tridiagonal(m: int) -> list[list[Poly]]:
    """``T = B B^T`` with polynomial entries in the ``2m - 1`` variables."""
    size = 2 * m - 1

    def var(index: int, power: int) -> tuple[int, ...]:
        e = [0] * size
        e[index] = power
        return tuple(e)

    T: list[list[Poly]] = [[{} for _ in range(m)] for _ in range(m)]
    for i in range(m):
        T[i][i] = {var(i, 2): 1}
        if i > 0:
            T[i][i] = _add(T[i][i], {var(m + i - 1, 2): 1})
        if i < m - 1:
            e = [0] * size
            e[i] = e[m + i] = 1
            T[i][i + 1] = T[i + 1][i] = {tuple(e): 1}
    return T


def _trace_power(T: list[list[Poly]], k: int) -> Poly:
    m = len(T)
    P = T
    for _ in range(k - 1):
        P = [
            [
                _sum_polys(_mul(P[i][t], T[t][j]) for t in range(m) if P[i][t] and T[t][j])
                for j in range(m)
            ]
            for i in range(m)
        ]
    return _sum_polys(P[i][i] for i in range(m))


def _sum_polys(polys: Iterable[Poly]) -> Poly:
    out: Poly = {}
    for p in polys:
        out = _add(out, p)
    return out


def _pmul(x: NAlphaPoly, y: NAlphaPoly) -> NAlphaPoly:
    out: NAlphaPoly = {}
    for (a, b), cx in x.items():
        for (c, d), cy in y.items():
            out[(a + c, b + d)] = out.get((a + c, b + d), 0) + cx * cy
    return out


def _chi_moment(shift_n: int, constant: int, r: int) -> NAlphaPoly:
    """``prod_{t<r} (shift_n * n + constant + alpha t)`` as ``{(n power, alpha power): c}``."""
    out: NAlphaPoly = {(0, 0): 1}
    for t in range(r):
        factor: NAlphaPoly = {}
        if shift_n:
            factor[(1, 0)] = shift_n
        if constant:
            factor[(0, 0)] = constant
        if t:
            factor[(0, 1)] = t
        out = _pmul(out, factor)
    return out


def bidiagonal_moment(parts: Iterable[int], m: int) -> NAlphaPoly:
    """``E prod_j tr(S^{parts_j})`` for a fixed integer ``m >= 1`` as ``{(i, l): c}``, ``c`` the
    coefficient of ``n^i alpha^l``, by expanding the Dumitriu-Edelman model (slow; tests only)."""
    parts = [int(p) for p in parts]
    if m < 1 or any(p < 1 for p in parts):
        raise ValueError(f"need m >= 1 and positive parts, got m={m}, parts={parts}")
    T = _tridiagonal(m)
    product: Poly = {tuple([0] * (2 * m - 1)): 1}
    for k in parts:
        product = _mul(product, _trace_power(T, k))
    total: NAlphaPoly = {}
    for exps, c in product.items():
        if any(e % 2 for e in exps):
            raise AssertionError("odd power in a closed walk")  # pragma: no cover
        term: NAlphaPoly = {(0, 0): c}
        for i in range(m):  # a_{i+1}: chi_{beta(n - i)}
            term = _pmul(term, _chi_moment(1, -i, exps[i] // 2))
        for i in range(m - 1):  # b_{i+1}: chi_{beta(m - i - 1)}
            term = _pmul(term, _chi_moment(0, m - i - 1, exps[m + i] // 2))
        for key, v in term.items():
            total[key] = total.get(key, 0) + v
    return {k: c for k, c in total.items() if c}
