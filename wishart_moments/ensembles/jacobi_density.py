"""Slow, obvious reference: Jacobi moments by integrating the density exactly, for tiny ``m``.

Density ``prop. prod x_i^a (1 - x_i)^b |Delta(x)|^beta`` on ``[0, 1]^m``. Every integral reduces to
Beta integrals, ``int_0^1 x^{a+e} (1 - x)^b dx / int_0^1 x^a (1 - x)^b dx = (a+1)_e / (a+b+2)_e``:

* ``m = 1``: ``E x^k = (a+1)_k / (a+b+2)_k`` (the Beta law; any real ``a, b > -1``);
* even ``beta``, any ``m``: ``|Delta|^beta = Delta^beta`` is a polynomial; expand
  ``p_mu Delta^beta`` in monomials and integrate each coordinate (any real ``a, b > -1``);
* odd ``beta``, ``m = 2``, integer ``b >= 0``: by symmetry the integral is twice the one over
  ``y < x``, where ``|x - y|^beta = (x - y)^beta``; expanding ``(1 - y)^b`` turns
  ``int_0^x y^c (1 - y)^b dy`` into powers of ``x``, and the outer integral is a Beta integral.

Exponential in ``m`` and ``|mu|``: for the tests only.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from math import comb

Monomials = dict[tuple[int, ...], int]


def _rising_ratio(a: Fraction, b: Fraction, e: int) -> Fraction:
    """``(a+1)_e / (a+b+2)_e``."""
    out = Fraction(1)
    for i in range(e):
        out *= (a + 1 + i) / (a + b + 2 + i)
    return out


def _multiply(x: Monomials, y: Monomials) -> Monomials:
    out: Monomials = {}
    for ex, cx in x.items():
        for ey, cy in y.items():
            key = tuple(u + v for u, v in zip(ex, ey, strict=True))
            out[key] = out.get(key, 0) + cx * cy
    return {k: c for k, c in out.items() if c}


def _power_sums(parts: Iterable[int], m: int) -> Monomials:
    out: Monomials = {(0,) * m: 1}
    for p in parts:
        out = _multiply(out, {tuple(p * (i == j) for j in range(m)): 1 for i in range(m)})
    return out


def _vandermonde_power(m: int, beta: int) -> Monomials:
    out: Monomials = {(0,) * m: 1}
    for i in range(m):
        for j in range(i + 1, m):
            diff = {
                tuple(int(t == i) for t in range(m)): 1,
                tuple(int(t == j) for t in range(m)): -1,
            }
            for _ in range(beta):
                out = _multiply(out, diff)
    return out


def _even(parts: Iterable[int], m: int, beta: int, a: Fraction, b: Fraction) -> Fraction:
    weight = _vandermonde_power(m, beta)

    def integral(poly: Monomials) -> Fraction:
        total = Fraction(0)
        for ex, c in poly.items():
            term = Fraction(c)
            for e in ex:
                term *= _rising_ratio(a, b, e)
            total += term
        return total

    return integral(_multiply(weight, _power_sums(parts, m))) / integral(weight)


def _odd_two(parts: Iterable[int], beta: int, a: Fraction, b: int) -> Fraction:
    """``m = 2``, odd ``beta``, integer ``b >= 0``: twice the integral over ``y < x``."""
    diff = {(1, 0): 1, (0, 1): -1}
    weight: Monomials = {(0, 0): 1}
    for _ in range(beta):
        weight = _multiply(weight, diff)

    def integral(poly: Monomials) -> Fraction:
        # int_0^1 x^{a+e} (1-x)^b int_0^x y^{a+g} (1-y)^b dy dx, up to the common Beta(a+1, b+1)^2
        total = Fraction(0)
        for (e, g), c in poly.items():
            for t in range(b + 1):
                inner = Fraction(comb(b, t) * (-1) ** t) / (a + g + t + 1)
                # x^{a+e} x^{a+g+t+1} (1-x)^b = x^{a + (a+e+g+t+1)} (1-x)^b
                total += c * inner * _beta_shifted(a, b, a + e + g + t + 1)
        return total

    return integral(_multiply(weight, _power_sums(parts, 2))) / integral(weight)


def _beta_shifted(a: Fraction, b: int, shift: Fraction) -> Fraction:
    """``B(a + shift + 1, b + 1) / B(a + 1, b + 1)`` for integer ``b >= 0``:
    ``prod_{i<=b} (a + 1 + i) / (a + shift + 1 + i)``."""
    out = Fraction(1)
    for i in range(b + 1):
        out *= (a + 1 + i) / (a + shift + 1 + i)
    return out


def density_moment(
    parts: Iterable[int], m: int, beta: int | Fraction, a: Fraction, b: Fraction
) -> Fraction:
    """``E prod_j tr J^{parts_j}`` by exact integration of the density (see the module
    docstring for the cases covered); ``ValueError`` for the others."""
    parts = [int(p) for p in parts]
    a, b, beta = Fraction(a), Fraction(b), Fraction(beta)
    if m == 1:
        return _rising_ratio(a, b, sum(parts))
    if beta.denominator == 1 and beta.numerator % 2 == 0:
        return _even(parts, m, int(beta), a, b)
    if m == 2 and beta.denominator == 1 and b.denominator == 1 and b >= 0:
        return _odd_two(parts, int(beta), a, int(b))
    raise ValueError(
        "exact integration covers m = 1, even beta, or m = 2 with odd beta and integer b >= 0; "
        f"got m={m}, beta={beta}, b={b}"
    )
