"""Initialization of the raw weight ``W`` (shape ``(m, n) = (out, in)``) of an LDLT layer.

In the style of ``torch.nn.init``: the tensor comes first, the trailing underscore means it is
filled in place, and the function returns it. All fill ``W`` with iid ``N(0, sigma^2)``; they differ
in how ``sigma`` is chosen. For an LDLT layer ``y = gamma W R^{-1} x`` with ``x ~ N(0, I_n)`` the
output variance is (paper eq. 2; docs/mathematics.md, section 5)

    Var[y] = gamma^2 * (1 - (alpha / m) * E tr((alpha I_m + S)^{-1})),
    S = W W^T ~ Wishart_m(n, sigma^2 I)

which increases with ``sigma^2`` towards ``gamma^2 min(m, n) / m``.
"""

from __future__ import annotations

import functools
import math

import torch
from torch import Tensor

from wishart_moments._validation import check_positive_real

from .lyapunov import lyapunov_normal_, lyapunov_orthogonal_

__all__ = [
    "he_normal_",
    "lyapunov_normal_",
    "lyapunov_orthogonal_",
    "scaled_normal_",
    "variance_prescribed_",
]


def _fan_in(tensor: Tensor) -> int:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expected a 2-D (out, in) weight tensor, got {type(tensor).__name__}")
    if tensor.dim() != 2 or tensor.numel() == 0:
        raise ValueError(
            f"expected a non-empty 2-D (out, in) weight, got shape {tuple(tensor.shape)}"
        )
    return tensor.shape[1]


def scaled_normal_(
    tensor: Tensor, scale: float = 1.0, generator: torch.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` with ``N(0, sigma^2)``, ``sigma = scale / sqrt(n)`` (``n`` = fan-in).

    The paper's family: ``scale = 1`` is its He/Kaiming baseline (output variance about 0.38 at
    512 x 512, alpha = gamma = 1) and ``scale = 10`` its prescription (about 0.90); experiments
    sweep ``scale`` exactly as the paper does.
    """
    sigma = check_positive_real(scale, "scale") / math.sqrt(_fan_in(tensor))
    return torch.nn.init.normal_(tensor, 0.0, sigma, generator=generator)


def he_normal_(
    tensor: Tensor, gain: float = math.sqrt(2.0), generator: torch.Generator | None = None
) -> Tensor:
    """He (Kaiming) normal: ``N(0, sigma^2)``, ``sigma = gain / sqrt(n)`` (``n`` = fan-in).

    ``gain = sqrt(2)`` (ReLU) matches ``torch.nn.init.kaiming_normal_(tensor)``; it is
    ``scaled_normal_(tensor, gain)``.
    """
    return scaled_normal_(tensor, gain, generator=generator)


@functools.lru_cache(maxsize=4096)
def _solve_sigma2_cached(m: int, n: int, target: float, alpha: float, gamma: float) -> float:
    from wishart_moments.variance import solve_sigma2  # numeric engine: no SymPy, no Numba

    return float(solve_sigma2(m, n, target, alpha, gamma))


def variance_prescribed_(
    tensor: Tensor,
    target_variance: float,
    alpha: float = 1.0,
    gamma: float = 1.0,
    input_variance: float = 1.0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Fill the ``(m, n)`` tensor with ``N(0, sigma^2)``, sigma^2 solved for a target variance.

    ``sigma^2`` solves ``input_variance * Var[y](sigma^2) = target_variance`` with ``Var[y]`` the
    exact output variance of the module docstring (unit-variance input), computed by
    ``wishart_moments.variance.solve_sigma2``; the output variance scales linearly with the
    input's, hence the division by ``input_variance``. Solutions are cached per
    ``(m, n, target, alpha, gamma)``, so a deep network initializes in milliseconds.

    Raises ``ValueError`` for an unreachable target: it must lie in
    ``(0, input_variance * gamma^2 * min(m, n) / m)``.
    """
    n = _fan_in(tensor)
    m = tensor.shape[0]
    target = check_positive_real(target_variance, "target_variance")
    alpha = check_positive_real(alpha, "alpha")
    gamma = check_positive_real(gamma, "gamma")
    input_variance = check_positive_real(input_variance, "input_variance")
    unit_target = target / input_variance
    try:
        sigma2 = _solve_sigma2_cached(m, n, unit_target, alpha, gamma)
    except ValueError as error:
        if input_variance == 1.0:
            raise
        raise ValueError(
            f"target_variance {target!r} with input_variance {input_variance!r} needs a "
            f"unit-input output variance of {unit_target!r}: {error}"
        ) from error
    return torch.nn.init.normal_(tensor, 0.0, math.sqrt(sigma2), generator=generator)
