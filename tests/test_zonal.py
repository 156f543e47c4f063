"""Zonal polynomials, James' theorem, and the zonal engine for the coefficient tables."""

from __future__ import annotations

import doctest
from fractions import Fraction
from math import factorial, prod

import numpy as np
import pytest
import sympy

import wishart_moments
from wishart_moments.engines import zonal
from wishart_moments.engines.matchings import matchings_matrix
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.engines.zonal import (
    MAX_K_ZONAL,
    generalized_pochhammer,
    james_expectation,
    partitions,
    trace_zonal_coefficients,
    zonal_at_identity,
    zonal_expansion,
    zonal_matrix,
    zonal_polynomial,
    zonal_values,
)
from wishart_moments.layout import CoefficientMatrix
from wishart_moments.paper import paper_differences

F = Fraction


def _weight(lam: tuple[int, ...]) -> int:
    """Jack inner product <p_lam, p_lam> at alpha = 2: z_lam 2^{l(lam)}."""
    return prod(p ** lam.count(p) * factorial(lam.count(p)) for p in set(lam)) * 2 ** len(lam)


def _dominates(lam: tuple[int, ...], mu: tuple[int, ...]) -> bool:
    """lam >= mu in dominance order (same size)."""
    return all(sum(lam[:i]) >= sum(mu[:i]) for i in range(1, max(len(lam), len(mu)) + 1))


# ---------------------------------------------------------------------------------------------
# Partitions and known small zonal polynomials
# ---------------------------------------------------------------------------------------------


def test_partitions() -> None:
    assert [len(partitions(k)) for k in range(1, 13)] == [1, 2, 3, 5, 7, 11, 15, 22, 30, 42, 56, 77]
    assert partitions(4) == [(4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1)]


def test_degree_one_is_the_trace() -> None:
    assert zonal_expansion((1,)) == {(1,): 1}
    assert zonal_expansion((1,), basis="monomial") == {(1,): 1}
    x, y, z = sympy.symbols("x y z")
    assert zonal_polynomial((1,), [x, y, z]) == x + y + z
    assert zonal_polynomial([1]) == sympy.Symbol("p1")


def test_degree_two_pair() -> None:
    # C_(2) = (p1^2 + 2 p2) / 3, C_(1,1) = 2 (p1^2 - p2) / 3
    assert zonal_expansion((2,)) == {(2,): F(2, 3), (1, 1): F(1, 3)}
    assert zonal_expansion((1, 1)) == {(2,): F(-2, 3), (1, 1): F(2, 3)}
    p1, p2 = sympy.symbols("p1 p2")
    assert sympy.expand(zonal_polynomial((2,)) - (p1**2 + 2 * p2) / 3) == 0
    assert sympy.expand(zonal_polynomial((1, 1)) - 2 * (p1**2 - p2) / 3) == 0
    # monomial basis: C_(2) = m_2 + (2/3) m_11, C_(1,1) = (4/3) m_11
    assert zonal_expansion((2,), "monomial") == {(2,): 1, (1, 1): F(2, 3)}
    assert zonal_expansion((1, 1), "monomial") == {(1, 1): F(4, 3)}


# Muirhead, Aspects of Multivariate Statistical Theory, Table 1 (monomial basis), k = 3 and 4.
MUIRHEAD_TABLE = {
    (3,): {(3,): F(1), (2, 1): F(3, 5), (1, 1, 1): F(2, 5)},
    (2, 1): {(2, 1): F(12, 5), (1, 1, 1): F(18, 5)},
    (1, 1, 1): {(1, 1, 1): F(2)},
    (4,): {
        (4,): F(1),
        (3, 1): F(4, 7),
        (2, 2): F(18, 35),
        (2, 1, 1): F(12, 35),
        (1, 1, 1, 1): F(8, 35),
    },
    (3, 1): {(3, 1): F(24, 7), (2, 2): F(16, 7), (2, 1, 1): F(88, 21), (1, 1, 1, 1): F(32, 7)},
    (2, 2): {(2, 2): F(16, 5), (2, 1, 1): F(32, 15), (1, 1, 1, 1): F(16, 5)},
    (2, 1, 1): {(2, 1, 1): F(16, 3), (1, 1, 1, 1): F(64, 5)},
    (1, 1, 1, 1): {(1, 1, 1, 1): F(16, 5)},
}


@pytest.mark.parametrize("kappa", sorted(MUIRHEAD_TABLE))
def test_published_monomial_tables(kappa: tuple[int, ...]) -> None:
    assert zonal_expansion(kappa, "monomial") == MUIRHEAD_TABLE[kappa]


@pytest.mark.parametrize("k", range(1, 9))
def test_normalisation_sums_to_trace_power(k: int) -> None:
    # sum_{|kappa| = k} C_kappa(X) = (tr X)^k = p_1^k
    total: dict[tuple[int, ...], Fraction] = {}
    for kappa in partitions(k):
        for lam, c in zonal_expansion(kappa).items():
            total[lam] = total.get(lam, F(0)) + c
    assert {lam: c for lam, c in total.items() if c} == {(1,) * k: 1}


def test_normalisation_in_explicit_variables() -> None:
    xs = sympy.symbols("x1:4")
    total = sum(zonal_polynomial(kappa, xs) for kappa in partitions(4))
    assert sympy.expand(total - sum(xs) ** 4) == 0


@pytest.mark.parametrize("k", range(2, 8))
def test_orthogonal_and_triangular(k: int) -> None:
    """Jack orthogonality of every pair and triangularity in dominance order. The construction
    only projects out the partitions below kappa in dominance order, so orthogonality between
    incomparable partitions (e.g. (3, 1, 1, 1) and (2, 2, 2)) is a real check."""
    kappas = partitions(k)
    power = {kappa: zonal_expansion(kappa) for kappa in kappas}
    for i, kappa in enumerate(kappas):
        for lam in kappas[i + 1 :]:
            inner = sum(c * power[lam].get(nu, 0) * _weight(nu) for nu, c in power[kappa].items())
            assert inner == 0, (kappa, lam)
        mono = zonal_expansion(kappa, "monomial")
        assert mono[kappa] != 0
        assert all(_dominates(kappa, mu) for mu in mono), kappa


@pytest.mark.parametrize("kappa", [(1,), (2,), (1, 1), (3,), (2, 1), (1, 1, 1)])
def test_laplace_beltrami_eigenfunction(kappa: tuple[int, ...]) -> None:
    """James' defining equation (Muirhead Thm 7.2.2), in three variables:
    sum y_i^2 d^2/dy_i^2 + sum_{i != j} y_i^2 / (y_i - y_j) d/dy_i has eigenvalue
    rho_kappa + k (m - 1), rho_kappa = sum_i kappa_i (kappa_i - i)."""
    ys = sympy.symbols("y1:4")
    c = zonal_polynomial(kappa, ys)
    op = sum(y**2 * sympy.diff(c, y, 2) for y in ys)
    op += sum(yi**2 / (yi - yj) * sympy.diff(c, yi) for yi in ys for yj in ys if yi is not yj)
    k, m = sum(kappa), len(ys)
    rho = sum(part * (part - i) for i, part in enumerate(kappa, start=1))
    assert sympy.simplify(sympy.together(op - (rho + k * (m - 1)) * c)) == 0


def test_zonal_values_exact_points_and_no_cancellation() -> None:
    rational = [[F(1, 2), F(2), F(3), F(3, 2)], [F(1), F(0), F(5), F(1, 3)]]
    x = np.array([[float(v) for v in row] for row in rational])
    for kappa in [(1,), (2, 1), (1, 1, 1), (4, 2, 1), (2, 2, 1, 1)]:
        exact = [zonal_polynomial(kappa, [sympy.Rational(v) for v in row]) for row in rational]
        assert np.allclose(zonal_values(kappa, x), [float(e) for e in exact], rtol=1e-13, atol=0)
    # C_(1,1,1) = 2 x1 x2 x3: the alternating power-sum form p1^3/3 - p1 p2 + 2 p3/3 loses
    # every digit here (p1^3 ~ 1e18); the monomial form keeps them all.
    assert zonal_values((1, 1, 1), [1e6, 1.0, 1e-6]) == pytest.approx(2.0, rel=1e-14)
    assert zonal_values((1, 1), np.ones((2, 3, 5))).shape == (2, 3)


# ---------------------------------------------------------------------------------------------
# C_kappa(I_m) and the generalized Pochhammer symbol
# ---------------------------------------------------------------------------------------------


def _monomial_at_ones(mu: tuple[int, ...], m: int) -> int:
    """m_mu(1, ..., 1) with m ones: the number of distinct arrangements of mu's exponents."""
    if len(mu) > m:
        return 0
    mults = [mu.count(p) for p in set(mu)]
    return factorial(m) // (factorial(m - len(mu)) * prod(factorial(r) for r in mults))


@pytest.mark.parametrize("k", range(1, 7))
def test_identity_closed_form_against_direct_evaluation(k: int) -> None:
    msym = sympy.Symbol("m")
    for kappa in partitions(k):
        closed = zonal_at_identity(kappa)
        # p_lambda(I_m) = m^{l(lambda)}: the power-sum expansion as a polynomial in m
        direct = sum(
            sympy.Rational(c) * msym ** len(lam) for lam, c in zonal_expansion(kappa).items()
        )
        assert sympy.expand(closed - direct) == 0, kappa
        for m in range(1, 6):
            via_monomials = sum(
                c * _monomial_at_ones(mu, m) for mu, c in zonal_expansion(kappa, "monomial").items()
            )
            assert zonal_at_identity(kappa, m) == via_monomials, (kappa, m)
            if m <= 3 and k <= 4:
                assert zonal_polynomial(kappa, [1] * m) == via_monomials
            if len(kappa) > m:
                assert via_monomials == 0  # C_kappa vanishes on matrices of rank < l(kappa)


def test_identity_small_values() -> None:
    m = sympy.Symbol("m")
    assert sympy.expand(zonal_at_identity((1,)) - m) == 0
    assert sympy.expand(zonal_at_identity((2,)) - m * (m + 2) / 3) == 0
    assert sympy.expand(zonal_at_identity((1, 1)) - 2 * m * (m - 1) / 3) == 0


def test_generalized_pochhammer() -> None:
    a = sympy.Symbol("a")
    # (a)_(2,1) = a (a + 1) (a - 1/2) for alpha = 2; a (a + 1) (a - 1) for alpha = 1
    assert sympy.expand(generalized_pochhammer(a, (2, 1)) - a * (a + 1) * (a - sympy.S.Half)) == 0
    assert sympy.expand(generalized_pochhammer(a, (2, 1), alpha=1) - a * (a + 1) * (a - 1)) == 0
    assert generalized_pochhammer(sympy.Rational(5, 2), (1, 1, 1)) == sympy.Rational(15, 2)
    # (n/2)_kappa vanishes when l(kappa) > n: a rank-n Wishart has zero C_kappa
    assert generalized_pochhammer(sympy.Rational(2, 2), (1, 1, 1)) == 0
    with pytest.raises(ValueError, match="alpha"):
        generalized_pochhammer(a, (1,), alpha=0)


# ---------------------------------------------------------------------------------------------
# James' theorem against Monte Carlo
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("m", "n", "sigma"), [(3, 5, 0.8), (4, 2, 1.1)])
def test_james_theorem_monte_carlo(m: int, n: int, sigma: float) -> None:
    rng = np.random.default_rng(20260123 + 10 * m + n)
    samples = 40_000
    w = rng.normal(scale=sigma, size=(samples, m, n))
    eig = np.linalg.eigvalsh(w @ w.transpose(0, 2, 1))
    nsym = sympy.Symbol("n")
    for k in (1, 2, 3):
        for kappa in partitions(k):
            values = zonal_values(kappa, eig)
            mean = values.mean()
            stderr = values.std(ddof=1) / np.sqrt(samples)
            exact = float(james_expectation(kappa, n, m, sigma))
            if len(kappa) > min(m, n):
                # C_kappa vanishes on rank-deficient S, and so does (n/2)_kappa or C_kappa(I_m)
                assert exact == 0
                assert abs(mean) < 1e-8 * float(np.mean(np.sum(eig, axis=-1) ** k))
                continue
            assert abs(mean - exact) < 5 * stderr, (kappa, mean, exact, stderr)
            # a wrong constant must fail: 2^{k-1} instead of 2^k ...
            assert abs(mean - exact / 2) > 5 * stderr, kappa
            # ... or the complex-case Pochhammer symbol (alpha = 1) where it differs
            if len(kappa) > 1:
                wrong = float(
                    2**k
                    * generalized_pochhammer(sympy.Rational(n, 2), kappa, alpha=1)
                    * sigma ** (2 * k)
                    * zonal_at_identity(kappa, m)
                )
                assert abs(mean - wrong) > 5 * stderr, kappa
    # the symbolic form is a polynomial in n and m
    expr = james_expectation((2, 1))
    assert expr.free_symbols == {nsym, sympy.Symbol("m")}


# ---------------------------------------------------------------------------------------------
# a_{k,kappa} and the zonal engine
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", range(1, 9))
def test_trace_coefficients_reconstruct_power_sum(k: int) -> None:
    coefs = trace_zonal_coefficients(k)
    assert list(coefs) == partitions(k)
    total: dict[tuple[int, ...], Fraction] = {}
    for kappa, a in coefs.items():
        for lam, c in zonal_expansion(kappa).items():
            total[lam] = total.get(lam, F(0)) + a * c
    assert {lam: c for lam, c in total.items() if c} == {(k,): 1}
    # Stanley's closed form: [p_k] J_kappa = prod_{s != (1,1)} (2 a'(s) - l'(s)), hence
    # a_{k,kappa} = prod_{s != (1,1)} (2 (j-1) - (i-1)) / (2^{k-1} (k-1)!)
    for kappa, a in coefs.items():
        theta = prod(
            2 * (j - 1) - (i - 1)
            for i, part in enumerate(kappa, start=1)
            for j in range(1, part + 1)
            if (i, j) != (1, 1)
        )
        assert a == F(theta, 2 ** (k - 1) * factorial(k - 1)), kappa


def test_trace_coefficients_small() -> None:
    assert trace_zonal_coefficients(1) == {(1,): 1}
    assert trace_zonal_coefficients(2) == {(2,): 1, (1, 1): F(-1, 2)}


@pytest.mark.parametrize("k", range(1, 11))
def test_zonal_engine_agrees_with_recursion(k: int) -> None:
    table = zonal_matrix(k)
    assert isinstance(table, CoefficientMatrix)
    assert table.engine == "zonal"
    assert table.violations() == []
    assert table == recursion_matrix(k)
    assert paper_differences(table) == []


def test_three_engines_agree() -> None:
    """Wick enumeration, Stein recursion and James' theorem give the same integers."""
    for k in range(1, 9):
        assert zonal_matrix(k) == matchings_matrix(k) == recursion_matrix(k), k


def test_zonal_engine_small_by_hand() -> None:
    assert zonal_matrix(1) == [[1]]
    assert zonal_matrix(2) == [[1, 0], [1, 1]]
    assert zonal_matrix(3) == [[1, 0, 0], [3, 3, 0], [4, 3, 1]]


def test_sum_of_james_terms_is_the_moment() -> None:
    # eq. 8 written out with SymPy gives the same polynomial as the table
    n, m = sympy.symbols("n m")
    k = 4
    expr = sum(
        sympy.Rational(a) * james_expectation(kappa)
        for kappa, a in trace_zonal_coefficients(k).items()
    )
    table = sum(c * n**a * m**b for (a, b), c in zonal_matrix(k).terms().items())
    assert sympy.expand(expr - table) == 0


# ---------------------------------------------------------------------------------------------
# Bad input and the package surface
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, -1, 2.0, "3", True, MAX_K_ZONAL + 1])
def test_bad_order(bad: object) -> None:
    with pytest.raises(ValueError, match="k"):
        zonal_matrix(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k"):
        trace_zonal_coefficients(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [(1, 2), (), (0,), (2, -1), (1.0,), 3, "21"])
def test_bad_partition(bad: object) -> None:
    with pytest.raises(ValueError, match="partition"):
        zonal_expansion(bad)  # type: ignore[arg-type]


def test_bad_basis_and_eigenvalues() -> None:
    with pytest.raises(ValueError, match="basis"):
        zonal_expansion((2,), basis="schur")
    with pytest.raises(ValueError, match="basis"):
        zonal_polynomial((2,), basis="schur")
    with pytest.raises(ValueError, match="eigenvalues"):
        zonal_values((1,), 3.0)
    with pytest.raises(ValueError, match="eigenvalues"):
        zonal_values((1,), np.zeros((4, 0)))


def test_trailing_zeros_are_dropped() -> None:
    assert zonal_expansion((2, 1, 0, 0)) == zonal_expansion((2, 1))


def test_exports_and_doctests() -> None:
    for name in ("zonal_matrix", "zonal_expansion", "zonal_at_identity", "james_expectation"):
        assert getattr(wishart_moments, name) is getattr(zonal, name)
    for module in (zonal.basis, zonal.polynomials, zonal.james):
        assert doctest.testmod(module).failed == 0
