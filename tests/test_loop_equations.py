"""The beta-family loop equations against independent exact facts and the real recursion."""

from __future__ import annotations

from fractions import Fraction
from math import factorial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wishart_moments.engines.loop_equations import (
    evaluate_terms,
    moment_terms,
    moment_terms_at,
)
from wishart_moments.engines.loop_equations_reference import bidiagonal_moment
from wishart_moments.engines.recursion import multi_trace_moment

BETAS = [1, 2, 4, Fraction(1, 2), 3, Fraction(2, 3), Fraction(7, 5)]


def at_alpha(terms: dict, alpha: Fraction) -> dict:
    out: dict = {}
    for (i, j, g), c in terms.items():
        out[(i, j)] = out.get((i, j), 0) + c * alpha**g
    return {key: c for key, c in out.items() if c}


def at_m(terms: dict, m0: int) -> dict:
    out: dict = {}
    for (i, j, g), c in terms.items():
        out[(i, g)] = out.get((i, g), 0) + c * m0**j
    return {key: c for key, c in out.items() if c}


def test_first_moments() -> None:
    assert moment_terms([1]) == {(1, 1, 0): 1}
    # E tr S^2 = nm(n+m) + (alpha-1) nm
    assert moment_terms([2]) == {(2, 1, 0): 1, (1, 2, 0): 1, (1, 1, 1): 1, (1, 1, 0): -1}
    # E (tr S)^2 = n^2 m^2 + alpha n m  (tr S is a sum of nm iid Gamma(beta/2, 2/beta))
    assert moment_terms([1, 1]) == {(2, 2, 0): 1, (1, 1, 1): 1}
    assert moment_terms([]) == {(0, 0, 0): 1}
    shifted = {(a, b + 2, g): c for (a, b, g), c in moment_terms([2]).items()}
    assert moment_terms([0, 2, 0]) == shifted


@pytest.mark.parametrize("beta", BETAS)
def test_one_by_one(beta: object) -> None:
    """n = m = 1: S is Gamma(beta/2, 2/beta), E S^k = prod_{i<k} (1 + alpha i)."""
    alpha = 2 / Fraction(beta)
    for k in range(1, 16):
        want = Fraction(1)
        for i in range(k):
            want *= 1 + alpha * i
        assert evaluate_terms(moment_terms_at([k], beta), 1, 1) == want
        assert evaluate_terms(moment_terms([k]), 1, 1, alpha) == want


@pytest.mark.parametrize("parts", [(7,), (3, 2), (4, 1, 1), (2, 2, 2), (5, 3), (1, 1, 1, 1)])
def test_real_case_is_the_stein_recursion(parts: tuple[int, ...]) -> None:
    want = multi_trace_moment(parts)
    assert moment_terms_at(parts, 1) == want
    assert at_alpha(moment_terms(parts), Fraction(2)) == want


def test_complex_is_integer_and_known() -> None:
    # E tr (XX^*)^3 = nm(n^2 + 3nm + m^2 + 1) for complex Gaussian X
    assert moment_terms_at([3], 2) == {(3, 1): 1, (2, 2): 3, (1, 3): 1, (1, 1): 1}
    for k in range(1, 25):
        terms = moment_terms_at([k], 2)
        assert all(type(c) is int and c > 0 for c in terms.values())
        assert sum(terms.values()) == factorial(k)  # permutations of S_k (genus expansion)
        assert terms == {(b, a): c for (a, b), c in terms.items()}  # n <-> m


@given(
    parts=st.lists(st.integers(1, 4), min_size=1, max_size=3).filter(lambda p: sum(p) <= 6),
    m0=st.integers(1, 3),
)
def test_against_bidiagonal_expansion(parts: list[int], m0: int) -> None:
    assert at_m(moment_terms(parts), m0) == bidiagonal_moment(parts, m0)


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("parts", [(6,), (3, 2, 1), (2, 2), (4, 4)])
def test_fixed_beta_is_the_general_polynomial(beta: object, parts: tuple[int, ...]) -> None:
    assert moment_terms_at(parts, beta) == at_alpha(moment_terms(parts), 2 / Fraction(beta))


@pytest.mark.parametrize("parts", [(1,), (2,), (3,), (2, 1), (5,), (3, 2), (2, 2, 1), (4, 1, 1)])
def test_beta_four_over_beta_duality(parts: tuple[int, ...]) -> None:
    """alpha <-> 1/alpha duality (beta <-> 4/beta, Dumitriu-Edelman / Forrester):
    M_mu(n, m, alpha) = (-1)^{|mu| - l(mu)} alpha^{|mu| + l(mu)} M_mu(-n/alpha, -m/alpha, 1/alpha).
    Not built into the recursion (its coefficients are not symmetric under the map)."""
    terms = moment_terms(parts)
    size, length = sum(parts), len(parts)
    for alpha, n0, m0 in [(Fraction(3, 7), Fraction(5), Fraction(11, 3)), (Fraction(2), 4, 9)]:
        left = evaluate_terms(terms, n0, m0, alpha)
        right = evaluate_terms(terms, -n0 / alpha, -m0 / alpha, 1 / alpha)
        assert left == (-1) ** (size - length) * alpha ** (size + length) * right


@pytest.mark.parametrize("bad", [[-1], [1.5], ["2"], [True], 3])
def test_bad_parts(bad: object) -> None:
    with pytest.raises(ValueError, match="parts"):
        moment_terms(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -2, 0.1, "x", True, None, float("inf")])
def test_bad_beta(bad: object) -> None:
    with pytest.raises(ValueError, match="beta"):
        moment_terms_at([2], bad)
