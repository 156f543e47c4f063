"""Arguments of the Stein recursion (``beta`` as ``alpha = 2/beta``, partitions, powers) and the
partition steps shared by the forward and the inverse chains.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from fractions import Fraction
from functools import cache
from typing import Any

from .._parts import integer_items

Partition = tuple[int, ...]
MatrixKey = tuple[int, Partition, int]
Number = Any  # int | Fraction | float


# ---------------------------------------------------------------------------------------------
# arguments and partitions


def alpha_of(beta: object) -> Fraction:
    """``alpha = 2 / beta`` as a Fraction; ``beta`` must be a positive rational (int/Fraction)."""
    if isinstance(beta, bool) or not isinstance(beta, (numbers.Rational, float)):
        raise ValueError(f"beta must be a positive rational number, got {beta!r}")
    if isinstance(beta, float):
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be a positive rational number, got {beta!r}")
        beta = Fraction(beta).limit_denominator(10**6)
    b = Fraction(beta)
    if b <= 0:
        raise ValueError(f"beta must be a positive rational number, got {beta!r}")
    return 2 / b


def normalize_parts(parts: Iterable[object], name: str = "parts") -> Partition:
    """``parts`` as a non-increasing tuple of positive ints (any order in; empty allowed)."""
    if isinstance(parts, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of positive integers, got {parts!r}")
    out = integer_items(
        parts,
        minimum=1,
        not_iterable=f"{name} must be a sequence of positive integers, got {{parts!r}}",
        bad_item=f"{name} must contain positive integers only, got {{p!r}} in {{items!r}}",
    )
    return tuple(sorted(out, reverse=True))


@cache
def _add_part(lam: Partition, s: int) -> Partition:
    return tuple(sorted((*lam, s), reverse=True))


@cache
def _removals(lam: Partition) -> tuple[tuple[int, int, Partition], ...]:
    """``(j, multiplicity of j, lam minus one j)`` for each distinct part ``j`` of ``lam``."""
    out = []
    for j in sorted(set(lam), reverse=True):
        i = lam.index(j)
        out.append((j, lam.count(j), lam[:i] + lam[i + 1 :]))
    return tuple(out)


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, numbers.Integral) or int(power) < 0:
        raise ValueError(f"power must be a non-negative integer, got {power!r}")
    return int(power)
