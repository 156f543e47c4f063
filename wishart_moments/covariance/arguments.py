"""Checks of the arguments ``beta``, ``n``, ``m``, ``power`` of the covariance moments, and of the
existence of inverse moments.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .parsing import _Exact

_CLASSICAL = (1, 2, 4)

# ---------------------------------------------------------------------------------------------
# arguments


def _check_beta(beta: object, with_cov: bool) -> Any:
    """``beta`` in {1, 2, 4} with a covariance; any positive rational for ``Sigma = I``."""
    if not isinstance(beta, bool) and isinstance(beta, (numbers.Real, sympy.Basic)):
        if with_cov and beta in _CLASSICAL:
            return int(beta)  # type: ignore[call-overload]
        if not with_cov:
            try:
                value = Fraction(str(sympy.nsimplify(beta, rational=True)))
            except (TypeError, ValueError):
                value = None
            if value is not None and value > 0:
                return int(value) if value.denominator == 1 else value
    allowed = (
        "1 (real), 2 (complex) or 4 (quaternion) with a covariance"
        if with_cov
        else ("a positive number")
    )
    raise ValueError(f"beta must be {allowed}, got {beta!r}")


def _check_field(parsed: _Exact | np.ndarray, beta: int) -> None:
    """A complex (non-real Hermitian) covariance only for the complex Wishart, beta = 2."""
    is_complex = parsed.complex if isinstance(parsed, _Exact) else parsed.dtype.kind == "c"
    if is_complex and beta != 2:
        raise ValueError(
            f"a complex (Hermitian) cov needs beta=2, got beta={beta}; beta 1 and 4 take a real "
            "symmetric cov"
        )


def _check_n(n: object) -> Any:
    """``n`` as int / Fraction / float, or a SymPy expression (symbolic)."""
    if isinstance(n, bool) or n is None:
        raise ValueError(f"n must be a positive number, got {n!r}")
    if isinstance(n, sympy.Basic):
        if n.is_number:
            if n.is_Rational:
                n = Fraction(int(n.p), int(n.q))
            elif n.is_real and n.is_finite:
                n = float(n)
            else:
                raise ValueError(f"n must be a positive real number, got {n}")
        else:
            return n
    if isinstance(n, numbers.Integral):
        n = int(n)
    elif isinstance(n, numbers.Rational):
        n = Fraction(n)
    elif isinstance(n, numbers.Real):
        n = float(n)
        if not math.isfinite(n):
            raise ValueError(f"n must be a finite positive number, got {n!r}")
    else:
        raise ValueError(f"n must be a positive number or a SymPy expression, got {n!r}")
    if not n > 0:
        raise ValueError(f"n must be positive, got {n!r}")
    return n


def _check_m(m: object) -> Any:
    if isinstance(m, sympy.Basic) and not m.is_number:
        return m
    if isinstance(m, sympy.Integer):
        m = int(m)
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or int(m) < 1:
        raise ValueError(f"m must be a positive integer, got {m!r}")
    return int(m)


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, numbers.Integral) or int(power) < 0:
        raise ValueError(f"power must be a non-negative integer, got {power!r}")
    return int(power)


def _check_existence(mu: tuple[int, ...], power: int, beta: Any, n: Any, m: Any) -> None:
    """Inverse moments of total order ``k`` exist iff ``beta (n - m + 1) / 2 > k``."""
    k = sum(mu) + power
    if isinstance(n, sympy.Basic) or isinstance(m, sympy.Basic) or k == 0:
        return
    value = (
        Fraction(beta) * (Fraction(n) - m + 1) / 2
        if not isinstance(n, float)
        else (float(beta) * (n - m + 1) / 2)
    )
    if not value > k:
        raise ValueError(
            f"the inverse moment of total order {k} is infinite: it exists iff "
            f"beta (n - m + 1) / 2 > {k}, but beta={beta}, n={n}, m={m} give {float(value):.6g}"
        )


def _sympify_number(x: Any) -> Any:
    if isinstance(x, int):
        return sympy.Integer(x)
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        return sympy.Float(float(x))
    if isinstance(x, (complex, np.complexfloating)):
        return (
            sympy.Float(x.real) + sympy.I * sympy.Float(x.imag) if x.imag else sympy.Float(x.real)
        )
    return sympy.sympify(x)
