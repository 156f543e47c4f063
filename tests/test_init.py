"""lipschitz_layers.init, the activation second moment and the layer-by-layer init of LDLTMLP."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import lipschitz_layers
from lipschitz_layers import LDLTMLP, LDLTLinear, activation_second_moment
from lipschitz_layers import init as ldlt_init

ROOT = Path(__file__).resolve().parents[1]


def test_scaled_and_he_normal_fill_in_place_with_the_stated_variance():
    tensor = torch.empty(300, 400)
    generator = torch.Generator().manual_seed(0)
    assert ldlt_init.scaled_normal_(tensor, 10.0, generator=generator) is tensor
    # sample variance of 120,000 values: relative standard error sqrt(2 / N) = 0.4 %
    assert tensor.var().item() == pytest.approx(100.0 / 400, rel=0.02)
    assert abs(tensor.mean().item()) < 4 * 0.5 / math.sqrt(tensor.numel())
    he = ldlt_init.he_normal_(torch.empty(30, 40), generator=torch.Generator().manual_seed(1))
    kaiming = nn.init.kaiming_normal_(
        torch.empty(30, 40), generator=torch.Generator().manual_seed(1)
    )
    assert torch.equal(he, kaiming)


def test_solve_is_cached_per_shape_and_target():
    ldlt_init._solve_sigma2_cached.cache_clear()
    for _ in range(5):
        ldlt_init.variance_prescribed_(torch.empty(20, 30), 0.5)
    ldlt_init.variance_prescribed_(torch.empty(20, 30), 0.5, alpha=2.0)
    info = ldlt_init._solve_sigma2_cached.cache_info()
    assert (info.hits, info.misses) == (4, 2)


@pytest.mark.parametrize(
    ("m", "n", "alpha", "gamma", "target"),
    [(16, 16, 1.0, 1.0, 0.6), (12, 20, 2.0, 1.5, 1.2), (20, 8, 0.5, 1.0, 0.3)],
)
def test_initialized_layer_has_the_target_output_variance(m, n, alpha, gamma, target):
    """Monte Carlo over W and x jointly: mean of y^2 over many inits, with its standard error."""
    generator = torch.Generator().manual_seed(m * n)
    layer = LDLTLinear(n, m, alpha=alpha, gamma=gamma, dtype=torch.float64)
    inits, batch = 400, 32
    means = torch.empty(inits, dtype=torch.float64)
    with torch.no_grad():
        for i in range(inits):
            layer.reset_parameters(
                "variance_prescribed", target_variance=target, generator=generator
            )
            x = torch.randn(batch, n, generator=generator, dtype=torch.float64)
            means[i] = layer(x).square().mean()
    estimate, stderr = means.mean().item(), means.std().item() / math.sqrt(inits)
    assert stderr < 0.02 * target  # narrow enough to catch a wrong sigma^2
    assert abs(estimate - target) < 4 * stderr, (estimate, target, stderr)


def test_input_variance_scales_the_target():
    generator = torch.Generator().manual_seed(7)
    plain = ldlt_init.variance_prescribed_(torch.empty(10, 10), 0.4, generator=generator)
    generator.manual_seed(7)
    scaled = ldlt_init.variance_prescribed_(
        torch.empty(10, 10), 0.8, input_variance=2.0, generator=generator
    )
    assert torch.equal(plain, scaled)


def test_unreachable_and_bad_targets_raise_value_errors():
    # m = 20 > n = 8: at most gamma^2 n / m = 0.4
    with pytest.raises(ValueError, match=r"not reachable.*0\.4"):
        ldlt_init.variance_prescribed_(torch.empty(20, 8), 0.5)
    with pytest.raises(
        ValueError, match=r"input_variance 0\.5.*unit-input output variance of 1\.6"
    ):
        ldlt_init.variance_prescribed_(torch.empty(10, 10), 0.8, input_variance=0.5)
    with pytest.raises(ValueError, match=r"target_variance must be a finite number > 0, got -0\.1"):
        ldlt_init.variance_prescribed_(torch.empty(4, 4), -0.1)
    with pytest.raises(ValueError, match="gamma must be a finite number > 0"):
        ldlt_init.variance_prescribed_(torch.empty(4, 4), 0.5, gamma=0)
    with pytest.raises(ValueError, match=r"non-empty 2-D \(out, in\) weight, got shape \(4,\)"):
        ldlt_init.variance_prescribed_(torch.empty(4), 0.5)
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        ldlt_init.scaled_normal_(torch.empty(4, 4), float("inf"))
    with pytest.raises(ValueError, match=r"layer 0 .*not reachable"):
        LDLTMLP(4, 16, 1, depth=2, init="variance_prescribed", init_kwargs={"target_variance": 0.5})
    with pytest.raises(ValueError, match="needs target_variance"):
        LDLTMLP(4, 4, 1, depth=2, init="variance_prescribed")
    with pytest.raises(ValueError, match="3 entries for 2 layers"):
        LDLTMLP(
            4, 4, 1, depth=2, init="variance_prescribed", init_kwargs={"target_variance": [1, 1, 1]}
        )


@pytest.mark.parametrize("variance", [0.05, 0.7, 3.0])
def test_activation_second_moment_against_closed_forms(variance):
    v, sqrt_v = variance, math.sqrt(variance)
    # ELU: v/2 + e^{2v} Phi(-2 sqrt v) - 2 e^{v/2} Phi(-sqrt v) + 1/2, Phi(-t) = erfc(t/sqrt 2)/2
    elu = v / 2 + (
        math.exp(2 * v) * math.erfc(2 * sqrt_v / math.sqrt(2)) / 2
        - math.exp(v / 2) * math.erfc(sqrt_v / math.sqrt(2))
        + 0.5
    )
    assert activation_second_moment(nn.ELU(), v) == pytest.approx(elu, rel=1e-12)
    assert activation_second_moment(nn.ReLU(), v) == pytest.approx(v / 2, rel=1e-12)
    assert activation_second_moment(nn.LeakyReLU(0.1), v) == pytest.approx(v * 1.01 / 2, rel=1e-12)
    assert activation_second_moment(nn.Identity(), v) == pytest.approx(v, rel=1e-12)


def test_propagated_init_keeps_the_pre_activation_variance():
    """With propagate_variance the last pre-activation keeps the target; without it, it decays."""
    target, depth, width, inits = 1.0, 4, 48, 20
    generator = torch.Generator().manual_seed(11)
    results = {}
    for propagate in (True, False):
        means = torch.empty(inits, dtype=torch.float64)
        for i in range(inits):
            net = LDLTMLP(
                width,
                width,
                width,
                depth,
                gamma=2.0,
                bias=False,
                init="variance_prescribed",
                init_kwargs={"target_variance": target, "generator": generator},
                propagate_variance=propagate,
                dtype=torch.float64,
            )
            with torch.no_grad():
                x = torch.randn(64, width, generator=generator, dtype=torch.float64)
                means[i] = net(x).square().mean()
        results[propagate] = (means.mean().item(), means.std().item() / math.sqrt(inits))
    estimate, stderr = results[True]
    # Gaussian pre-activations and second moment as variance are approximations: 5 % allowance
    assert abs(estimate - target) < 0.05 * target + 4 * stderr, results
    q = activation_second_moment(nn.ELU(), target)  # about 0.645: the unpropagated decay per layer
    assert results[False][0] == pytest.approx(target * q ** (depth - 1), rel=0.15), results


def test_deep_network_initializes_from_the_cache():
    ldlt_init._solve_sigma2_cached.cache_clear()
    LDLTMLP(
        32,
        32,
        32,
        depth=100,
        gamma=2.0,
        init="variance_prescribed",
        init_kwargs={"target_variance": 1.0},
        propagate_variance=True,
    )
    info = ldlt_init._solve_sigma2_cached.cache_info()
    assert info.misses == 2 and info.hits == 98  # first layer (unit input) and all later ones


def test_importing_and_initializing_loads_neither_sympy_nor_numba():
    code = (
        "import sys, torch, lipschitz_layers\n"
        "lipschitz_layers.init.variance_prescribed_(torch.empty(16, 16), 0.5)\n"
        "lipschitz_layers.LDLTMLP(8, 16, 2, 3, init='variance_prescribed',"
        " init_kwargs={'target_variance': 0.3})\n"
        "heavy = sorted(m for m in ('sympy', 'numba') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert Path(lipschitz_layers.__file__).resolve().parent == ROOT / "lipschitz_layers"
