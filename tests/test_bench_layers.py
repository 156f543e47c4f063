"""bench_layers.py's speed-of-light stand-in: the real kernels' shapes, restored after."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from lipschitz_layers import LDLTLinear

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_layers.py"
_SPEC = importlib.util.spec_from_file_location("bench_layers", _PATH)
bench_layers = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_layers)


@pytest.mark.parametrize("left", [True, False])
def test_solve_stand_in_has_the_solves_result_shape(left):
    a = torch.randn(6, 6).triu() + 6 * torch.eye(6)
    b = torch.randn(6, 4) if left else torch.randn(4, 6)
    expected = torch.linalg.solve_triangular(a, b, upper=True, left=left)
    assert bench_layers._solve_as_gemm(a, b, upper=True, left=left).shape == expected.shape


def test_kernels_are_restored_even_when_the_step_raises():
    real = torch.linalg.cholesky_ex, torch.linalg.solve_triangular
    with pytest.raises(RuntimeError, match="inside"), bench_layers.lapack_at_gemm_speed():
        assert torch.linalg.cholesky_ex is not real[0]
        raise RuntimeError("inside")
    assert (torch.linalg.cholesky_ex, torch.linalg.solve_triangular) == real


def test_stand_in_step_runs_the_layer_and_keeps_the_weight_finite():
    torch.manual_seed(0)
    layer = LDLTLinear(64, 64)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.0)
    x = torch.randn(16, 64)
    for _ in range(5):
        with bench_layers.lapack_at_gemm_speed():
            optimizer.zero_grad()
            layer(x).square().mean().backward()
            optimizer.step()
    assert layer.weight.grad.shape == layer.weight.shape
    assert torch.isfinite(layer.weight).all()
    # outside the context the real normalization is back: the bound holds
    assert torch.linalg.matrix_norm(layer.normalized_weight().detach(), ord=2) <= 1 + 1e-5
