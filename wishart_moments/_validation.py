"""Argument checks shared by the public API: every failure is a ValueError naming the bad value."""

from __future__ import annotations

import math
import numbers

ENGINES = ("recursion", "five_term", "matchings", "zonal")


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_positive_real(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite number > 0, else raise.

    Numbers and 0-dimensional tensors are accepted; bools and strings are not.
    """
    if isinstance(value, (bool, str, bytes)):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {number!r}")
    return number


def check_order(k: object, *, name: str = "k", max_k: int | None = None, why: str = "") -> int:
    """Return ``k`` as an ``int`` if it is a positive integer (at most ``max_k``), else raise."""
    k = check_positive_int(k, name)
    if max_k is not None and k > max_k:
        raise ValueError(f"{name}={k} is too large: allowed 1 <= {name} <= {max_k}{why}")
    return k


def check_engine(engine: object) -> str:
    """Return ``engine`` if it names a coefficient engine, else raise."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: allowed are {', '.join(map(repr, ENGINES))}")
    return str(engine)
