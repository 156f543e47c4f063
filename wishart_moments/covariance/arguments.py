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

# ---------------------------------------------------------------------------------------------
# arguments


def _check_beta(beta: object, with_cov: bool) -> Any:
    """Any positive rational ``beta`` (an ``int`` when integral, else a ``Fraction``; floats are
    read as the rational they print as, ``0.5 -> 1/2``), with or without a covariance: 1, 2, 4
    are the real, complex and quaternion Wishart, any other value the beta-Wishart (whose moments
    depend on ``Sigma`` only through its eigenvalues). ``None`` is the symbol ``beta``; a SymPy
    expression with free symbols is returned as is (symbolic beta: forward moments only)."""
    if beta is None:
        from ..moments import BETA

        return BETA
    if isinstance(beta, sympy.Basic) and beta.free_symbols:
        return beta
    if not isinstance(beta, bool) and isinstance(beta, (numbers.Real, sympy.Basic)):
        try:
            value = Fraction(str(sympy.nsimplify(beta, rational=True)))
        except (TypeError, ValueError):
            value = None
        if value is not None and value > 0:
            return int(value) if value.denominator == 1 else value
    where = " with a covariance" if with_cov else ""
    raise ValueError(
        f"beta must be a positive number{where} (1 real, 2 complex, 4 quaternion, any other "
        f"beta > 0 the beta-Wishart) or a SymPy symbol, got {beta!r}"
    )


def _is_symbolic_beta(beta: Any) -> bool:
    return isinstance(beta, sympy.Basic)


def _refuse_symbolic_inverse(beta: Any) -> None:
    if _is_symbolic_beta(beta):
        raise ValueError(
            "inverse moments need a numeric beta (they are rational functions of n - m and "
            f"beta, which this engine does not build); got the symbolic beta {beta}"
        )


def _check_field(parsed: _Exact | np.ndarray, beta: Any) -> None:
    """A complex (non-real Hermitian) covariance only for the complex Wishart, beta = 2."""
    is_complex = parsed.complex if isinstance(parsed, _Exact) else parsed.dtype.kind == "c"
    if is_complex and beta != 2:
        raise ValueError(
            f"a complex (Hermitian) cov needs beta=2, got beta={beta}; every other beta takes a "
            "real symmetric cov"
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
