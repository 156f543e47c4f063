"""Complex and real Wishart moments with a covariance by Wick enumeration (the genus expansion).

Complex, ``beta = 2`` (``W = Sigma^{1/2} X X^* Sigma^{1/2}``, ``E|x|^2 = 1``): write
``tr(W^k) = sum prod_t Sigma_{b_{t-1} a_t} X_{a_t j_t} conj(X_{b_t j_t})``. Wick's theorem pairs
each ``X`` with a ``conj(X)``, i.e. sums over permutations ``s`` (``X_{a_t j_t}`` with
``conj(X_{b_{s(t)} j_{s(t)}})``): the column indices give ``n^{c(s)}`` and the row indices, through
Sigma, ``p_l = tr Sigma^l`` for each cycle of length ``l`` of ``s g`` (``g`` the long cycle):

    E prod_i tr(W^{mu_i}) = sum_{s in S_k} n^{c(s)} p_{type(s g_mu)}(Sigma),

``g_mu`` of cycle type ``mu`` (one cycle per trace). At ``Sigma = I``, ``p_l = m``. This is
``s -> s^{-1}`` away from ``sum_s n^{c(s)} m^{c(g s^{-1})}``.

Real, ``beta = 1``: the ``2k`` factors ``X_{a_t j_t}``, ``X_{b_t j_t}`` are paired in all
``(2k-1)!!`` ways. With ``C`` the pairs sharing ``j_t`` and ``R`` the pairs
``(X_{b_{t-1}}, X_{a_t})`` joined by ``Sigma_{b_{t-1} a_t}`` (cyclically inside each trace), a
matching ``M`` gives ``n^{cycles(C + M)}`` and, for each cycle of ``R + M`` (alternating,
``2l`` points), ``p_l``: Sigma is symmetric, so a cycle's orientation does not matter. E.g.
``E tr W^2 = n(n+1) p_2 + n p_1^2``.

The counts run in :mod:`wishart_moments.kernels.permutations`, split into subtrees by the first
two choices; the slow reference below lists the same objects with ``itertools``.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from itertools import permutations

import numpy as np

from ..limits import limit
from ._parts import Partition, check_beta_12, check_parts, partitions_of
from .matchings import matching_prefixes

Terms = dict[tuple[int, int], int]
CovTerms = dict[tuple[int, Partition], int]

#: Largest degree ``k = sum(parts)`` of the complex enumeration: ``k!`` permutations; on a shared
#: 2-core machine k = 10 takes 0.15-0.9 s, k = 11 (4.0e7) 1.7-11 s, k = 12 (4.8e8) 22-135 s
#: (the larger figures with the machine loaded 3-4 times over). Both limits live in
#: :mod:`wishart_moments.limits`.
MAX_K = limit("permutations")
#: Largest degree of the real enumeration: ``(2k-1)!!`` matchings; k = 9 (3.4e7) takes 1.2-9 s,
#: k = 10 (6.5e8) 35-152 s on a shared 2-core machine (idle - loaded).
MAX_K_REAL = limit("permutations-real")
#: Largest degree of the plain-Python references.
MAX_K_REFERENCE = 8

_WHY = ": the enumeration visits k! permutations; use the Schur or loop-equation engine"
_WHY_REAL = ": the enumeration visits (2k-1)!! matchings; use the zonal/Jack or recursion engine"


def long_cycles(mu: Partition) -> list[int]:
    """``g_mu`` as an array: one cycle ``o -> o+1 -> ... -> o+mu_i-1 -> o`` per part."""
    g: list[int] = []
    for part in mu:
        o = len(g)
        g.extend(o + (t + 1) % part for t in range(part))
    return g


def row_pairs(mu: Partition) -> list[int]:
    """``R`` as a partner array on ``2k`` positions: ``2t + 1`` with ``2 next(t)``."""
    k = sum(mu)
    partner = [0] * (2 * k)
    g = long_cycles(mu)
    for t in range(k):
        partner[2 * t + 1] = 2 * g[t]
        partner[2 * g[t]] = 2 * t + 1
    return partner


@cache
def _tables(k: int) -> tuple[np.ndarray, np.ndarray, tuple[Partition, ...]]:
    from ..kernels.matchings import partition_strides

    strides = partition_strides(k)
    parts = partitions_of(k)
    pindex = np.full(int(strides[k + 1]), -1, np.int64)
    for j, lam in enumerate(parts):
        pindex[sum(int(strides[p]) for p in lam)] = j
    return strides, pindex, parts


def _cycle_counts(mu: Partition, beta: int) -> dict[tuple[int, Partition], int]:
    """``{(e, lam): count}`` from the kernels (see the module docstring)."""
    k = sum(mu)
    strides, pindex, parts = _tables(k)
    if beta == 2:
        from ..kernels.permutations import count_permutations

        g = long_cycles(mu)
        ginv = np.empty(k, np.int64)
        ginv[g] = np.arange(k)
        depth = min(2, k)
        prefixes = np.array(list(permutations(range(k), depth)), np.int64).reshape(-1, depth)
        out = count_permutations(ginv, prefixes, strides, pindex, len(parts))
    else:
        from ..kernels.permutations import count_matchings

        pair_c = np.arange(2 * k, dtype=np.int64) ^ 1
        pair_r = np.array(row_pairs(mu), np.int64)
        prefixes = matching_prefixes(2 * k, min(2, k))
        out = count_matchings(pair_c, pair_r, prefixes, strides, pindex, len(parts))
    total = out.sum(axis=0)
    return {
        (e, parts[j]): int(total[e, j])
        for e in range(k + 1)
        for j in range(len(parts))
        if total[e, j]
    }


def moment_terms(parts: object) -> Terms:
    """``E prod_i tr(S^{parts_i})``, complex ``S`` (Sigma = I), as ``{(i, j): coefficient of
    n^i m^j}``, counting the ``k!`` permutations ``s`` by ``(c(s), c(s g))``."""
    mu = check_parts(parts, max_total=MAX_K, why=_WHY)
    if not mu:
        return {(0, 0): 1}
    out: Counter[tuple[int, int]] = Counter()
    for (e, lam), c in _cycle_counts(mu, 2).items():
        out[(e, len(lam))] += c
    return dict(out)


def moment_terms_cov(parts: object, beta: int) -> CovTerms:
    """``E prod_i tr(W^{parts_i})`` with covariance Sigma, ``beta`` 1 (real) or 2 (complex), as
    ``{(e, lam): coefficient of n^e p_lam(Sigma)}``, ``p_lam = prod_j tr(Sigma^{lam_j})``."""
    beta = check_beta_12(beta)
    if beta == 2:
        mu = check_parts(parts, max_total=MAX_K, why=_WHY)
    else:
        mu = check_parts(parts, max_total=MAX_K_REAL, why=_WHY_REAL)
    if not mu:
        return {(0, ()): 1}
    return _cycle_counts(mu, beta)


# ---------------------------------------------------------------------------------------------
# Slow, obviously correct references (plain Python, itertools)
# ---------------------------------------------------------------------------------------------


def cycle_type(perm: list[int] | tuple[int, ...]) -> Partition:
    """The cycle type of a permutation given as the list of images."""
    seen = [False] * len(perm)
    lengths = []
    for start in range(len(perm)):
        if not seen[start]:
            length, x = 0, start
            while not seen[x]:
                seen[x] = True
                x = perm[x]
                length += 1
            lengths.append(length)
    return tuple(sorted(lengths, reverse=True))


def reference_moment_terms_cov(parts: object, beta: int) -> CovTerms:
    """:func:`moment_terms_cov` by listing every permutation (``beta = 2``) or perfect matching
    (``beta = 1``) in plain Python; meant for ``sum(parts) <= 7``."""
    beta = check_beta_12(beta)
    mu = check_parts(parts, max_total=MAX_K_REFERENCE, why=": the reference is plain Python")
    k = sum(mu)
    g = long_cycles(mu)
    out: Counter[tuple[int, Partition]] = Counter()
    if beta == 2:
        for s in permutations(range(k)):
            sg = [s[g[u]] for u in range(k)]
            out[(len(cycle_type(s)), cycle_type(sg))] += 1
        return dict(out)
    from .matchings_reference import perfect_matchings

    # Factor 2t is X[a_t, j_t], 2t+1 is X[b_t, j_t]; Sigma links b_t with a_{g(t)}.
    for matching in perfect_matchings(list(range(2 * k))):
        cols = _classes(2 * k, [(2 * t, 2 * t + 1) for t in range(k)] + matching)
        rows = _cycles_of_two_matchings(2 * k, [(2 * t + 1, 2 * g[t]) for t in range(k)], matching)
        out[(cols, tuple(sorted((length // 2 for length in rows), reverse=True)))] += 1
    return dict(out)


def reference_moment_terms(parts: object) -> Terms:
    """:func:`moment_terms` by listing the ``k!`` permutations, ``n^{c(s)} m^{c(g s^{-1})}``."""
    mu = check_parts(parts, max_total=MAX_K_REFERENCE, why=": the reference is plain Python")
    k = sum(mu)
    g = long_cycles(mu)
    out: Counter[tuple[int, int]] = Counter()
    for s in permutations(range(k)):
        s_inv = [0] * k
        for t, v in enumerate(s):
            s_inv[v] = t
        g_s_inv = [g[s_inv[u]] for u in range(k)]
        out[(len(cycle_type(s)), len(cycle_type(g_s_inv)))] += 1
    return dict(out)


def _classes(npoints: int, pairs: list[tuple[int, int]]) -> int:
    """Number of connected components of the graph on ``npoints`` with edges ``pairs``."""
    label = list(range(npoints))

    def find(x: int) -> int:
        while label[x] != x:
            x = label[x]
        return x

    for p, q in pairs:
        label[find(p)] = find(q)
    return len({find(x) for x in range(npoints)})


def _cycles_of_two_matchings(
    npoints: int, first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> list[int]:
    """Point counts of the cycles of the union of two perfect matchings."""
    a = [0] * npoints
    b = [0] * npoints
    for p, q in first:
        a[p], a[q] = q, p
    for p, q in second:
        b[p], b[q] = q, p
    seen = [False] * npoints
    lengths = []
    for start in range(npoints):
        if not seen[start]:
            length, x = 0, start
            while not seen[x]:
                seen[x] = seen[a[x]] = True
                length += 2
                x = b[a[x]]
            lengths.append(length)
    return lengths
