"""Certified radius and accuracy of an L-Lipschitz classifier; the network's Lipschitz bound."""

from __future__ import annotations

import functools
import math

import pytest
import torch
from torch import nn

from lipschitz_layers import LDLTMLP, certified_accuracy, certified_radius


def test_radius_is_margin_over_sqrt2_l() -> None:
    logits = torch.tensor([[3.0, 1.0, 0.0], [0.0, 0.5, 0.25]], dtype=torch.float64)
    radius = certified_radius(logits, 2.0)
    expected = torch.tensor([2.0, 0.25], dtype=torch.float64) / (2.0 * math.sqrt(2.0))
    torch.testing.assert_close(radius, expected)


def test_certified_accuracy_counts_correct_and_certified() -> None:
    logits = torch.tensor([[3.0, 1.0], [0.0, 0.5], [1.0, 0.9]], dtype=torch.float64)
    labels = torch.tensor([0, 0, 0])
    acc = certified_accuracy(logits, labels, 1.0, [0.0, 0.05, 1.0])
    # radii: 2/sqrt2 = 1.414 (correct), wrong, 0.1/sqrt2 = 0.0707 (correct)
    torch.testing.assert_close(acc, torch.tensor([2 / 3, 2 / 3, 1 / 3], dtype=torch.float64))
    assert certified_accuracy(logits, labels, 1.0, 0.0).dim() == 0


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((torch.zeros(3, 1), 1.0), "classes >= 2"),
        ((torch.zeros(3, 2), 0.0), "lipschitz"),
        ((torch.zeros(3, 2), float("nan")), "lipschitz"),
    ],
)
def test_bad_input(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        certified_radius(*args)


def test_network_lipschitz_bound_holds() -> None:
    torch.manual_seed(0)
    net = LDLTMLP(
        6,
        32,
        4,
        depth=4,
        gamma=1.5,
        dtype=torch.float64,
        init="scaled_normal",
        init_kwargs={"scale": 10.0},
    )
    bound = net.lipschitz_constant()
    assert bound == pytest.approx(1.5**4)
    x = torch.randn(2000, 6, dtype=torch.float64)
    dx = torch.randn(2000, 6, dtype=torch.float64) * 1e-2
    with torch.no_grad():
        ratio = (net(x + dx) - net(x)).norm(dim=1) / dx.norm(dim=1)
    assert ratio.max().item() <= bound


def test_unknown_activation_is_refused() -> None:
    net = LDLTMLP(3, 4, 2, depth=2, activation=nn.Softmax)
    with pytest.raises(ValueError, match="Softmax"):
        net.lipschitz_constant()


@functools.lru_cache(maxsize=1)
def _trained_classifier() -> tuple[LDLTMLP, torch.Tensor, torch.Tensor]:
    """A small LDLT net trained on three Gaussian blobs in the plane (float64)."""
    generator = torch.Generator().manual_seed(11)
    centers = torch.tensor([[0.0, 2.0], [1.8, -1.0], [-1.8, -1.0]], dtype=torch.float64)
    labels = torch.arange(3).repeat_interleave(100)
    points = centers[labels] + 0.6 * torch.randn(300, 2, generator=generator, dtype=torch.float64)
    torch.manual_seed(12)
    net = LDLTMLP(
        2,
        32,
        3,
        depth=3,
        gamma=2.0,
        activation=nn.ReLU,
        dtype=torch.float64,
        init="scaled_normal",
        init_kwargs={"scale": 3.0},
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-2)
    for _ in range(150):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(points), labels).backward()
        optimizer.step()
    return net.eval().requires_grad_(False), points, labels


def _pgd_l2(net, x, radius, steps=25):
    """Projected gradient ascent on (best other logit - predicted logit) in l2 balls."""
    predicted = net(x).argmax(1)
    delta = torch.zeros_like(x)
    for _ in range(steps):
        delta.requires_grad_(True)
        logits = net(x + delta)
        own = logits.gather(1, predicted[:, None])[:, 0]
        other = logits.scatter(1, predicted[:, None], -math.inf).max(1).values
        (grad,) = torch.autograd.grad((other - own).sum(), delta)
        with torch.no_grad():
            step = grad / grad.norm(dim=1, keepdim=True).clamp_min(1e-30)
            delta = delta + 0.1 * radius[:, None] * step
            norm = delta.norm(dim=1, keepdim=True)
            delta = delta * (radius[:, None] / norm).clamp(max=1.0)
    return x + delta.detach()


def test_no_attack_inside_the_certified_radius_changes_the_class() -> None:
    net, points, labels = _trained_classifier()
    lipschitz = net.lipschitz_constant()
    with torch.no_grad():
        logits = net(points)
    radius = certified_radius(logits, lipschitz)
    predicted = logits.argmax(1)
    assert (predicted == labels).double().mean() > 0.9
    assert (radius > 0.05).double().mean() > 0.5  # a real certificate, not a vacuous one
    inside = 0.999 * radius
    # random perturbations on the sphere of radius 0.999 r
    generator = torch.Generator().manual_seed(13)
    for _ in range(10):
        direction = torch.randn(points.shape, generator=generator, dtype=torch.float64)
        direction /= direction.norm(dim=1, keepdim=True)
        with torch.no_grad():
            moved = net(points + inside[:, None] * direction)
        assert torch.equal(moved.argmax(1), predicted)
    # the gradient attack within the radius: no flip, and the margin falls by at most
    # sqrt(2) L ||delta|| (the inequality behind the certificate)
    attacked = _pgd_l2(net, points, inside)
    with torch.no_grad():
        after = net(attacked)
    assert torch.equal(after.argmax(1), predicted)
    top2 = after.topk(2, dim=1).values
    margin_after = top2[:, 0] - top2[:, 1]
    margin_before = radius * math.sqrt(2) * lipschitz
    drop = math.sqrt(2) * lipschitz * (attacked - points).norm(dim=1)
    assert (margin_after >= margin_before - drop - 1e-9).all()
    # the same attack is strong enough to flip points at ten times their radius
    flipped = net(_pgd_l2(net, points, 10 * radius)).argmax(1) != predicted
    assert flipped.double().mean() > 0.3


def test_measured_lipschitz_ratio_never_exceeds_the_bound() -> None:
    net, points, _ = _trained_classifier()
    bound = net.lipschitz_constant()
    generator = torch.Generator().manual_seed(14)
    # random pairs, near and far
    x = 3 * torch.randn(4000, 2, generator=generator, dtype=torch.float64)
    for size in (1e-3, 1e-1, 3.0):
        y = x + size * torch.randn(4000, 2, generator=generator, dtype=torch.float64)
        with torch.no_grad():
            ratio = (net(x) - net(y)).norm(dim=1) / (x - y).norm(dim=1)
        assert ratio.max().item() <= bound
    # gradient ascent on the Jacobian's spectral norm from many starts
    starts = points[::10].clone().requires_grad_(True)
    optimizer = torch.optim.Adam([starts], lr=0.05)
    best = 0.0
    for _ in range(30):
        jacobians = torch.func.vmap(torch.func.jacrev(net))(starts)
        norms = torch.linalg.matrix_norm(jacobians, ord=2)
        best = max(best, norms.max().item())
        optimizer.zero_grad()
        (-norms.sum()).backward()
        optimizer.step()
    assert 0.05 * bound < best <= bound
    # and a linear network (identity activations), whose constant is the product's norm
    torch.manual_seed(15)
    linear = LDLTMLP(
        5,
        16,
        4,
        depth=3,
        gamma=1.3,
        activation=nn.Identity,
        dtype=torch.float64,
        init="scaled_normal",
        init_kwargs={"scale": 10.0},
    )
    product = torch.eye(5, dtype=torch.float64)
    for layer in linear.ldlt_layers:
        product = layer.normalized_weight().detach() @ product
    assert torch.linalg.matrix_norm(product, ord=2).item() <= linear.lipschitz_constant()
