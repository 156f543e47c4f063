"""Argument checks and small partition helpers shared by the engines (one home for each)."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from functools import cache
from math import factorial, prod

Partition = tuple[int, ...]


def integer_items(parts: object, *, minimum: int, not_iterable: str, bad_item: str) -> list[int]:
    """The items of ``parts`` as ints, each an integer ``>= minimum`` (bools are not integers).

    ``ValueError`` otherwise, with the message ``not_iterable`` (``parts`` not iterable) or
    ``bad_item`` (a bad item), formatted with ``parts``, ``items`` (the list) and ``p`` (the item).
    """
    try:
        items = list(parts)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError(not_iterable.format(parts=parts)) from None
    for p in items:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < minimum:
            raise ValueError(bad_item.format(p=p, items=items, parts=parts))
    return [int(p) for p in items]


def check_parts(parts: object, *, max_total: int | None = None, why: str = "") -> Partition:
    """Return ``parts`` as a partition (positive ints, nonincreasing), or raise ``ValueError``.

    ``parts`` may list the trace powers in any order; the empty sequence is the constant 1.
    ``max_total`` bounds ``sum(parts)`` (the degree ``k``), ``why`` is appended to that message.
    """
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Iterable):
        raise ValueError(f"parts must be a sequence of positive integers, got {parts!r}")
    out = integer_items(
        parts,
        minimum=1,
        not_iterable="parts must be a sequence of positive integers, got {parts!r}",
        bad_item="parts must be positive integers, got {p!r} in {parts!r}",
    )
    mu = tuple(sorted(out, reverse=True))
    if max_total is not None and sum(mu) > max_total:
        raise ValueError(
            f"sum(parts)={sum(mu)} is too large: allowed sum(parts) <= {max_total}{why}"
        )
    return mu


def check_beta_12(beta: object) -> int:
    """Return ``beta`` as 1 or 2 (the fields these enumerations cover), or raise."""
    if isinstance(beta, bool) or beta not in (1, 2):
        raise ValueError(f"beta must be 1 (real) or 2 (complex) here, got {beta!r}")
    return int(beta)  # type: ignore[call-overload]


@cache
def partitions_of(k: int, largest: int | None = None) -> tuple[Partition, ...]:
    """All partitions of ``k`` (nonincreasing parts, each at most ``largest``; default ``k``), in
    reverse lexicographic order. ``partitions_of(0) == ((),)``."""
    out: list[Partition] = []

    def extend(prefix: Partition, rest: int, top: int) -> None:
        if rest == 0:
            out.append(prefix)
            return
        for part in range(min(rest, top), 0, -1):
            extend((*prefix, part), rest - part, part)

    extend((), k, k if largest is None else largest)
    return tuple(out)


def z_lambda(lam: Partition) -> int:
    """``z_lambda = prod_i i^{m_i} m_i!``: ``k! / z_lambda`` permutations have cycle type lambda."""
    return prod(p ** lam.count(p) * factorial(lam.count(p)) for p in set(lam))


def evaluation_order(
    targets: Iterable[Partition], used: Callable[[Partition], Iterable[Partition]]
) -> tuple[list[Partition], dict[Partition, int]]:
    """Every state the targets need (``used(mu)``: the states ``mu`` is computed from), by
    increasing total, and how many states use each one.

    Within a total the states go in decreasing order: the states below are then released (their
    last user done) about as fast as new ones are made, so about one layer is held at a time.
    """
    uses: dict[Partition, int] = {}
    stack = list(targets)
    for mu in stack:
        uses.setdefault(mu, 0)
    while stack:
        for d in used(stack.pop()):
            if d not in uses:
                uses[d] = 0
                stack.append(d)
            uses[d] += 1
    order = sorted(uses, key=lambda mu: (-sum(mu), mu), reverse=True)
    return order, uses
