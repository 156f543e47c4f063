"""Jacobi (MANOVA) beta-ensemble moments: the Jack route (Kadell) against the loop equations,
exact integration of the density, the Beta law, the symmetry J <-> I - J and the Wishart limit."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from wishart_moments.engines._parts import partitions_of
from wishart_moments.engines.loop_equations import moment_terms_at as laguerre_terms_at
from wishart_moments.ensembles._rational import RationalTerms
from wishart_moments.ensembles.jacobi import MAX_DEGREE, jacobi_moment, jacobi_terms
from wishart_moments.ensembles.jacobi_density import density_moment
from wishart_moments.ensembles.jacobi_jack import jack_moment, jack_moment_at
from wishart_moments.ensembles.jacobi_loop import loop_moment, loop_moment_at
from wishart_moments.ensembles.verify import jacobi_checks

M, N1, N2 = sympy.symbols("m n1 n2")
BETAS = [Fraction(1), Fraction(2), Fraction(4), Fraction(1, 2), Fraction(3, 2)]
RATIONAL_BETAS = st.fractions(min_value=Fraction(1, 5), max_value=5, max_denominator=6).filter(
    lambda b: b > 0
)
FRACS = st.fractions(0, 6, max_denominator=5)
PARTITIONS = st.integers(1, 5).flatmap(lambda d: st.sampled_from(partitions_of(d)))


def _ab(beta: Fraction, m: int, n1: Fraction, n2: Fraction) -> tuple[Fraction, Fraction]:
    return beta * (n1 - m + 1) / 2 - 1, beta * (n2 - m + 1) / 2 - 1


def test_first_moment_and_beta_law() -> None:
    assert jacobi_moment([1], m=M, n1=N1, n2=N2) == M * N1 / (N1 + N2)
    for beta in BETAS:
        # m = 1: Beta(beta n1/2, beta n2/2)
        x, y = beta * N1 / 2, beta * N2 / 2
        for k in range(1, 6):
            want = sympy.prod([(x + i) / (x + y + i) for i in range(k)])
            got = jacobi_moment([k], m=1, n1=N1, n2=N2, beta=beta)
            assert sympy.cancel(got - want) == 0


@pytest.mark.parametrize("beta", BETAS[:3])
def test_jack_route_equals_loop_equations_symbolically(beta: Fraction) -> None:
    for d in range(1, 5):
        for mu in partitions_of(d):
            assert jack_moment(mu, beta) == loop_moment(mu, beta), mu
            assert jack_moment(mu, beta, 2) == loop_moment(mu, beta, 2), mu


@given(RATIONAL_BETAS, PARTITIONS, st.integers(1, 4), FRACS, FRACS)
def test_jack_route_equals_loop_equations_at_numbers(
    beta: Fraction, mu: tuple[int, ...], m: int, x: Fraction, y: Fraction
) -> None:
    n1, n2 = m - 1 + x + Fraction(1, 7), m - 1 + y + Fraction(1, 3)
    a, b = _ab(beta, m, n1, n2)
    want = jack_moment_at(mu, beta, m, n1, n2)
    assert loop_moment_at(mu, beta, m, a, b) == want
    assert jack_moment(mu, beta).at(m, n1, n2) == want


@pytest.mark.parametrize(
    ("m", "beta", "n2"),
    [
        (2, 1, Fraction(5)),
        (2, 2, Fraction(9, 2)),
        (2, 3, Fraction(11, 3)),
        (2, 4, Fraction(13, 4)),
        (3, 2, Fraction(17, 4)),
    ],
)
def test_exact_integration_of_the_density(m: int, beta: int, n2: Fraction) -> None:
    """m = 2, 3 by integrating prod x^a (1-x)^b |Delta|^beta exactly (odd beta: integer b)."""
    beta_q = Fraction(beta)
    if beta % 2:
        n2 = Fraction(6, beta) + m - 1  # b = beta (n2 - m + 1)/2 - 1 = 2
    for n1 in (Fraction(m) + Fraction(1, 2), Fraction(m + 4)):
        a, b = _ab(beta_q, m, n1, n2)
        for d in range(1, 5 if m == 2 else 4):
            for mu in partitions_of(d):
                want = density_moment(mu, m, beta, a, b)
                assert jack_moment_at(mu, beta_q, m, n1, n2) == want, (mu, n1)
                assert loop_moment_at(mu, beta_q, m, a, b) == want, (mu, n1)


@given(RATIONAL_BETAS, PARTITIONS)
def test_symmetry_j_to_identity_minus_j(beta: Fraction, mu: tuple[int, ...]) -> None:
    """I - J is the Jacobi matrix with n1 and n2 exchanged: E prod tr (I - J)^{mu_i} expanded
    binomially equals E p_mu(J) at (n2, n1)."""
    m, n1, n2 = 3, Fraction(7, 2), Fraction(13, 3)
    expansion: dict[tuple[int, ...], int] = {(): 1}
    for part in mu:  # tr (I - J)^q = sum_r C(q, r) (-1)^r tr J^r, tr J^0 = m
        nxt: dict[tuple[int, ...], int] = {}
        for key, c in expansion.items():
            for r in range(part + 1):
                term = tuple(sorted((*key, r), reverse=True))
                nxt[term] = nxt.get(term, 0) + c * sympy.binomial(part, r) * (-1) ** r
        expansion = nxt
    total = Fraction(0)
    for key, c in expansion.items():
        zeros = key.count(0)
        parts = tuple(p for p in key if p)
        total += int(c) * m**zeros * jack_moment_at(parts, beta, m, n1, n2)
    assert total == jack_moment_at(mu, beta, m, n2, n1)


@pytest.mark.parametrize("beta", [Fraction(1), Fraction(2), Fraction(2, 3)])
def test_wishart_limit(beta: Fraction) -> None:
    """n2 J -> A ~ W^beta_m(n1, I) as n2 -> oo: the leading coefficient in s = n1 + n2 of
    n2^d E p_mu(J) is the Laguerre moment E p_mu(A) (the package's loop equations)."""
    for d in range(1, 5):
        for mu in partitions_of(d):
            terms = jack_moment(mu, beta)
            top = len(terms.den) - 1 - d  # degree in s of the numerator's leading part
            limit = {(j, i): p[top] for (i, j), p in terms.num.items() if len(p) > top and p[top]}
            want = {k: Fraction(c) for k, c in laguerre_terms_at(mu, beta).items()}
            assert limit == want, mu


@pytest.mark.parametrize("channels", [(3, 5), (4, 4), (2, 7)])
def test_published_conductance_statistics(channels: tuple[int, int]) -> None:
    """Chaotic cavity with N1, N2 channels: the transmission eigenvalues are the Jacobi
    ensemble with m = min, n1 = max, n2 = m - 1 + 2/beta (exponent b = 0). Published (Beenakker
    1997): <G> = N1 N2/(N - 1 + 2/beta), var G = N1^2 N2^2/(N^2 (N^2 - 1)) (beta = 2) and
    2 N1 (N1 + 1) N2 (N2 + 1)/(N (N + 1)^2 (N + 3)) (beta = 1), N = N1 + N2."""
    N1, N2 = channels
    N, m = N1 + N2, min(channels)
    variance = {
        2: sympy.Rational(N1**2 * N2**2, N**2 * (N**2 - 1)),
        1: sympy.Rational(2 * N1 * (N1 + 1) * N2 * (N2 + 1), N * (N + 1) ** 2 * (N + 3)),
    }
    for beta in (1, 2, 4):
        n2 = m - 1 + Fraction(2, beta)
        mean = jacobi_moment([1], m=m, n1=max(channels), n2=n2, beta=beta)
        assert mean == sympy.Rational(N1 * N2) / (N - 1 + sympy.Rational(2, beta))
        if beta in variance:
            second = jacobi_moment([1, 1], m=m, n1=max(channels), n2=n2, beta=beta)
            assert second - mean**2 == variance[beta]


def test_api_forms() -> None:
    value = jacobi_moment([2, 1], m=2, n1=5, n2=7)
    assert value == jacobi_moment([2, 1], m=2, n1=5, n2=7, engine="loop_equations")
    assert (
        value
        == jacobi_moment([2, 1], m=2, n1=5, n2=7, engine="density")
        == sympy.Rational(115, 264)
    )
    symbolic = jacobi_moment([2, 1], m=M, n1=N1, n2=N2)
    assert symbolic.subs({M: 2, N1: 5, N2: 7}) == value
    partly = jacobi_moment([2, 0], m=M, n1=4, n2=N2)
    assert partly.subs({M: 3, N2: sympy.Rational(11, 2)}) == jacobi_moment(
        [2, 0], m=3, n1=4, n2=sympy.Rational(11, 2)
    )
    floating = jacobi_moment([1], m=2, n1=3.5, n2=4)
    assert isinstance(floating, sympy.Float) and abs(float(floating) - 2 * 3.5 / 7.5) < 1e-14
    assert jacobi_moment([0], m=3, n1=5, n2=4) == 3
    loop = jacobi_moment([3], m=M, n1=N1, n2=N2, engine="loop_equations")
    assert sympy.cancel(loop - jacobi_moment([3], m=M, n1=N1, n2=N2)) == 0
    assert jacobi_terms([2, 0], m=3) == RationalTerms(
        {key: tuple(3 * c for c in p) for key, p in jacobi_terms([2], m=3).num.items()},
        jacobi_terms([2], m=3).den,
    )


def test_non_integer_parameters() -> None:
    """Real n1, n2 > m - 1 (a, b in (-1, 0)) are fine; Jacobi = loop equations there too."""
    m, n1, n2 = 3, Fraction(21, 10), Fraction(23, 10)
    for beta in BETAS:
        a, b = _ab(beta, m, n1, n2)
        assert -1 < a < 0 and -1 < b < 0
        for mu in partitions_of(4):
            assert jack_moment_at(mu, beta, m, n1, n2) == loop_moment_at(mu, beta, m, a, b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"parts": [1], "m": 3, "n1": 2, "n2": 5}, r"n1=2 is not allowed .* n1 > m - 1"),
        ({"parts": [1], "m": 3, "n1": 5, "n2": 1.5}, r"n2=1.5 .* b = beta \(n2 - m \+ 1\)/2 - 1"),
        ({"parts": [1], "m": 3, "n1": 5, "n2": 4, "beta": None}, "exact rational beta"),
        ({"parts": [1], "m": 3, "n1": 5, "n2": 4, "beta": 0.3}, "3/10"),
        ({"parts": [1], "m": 0, "n1": 5, "n2": 4}, "size of J"),
        ({"parts": [], "m": 3, "n1": 5, "n2": 4}, "nonempty"),
        ({"parts": [1], "m": 3, "n1": "x", "n2": 4}, "n1"),
        ({"parts": [1], "m": 3, "n1": 5, "n2": 4, "engine": "magic"}, "unknown engine"),
        ({"parts": [1], "m": M, "n1": N1, "n2": N2, "engine": "density"}, "exact numbers"),
        (
            {"parts": [3], "m": 4, "n1": 5, "n2": 4, "engine": "density", "beta": 1},
            "exact integration",
        ),
    ],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        jacobi_moment(**kwargs)


def test_orders_beyond_reach_are_refused_at_once() -> None:
    start = time.perf_counter()
    limit = MAX_DEGREE["jack"]
    with pytest.raises(ValueError, match=f"sum\\(parts\\)={limit + 1} is beyond the Jack route"):
        jacobi_moment([limit + 1], m=3, n1=5, n2=6)
    limit = MAX_DEGREE["loop_equations_symbolic"]
    with pytest.raises(ValueError, match="engine 'jack' goes to 16"):
        jacobi_moment([limit + 1], m=M, n1=N1, n2=N2, engine="loop_equations")
    assert time.perf_counter() - start < 1


def test_verify_checks_pass_on_small_ranges() -> None:
    for check in jacobi_checks(degree=3, numeric_degree=4):
        assert check.cases > 0 and not check.failures, (check.name, check.failures[:3])
