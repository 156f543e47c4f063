"""Gaussian beta-ensemble moments: the loop equations against the genus expansion (GOE, GUE),
the expanded tridiagonal model, published values and exact structural facts."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from wishart_moments.engines._parts import partitions_of
from wishart_moments.ensembles import gaussian_loop, gaussian_maps
from wishart_moments.ensembles.gaussian import MAX_DEGREE, gaussian_moment, gaussian_terms
from wishart_moments.ensembles.gaussian_tridiagonal import tridiagonal_moment
from wishart_moments.ensembles.verify import gaussian_checks
from wishart_moments.layout import double_factorial

M, BETA = sympy.Symbol("m"), sympy.Symbol("beta")
RATIONAL_BETAS = st.fractions(min_value=Fraction(1, 7), max_value=7, max_denominator=9).filter(
    lambda b: b > 0
)
EVEN_PARTITIONS = st.integers(1, 5).flatmap(lambda k: st.sampled_from(partitions_of(2 * k)))


def test_first_moments() -> None:
    assert sympy.expand(gaussian_moment([2], m=M, beta=None) - (M + BETA * M * (M - 1) / 2)) == 0
    assert gaussian_moment([4], m=M, beta=2) == 2 * M**3 + M
    assert gaussian_moment([1, 1], m=M, beta=None) == M  # tr H ~ N(0, m) for every beta
    assert gaussian_moment([3], m=M, beta=None) == 0
    assert gaussian_moment([2, 1], m=5, beta=3) == 0
    assert gaussian_moment([0], m=M) == M
    assert gaussian_moment([2, 0], m=M, beta=2) == M**3


def test_published_goe_moments() -> None:
    """E tr H^{2k} for the GOE (H_ii ~ N(0,1), H_ij ~ N(0,1/2)), k = 2..6: the polynomials
    published with Ledoux's recursion (Ledoux 2009), in this normalisation."""
    published = {
        2: (4, [5, 5, 2]),
        3: (8, [41, 52, 22, 5]),
        4: (16, [509, 690, 374, 93, 14]),
        5: (32, [8229, 12143, 7150, 2290, 386, 42]),
        6: (64, [166377, 258479, 167148, 58760, 12798, 1586, 132]),
    }
    for k, (den, coefs) in published.items():
        want = sum(Fraction(c, den) * M ** (i + 1) for i, c in enumerate(coefs))
        assert sympy.expand(gaussian_moment([2 * k], m=M, beta=1) - want) == 0
        assert (
            sympy.expand(gaussian_moment([2 * k], m=M, beta=1, engine="loop_equations") - want) == 0
        )


@pytest.mark.parametrize("beta", [1, 2])
def test_recursions_against_loop_equations(beta: int) -> None:
    """Harer-Zagier (GUE) and Ledoux (GOE) single traces = the loop equations, k <= 30."""
    for k in range(1, 31):
        general = gaussian_loop.moment_terms([2 * k])
        want = gaussian_loop.general_at(general, Fraction(beta), k)
        assert gaussian_maps.single_trace(k, beta) == want
        assert gaussian_loop.moment_terms_at([2 * k], beta) == want


@pytest.mark.parametrize("beta", [1, 2])
def test_wick_enumeration_against_loop_equations(beta: int) -> None:
    for d in range(2, 9, 2):
        for mu in partitions_of(d):
            want = gaussian_loop.moment_terms_at(mu, beta)
            assert gaussian_maps.wick_moment(mu, beta) == want, mu
    assert gaussian_maps.wick_moment([3, 1, 0], beta) == gaussian_loop.moment_terms_at(
        [3, 1, 0], beta
    )


def test_gue_counts_are_maps() -> None:
    """GUE coefficients count gluings: nonnegative integers summing to (2k-1)!! (m = 1)."""
    for k in range(1, 20):
        poly = gaussian_maps.single_trace(k, 2)
        assert all(c.denominator == 1 and c > 0 for c in poly.values())
        assert sum(poly.values()) == double_factorial(2 * k - 1)
        assert poly[k + 1] == sympy.catalan(k)  # planar maps: the semicircle


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_tridiagonal_model_expanded(m: int) -> None:
    """The tridiagonal model expanded in chi-square moments (a polynomial in beta) equals the
    loop equations."""
    for d in range(2, 7, 2):
        for mu in partitions_of(d):
            K = d // 2
            want: dict[int, Fraction] = {}
            for (i, e), c in gaussian_loop.moment_terms(mu).items():
                want[e] = want.get(e, Fraction(0)) + Fraction(c * m**i, 2**K)
            assert tridiagonal_moment(mu, m) == {e: c for e, c in sorted(want.items()) if c}


@given(RATIONAL_BETAS, EVEN_PARTITIONS)
def test_fixed_beta_equals_general(beta: Fraction, mu: tuple[int, ...]) -> None:
    general = gaussian_loop.moment_terms(mu)
    assert gaussian_loop.moment_terms_at(mu, beta) == gaussian_loop.general_at(
        general, beta, sum(mu) // 2
    )


@given(EVEN_PARTITIONS)
def test_duality_beta_four_over_beta(mu: tuple[int, ...]) -> None:
    """M_mu(-beta m/2, 4/beta) = (-2/beta)^{K - l(mu)} M_mu(m, beta), |mu| = 2K."""
    e = gaussian_moment(mu, m=M, beta=None)
    dual = e.subs({M: -BETA * M / 2, BETA: 4 / BETA}, simultaneous=True)
    K = sum(mu) // 2
    assert sympy.expand(dual - (-2 / BETA) ** (K - len(mu)) * e) == 0


@pytest.mark.parametrize("beta", [1, 2, Fraction(1, 3), 5])
def test_one_by_one_and_trace(beta: object) -> None:
    """m = 1: H = N(0, 1), so E H^{2k} = (2k-1)!!; and tr H ~ N(0, m) for every beta."""
    for k in range(1, 12):
        assert gaussian_moment([2 * k], m=1, beta=beta) == double_factorial(2 * k - 1)
        assert gaussian_moment([1] * (2 * k), m=M, beta=beta) == double_factorial(2 * k - 1) * M**k


def test_integer_structure() -> None:
    """2^K times a moment has integer coefficients in m and beta (the table format)."""
    for k in range(1, 16):
        assert all(isinstance(c, int) for c in gaussian_loop.moment_terms([2 * k]).values())
        assert gaussian_loop.moment_terms([2 * k])[(k + 1, k)] == sympy.catalan(k)


def test_engines_agree_in_the_api() -> None:
    for mu, m, beta in [([4, 2], 3, 1), ([3, 3], 4, 2), ([2, 2, 2], 2, Fraction(1, 2))]:
        values = {
            engine: gaussian_moment(mu, m=m, beta=beta, engine=engine)
            for engine in ("loop_equations", "tridiagonal")
        }
        if beta in (1, 2):
            values["maps"] = gaussian_moment(mu, m=m, beta=beta, engine="maps")
        assert len(set(values.values())) == 1, values
    assert gaussian_moment([4], m=3, beta=None, engine="tridiagonal") == gaussian_moment(
        [4], m=3, beta=None
    )


def test_float_and_symbolic_beta() -> None:
    value = gaussian_moment([2], m=3, beta=0.3)
    assert isinstance(value, sympy.Float) and abs(float(value) - (3 + 0.3 * 3)) < 1e-12
    assert gaussian_moment([2], m=3, beta=0.5) == sympy.Rational(9, 2)
    b = sympy.Symbol("b")
    assert sympy.expand(gaussian_moment([2], m=2, beta=b) - (2 + b)) == 0
    assert gaussian_terms([2], beta=None) == {
        (1, 0): 1,
        (1, 1): Fraction(-1, 2),
        (2, 1): Fraction(1, 2),
    }


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"parts": [], "m": 2}, "nonempty"),
        ({"parts": [-1], "m": 2}, "tr H\\^0"),
        ({"parts": [2], "m": 0}, "size of H"),
        ({"parts": [2], "m": 2.5}, "size of H"),
        ({"parts": [2], "m": 2, "beta": 0}, "beta"),
        ({"parts": [2], "m": 2, "beta": "x"}, "beta"),
        ({"parts": [2], "m": 2, "beta": 3, "engine": "maps"}, "beta = 1 or 2"),
        ({"parts": [2], "m": 2, "engine": "magic"}, "unknown engine"),
        ({"parts": [2], "m": 20, "engine": "tridiagonal"}, "m <= 8"),
        ({"parts": [4, 4, 4, 4], "m": 2, "engine": "maps"}, "Wick"),
    ],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        gaussian_moment(**kwargs)


def test_orders_beyond_reach_are_refused_at_once() -> None:
    for beta, limit in (
        (None, MAX_DEGREE["loop_equations"]),
        (3, MAX_DEGREE["loop_equations_fixed"]),
    ):
        start = time.perf_counter()
        with pytest.raises(ValueError, match=f"sum\\(parts\\)={limit + 2} is beyond .* <= {limit}"):
            gaussian_moment([limit + 2], m=M, beta=beta)
        assert time.perf_counter() - start < 1
    with pytest.raises(ValueError, match="<= 1000"):
        gaussian_moment([1002], m=M, beta=2)


def test_verify_checks_pass_on_small_ranges() -> None:
    for check in gaussian_checks(kmax=8, degree=6):
        assert check.cases > 0 and not check.failures, (check.name, check.failures[:3])
