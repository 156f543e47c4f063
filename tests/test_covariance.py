"""Covariance, matrix-valued and inverse Wishart moments (engines.stein, covariance)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from wishart_moments.covariance import (
    inverse_power_sum_symbol,
    load_cov_file,
    moment_cov,
    moment_expression_cov,
    moment_matrix,
    parse_cov,
    parse_cov_text,
    power_sum_symbol,
)
from wishart_moments.engines import stein, stein_reference
from wishart_moments.engines.recursion import multi_trace_moment
from wishart_moments.symbolic import m, n

p1, p2, p3 = (power_sum_symbol(j) for j in (1, 2, 3))
q1, q2, q3 = (inverse_power_sum_symbol(j) for j in (1, 2, 3))
u = n - m
SIGMA_ROWS = [[2, 1, 0], [1, 3, 1], [0, 1, 1]]
SIGMA = sympy.Matrix(SIGMA_ROWS)
SIGMA_C = [[25, 49 - 2 * sympy.I], [49 + 2 * sympy.I, 109]]  # wishmom's complex example


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.simplify(a - b) == 0


# --------------------------------------------------------------------------------------------
# closed forms


def test_second_moment_matrix_every_beta() -> None:
    real = moment_expression_cov([], power=2, beta=1)
    assert real == {1: n * p1, 2: n**2 + n}  # n(n+1) Sigma^2 + n p1 Sigma
    assert moment_expression_cov([], power=2, beta=2) == {1: n * p1, 2: n**2}
    quat = moment_expression_cov([], power=2, beta=4)
    assert _same(quat[2], n**2 - n / 2) and quat[1] == n * p1
    assert moment_expression_cov([], power=1, beta=4) == {1: n}


def test_inverse_mean_every_beta() -> None:
    assert moment_expression_cov([], power=1, beta=1, inverse=True) == {1: 1 / (u - 1)}
    assert moment_expression_cov([], power=1, beta=2, inverse=True) == {1: 1 / u}
    assert _same(moment_expression_cov([], power=1, beta=4, inverse=True)[1], 1 / (u + 1 / 2))


def test_letac_massam_real_inverse_formulas() -> None:
    """Real W: E W^{-2}, E[W^{-1} tr W^{-1}], E (tr W^{-1})^2 (Letac-Massam 2004; n~ = n - m)."""
    d = u * (u - 1) * (u - 3)
    e2 = moment_expression_cov([], power=2, inverse=True)
    assert _same(e2[2], (u - 1) / d) and _same(e2[1], q1 / d)
    e11 = moment_expression_cov([1], power=1, inverse=True)
    assert _same(e11[1], (u - 2) * q1 / d) and _same(e11[2], 2 / d)
    assert _same(moment_expression_cov([1, 1], inverse=True), ((u - 2) * q1**2 + 2 * q2) / d)


def test_identity_trace_moments_general_beta() -> None:
    for beta in (1, 2, 4, sympy.Rational(1, 2), 3):
        alpha = sympy.Integer(2) / beta
        expected = n * m * (n + m) + (alpha - 1) * n * m
        assert _same(moment_cov([2], n=n, m=m, beta=beta), expected)
        assert moment_cov([1], n=n, m=m, beta=beta) == n * m


def test_one_by_one_is_gamma() -> None:
    """m = 1: W = s chi^2_{beta n} / beta, E W^k = s^k prod_{i<k} (n + alpha i); inverse too."""
    for beta in (1, 2, 4, Fraction(1, 2), 3):
        alpha = Fraction(2) / Fraction(beta)
        for k in range(1, 7):
            forward = sum(stein.moment_terms_cov_at([k], beta, 1).values())
            assert forward == np.prod([1 + alpha * i for i in range(k)], dtype=object)
            nn = Fraction(40)
            inv = sum(stein.inverse_moment_terms([k], beta, nn - 1).values())
            assert inv == 1 / np.prod([nn - alpha * i for i in range(1, k + 1)], dtype=object)


@pytest.mark.parametrize("parts", [(1,), (3,), (2, 1), (4, 2, 1), (6,), (3, 3, 2), (9,)])
def test_identity_covariance_matches_real_tables(parts: tuple[int, ...]) -> None:
    at_identity: dict[tuple[int, int], int] = {}
    for (e, lam), c in stein.moment_terms_cov(parts, 1).items():
        at_identity[(e, len(lam))] = at_identity.get((e, len(lam)), 0) + c
    assert {k: v for k, v in at_identity.items() if v} == {
        k: v for k, v in multi_trace_moment(parts).items() if v
    }


def test_zero_parts_are_traces_of_the_identity() -> None:
    assert moment_cov([2, 0], n=5, cov=SIGMA) == 3 * moment_cov([2], n=5, cov=SIGMA)
    assert moment_cov(2, n=5, m=3) == moment_cov([2], n=5, m=3)
    assert moment_expression_cov([1, 0], inverse=True) == m * q1 / (u - 1)
    assert moment_matrix([0], 1, n=5, cov=SIGMA) == 15 * SIGMA


def test_scaled_identity_gives_sigma_powers() -> None:
    got = moment_cov([3, 1], n=7, cov=[[Fraction(1, 2), 0], [0, Fraction(1, 2)]])
    assert got == moment_cov([3, 1], n=7, m=2) / 16


# --------------------------------------------------------------------------------------------
# internal consistency of the engine


def test_d_operator_matches_explicit_derivative() -> None:
    sigma = sympy.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 1]])
    for alpha in (Fraction(2), Fraction(1), Fraction(1, 2)):
        for lam, a in [((), 2), ((2, 1), 1), ((2,), 0)]:
            ref = stein_reference.d_operator_reference(
                lam, a, sympy.Rational(alpha.numerator, alpha.denominator), sigma
            )
            fast = sympy.zeros(3, 3)
            for lam2, a2, w in stein.forward._forward_transitions(
                lam, a, alpha.numerator, alpha.denominator
            ):
                fast += sympy.Rational(w, alpha.denominator) * stein_reference.basis_element(
                    lam2, a2, sigma
                )
            assert ref == fast, (alpha, lam, a)


@given(
    parts=st.lists(st.integers(1, 3), max_size=2),
    power=st.integers(0, 2),
    beta=st.sampled_from([1, 2, 4]),
    inverse=st.booleans(),
)
def test_trace_of_matrix_moment_is_scalar_moment(
    parts: list[int], power: int, beta: int, inverse: bool
) -> None:
    """tr E[p_mu W^r] = E[p_mu p_r] exactly (and for W^{-1}), at an exact Sigma."""
    nn = 40
    mat = moment_matrix(parts, power, n=nn, cov=SIGMA, beta=beta, inverse=inverse)
    scalar_parts = [*parts, power] if power else parts
    expected = moment_cov(scalar_parts, n=nn, cov=SIGMA, beta=beta, inverse=inverse)
    if power == 0:
        expected = expected * 3
    assert sympy.expand(mat.trace() - expected) == 0


@settings(max_examples=10)
@given(
    parts=st.lists(st.integers(1, 2), max_size=2),
    power=st.integers(0, 2),
    beta=st.sampled_from([1, 2, 4]),
    num=st.integers(41, 200),
)
def test_symbolic_inverse_equals_direct_solve(
    parts: list[int], power: int, beta: int, num: int
) -> None:
    if not parts and power == 0:
        return
    value = Fraction(num, 3)
    rational = stein.inverse_matrix_terms(parts, power, beta).at(value)
    assert rational == stein.inverse_matrix_terms_at(parts, power, beta, value)


def test_fast_expression_assembly_is_canonical() -> None:
    """The canonical-order Mul assembly equals plain SymPy arithmetic on the same terms."""
    for parts, beta in [((8,), 1), ((3, 2, 1), 4), ((5, 1), 2)]:
        terms = stein.moment_terms_cov(parts, beta)
        plain = sympy.Add(
            *(
                sympy.Rational(c) * n**e * sympy.Mul(*(power_sum_symbol(j) for j in lam))
                for (e, lam), c in terms.items()
            )
        )
        fast = moment_expression_cov(parts, beta=beta)
        assert fast == plain and sympy.expand(fast - plain) == 0


def test_symbolic_forward_agrees_with_numeric_n() -> None:
    for beta in (1, 2, 4):
        expr = moment_expression_cov([3, 2, 1], beta=beta)
        p = {power_sum_symbol(j): (SIGMA**j).trace() for j in range(1, 7)}
        assert expr.subs(p).subs(n, 9) == moment_cov([3, 2, 1], n=9, cov=SIGMA, beta=beta)


def test_exact_and_float_input_agree() -> None:
    for inverse in (False, True):
        exact = moment_cov([2, 1], n=30, cov=SIGMA, beta=1, inverse=inverse)
        approx = moment_cov([2, 1], n=30, cov=np.array(SIGMA_ROWS, float), beta=1, inverse=inverse)
        assert isinstance(exact, sympy.Rational) and isinstance(approx, sympy.Float)
        assert abs(float(exact) / float(approx) - 1) < 1e-12
    mat = moment_matrix([1], 2, n=sympy.Rational(61, 2), cov=SIGMA, beta=4, inverse=True)
    matf = moment_matrix([1], 2, n=30.5, cov=np.array(SIGMA_ROWS, float), beta=4, inverse=True)
    assert all(isinstance(x, sympy.Rational) for x in mat)
    assert float(max(abs(x) for x in (mat - matf))) < 1e-12 * float(max(abs(x) for x in mat))


def test_symbolic_n_with_a_covariance() -> None:
    assert moment_cov([1], n=n, cov=SIGMA) == 6 * n
    assert _same(moment_cov([1], n=n, cov=SIGMA, inverse=True), (SIGMA.inv().trace()) / (n - 4))
    assert _same(moment_cov([2], n=n, m=m), n * m * (n + m + 1))


# --------------------------------------------------------------------------------------------
# wishmom's documented examples (vignette of wishmom 1.1.0, Kan and Liang 2024)

S_REAL = [[25, 49], [49, 109]]


def _close(value: object, printed: float, rel: float = 6e-7) -> bool:
    return abs(complex(value) - printed) <= rel * abs(printed)


def test_wishmom_forward_examples() -> None:
    # wishmom(20, S, 4): E[tr(W)^4]
    assert _close(moment_cov([1, 1, 1, 1], n=20, cov=S_REAL), 8.705084e13)
    # wishmom(20, S, c(2, 0, 1), 2, 2): E[tr(W)^2 tr(W^3) W^2]
    mat = moment_matrix([1, 1, 3], 2, n=20, cov=S_REAL)
    for got, printed in zip(mat, [9.039462e23, 1.956948e24, 1.956948e24, 4.258714e24], strict=True):
        assert _close(got, printed)
    # wishmom(20, S, c(2, 0, 1), 0, 1), complex Hermitian S
    assert _close(moment_cov([1, 1, 3], n=20, cov=SIGMA_C, beta=2), 2.078126e17)
    # wishmom(20, S, c(1, 2, 2), 1, 1): E[tr(W) tr(W^2)^2 tr(W^3)^2 W], complex
    mat = moment_matrix([1, 2, 2, 3, 3], 1, n=20, cov=SIGMA_C, beta=2)
    printed = [3.418999e41, 6.943130e41 - 2.833930e40j, 6.943130e41 + 2.833930e40j, 1.532151e42]
    for got, want in zip(mat, printed, strict=True):
        assert abs(complex(got) - want) <= 6e-7 * abs(want)


def test_wishmom_inverse_examples() -> None:
    # iwishmom(20, S, 2): E[tr(W^{-1})^2]
    assert _close(moment_cov([1, 1], n=20, cov=S_REAL, inverse=True), 0.0006680892)
    # iwishmom(20, S, c(2, 0, 1), 2, 2)
    mat = moment_matrix([1, 1, 3], 2, n=20, cov=S_REAL, inverse=True)
    for got, printed in zip(
        mat, [1.328434e-10, -6.101692e-11, -6.101692e-11, 2.824292e-11], strict=True
    ):
        assert _close(got, printed)
    # iwishmom(20, S, c(2, 0, 1), 0, 1), complex
    assert _close(moment_cov([1, 1, 3], n=20, cov=SIGMA_C, beta=2, inverse=True), 1.17985e-08, 5e-6)
    # iwishmom(30, S, c(1, 2, 2), 1, 1), complex (float input: order 12, floating-point solves)
    cov = np.array(SIGMA_C, dtype=complex)
    mat = moment_matrix([1, 2, 2, 3, 3], 1, n=30, cov=cov, beta=2, inverse=True)
    printed = [
        1.348928e-21,
        -6.116211e-22 + 2.496413e-23j,
        -6.116211e-22 - 2.496413e-23j,
        3.004350e-22,
    ]
    for got, want in zip(mat, printed, strict=True):
        assert abs(complex(got) - want) <= 6e-7 * abs(want)


# --------------------------------------------------------------------------------------------
# Monte Carlo with random Sigma


def _sample_w(rng: np.random.Generator, sigma: np.ndarray, nn: int, beta: int, size: int):
    """``size`` samples of ``W`` (complex 2m x 2m representation for beta = 4)."""
    mm = sigma.shape[0]
    vals, vecs = np.linalg.eigh(sigma)
    root = (vecs * np.sqrt(vals)) @ vecs.conj().T
    if beta == 1:
        x = rng.standard_normal((size, mm, nn))
    elif beta == 2:
        x = rng.standard_normal((size, mm, nn)) + 1j * rng.standard_normal((size, mm, nn))
        x = x / np.sqrt(2)
    else:
        a, b, c, d = rng.standard_normal((4, size, mm, nn)) / 2
        z1, z2 = a + 1j * b, c + 1j * d
        x = np.block([[z1, z2], [-z2.conj(), z1.conj()]])
        root = np.kron(np.eye(2), root)
    y = root @ x
    return y @ np.swapaxes(y.conj(), 1, 2)


def _traces(w: np.ndarray, j: int, beta: int) -> np.ndarray:
    tr = np.trace(np.linalg.matrix_power(w, j), axis1=1, axis2=2).real
    return tr / 2 if beta == 4 else tr


def _random_sigma(seed: int, mm: int, beta: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((mm, mm))
    if beta == 2:
        a = a + 1j * rng.standard_normal((mm, mm))
    return (a @ a.conj().T) / mm + 0.5 * np.eye(mm)


def _check_mc(samples: np.ndarray, exact: complex, sigmas: float = 5.0) -> None:
    se = samples.std() / np.sqrt(samples.size)
    assert abs(samples.mean() - exact) <= sigmas * se + 1e-12 * abs(exact), (
        samples.mean(),
        exact,
        se,
    )


@given(
    seed=st.integers(0, 10**6),
    beta=st.sampled_from([1, 2, 4]),
    parts=st.sampled_from([(2,), (3,), (2, 1), (1, 1, 1)]),
)
def test_monte_carlo_scalar_moments(seed: int, beta: int, parts: tuple[int, ...]) -> None:
    mm, nn = 3, 6
    sigma = _random_sigma(seed, mm, beta)
    w = _sample_w(np.random.default_rng(seed + 1), sigma, nn, beta, 4000)
    samples = np.prod([_traces(w, j, beta) for j in parts], axis=0)
    _check_mc(samples, float(moment_cov(parts, n=nn, cov=sigma, beta=beta)))


@given(seed=st.integers(0, 10**6), beta=st.sampled_from([1, 2, 4]), power=st.integers(1, 3))
def test_monte_carlo_matrix_moments(seed: int, beta: int, power: int) -> None:
    """Entries of E[tr(W) W^power] against the sample mean, entry by entry."""
    mm, nn = 3, 5
    sigma = _random_sigma(seed, mm, beta)
    w = _sample_w(np.random.default_rng(seed + 1), sigma, nn, beta, 4000)
    samples = _traces(w, 1, beta)[:, None, None] * np.linalg.matrix_power(w, power)
    exact = np.array(moment_matrix([1], power, n=nn, cov=sigma, beta=beta).evalf(), dtype=complex)
    if beta == 4:
        exact = np.kron(np.eye(2), exact)  # a real quaternion matrix A is A (x) I_2
    for i in range(mm):
        for j in range(mm):
            _check_mc(samples[:, i, j].real, exact[i, j].real)
            if beta == 2:
                _check_mc(samples[:, i, j].imag, exact[i, j].imag)


@given(
    seed=st.integers(0, 10**6),
    beta=st.sampled_from([1, 2, 4]),
    case=st.sampled_from([((1,), 0), ((2,), 0), ((1, 1), 0), ((), 1), ((1,), 1)]),
)
def test_monte_carlo_inverse_moments(seed: int, beta: int, case: tuple) -> None:
    """Inverse moments with n well above m + 2 * order, so the sample variance is finite."""
    parts, power = case
    mm = 3
    nn = mm + 4 * (sum(parts) + power) + 4
    sigma = _random_sigma(seed, mm, beta)
    w = _sample_w(np.random.default_rng(seed + 1), sigma, nn, beta, 4000)
    wi = np.linalg.inv(w)
    scalar = np.prod([_traces(wi, j, beta) for j in parts], axis=0) if parts else np.ones(len(w))
    if power == 0:
        _check_mc(scalar, float(moment_cov(parts, n=nn, cov=sigma, beta=beta, inverse=True)))
        return
    samples = scalar[:, None, None] * np.linalg.matrix_power(wi, power)
    exact = np.array(
        moment_matrix(parts, power, n=nn, cov=sigma, beta=beta, inverse=True).evalf(),
        dtype=complex,
    )
    if beta == 4:
        exact = np.kron(np.eye(2), exact)
    for i in range(mm):
        _check_mc(samples[:, i, i].real, exact[i, i].real)
    _check_mc(samples[:, 0, 1].real, exact[0, 1].real)


@pytest.mark.parametrize("beta", [0.5, 3])
def test_monte_carlo_identity_any_beta(beta: float) -> None:
    """Sigma = I, non-classical beta: Dumitriu-Edelman bidiagonal model, forward and inverse."""
    rng = np.random.default_rng(7)
    mm, nn, size = 3, 30, 20000
    diag = np.sqrt(rng.chisquare(beta * (nn - np.arange(mm)), size=(size, mm)))
    sub = np.sqrt(rng.chisquare(beta * np.arange(mm - 1, 0, -1), size=(size, mm - 1)))
    b = np.zeros((size, mm, mm))
    idx = np.arange(mm)
    b[:, idx, idx] = diag
    b[:, idx[1:], idx[:-1]] = sub
    w = b @ np.swapaxes(b, 1, 2) / beta
    wi = np.linalg.inv(w)
    exact_beta = sympy.nsimplify(beta)
    for parts in [(2,), (3,), (2, 1)]:
        samples = np.prod([_traces(w, j, 1) for j in parts], axis=0)
        _check_mc(samples, float(moment_cov(parts, n=nn, m=mm, beta=exact_beta)))
    samples = _traces(wi, 1, 1) ** 2
    _check_mc(samples, float(moment_cov([1, 1], n=nn, m=mm, beta=exact_beta, inverse=True)))


# --------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("cov", "message"),
    [
        ([[1, 2], [0, 1]], "not symmetric"),
        ([[1, 2], [2, 1]], "not positive definite"),
        ([[1, 0, 0], [0, 1, 0]], "square"),
        ([[1.0, float("nan")], [float("nan"), 1.0]], "NaN"),
        (np.array([[1.0, 0.5], [0.4, 1.0]]), "not symmetric"),
        (np.array([[1.0, 0.0], [0.0, -1.0]]), "not positive definite"),
        (np.ones((2, 2, 2)), "2-dimensional"),
        ([], "non-empty"),
        ([[sympy.Symbol("x")]], "numbers"),
        ("2,1;1,3", "string"),
        ([[1, 0], [0, 0]], "not positive definite"),
    ],
)
def test_bad_covariance(cov: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_cov(cov)
    with pytest.raises(ValueError, match=message):
        moment_cov([1], n=5, cov=cov)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be positive"):
        moment_cov([1], n=0, cov=SIGMA)
    with pytest.raises(ValueError, match="n must be positive"):
        moment_matrix([1], 1, n=-3, cov=SIGMA)
    with pytest.raises(ValueError, match="beta must be a positive number with a covariance"):
        moment_cov([1], n=5, cov=SIGMA, beta=0)
    with pytest.raises(ValueError, match="beta must be a positive number"):
        moment_expression_cov([1], beta="three")
    with pytest.raises(ValueError, match="inverse moments need a numeric beta"):
        moment_expression_cov([1], beta=None, inverse=True)
    with pytest.raises(ValueError, match="inverse moments need a numeric beta"):
        moment_matrix([1], 1, n=9, cov=SIGMA, beta=sympy.Symbol("b"), inverse=True)
    with pytest.raises(ValueError, match="beta must be a positive"):
        moment_cov([1], n=5, m=2, beta=-1)
    with pytest.raises(ValueError, match="non-negative integers"):
        moment_cov([-1, 1], n=5, cov=SIGMA)
    with pytest.raises(ValueError, match="non-negative integers"):
        moment_cov([1.5], n=5, cov=SIGMA)
    with pytest.raises(ValueError, match="non-negative integers"):
        moment_expression_cov("3,1")
    with pytest.raises(ValueError, match="power must be"):
        moment_matrix([1], -1, n=5, cov=SIGMA)
    with pytest.raises(ValueError, match="needs beta=2"):
        moment_cov([1], n=5, cov=SIGMA_C, beta=1)
    with pytest.raises(ValueError, match="needs beta=2"):
        moment_matrix([1], 1, n=5, cov=np.array(SIGMA_C, dtype=complex), beta=4)
    with pytest.raises(ValueError, match="does not match"):
        moment_cov([1], n=5, cov=SIGMA, m=2)
    with pytest.raises(ValueError, match="give cov"):
        moment_cov([1], n=5)


def test_inverse_existence_condition() -> None:
    # real, m = 3: order k needs (n - 2) / 2 > k
    assert moment_cov([1], n=5, cov=SIGMA, inverse=True) == SIGMA.inv().trace()
    with pytest.raises(ValueError, match=r"beta \(n - m \+ 1\) / 2 > 1"):
        moment_cov([1], n=4, cov=SIGMA, inverse=True)
    with pytest.raises(ValueError, match=r"exists iff beta \(n - m \+ 1\) / 2 > 3"):
        moment_matrix([2], 1, n=8, cov=SIGMA, inverse=True)
    moment_matrix([2], 1, n=9, cov=SIGMA, inverse=True)
    with pytest.raises(ValueError, match="infinite"):
        moment_cov([2], n=2.9, cov=np.eye(2), beta=2, inverse=True)
    assert moment_cov([2], n=3.5, cov=np.eye(2), beta=2, inverse=True) > 0


def test_cli_parsers(tmp_path) -> None:
    rows = parse_cov_text("2,1,0;1,3,1;0,1,1")
    assert parse_cov(rows) == SIGMA and isinstance(rows[0][0], sympy.Rational)
    assert parse_cov_text("1/2, 0.25; 0.25, 1")[0] == [sympy.Rational(1, 2), sympy.Rational(1, 4)]
    with pytest.raises(ValueError, match="not a number"):
        parse_cov_text("1,x;x,1")
    path = tmp_path / "s.json"
    path.write_text(json.dumps([[2, "1/3"], ["1/3", 1]]))
    assert parse_cov(load_cov_file(path)) == sympy.Matrix(
        [[2, sympy.Rational(1, 3)], [sympy.Rational(1, 3), 1]]
    )
    npy = tmp_path / "s.npy"
    np.save(npy, np.array(SIGMA_ROWS, float))
    assert np.allclose(parse_cov(load_cov_file(npy)), np.array(SIGMA_ROWS, float))
    with pytest.raises(ValueError, match=r"\.npy or \.json"):
        load_cov_file(tmp_path / "s.txt")


def test_docstring_and_docs_examples() -> None:
    import doctest
    from pathlib import Path

    from wishart_moments import covariance

    assert doctest.testmod(covariance).failed == 0
    page = Path(__file__).resolve().parents[1] / "docs" / "covariance.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.failed == 0 and result.attempted >= 5
