"""Argument checks of the ensemble API, in the style of :func:`wishart_moments.moment`."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..moments import _is_symbolic, _number, _parts


def check_parts(parts: object, matrix: str) -> tuple[int, ...]:
    """``parts`` (an int or a nonempty iterable of nonnegative ints) as a tuple."""
    try:
        return _parts(parts)
    except ValueError as exc:
        raise ValueError(str(exc).replace("tr S^0", f"tr {matrix}^0")) from None


def check_size(m: object, matrix: str) -> Any:
    """``m`` as an ``int >= 1`` or a SymPy expression with symbols."""
    if m is None:
        raise ValueError(f"m (the size of {matrix}) is required")
    if _is_symbolic(m):
        return m
    value = _number(m, "m")
    if isinstance(value, float) and value.is_integer():
        value = Fraction(int(value))
    if isinstance(value, float) or value.denominator != 1 or value < 1:
        raise ValueError(f"m must be a positive integer (the size of {matrix}), got {m!r}")
    return int(value)


def check_real(x: object, name: str) -> Any:
    """``x`` as a ``Fraction`` (exact input), a ``float`` or a SymPy expression with symbols."""
    if _is_symbolic(x):
        return x
    return _number(x, name)
