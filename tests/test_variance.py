"""Output variance engines, the inverse problem and their CLI (issue 3)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wishart_moments.cli import main
from wishart_moments.variance import output_variance, solve_sigma2, solve_sigma2_grid
from wishart_moments.variance.asymptotic import asymptotic_h
from wishart_moments.variance.exact import exact_h1
from wishart_moments.variance.monte_carlo import (
    bidiagonal_eigenvalues,
    bidiagonal_squares,
    dense_h,
    monte_carlo_h,
    resolvent_h,
)
from wishart_moments.variance.quadrature import quadrature_h
from wishart_moments.variance.series import series_h

# ---------------------------------------------------------------- light import


def test_variance_package_imports_neither_sympy_nor_numba():
    code = (
        "import sys, wishart_moments.variance as v; "
        "v.output_variance(20, 40, 0.1); v.solve_sigma2(64, 64, 0.5); "
        "assert 'sympy' not in sys.modules and 'numba' not in sys.modules, "
        "[k for k in sys.modules if k.startswith(('sympy', 'numba'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- reference values


def test_paper_headline_numbers():
    n = 512
    he = output_variance(n, n, 1 / n)
    assert he.method == "quadrature" and he.upper - he.lower < 1e-6
    assert abs(he.value - 0.381817) < 1e-5
    ten = output_variance(n, n, 100 / n)
    assert abs(ten.value - 0.904434) < 1e-4 and ten.lower <= ten.value <= ten.upper
    small = output_variance(3, 5, 1 / 5)
    assert abs(small.value - 0.41) < 1e-3 and small.upper - small.lower < 1e-6


def test_marchenko_pastur_reference_values():
    # n = 40, m = 20, alpha = 10, sigma = 1: R0 = 0.028078, R0 + R1 = 0.028501, exact 0.0284924
    x = 10.0
    value, _ = asymptotic_h(20, 40, x)
    assert abs(value / x - 0.028501) < 1e-6
    lower, upper = quadrature_h(20, 40, x)
    assert (
        lower <= upper and abs(lower / x - 0.0284924) < 1e-7 and abs(upper / x - 0.0284924) < 1e-7
    )
    root = math.sqrt((x + 60) ** 2 - 4 * 800)
    assert abs((root - x - 20) / (2 * 20 * x) - 0.028078) < 1e-6


def test_exact_p1_against_quadrature_bracket():
    for q, x in [(1, 0.3), (4, 2.0), (30, 5.0)]:
        lower, upper = quadrature_h(1, q, x)
        assert lower - 1e-12 <= exact_h1(q, x) <= upper + 1e-12
    # m > n = 1: one eigenvalue chi^2_m and m - 1 zeros
    r = output_variance(7, 1, 3.0, method="exact")
    assert abs(r.value - (1 - exact_h1(7, 1 / 3.0)) / 7) < 1e-12
    assert abs(output_variance(7, 1, 3.0).value - r.value) < 1e-4
    assert output_variance(1, 1, 100.0).method == "exact"  # hard edge: bracket too wide


# ---------------------------------------------------------------- quadrature


@pytest.mark.parametrize("p,q,x", [(5, 5, 0.5), (3, 8, 0.2), (20, 40, 10.0), (64, 64, 2.0)])
def test_quadrature_bracket_orders_and_tightens(p, q, x):
    previous_lower, previous_upper = -np.inf, np.inf
    for nodes in range(1, 16):
        lower, upper = (float(v) for v in quadrature_h(p, q, x, nodes))
        assert 0 <= lower <= upper <= 1
        assert lower >= previous_lower - 1e-13 and upper <= previous_upper + 1e-13
        previous_lower, previous_upper = lower, upper


@pytest.mark.parametrize("p,q,x", [(5, 5, 0.5), (4, 9, 0.3)])
def test_quadrature_bracket_contains_long_monte_carlo(p, q, x):
    lower, upper = quadrature_h(p, q, x)
    assert upper - lower < 0.01
    mean, stderr = monte_carlo_h(p, q, x, 400_000, seed=11)
    assert lower - 4 * stderr <= mean <= upper + 4 * stderr


# ---------------------------------------------------------------- asymptotic


@pytest.mark.parametrize("p,q", [(256, 512), (512, 512), (300, 1000)])
def test_asymptotic_against_quadrature_for_large_shapes(p, q):
    x = q * np.array([10.0, 3.0, 1.0, 0.5])
    lower, upper = quadrature_h(p, q, x)
    assert np.all(upper - lower < 1e-5)
    value, error = asymptotic_h(p, q, x)
    mid = (lower + upper) / 2
    assert np.all(np.abs(value - mid) <= error)
    assert np.all(np.abs(value - mid) < 1e-4)


def test_asymptotic_estimate_covers_monte_carlo_at_the_hard_edge():
    p = 64
    for x in (0.64, 0.0064):
        value, error = asymptotic_h(p, p, x)
        mean, stderr = monte_carlo_h(p, p, x, 40_000, seed=3)
        assert abs(float(value) - mean) <= float(error) + 4 * stderr


# ---------------------------------------------------------------- Monte Carlo


def test_resolvent_recursion_equals_eigenvalue_formula():
    rng = np.random.default_rng(5)
    for p, q in [(1, 3), (2, 2), (6, 9), (7, 7)]:
        diag2, sub2 = bidiagonal_squares(p, q, 50, np.random.default_rng(rng.integers(1 << 30)))
        eig = bidiagonal_eigenvalues(p, q, 50, np.random.default_rng(0))
        # same draws: rebuild eigenvalues from the squares used by the recursion
        tri = np.zeros((50, p, p))
        idx = np.arange(p)
        tri[:, idx, idx] = diag2.T
        tri[:, idx[1:], idx[1:]] += sub2.T
        off = np.sqrt(diag2[:-1] * sub2).T
        tri[:, idx[:-1], idx[1:]] = off
        tri[:, idx[1:], idx[:-1]] = off
        eig = np.linalg.eigvalsh(tri)
        for x in (0.01, 1.0, 30.0):
            direct = (x / (x + eig)).mean(axis=1)
            np.testing.assert_allclose(resolvent_h(diag2, sub2, x), direct, rtol=1e-10)


@pytest.mark.parametrize("p,q", [(3, 3), (4, 7)])
def test_bidiagonal_eigenvalues_match_dense_sampling(p, q):
    from scipy.stats import ks_2samp

    count = 4000
    bidiag = bidiagonal_eigenvalues(p, q, count, np.random.default_rng(1))
    w = np.random.default_rng(2).standard_normal((count, p, q))
    dense = np.linalg.eigvalsh(w @ w.transpose(0, 2, 1))
    for column in (0, p - 1):  # smallest and largest eigenvalue: iid over samples
        assert ks_2samp(bidiag[:, column], dense[:, column]).pvalue > 1e-3
    # E tr S = p q and E tr S^2 = p q (p + q + 1), with error bars from the sample
    for sample in (bidiag, dense):
        for power, exact in ((1, p * q), (2, p * q * (p + q + 1))):
            stat = (sample**power).sum(axis=1)
            assert abs(stat.mean() - exact) < 4 * stat.std() / math.sqrt(count)


@settings(max_examples=12)
@given(
    m=st.integers(1, 6),
    n=st.integers(1, 6),
    log_scale=st.floats(-2.0, 1.5),
    alpha=st.floats(0.2, 5.0),
)
def test_auto_against_dense_monte_carlo(m, n, log_scale, alpha):
    sigma2 = alpha * 10.0**log_scale / n
    result = output_variance(m, n, sigma2, alpha=alpha)
    assert result.lower <= result.value <= result.upper
    assert 0 < result.value < min(m, n) / m
    seed = m * 1000 + n * 10 + int((log_scale + 3) * 7)
    p, q = min(m, n), max(m, n)
    per_sample = dense_h(p, q, alpha / sigma2, 3000, np.random.default_rng(seed))
    h_mc = (p * per_sample.mean() + (m - p)) / m
    stderr = p / m * per_sample.std() / math.sqrt(per_sample.size)
    assert abs((1 - h_mc) - result.value) <= 4.5 * stderr + 2e-4


@pytest.mark.parametrize("m,n,sigma2", [(64, 64, 100.0), (256, 256, 1.0), (8, 8, 2.0)])
def test_auto_at_hard_edge_points_against_long_monte_carlo(m, n, sigma2):
    result = output_variance(m, n, sigma2)
    mean, stderr = monte_carlo_h(m, n, 1 / sigma2, max(20_000, 4_000_000 // m), seed=99)
    assert abs((1 - mean) - result.value) <= 1e-4 + 4 * stderr
    assert result.lower - 4 * stderr <= 1 - mean <= result.upper + 4 * stderr


def test_series_bracket_is_certified_and_valid_for_small_sigma():
    x = 2000.0  # sigma^2 (sqrt m + sqrt n)^2 << alpha
    _, lower, upper = series_h(20, 40, x)
    q_lower, q_upper = quadrature_h(20, 40, x)
    assert lower <= q_lower <= q_upper <= upper and upper - lower < 1e-12
    r = output_variance(20, 40, 0.5, method="series")  # far outside: bracket says so
    assert not r.meets_tol


def test_monte_carlo_method_reports_samples_and_is_seeded():
    a = output_variance(10, 12, 0.3, method="monte_carlo", samples=2000, seed=4)
    b = output_variance(10, 12, 0.3, method="monte_carlo", samples=2000, seed=4)
    assert a == b and a.samples == 2000 and a.stderr > 0
    assert a.upper - a.lower == pytest.approx(6 * a.stderr)


# ---------------------------------------------------------------- inverse


@pytest.mark.parametrize(
    "m,n,target,alpha,gamma",
    [
        (512, 512, 0.904, 1.0, 1.0),
        (300, 100, 0.2, 1.0, 1.0),  # m > n: supremum 1/3
        (64, 32, 1.5, 2.0, 2.0),  # gamma != 1: supremum gamma^2 / 2 = 2
        (20, 40, 0.6, 1.0, 1.0),
        (5, 5, 0.5, 1.0, 1.0),
        (1, 4, 0.3, 1.0, 1.0),
        (6, 2, 0.25, 0.5, 1.5),
    ],
)
def test_solve_sigma2_round_trip(m, n, target, alpha, gamma):
    sigma2 = solve_sigma2(m, n, target, alpha=alpha, gamma=gamma)
    assert sigma2 > 0
    assert solve_sigma2(m, n, target, alpha=alpha, gamma=gamma) == sigma2  # deterministic
    result = output_variance(m, n, sigma2, alpha=alpha, gamma=gamma)
    assert abs(result.value - target) <= 3e-4 * gamma**2


def test_solve_sigma2_grid_is_monotone_and_matches_single_solves():
    targets = np.linspace(0.05, 0.95, 7)
    grid = solve_sigma2_grid(256, 256, targets)
    assert np.all(np.diff(grid) > 0)
    assert grid[2] == pytest.approx(solve_sigma2(256, 256, targets[2]), rel=1e-12)


# ---------------------------------------------------------------- invalid input

BAD_CALLS = [
    dict(m=0), dict(m=1.5), dict(m=True), dict(n=-1), dict(n="3"),
    dict(sigma2=0.0), dict(sigma2=-1.0), dict(sigma2=float("nan")), dict(sigma2=float("inf")),
    dict(alpha=0.0), dict(alpha=-2.0), dict(gamma=0.0), dict(gamma=float("inf")),
    dict(method="dense"), dict(tol=0.0), dict(tol=1.0), dict(samples=1), dict(samples=2.5),
    dict(seed=-1), dict(method="exact"), dict(sigma2=1e-320),
]  # fmt: skip


@pytest.mark.parametrize("bad", BAD_CALLS)
def test_output_variance_rejects_bad_input(bad):
    args = dict(m=4, n=5, sigma2=0.2) | bad
    with pytest.raises(ValueError):
        output_variance(**args)


@pytest.mark.parametrize("target", [0.0, -0.1, 0.5, 0.7, float("nan"), float("inf")])
def test_solve_sigma2_rejects_unreachable_targets(target):
    with pytest.raises(ValueError, match="0 < target < gamma"):
        solve_sigma2(8, 4, target)  # supremum 4/8 = 0.5


def test_solve_sigma2_rejects_bad_arguments():
    for kwargs in (dict(m=0), dict(m=[3]), dict(alpha=-1.0), dict(gamma=0.0), dict(tol=2.0)):
        with pytest.raises(ValueError):
            solve_sigma2(**(dict(m=4, n=4, target=0.3) | kwargs))
    with pytest.raises(ValueError):
        solve_sigma2(4, 4, "0.3")  # type: ignore[arg-type]


# ---------------------------------------------------------------- CLI


def test_cli_variance_and_solve(capsys):
    assert main(["variance", "--m", "512", "--n", "512", "--sigma", str(1 / math.sqrt(512))]) == 0
    out = capsys.readouterr().out
    assert "0.3818" in out and "quadrature" in out and "interval" in out
    assert main(["solve", "--m", "512", "--n", "512", "--target", "0.904434"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["sigma^2", "sigma", "sigma*sqrt(n)"]
    assert abs(float(lines[2].split()[1]) - 10.0) < 0.05


@pytest.mark.parametrize(
    "argv",
    [
        ["variance", "--m", "0", "--n", "5", "--sigma", "1"],
        ["variance", "--m", "3", "--n", "5", "--sigma", "-1"],
        ["variance", "--m", "3", "--n", "5", "--sigma2", "nan"],
        ["variance", "--m", "3", "--n", "5", "--sigma", "1", "--method", "dense"],
        ["solve", "--m", "8", "--n", "4", "--target", "0.5"],
        ["solve", "--m", "8", "--n", "4", "--target", "0.3", "--gamma", "-1"],
    ],
)
def test_cli_bad_values_exit_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_variance_series_symbolic():
    import sympy

    from wishart_moments.symbolic import alpha, gamma, m, n, sigma, variance_series

    first = variance_series(1)
    assert sympy.simplify(first - gamma**2 * n * sigma**2 / alpha) == 0
    f = sympy.lambdify((m, n, sigma, alpha, gamma), variance_series(10))
    value, _, _ = series_h(20, 40, 2000.0)  # h at x = alpha / sigma^2 = 2000
    assert f(20, 40, 1.0, 2000.0, 1.0) == pytest.approx(1 - value, rel=1e-12)
    with pytest.raises(ValueError):
        variance_series(0)


def test_conditioned_sampler_is_exact_for_one_row() -> None:
    # p = 1: conditioning on d_1^2 leaves nothing random, so every sample equals the closed form.
    from wishart_moments.variance.exact import exact_h1
    from wishart_moments.variance.monte_carlo import bidiagonal_squares, conditioned_resolvent_h

    rng = np.random.default_rng(5)
    for q in (1, 2, 3, 8):
        for x in (0.01, 1.0, 300.0):
            values = conditioned_resolvent_h(*bidiagonal_squares(1, q, 4, rng), x, q)
            assert np.allclose(values, exact_h1(q, x), rtol=1e-10, atol=0)


@pytest.mark.parametrize(("p", "q", "x"), [(2, 2, 0.2), (3, 3, 0.03), (4, 6, 0.5), (8, 8, 0.08)])
def test_conditioned_sampler_has_the_plain_mean_and_less_variance(p: int, q: int, x: float) -> None:
    from wishart_moments.variance.monte_carlo import (
        bidiagonal_squares,
        conditioned_resolvent_h,
        resolvent_h,
    )

    diag2, sub2 = bidiagonal_squares(p, q, 200_000, np.random.default_rng(11))
    plain = resolvent_h(diag2, sub2, x)
    conditioned = conditioned_resolvent_h(diag2, sub2, x, q - p + 1)
    stderr = np.hypot(plain.std(), conditioned.std()) / np.sqrt(plain.size)
    assert abs(plain.mean() - conditioned.mean()) < 5 * stderr
    assert conditioned.var() < plain.var() / 1.3
