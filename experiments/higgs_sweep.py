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
``--gpus-per-task`` GPUs each; needs ``pip install ray``). The real data is ``--data HIGGS.csv.gz``;
``--quick`` writes a tiny synthetic file in the same format and runs a tiny grid.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common
from .store import ResultStore, config_hash

OPTIMIZERS = ("sgd", "adamw")
BACKENDS = ("local", "ray")
ACTIVATIONS = ("elu",)


@dataclass(frozen=True)
class SweepData:
    """Standardised data shared by every run; ``fold`` gives each training row its CV fold."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    fold: np.ndarray


Runner = Callable[[dict[str, Any], SweepData, str], tuple[dict[str, Any], list[dict[str, Any]]]]


def stratified_folds(labels: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number (0..n_folds-1) of each row: each class shuffled, then dealt round-robin.

    Every fold gets ``floor`` or ``ceil`` of ``count / n_folds`` rows of each class.
    """
    if n_folds < 2:
        raise ValueError(f"n_folds must be >= 2, got {n_folds}")
    labels = np.asarray(labels)
    fold = np.empty(labels.size, dtype=np.int64)
    rng = np.random.default_rng(seed)
    offset = 0
    for value in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == value))
        fold[rows] = (np.arange(rows.size) + offset) % n_folds
        offset += rows.size
    return fold


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


def _layer_statistics(model: Any, x: Any, y: Any, loss_fn: Any) -> dict[str, list[float]]:
    """Per-layer stable rank of activations and of weight gradients, dead and saturated shares."""
    import torch
    from torch import nn

    from .metrics import dead_unit_share, saturated_unit_share, stable_rank

    captured: list[tuple[torch.Tensor, torch.Tensor]] = []

    def hook(_module: Any, inputs: tuple[Any, ...], output: Any) -> None:
        captured.append((inputs[0].detach(), output.detach()))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.ELU)]
    try:
        model.zero_grad(set_to_none=True)
        loss = loss_fn(model(x).squeeze(-1), y)
        loss.backward()
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


def train_run(
    config: dict[str, Any], data: SweepData, device_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train one configuration; return its summary and its per-epoch metrics."""
    import torch
    from torch import nn

    from .metrics import auc, gradient_norm, hutchinson_trace, linear_cka, relative_movement

    device = _common.resolve_device(device_name)
    seed = int(config_hash(config)[:8], 16)  # per-run seed, independent of execution order
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)

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
    if config["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(params, lr=config["lr"])
    elif config["optimizer"] == "adamw":
        optimizer = torch.optim.AdamW(params, lr=config["lr"])
    else:
        raise ValueError(f"unknown optimizer {config['optimizer']!r}: allowed are {OPTIMIZERS}")
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=config["epochs"], eta_min=config["lr_min"]
    )
    loss_fn = nn.BCEWithLogitsLoss()

    def scores(x: torch.Tensor) -> np.ndarray:
        with torch.no_grad():
            chunks = [model(chunk).squeeze(-1) for chunk in torch.split(x, 4096)]
        return torch.cat(chunks).double().cpu().numpy()

    epochs: list[dict[str, Any]] = []
    layers_first: dict[str, list[float]] = {}
    max_movement = 0.0
    batch = config["batch_size"]
    for epoch in range(config["epochs"]):
        model.train()
        order = torch.randperm(x_train.shape[0], generator=generator).to(device)
        loss_sum = torch.zeros((), device=device)  # accumulated on the device: no sync per step
        grad_sum = torch.zeros((), device=device)
        steps = 0
        for start in range(0, order.numel(), batch):
            rows = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[rows]).squeeze(-1), y_train[rows])
            loss.backward()
            grad_sum += gradient_norm(params)
            optimizer.step()
            loss_sum += loss.detach()
            steps += 1
        loss_mean, grad_mean = float(loss_sum) / steps, float(grad_sum) / steps
        lr = optimizer.param_groups[0]["lr"]
        schedule.step()
        model.eval()
        val_scores = scores(x_val)
        val_loss = float(loss_fn(torch.as_tensor(val_scores), torch.as_tensor(y_val).double()))
        movement = relative_movement(params, initial)
        max_movement = max(max_movement, movement)
        with torch.no_grad():
            cka = linear_cka(x_probe, model(x_probe))
        if not np.isfinite(loss_mean):
            raise FloatingPointError(f"training loss is {loss_mean} at epoch {epoch}")
        epochs.append(
            {
                "epoch": epoch,
                "lr": lr,
                "train_loss": loss_mean,
                "val_loss": val_loss,
                "val_auc": auc(val_scores, y_val),
                "grad_norm": grad_mean,
                "movement": movement,
                "cka_input_output": cka,
            }
        )
        if epoch == 0:
            layers_first = _layer_statistics(model, x_probe, y_probe, loss_fn)

    model.eval()
    hessian, hessian_error = hutchinson_trace(
        lambda: loss_fn(model(x_probe).squeeze(-1), y_probe),
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
        "max_movement": max_movement,
        "cka_input_output": epochs[-1]["cka_input_output"],
        "layers_first_epoch": layers_first,
        "layers_last_epoch": _layer_statistics(model, x_probe, y_probe, loss_fn),
    }
    return summary, epochs


# --------------------------------------------------------------------------------------------
# the sweep


@dataclass
class SweepOutcome:
    """What a sweep did: hashes run now, skipped (already stored), and failures with messages."""

    ran: list[str]
    skipped: list[str]
    failed: list[tuple[str, str]]


def sweep_configs(args: argparse.Namespace, data_id: dict[str, Any]) -> list[dict[str, Any]]:
    """Every configuration of the grid, in a fixed order (optimizer, scale, depth, fold)."""
    configs = []
    folds = args.fold if args.fold else range(args.folds)
    for optimizer in args.optimizers:
        for scale in args.scales:
            for depth in args.depths:
                for fold in folds:
                    configs.append(
                        {
                            "data": data_id,
                            "folds": args.folds,
                            "fold": int(fold),
                            "optimizer": optimizer,
                            "scale": float(scale),
                            "depth": int(depth),
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
                    )
    return configs


def _describe(config: dict[str, Any]) -> str:
    return (
        f"{config['optimizer']} scale={config['scale']:g} depth={config['depth']} "
        f"fold={config['fold']}"
    )


_WORKER_STATE: dict[str, Any] = {}


def _init_worker(data: SweepData, runner: Runner, device_name: str, threads: int | None) -> None:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    _WORKER_STATE.update(data=data, runner=runner, device=device_name)


def _worker_run(config: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    state = _WORKER_STATE
    return state["runner"](config, state["data"], state["device"])


def _ray_task(
    runner: Runner, config: dict[str, Any], data: SweepData, device_name: str, threads: int | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    return runner(config, data, device_name)


def run_sweep(
    configs: Sequence[dict[str, Any]],
    store: ResultStore,
    data: SweepData,
    *,
    device: str = "cpu",
    backend: str = "local",
    workers: int = 1,
    runner: Runner = train_run,
    gpus_per_task: float = 0.0,
    cpus_per_task: float = 1.0,
    ray_address: str | None = None,
    threads: int | None = None,
) -> SweepOutcome:
    """Run every configuration not yet in ``store``, storing each as soon as it finishes.

    ``threads`` sets torch's CPU threads in worker processes and Ray tasks (Ray tasks default to
    ``max(1, int(cpus_per_task))``). A run that raises is reported (stderr) and left out of the
    store, so the next call retries it; the other runs go on. ``KeyboardInterrupt`` stops the
    sweep; finished runs stay stored.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: allowed are {', '.join(BACKENDS)}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    done = store.finished_hashes()
    outcome = SweepOutcome(ran=[], skipped=[], failed=[])
    todo = []
    for config in configs:
        (outcome.skipped if config_hash(config) in done else todo).append(config)
    outcome.skipped = [config_hash(c) for c in outcome.skipped]
    progress = _common.Progress("higgs_sweep", len(todo))
    if outcome.skipped:
        progress.note(f"{len(outcome.skipped)} runs already in {store.path}, skipped")

    def finish(config: dict[str, Any], result: Any, error: BaseException | None) -> None:
        key = config_hash(config)
        if error is not None:
            message = "".join(traceback.format_exception_only(type(error), error)).strip()
            outcome.failed.append((key, message))
            progress.step(f"FAILED {_describe(config)}: {message}")
            return
        summary, epochs = result
        store.record_run(config, summary, epochs)
        outcome.ran.append(key)
        progress.step(f"{_describe(config)} test AUC {summary.get('test_auc', float('nan')):.4f}")

    if backend == "ray":
        if threads is None:
            threads = max(1, int(cpus_per_task))
        _run_ray(
            todo, data, runner, device, finish, gpus_per_task, cpus_per_task, ray_address, threads
        )
    elif workers == 1:
        for config in todo:
            try:
                result = runner(config, data, device)
            except Exception as exc:
                finish(config, None, exc)
            else:
                finish(config, result, None)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(data, runner, device, threads),
        ) as pool:
            futures = {pool.submit(_worker_run, config): config for config in todo}
            try:
                for future in concurrent.futures.as_completed(futures):
                    error = future.exception()
                    finish(futures[future], None if error else future.result(), error)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    return outcome


def _run_ray(
    todo: Sequence[dict[str, Any]],
    data: SweepData,
    runner: Runner,
    device: str,
    finish: Callable[[dict[str, Any], Any, BaseException | None], None],
    gpus_per_task: float,
    cpus_per_task: float,
    address: str | None,
    threads: int | None,
) -> None:
    """One Ray task per run (``num_gpus=gpus_per_task``); results stored by this process."""
    try:
        import ray
    except ImportError:
        raise ValueError("--backend ray needs Ray: pip install 'ray>=2.9'") from None
    if not todo:
        return
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    data_ref = ray.put(data)
    task = ray.remote(num_gpus=gpus_per_task, num_cpus=cpus_per_task, max_retries=0)(_ray_task)
    pending = {task.remote(runner, config, data_ref, device, threads): config for config in todo}
    try:
        while pending:
            (ready,), _ = ray.wait(list(pending), num_returns=1)
            config = pending.pop(ready)
            try:
                result = ray.get(ready)
            except Exception as exc:  # a RayTaskError wraps the run's exception as `cause`
                cause = getattr(exc, "cause", None)
                finish(config, None, cause if isinstance(cause, BaseException) else exc)
            else:
                finish(config, result, None)
    except BaseException:
        for ref in pending:
            ray.cancel(ref)
        raise


# --------------------------------------------------------------------------------------------
# report


def _bootstrap_band(
    curves: np.ndarray, rng: np.random.Generator, resamples: int = 1000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over runs (rows) and a 95% bootstrap interval of the mean, per column."""
    mean = np.nanmean(curves, axis=0)
    if curves.shape[0] < 2:
        return mean, mean, mean
    picks = rng.integers(0, curves.shape[0], size=(resamples, curves.shape[0]))
    means = np.nanmean(curves[picks], axis=1)
    return mean, np.nanpercentile(means, 2.5, axis=0), np.nanpercentile(means, 97.5, axis=0)


def _curves_figure(
    runs: list[Any],
    metric: str,
    group: str,
    ylabel: str,
    path: Path,
    rng: np.random.Generator,
    log: bool = False,
) -> Path:
    optimizers = sorted({r.config["optimizer"] for r in runs})
    fig, axes = _common.new_figure(1, len(optimizers), sharey=True)
    for ax, optimizer in zip(axes[0], optimizers, strict=True):
        mine = [r for r in runs if r.config["optimizer"] == optimizer]
        for value in sorted({r.config[group] for r in mine}):
            chosen = [r for r in mine if r.config[group] == value]
            length = min(len(r.epochs) for r in chosen)
            curves = np.array([[e[metric] for e in r.epochs[:length]] for r in chosen], float)
            mean, low, high = _bootstrap_band(curves, rng)
            x = np.arange(1, length + 1)
            (line,) = ax.plot(x, mean, label=f"{group}={value:g}")
            ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2)
        ax.set_title(optimizer)
        ax.set_xlabel("epoch")
        if log:
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel(ylabel)
    return _common.save_figure_atomic(fig, path)


def _box_figure(runs: list[Any], metric: str, group: str, path: Path) -> Path:
    optimizers = sorted({r.config["optimizer"] for r in runs})
    fig, axes = _common.new_figure(1, len(optimizers), sharey=True)
    for ax, optimizer in zip(axes[0], optimizers, strict=True):
        mine = [r for r in runs if r.config["optimizer"] == optimizer]
        values = sorted({r.config[group] for r in mine})
        ax.boxplot([[r.summary[metric] for r in mine if r.config[group] == v] for v in values])
        ax.set_xticks(range(1, len(values) + 1), [f"{v:g}" for v in values])
        ax.set_title(optimizer)
        ax.set_xlabel(group)
    axes[0][0].set_ylabel(metric.replace("_", " "))
    return _common.save_figure_atomic(fig, path)


def _scatter_figure(runs: list[Any], color_key: str, path: Path) -> Path:
    fig, axes = _common.new_figure(1, 1)
    ax = axes[0][0]
    markers = {"sgd": "o", "adamw": "^"}
    colors = [
        r.summary["test_auc"] if color_key == "test_auc" else r.config[color_key] for r in runs
    ]
    low, high = min(colors), max(colors)
    artist = None
    for optimizer, marker in markers.items():
        mine = [i for i, r in enumerate(runs) if r.config["optimizer"] == optimizer]
        if not mine:
            continue
        artist = ax.scatter(
            [runs[i].summary["max_movement"] for i in mine],
            [runs[i].summary["hessian_trace"] for i in mine],
            c=[colors[i] for i in mine],
            marker=marker,
            vmin=low,
            vmax=high,
            label=optimizer,
            cmap="viridis",
        )
    if artist is not None:
        fig.colorbar(artist, ax=ax, label=color_key.replace("_", " "))
    ax.set_xscale("log")
    ax.set_yscale("symlog")
    ax.set_xlabel("max relative parameter movement")
    ax.set_ylabel("Hessian trace (Hutchinson)")
    ax.legend()
    return _common.save_figure_atomic(fig, path)


def _summary_by_group_figure(
    runs: list[Any], metric: str, path: Path, rng: np.random.Generator
) -> Path:
    fig, axes = _common.new_figure(1, 2)
    for ax, group in zip(axes[0], ("scale", "depth"), strict=True):
        for optimizer in sorted({r.config["optimizer"] for r in runs}):
            mine = [r for r in runs if r.config["optimizer"] == optimizer]
            values = sorted({r.config[group] for r in mine})
            stats = [
                _bootstrap_band(
                    np.array([[r.summary[metric]] for r in mine if r.config[group] == v], float),
                    rng,
                )
                for v in values
            ]
            mean = [s[0][0] for s in stats]
            (line,) = ax.plot(values, mean, marker="o", label=optimizer)
            ax.fill_between(
                values,
                [s[1][0] for s in stats],
                [s[2][0] for s in stats],
                color=line.get_color(),
                alpha=0.2,
            )
        ax.set_xlabel(group)
        ax.set_ylabel(metric.replace("_", " "))
        ax.set_yscale("symlog")
        ax.legend()
    return _common.save_figure_atomic(fig, path)


def _grid_figure(runs: list[Any], path: Path) -> Path:
    optimizers = sorted({r.config["optimizer"] for r in runs})
    fig, axes = _common.new_figure(1, len(optimizers))
    for ax, optimizer in zip(axes[0], optimizers, strict=True):
        mine = [r for r in runs if r.config["optimizer"] == optimizer]
        scales = sorted({r.config["scale"] for r in mine})
        depths = sorted({r.config["depth"] for r in mine})
        grid = np.full((len(depths), len(scales)), np.nan)
        for i, depth in enumerate(depths):
            for j, scale in enumerate(scales):
                values = [
                    r.summary["test_auc"]
                    for r in mine
                    if r.config["depth"] == depth and r.config["scale"] == scale
                ]
                if values:
                    grid[i, j] = np.mean(values)
        image = ax.imshow(
            grid,
            origin="lower",
            aspect="auto",
            cmap="viridis",
            vmin=0.5,
            vmax=max(0.5 + 1e-9, float(np.nanmax(grid))),
        )
        for i in range(len(depths)):
            for j in range(len(scales)):
                ax.text(
                    j, i, f"{grid[i, j]:.3f}", ha="center", va="center", fontsize=7, color="white"
                )
        ax.set_xticks(range(len(scales)), [f"{s:g}" for s in scales])
        ax.set_yticks(range(len(depths)), [str(d) for d in depths])
        ax.set_xlabel("init scale")
        ax.set_ylabel("depth")
        ax.set_title(f"{optimizer}: mean test AUC")
        fig.colorbar(image, ax=ax)
    return _common.save_figure_atomic(fig, path)


def _layers_figure(runs: list[Any], key: str, ylabel: str, path: Path) -> Path:
    optimizers = sorted({r.config["optimizer"] for r in runs})
    fig, axes = _common.new_figure(1, len(optimizers), sharey=True)
    for ax, optimizer in zip(axes[0], optimizers, strict=True):
        mine = [r for r in runs if r.config["optimizer"] == optimizer]
        deepest = max(r.config["depth"] for r in mine)
        mine = [r for r in mine if r.config["depth"] == deepest]
        for scale in sorted({r.config["scale"] for r in mine}):
            color = None
            for when, style in (("layers_first_epoch", "--"), ("layers_last_epoch", "-")):
                curves = [r.summary[when][key] for r in mine if r.config["scale"] == scale]
                length = min(len(c) for c in curves)
                if length == 0:
                    continue
                mean = np.nanmean(np.array([c[:length] for c in curves], float), axis=0)
                label = f"scale={scale:g} {'first' if 'first' in when else 'last'} epoch"
                (line,) = ax.plot(np.arange(1, length + 1), mean, style, label=label, color=color)
                color = line.get_color()
        ax.set_title(f"{optimizer}, depth {deepest}")
        ax.set_xlabel("layer")
        ax.legend(fontsize=6)
    axes[0][0].set_ylabel(ylabel)
    return _common.save_figure_atomic(fig, path)


def write_report(store: ResultStore, out: Path, seed: int = 0) -> list[Path]:
    """Draw figures 6-17 and write ``runs.csv`` / ``epochs.csv`` from the store; return paths."""
    runs = [r for r in store.runs()]
    if not runs:
        raise ValueError(f"no finished runs in {store.path}: nothing to report")
    rng = np.random.default_rng(seed)
    scalar_keys = [k for k, v in runs[0].summary.items() if not isinstance(v, dict)]
    config_keys = ["optimizer", "scale", "depth", "fold", "width", "epochs"]
    rows = [
        {
            "config_hash": r.config_hash,
            **{k: r.config[k] for k in config_keys},
            **{k: r.summary[k] for k in scalar_keys},
        }
        for r in runs
    ]
    paths = [_common.write_csv_atomic(out / "runs.csv", rows)]
    epoch_rows = [
        {"config_hash": r.config_hash, **{k: r.config[k] for k in config_keys}, **e}
        for r in runs
        for e in r.epochs
    ]
    paths.append(_common.write_csv_atomic(out / "epochs.csv", epoch_rows))
    figures = [
        lambda: _curves_figure(
            runs, "val_auc", "depth", "validation AUC", out / "fig06a_val_auc_by_depth.png", rng
        ),
        lambda: _curves_figure(
            runs, "val_auc", "scale", "validation AUC", out / "fig06b_val_auc_by_scale.png", rng
        ),
        lambda: _box_figure(runs, "test_auc", "depth", out / "fig07_test_auc_by_depth.png"),
        lambda: _box_figure(runs, "test_auc", "scale", out / "fig08_test_auc_by_scale.png"),
        lambda: _scatter_figure(runs, "test_auc", out / "fig09_hessian_vs_movement_auc.png"),
        lambda: _summary_by_group_figure(
            runs, "hessian_trace", out / "fig10_hessian_by_scale_depth.png", rng
        ),
        lambda: _scatter_figure(runs, "scale", out / "fig11_hessian_vs_movement_scale.png"),
        lambda: _curves_figure(
            runs,
            "grad_norm",
            "depth",
            "mean gradient norm",
            out / "fig12a_grad_norm_by_depth.png",
            rng,
            log=True,
        ),
        lambda: _curves_figure(
            runs,
            "grad_norm",
            "scale",
            "mean gradient norm",
            out / "fig12b_grad_norm_by_scale.png",
            rng,
            log=True,
        ),
        lambda: _grid_figure(runs, out / "fig13_test_auc_grid.png"),
        lambda: _curves_figure(
            runs,
            "cka_input_output",
            "scale",
            "input-output linear CKA",
            out / "fig14a_cka_by_scale.png",
            rng,
        ),
        lambda: _curves_figure(
            runs,
            "cka_input_output",
            "depth",
            "input-output linear CKA",
            out / "fig14b_cka_by_depth.png",
            rng,
        ),
        lambda: _layers_figure(
            runs,
            "activation_stable_rank",
            "activation stable rank",
            out / "fig15_activation_stable_rank.png",
        ),
        lambda: _layers_figure(
            runs,
            "dead_share",
            "dead units, |x| < 1e-6 on all samples",
            out / "fig16a_dead_units.png",
        ),
        lambda: _layers_figure(
            runs,
            "saturated_share",
            "saturated ELU units (share)",
            out / "fig16b_saturated_units.png",
        ),
        lambda: _layers_figure(
            runs,
            "gradient_stable_rank",
            "gradient stable rank",
            out / "fig17_gradient_stable_rank.png",
        ),
    ]
    paths.extend(draw() for draw in figures)
    return paths


# --------------------------------------------------------------------------------------------
# command line


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("higgs_sweep", __doc__.splitlines()[0])
    add = parser.add_argument
    add("--data", type=Path, help="HIGGS.csv.gz (required unless --quick or --report)")
    add("--store", type=Path, help="SQLite result store (default OUT/sweep.sqlite)")
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
    add("--backend", choices=BACKENDS, default="local")
    add("--workers", type=int, default=1, help="local worker processes")
    add("--gpus-per-task", type=float, default=0.0, help="Ray: GPUs requested per run")
    add("--cpus-per-task", type=float, default=1.0, help="Ray: CPUs requested per run")
    add("--ray-address", help="Ray cluster address (default: start a local one)")
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
        with ResultStore(store_path) as store:
            for path in write_report(store, out, args.seed):
                print(path)
        return 0
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
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
    with ResultStore(store_path) as store:
        outcome = run_sweep(
            configs,
            store,
            data,
            device=args.device,
            backend=args.backend,
            workers=args.workers,
            gpus_per_task=args.gpus_per_task,
            cpus_per_task=args.cpus_per_task,
            ray_address=args.ray_address,
            threads=threads,
        )
        progress.note(
            f"ran {len(outcome.ran)}, skipped {len(outcome.skipped)}, "
            f"failed {len(outcome.failed)}; store {store_path}"
        )
        if not args.no_report and store.count():
            for path in write_report(store, out, args.seed):
                print(path)
    for key, message in outcome.failed:
        print(f"failed run {key[:12]}: {message}", file=sys.stderr)
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
