"""Argument checks shared by the public API: every failure is a ValueError naming the bad value."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

# Engines of the coefficient tables: the real (beta = 1) ones, then the beta-family ones.
REAL_ENGINES = ("recursion", "five_term", "matchings", "zonal")
BETA_ENGINES = ("loop_equations", "three_term", "schur", "permutations", "jack")
ENGINES = REAL_ENGINES + BETA_ENGINES
# Largest denominator accepted for a float beta (0.5, 0.25, 1.5 are exact; 0.1 is not).
_FLOAT_BETA_DENOMINATOR = 64


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


def check_beta(beta: object, *, name: str = "beta") -> int | Fraction:
    """Return an exact rational ``beta > 0`` (``int`` when integral, else ``Fraction``), else raise.

    Accepted: ints, ``Fraction`` and other exact rationals (SymPy ``Rational``), strings such as
    ``"4"`` or ``"1/2"``, and floats that are exact fractions with denominator at most 64
    (``0.5``; not ``0.1``, which is not the binary number it looks like).
    """
    bad = f"{name} must be an exact rational number > 0 (e.g. 1, 2, 4, '1/2'), got {beta!r}"
    if isinstance(beta, bool) or beta is None:
        raise ValueError(bad)
    try:
        if isinstance(beta, float):
            if not math.isfinite(beta):
                raise ValueError(bad)
            value = Fraction(beta)
            if value.denominator > _FLOAT_BETA_DENOMINATOR:
                raise ValueError(
                    f"{name}={beta!r} is not an exact binary fraction: give it as a string or a "
                    f"Fraction, e.g. {name}='{Fraction(beta).limit_denominator(1000)}'"
                )
        elif isinstance(beta, str):
            value = Fraction(beta.strip())
        elif isinstance(beta, numbers.Rational):
            value = Fraction(int(beta.numerator), int(beta.denominator))
        else:
            raise ValueError(bad)
    except (TypeError, ZeroDivisionError):
        raise ValueError(bad) from None
    except ValueError as exc:
        if str(exc).startswith(name):
            raise
        raise ValueError(bad) from None
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {beta!r}")
    return int(value) if value.denominator == 1 else value
