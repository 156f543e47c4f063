"""The canonical-order assembly (wishart_moments.canonical, covariance.expressions) builds the very
objects that plain SymPy arithmetic builds: same arguments in the same order, equal and with
equal hashes."""

from __future__ import annotations

import random
from fractions import Fraction
from functools import cmp_to_key

import pytest
import sympy

from wishart_moments.canonical import MonomialSum, distinct_sum, sort_key, times_factors
from wishart_moments.covariance import inverse_power_sum_symbol, moment_expression_cov
from wishart_moments.covariance.expressions import rational_exprs
from wishart_moments.engines import inverse_spectral
from wishart_moments.symbolic import m, n

x, y = sympy.symbols("x y")
q1, q2, q3 = (inverse_power_sum_symbol(j) for j in (1, 2, 3))


def _identical(a: sympy.Basic, b: sympy.Basic) -> bool:
    return a == b and hash(a) == hash(b) and sympy.srepr(a) == sympy.srepr(b)


def test_sort_key_orders_as_basic_compare() -> None:
    pool = [
        sympy.Integer(0), sympy.Integer(1), sympy.Integer(-1), sympy.Rational(1, 2),
        sympy.Integer(7), sympy.Integer(-12), sympy.Rational(-3, 4), sympy.Rational(5, 3),
        n, m, x, y, q1, q3, n**2, m**3, x**2, q1**2, n * m, -m, 3 * n * m**2,
        sympy.Rational(1, 2) * q2, n - m, n - m - 3, x + y + 1, sympy.sin(x), sympy.exp(y),
        sympy.Pow(n - m, -1), q1 * (n - m + 2),
    ]  # fmt: skip
    rng = random.Random(5)
    for _ in range(20):
        rng.shuffle(pool)
        assert sorted(pool, key=sort_key) == sorted(pool, key=cmp_to_key(sympy.Basic.compare))


def _powers(mono: tuple[int, int, int]) -> list[sympy.Expr]:
    a, b, c = mono
    return [s**e for s, e in ((n, a), (m, b), (q2, c)) if e]


@pytest.mark.parametrize("seed", range(8))
def test_monomial_sum_equals_add(seed: int) -> None:
    rng = random.Random(seed)
    monos = {(rng.randint(0, 4), rng.randint(0, 4), rng.randint(0, 2)) for _ in range(25)}
    values = [1, -1, 2, -7, Fraction(1, 2), Fraction(-3, 4), 10**20 + 1, Fraction(5, 3)]
    terms = {mono: rng.choice(values) for mono in monos}
    plain = sympy.Add(
        *(sympy.Rational(c.numerator, c.denominator) * sympy.Mul(*_powers(mono))
          if isinstance(c, Fraction) else c * sympy.Mul(*_powers(mono))
          for mono, c in terms.items())
    )  # fmt: skip
    fast = MonomialSum(_powers)
    assert _identical(fast(terms), plain)
    assert fast.build(terms)[0] == sort_key(plain)
    # with a common denominator and one term
    assert _identical(fast({(1, 0, 0): 6}), 6 * n)
    assert _identical(fast.build({(1, 2, 0): 6}, 4)[1], sympy.Rational(3, 2) * n * m**2)
    assert _identical(fast({(0, 0, 0): Fraction(-5, 2)}), sympy.Rational(-5, 2))


def test_products_and_sums_equal_mul_and_add() -> None:
    build = MonomialSum(_powers)
    poly = build.build({(1, 0, 0): 3, (0, 1, 0): -3, (0, 0, 0): -3})
    single = build.build({(2, 1, 0): -2})
    for coefficient, plain in [(poly, 3 * n - 3 * m - 3), (single, -2 * n**2 * m)]:
        got = times_factors(coefficient, [q1, q3**2])
        assert _identical(got[1], plain * q1 * q3**2)
        assert got[0] == sort_key(got[1])
    terms = [times_factors(poly, [q1]), times_factors(single, [q3]), (sort_key(q2), q2)]
    assert _identical(distinct_sum(terms)[1], sympy.Add(*(t for _, t in terms)))


@pytest.mark.parametrize(
    ("parts", "power", "beta"),
    [((3,), 0, 1), ((4, 2), 0, 1), ((2, 1), 0, 4), ((1, 1), 1, 4), ((1,), 2, 4), ((), 3, 2),
     ((2, 2), 1, 2), ((5,), 0, 2)],
)  # fmt: skip
def test_rational_expressions_equal_plain_arithmetic(parts: tuple, power: int, beta: int) -> None:
    """Including a double pole ((4, 2), beta 1) and coefficients of one power of Sigma^-1 whose
    numerator shares a factor with the common denominator (beta 4, power > 0)."""
    rt = inverse_spectral.inverse_terms(parts, power, beta)
    u = n - m
    groups: dict[int, list] = {}
    for key in sorted(rt.numerators):
        groups.setdefault(key[1], []).append(key)
    together = rational_exprs(rt, list(groups.values()), inverse_power_sum_symbol)
    for keys, got in zip(groups.values(), together, strict=True):
        num = []
        for lam, a in keys:
            coeff = sympy.Add(
                *(sympy.Rational(c.numerator, c.denominator) * u**i
                  for i, c in enumerate(rt.numerators[(lam, a)]) if c)
            )  # fmt: skip
            qs = sympy.Mul(*(inverse_power_sum_symbol(j) for j in lam))
            num.append(sympy.expand(coeff) * qs)
        den = sympy.Mul(
            *((u - sympy.Rational(c.numerator, c.denominator)) ** k for c, k in rt.roots)
        )
        plain = sympy.Add(*num) / den
        assert _identical(got, plain)
        assert _identical(rational_exprs(rt, [keys], inverse_power_sum_symbol)[0], plain)


def test_public_expression_unchanged() -> None:
    """The documented example and a known closed form, exactly as before."""
    assert str(moment_expression_cov([1], inverse=True)) == "q1/(-m + n - 1)"
    e11 = moment_expression_cov([1, 1], inverse=True)
    assert (
        sympy.simplify(e11 - ((n - m - 2) * q1**2 + 2 * q2) / ((n - m) * (n - m - 1) * (n - m - 3)))
        == 0
    )
