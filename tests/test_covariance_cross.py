"""Exact agreement of the Stein engine with the independent derivations of the other engines.

* Wick / permutation enumeration with Sigma (``engines.permutations``, beta 1 and 2) and the
  single-trace hook-character formula (``engines.schur``, beta 2);
* the Jack route ``E C_kappa(W) = [n]_kappa C_kappa(Sigma)`` (``engines.jack``, beta 1, 2, 4) and
  its inverse ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``;
* the loop equations at Sigma = I for any beta (``engines.loop_equations``).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from wishart_moments.covariance import inverse_power_sum_symbol, moment_expression_cov
from wishart_moments.engines import jack, loop_equations, permutations, schur, stein
from wishart_moments.symbolic import m, n


def _clean(terms: dict) -> dict:
    return {k: Fraction(v) for k, v in terms.items() if v}


PARTS_SMALL = [(1,), (2,), (3,), (2, 1), (1, 1, 1), (4,), (3, 1), (2, 2), (2, 1, 1), (5,), (3, 2)]


@pytest.mark.parametrize("parts", [*PARTS_SMALL, (4, 2), (3, 2, 1)])
def test_permutations_complex(parts: tuple[int, ...]) -> None:
    assert _clean(stein.moment_terms_cov(parts, 2)) == _clean(
        permutations.moment_terms_cov(parts, 2)
    )


@pytest.mark.parametrize("parts", PARTS_SMALL)
def test_perfect_matchings_real(parts: tuple[int, ...]) -> None:
    assert _clean(stein.moment_terms_cov(parts, 1)) == _clean(
        permutations.moment_terms_cov(parts, 1)
    )


@pytest.mark.parametrize("k", [1, 2, 5, 9, 14])
def test_schur_hook_characters_complex(k: int) -> None:
    assert _clean(stein.moment_terms_cov([k], 2)) == _clean(schur.moment_terms_cov([k]))


@pytest.mark.parametrize("beta", [1, 2, 4])
@pytest.mark.parametrize("parts", [(1,), (3,), (2, 1), (4, 1), (2, 2, 1), (6,), (3, 3, 1)])
def test_jack_route_any_sigma(parts: tuple[int, ...], beta: int) -> None:
    assert _clean(stein.moment_terms_cov(parts, beta)) == _clean(jack.moment_terms_cov(parts, beta))


@pytest.mark.parametrize("beta", [1, 2, 4, Fraction(1, 2), Fraction(3)])
@pytest.mark.parametrize("parts", [(2,), (3, 1), (5,), (2, 2, 2)])
def test_loop_equations_at_identity_any_beta(parts: tuple[int, ...], beta: Fraction) -> None:
    at_identity: dict[tuple[int, int], Fraction] = {}
    for (e, lam), c in stein.moment_terms_cov(parts, beta).items():
        key = (e, len(lam))
        at_identity[key] = at_identity.get(key, Fraction(0)) + c
    assert _clean(at_identity) == _clean(loop_equations.moment_terms_at(parts, beta))


@pytest.mark.parametrize("beta", [1, 2, 4])
@pytest.mark.parametrize("parts", [(1,), (2,), (1, 1), (3,), (2, 1), (1, 1, 1), (4,), (2, 2)])
def test_jack_route_inverse(parts: tuple[int, ...], beta: int) -> None:
    """Rational functions of n, m and q_j: equal as rational functions (cancel to zero)."""
    ours = moment_expression_cov(parts, beta=beta, inverse=True)
    theirs = jack.inverse_moment_cov(parts, beta)
    qs = [inverse_power_sum_symbol(j) for j in range(1, sum(parts) + 1)]
    assert sympy.cancel(sympy.together(ours - theirs)) == 0
    # and at an exact point, as numbers
    point = {
        n: sympy.Rational(97, 3),
        m: 4,
        **{q: sympy.Rational(j + 2, j + 5) for j, q in enumerate(qs)},
    }
    assert ours.subs(point) == theirs.subs(point)
