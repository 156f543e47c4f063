"""Every expression we return takes substitution with the user's own ``sympy.symbols(...)``.

The symbols carry no assumptions, so a user's ``n, m = sympy.symbols("n m")`` are the very same
symbols: ``moment_expression([2]).subs({n: 5, m: 3})`` is the number, not the expression back.
"""

from __future__ import annotations

import sympy

import wishart_moments as wm
from wishart_moments.covariance import moment_expression_cov

n, m, beta, sigma, alpha, gamma = sympy.symbols("n m beta sigma alpha gamma")
p1, p2, q1, q2 = sympy.symbols("p1 p2 q1 q2")


def test_n_and_m() -> None:
    # E tr S^2 = n m (n + m + 1) at beta = 1
    assert wm.moment_expression([2]).subs({n: 5, m: 3}) == 5 * 3 * 9
    assert wm.moment_expression([2]).subs({n: 5, m: 3}) == wm.moment([2], n=5, m=3)
    assert wm.moment([3, 1], n=n, m=m, beta=2).subs({n: 7, m: 3}) == 61488
    assert wm.zonal_at_identity((2,)).subs(m, 4) == 8  # m (m + 2) / 3
    assert wm.james_expectation((1,)).subs({n: 5, m: 3}) == 15  # E tr S = n m


def test_beta() -> None:
    general = wm.moment_expression([2], beta=None)
    for b in (1, 2, 4):
        assert general.subs(beta, b) == wm.moment_expression([2], beta=b)
    # E tr S^2 = n m (n + m) + (2/beta - 1) n m
    assert general.subs({n: 5, m: 3, beta: 4}) == 5 * 3 * 8 + sympy.Rational(-1, 2) * 15


def test_sigma_alpha_gamma() -> None:
    assert wm.trace_moment(1).subs({sigma: 2, n: 5, m: 3}) == 4 * 15
    series = wm.variance_series(1)  # gamma^2 n sigma^2 / alpha
    assert series.subs({gamma: 2, n: 5, sigma: 3, alpha: 10, m: 7}) == sympy.Rational(4 * 5 * 9, 10)


def test_power_sums_p_j() -> None:
    # real: E tr W^2 = n (n + 1) p2 + n p1^2
    expr = moment_expression_cov([2])
    assert sympy.expand(expr - (n * (n + 1) * p2 + n * p1**2)) == 0
    assert expr.subs({n: 5, p1: 5, p2: 15}) == 5 * 6 * 15 + 5 * 25
    assert wm.moment_expression([2], cov="general").subs({n: 5, p1: 5, p2: 15}) == 575


def test_inverse_power_sums_q_j() -> None:
    # real: E tr W^{-1} = q1 / (n - m - 1)
    expr = wm.moment_expression([1], cov="general", inverse=True)
    assert expr.subs({q1: 6, n: 9, m: 2}) == 1
    expr2 = moment_expression_cov([1, 1], inverse=True)
    assert q2 in expr2.free_symbols and expr2.subs({q1: 0, q2: 0}) == 0


def test_a_given_covariance_gives_an_expression_in_n() -> None:
    cov = [[2, 1], [1, 3]]  # p1 = 5, p2 = 15
    assert wm.moment_expression([2], cov=cov) == 15 * n**2 + 40 * n
    assert wm.moment_expression([2], cov=cov).subs(n, 5) == wm.moment([2], n=5, cov=cov) == 575
    assert wm.moment_expression([1], cov=cov, inverse=True) == 1 / (n - 3)


def test_noncentral_and_ensembles() -> None:
    w1, w2 = sympy.symbols("w1 w2")
    # real noncentral, Sigma = I: E tr W = n m + w1
    assert wm.noncentral_moment_expression([1]).subs({n: 5, m: 3, w1: 2}) == 17
    assert w2 in wm.noncentral_moment_expression([2]).free_symbols
    # GOE / general beta: E tr H^2 = m + beta m (m - 1) / 2
    assert wm.gaussian_moment([2], m=m, beta=None).subs({m: 4, beta: 2}) == 4 + 12
