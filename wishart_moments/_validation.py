"""Argument checks shared by the public API: every failure is a ValueError naming the bad value."""

from __future__ import annotations

import numbers

ENGINES = ("recursion", "five_term", "matchings", "zonal")


def check_order(k: object, *, name: str = "k", max_k: int | None = None, why: str = "") -> int:
    """Return ``k`` as an ``int`` if it is a positive integer (at most ``max_k``), else raise."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer, got {k!r}")
    k = int(k)
    if k < 1:
        raise ValueError(f"{name} must be a positive integer, got {k}")
    if max_k is not None and k > max_k:
        raise ValueError(f"{name}={k} is too large: allowed 1 <= {name} <= {max_k}{why}")
    return k


def check_engine(engine: object) -> str:
    """Return ``engine`` if it names a coefficient engine, else raise."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: allowed are {', '.join(map(repr, ENGINES))}")
    return str(engine)
