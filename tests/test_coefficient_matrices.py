"""The whole coefficient matrices (``wishart_moments.whole_matrices.coefficient_matrices``).

Their engine (``engines.hillier_kan``: the W-side Stein identity, D_k) is checked entry by entry
against independent paths: the Sigma-side Stein engine behind ``moment_expression_cov`` /
``moment_matrix`` and the Jack route (``engines.jack``); and against values printed in wishmom
1.1.0's vignette (its documentation), hard-coded below as reference values only.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from wishart_moments import coefficient_matrices
from wishart_moments.covariance import (
    inverse_power_sum_symbol,
    moment_expression_cov,
    moment_matrix,
    power_sum_symbol,
)
from wishart_moments.engines import jack
from wishart_moments.moments import BETA
from wishart_moments.symbolic import m, n
from wishart_moments.whole_matrices import MAX_K_FORWARD, MAX_K_INVERSE

BETAS = [1, 2, 4, Fraction(1, 2), 3]


def _p(lam: tuple[int, ...], symbol=power_sum_symbol) -> sympy.Expr:
    return sympy.Mul(*(symbol(j) for j in lam))


def _rows_as_expressions(cm, symbol) -> list[dict[int, sympy.Expr]]:
    """Row ``(r, lam)`` of ``C`` as ``{s: sum_mu C[row, (s, mu)] p_mu}`` (moment_expression_cov's
    form for ``power = r``)."""
    out = []
    for i in range(len(cm.index)):
        by_power: dict[int, sympy.Expr] = {}
        for j, (s, mu) in enumerate(cm.index):
            by_power[s] = by_power.get(s, 0) + cm.C[i, j] * _p(mu, symbol)
        out.append(by_power)
    return out


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_forward_rows_are_stein_moments(k: int, beta) -> None:
    cm = coefficient_matrices(k, beta=beta)
    for (r, lam), row in zip(cm.index, _rows_as_expressions(cm, power_sum_symbol), strict=True):
        theirs = moment_expression_cov(lam, beta=beta, power=r)
        assert set(theirs) == {s for s, v in row.items() if sympy.expand(v) != 0}
        for s, expr in theirs.items():
            assert sympy.expand(row[s] - expr) == 0
    for i, lam in enumerate(cm.partitions):
        ours = sum(cm.H[i, j] * _p(mu) for j, mu in enumerate(cm.partitions))
        assert sympy.expand(ours - moment_expression_cov(lam, beta=beta)) == 0


@pytest.mark.parametrize("beta", [Fraction(1, 2), 3, Fraction(2, 3)])
def test_forward_h_is_the_jack_route(beta) -> None:
    """``H_5`` against ``E p_mu(W) = sum_kappa a_{mu kappa} [n]_kappa C_kappa(Sigma)``."""
    cm = coefficient_matrices(5, beta=beta)
    for i, lam in enumerate(cm.partitions):
        terms = jack.moment_terms_cov(lam, beta)
        for j, mu in enumerate(cm.partitions):
            expected = sum(
                (sympy.Rational(c.numerator, c.denominator) * n**e)
                for (e, nu), c in terms.items()
                if nu == mu
            )
            assert sympy.expand(cm.H[i, j] - expected) == 0


def _at(expr: sympy.Expr, point: dict) -> sympy.Expr:
    return sympy.expand(sympy.sympify(expr).subs(point))


def _inverse_h_row(cm, i: int) -> sympy.Expr:
    return sum(cm.H[i, j] * _p(mu, inverse_power_sum_symbol) for j, mu in enumerate(cm.partitions))


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_inverse_rows_are_stein_moments(k: int, beta) -> None:
    """Rational in n - m: compared at an exact point (n, m) = (97/3, 4)."""
    cm = coefficient_matrices(k, beta=beta, inverse=True)
    point = {n: sympy.Rational(97, 3), m: 4}
    rows = _rows_as_expressions(cm, inverse_power_sum_symbol)
    for (r, lam), row in zip(cm.index, rows, strict=True):
        theirs = moment_expression_cov(lam, beta=beta, power=r, inverse=True)
        for s in set(theirs) | set(row):
            assert _at(row.get(s, 0) - theirs.get(s, 0), point) == 0
    for i, lam in enumerate(cm.partitions):
        ours = sum(
            cm.H[i, j] * _p(mu, inverse_power_sum_symbol) for j, mu in enumerate(cm.partitions)
        )
        assert _at(ours - moment_expression_cov(lam, beta=beta, inverse=True), point) == 0


def test_inverse_h_is_the_jack_route() -> None:
    """``Ht_4`` at beta = 3 against ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``."""
    beta = 3
    cm = coefficient_matrices(4, beta=beta, inverse=True)
    point = {n: sympy.Rational(41, 2), m: 3}
    for i, lam in enumerate(cm.partitions):
        ours = sum(
            cm.H[i, j] * _p(mu, inverse_power_sum_symbol) for j, mu in enumerate(cm.partitions)
        )
        assert _at(ours - jack.inverse_moment_cov(lam, beta), point) == 0


@pytest.mark.parametrize("beta", [Fraction(1, 2), 3])
def test_inverse_times_polynomial_inverse_is_identity(beta) -> None:
    cm = coefficient_matrices(4, beta=beta, inverse=True)
    point = {n: sympy.Rational(53, 2), m: 5}
    for mat, inv in ((cm.C, cm.C_inverse), (cm.H, cm.H_inverse)):
        product = (mat.subs(point) * inv.subs(point)).applyfunc(sympy.expand)
        assert product == sympy.eye(mat.rows)


def test_d_is_the_w_side_stein_identity() -> None:
    """``Sigma^{-1} E Q_3(W) = (n I + D_2) E [Q_2(W); p(W) I]`` at an exact Sigma, beta = 3,
    with the expectations from ``moment_matrix``."""
    beta, nv = 3, sympy.Rational(17, 2)
    sigma = sympy.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 1]])
    cm = coefficient_matrices(2, beta=beta)
    lhs = [
        sigma.inv() * moment_matrix(lam, r, n=nv, cov=sigma, beta=beta)
        for r, lam in coefficient_matrices(3).index
    ]
    expect = [moment_matrix(lam, r, n=nv, cov=sigma, beta=beta) for r, lam in cm.d_index]
    for i in range(len(lhs)):
        rhs = nv * expect[i] + sum(
            (cm.D[i, j] * expect[j] for j in range(len(expect))), sympy.zeros(3, 3)
        )
        assert (lhs[i] - rhs).applyfunc(sympy.expand) == sympy.zeros(3, 3)


def _slices(cm, name: str) -> list[list[list]]:
    return [s.tolist() for s in cm.slices(name)]


def test_wishmom_vignette_values() -> None:
    """Reference values printed in wishmom 1.1.0's vignette (inst/doc/wishmom_vignettes.html,
    cran/wishmom); wishmom's ``alpha`` is ``2/beta``."""
    # dkmap(2) and dkmap(2, 1/2)
    assert _slices(coefficient_matrices(2), "D") == [
        [[2, 1, 1, 0], [2, 1, 0, 1], [4, 0, 0, 0], [0, 4, 0, 0]]
    ]
    half = sympy.Rational(1, 2)
    assert _slices(coefficient_matrices(2, beta=4), "D") == [
        [[-1, 1, 1, 0], [half, -half, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
    ]
    # qk_coeff(3, 1): slices n^3, n^2, n^1
    eye4 = sympy.eye(4).tolist()
    assert _slices(coefficient_matrices(3, beta=2), "C") == [
        eye4,
        [[0, 2, 1, 0], [2, 0, 0, 1], [2, 0, 0, 1], [0, 2, 1, 0]],
        [[1, 0, 0, 1], [0, 1, 1, 0], [0, 2, 0, 0], [2, 0, 0, 0]],
    ]
    # wish_ps(3): slices n^2 and n^1 (n^3 is the identity)
    assert _slices(coefficient_matrices(3), "H")[1:] == [
        [[3, 3, 0], [4, 1, 1], [0, 6, 0]],
        [[4, 3, 1], [4, 4, 0], [8, 0, 0]],
    ]
    # iwish_ps(3): the polynomial inverse of Ht_3
    assert _slices(coefficient_matrices(3, inverse=True), "H_inverse")[1:] == [
        [[-3, -3, 0], [-4, -1, -1], [0, -6, 0]],
        [[4, 3, 1], [4, 4, 0], [8, 0, 0]],
    ]
    # qkn_coeffr(3, 1): numerator slices and den = [1, 0, -5, 0, 4] (its last entry is the
    # coefficient of nt: ours lists the constant 0 too)
    cm = coefficient_matrices(3, beta=2, inverse=True)
    assert _slices(cm, "C") == [
        eye4,
        [[0, 2, 1, 0], [2, 0, 0, 1], [2, 0, 0, 1], [0, 2, 1, 0]],
        [[0, 0, 0, 2], [0, 0, 2, 0], [0, 4, -2, 0], [4, 0, 0, -2]],
    ]
    assert cm.denominator_coefficients() == [1, 0, -5, 0, 4, 0]
    # iwish_psr(4, 1): the last numerator slice, and den
    cm = coefficient_matrices(4, beta=2, inverse=True)
    assert _slices(cm, "H")[-1] == [
        [0, 0, 0, 0, 0],
        [0, 12, -9, 0, -3],
        [0, -24, 18, 0, 6],
        [0, 0, 0, 0, 0],
        [0, -24, 18, 0, 6],
    ]
    assert cm.denominator_coefficients() == [1, 0, -14, 0, 49, 0, -36, 0, 0]
    # iwishmom_sym(4): E tr(W^{-1})^4, numerators of h_kappa (kappa = 4, 31, 22, 211, 1111) and
    # the denominator "n1^8-7n1^7-11n1^6+107n1^5+34n1^4-388n1^3-24n1^2+288n1"
    cm = coefficient_matrices(4, inverse=True)
    row = cm.partitions.index((1, 1, 1, 1))
    numerators = [[s[row, j] for s in cm.slices("H")] for j in range(5)]
    assert numerators == [
        [0, 0, 0, 240, -288],
        [0, 0, 64, -256, 0],
        [0, 0, 12, -60, 216],
        [0, 12, -72, 36, 72],
        [1, -7, 1, 35, -6],
    ]
    assert cm.denominator_coefficients() == [1, -7, -11, 107, 34, -388, -24, 288, 0]
    # denpoly(3) = 1 -3 -8 12 16, "the polynomial n1^5-3n1^4-8n1^3+12n1^2+16n1"
    assert coefficient_matrices(3, inverse=True).denominator_coefficients() == [
        1, -3, -8, 12, 16, 0
    ]  # fmt: skip


def test_wishmom_sym_prints_our_polynomials_divided_by_n() -> None:
    """wishmom_sym(4) prints h_kappa = 48, 32n, 12n, 12n^2, n^3 for E tr(W)^4 (real): its slices
    are n^4..n^1 but printed as n^3..n^0. Ours are those times n."""
    cm = coefficient_matrices(4)
    row = cm.H.row(cm.partitions.index((1, 1, 1, 1)))
    printed = [48, 32 * n, 12 * n, 12 * n**2, n**3]
    assert [sympy.expand(x - n * y) for x, y in zip(row, printed, strict=True)] == [0] * 5


def test_orders_and_relations() -> None:
    rev, lex = coefficient_matrices(4), coefficient_matrices(4, order="lex")
    assert lex.index == tuple(reversed(rev.index))
    assert lex.partitions == tuple(reversed(rev.partitions))
    size = len(rev.index)
    assert lex.C == rev.C.extract(list(range(size - 1, -1, -1)), list(range(size - 1, -1, -1)))
    assert rev.partitions == ((4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1))
    assert rev.index[:3] == ((4, ()), (3, (1,)), (2, (2,)))
    # D_k: row i is W times column i
    assert [(r + 1, lam) for r, lam in rev.d_index] == list(coefficient_matrices(5).index)


def test_symbolic_beta_forward() -> None:
    beta = sympy.Symbol("beta")
    sym = coefficient_matrices(4, beta=beta)
    exact = coefficient_matrices(4, beta=3)
    for name in ("C", "H", "D"):
        assert getattr(sym, name).subs(beta, 3).applyfunc(sympy.expand) == getattr(exact, name)
    assert coefficient_matrices(2, beta=None).C[0, 0] == sympy.expand(n**2 + (2 / BETA - 1) * n)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="1 <= k <= "):
        coefficient_matrices(0)
    with pytest.raises(ValueError, match=f"k <= {MAX_K_FORWARD} for the forward"):
        coefficient_matrices(MAX_K_FORWARD + 1)
    with pytest.raises(ValueError, match=f"k <= {MAX_K_INVERSE} for the inverse"):
        coefficient_matrices(MAX_K_INVERSE + 1, inverse=True)
    with pytest.raises(ValueError, match="order must be one of"):
        coefficient_matrices(2, order="dominance")
    with pytest.raises(ValueError, match="exact rational beta"):
        coefficient_matrices(2, beta=None, inverse=True)
    with pytest.raises(ValueError, match="beta must be > 0"):
        coefficient_matrices(2, beta=-1)
    with pytest.raises(ValueError, match="name must be one of"):
        coefficient_matrices(2).slices("C_inverse")
