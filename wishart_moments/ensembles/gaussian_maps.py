"""The genus expansion of the GOE and GUE moments: Wick's theorem on the matrix entries (maps).

Conventions as in :mod:`.gaussian`: the GUE has ``E|H_ij|^2 = 1`` (``H_ii ~ N(0, 1)``), the GOE
``H_ii ~ N(0, 1)``, ``H_ij ~ N(0, 1/2)``, so that

    GUE: E[H_ab H_cd] = d_ad d_bc,         GOE: E[H_ab H_cd] = (d_ad d_bc + d_ac d_bd) / 2.

Write ``prod_j tr H^{mu_j}`` as a sum over the ``2K = |mu|`` half-edges ``e``, each carrying
``H_{i_e, i_{sigma(e)}}`` (``sigma`` cycles the half-edges of each trace). Wick's theorem sums over
the ``(2K-1)!!`` pairings of the half-edges; a pair ``(e, f)`` glues ``i_e = i_{sigma f}``,
``i_{sigma e} = i_f`` (a ribbon edge) and, for the GOE, with weight 1/2 each, also
``i_e = i_f``, ``i_{sigma e} = i_{sigma f}`` (a twisted edge). Each surviving index class is a
free sum over ``m`` values (a face of the map), so

    GUE: E prod tr H^{mu_j} = sum_{pairings} m^{faces},
    GOE: E prod tr H^{mu_j} = 2^{-K} sum_{pairings, twists} m^{faces}

(orientable maps, Harer-Zagier; locally orientable maps, Goulden-Jackson). The enumeration is
exponential (``(2K-1)!!`` and ``2^K (2K-1)!!`` leaves) and serves the tests and the check of small
orders. Single traces go much further by the recursions in ``k`` (``T_k = E tr H^{2k}``):

* GUE, Harer and Zagier (1986): ``(k+1) T_k = 2(2k-1) m T_{k-1} + (k-1)(2k-1)(2k-3) T_{k-2}``,
  ``T_0 = m``, ``T_1 = m^2``;
* GOE, Ledoux (2009), for ``b_k = 2^k T_k`` and ``k >= 4``:
  ``(k+1) b_k = (4k-1)(2m-1) b_{k-1} + (2k-3)(10k^2 - 9k - 8m^2 + 8m) b_{k-2}
  - 5(2k-3)(2k-4)(2k-5)(2m-1) b_{k-3} - 2(2k-3)(2k-4)(2k-5)(2k-6)(2k-7) b_{k-4}``,
  started from ``b_0 .. b_3`` of the Wick enumeration.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from ..limits import limit

#: Largest ``sum(parts)`` the Wick enumeration accepts (GUE, GOE): ``(2K-1)!!`` resp.
#: ``2^K (2K-1)!!`` leaves.
MAX_WICK_DEGREE = {2: limit("gaussian-wick-complex"), 1: limit("gaussian-wick-real")}

IntPoly = list[int]  # coefficients in m, constant first


def _check(parts: Iterable[int], beta: int) -> tuple[int, ...]:
    if beta not in (1, 2):
        raise ValueError(f"the genus expansion covers beta = 1 (GOE) and 2 (GUE), got {beta!r}")
    mu = tuple(int(p) for p in parts)
    if any(p < 0 for p in mu):
        raise ValueError(f"parts must be nonnegative integers, got {list(mu)!r}")
    limit = MAX_WICK_DEGREE[beta]
    if sum(mu) > limit:
        raise ValueError(
            f"sum(parts)={sum(mu)} is too large for the Wick enumeration at beta={beta}: "
            f"allowed <= {limit}; the loop equations go further"
        )
    return mu


def wick_moment(parts: Iterable[int], beta: int) -> dict[int, Fraction]:
    """``E prod_j tr(H^{parts_j})`` for the GOE (``beta = 1``) or GUE (``beta = 2``) as ``{i: c}``,
    ``c`` the coefficient of ``m^i``, by enumerating every Wick pairing (a map)."""
    mu = _check(parts, beta)
    zeros = sum(1 for p in mu if p == 0)
    mu = tuple(p for p in mu if p > 0)
    total = sum(mu)
    if total % 2:
        return {}
    if not mu:
        return {zeros: Fraction(1)}
    sigma: list[int] = []
    for p in mu:
        start = len(sigma)
        sigma += [start + (t + 1) % p for t in range(p)]
    parent = list(range(total))
    size = [1] * total
    counts = [0] * (total + 1)  # counts[c]: leaves with c index classes
    history: list[int] = []

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    def union(x: int, y: int) -> int:
        """Merge the classes of ``x`` and ``y``; 1 if they were distinct (recorded), else 0."""
        x, y = find(x), find(y)
        if x == y:
            return 0
        if size[x] < size[y]:
            x, y = y, x
        parent[y] = x
        size[x] += size[y]
        history.append(y)
        return 1

    def undo(times: int) -> None:
        for _ in range(times):
            y = history.pop()
            size[parent[y]] -= size[y]
            parent[y] = y

    free = [True] * total
    glue = [(False,), (False, True)][beta == 1]

    def pair(classes: int) -> None:
        e = next((i for i in range(total) if free[i]), None)
        if e is None:
            counts[classes] += 1
            return
        free[e] = False
        for f in range(e + 1, total):
            if not free[f]:
                continue
            free[f] = False
            for twisted in glue:
                if twisted:
                    merged = union(e, f) + union(sigma[e], sigma[f])
                else:
                    merged = union(e, sigma[f]) + union(sigma[e], f)
                pair(classes - merged)
                undo(merged)
            free[f] = True
        free[e] = True

    pair(total)
    scale = 2 ** (total // 2) if beta == 1 else 1
    return {c + zeros: Fraction(n, scale) for c, n in enumerate(counts) if n}


def _add_scaled(acc: IntPoly, c: int, poly: IntPoly, shift: int = 0) -> None:
    """``acc += c m^shift poly`` in place (``acc`` long enough)."""
    for i, x in enumerate(poly):
        acc[i + shift] += c * x


def _divide(poly: IntPoly, d: int) -> IntPoly:
    out = []
    for x in poly:
        q, r = divmod(x, d)
        if r:
            raise ArithmeticError("inexact division in a moment recursion")  # pragma: no cover
        out.append(q)
    while out and not out[-1]:
        out.pop()
    return out


_HARER_ZAGIER: list[IntPoly] = [[0, 1], [0, 0, 1]]
_LEDOUX: list[IntPoly] = []


def harer_zagier(kmax: int) -> list[IntPoly]:
    """GUE ``T_k = E tr H^{2k}`` for ``k = 0..kmax`` as integer coefficient lists in ``m``."""
    T = _HARER_ZAGIER
    for k in range(len(T), kmax + 1):
        acc = [0] * (k + 2)
        _add_scaled(acc, 2 * (2 * k - 1), T[k - 1], 1)
        _add_scaled(acc, (k - 1) * (2 * k - 1) * (2 * k - 3), T[k - 2])
        T.append(_divide(acc, k + 1))
    return T[: kmax + 1]


def ledoux(kmax: int) -> list[IntPoly]:
    """GOE ``b_k = 2^k E tr H^{2k}`` for ``k = 0..kmax`` as integer coefficient lists in ``m``
    (``b_0 .. b_3`` by the Wick enumeration, then Ledoux's five-term recursion)."""
    b = _LEDOUX
    for k in range(len(b), min(kmax, 3) + 1):
        terms = wick_moment([2 * k], 1) if k else {1: Fraction(1)}
        poly = [0] * (k + 2)
        for i, c in terms.items():
            poly[i] = int(c * 2**k)
        b.append(poly)
    for k in range(len(b), kmax + 1):
        c1, c2 = 2 * k - 3, (2 * k - 3) * (2 * k - 4) * (2 * k - 5)
        acc = [0] * (k + 2)
        # (4k-1)(2m-1) b_{k-1}
        _add_scaled(acc, 2 * (4 * k - 1), b[k - 1], 1)
        _add_scaled(acc, -(4 * k - 1), b[k - 1])
        # (2k-3)(10k^2 - 9k - 8m^2 + 8m) b_{k-2}
        _add_scaled(acc, c1 * (10 * k * k - 9 * k), b[k - 2])
        _add_scaled(acc, -8 * c1, b[k - 2], 2)
        _add_scaled(acc, 8 * c1, b[k - 2], 1)
        # -5(2k-3)(2k-4)(2k-5)(2m-1) b_{k-3}
        _add_scaled(acc, -10 * c2, b[k - 3], 1)
        _add_scaled(acc, 5 * c2, b[k - 3])
        # -2(2k-3)...(2k-7) b_{k-4}
        _add_scaled(acc, -2 * c2 * (2 * k - 6) * (2 * k - 7), b[k - 4])
        b.append(_divide(acc, k + 1))
    return b[: kmax + 1]


def single_trace(k: int, beta: int) -> dict[int, Fraction]:
    """``E tr H^{2k}`` (GOE ``beta = 1`` by Ledoux, GUE ``beta = 2`` by Harer-Zagier) as
    ``{i: c}`` in powers of ``m``."""
    if beta == 2:
        poly = harer_zagier(max(k, 1))[k]
        scale = 1
    elif beta == 1:
        poly = ledoux(max(k, 3))[k]
        scale = 2**k
    else:
        raise ValueError(f"the map recursions cover beta = 1 and 2, got {beta!r}")
    return {i: Fraction(c, scale) for i, c in enumerate(poly) if c}
