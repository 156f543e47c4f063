"""Slow, obviously correct Wick enumeration of ``C^{(k)}``, to check the fast engines against.

Every perfect matching of the ``2k`` factors of ``tr(S^k) = sum prod_t W[i_t, j_t] W[i_{t+1}, j_t]``
is listed in plain Python; each matched pair of factors ``W[i, j] W[i', j']`` identifies
``i = i'`` and ``j = j'``. The numbers of connected classes of column indices ``a`` and of row
indices ``b`` (networkx) give the matching's term ``n^a m^b``. Meant for ``k <= 6``
(10395 matchings, under a second).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import networkx as nx

from .._validation import check_order
from ..layout import CoefficientMatrix

#: k = 7 (135 135 matchings) takes about 8 s; k = 8 (2 027 025) would take minutes.
MAX_K_REFERENCE = 7


def perfect_matchings(points: list[int]) -> Iterator[list[tuple[int, int]]]:
    """All perfect matchings of ``points`` (an even-length list), each as a list of pairs."""
    if not points:
        yield []
        return
    first, rest = points[0], points[1:]
    for idx, partner in enumerate(rest):
        for tail in perfect_matchings(rest[:idx] + rest[idx + 1 :]):
            yield [(first, partner), *tail]


def factor_indices(k: int, position: int) -> tuple[int, int]:
    """``(row, column)`` index labels of factor ``position``: ``2t -> (i_t, j_t)``,
    ``2t+1 -> (i_{t+1 mod k}, j_t)``."""
    t, odd = divmod(position, 2)
    return ((t + odd) % k, t)


def reference_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` by listing all ``(2k-1)!!`` matchings and counting index classes (networkx)."""
    k = check_order(k, max_k=MAX_K_REFERENCE, why=": the reference enumeration is plain Python")
    terms: Counter[tuple[int, int]] = Counter()
    for matching in perfect_matchings(list(range(2 * k))):
        rows = nx.Graph()
        cols = nx.Graph()
        rows.add_nodes_from(range(k))
        cols.add_nodes_from(range(k))
        for p, q in matching:
            (ip, jp), (iq, jq) = factor_indices(k, p), factor_indices(k, q)
            rows.add_edge(ip, iq)
            cols.add_edge(jp, jq)
        terms[(nx.number_connected_components(cols), nx.number_connected_components(rows))] += 1
    return CoefficientMatrix.from_terms(k, terms, engine="reference")
