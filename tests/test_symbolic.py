"""SymPy export: exact Integer coefficients, plain symbols, latex and lambdify."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from wishart_moments import symbolic
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.symbolic import (
    m,
    multi_trace_moment_expr,
    n,
    sigma,
    table_expression,
    trace_moment,
)


def test_symbols_carry_no_assumptions() -> None:
    """The user's own sympy.symbols("n m ...") are the same symbols (tests/test_user_symbols.py)."""
    for s in (n, m, sigma, symbolic.alpha, symbolic.gamma):
        assert s == sympy.Symbol(s.name) and s.assumptions0 == {"commutative": True}


def test_small_orders() -> None:
    assert sympy.expand(trace_moment(1) - sigma**2 * n * m) == 0
    assert sympy.expand(trace_moment(2) - sigma**4 * n * m * (n + m + 1)) == 0
    assert sympy.factor(trace_moment(2)) == sigma**4 * n * m * (n + m + 1)
    # k = 3 as in docs/mathematics.md (the paper's appendix)
    k3 = n**3 * m + 3 * n**2 * m + 3 * n**2 * m**2 + 4 * n * m + 3 * n * m**2 + n * m**3
    assert sympy.expand(trace_moment(3) - sigma**6 * k3) == 0


@pytest.mark.parametrize("k", [1, 4, 7, 30])
def test_coefficients_are_the_table(k: int) -> None:
    cm = recursion_matrix(k)
    poly = sympy.Poly(sympy.expand(trace_moment(k) / sigma ** (2 * k)), n, m)
    assert {mono: int(c) for mono, c in poly.terms()} == cm.terms()
    assert all(isinstance(c, sympy.Integer) for c in poly.coeffs())
    if k == 30:  # exact beyond double precision
        assert max(cm.terms().values()) > 2**53


def test_latex_and_lambdify() -> None:
    expr = trace_moment(3)
    text = sympy.latex(expr)
    assert r"\sigma^{6}" in text and "m^{3} n" in text
    f = sympy.lambdify((n, m, sigma), expr, "math")
    cm = recursion_matrix(3)
    assert f(5, 3, 0.5) == pytest.approx(float(cm.evaluate(5, 3, Fraction(1, 2))), rel=1e-14)
    assert expr.subs({n: 5, m: 3, sigma: sympy.Rational(1, 2)}) == cm.evaluate(5, 3, Fraction(1, 2))


def test_table_expression_and_engine() -> None:
    assert table_expression(recursion_matrix(5)) == trace_moment(5)
    assert trace_moment(4, "matchings") == trace_moment(4)
    with pytest.raises(ValueError, match="unknown engine"):
        trace_moment(3, "wick")
    with pytest.raises(ValueError, match="positive integer"):
        trace_moment(0)


def test_multi_trace_moment_expr() -> None:
    # E (tr S)^2 = sigma^4 (n^2 m^2 + 2 n m): tr S / sigma^2 is chi^2 with nm degrees of freedom
    assert sympy.expand(multi_trace_moment_expr([1, 1]) - sigma**4 * (n**2 * m**2 + 2 * n * m)) == 0
    assert multi_trace_moment_expr([3]) == trace_moment(3)
    assert multi_trace_moment_expr([0]) == m
