"""HIGGS training sweep of deep LDLT networks (paper section V, appendices B-D).

The grid: optimizer x init scale x depth x cross-validation fold (paper: {SGD, AdamW} x
{1, 2, 4, 8, 10} x {5, 10, ..., 30} x 5 folds = 300 trainings). Every run trains an ``LDLTMLP``
of constant width (512) with ELU on a stratified fold split of the training subsample (100k rows),
batch 64, learning rate 1e-3 cosine-annealed to 1e-4 over the epochs, with the weights drawn
``W_ij ~ N(0, (scale / sqrt(n))^2)``. Logged per epoch: training loss, validation loss and AUC,
mean gradient norm, relative parameter movement, input-output CKA; at the end: test AUC on the
test subsample (20k rows from the last 500k), Hutchinson trace of the loss Hessian, the maximum
parameter movement, and per layer the stable rank of activations and gradients and the share of
dead / saturated ELU units (after the first and the last epoch).

Results go to a SQLite store (``experiments/store.py``) run by run, so an interrupted sweep resumes
where it stopped. ``--report`` draws the paper's figures 6-17 from the store without training.

Backends: ``local`` (sequential, or ``--workers N`` processes) and ``ray`` (one task per run,
``--gpus-per-task`` GPUs each; needs ``pip install ray``). This module holds the HIGGS runs and the
command line; the grid, training loop, backends and report machinery live in
``experiments/sweep/`` (shared with ``certified_robustness``), the measurements in ``metrics``,
the figures in ``higgs_report``.
The real data is ``--data HIGGS.csv.gz``; ``--quick`` writes a tiny synthetic
file in the same format and runs a tiny grid.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common
from .higgs_report import write_report
from .store import ResultStore
from .sweep.backends import Runner, SweepOutcome, report_only, run_and_report
from .sweep.backends import run_sweep as _run_sweep
from .sweep.config import (
    BACKENDS,
    add_backend_arguments,
    apply_overrides,
    expand_grid,
    stratified_folds,
)
from .sweep.training import OPTIMIZERS, fit_run, predict, seed_run

__all__ = [
    "BACKENDS",
    "OPTIMIZERS",
    "QUICK",
    "SweepData",
    "SweepOutcome",
    "build_model",
    "build_parser",
    "main",
    "run_sweep",
    "stratified_folds",
    "sweep_configs",
    "train_run",
    "write_report",
]

ACTIVATIONS = ("elu",)


@dataclass(frozen=True)
class SweepData:
    """Standardised data shared by every run; ``fold`` gives each training row its CV fold."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    fold: np.ndarray


# --------------------------------------------------------------------------------------------
# one run


def build_model(config: dict[str, Any]) -> Any:
    """The run's ``LDLTMLP`` (``in -> width x (depth - 1) -> 1``, ELU, alpha = gamma = 1, bias
    0) with ``W_ij ~ N(0, (scale / sqrt(n))^2)`` (``scaled_normal_``), from torch's global RNG."""
    from torch import nn

    from lipschitz_layers import LDLTMLP

    if config["activation"] != "elu":
        raise ValueError(f"unknown activation {config['activation']!r}: allowed are 'elu'")
    return LDLTMLP(
        config["in_features"],
        config["width"],
        1,
        config["depth"],
        activation=nn.ELU,
        init="scaled_normal",
        init_kwargs={"scale": config["scale"]},
    )


def train_run(
    config: dict[str, Any], data: SweepData, device_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train one configuration; return its summary and its per-epoch metrics."""
    import torch
    from torch import nn

    from .metrics import auc, hutchinson_trace, layer_statistics, linear_cka, relative_movement

    device = _common.resolve_device(device_name)
    generator = seed_run(config)

    in_fold = data.fold == config["fold"]
    x_train = torch.as_tensor(data.x_train[~in_fold], device=device)
    y_train = torch.as_tensor(data.y_train[~in_fold], device=device)
    x_val = torch.as_tensor(data.x_train[in_fold], device=device)
    y_val = data.y_train[in_fold]
    x_test = torch.as_tensor(data.x_test, device=device)
    probe_rows = torch.randperm(x_train.shape[0], generator=generator)[: config["probe_size"]]
    x_probe, y_probe = x_train[probe_rows.to(device)], y_train[probe_rows.to(device)]

    model = build_model(config).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    initial = [p.detach().clone() for p in params]
    bce = nn.BCEWithLogitsLoss()

    def loss_fn(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return bce(output.squeeze(-1), target)

    def scores(x: torch.Tensor) -> np.ndarray:
        return predict(model, x).squeeze(-1).cpu().numpy()

    layers_first: dict[str, list[float]] = {}
    movements: list[float] = []

    def after_epoch(epoch: int) -> dict[str, Any]:
        nonlocal layers_first
        val_scores = scores(x_val)
        val_loss = float(bce(torch.as_tensor(val_scores), torch.as_tensor(y_val).double()))
        movements.append(relative_movement(params, initial))
        with torch.no_grad():
            cka = linear_cka(x_probe, model(x_probe))
        if epoch == 0:
            layers_first = layer_statistics(model, x_probe, y_probe, loss_fn)
        return {
            "val_loss": val_loss,
            "val_auc": auc(val_scores, y_val),
            "movement": movements[-1],
            "cka_input_output": cka,
        }

    epochs = fit_run(model, loss_fn, x_train, y_train, config, generator, after_epoch)
    hessian, hessian_error = hutchinson_trace(
        lambda: bce(model(x_probe).squeeze(-1), y_probe),
        params,
        config["hutchinson_samples"],
        generator=generator,
    )
    summary = {
        "test_auc": auc(scores(x_test), data.y_test),
        "val_auc": epochs[-1]["val_auc"],
        "hessian_trace": hessian,
        "hessian_trace_stderr": hessian_error,
        "movement": epochs[-1]["movement"],
        "max_movement": max(movements),
        "cka_input_output": epochs[-1]["cka_input_output"],
        "layers_first_epoch": layers_first,
        "layers_last_epoch": layer_statistics(model, x_probe, y_probe, loss_fn),
    }
    return summary, epochs


def sweep_configs(args: argparse.Namespace, data_id: dict[str, Any]) -> list[dict[str, Any]]:
    """Every configuration of the grid, in a fixed order (optimizer, scale, depth, fold)."""
    folds = args.fold if args.fold else range(args.folds)
    fixed = {
        "data": data_id,
        "folds": args.folds,
        "width": args.width,
        "in_features": data_id["features"],
        "activation": args.activation,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "lr_min": args.lr_min,
        "probe_size": args.probe_size,
        "hutchinson_samples": args.hutchinson_samples,
        "seed": args.seed,
    }
    axes = {
        "optimizer": list(args.optimizers),
        "scale": [float(s) for s in args.scales],
        "depth": [int(d) for d in args.depths],
        "fold": [int(f) for f in folds],
    }
    return expand_grid(axes, fixed)


def _describe(config: dict[str, Any]) -> str:
    return (
        f"{config['optimizer']} scale={config['scale']:g} depth={config['depth']} "
        f"fold={config['fold']}"
    )


def _headline(summary: dict[str, Any]) -> str:
    return f"test AUC {summary.get('test_auc', float('nan')):.4f}"


_PROGRESS = {"name": "higgs_sweep", "describe": _describe, "headline": _headline}


def run_sweep(
    configs: Sequence[dict[str, Any]],
    store: ResultStore,
    data: SweepData,
    *,
    runner: Runner = train_run,
    **kwargs: Any,
) -> SweepOutcome:
    """``sweep.backends.run_sweep`` with the HIGGS runner and progress lines (same options)."""
    return _run_sweep(configs, store, data, runner=runner, **_PROGRESS, **kwargs)


# --------------------------------------------------------------------------------------------
# command line


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("higgs_sweep", __doc__.splitlines()[0])
    add = parser.add_argument
    add("--data", type=Path, help="HIGGS.csv.gz (required unless --quick or --report)")
    add("--report", action="store_true", help="only draw the figures from the store")
    add("--no-report", action="store_true", help="do not draw the figures after the sweep")
    add("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(OPTIMIZERS))
    add(
        "--scales",
        nargs="+",
        type=float,
        default=[1, 2, 4, 8, 10],
        help="init scales c: W_ij ~ N(0, (c / sqrt(n))^2)",
    )
    add("--depths", nargs="+", type=int, default=[5, 10, 15, 20, 25, 30])
    add("--folds", type=int, default=5, help="number of stratified CV folds")
    add("--fold", type=int, nargs="+", help="run only these folds (default: all)")
    add("--width", type=int, default=512)
    add("--activation", choices=ACTIVATIONS, default="elu")
    add("--epochs", type=int, default=100, help="epochs per run (not stated in the paper)")
    add("--batch-size", type=int, default=64)
    add("--lr", type=float, default=1e-3, help="initial learning rate")
    add("--lr-min", type=float, default=1e-4, help="final learning rate of the cosine schedule")
    add("--n-train", type=int, default=100_000, help="training rows drawn from the file")
    add("--n-test", type=int, default=20_000, help="test rows drawn from the test tail")
    add("--test-tail", type=int, default=500_000, help="the last rows form the test pool")
    add("--n-rows", type=int, help="rows in the file if known (skips a counting pass)")
    add(
        "--probe-size",
        type=int,
        default=1024,
        help="training rows used for CKA, stable ranks, dead units and the Hessian trace",
    )
    add("--hutchinson-samples", type=int, default=16, help="Rademacher vectors per trace")
    add_backend_arguments(parser, "sweep.sqlite")
    return parser


QUICK = {
    "n_rows": 3000,
    "n_train": 1200,
    "n_test": 400,
    "test_tail": 600,
    "width": 16,
    "depths": [2, 4],
    "scales": [1.0, 10.0],
    "folds": 2,
    "epochs": 2,
    "probe_size": 128,
    "hutchinson_samples": 2,
    "batch_size": 64,
}


def main(args: argparse.Namespace) -> int:
    from .higgs import load_higgs, write_synthetic_higgs

    out: Path = args.out
    store_path = args.store or out / "sweep.sqlite"
    if args.report:
        return report_only(store_path, lambda store: write_report(store, out, args.seed))
    if args.quick:
        apply_overrides(args, QUICK)
        args.data = write_synthetic_higgs(
            out / "synthetic_higgs.csv.gz", QUICK["n_rows"], seed=args.seed
        )
    if args.data is None:
        raise ValueError("--data HIGGS.csv.gz is required (or --quick for synthetic data)")
    _common.resolve_device(args.device)
    threads = _common.configure_threads(args)
    progress = _common.Progress("higgs_sweep", 0)
    progress.note(f"loading {args.data}")
    split = load_higgs(args.data, args.n_train, args.n_test, args.test_tail, args.seed, args.n_rows)
    data = SweepData(
        split.x_train,
        split.y_train,
        split.x_test,
        split.y_test,
        stratified_folds(split.y_train, args.folds, args.seed),
    )
    data_id = {
        "file": Path(args.data).name,
        "bytes": Path(args.data).stat().st_size,
        "n_train": args.n_train,
        "n_test": args.n_test,
        "test_tail": args.test_tail,
        "features": int(split.x_train.shape[1]),
        "seed": args.seed,
    }
    configs = sweep_configs(args, data_id)

    def report(store: ResultStore) -> list[Path]:
        if args.no_report or not store.count():
            return []
        return write_report(store, out, args.seed)

    return run_and_report(
        args, configs, store_path, data, train_run, threads, progress, report, **_PROGRESS
    )


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
