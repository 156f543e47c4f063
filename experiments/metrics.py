"""Measurements taken during the HIGGS sweep (paper section V, appendices C and D).

- ``auc``: area under the ROC curve by ranks (Mann-Whitney U with mid-ranks for ties).
- ``linear_cka``: linear centred kernel alignment of two representations of the same samples.
- ``stable_rank``: ``||A||_F^2 / ||A||_2^2``.
- ``hutchinson_trace``: ``tr(H) ~ mean_v v^T H v`` with Rademacher ``v`` (double backprop).
- ``relative_movement``: ``||theta - theta_0|| / ||theta_0||`` over all parameters.
- ``gradient_norm``: Euclidean norm of all gradients together.
- ``dead_unit_share`` / ``saturated_unit_share``: two definitions of dead ELU units (see each).
- ``layer_statistics``: the last four per layer of a network, from one forward/backward pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC = P(score of a positive > score of a negative) + P(tie) / 2.

    Computed from the rank sum of the positives, ``(R_+ - n_+ (n_+ + 1) / 2) / (n_+ n_-)``, with
    tied scores given their mid-rank. ``labels`` must hold both 0 and 1 (and nothing else).
    """
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f"scores {scores.shape} and labels {labels.shape} differ in shape")
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError("labels must be 0 or 1")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN")
    positive = labels == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"AUC needs both classes, got {n_pos} positives and {n_neg} negatives")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    # mid-ranks (1-based): each run of equal scores gets the mean of its positions
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], scores.size]
    run_ranks = (starts + 1 + ends) / 2.0
    ranks = np.empty(scores.size)
    ranks[order] = np.repeat(run_ranks, ends - starts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear CKA of ``x`` (N x p) and ``y`` (N x q), rows the same N samples.

    ``CKA = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F)`` with column-centred ``Xc``, ``Yc``;
    equal to ``HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L))`` for ``K = X X^T``, ``L = Y Y^T``
    (paper appendix C). Invariant to orthogonal maps and isotropic scaling of either input.
    """
    x = x.detach().reshape(x.shape[0], -1).double()
    y = y.detach().reshape(y.shape[0], -1).double()
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x has {x.shape[0]} samples and y has {y.shape[0]}")
    x = x - x.mean(dim=0, keepdim=True)
    y = y - y.mean(dim=0, keepdim=True)
    cross = torch.linalg.matrix_norm(y.T @ x) ** 2
    denominator = torch.linalg.matrix_norm(x.T @ x) * torch.linalg.matrix_norm(y.T @ y)
    if denominator == 0:
        return float("nan")
    return float(cross / denominator)


def stable_rank(matrix: torch.Tensor) -> float:
    """``||A||_F^2 / ||A||_2^2`` (between 1 and rank A; NaN for the zero matrix)."""
    a = matrix.detach().reshape(matrix.shape[0], -1).double()
    spectral = torch.linalg.matrix_norm(a, ord=2)
    if spectral == 0:
        return float("nan")
    return float(torch.linalg.matrix_norm(a) ** 2 / spectral**2)


def hutchinson_trace(
    loss_fn: Callable[[], torch.Tensor],
    params: Sequence[torch.Tensor],
    n_samples: int,
    generator: torch.Generator | None = None,
) -> tuple[float, float]:
    """Hutchinson estimate of the trace of the loss Hessian with respect to ``params``.

    ``tr(H) = E[v^T H v]`` for Rademacher ``v`` (entries +-1). ``H v`` comes from differentiating
    ``g . v`` where ``g = grad(loss)`` was built with ``create_graph=True``. Returns the mean and
    its standard error over ``n_samples`` vectors (standard error NaN when ``n_samples == 1``).
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    params = [p for p in params if p.requires_grad]
    loss = loss_fn()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    estimates = []
    for index in range(n_samples):
        vs = [
            torch.randint(0, 2, p.shape, generator=generator, device="cpu").to(p) * 2 - 1
            for p in params
        ]
        hvs = torch.autograd.grad(
            grads, params, grad_outputs=vs, retain_graph=index + 1 < n_samples
        )
        estimates.append(sum(float((v * hv).sum()) for v, hv in zip(vs, hvs, strict=True)))
    values = np.asarray(estimates)
    error = float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")
    return float(values.mean()), error


def relative_movement(params: Sequence[torch.Tensor], initial: Sequence[torch.Tensor]) -> float:
    """``||theta - theta_0||_2 / ||theta_0||_2`` over all parameters flattened together."""
    diff = sum(
        float((p.detach() - q).double().pow(2).sum()) for p, q in zip(params, initial, strict=True)
    )
    base = sum(float(q.double().pow(2).sum()) for q in initial)
    if base == 0:
        return float("nan")
    return float(np.sqrt(diff / base))


def gradient_norm(params: Sequence[torch.Tensor]) -> torch.Tensor:
    """``sqrt(sum ||grad p||^2)`` over the parameters that have a gradient, as a 0-dim tensor on
    their device (a training loop can accumulate it without waiting for the device)."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return torch.zeros((), dtype=torch.float64)
    return torch.nn.utils.get_total_norm(grads, norm_type=2.0)


def dead_unit_share(activation: torch.Tensor, tol: float = 1e-6) -> float:
    """Share of units whose output satisfies ``|x| < tol`` on every sample (paper, figure 16).

    ``activation`` is N samples x units. For ELU this only catches units stuck at a
    pre-activation of 0; ELU units driven far negative output about -1 and are caught by
    ``saturated_unit_share`` instead.
    """
    a = activation.detach().reshape(activation.shape[0], -1)
    return float((a.abs() < tol).all(dim=0).double().mean())


def saturated_unit_share(
    pre_activation: torch.Tensor, threshold: float = -4.0, fraction: float = 0.99
) -> float:
    """Share of ELU units in the flat region: pre-activation ``< threshold`` on ``>= fraction`` of
    the samples.

    At ``z < -4`` the ELU derivative ``e^z`` is below 0.0183, so such a unit passes almost no
    gradient and its output is within 0.0183 of -1 whatever the input: dead for learning.
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    z = pre_activation.detach().reshape(pre_activation.shape[0], -1)
    return float(((z < threshold).double().mean(dim=0) >= fraction).double().mean())


def layer_statistics(
    model: torch.nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    activation: type[torch.nn.Module] = torch.nn.ELU,
) -> dict[str, list[float]]:
    """Per layer, from one pass of ``loss_fn(model(x), y)``: ``activation_stable_rank`` and
    ``dead_share`` of each ``activation`` module's output, ``saturated_share`` of its input, and
    ``gradient_stable_rank`` of each matrix parameter's gradient. Gradients are cleared after."""
    captured: list[tuple[torch.Tensor, torch.Tensor]] = []

    def hook(_module: Any, inputs: tuple[Any, ...], output: Any) -> None:
        captured.append((inputs[0].detach(), output.detach()))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, activation)]
    try:
        model.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
    finally:
        for handle in handles:
            handle.remove()
    grads = [p.grad for p in model.parameters() if p.grad is not None and p.grad.ndim == 2]
    stats = {
        "activation_stable_rank": [stable_rank(post) for _, post in captured],
        "dead_share": [dead_unit_share(post) for _, post in captured],
        "saturated_share": [saturated_unit_share(pre) for pre, _ in captured],
        "gradient_stable_rank": [stable_rank(g) for g in grads],
    }
    model.zero_grad(set_to_none=True)
    return stats
