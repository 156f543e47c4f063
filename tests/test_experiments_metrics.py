"""Metric functions of the HIGGS sweep against direct computations on small cases."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from experiments.metrics import (
    auc,
    dead_unit_share,
    gradient_norm,
    hutchinson_trace,
    layer_statistics,
    linear_cka,
    relative_movement,
    saturated_unit_share,
    stable_rank,
)


def _auc_by_pairs(scores: np.ndarray, labels: np.ndarray) -> float:
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))


@pytest.mark.parametrize("seed", range(6))
def test_auc_equals_pair_count_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(5, 60))
    labels = rng.integers(0, 2, size)
    labels[:2] = [0, 1]
    scores = rng.integers(0, 4, size).astype(float)  # many ties
    assert auc(scores, labels) == pytest.approx(_auc_by_pairs(scores, labels), abs=1e-12)
    continuous = rng.normal(size=size) + labels
    assert auc(continuous, labels) == pytest.approx(_auc_by_pairs(continuous, labels), abs=1e-12)


def test_auc_extremes_and_errors() -> None:
    labels = np.array([0, 0, 1, 1])
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), labels) == 1.0
    assert auc(np.array([0.9, 0.8, 0.2, 0.1]), labels) == 0.0
    assert auc(np.ones(4), labels) == 0.5
    with pytest.raises(ValueError, match="both classes"):
        auc(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="0 or 1"):
        auc(np.ones(3), np.array([0, 1, 2]))


def _cka_by_kernels(x: torch.Tensor, y: torch.Tensor) -> float:
    # paper appendix C: HSIC(K, L) = tr(K H L H) / (N - 1)^2 with K = X X^T, L = Y Y^T
    n = x.shape[0]
    h = torch.eye(n, dtype=torch.float64) - torch.full((n, n), 1.0 / n, dtype=torch.float64)
    k, l_ = x.double() @ x.double().T, y.double() @ y.double().T

    def hsic(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.trace(a @ h @ b @ h) / (n - 1) ** 2

    return float(hsic(k, l_) / torch.sqrt(hsic(k, k) * hsic(l_, l_)))


def test_linear_cka_matches_the_kernel_definition() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(40, 7, generator=gen)
    y = torch.tanh(x @ torch.randn(7, 3, generator=gen)) + 0.3 * torch.randn(40, 3, generator=gen)
    assert linear_cka(x, y) == pytest.approx(_cka_by_kernels(x, y), rel=1e-10)


def test_linear_cka_invariances() -> None:
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(50, 6, generator=gen, dtype=torch.float64)
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=gen, dtype=torch.float64))
    assert linear_cka(x, x) == pytest.approx(1.0, abs=1e-12)
    assert linear_cka(x, 3.7 * x @ q) == pytest.approx(1.0, abs=1e-12)
    assert linear_cka(x, x + 5.0) == pytest.approx(1.0, abs=1e-12)  # centring
    # an invertible but non-orthogonal map changes it (paper: not invariant to those)
    stretch = torch.diag(torch.tensor([10.0, 1, 1, 1, 1, 0.1], dtype=torch.float64))
    assert linear_cka(x, x @ stretch) < 0.9
    independent = torch.randn(50, 6, generator=gen, dtype=torch.float64)
    assert linear_cka(x, independent) < 0.5


def test_stable_rank_of_known_matrices() -> None:
    assert stable_rank(torch.eye(5)) == pytest.approx(5.0)
    assert stable_rank(torch.diag(torch.tensor([3.0, 1.0, 1.0]))) == pytest.approx(11.0 / 9.0)
    u, v = torch.arange(1.0, 5.0), torch.tensor([1.0, -2.0, 0.5])
    assert stable_rank(torch.outer(u, v)) == pytest.approx(1.0)
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=torch.Generator().manual_seed(2)))
    assert stable_rank(q @ torch.diag(torch.tensor([2.0, 2, 1, 0, 0, 0]))) == pytest.approx(2.25)


def test_hutchinson_is_exact_for_a_diagonal_hessian() -> None:
    # loss = 1/2 sum d_i theta_i^2: v^T H v = sum d_i for every Rademacher v
    d = torch.tensor([1.0, -2.0, 3.5, 0.25], dtype=torch.float64)
    theta = torch.randn(4, dtype=torch.float64, requires_grad=True)
    mean, error = hutchinson_trace(
        lambda: 0.5 * (d * theta**2).sum(), [theta], 5, torch.Generator().manual_seed(0)
    )
    assert mean == pytest.approx(float(d.sum()), abs=1e-12)
    assert error == pytest.approx(0.0, abs=1e-12)


def test_hutchinson_matches_the_exact_trace_of_a_small_network() -> None:
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(16, 3, generator=gen, dtype=torch.float64)
    y = torch.randn(16, generator=gen, dtype=torch.float64)
    w1 = torch.randn(4, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    w2 = torch.randn(4, generator=gen, dtype=torch.float64, requires_grad=True)

    def loss_of(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ((torch.tanh(x @ a.T) @ b - y) ** 2).mean()

    h11, h22 = (torch.autograd.functional.hessian(loss_of, (w1, w2))[i][i] for i in (0, 1))
    exact = float(torch.diagonal(h11.reshape(12, 12)).sum() + torch.diagonal(h22).sum())
    mean, error = hutchinson_trace(lambda: loss_of(w1, w2), [w1, w2], 400, gen)
    assert error > 0
    assert abs(mean - exact) < 4 * error
    assert error < 0.2 * abs(exact)  # narrow enough to catch a wrong Hessian-vector product


def test_movement_and_gradient_norm() -> None:
    a, b = torch.tensor([3.0, 4.0]), torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    initial = [a.clone(), b.clone()]
    a += torch.tensor([0.0, 1.0])
    assert relative_movement([a, b], initial) == pytest.approx(1.0 / np.sqrt(26.0))
    p = torch.zeros(3, requires_grad=True)
    (torch.tensor([1.0, 2.0, 2.0]) * p).sum().backward()
    assert float(gradient_norm([p, torch.zeros(2, requires_grad=True)])) == pytest.approx(3.0)


def test_dead_and_saturated_unit_shares() -> None:
    post = torch.tensor([[0.0, 1.0, 0.0, -1.0], [0.0, 0.0, 1e-3, -1.0]])
    assert dead_unit_share(post) == pytest.approx(0.25)  # only column 0 is |x| < 1e-6 throughout
    pre = torch.tensor([[-9.0, -9.0, 0.5, -5.0], [-7.0, 1.0, -8.0, -6.0]])
    assert saturated_unit_share(pre) == pytest.approx(0.5)  # columns 0 and 3
    assert saturated_unit_share(pre, fraction=0.5) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="fraction"):
        saturated_unit_share(pre, fraction=0.0)


def test_layer_statistics_per_layer_and_gradients_cleared() -> None:
    """Two ELU layers, so two entries per activation statistic; three weight matrices, so three
    gradient stable ranks (biases are 1-D and left out). Unit 0 of the first hidden layer has a
    zero weight row and zero bias: its output is exactly 0 on every sample (dead, not saturated);
    unit 1 has bias -10: pre-activation -10 < -4 on every sample (saturated, not dead)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(5, 4),
        torch.nn.ELU(),
        torch.nn.Linear(4, 3),
        torch.nn.ELU(),
        torch.nn.Linear(3, 1),
    ).double()
    with torch.no_grad():
        model[0].weight[0] = 0.0
        model[0].bias[0] = 0.0
        model[0].weight[1] *= 1e-3
        model[0].bias[1] = -10.0
    x = torch.randn(64, 5, dtype=torch.float64)
    y = torch.randn(64, dtype=torch.float64)
    stats = layer_statistics(
        model, x, y, lambda out, target: ((out.squeeze(-1) - target) ** 2).mean()
    )
    assert {k: len(v) for k, v in stats.items()} == {
        "activation_stable_rank": 2,
        "dead_share": 2,
        "saturated_share": 2,
        "gradient_stable_rank": 3,
    }
    assert stats["dead_share"][0] == pytest.approx(1 / 4)
    assert stats["saturated_share"][0] == pytest.approx(1 / 4)
    hidden = model[1](model[0](x))
    assert stats["activation_stable_rank"][0] == pytest.approx(stable_rank(hidden))
    assert all(1.0 <= r <= 3.0 for r in stats["gradient_stable_rank"][1:])
    assert all(p.grad is None for p in model.parameters())
    assert not model[1]._forward_hooks and not model[3]._forward_hooks
