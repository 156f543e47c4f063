"""Complex (``beta = 2``) single-trace moments by the Haagerup-Thorbjornsen three-term recursion.

For ``X`` complex ``m x n`` with iid standard entries (``E|x|^2 = 1``) and
``D_k = E tr (X X^*)^k``, Haagerup and Thorbjornsen (2003, Theorem 8.2; a consequence of the
loop equations for the moment generating function) prove

    (k + 2) D_{k+1} = (2k + 1)(n + m) D_k + (k - 1)(k^2 - (n - m)^2) D_{k-1},
    D_0 = m,  D_1 = n m.

Every ``D_k`` is a polynomial in ``n, m`` with nonnegative integer coefficients (they count the
permutations of ``S_k`` by cycles, the genus expansion), and the division by ``k + 2`` is exact.
This is ``O(k^3)`` integer operations for all orders up to ``k``: the fast path to the complex
tables (``engine="three_term"``). The multi-trace loop equations
(:mod:`~wishart_moments.engines.loop_equations`) are the reference it is checked against.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..limits import check_order

Terms = dict[tuple[int, int], int]

# D_0, D_1, ... as 2-D lists: _D[k][a][b] = coefficient of n^a m^b.
_D: list[list[list[int]]] = []


def _extend(k: int) -> None:
    if not _D:
        size = 3
        d0 = [[0] * size for _ in range(size)]
        d0[0][1] = 1
        d1 = [[0] * size for _ in range(size)]
        d1[1][1] = 1
        _D.extend([d0, d1])
    while len(_D) <= k:
        j = len(_D) - 1  # compute D_{j+1}
        size = j + 3  # degrees a, b <= j + 2
        cur, prev = _D[j], _D[j - 1]
        out = [[0] * size for _ in range(size)]
        c1, c2 = 2 * j + 1, j - 1
        for a, row in enumerate(cur):
            for b, c in enumerate(row):
                if c:
                    c *= c1  # (2j + 1)(n + m) D_j
                    out[a + 1][b] += c
                    out[a][b + 1] += c
        if c2:
            jj = j * j
            for a, row in enumerate(prev):
                for b, c in enumerate(row):
                    if c:
                        c *= c2  # (j - 1)(j^2 - n^2 + 2nm - m^2) D_{j-1}
                        out[a][b] += jj * c
                        out[a + 2][b] -= c
                        out[a + 1][b + 1] += 2 * c
                        out[a][b + 2] -= c
        divisor = j + 2
        for row in out:
            for b, c in enumerate(row):
                if c:
                    q, r = divmod(c, divisor)
                    if r:
                        raise ArithmeticError("three-term recursion: inexact division")
                    row[b] = q
        _D.append(out)


def single_trace_terms(k: int) -> Terms:
    """``E tr (X X^*)^k`` (complex) as ``{(a, b): coefficient of n^a m^b}``."""
    k = check_order("three_term", k)
    _extend(k)
    return {(a, b): c for a, row in enumerate(_D[k]) for b, c in enumerate(row) if c}


def moment_terms(parts: Iterable[int]) -> Terms:
    """Single traces only: ``parts = [k]`` gives :func:`single_trace_terms` ``(k)``."""
    values = list(parts)
    if len(values) != 1:
        raise ValueError(
            f"the three-term recursion gives single traces E tr S^k only, got parts {values!r}: "
            "use the loop equations for products of traces"
        )
    return single_trace_terms(values[0])
