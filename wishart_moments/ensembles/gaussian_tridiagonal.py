"""Slow, obvious reference: the tridiagonal model of the Gaussian beta-ensemble, expanded exactly.

Dumitriu and Edelman (2002): the eigenvalues of the symmetric tridiagonal ``m x m`` matrix with
independent ``a_i ~ N(0, 1)`` on the diagonal and ``c_i ~ chi_{beta i} / sqrt 2`` beside it
(``c_{m-1}, ..., c_1`` from the top) have the density ``prop. |Delta|^beta exp(-sum x^2/2)``.
``prod_j tr H^{mu_j}`` is a sum over closed walks on the path ``1..m`` (a step stays, weight
``a_i``, or moves, weight ``c``); every walk crosses each edge an even number of times, and

    E a^{2r} = (2r - 1)!!,      E c_i^{2r} = E (chi^2_{beta i} / 2)^r = prod_{t<r} (beta i/2 + t).

So at a fixed integer ``m`` the moment is a polynomial in ``beta``, obtained here by expanding the
walks monomial by monomial (exponential in ``|mu|``; for the tests only).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from ..layout import double_factorial

Monomials = dict[tuple[int, ...], int]  # exponents of (a_1..a_m, c_1..c_{m-1}) -> count
BetaPoly = dict[int, Fraction]  # power of beta -> coefficient


def _trace_power(m: int, k: int) -> Monomials:
    """``tr H^k`` as a polynomial in the ``2m - 1`` entries (closed walks of length ``k``)."""
    out: Monomials = {}
    size = 2 * m - 1
    for start in range(m):
        walks: dict[tuple[int, tuple[int, ...]], int] = {(start, (0,) * size): 1}
        for _ in range(k):
            nxt: dict[tuple[int, tuple[int, ...]], int] = {}
            for (pos, ex), c in walks.items():
                moves = [(pos, pos)]  # (new position, variable index)
                if pos > 0:
                    moves.append((pos - 1, m + pos - 1))  # edge (pos-1, pos)
                if pos < m - 1:
                    moves.append((pos + 1, m + pos))  # edge (pos, pos+1)
                for new, var in moves:
                    e = list(ex)
                    e[var] += 1
                    key = (new, tuple(e))
                    nxt[key] = nxt.get(key, 0) + c
            walks = nxt
        for (pos, ex), c in walks.items():
            if pos == start:
                out[ex] = out.get(ex, 0) + c
    return out


def _multiply(x: Monomials, y: Monomials) -> Monomials:
    out: Monomials = {}
    for ex, cx in x.items():
        for ey, cy in y.items():
            key = tuple(u + v for u, v in zip(ex, ey, strict=True))
            out[key] = out.get(key, 0) + cx * cy
    return out


def _chi_moment(df_over_beta: int, r: int) -> BetaPoly:
    """``E (chi^2_{beta d} / 2)^r = prod_{t<r} (beta d/2 + t)`` as a polynomial in ``beta``."""
    poly: BetaPoly = {0: Fraction(1)}
    for t in range(r):
        nxt: BetaPoly = {}
        for e, c in poly.items():
            nxt[e + 1] = nxt.get(e + 1, Fraction(0)) + c * Fraction(df_over_beta, 2)
            nxt[e] = nxt.get(e, Fraction(0)) + c * t
        poly = nxt
    return poly


def tridiagonal_moment(parts: Iterable[int], m: int) -> BetaPoly:
    """``E prod_j tr(H^{parts_j})`` at a fixed integer ``m >= 1`` as ``{l: c}`` (coefficient of
    ``beta^l``), by expanding the tridiagonal model. The off-diagonal entry between rows ``i`` and
    ``i + 1`` (``i = 1..m-1``) is ``chi_{beta (m - i)} / sqrt 2``."""
    if m < 1:
        raise ValueError(f"m must be a positive integer, got {m!r}")
    total: Monomials = {(0,) * (2 * m - 1): 1}
    for p in parts:
        total = _multiply(total, _trace_power(m, int(p)))
    out: BetaPoly = {}
    for ex, count in total.items():
        if any(e % 2 for e in ex):
            continue
        weight: BetaPoly = {0: Fraction(count)}
        for i in range(m):
            weight = {e: c * double_factorial(ex[i] - 1) for e, c in weight.items()}
        for i in range(m - 1):
            chi = _chi_moment(m - 1 - i, ex[m + i] // 2)
            nxt: BetaPoly = {}
            for e1, c1 in weight.items():
                for e2, c2 in chi.items():
                    nxt[e1 + e2] = nxt.get(e1 + e2, Fraction(0)) + c1 * c2
            weight = nxt
        for e, c in weight.items():
            out[e] = out.get(e, Fraction(0)) + c
    return {e: c for e, c in sorted(out.items()) if c}
