"""Slow, plain-Python Wick expansion with means, to check the Numba kernel and the Stein engine.

``prod_i tr(W^{mu_i}) W^r`` is a product of ``2K`` factors ``Y`` and ``Y^*`` (``K = |mu| + r``),
``Y = X + M``. Isserlis' theorem with a mean: ``E`` of the product is the sum, over the partial
matchings of the factors (complex: each pair a ``Y`` with a ``Y^*``; real: any two), of the
product of ``E[Y_ab conj Y_cd] = Sigma_ac delta_bd`` over the pairs (real: ``E[Y_ab Y_cd]``) and
of the mean (``M``, ``M^*``) at every factor left unmatched (Kuriki and Numata's graph sum).

Each factor has a left and a right index slot; the product glues the right slot of a factor to
the left slot of the next. A pair joins the two row slots by ``Sigma`` and the two column slots by
the identity; an unmatched factor joins its own two slots by ``M`` (``M^*``). Every slot then has
two edges, so the graph is a union of cycles (and one path for ``r > 0``): a cycle of column
slots only is a factor ``n``; any other cycle, read forward, is a word in ``Sigma`` and
``Omega = M M^*`` (each excursion through column slots is one ``Omega``); the path is the open
word. Meant for ``K <= 5`` or so (every matching is listed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .words import canonical

__all__ = ["factors", "partial_matchings", "wick_terms_reference"]


def factors(mu: tuple[int, ...], power: int) -> tuple[list[bool], list[int | None]]:
    """``(is_y, nxt)``: whether factor ``p`` is a ``Y`` (else ``Y^*``) and the factor glued to
    its right (``None`` at the right end of the open product ``W^power``, which comes last)."""
    is_y: list[bool] = []
    nxt: list[int | None] = []
    for k, closed in [*((k, True) for k in mu), (power, False)]:
        start = len(is_y)
        for t in range(2 * k):
            is_y.append(t % 2 == 0)
            nxt.append(start + t + 1)
        if k:
            nxt[-1] = start if closed else None
    return is_y, nxt


def partial_matchings(is_y: list[bool], real: bool) -> Iterator[list[tuple[int, int]]]:
    """Every set of disjoint pairs (complex: a ``Y`` with a ``Y^*``; real: any two factors)."""

    def rec(free: list[int]) -> Iterator[list[tuple[int, int]]]:
        if not free:
            yield []
            return
        p, rest = free[0], free[1:]
        yield from rec(rest)  # p takes the mean
        for idx, q in enumerate(rest):
            if real or is_y[p] != is_y[q]:
                for tail in rec(rest[:idx] + rest[idx + 1 :]):
                    yield [(p, q), *tail]

    yield from rec(list(range(len(is_y))))


def _read(mu: tuple[int, ...], power: int, pairs: list[tuple[int, int]], beta: int):
    is_y, nxt = factors(mu, power)
    size = len(is_y)
    prev: dict[int, int] = {q: p for p, q in enumerate(nxt) if q is not None}
    # slots: 2p (left), 2p + 1 (right); the row (m) slot of a Y is its left one
    factor_edge: dict[int, tuple[int, str]] = {}
    matched = set()
    for p, q in pairs:
        matched.update((p, q))
        rp, rq = 2 * p + (0 if is_y[p] else 1), 2 * q + (0 if is_y[q] else 1)
        cp, cq = 2 * p + (1 if is_y[p] else 0), 2 * q + (1 if is_y[q] else 0)
        factor_edge[rp], factor_edge[rq] = (rq, "S"), (rp, "S")
        factor_edge[cp], factor_edge[cq] = (cq, "I"), (cp, "I")
    for p in range(size):
        if p not in matched:
            row, col = 2 * p + (0 if is_y[p] else 1), 2 * p + (1 if is_y[p] else 0)
            factor_edge[row], factor_edge[col] = (col, "M+"), (row, "M-")

    def glue(slot: int) -> int | None:
        p, side = divmod(slot, 2)
        if side:
            q = nxt[p]
            return None if q is None else 2 * q
        q = prev.get(p)
        return None if q is None else 2 * q + 1

    seen: set[int] = set()

    def walk(start: int) -> tuple[str, bool]:
        letters, slot, only_columns = [], start, True
        while True:
            seen.add(slot)
            other, label = factor_edge[slot]
            seen.add(other)
            if label == "S":
                letters.append("S")
                only_columns = False
            elif label == "M+":  # into the column slots: one Omega
                letters.append("O")
                only_columns = False
            elif label == "M-":
                only_columns = False
            slot = glue(other)  # type: ignore[assignment]
            if slot is None or slot == start:
                return "".join(letters), only_columns

    open_word = ""
    if power:
        open_word, _ = walk(2 * (2 * sum(mu)))
    e, closed = 0, []
    for p in range(size):
        if 2 * p not in seen:
            word, only_columns = walk(2 * p)
            if only_columns:
                e += 1
            else:
                closed.append(canonical(word, beta))
    return e, tuple(sorted(closed)), open_word


def wick_terms_reference(
    mu: tuple[int, ...], power: int, beta: int
) -> dict[tuple[tuple[str, ...], str], dict[int, int]]:
    """``E[prod_i tr(W^{mu_i}) W^power]`` as ``{(closed, open): {e: count}}`` (every matching)."""
    is_y, _ = factors(mu, power)
    counts: Counter = Counter()
    for pairs in partial_matchings(is_y, beta == 1):
        counts[_read(mu, power, pairs, beta)] += 1
    out: dict = {}
    for (e, closed, word), c in counts.items():
        out.setdefault((closed, word), {})[e] = c
    return out
