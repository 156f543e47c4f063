"""LDLTLinear, the LDLT normalization and LDLTMLP: bound, factorization, gradients, cache, I/O."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils import parametrize

from lipschitz_layers import LDLTMLP, LDLTLinear, LDLTNormalization, ldlt_normalize
from wishart_moments.variance import output_variance


def spectral_norm(matrix: torch.Tensor) -> float:
    return float(torch.linalg.svdvals(matrix.detach().double()).max())


def bound_tolerance(dtype: torch.dtype, m: int, n: int) -> float:
    """Rounding allowance: even the exact M rounded to ``dtype`` may exceed 1 by ~u sqrt(min)."""
    return 4 * torch.finfo(dtype).eps * math.sqrt(min(m, n))


@settings(max_examples=40)
@given(
    m=st.integers(1, 40),
    n=st.integers(1, 40),
    log_scale=st.floats(-3, 3),
    alpha=st.floats(0.1, 10),
    gamma=st.floats(0.25, 4),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    column_spread=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_spectral_norm_bound(m, n, log_scale, alpha, gamma, dtype, column_spread, seed):
    generator = torch.Generator().manual_seed(seed)
    weight = 10.0**log_scale * torch.randn(m, n, generator=generator, dtype=torch.float64)
    if column_spread:  # columns of very different sizes: an ill-conditioned W^T W
        weight = weight * torch.rand(n, generator=generator, dtype=torch.float64) ** 3
    normalized = ldlt_normalize(weight.to(dtype), alpha, gamma)
    assert normalized.dtype == dtype
    assert torch.isfinite(normalized).all()
    assert spectral_norm(normalized) <= gamma * (1 + bound_tolerance(dtype, m, n))


@pytest.mark.parametrize(("m", "n"), [(100, 300), (64, 64), (200, 200)])
def test_bound_holds_where_the_plain_cholesky_fails(m, n):
    """float32 at scale 1e3: without the jitter the factorization breaks down or overshoots."""
    weight = 1e3 * torch.randn(m, n, generator=torch.Generator().manual_seed(m + n))
    gram = torch.eye(n) + weight.T @ weight
    factor, info = torch.linalg.cholesky_ex(gram, upper=True)
    plain = torch.linalg.solve_triangular(factor, weight, upper=True, left=False)
    tol = bound_tolerance(torch.float32, m, n)
    assert info != 0 or not torch.isfinite(plain).all() or spectral_norm(plain) > 1 + tol
    assert spectral_norm(ldlt_normalize(weight, 1.0, 1.0)) <= 1 + tol


@settings(max_examples=15)
@given(
    m=st.integers(1, 20),
    n=st.integers(1, 20),
    alpha=st.floats(0.1, 10),
    scale=st.floats(0.1, 3),
    seed=st.integers(0, 2**31 - 1),
)
def test_cholesky_form_is_the_inverse_square_root_times_an_orthogonal_factor(
    m, n, alpha, scale, seed
):
    generator = torch.Generator().manual_seed(seed)
    weight = scale * torch.randn(m, n, generator=generator, dtype=torch.float64)
    gram = alpha * torch.eye(n, dtype=torch.float64) + weight.T @ weight
    eigenvalues, vectors = torch.linalg.eigh(gram)
    root = vectors @ torch.diag(eigenvalues.sqrt()) @ vectors.T
    symmetric = weight @ torch.linalg.inv(root)  # W (alpha I + W^T W)^{-1/2}
    cholesky = ldlt_normalize(weight, alpha, 1.0)  # W R^{-1}
    assert torch.allclose(
        torch.linalg.svdvals(cholesky), torch.linalg.svdvals(symmetric), atol=1e-10
    )
    s = torch.linalg.svdvals(weight)
    assert torch.allclose(torch.linalg.svdvals(symmetric)[: s.numel()], s / (s**2 + alpha).sqrt())
    # W R^{-1} = M_sym Q with Q = (alpha I + W^T W)^{1/2} R^{-1} orthogonal
    factor = torch.linalg.cholesky(gram, upper=True)
    orthogonal = torch.linalg.solve_triangular(factor, root, upper=True, left=False)
    assert torch.allclose(orthogonal.T @ orthogonal, torch.eye(n, dtype=torch.float64), atol=1e-10)
    assert torch.allclose(cholesky, symmetric @ orthogonal, atol=1e-10)


def test_jitter_barely_moves_the_paper_initialization_in_float32():
    """At sigma = 10 / sqrt(n) the float32 jitter is ~1e-3 of alpha: singular values stay exact."""
    n = 256
    weight = 10 / math.sqrt(n) * torch.randn(n, n, generator=torch.Generator().manual_seed(9))
    s = torch.linalg.svdvals(weight.double())
    exact = s / (s**2 + 1.0).sqrt()
    computed = torch.linalg.svdvals(ldlt_normalize(weight, 1.0, 1.0).double())
    assert (computed - exact).abs().max() < 1e-3


def test_gradcheck_float64():
    layer = LDLTLinear(4, 3, alpha=0.7, gamma=1.3, learn_alpha=True, dtype=torch.float64)
    names = [name for name, _ in layer.named_parameters()]
    assert names == ["weight", "bias", "normalization.log_alpha"]
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)

    def function(x, *params):
        return torch.func.functional_call(layer, dict(zip(names, params, strict=True)), (x,))

    inputs = (x, *(p.detach().clone().requires_grad_() for p in layer.parameters()))
    assert torch.autograd.gradcheck(function, inputs)


def test_training_keeps_the_bound_and_gradients_reach_every_layer():
    torch.manual_seed(0)
    net = LDLTMLP(6, 16, 2, depth=4, gamma=1.5, learn_alpha=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.3)  # large steps on purpose
    x, target = torch.randn(64, 6), torch.randn(64, 2)
    for _ in range(8):
        optimizer.zero_grad()
        loss = (net(x) - target).square().mean()
        loss.backward()
        for layer in net.ldlt_layers:
            assert torch.isfinite(layer.weight.grad).all() and layer.weight.grad.abs().sum() > 0
        optimizer.step()
        for layer in net.ldlt_layers:
            assert spectral_norm(layer.normalized_weight()) <= 1.5 * (1 + 1e-5)


def test_eval_cache_is_used_and_invalidated():
    torch.manual_seed(1)
    layer = LDLTLinear(8, 5)
    x = torch.randn(3, 8)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.5)
    layer.eval()
    with torch.no_grad():
        first = layer(x)
        cached = layer._cache[1]
        layer(x)
        assert layer._cache[1] is cached  # no recomputation while nothing changed
    # an optimizer step (in-place update of weight) invalidates it
    layer(x).sum().backward()  # eval with grad enabled: computed afresh, gradients flow
    assert layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0
    optimizer.step()
    with torch.no_grad():
        after = layer(x)
        assert layer._cache[1] is not cached
        expected = nn.functional.linear(x, layer.normalized_weight(), layer.bias)
    assert not torch.allclose(after, first)
    assert torch.equal(after, expected)
    # changing gamma or alpha in place, or the dtype, invalidates it too
    with torch.no_grad():
        layer.normalization.gamma.fill_(0.5)
        assert torch.allclose(layer(x) - layer.bias, 0.5 * (after - layer.bias))
        layer.normalization.log_alpha.fill_(math.log(4.0))
        expected = nn.functional.linear(x, layer.normalized_weight(), layer.bias)
        assert torch.equal(layer(x), expected)
        layer.double()
        assert layer(x.double()).dtype == torch.float64


def test_eval_forward_with_frozen_parameters_uses_the_cache_and_gives_input_gradients():
    layer = LDLTLinear(4, 4).eval().requires_grad_(False)
    x = torch.randn(2, 4, requires_grad=True)
    layer(x).sum().backward()
    assert layer._cache is not None
    assert torch.allclose(x.grad, layer.normalized_weight().sum(0).expand(2, 4))


def test_weight_cached_under_inference_mode_is_not_reused_under_autograd():
    layer = LDLTLinear(8, 8).eval().requires_grad_(False)
    x = torch.randn(2, 8)
    with torch.inference_mode():
        expected = layer(x)
    x.requires_grad_(True)
    out = layer(x)
    out.sum().backward()
    assert torch.allclose(out, expected) and x.grad is not None


def test_state_dict_round_trip():
    torch.manual_seed(2)
    net = LDLTMLP(5, 12, 3, depth=3, alpha=2.0, gamma=1.2, learn_alpha=True)
    with torch.no_grad():
        net[0].normalization.log_alpha.add_(0.3)
    state = net.state_dict()
    assert set(state) >= {
        "0.weight",
        "0.bias",
        "0.normalization.log_alpha",
        "0.normalization.gamma",
    }
    other = LDLTMLP(5, 12, 3, depth=3, learn_alpha=True)
    other.load_state_dict(state)
    x = torch.randn(4, 5)
    assert torch.equal(net(x), other(x))
    other.eval()
    with torch.no_grad():  # net: train mode without gradient applies R^{-1} to the batch
        torch.testing.assert_close(net(x), other(x), rtol=1e-5, atol=1e-6)
        net.eval()
        assert torch.equal(net(x), other(x))
    copied = copy.deepcopy(other)
    assert torch.equal(copied(x), other(x))


def test_parametrization_on_a_plain_linear_layer():
    linear = nn.Linear(30, 20)
    with torch.no_grad():
        linear.weight.mul_(100)
    parametrize.register_parametrization(linear, "weight", LDLTNormalization(alpha=1.0, gamma=2.0))
    assert spectral_norm(linear.weight) <= 2.0 * (1 + 1e-5)
    assert linear.parametrizations.weight.original.shape == (20, 30)


def test_output_variance_of_the_paper_init_matches_the_variance_engine():
    """scaled_normal_ (sigma = c / sqrt(n)) layers: Monte Carlo over W and x vs the exact engine."""
    generator = torch.Generator().manual_seed(3)
    m, n, inits, batch = 24, 40, 300, 32
    for scale in (1.0, 3.0):
        layer = LDLTLinear(n, m, bias=False, alpha=1.5, gamma=1.2)
        means = torch.empty(inits, dtype=torch.float64)
        for i in range(inits):
            layer.reset_parameters("scaled_normal", scale=scale, generator=generator)
            y = layer(torch.randn(batch, n, generator=generator)).detach()
            means[i] = y.double().square().mean()
        estimate, stderr = means.mean().item(), means.std().item() / math.sqrt(inits)
        exact = output_variance(m, n, scale**2 / n, alpha=1.5, gamma=1.2).value
        assert stderr < 0.01
        assert abs(estimate - exact) < 4 * stderr, (scale, estimate, exact, stderr)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"alpha must be a finite number > 0, got 0\.0"):
        LDLTLinear(3, 3, alpha=0.0)
    with pytest.raises(ValueError, match=r"gamma must be a finite number > 0, got -1\.0"):
        LDLTLinear(3, 3, gamma=-1)
    with pytest.raises(ValueError, match="alpha"):
        LDLTNormalization(alpha=float("nan"))
    with pytest.raises(ValueError, match="in_features must be a positive integer, got 0"):
        LDLTLinear(0, 3)
    with pytest.raises(ValueError, match=r"out_features must be a positive integer, got 2\.5"):
        LDLTLinear(3, 2.5)
    with pytest.raises(ValueError, match=r"2-D \(out, in\) matrix, got shape \(2, 3, 4\)"):
        ldlt_normalize(torch.zeros(2, 3, 4), 1.0, 1.0)
    with pytest.raises(ValueError, match="floating-point"):
        ldlt_normalize(torch.zeros(2, 3, dtype=torch.int64), 1.0, 1.0)
    with pytest.raises(ValueError, match="unknown init 'xavier'"):
        LDLTLinear(3, 3).reset_parameters("xavier")
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        LDLTMLP(3, 4, 1, depth=0)
    with pytest.raises(ValueError, match="propagate_variance applies only"):
        LDLTMLP(3, 4, 1, depth=2, propagate_variance=True)


def test_half_precision_and_autocast_normalize_in_float32():
    weight = 30 * torch.randn(40, 60)
    half = ldlt_normalize(weight.bfloat16(), 1.0, 1.0)
    assert half.dtype == torch.bfloat16
    assert torch.allclose(
        half.float(), ldlt_normalize(weight.bfloat16().float(), 1.0, 1.0), atol=1e-2
    )
    layer = LDLTLinear(60, 40)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert ldlt_normalize(layer.weight, 1.0, 1.0).dtype == torch.float32
        normalized = layer.normalized_weight()  # the weight autocast's matmul applies
        out = layer(torch.randn(3, 60))
    assert normalized.dtype == torch.bfloat16 and out.dtype == torch.bfloat16
    assert spectral_norm(normalized) <= 1.0
    assert layer.normalized_weight().dtype == torch.float32


def test_breakdown_raises_instead_of_returning_nan():
    layer = LDLTLinear(3, 3)
    with torch.no_grad():
        layer.weight[0, 0] = float("nan")
    with pytest.raises(RuntimeError, match="Cholesky factorization of alpha I \\+ W\\^T W broke"):
        layer(torch.randn(2, 3))


@pytest.mark.parametrize(
    "backend",
    # aot_eager traces the whole graph (dynamo + AOT autograd) in seconds; inductor also generates
    # and compiles C++ (about a minute on 2 busy cores), so it is marked slow
    ["aot_eager", pytest.param("inductor", marks=pytest.mark.slow)],
)
def test_torch_compile_forward_and_backward(backend):
    """A compiled training step (one graph, no breaks) and eval forward match eager."""
    torch.manual_seed(4)
    layer = LDLTLinear(6, 4, dtype=torch.float64)
    x = torch.randn(5, 6, dtype=torch.float64)
    compiled = torch.compile(layer, backend=backend, fullgraph=True)
    eager_out = layer(x)
    eager_out.square().sum().backward()
    eager_grad = layer.weight.grad.clone()
    layer.weight.grad = None
    compiled_out = compiled(x)
    compiled_out.square().sum().backward()
    assert torch.allclose(compiled_out, eager_out)
    assert torch.allclose(layer.weight.grad, eager_grad)
    layer.eval()
    with torch.no_grad():
        assert torch.allclose(compiled(x), layer(x))


@pytest.mark.cuda
def test_cuda_bound_cache_and_training_step():
    torch.manual_seed(5)
    net = LDLTMLP(12, 64, 3, depth=4, device="cuda", learn_alpha=True)
    assert all(p.device.type == "cuda" for p in net.parameters())
    optimizer = torch.optim.AdamW(net.parameters(), lr=0.1)
    x = torch.randn(32, 12, device="cuda")
    for _ in range(3):
        optimizer.zero_grad()
        net(x).square().mean().backward()
        optimizer.step()
    for layer in net.ldlt_layers:
        assert spectral_norm(layer.normalized_weight()) <= 1 + 1e-5
    for scale in (1e-3, 1.0, 1e3):
        weight = scale * torch.randn(200, 300, device="cuda")
        normalized = ldlt_normalize(weight, 1.0, 1.0)
        assert normalized.is_cuda and spectral_norm(normalized) <= 1 + 1e-5
        tf32 = torch.backends.cuda.matmul.allow_tf32
        try:  # TF32 Gram products: the jitter uses TF32's roundoff
            torch.backends.cuda.matmul.allow_tf32 = True
            assert spectral_norm(ldlt_normalize(weight, 1.0, 1.0)) <= 1 + 1e-3
        finally:
            torch.backends.cuda.matmul.allow_tf32 = tf32
    net.eval()
    with torch.no_grad():
        first = net(x)
        cpu_net = copy.deepcopy(net).cpu()
        assert torch.allclose(first.cpu(), cpu_net(x.cpu()), atol=1e-4)
        layer = net.ldlt_layers[0]
        cached = layer._cache[1]
        net(x)
        assert cached.is_cuda and layer._cache[1] is cached


@pytest.mark.cuda
def test_cuda_variance_prescribed_and_compile():
    layer = LDLTLinear(64, 64, device="cuda")
    layer.reset_parameters("variance_prescribed", target_variance=0.7)
    assert layer.weight.is_cuda
    x = torch.randn(4096, 64, device="cuda")
    compiled = torch.compile(layer)
    assert torch.allclose(compiled(x), layer(x), atol=1e-5)


def test_docs_example_runs():
    """The examples of docs/layers.md, executed as written (the first asserts the bound)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "layers.md").read_text()
    blocks = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    assert len(blocks) >= 2  # the example and the certified-radius snippet
    for code in blocks:
        exec(compile(code, "docs/layers.md", "exec"), {})
