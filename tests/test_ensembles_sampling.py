"""Seeded Monte Carlo checks of the Gaussian and Jacobi samplers against the exact moments.

Each comparison is a z-score against the standard error of the sample with a 5-sigma tolerance;
each test also checks that a wrong formula (another beta, or n1 and n2 exchanged) is rejected.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from wishart_moments.ensembles import gaussian_moment, jacobi_moment
from wishart_moments.sampling import (
    sample_gaussian_eigenvalues,
    sample_gaussian_matrix,
    sample_jacobi_eigenvalues,
    sample_manova_eigenvalues,
    trace_power_sums,
)

Z = 5.0
GAUSSIAN_PARTS = ([2], [4], [2, 2], [3, 1], [6])
JACOBI_PARTS = ([1], [2], [1, 1], [3], [2, 1])


def z_score(values: np.ndarray, exact: float) -> float:
    return abs(values.mean() - exact) / (values.std(ddof=1) / np.sqrt(len(values)))


def check_gaussian(eig: np.ndarray, m: int, beta: Fraction, wrong: Fraction) -> None:
    for parts in GAUSSIAN_PARTS:
        values = trace_power_sums(eig, parts)
        assert z_score(values, float(gaussian_moment(parts, m=m, beta=beta))) < Z, parts
    values = trace_power_sums(eig, [4])
    assert z_score(values, float(gaussian_moment([4], m=m, beta=wrong))) > 4 * Z


@pytest.mark.parametrize("beta", [Fraction(1), Fraction(2), Fraction(7, 10)])
def test_gaussian_tridiagonal_model(beta: Fraction) -> None:
    eig = sample_gaussian_eigenvalues(4, float(beta), 60_000, rng=11)
    check_gaussian(eig, 4, beta, wrong=2 * beta)


@pytest.mark.parametrize("beta", [1, 2])
def test_dense_goe_gue(beta: int) -> None:
    h = sample_gaussian_matrix(4, beta, 40_000, rng=12)
    assert np.allclose(h, np.swapaxes(h.conj(), -1, -2))
    check_gaussian(np.linalg.eigvalsh(h), 4, Fraction(beta), wrong=Fraction(3 - beta))
    diag = h[:, 0, 0].real
    assert z_score(diag**2, 1.0) < Z  # H_ii ~ N(0, 1)
    off = np.abs(h[:, 0, 1]) ** 2
    assert z_score(off, 0.5 if beta == 1 else 1.0) < Z  # N(0, 1/2) real; E|H_ij|^2 = 1


def check_jacobi(eig: np.ndarray, m: int, n1: object, n2: object, beta: object) -> None:
    for parts in JACOBI_PARTS:
        values = trace_power_sums(eig, parts)
        exact = float(jacobi_moment(parts, m=m, n1=n1, n2=n2, beta=beta))
        assert z_score(values, exact) < Z, parts
    pillai = trace_power_sums(eig, [1])
    swapped = float(jacobi_moment([1], m=m, n1=n2, n2=n1, beta=beta))
    assert z_score(pillai, swapped) > 4 * Z
    squares = trace_power_sums(eig, [2])
    other = Fraction(beta) * 2 if Fraction(beta) != 2 else Fraction(1)
    wrong = float(jacobi_moment([2], m=m, n1=n1, n2=n2, beta=other))
    assert z_score(squares, wrong) > 2 * Z


@pytest.mark.parametrize("beta", [Fraction(1), Fraction(2), Fraction(5, 2)])
def test_jacobi_tridiagonal_model(beta: Fraction) -> None:
    eig = sample_jacobi_eigenvalues(3, 5, 4.5, float(beta), 60_000, rng=13)
    assert eig.min() >= 0 and eig.max() <= 1
    check_jacobi(eig, 3, 5, Fraction(9, 2), beta)


def test_jacobi_tridiagonal_model_real_parameters() -> None:
    """n1, n2 just above m - 1 (a, b in (-1, 0)) at a non-classical beta."""
    eig = sample_jacobi_eigenvalues(3, 2.75, 3.5, 1.5, 60_000, rng=14)
    check_jacobi(eig, 3, Fraction(11, 4), Fraction(7, 2), Fraction(3, 2))


@pytest.mark.parametrize("beta", [1, 2])
def test_dense_manova(beta: int) -> None:
    eig = sample_manova_eigenvalues(3, 5, 4, beta, 30_000, rng=15)
    check_jacobi(eig, 3, 5, 4, beta)


def test_samplers_reject_bad_input() -> None:
    with pytest.raises(ValueError, match=r"n2=2\.0 is not allowed with m=3"):
        sample_jacobi_eigenvalues(3, 5, 2.0, 1.0, 10, rng=0)
    with pytest.raises(ValueError, match=r"beta = 1 .* and 2"):
        sample_gaussian_matrix(3, 4, 10, rng=0)
    with pytest.raises(ValueError, match="beta"):
        sample_gaussian_eigenvalues(3, -1.0, 10, rng=0)
    with pytest.raises(ValueError, match="n1"):
        sample_manova_eigenvalues(3, 2, 5, 1, 10, rng=0)
    assert sample_gaussian_eigenvalues(1, 3.0, 5, rng=0).shape == (5, 1)
    assert sample_jacobi_eigenvalues(1, 0.5, 0.25, 3.0, 5, rng=0).shape == (5, 1)
