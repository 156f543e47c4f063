"""The beta = 2 engines (Schur functions, genus expansion) and the Wick enumerations with Sigma.

Independent derivations must agree exactly: Schur/characters vs the permutation kernel vs the
itertools reference vs the real tables (beta = 1, Sigma = I) vs the loop equations.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from math import comb, factorial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wishart_moments.engines import permutations as perm
from wishart_moments.engines import schur
from wishart_moments.engines._parts import partitions_of
from wishart_moments.engines.recursion import multi_trace_moment
from wishart_moments.tables import load_table


def all_parts(kmax: int) -> list[tuple[int, ...]]:
    return [mu for k in range(1, kmax + 1) for mu in partitions_of(k)]


def at_identity(cov_terms: dict) -> dict[tuple[int, int], int]:
    """Set p_l = m for every l: ``n^e p_lam -> n^e m^{len(lam)}``."""
    out: Counter[tuple[int, int]] = Counter()
    for (e, lam), c in cov_terms.items():
        out[(e, len(lam))] += c
    return {key: c for key, c in out.items() if c}


def evaluate_cov(cov_terms: dict, n: Fraction, p: dict[int, Fraction]) -> Fraction:
    total = Fraction(0)
    for (e, lam), c in cov_terms.items():
        term = Fraction(c) * n**e
        for part in lam:
            term *= p[part]
        total += term
    return total


# --- exact agreement of the independent derivations ------------------------------------------


@pytest.mark.parametrize("mu", all_parts(8))
def test_schur_equals_permutation_kernel(mu: tuple[int, ...]) -> None:
    assert schur.moment_terms(mu) == perm.moment_terms(mu)


@pytest.mark.parametrize("mu", all_parts(6))
def test_reference_equals_kernel(mu: tuple[int, ...]) -> None:
    assert perm.reference_moment_terms(mu) == perm.moment_terms(mu)
    assert perm.reference_moment_terms_cov(mu, 2) == perm.moment_terms_cov(mu, 2)
    if sum(mu) <= 5 or mu in [(6,), (3, 2, 1), (2, 2, 2)]:  # (2k-1)!! matchings in Python
        assert perm.reference_moment_terms_cov(mu, 1) == perm.moment_terms_cov(mu, 1)


@pytest.mark.parametrize("mu", all_parts(7))
def test_schur_cov_equals_permutation_cov(mu: tuple[int, ...]) -> None:
    assert schur.moment_terms_cov(mu) == perm.moment_terms_cov(mu, 2)


@settings(max_examples=10)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=5).filter(lambda p: 9 <= sum(p) <= 10))
def test_schur_equals_permutations_degree_9_10(parts: list[int]) -> None:
    assert schur.moment_terms(parts) == perm.moment_terms(parts)


@pytest.mark.parametrize("mu", all_parts(8))
def test_identity_covariance_gives_fixed_sigma_moments(mu: tuple[int, ...]) -> None:
    """p_l = m: complex -> the Sigma = I engine, real -> the real recursion (and tables)."""
    assert at_identity(perm.moment_terms_cov(mu, 2)) == perm.moment_terms(mu)
    if sum(mu) <= 7:
        assert at_identity(perm.moment_terms_cov(mu, 1)) == multi_trace_moment(mu)


@pytest.mark.parametrize("k", range(1, 9))
def test_real_single_trace_matches_the_tables(k: int) -> None:
    assert at_identity(perm.moment_terms_cov([k], 1)) == load_table(k).terms()


def test_schur_matches_loop_equations_far_out() -> None:
    from wishart_moments.engines.loop_equations import moment_terms_at

    for mu in [(k,) for k in range(1, 31)] + list(partitions_of(12))[::3]:
        assert schur.moment_terms(mu) == moment_terms_at(mu, 2), mu


@pytest.mark.parametrize("k", range(1, 11))
def test_hook_characters_closed_form(k: int) -> None:
    for nu in partitions_of(k):
        chars = schur.characters(nu)
        hooks = [chars.get((k - a,) + (1,) * a, 0) for a in range(k)]
        assert list(schur.hook_characters(nu)) == hooks
    assert sum(schur.characters((1,) * k).get(lam, 0) ** 2 for lam in partitions_of(k)) == (
        factorial(k)
    )


def test_schur_cov_single_trace_against_multi_trace_route() -> None:
    """At Sigma = I the covariance route (hook characters for [k], the full character table for
    [k-1, 1]) gives the Sigma = I route."""
    for k in (8, 9):
        assert at_identity(schur.moment_terms_cov([k])) == schur.moment_terms([k])
        assert at_identity(schur.moment_terms_cov([k - 1, 1])) == schur.moment_terms([k - 1, 1])


# --- known values -----------------------------------------------------------------------------


def test_known_low_moments() -> None:
    # complex: E tr S^2 = nm(n + m), E tr S^3 = n^3 m + 3 n^2 m^2 + n m^3 + nm
    assert schur.moment_terms([2]) == {(2, 1): 1, (1, 2): 1}
    assert perm.moment_terms([3]) == {(3, 1): 1, (2, 2): 3, (1, 3): 1, (1, 1): 1}
    assert schur.moment_terms([1, 1]) == {(2, 2): 1, (1, 1): 1}
    # with Sigma: real E W^2 = n(n+1) Sigma^2 + n p1 Sigma, complex n^2 Sigma^2 + n p1 Sigma
    assert perm.moment_terms_cov([2], 1) == {(2, (2,)): 1, (1, (2,)): 1, (1, (1, 1)): 1}
    assert perm.moment_terms_cov([2], 2) == {(2, (2,)): 1, (1, (1, 1)): 1}
    # real: Var tr W = 2 n p2; E tr W^3 = n(n^2+3n+4) p3 + 3n(n+1) p2 p1 + n p1^3
    assert perm.moment_terms_cov([1, 1], 1) == {(2, (1, 1)): 1, (1, (2,)): 2}
    assert perm.moment_terms_cov([3], 1) == {
        (3, (3,)): 1, (2, (3,)): 3, (1, (3,)): 4,
        (2, (2, 1)): 3, (1, (2, 1)): 3, (1, (1, 1, 1)): 1,
    }  # fmt: skip
    assert perm.moment_terms_cov([], 1) == {(0, ()): 1}
    assert schur.moment_terms(()) == {(0, 0): 1}


@pytest.mark.parametrize("k", [1, 5, 12, 20, 40])
def test_complex_counts_and_genus_zero(k: int) -> None:
    """n = m = 1: E|x|^{2k} = k! (|x|^2 exponential); n^a m^{k+1-a}: Narayana numbers."""
    terms = schur.moment_terms([k])
    assert sum(terms.values()) == factorial(k)
    for a in range(1, k + 1):
        assert terms[(a, k + 1 - a)] * k == comb(k, a) * comb(k, a - 1)
    assert all(terms.get((j, i)) == c for (i, j), c in terms.items())  # n <-> m
    assert all(i + j <= k + 1 and (k + 1 - i - j) % 2 == 0 for i, j in terms)  # genus


def test_multi_trace_counts() -> None:
    for mu in [(3, 3, 2, 1), (4, 4, 4), (6, 5, 1)]:
        assert sum(schur.moment_terms(mu).values()) == factorial(sum(mu))
    for mu in [(4, 2), (3, 3), (2, 2, 1, 1)]:
        assert sum(perm.moment_terms_cov(mu, 1).values()) == factorial(2 * sum(mu) - 1) // (
            2 ** (sum(mu) - 1) * factorial(sum(mu) - 1)
        )


def test_cov_at_scalar_sigma_and_numbers() -> None:
    """Sigma = s I scales by s^k; a diagonal Sigma against an explicit small sum."""
    n = Fraction(5)
    for mu in [(2, 1), (4,), (2, 2)]:
        k = sum(mu)
        for beta in (1, 2):
            terms = perm.moment_terms_cov(mu, beta)
            scaled = evaluate_cov(terms, n, {j: 3 * Fraction(2) ** j for j in range(1, k + 1)})
            ident = evaluate_cov(terms, n, {j: Fraction(3) for j in range(1, k + 1)})
            assert scaled == 2**k * ident


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [[0], [-1], [1.5], [True], "3", None, [2, "a"]])
def test_bad_parts(bad: object) -> None:
    with pytest.raises(ValueError, match="parts"):
        schur.moment_terms(bad)
    with pytest.raises(ValueError, match="parts"):
        perm.moment_terms(bad)
    with pytest.raises(ValueError, match="parts"):
        perm.moment_terms_cov(bad, 1)


def test_limits_and_beta() -> None:
    with pytest.raises(ValueError, match=f"<= {perm.MAX_K}"):
        perm.moment_terms([perm.MAX_K + 1])
    with pytest.raises(ValueError, match=f"<= {perm.MAX_K_REAL}"):
        perm.moment_terms_cov([perm.MAX_K_REAL, 1], 1)
    with pytest.raises(ValueError, match=f"<= {schur.MAX_K_COV}"):
        schur.moment_terms_cov([schur.MAX_K_COV, 1])
    with pytest.raises(ValueError, match=f"<= {schur.MAX_K_COV_SINGLE}"):
        schur.moment_terms_cov([schur.MAX_K_COV_SINGLE + 1])
    with pytest.raises(ValueError, match="<= 8"):
        perm.reference_moment_terms([9])
    for beta in (3, 4, 0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="beta"):
            perm.moment_terms_cov([2], beta)
