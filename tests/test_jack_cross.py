"""Cross-checks of the Jack route against the other helpers' engines (exact agreement).

* Sigma = I, any beta: Jack (engines/jack/) == loop equations (engines/loop_equations.py);
* any Sigma, beta in {1, 2, 4}: Jack == the Stein recursion (engines/stein/), forward;
* inverse moments: Jack (loop equations for E tr S^{-k}, then d_kappa) ==
  covariance.moment_expression_cov (the closed form of engines/inverse_spectral.py), compared
  exactly at rational points.

Every partition of each degree is checked (the other helpers' cross-tests sample a few).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from wishart_moments.engines import jack, loop_equations, stein, zonal
from wishart_moments.symbolic import m, n

F = Fraction


@pytest.mark.parametrize("beta", [F(1, 2), F(1), F(2), F(3), F(4)])
def test_jack_equals_loop_equations_at_identity(beta: Fraction) -> None:
    for k in range(1, 8):
        for mu in zonal.partitions(k):
            expected = {
                key: F(c) for key, c in loop_equations.moment_terms_at(mu, beta).items() if c
            }
            assert jack.moment_terms(mu, beta) == expected, (beta, mu)


def test_general_alpha_equals_loop_equations() -> None:
    for k in range(1, 7):
        for mu in zonal.partitions(k):
            expected = {key: c for key, c in loop_equations.moment_terms(mu).items() if c}
            assert jack.moment_terms_general(mu) == expected, mu


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_jack_equals_stein_with_covariance(beta: int) -> None:
    for k in range(1, 9):
        for mu in zonal.partitions(k):
            expected = {key: F(c) for key, c in stein.moment_terms_cov(mu, beta).items() if c}
            assert jack.moment_terms_cov(mu, beta) == expected, (beta, mu)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_jack_inverse_equals_stein_inverse(beta: int) -> None:
    from wishart_moments.covariance import moment_expression_cov

    q = {sympy.Symbol(f"q{j}"): sympy.Rational(j + 2, j + 5) for j in range(1, 7)}
    points = [(sympy.Rational(101, 3), 4), (sympy.Integer(40), 7)]
    cases = [mu for k in range(1, 6) for mu in zonal.partitions(k)]
    if beta in (1, 2):
        cases += [(6,), (3, 2, 1)]
    for mu in cases:
        ours = jack.inverse_moment_cov(mu, beta)
        theirs = moment_expression_cov(mu, beta=beta, inverse=True)
        for n_value, m_value in points:
            at = {**q, n: n_value, m: m_value}
            assert ours.subs(at) == theirs.subs(at), (beta, mu)
