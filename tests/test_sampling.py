"""Monte Carlo checks of the samplers (and, through them, of the exact engines).

Every comparison is a z-score against the standard error of the sample (two-sample where two
samplers are compared), with a 5-sigma tolerance and seeded generators.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wishart_moments.engines import permutations as perm
from wishart_moments.engines.loop_equations import moment_terms_at
from wishart_moments.sampling import (
    check_covariance,
    sample_laguerre_eigenvalues,
    sample_wishart,
    trace_power_sums,
    wishart_eigenvalues,
)

Z = 5.0
BETAS = [Fraction(1, 2), 1, 2, 3, 4]


def z_one(values: np.ndarray, exact: float) -> float:
    se = values.std(ddof=1) / np.sqrt(len(values))
    return abs(values.mean() - exact) / se


def z_two(a: np.ndarray, b: np.ndarray) -> float:
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return abs(a.mean() - b.mean()) / se


def exact_identity(parts: tuple[int, ...], n: Fraction, m: int, beta: Fraction | int) -> float:
    """The loop-equation moment at Sigma = I (any rational beta)."""
    terms = moment_terms_at(parts, beta)
    return float(sum(Fraction(c) * n**i * m**j for (i, j), c in terms.items()))


def exact_cov(parts: tuple[int, ...], n: int, sigma: np.ndarray, beta: int) -> float:
    p = {j: float(np.trace(np.linalg.matrix_power(sigma, j)).real) for j in range(1, 9)}
    total = 0.0
    for (e, lam), c in perm.moment_terms_cov(parts, beta).items():
        total += c * n**e * float(np.prod([p[j] for j in lam]))
    return total


def random_cov(m: int, seed: int, complex_: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, m))
    if complex_:
        a = a + 1j * rng.standard_normal((m, m))
    return a @ a.conj().T / m + 0.5 * np.eye(m)


# --- the bidiagonal beta-Laguerre sampler -----------------------------------------------------


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("n", [Fraction(7, 10), Fraction(3)])
def test_laguerre_one_by_one(beta: Fraction | int, n: Fraction) -> None:
    """m = 1: the eigenvalue is chi^2_{beta n} / beta, E x^k = prod_{i<k} (n + alpha i)."""
    alpha = 2 / Fraction(beta)
    x = sample_laguerre_eigenvalues(float(n), 1, float(beta), 40_000, 11)[:, 0]
    for k in (1, 2, 3):
        exact = float(np.prod([n + alpha * i for i in range(k)]))
        assert z_one(x**k, exact) < Z
        assert float(exact_identity((k,), n, 1, beta)) == pytest.approx(exact)


@settings(max_examples=15)
@given(
    beta=st.sampled_from(BETAS),
    m=st.integers(1, 4),
    offset=st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(5, 2), Fraction(4)]),
    seed=st.integers(0, 2**32 - 1),
)
def test_laguerre_moments(beta: Fraction | int, m: int, offset: Fraction, seed: int) -> None:
    """E tr S = nm, E tr S^2 = nm(n+m) + (2/beta - 1) nm, and the loop equations up to degree 4."""
    n = m - 1 + offset
    eig = sample_laguerre_eigenvalues(float(n), m, float(beta), 20_000, seed)
    assert eig.shape == (20_000, m)
    assert z_one(trace_power_sums(eig, [1]), float(n * m)) < Z
    second = n * m * (n + m) + (2 / Fraction(beta) - 1) * n * m
    assert exact_identity((2,), n, m, beta) == pytest.approx(float(second))
    assert z_one(trace_power_sums(eig, [2]), float(second)) < Z
    for parts in [(1, 1), (3,), (2, 1), (4,), (2, 2), (1, 1, 1)]:
        assert z_one(trace_power_sums(eig, parts), exact_identity(parts, n, m, beta)) < Z


@pytest.mark.parametrize("beta", [1, 2, 3, 4])
def test_laguerre_integer_n_below_m(beta: int) -> None:
    """n < m integer: rank n (m - n zero eigenvalues), moments still the same polynomials."""
    n, m = 2, 4
    eig = sample_laguerre_eigenvalues(n, m, beta, 30_000, 5)
    assert np.all(eig[:, : m - n] == 0) and np.all(eig[:, m - n :] > 0)
    for parts in [(1,), (2,), (3,), (2, 1)]:
        assert z_one(trace_power_sums(eig, parts), exact_identity(parts, Fraction(n), m, beta)) < Z


# --- dense samplers: against the bidiagonal one and against the exact moments ----------------


@pytest.mark.parametrize("beta", [1, 2, 4])
@pytest.mark.parametrize(("n", "m"), [(3, 3), (6, 2), (2, 3)])
def test_dense_agrees_with_bidiagonal(beta: int, n: int, m: int) -> None:
    size = 30_000
    dense = wishart_eigenvalues(sample_wishart(n, np.eye(m), beta, size, 1), beta)
    bidiag = sample_laguerre_eigenvalues(n, m, beta, size, 2)
    assert dense.shape == bidiag.shape == (size, m)
    low = max(m - n, 0)  # the smallest nonzero eigenvalue
    # not only moments: the mean of the extreme eigenvalues too
    for stat in (lambda e: e[:, -1], lambda e: e[:, low], lambda e: trace_power_sums(e, [3])):
        assert z_two(stat(dense), stat(bidiag)) < Z
    for parts in [(2,), (3,), (2, 1)]:
        exact = exact_identity(parts, Fraction(n), m, beta)
        assert z_one(trace_power_sums(dense, parts), exact) < Z


@settings(max_examples=12)
@given(
    beta=st.sampled_from([1, 2]),
    m=st.integers(2, 4),
    n=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    complex_cov=st.booleans(),
)
def test_dense_with_covariance(beta: int, m: int, n: int, seed: int, complex_cov: bool) -> None:
    """Random Sigma (Hermitian for beta = 2): E W = n Sigma and the Wick enumeration's moments."""
    sigma = random_cov(m, seed, complex_=complex_cov and beta == 2)
    w = sample_wishart(n, sigma, beta, 20_000, seed)
    mean = w.mean(axis=0)
    se = w.std(axis=0, ddof=1) / np.sqrt(len(w))
    assert np.all(np.abs(mean - n * sigma) <= Z * se + 1e-12)
    for parts in [(2,), (3,), (2, 1), (1, 1)]:
        values = trace_power_sums(w, parts, beta=beta)
        assert z_one(values, exact_cov(parts, n, sigma, beta)) < Z


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quaternion_with_covariance(seed: int) -> None:
    """beta = 4: E tr W = n p1, E tr W^2 = n(n - 1/2) p2 + n p1^2, Var tr W = n p2 / 2."""
    m, n = 3, 4
    sigma = random_cov(m, seed)
    w = sample_wishart(n, sigma, 4, 20_000, seed)
    assert w.shape == (20_000, 2 * m, 2 * m)
    p1, p2 = np.trace(sigma), np.trace(sigma @ sigma)
    assert z_one(trace_power_sums(w, [1], beta=4), n * p1) < Z
    assert z_one(trace_power_sums(w, [2], beta=4), n * (n - 0.5) * p2 + n * p1**2) < Z
    assert z_one(trace_power_sums(w, [1, 1], beta=4), n**2 * p1**2 + n * p2 / 2) < Z
    mean = w.mean(axis=0)  # the complex representation of n Sigma: diag(n Sigma, n Sigma)
    se = w.std(axis=0, ddof=1) / np.sqrt(len(w))
    target = np.kron(np.eye(2), n * sigma)
    assert np.all(np.abs(mean - target) <= Z * se + 1e-12)


def test_trace_statistics_from_matrices_and_eigenvalues_agree() -> None:
    for beta in (1, 2, 4):
        w = sample_wishart(3, random_cov(3, 7), beta, 50, 3)
        eig = wishart_eigenvalues(w, beta)
        for parts in [(1,), (3, 2), (2, 2, 1), ()]:
            np.testing.assert_allclose(
                trace_power_sums(w, parts, beta=beta), trace_power_sums(eig, parts), rtol=1e-9
            )


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"beta": 0}, "beta"),
        ({"beta": -1.0}, "beta"),
        ({"beta": float("nan")}, "beta"),
        ({"m": 2.5}, "m"),
        ({"m": 0}, "m"),
        ({"n": 1.5, "m": 4}, "n=1.5"),
        ({"n": 0}, "n"),
        ({"size": 0}, "size"),
        ({"rng": "seed"}, "rng"),
    ],
)
def test_laguerre_bad_input(kwargs: dict, match: str) -> None:
    args = {"n": 3, "m": 2, "beta": 2, "size": 10, "rng": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        sample_laguerre_eigenvalues(**args)


@pytest.mark.parametrize(
    ("cov", "beta", "match"),
    [
        ([[1, 2], [0, 1]], 1, "symmetric"),
        ([[1, 2], [2, 1]], 1, "positive definite"),
        ([[1, 0], [0, float("nan")]], 1, "finite"),
        ([1, 2, 3], 1, "square"),
        ([[1, 1j], [-1j, 2]], 1, "real"),
        ([[1, 1j], [-1j, 2]], 4, "real"),
        ("abc", 1, "cov"),
        (np.eye(2), 3, "beta"),
    ],
)
def test_wishart_bad_input(cov: object, beta: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sample_wishart(3, cov, beta, 10, 0)


def test_other_bad_input() -> None:
    assert check_covariance([[1, 1j], [-1j, 2]], 2).dtype == complex
    with pytest.raises(ValueError, match="n"):
        sample_wishart(2.5, np.eye(2), 1, 10, 0)
    with pytest.raises(ValueError, match="parts"):
        trace_power_sums(np.ones((3, 2)), [0])
    with pytest.raises(ValueError, match="samples"):
        trace_power_sums(np.ones((3, 2, 4)), [1])
    with pytest.raises(ValueError, match="samples"):
        wishart_eigenvalues(np.ones((3, 2)), 1)
