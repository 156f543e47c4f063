"""Certificates of an ``L``-Lipschitz classifier in the l2 norm: certified radius and accuracy.

If ``f: R^d -> R^c`` is ``L``-Lipschitz in the l2 norm, each difference of two logits
``f_i - f_j = (e_i - e_j)^T f`` is ``sqrt(2) L``-Lipschitz, so the predicted class cannot change
within the l2 ball of radius

    r(x) = (f_top1(x) - f_top2(x)) / (sqrt(2) L)

around ``x`` (the margin certificate; Tsuzuku, Sato and Sugiyama 2018). A sample counts as
certified at radius ``eps`` when it is classified correctly and ``r(x) >= eps``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor, nn

__all__ = ["activation_lipschitz", "certified_accuracy", "certified_radius"]


def _check_lipschitz(lipschitz: float) -> float:
    try:
        value = float(lipschitz)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(lipschitz, bool) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"lipschitz must be a finite positive number, got {lipschitz!r}")
    return value


def _check_tensor(value: object, name: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def certified_radius(logits: Tensor, lipschitz: float) -> Tensor:
    """Per-sample l2 radius ``(top1 - top2) / (sqrt(2) L)`` within which the class cannot change.

    ``logits`` is ``(batch, classes)`` with at least two classes; returns a ``(batch,)`` tensor of
    the logits' dtype (computed in at least float32).
    """
    lipschitz = _check_lipschitz(lipschitz)
    logits = _check_tensor(logits, "logits")
    if logits.dim() != 2 or logits.shape[1] < 2:
        raise ValueError(
            f"logits must have shape (batch, classes) with classes >= 2, got {tuple(logits.shape)}"
        )
    work = logits if logits.dtype in (torch.float32, torch.float64) else logits.float()
    top2 = work.topk(2, dim=1).values
    radius = (top2[:, 0] - top2[:, 1]) / (math.sqrt(2.0) * lipschitz)
    return radius.to(logits.dtype)


def _radius(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        out = math.nan
    if isinstance(value, (bool, str)) or not math.isfinite(out) or out < 0:
        raise ValueError(f"radii must be finite numbers >= 0, got {value!r}")
    return out


def certified_accuracy(
    logits: Tensor, labels: Tensor, lipschitz: float, radii: float | Sequence[float]
) -> Tensor:
    """Fraction of samples classified correctly with certified radius ``>= eps``, for each eps.

    Returns a float64 tensor with one entry per radius (a 0-dim tensor for a single radius). At
    ``eps = 0`` this is the clean accuracy.
    """
    logits, labels = _check_tensor(logits, "logits"), _check_tensor(labels, "labels")
    scalar = not isinstance(radii, Sequence) or isinstance(radii, str)
    values = [_radius(r) for r in ([radii] if scalar else radii)]
    if labels.shape != logits.shape[:1]:
        raise ValueError(
            f"labels must have shape ({logits.shape[0]},), got {tuple(labels.shape)}"
        )
    radius = certified_radius(logits, lipschitz).double()
    correct = logits.argmax(dim=1) == labels
    eps = torch.tensor(values, dtype=torch.float64, device=logits.device)
    certified = correct[:, None] & (radius[:, None] >= eps[None, :])
    accuracy = certified.double().mean(dim=0)
    return accuracy[0] if scalar else accuracy


def activation_lipschitz(module: nn.Module) -> float:
    """The l2 Lipschitz constant of an elementwise activation module.

    Known: ``ReLU``, ``ELU`` (``max(1, alpha)``), ``LeakyReLU`` (``max(1, |slope|)``), ``Tanh``,
    ``Hardtanh``, ``Softplus``, ``Identity`` (1), ``Sigmoid`` (1/4), and upper bounds for ``GELU``
    (1.129) and ``SiLU`` (1.0999). A module with a ``lipschitz_constant()`` method is asked
    instead; others raise.
    """
    method = getattr(module, "lipschitz_constant", None)
    if callable(method):
        return float(method())
    if isinstance(module, (nn.ReLU, nn.Tanh, nn.Identity, nn.Softplus, nn.Hardtanh)):
        return 1.0
    if isinstance(module, nn.ELU):
        return max(1.0, float(module.alpha))
    if isinstance(module, nn.LeakyReLU):
        return max(1.0, abs(float(module.negative_slope)))
    if isinstance(module, nn.Sigmoid):
        return 0.25
    if isinstance(module, nn.GELU):
        return 1.129
    if isinstance(module, nn.SiLU):
        return 1.0999
    raise ValueError(
        f"no known Lipschitz constant for activation {type(module).__name__}; use ReLU, ELU, "
        "LeakyReLU, Tanh, Sigmoid, GELU, SiLU, Softplus, Identity, or give it lipschitz_constant()"
    )
