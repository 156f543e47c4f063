"""Certified radius and accuracy of an L-Lipschitz classifier; the network's Lipschitz bound."""

from __future__ import annotations

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
    net = LDLTMLP(6, 32, 4, depth=4, gamma=1.5, dtype=torch.float64,
                  init="scaled_normal", init_kwargs={"scale": 10.0})
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
