"""``C^{(k)}`` by Wick enumeration: summing over all ``(2k-1)!!`` perfect matchings (the paper).

``tr(S^k) = sum prod_t W[i_t, j_t] W[i_{t+1}, j_t]``; Isserlis/Wick pairs the ``2k`` Gaussian
factors in every way, and a matching whose identified indices form ``a`` column classes and ``b``
row classes contributes ``n^a m^b``. The counting runs in the Numba kernels of
:mod:`wishart_moments.kernels.matchings`; this module splits the work into subtrees, uses the
reflection ``p -> -p (mod 2k)`` of the positions (it swaps row and column pairs, so the subtree of
the first pair ``(0, 2k - q)`` is the transpose, ``n <-> m``, of that of ``(0, q)``) to enumerate
only about half of them, and sums the exact counts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from .._validation import check_order
from ..layout import CoefficientMatrix, double_factorial
from ..limits import limit
from ._parts import partitions_of

#: Largest ``k`` accepted by :func:`matchings_matrix`. The work grows like ``(2k-1)!!``, about
#: ``2k``-fold per order: k = 13 (7.9e12 matchings) takes seconds, k = 14 (2.1e14) took 266-268 s
#: wall on a shared 2-core machine, past the minute the limits allow (k = 13 is the limit).
#: The kernels' ``int64`` counts are exact only while ``(2k-1)!! < 2^63``, i.e. k <= 17.
#: For larger orders use :func:`wishart_moments.recursion_matrix` (see wishart_moments.limits).
MAX_K_MATCHINGS = limit("matchings")

_WHY = (
    ": the Wick enumeration visits (2k-1)!! matchings (growing ~2k-fold per order); "
    "use recursion_matrix for larger k"
)

#: Pairs closed in one table look-up at the bottom of the tree: each look-up counts the
#: ``(2r-1)!! = 135135`` completions of a partial matching (table: 15 partitions of ``r = 7``).
TAIL_PAIRS = 7

Progress = Callable[[int, int], object]


@cache
def _tail_table(r: int) -> tuple[np.ndarray, np.ndarray]:
    from ..kernels.matchings import partition_strides, tail_histogram

    strides = partition_strides(r)
    partitions = np.array([p + (0,) * (r - len(p)) for p in partitions_of(r)], dtype=np.int64)
    return strides, tail_histogram(r, strides, partitions)


def matching_prefixes(npos: int, depth: int, first_max: int | None = None) -> np.ndarray:
    """The first ``depth`` pairs (lowest free position first) of every perfect matching of
    ``0..npos-1``, as an ``(T, depth, 2)`` array; with ``first_max``, only those whose first pair
    ``(0, q)`` has ``q <= first_max``."""
    found: list[list[tuple[int, int]]] = []

    def extend(prefix: list[tuple[int, int]], free: list[int]) -> None:
        if len(prefix) == depth:
            found.append(list(prefix))
            return
        p, rest = free[0], free[1:]
        for idx, q in enumerate(rest):
            if not prefix and first_max is not None and q > first_max:
                break
            prefix.append((p, q))
            extend(prefix, rest[:idx] + rest[idx + 1 :])
            prefix.pop()

    extend([], list(range(npos)))
    return np.array(found, dtype=np.int64).reshape(len(found), depth, 2)


def _prefixes(k: int, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``depth`` pairs of every subtree to enumerate, and whether to add its transpose.

    Only first pairs ``(0, q)`` with ``q <= k`` are kept: ``(0, 2k - q)`` is their mirror image.
    """
    prefixes = matching_prefixes(2 * k, depth, first_max=k)
    mirrored = np.array([depth > 0 and pre[0][1] < k for pre in prefixes], dtype=bool)
    return prefixes, mirrored


def matchings_matrix(k: int, progress: Progress | None = None) -> CoefficientMatrix:
    """``C^{(k)}`` of ``E tr(S^k)`` by enumerating the ``(2k-1)!!`` Wick matchings (exact).

    ``progress(done, total)``, if given, is called after each batch of subtrees with the number
    of matchings counted so far; the last call has ``done == total == (2k-1)!!``.
    Raises ``ValueError`` unless ``1 <= k <= MAX_K_MATCHINGS``.
    """
    k = check_order(k, max_k=MAX_K_MATCHINGS, why=_WHY)
    return _count_matchings(k, TAIL_PAIRS, 2 if k <= 10 else 3, progress)


def _count_matchings(
    k: int, tail_pairs: int, split_depth: int, progress: Progress | None
) -> CoefficientMatrix:
    """:func:`matchings_matrix` with its tuning exposed (for tests): the last ``tail_pairs``
    pairs are closed by table look-up, subtrees are split off after ``split_depth`` pairs."""
    from numba import get_num_threads

    from ..kernels.matchings import count_subtrees

    r = min(tail_pairs, k)
    depth = max(0, min(split_depth, k - r))
    strides, hist = _tail_table(r)
    prefixes, mirrored = _prefixes(k, depth)
    per_task = double_factorial(2 * (k - depth) - 1)
    total = double_factorial(2 * k - 1)
    batch = len(prefixes) if progress is None else max(4 * get_num_threads(), 1)
    counts = np.zeros((k + 1, k + 1), dtype=np.int64)
    done = 0
    for start in range(0, len(prefixes), batch):
        stop = min(start + batch, len(prefixes))
        out = count_subtrees(k, prefixes[start:stop], r, strides, hist)
        flip = mirrored[start:stop]
        counts += out.sum(axis=0) + out[flip].sum(axis=0).T
        done += per_task * (stop - start + int(flip.sum()))
        if progress is not None:
            progress(done, total)
    terms = {(a, b): int(counts[a, b]) for a in range(k + 1) for b in range(k + 1) if counts[a, b]}
    return CoefficientMatrix.from_terms(k, terms, engine="matchings")
