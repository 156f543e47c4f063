"""Second moment of an activation's output for a Gaussian input, for layer-by-layer init."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

from wishart_moments.limits import check_order

__all__ = ["activation_second_moment"]


def activation_second_moment(
    activation: Callable[[Tensor], Tensor], variance: float, nodes: int = 96
) -> float:
    """``E[phi(Z)^2]`` for ``Z ~ N(0, variance)``, by quadrature.

    ``E[phi(Z)^2] = integral phi(sqrt(v) z)^2 exp(-z^2 / 2) / sqrt(2 pi) dz`` is split at
    ``z = 0`` and each half computed with ``nodes``-point Gauss-Legendre on ``[0, 12]`` and
    ``[-12, 0]`` (the Gaussian weight beyond 12 is below 1e-31). The split matters: ReLU, leaky
    ReLU and ELU are not smooth at 0, which slows a single Gauss-Hermite rule down to a few
    digits, while each half is smooth and converges fast. ``activation`` is any elementwise
    function on tensors, e.g. ``nn.ELU()``; it is evaluated in float64.
    """
    if not callable(activation):
        raise TypeError(f"activation must be a function of a tensor, got {activation!r}")
    try:
        v = float(variance)
    except (TypeError, ValueError):
        v = math.nan
    if isinstance(variance, bool) or not (v >= 0 and math.isfinite(v)):
        raise ValueError(f"variance must be a finite number >= 0, got {variance!r}")
    z, w = _split_gaussian_rule(check_order("gauss-legendre", nodes, name="nodes"))
    with torch.no_grad():
        values = activation(torch.from_numpy(math.sqrt(v) * z)).double().numpy()
    return float(np.dot(w, values**2))


@functools.lru_cache(maxsize=8)
def _split_gaussian_rule(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes, weights for ``integral f(z) N(z; 0, 1) dz``: Gauss-Legendre on [0, 12], [-12, 0]."""
    points, weights = np.polynomial.legendre.leggauss(nodes)
    half = 6.0 * (points + 1.0)  # [-1, 1] -> [0, 12]
    z = np.concatenate([half, -half])
    w = np.concatenate([weights, weights]) * 6.0 * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return z, w
