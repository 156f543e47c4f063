"""The LDLT autograd.Function: gradients equal plain autograd, gradcheck, compile, batch path."""

from __future__ import annotations

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from lipschitz_layers import LDLTLinear, ldlt_normalize
from lipschitz_layers.parametrizations import (
    _LDLTFunction,
    _unit_roundoff,
    ldlt_linear_on_batch,
)


def reference_normalize(weight, alpha, gamma):
    """Plain autograd through cholesky and solve_triangular (the jitter a constant)."""
    gram = weight.mT @ weight
    delta = _unit_roundoff(weight) * gram.diagonal().sum().detach()
    eye = torch.eye(weight.shape[1], dtype=weight.dtype, device=weight.device)
    factor = torch.linalg.cholesky(gram + (alpha + delta) * eye, upper=True)
    return gamma * torch.linalg.solve_triangular(factor, weight, upper=True, left=False)


@settings(max_examples=20)
@example(m=1, n=6, log_scale=2.0, alpha=1.0, gamma=3.0, seed=4)  # kappa ~ 6e4: once too tight
@example(m=1, n=4, log_scale=2.0, alpha=1.0, gamma=3.0, seed=4)
@given(
    m=st.integers(1, 24),
    n=st.integers(1, 24),
    log_scale=st.floats(-2, 2),
    alpha=st.floats(0.1, 10),
    gamma=st.floats(0.25, 4),
    seed=st.integers(0, 2**31 - 1),
)
def test_gradients_equal_plain_autograd_in_float64(m, n, log_scale, alpha, gamma, seed):
    generator = torch.Generator().manual_seed(seed)
    weight = 10.0**log_scale * torch.randn(m, n, generator=generator, dtype=torch.float64)
    upstream = torch.randn(m, n, generator=generator, dtype=torch.float64)
    grads = []
    for function in (ldlt_normalize, reference_normalize):
        w = weight.clone().requires_grad_()
        a = torch.tensor(alpha, dtype=torch.float64, requires_grad=True)
        g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
        out = function(w, a, g)
        grads.append((out.detach(), *torch.autograd.grad((out * upstream).sum(), (w, a, g))))
    (out, *ours), (expected, *theirs) = grads
    # float64 rounding amplified by the condition number of alpha I + W^T W (m = 1 at scale 100
    # reaches kappa ~ 1e5): both sides are backward stable, not bit-identical
    shifted = torch.linalg.eigvalsh(weight.mT @ weight) + alpha
    kappa = (shifted.max() / shifted.min()).item()
    eps = torch.finfo(torch.float64).eps
    out_scale = expected.abs().max().item() + 1e-300
    assert (out - expected).abs().max().item() <= max(1e-12, 64 * eps * kappa) * out_scale
    for mine, plain in zip(ours, theirs, strict=True):
        scale = plain.abs().max().item() + 1e-300
        assert (mine - plain).abs().max().item() <= max(1e-11, 256 * eps * kappa) * scale


@pytest.mark.parametrize(("m", "n"), [(3, 5), (5, 3)])
def test_gradcheck_and_gradgradcheck_of_the_function(m, n):
    generator = torch.Generator().manual_seed(m * n)
    weight = torch.randn(m, n, generator=generator, dtype=torch.float64, requires_grad=True)
    alpha = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    gamma = torch.tensor(1.4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(ldlt_normalize, (weight, alpha, gamma))
    assert torch.autograd.gradgradcheck(ldlt_normalize, (weight, alpha, gamma))

    def with_factor(weight, alpha):  # R is an output too: its gradient enters the backward
        normalized, factor, _ = _LDLTFunction.apply(weight, alpha, 2.0**-53)
        return normalized, factor

    assert torch.autograd.gradcheck(with_factor, (weight, alpha))
    assert torch.autograd.gradgradcheck(with_factor, (weight, alpha))


@pytest.mark.parametrize(("m", "n"), [(7, 5), (300, 520), (600, 256)])  # blocked sym(S) at 512+
def test_first_order_backward_in_place_equals_the_differentiable_backward(m, n):
    """The first-order backward (in-place buffers, row-major R) against the general one, which
    ``create_graph=True`` selects: weight and alpha gradients agree to float64 rounding (the two
    paths share only ``_alpha_gradient``)."""
    torch.manual_seed(1)
    weight = torch.randn(m, n, dtype=torch.float64, requires_grad=True)
    alpha = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(m, n, dtype=torch.float64)
    grads = {}
    for create_graph in (False, True):
        normalized = _LDLTFunction.apply(weight, alpha, _unit_roundoff(weight))[0]
        grads[create_graph] = torch.autograd.grad(
            normalized, (weight, alpha), upstream, create_graph=create_graph
        )
    for fast, general in zip(grads[False], grads[True], strict=True):
        torch.testing.assert_close(fast, general.detach(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize(("n", "m"), [(48, 32), (520, 300)])  # 520: blocked Gram products
def test_layer_gradients_match_plain_autograd_layer(n, m):
    torch.manual_seed(0)
    layer = LDLTLinear(n, m, alpha=0.5, gamma=1.3, learn_alpha=True, dtype=torch.float64)
    x = torch.randn(20, n, dtype=torch.float64, requires_grad=True)
    target = torch.randn(20, m, dtype=torch.float64)
    (layer(x) - target).square().sum().backward()
    ours = [p.grad.clone() for p in layer.parameters()] + [x.grad.clone()]
    for p in layer.parameters():
        p.grad = None
    x.grad = None
    weight = reference_normalize(layer.weight, layer.alpha, layer.gamma)
    (F.linear(x, weight, layer.bias) - target).square().sum().backward()
    theirs = [p.grad for p in layer.parameters()] + [x.grad]
    for mine, plain in zip(ours, theirs, strict=True):
        torch.testing.assert_close(mine, plain, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("shape", [(3, 40), (2, 5, 40)])
def test_batch_path_is_the_same_map(shape):
    torch.manual_seed(1)
    weight = 3 * torch.randn(64, 40, dtype=torch.float64)
    bias = torch.randn(64, dtype=torch.float64)
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    out = ldlt_linear_on_batch(x, weight, 0.7, 1.5, bias)
    expected = F.linear(x, ldlt_normalize(weight, 0.7, 1.5), bias)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)
    (gx,) = torch.autograd.grad(out.sum(), x)
    (ex,) = torch.autograd.grad(expected.sum(), x)
    torch.testing.assert_close(gx, ex, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="float32 or float64"):
        ldlt_linear_on_batch(x.float(), weight, 1.0, 1.0)


def test_train_mode_forward_without_weight_gradient_uses_the_batch_and_keeps_input_grad():
    torch.manual_seed(2)
    layer = LDLTLinear(32, 48).requires_grad_(False)  # train mode, frozen: batch path
    x = torch.randn(8, 32, requires_grad=True)
    out = layer(x)
    out.sum().backward()
    weight = layer.normalized_weight()
    torch.testing.assert_close(out, F.linear(x, weight, layer.bias), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(x.grad, weight.sum(0).expand(8, 32), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("n", "m"), [(6, 4), (300, 260)])  # 300: blocked products traced
def test_compile_aot_eager_with_learned_alpha_matches_eager(n, m):
    torch.manual_seed(3)
    layer = LDLTLinear(n, m, learn_alpha=True, dtype=torch.float64)
    x = torch.randn(5, n, dtype=torch.float64)
    compiled = torch.compile(layer, backend="aot_eager", fullgraph=True)
    results = []
    for model in (layer, compiled):
        out = model(x)
        out.square().sum().backward()
        results.append([out.detach()] + [p.grad.clone() for p in layer.parameters()])
        for p in layer.parameters():
            p.grad = None
    for eager, traced in zip(*results, strict=True):
        torch.testing.assert_close(traced, eager)


@pytest.mark.cuda
def test_cuda_gradients_equal_plain_autograd_and_compile():
    torch.manual_seed(6)
    weight = torch.randn(300, 520, device="cuda", dtype=torch.float64)
    upstream = torch.randn(300, 520, device="cuda", dtype=torch.float64)
    grads = []
    for function in (ldlt_normalize, reference_normalize):
        w = weight.clone().requires_grad_()
        (function(w, 0.9, 1.1) * upstream).sum().backward()
        grads.append(w.grad)
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-10, atol=1e-12)
    layer = LDLTLinear(256, 256, device="cuda")
    x = torch.randn(64, 256, device="cuda")
    compiled = torch.compile(layer, fullgraph=True)
    compiled(x).square().sum().backward()
    compiled_grad = layer.weight.grad.clone()
    layer.weight.grad = None
    layer(x).square().sum().backward()
    torch.testing.assert_close(compiled_grad, layer.weight.grad, rtol=1e-4, atol=1e-5)
