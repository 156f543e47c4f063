"""The mini-batch training loop shared by the sweeps.

``fit`` trains ``model`` for ``epochs`` passes over ``(x, y)`` in shuffled mini-batches (order
from ``generator``), with SGD or AdamW and a cosine schedule from ``lr`` to ``lr_min``
(``lr_t = lr_min + (lr - lr_min)(1 + cos(pi t / T)) / 2``, stepped once per epoch). Each epoch
gives a record: ``epoch``, ``lr`` (the rate used), ``train_loss`` and ``grad_norm`` (means over
the steps), ``seconds`` (wall time of the training steps only); ``after_epoch`` may add keys.
``fit_run`` takes those settings from a run's configuration, ``seed_run`` seeds the run (torch's
global RNG for the initialization, a generator for the batch order) and ``predict`` evaluates a
model in chunks without gradients.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .config import run_seed

OPTIMIZERS = ("sgd", "adamw")
PREDICT_CHUNK = 4096


def make_optimizer(name: str, params: Sequence[Any], lr: float) -> Any:
    """``torch.optim.SGD`` or ``AdamW`` (default weight decay) over ``params``."""
    import torch

    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}: allowed are {OPTIMIZERS}")


def fit(
    model: Any,
    loss_fn: Callable[[Any, Any], Any],
    x: Any,
    y: Any,
    *,
    optimizer: str,
    lr: float,
    lr_min: float,
    epochs: int,
    batch_size: int,
    generator: Any,
    after_epoch: Callable[[int], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Train ``model`` in place; return one record per epoch (see the module docstring).

    ``loss_fn(model(x_batch), y_batch)`` is the loss. ``after_epoch(epoch)`` runs after each
    epoch (model in eval mode) and its keys join that epoch's record. ``FloatingPointError`` if
    the mean training loss of an epoch is not finite.
    """
    import torch

    from ..metrics import gradient_norm

    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1, got {epochs} and {batch_size}")
    device = x.device
    params = [p for p in model.parameters() if p.requires_grad]
    opt = make_optimizer(optimizer, params, lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=lr_min)
    records: list[dict[str, Any]] = []
    for epoch in range(epochs):
        model.train()
        start_time = time.perf_counter()
        order = torch.randperm(x.shape[0], generator=generator).to(device)
        loss_sum = torch.zeros((), device=device)  # accumulated on the device: no sync per step
        grad_sum = torch.zeros((), device=device)
        steps = 0
        for start in range(0, order.numel(), batch_size):
            rows = order[start : start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            grad_sum += gradient_norm(params)
            opt.step()
            loss_sum += loss.detach()
            steps += 1
        loss_mean, grad_mean = float(loss_sum) / steps, float(grad_sum) / steps
        seconds = time.perf_counter() - start_time
        used_lr = opt.param_groups[0]["lr"]
        schedule.step()
        if not np.isfinite(loss_mean):
            raise FloatingPointError(f"training loss is {loss_mean} at epoch {epoch}")
        record: dict[str, Any] = {
            "epoch": epoch,
            "lr": used_lr,
            "train_loss": loss_mean,
            "grad_norm": grad_mean,
            "seconds": seconds,
        }
        if after_epoch is not None:
            model.eval()
            record.update(after_epoch(epoch))
        records.append(record)
    model.eval()
    return records


def fit_run(
    model: Any,
    loss_fn: Callable[[Any, Any], Any],
    x: Any,
    y: Any,
    config: Mapping[str, Any],
    generator: Any,
    after_epoch: Callable[[int], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """``fit`` with the run's ``optimizer``, ``lr``, ``lr_min``, ``epochs`` and ``batch_size``."""
    return fit(
        model,
        loss_fn,
        x,
        y,
        optimizer=config["optimizer"],
        lr=config["lr"],
        lr_min=config["lr_min"],
        epochs=config["epochs"],
        batch_size=config["batch_size"],
        generator=generator,
        after_epoch=after_epoch,
    )


def seed_run(config: Mapping[str, Any]) -> Any:
    """Seed torch's global RNG with ``run_seed(config)`` (the initialization draws from it) and
    return a ``torch.Generator`` with the same seed (batch order, probe rows)."""
    import torch

    seed = run_seed(config)  # per-run seed, independent of execution order
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def predict(model: Any, x: Any) -> Any:
    """``model(x)`` in chunks of ``PREDICT_CHUNK`` rows, without gradients, as float64."""
    import torch

    with torch.no_grad():
        return torch.cat([model(chunk) for chunk in torch.split(x, PREDICT_CHUNK)]).double()
