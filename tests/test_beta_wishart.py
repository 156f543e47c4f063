"""Any beta > 0 with any covariance: the beta-Wishart of Dubbs, Edelman, Koev and Venkataramana.

Closed forms; the Stein engine (``moment_expression_cov``, any ``alpha = 2/beta``) against the
independent Jack route ``E C_kappa(W) = [n]_kappa C_kappa(Sigma)`` and its inverse; matrix-valued
moments against the scalar Jack moments through Euler's identity; a symbolic beta; the broken-arrow
sampler (seeded Monte Carlo at beta = 1/2 and 3, forward and inverse); wishmom's inverse NaNs.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from wishart_moments.cli import main
from wishart_moments.covariance import (
    inverse_power_sum_symbol,
    moment_cov,
    moment_expression_cov,
    moment_matrix,
    power_sum_symbol,
)
from wishart_moments.engines import jack
from wishart_moments.moments import BETA
from wishart_moments.sampling import sample_beta_wishart_eigenvalues, trace_power_sums
from wishart_moments.symbolic import m, n

SIGMA = sympy.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 1]])
ODD_BETAS = [Fraction(1, 2), 3, Fraction(2, 3), 5]


def _clean(terms: dict) -> dict:
    return {k: Fraction(v) for k, v in terms.items() if v}


def _to_terms(expr: sympy.Expr, k: int) -> dict:
    """``sum c n^e p_lam`` as ``{(e, lam): c}`` (``p_j = power_sum_symbol(j)``, ``j <= k``)."""
    ps = [power_sum_symbol(j) for j in range(1, k + 1)]
    out = {}
    for monom, c in sympy.Poly(expr, n, *ps).terms():
        lam = tuple(
            sorted((j + 1 for j, e in enumerate(monom[1:]) for _ in range(e)), reverse=True)
        )
        out[(monom[0], lam)] = Fraction(int(c.p), int(c.q))
    return out


@pytest.mark.parametrize("beta", ODD_BETAS)
def test_closed_forms(beta) -> None:
    a = 2 / sympy.Rational(beta)
    p1 = power_sum_symbol(1)
    assert moment_expression_cov([], beta=beta, power=1) == {1: n}
    second = moment_expression_cov([], beta=beta, power=2)
    assert sympy.expand(second[2] - n * (n + a - 1)) == 0 and second[1] == n * p1
    inverse = moment_expression_cov([], beta=beta, power=1, inverse=True)
    assert sympy.simplify(inverse[1] - 1 / (n - m + 1 - a)) == 0
    # and at an exact Sigma, n = 11/2
    nv = sympy.Rational(11, 2)
    assert moment_matrix([], 1, n=nv, cov=SIGMA, beta=beta) == nv * SIGMA
    expected = nv * (nv + a - 1) * SIGMA**2 + nv * SIGMA.trace() * SIGMA
    assert moment_matrix([], 2, n=nv, cov=SIGMA, beta=beta) == expected.applyfunc(sympy.expand)
    if beta * (nv - 3 + 1) / 2 > 1:
        got = moment_matrix([], 1, n=nv, cov=SIGMA, beta=beta, inverse=True)
        assert got == (SIGMA.inv() / (nv - 3 + 1 - a)).applyfunc(sympy.expand)


@pytest.mark.parametrize("beta", ODD_BETAS)
@pytest.mark.parametrize("parts", [(2,), (3, 1), (2, 2, 1), (5,), (4, 2)])
def test_stein_equals_jack_route(parts: tuple[int, ...], beta) -> None:
    ours = _to_terms(moment_expression_cov(parts, beta=beta), sum(parts))
    assert _clean(ours) == _clean(jack.moment_terms_cov(parts, beta))


@pytest.mark.parametrize("beta", [Fraction(1, 2), 3])
@pytest.mark.parametrize("parts", [(1,), (2,), (1, 1), (2, 1), (3,)])
def test_inverse_stein_equals_jack_route(parts: tuple[int, ...], beta) -> None:
    ours = moment_expression_cov(parts, beta=beta, inverse=True)
    theirs = jack.inverse_moment_cov(parts, beta)
    assert sympy.cancel(sympy.together(ours - theirs)) == 0
    qs = {inverse_power_sum_symbol(j): sympy.Rational(j + 2, j + 5) for j in range(1, 4)}
    point = {n: sympy.Rational(97, 3), m: 4, **qs}
    assert ours.subs(point) == theirs.subs(point)


@pytest.mark.parametrize("beta", [Fraction(1, 2), 3])
@pytest.mark.parametrize("r", [2, 4, 5])
def test_matrix_moments_are_the_sigma_gradient_of_jack_scalars(r: int, beta) -> None:
    """``E W^r = (1/r) Sigma^{1/2} grad_Sigma E tr W^r Sigma^{1/2}``: from the Jack route's
    ``E tr W^r = sum c n^e p_mu``, each ``p_mu`` gives ``sum_{parts j of mu} j p_{mu - j}
    Sigma^j``."""
    expected: dict[int, sympy.Expr] = {}
    for (e, mu), c in jack.moment_terms_cov([r], beta).items():
        for i, j in enumerate(mu):
            rest = sympy.Mul(*(power_sum_symbol(x) for x in mu[:i] + mu[i + 1 :]))
            term = sympy.Rational(c.numerator, c.denominator) * j * n**e * rest / r
            expected[j] = expected.get(j, 0) + term
    ours = moment_expression_cov([], beta=beta, power=r)
    assert set(ours) == set(expected)
    assert all(sympy.expand(ours[j] - expected[j]) == 0 for j in ours)


def test_symbolic_beta() -> None:
    beta = sympy.Symbol("b")
    nv = sympy.Rational(13, 2)
    for parts in ([2], [2, 1]):
        expr = moment_cov(parts, n=nv, cov=SIGMA, beta=beta)
        assert expr.subs(beta, 3) == moment_cov(parts, n=nv, cov=SIGMA, beta=3)
        assert expr.subs(beta, 1) == moment_cov(parts, n=nv, cov=SIGMA, beta=1)
    mat = moment_matrix([1], 2, n=nv, cov=SIGMA, beta=beta)
    assert mat.subs(beta, sympy.Rational(1, 2)).applyfunc(sympy.expand) == moment_matrix(
        [1], 2, n=nv, cov=SIGMA, beta=Fraction(1, 2)
    )
    # beta=None: polynomials in 1/beta, as moment_expression at Sigma = I
    second = moment_expression_cov([], power=2, beta=None)
    assert second[2] == sympy.expand(n**2 + (2 / BETA - 1) * n)
    general = moment_expression_cov([3, 1], beta=None)
    assert sympy.expand(general.subs(BETA, 3) - moment_expression_cov([3, 1], beta=3)) == 0


def test_existence_rule_any_beta() -> None:
    # beta = 3, m = 3: order k exists iff 3 (n - 2) / 2 > k
    assert moment_cov([1], n=Fraction(8, 3) + Fraction(1, 100), cov=SIGMA, beta=3, inverse=True)
    with pytest.raises(ValueError, match=r"exists iff beta \(n - m \+ 1\) / 2 > 2"):
        moment_cov([1, 1], n=Fraction(10, 3), cov=SIGMA, beta=3, inverse=True)
    with pytest.raises(ValueError, match=r"beta \(n - m \+ 1\) / 2 > 3"):
        moment_matrix([2], 1, n=6, cov=SIGMA, beta=Fraction(1, 2), inverse=True)


def test_cli_any_beta(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["moment", "--parts", "2", "--n", "9", "--cov", "2,1,0;1,3,1;0,1,1", "--beta", "3"])
    out = capsys.readouterr().out.strip()
    assert rc == 0 and sympy.sympify(out) == moment_cov([2], n=9, cov=SIGMA, beta=3)


# ---------------------------------------------------------------------------------------------
# the broken-arrow sampler


def _z_score(samples: np.ndarray, exact: sympy.Expr) -> float:
    return float((samples.mean() - float(exact)) / (samples.std() / np.sqrt(samples.size)))


@pytest.mark.parametrize("beta", [1, 2])
def test_sampler_reproduces_the_classical_wishart(beta: int) -> None:
    eig = sample_beta_wishart_eigenvalues(5, SIGMA.tolist(), beta, 60_000, rng=11)
    for parts in ([2], [1, 1], [3]):
        assert (
            abs(
                _z_score(trace_power_sums(eig, parts), moment_cov(parts, n=5, cov=SIGMA, beta=beta))
            )
            < 5
        )


@pytest.mark.parametrize(("beta", "n_value", "seed"), [(0.5, 20, 3), (3, 6, 4)])
def test_monte_carlo_any_beta(beta: float, n_value: int, seed: int) -> None:
    """Forward and inverse moments of the beta-Wishart against the broken-arrow model; the inverse
    moment's variance is finite (beta (n - m + 1) / 2 > 4 for a stable error bar)."""
    exact_beta = Fraction(beta)
    eig = sample_beta_wishart_eigenvalues(n_value, SIGMA.tolist(), beta, 100_000, rng=seed)
    for parts in ([2], [1, 1], [3]):
        exact = moment_cov(parts, n=n_value, cov=SIGMA, beta=exact_beta)
        assert abs(_z_score(trace_power_sums(eig, parts), exact)) < 5
    exact = moment_cov([1], n=n_value, cov=SIGMA, beta=exact_beta, inverse=True)
    assert abs(_z_score(trace_power_sums(1 / eig, [1]), exact)) < 5
    # a wrong alpha (the real Wishart's) is caught by the same samples
    wrong = moment_cov([2], n=n_value, cov=SIGMA, beta=1)
    assert abs(_z_score(trace_power_sums(eig, [2]), wrong)) > 20


def test_sampler_arguments() -> None:
    with pytest.raises(ValueError, match="n > m - 1"):
        sample_beta_wishart_eigenvalues(1.5, SIGMA.tolist(), 3, 10, rng=0)
    with pytest.raises(ValueError, match="beta must be a finite number > 0"):
        sample_beta_wishart_eigenvalues(5, SIGMA.tolist(), 0, 10, rng=0)
    with pytest.raises(ValueError, match="positive definite"):
        sample_beta_wishart_eigenvalues(5, [[1, 2], [2, 1]], 3, 10, rng=0)
    eig = sample_beta_wishart_eigenvalues(4.5, np.diag([1.0, 2.0]), 0.7, 7, rng=1)
    assert eig.shape == (7, 2) and np.all(eig > 0) and np.all(np.diff(eig, axis=1) >= 0)


# ---------------------------------------------------------------------------------------------
# wishmom's inverse routines return NaN unless n - m + 1 - alpha > 2k


@pytest.mark.parametrize(
    ("n_value", "beta", "parts", "value"),
    [
        (5, 1, [1], sympy.Rational(1, 2)),
        (6, 1, [2], sympy.Rational(7, 30)),
        (4, 2, [1], sympy.Rational(1, 2)),
    ],
)
def test_moments_wishmom_refuses(n_value: int, beta: int, parts: list[int], value) -> None:
    """Sigma = [[2, 1], [1, 3]]: these exist (beta (n - m + 1) / 2 > k) but wishmom 1.1.0's
    ``iwishmom`` returns NaN for them (it asks n - m + 1 - alpha > 2k)."""
    cov = [[2, 1], [1, 3]]
    k, alpha = sum(parts), Fraction(2, beta)
    assert n_value - 2 + 1 - alpha <= 2 * k < beta * (n_value - 2 + 1)
    assert moment_cov(parts, n=n_value, cov=cov, beta=beta, inverse=True) == value
