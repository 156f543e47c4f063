"""Lyapunov exponent, increment variance, critical scale and Lyapunov initialization."""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from experiments import lyapunov_depth
from lipschitz_layers.lyapunov import (
    critical_scale,
    expected_log_sq_norm,
    he_scale,
    lyapunov_exponent,
    lyapunov_normal_,
    lyapunov_orthogonal_,
    lyapunov_variance,
)

SLOPES = st.one_of(st.just(0.0), st.floats(1e-4, 0.99))


def increments(width: int, slope: float, weights: str, scale: float, samples: int, seed: int):
    """Monte Carlo per-layer increments ``log ||phi(W x)|| - log ||x||`` (survivors at slope 0).

    Gaussian ``W``: ``W x / ||x|| = scale g``; Haar ``W``: ``W x / ||x|| = scale g / ||g||``.
    """
    g = np.random.default_rng(seed).standard_normal((samples, width))
    if weights == "orthogonal":
        g /= np.linalg.norm(g, axis=1, keepdims=True)
    sq_norm = np.sum(np.where(g > 0, g, slope * g) ** 2, axis=1)
    sq_norm = sq_norm[sq_norm > 0]
    return math.log(scale) + 0.5 * np.log(sq_norm)


def assert_mean_and_variance(sample: np.ndarray, mean: float, variance: float) -> None:
    """Sample mean and variance within 5 standard errors of the predicted ones."""
    n = sample.size
    centred = sample - sample.mean()
    sample_var = float(np.mean(centred**2))
    se_mean = math.sqrt(variance / n)
    se_var = math.sqrt(max(float(np.mean(centred**4)) - sample_var**2, 0.0) / n)
    assert abs(sample.mean() - mean) < 5 * se_mean + 1e-12, (sample.mean(), mean, se_mean)
    assert abs(sample_var - variance) < 5 * se_var + 1e-12, (sample_var, variance, se_var)


@settings(max_examples=20)
@given(
    width=st.integers(1, 48),
    slope=SLOPES,
    weights=st.sampled_from(["gaussian", "orthogonal"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_exponent_and_variance_match_monte_carlo_random_walk(width, slope, weights, seed):
    scale = 0.7
    sample = increments(width, slope, weights, scale, 20_000, seed)
    assert_mean_and_variance(
        sample,
        lyapunov_exponent(width, slope, scale, weights),
        lyapunov_variance(width, slope, weights),
    )


@pytest.mark.parametrize("width", [1, 2, 3, 7, 16, 100, 1000, 100_000])
def test_slope_zero_closed_form_binomial_mixture_of_log_chi_square(width):
    # Given K ~ Binomial(d, 1/2) positive coordinates, ||relu(g)||^2 ~ chi^2_K: conditioned on
    # K >= 1, E log = sum_K w_K (psi(K/2) + log 2); Var log = sum w_K psi'(K/2) + Var of the mean.
    k = np.arange(1, width + 1)
    weights = stats.binom.pmf(k, width, 0.5)
    weights /= weights.sum()
    log_means = special.digamma(k / 2) + math.log(2)
    mean = float(weights @ log_means)
    variance = float(weights @ (special.polygamma(1, k / 2) + (log_means - mean) ** 2))
    assert expected_log_sq_norm(width, 0.0) == pytest.approx(mean, rel=1e-12, abs=1e-12)
    assert 4 * lyapunov_variance(width, 0.0) == pytest.approx(variance, rel=1e-9)
    # the general integral for a tiny positive slope: 2^{-d} log a is negligible at d >= 100
    if width >= 100:
        assert expected_log_sq_norm(width, 1e-9) == pytest.approx(mean, rel=1e-12)
        assert 4 * lyapunov_variance(width, 1e-9) == pytest.approx(variance, rel=1e-9)


@pytest.mark.parametrize("width", [2, 3, 5, 8])
@pytest.mark.parametrize("slope", [0.05, 0.5, 0.9])
def test_general_integral_matches_beta_mixture(width, slope):
    # ||phi(u)||^2 = a^2 + (1 - a^2) B_K, u uniform on the sphere, B_K ~ Beta(K/2, (d-K)/2)
    # given K ~ Binomial(d, 1/2) positive coordinates (B_0 = 0, B_d = 1).
    def log_share(x):
        return math.log(slope**2 + (1 - slope**2) * x)

    first = second = 0.0
    for k in range(width + 1):
        w = math.comb(width, k) / 2**width
        if k in (0, width):
            value = log_share(float(k > 0))
            m1, m2 = value, value**2
        else:
            alpha, beta = k / 2, (width - k) / 2
            norm = special.beta(alpha, beta)
            wvar = (alpha - 1, beta - 1)
            m1 = integrate.quad(log_share, 0, 1, weight="alg", wvar=wvar)[0] / norm
            m2 = integrate.quad(lambda x: log_share(x) ** 2, 0, 1, weight="alg", wvar=wvar)[0]
            m2 /= norm
        first += w * m1
        second += w * m2
    assert 2 * lyapunov_exponent(width, slope, 1.0, "orthogonal") == pytest.approx(first, rel=1e-10)
    assert 4 * lyapunov_variance(width, slope, "orthogonal") == pytest.approx(
        second - first**2, rel=1e-9
    )


def test_check_values_and_large_width_limit():
    assert critical_scale(16, 0.1) == pytest.approx(0.38288, abs=5e-6)
    assert critical_scale(16, 0.1, "orthogonal") == pytest.approx(1.48344, abs=5e-6)
    for slope in (0.0, 0.01, 0.5, 0.99):
        # d -> inf: phi(u) has squared norm -> (1 + a^2) / 2 with O(1/d) corrections
        share = 2 * lyapunov_exponent(100_000, slope, 1.0, "orthogonal")
        assert abs(share - math.log((1 + slope**2) / 2)) < 5 / 100_000
        # the Gaussian and orthogonal critical scales differ by exp((psi(d/2) + log 2) / 2)
        ratio = critical_scale(100_000, slope, "orthogonal") / critical_scale(100_000, slope)
        assert ratio == pytest.approx(math.sqrt(2 * math.exp(special.digamma(50_000))), rel=1e-12)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2, 0.9])
@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_he_exponent_negative_and_vanishing_with_width(slope, weights):
    widths = [1, 2, 4, 8, 16, 64, 256, 1024, 10_000, 100_000]
    if slope == 0.0:
        # conditioned on survival, narrow ReLU layers are special: with d = 1 an orthogonal layer
        # keeps |x| (exponent +log sqrt 2), and the exponent is not monotone below d = 4
        widths = [d for d in widths if d >= 4]
    exponents = [lyapunov_exponent(d, slope, he_scale(d, slope, weights), weights) for d in widths]
    assert all(lam < 0 for lam in exponents)
    assert all(a < b for a, b in itertools.pairwise(exponents))
    # wide limit (log-normal): E log ||x_1|| = log E||x_1||^2 / 2 - v, so lambda_He -> -v = O(1/d)
    assert -exponents[-1] == pytest.approx(lyapunov_variance(widths[-1], slope, weights), rel=0.02)
    assert all(critical_scale(d, slope, weights) > he_scale(d, slope, weights) for d in widths)


@pytest.mark.parametrize("width", [2, 5, 16])
@pytest.mark.parametrize("slope", [0.0, 0.01, 0.3])
@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_critical_scale_gives_zero_monte_carlo_drift(width, slope, weights):
    scale = critical_scale(width, slope, weights)
    sample = increments(width, slope, weights, scale, 40_000, seed=width * 1000 + int(slope * 100))
    assert abs(sample.mean()) < 5 * sample.std() / math.sqrt(sample.size)


@pytest.mark.parametrize("init", ["lyapunov_normal", "lyapunov_orthogonal"])
def test_deep_network_at_critical_scale_has_no_drift(init):
    # the real network: matrices drawn in torch, x propagated through 100 layers
    weights, _ = lyapunov_depth.INITIALIZATIONS[init]
    width, slope, depth = 6, 0.05, 100
    log_norms = lyapunov_depth.simulate_log_norms(
        width,
        slope,
        weights,
        critical_scale(width, slope, weights),
        depth,
        400,
        torch.Generator().manual_seed(7),
    )
    final = log_norms[:, -1].numpy()
    assert abs(final.mean()) < 5 * final.std() / math.sqrt(final.size)
    spread = final.std() / math.sqrt(depth)
    assert spread == pytest.approx(math.sqrt(lyapunov_variance(width, slope, weights)), rel=0.15)


def test_lyapunov_normal_empirical_std():
    tensor = torch.empty(64, 4000)
    out = lyapunov_normal_(tensor, negative_slope=0.2, generator=torch.Generator().manual_seed(0))
    assert out is tensor
    sigma = critical_scale(64, 0.2)  # width = tensor.shape[0]
    assert abs(tensor.std().item() / sigma - 1) < 5 / math.sqrt(2 * tensor.numel())
    assert abs(tensor.mean().item()) < 5 * sigma / math.sqrt(tensor.numel())


@pytest.mark.parametrize("shape", [(32, 32), (16, 40), (40, 16), (8, 3, 3, 3)])
def test_lyapunov_orthogonal_singular_values(shape):
    tensor = torch.empty(shape, dtype=torch.float64)
    out = lyapunov_orthogonal_(tensor, generator=torch.Generator().manual_seed(1))
    assert out is tensor
    eta = critical_scale(shape[0], 0.01, "orthogonal")
    singular = torch.linalg.svdvals(tensor.reshape(shape[0], -1))
    torch.testing.assert_close(singular, torch.full_like(singular, eta), rtol=1e-10, atol=0)


def test_init_is_reproducible_with_generator():
    first = lyapunov_normal_(torch.empty(5, 7), generator=torch.Generator().manual_seed(3))
    second = lyapunov_normal_(torch.empty(5, 7), generator=torch.Generator().manual_seed(3))
    assert torch.equal(first, second)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lyapunov_exponent(0, 0.1, 1.0), "width"),
        (lambda: lyapunov_exponent(2.5, 0.1, 1.0), "width"),
        (lambda: critical_scale(True, 0.1), "width"),
        (lambda: critical_scale(4, -0.1), "negative_slope"),
        (lambda: critical_scale(4, 1.0), "negative_slope"),
        (lambda: lyapunov_variance(4, float("nan")), "negative_slope"),
        (lambda: lyapunov_exponent(4, 0.1, 0.0), "scale"),
        (lambda: lyapunov_exponent(4, 0.1, -1.0), "scale"),
        (lambda: lyapunov_exponent(4, 0.1, float("inf")), "scale"),
        (lambda: critical_scale(4, 0.1, "uniform"), "weights"),
        (lambda: lyapunov_normal_(torch.empty(5)), "2 dimensions"),
        (lambda: lyapunov_orthogonal_(torch.empty(())), "2 dimensions"),
        (lambda: lyapunov_normal_(torch.empty(3, 3), negative_slope=1.5), "negative_slope"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_depth_experiment_quick_run(tmp_path):
    assert lyapunov_depth.main(["--quick", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "lyapunov_depth.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(int(r["width"]), r["init"]) for r in rows} == {
        (w, i) for w in lyapunov_depth.QUICK["widths"] for i in lyapunov_depth.INITIALIZATIONS
    }
    for row in rows:
        measured, stderr = float(row["measured_exponent"]), float(row["exponent_stderr"])
        assert abs(measured - float(row["theory_exponent"])) < 5 * stderr
        if row["init"].startswith("lyapunov"):
            assert abs(float(row["theory_exponent"])) < 1e-12
        else:
            assert float(row["theory_exponent"]) < -5 * stderr
    assert (tmp_path / "lyapunov_depth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "lyapunov_depth.json").stat().st_size > 0


def test_depth_experiment_rejects_bad_slope(tmp_path):
    with pytest.raises(SystemExit):
        lyapunov_depth.main(["--quick", "--slope", "1.0", "--out", str(tmp_path)])
