"""Jack polynomials ``C^{(alpha)}_kappa`` at any rational ``alpha``: argument checks, the closed
forms ``j_kappa``, ``[x]_kappa``, ``C_kappa(I_m)``, and the exact basis change to power sums.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from math import factorial, prod
from typing import Any

from ...limits import limit
from .. import _univariate as up
from .._parts import integer_items
from .._parts import partitions_of as _partitions
from .._parts import z_lambda as _z
from ..zonal.basis import _boxes, _dominance_below, _gram_schmidt, _monomials_in_power_sums

Partition = tuple[int, ...]

#: Largest degree for which a whole Jack basis is built (the change of basis costs O(p(k)^3));
#: see :mod:`wishart_moments.limits`.
MAX_K_JACK = limit("jack")

_WHY = " (the exact Jack change of basis costs O(p(k)^3) rational operations)"


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------


def as_rational(value: object, name: str = "alpha") -> Fraction:
    """``value`` as a positive ``Fraction`` (ints, Fractions, SymPy rationals, ``"1/2"``, floats
    read as their shortest decimal), else ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a positive rational number, got {value!r}")
    try:
        if isinstance(value, (numbers.Rational, str)):
            out = Fraction(value)  # type: ignore[arg-type]
        elif isinstance(value, float):
            out = Fraction(repr(value))
        elif hasattr(value, "p") and hasattr(value, "q"):  # sympy.Rational
            out = Fraction(int(value.p), int(value.q))  # type: ignore[attr-defined]
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{name} must be a positive rational number, got {value!r}") from None
    if out <= 0:
        raise ValueError(f"{name} must be a positive rational number, got {value!r}")
    return out


def _check_order(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= int(k) <= MAX_K_JACK:
        raise ValueError(f"k must be an integer with 1 <= k <= {MAX_K_JACK}{_WHY}, got {k!r}")
    return int(k)


def check_parts(parts: Iterable[int], *, allow_empty: bool = True) -> Partition:
    """``parts`` (any order) as a partition: positive ints, nonincreasing. Empty = constant 1."""
    raw = integer_items(
        parts,
        minimum=1,
        not_iterable="parts must be a sequence of positive integers, got {parts!r}",
        bad_item="parts must be positive integers, got {parts!r}",
    )
    if not raw and not allow_empty:
        raise ValueError("parts must not be empty")
    out = tuple(sorted((int(p) for p in raw), reverse=True))
    if sum(out) > MAX_K_JACK:
        raise ValueError(f"sum(parts)={sum(out)} is too large: allowed <= {MAX_K_JACK}{_WHY}")
    return out


def _as_int(x: Fraction) -> int:
    if x.denominator != 1:
        raise ArithmeticError(f"{x} is not an integer")
    return int(x)


# ---------------------------------------------------------------------------------------------
# Closed forms
# ---------------------------------------------------------------------------------------------


def hook_product(kappa: Sequence[int], alpha: Any) -> Fraction:
    """``j_kappa = prod_{s in kappa} (alpha a(s) + l(s) + 1)(alpha a(s) + l(s) + alpha)``
    ``= <J_kappa, J_kappa>``."""
    alpha = as_rational(alpha)
    boxes = _boxes(tuple(kappa))
    return prod(
        ((alpha * a + leg + 1) * (alpha * a + leg + alpha) for _, _, a, leg in boxes),
        start=Fraction(1),
    )


def content_polynomial(kappa: Sequence[int], alpha: Any) -> tuple[Fraction, ...]:
    """Coefficients (constant first) of ``[x]_kappa = prod_{(i,j)} (x + alpha(j-1) - (i-1))``."""
    alpha = as_rational(alpha)
    poly: tuple[Fraction, ...] = up.ONE
    for i, j, _, _ in _boxes(tuple(kappa)):
        poly = up.mul(poly, (alpha * (j - 1) - (i - 1), Fraction(1)))
    return poly


def identity_scale(kappa: Sequence[int], alpha: Any) -> Fraction:
    """``alpha^k k! / j_kappa``, so that ``C_kappa(I_m) = identity_scale * [m]_kappa``."""
    alpha = as_rational(alpha)
    k = sum(kappa)
    return alpha**k * factorial(k) / hook_product(kappa, alpha)


# ---------------------------------------------------------------------------------------------
# The Jack basis of degree k
# ---------------------------------------------------------------------------------------------


class JackBasis:
    """All ``C^{(alpha)}_kappa``, ``|kappa| = k``, in the power-sum basis (exact).

    ``partitions``: the partitions of ``k`` in reverse lexicographic order;
    ``jack_in_power(kappa)``: ``{lambda: c}`` with ``C_kappa = sum c p_lambda``;
    ``power_in_jack(mu)``: ``{kappa: a}`` with ``p_mu = sum a C_kappa``.
    """

    def __init__(self, k: int, alpha: Fraction) -> None:
        self.k = k
        self.alpha = alpha
        self.partitions: tuple[Partition, ...] = _partitions(k)
        order = tuple(reversed(self.partitions))  # a linear extension of dominance
        self._order = order
        self._index = {lam: i for i, lam in enumerate(order)}
        below = _dominance_below(order)
        mono = _monomials_in_power_sums(k)
        # <p_lam, p_lam> = z_lam alpha^{l(lam)}, times the common factor q^k (alpha = p/q)
        ap, aq = alpha.numerator, alpha.denominator
        weight = [_z(lam) * ap ** len(lam) * aq ** (k - len(lam)) for lam in order]
        self._weight = [Fraction(w, aq**k) for w in weight]
        jack, norms = _gram_schmidt(mono, weight, below)  # norms: <P, P> times q^k
        scale_num = alpha**k * factorial(k)
        self._jack: dict[Partition, tuple[Fraction, ...]] = {}
        self._norm: dict[Partition, Fraction] = {}
        self._integer_rows: dict[Partition, tuple[list[int], Fraction]] = {}
        for r, kappa in enumerate(order):
            c_prime = prod(
                (alpha * a + leg + alpha for _, _, a, leg in _boxes(kappa)), start=Fraction(1)
            )
            scale = scale_num / c_prime
            num, den = jack[r]
            self._jack[kappa] = tuple(scale * Fraction(x, den) for x in num)
            self._integer_rows[kappa] = (num, scale / den)  # C_kappa = factor * num
            self._norm[kappa] = scale * scale * norms[r] / aq**k

    def jack_in_power(self, kappa: Sequence[int]) -> dict[Partition, Fraction]:
        """``{lambda: c}`` with ``C_kappa = sum_lambda c p_lambda`` (zeros left out)."""
        vec = self._jack[self._key(kappa)]
        return {lam: vec[self._index[lam]] for lam in self.partitions if vec[self._index[lam]]}

    def power_in_jack(self, mu: Sequence[int]) -> dict[Partition, Fraction]:
        """``{kappa: a}`` with ``p_mu = sum_kappa a C_kappa``,
        ``a = <p_mu, C_kappa> / <C_kappa, C_kappa>``."""
        i = self._index[self._key(mu)]
        w = self._weight[i]
        out = {}
        for kappa in self.partitions:
            c = self._jack[kappa][i]
            if c:
                out[kappa] = w * c / self._norm[kappa]
        return out

    def norm(self, kappa: Sequence[int]) -> Fraction:
        """``<C_kappa, C_kappa>`` (computed; equals ``(alpha^k k!)^2 / j_kappa``)."""
        return self._norm[self._key(kappa)]

    def _key(self, kappa: Sequence[int]) -> Partition:
        key = tuple(kappa)
        if key not in self._index:
            raise ValueError(f"{kappa!r} is not a partition of {self.k}")
        return key


@cache
def _basis(k: int, alpha: Fraction) -> JackBasis:
    return JackBasis(k, alpha)


def jack_basis(k: int, alpha: Any) -> JackBasis:
    """The Jack polynomials ``C^{(alpha)}_kappa`` of degree ``k`` (cached per ``(k, alpha)``)."""
    return _basis(_check_order(k), as_rational(alpha))
