"""bfloat16 / float16 / autocast: the rounded weight keeps spectral norm <= gamma (exact SVD)."""

from __future__ import annotations

import math

import pytest
import torch

from lipschitz_layers import LDLTMLP, LDLTLinear, ldlt_normalize
from lipschitz_layers.parametrizations import _error_norm_bound

LOW = [torch.bfloat16, torch.float16]


def spectral_norm(matrix: torch.Tensor) -> float:
    """Largest singular value of the (exactly representable) matrix, in float64."""
    return float(torch.linalg.svdvals(matrix.detach().double()).max())


CASES = [
    (m, n, scale)
    for m, n in [(64, 64), (96, 160), (160, 96), (1, 40)]
    for scale in (1e-2, 1.0, 1e2, 1e4)
] + [(200, 200, 1e2), (200, 200, 1e4)]  # the large shape where the bound is tight


@pytest.mark.parametrize("dtype", LOW)
@pytest.mark.parametrize(("m", "n", "scale"), CASES)
def test_rounded_weight_has_norm_at_most_gamma(dtype, m, n, scale):
    generator = torch.Generator().manual_seed(m + 7 * n + int(math.log10(scale)))
    raw = scale * torch.randn(m, n, generator=generator)
    if dtype == torch.float16:
        raw = raw.clamp(-6e4, 6e4)
    for gamma in (1.0, 2.5):
        rounded = ldlt_normalize(raw.to(dtype), 1.0, gamma)
        assert rounded.dtype == dtype and torch.isfinite(rounded).all()
        assert spectral_norm(rounded) <= gamma
        # and the shrink is small: within a few units of the low-precision roundoff of plain
        # rounding of the float32 result
        plain = spectral_norm(ldlt_normalize(raw.to(dtype).float(), 1.0, gamma).to(dtype))
        u = torch.finfo(dtype).eps / 2
        assert spectral_norm(rounded) >= plain * (1 - 6 * u)


def test_plain_rounding_breaks_the_bound_that_the_careful_rounding_keeps():
    raw = 100 * torch.randn(128, 128, generator=torch.Generator().manual_seed(0))
    exact = ldlt_normalize(raw, 1.0, 1.0)
    assert spectral_norm(exact.bfloat16()) > 1.001  # what the issue measured (1.0024)
    assert spectral_norm(ldlt_normalize(raw, 1.0, 1.0, torch.bfloat16)) <= 1.0


@pytest.mark.parametrize("dtype", LOW)
def test_layer_in_low_precision_and_under_autocast(dtype):
    torch.manual_seed(4)
    layer = LDLTLinear(80, 60, gamma=1.5)
    with torch.no_grad():
        layer.weight.mul_(300)
    x = torch.randn(16, 80)
    with torch.autocast("cpu", dtype=dtype):
        out = layer(x)
        weight = layer.normalized_weight()
        out.float().square().sum().backward()
    assert out.dtype == dtype and weight.dtype == dtype
    assert spectral_norm(weight) <= 1.5
    assert torch.isfinite(layer.weight.grad).all() and layer.weight.grad.abs().sum() > 0
    torch.testing.assert_close(
        out.float(), torch.nn.functional.linear(x.to(dtype), weight, layer.bias.to(dtype)).float()
    )
    # eval cache under autocast: the low-precision weight, cached per dtype
    layer.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=dtype):
        layer(x)
        cached = layer._cache[1]
        assert cached.dtype == dtype and spectral_norm(cached) <= 1.5
        layer(x)
        assert layer._cache[1] is cached
    with torch.no_grad():
        assert layer(x).dtype == torch.float32 and layer._cache[1].dtype == torch.float32
    # a layer stored in low precision
    half = LDLTLinear(80, 60, gamma=1.5, dtype=dtype)
    with torch.no_grad():
        half.weight.copy_(layer.weight.to(dtype))
    assert half.normalized_weight().dtype == dtype
    assert spectral_norm(half.normalized_weight()) <= 1.5


def test_compiled_layer_under_autocast_matches_eager():
    torch.manual_seed(6)
    layer = LDLTLinear(64, 48)
    with torch.no_grad():
        layer.weight.mul_(100)
    x = torch.randn(8, 64)
    compiled = torch.compile(layer, backend="aot_eager", fullgraph=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out, expected = compiled(x), layer(x)
    assert out.dtype == torch.bfloat16 and torch.equal(out, expected)


def test_low_precision_training_keeps_every_layer_within_gamma():
    torch.manual_seed(5)
    net = LDLTMLP(10, 64, 3, depth=3, gamma=1.2, init="scaled_normal", init_kwargs={"scale": 30})
    optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    x, target = torch.randn(32, 10), torch.randn(32, 3)
    for _ in range(3):
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = (net(x).float() - target).square().mean()
        loss.backward()
        optimizer.step()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            for layer in net.ldlt_layers:
                assert spectral_norm(layer.normalized_weight()) <= 1.2


def test_float64_weights_are_normalized_in_float64_and_not_shrunk():
    raw = 100 * torch.randn(30, 20, dtype=torch.float64)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = ldlt_normalize(raw, 1.0, 1.0)
    assert out.dtype == torch.float64
    s = torch.linalg.svdvals(raw)
    torch.testing.assert_close(torch.linalg.svdvals(out), s / (s**2 + 1).sqrt(), rtol=1e-12, atol=0)


@pytest.mark.parametrize(("m", "n"), [(1, 30), (30, 1), (50, 50), (200, 60)])
def test_error_norm_bound_is_an_upper_bound_and_tight(m, n):
    generator = torch.Generator().manual_seed(m * n)
    for error in (
        torch.randn(m, n, generator=generator, dtype=torch.float64) * 1e-3,
        torch.ones(m, n, dtype=torch.float64) * 1e-3,  # rank one: the bound is exact
    ):
        true = spectral_norm(error)
        bound = float(_error_norm_bound(error))
        assert true <= bound <= 2.5 * true


def test_bad_dtype_is_refused():
    with pytest.raises(ValueError, match=r"real floating-point dtype, got torch\.int32"):
        ldlt_normalize(torch.randn(3, 3), 1.0, 1.0, torch.int32)


@pytest.mark.cuda
@pytest.mark.parametrize("dtype", LOW)
def test_cuda_low_precision_bound_and_autocast(dtype):
    for scale in (1e-2, 1.0, 1e2, 1e4):
        raw = (scale * torch.randn(256, 384, device="cuda")).clamp(-6e4, 6e4)
        for tf32 in (False, True):
            previous = torch.backends.cuda.matmul.allow_tf32
            try:
                torch.backends.cuda.matmul.allow_tf32 = tf32
                rounded = ldlt_normalize(raw.to(dtype), 1.0, 1.0)
            finally:
                torch.backends.cuda.matmul.allow_tf32 = previous
            assert rounded.is_cuda and rounded.dtype == dtype
            assert spectral_norm(rounded) <= 1.0
    layer = LDLTLinear(384, 256, device="cuda")
    with torch.autocast("cuda", dtype=dtype):
        out = layer(torch.randn(32, 384, device="cuda"))
        weight = layer.normalized_weight()
    out.float().sum().backward()
    assert out.dtype == dtype and spectral_norm(weight) <= 1.0
    assert torch.isfinite(layer.weight.grad).all()
