"""Report of the HIGGS sweep: the paper's figures 6-17 and ``runs.csv`` / ``epochs.csv``.

Drawn from the result store alone (``python -m experiments.higgs_sweep --report``): validation
AUC, gradient norm and CKA curves per epoch with 95% bootstrap bands of the mean over runs, test
AUC box plots, Hessian trace against parameter movement, the depth x scale AUC grid, and per-layer
stable ranks and dead/saturated ELU units of the deepest networks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import _common
from .store import ResultStore
from .sweep.report import (
    bootstrap_band,
    epoch_rows,
    finished_runs,
    plot_band,
    run_rows,
    scalar_bands,
)

CONFIG_KEYS = ("optimizer", "scale", "depth", "fold", "width", "epochs")


def _optimizer_panels(
    runs: list[Any], sharey: bool = True
) -> tuple[Any, Any, list[tuple[Any, str, list[Any]]]]:
    """A figure with one panel per optimizer: ``(fig, axes, [(axis, optimizer, its runs)])``."""
    optimizers = sorted({r.config["optimizer"] for r in runs})
    fig, axes = _common.new_figure(1, len(optimizers), sharey=sharey)
    panels = [
        (ax, optimizer, [r for r in runs if r.config["optimizer"] == optimizer])
        for ax, optimizer in zip(axes[0], optimizers, strict=True)
    ]
    return fig, axes, panels


def _curves_figure(
    runs: list[Any],
    metric: str,
    group: str,
    ylabel: str,
    path: Path,
    rng: np.random.Generator,
    log: bool = False,
) -> Path:
    fig, axes, panels = _optimizer_panels(runs)
    for ax, optimizer, mine in panels:
        for value in sorted({r.config[group] for r in mine}):
            chosen = [r for r in mine if r.config[group] == value]
            length = min(len(r.epochs) for r in chosen)
            curves = np.array([[e[metric] for e in r.epochs[:length]] for r in chosen], float)
            x = np.arange(1, length + 1)
            plot_band(ax, x, bootstrap_band(curves, rng), label=f"{group}={value:g}")
        ax.set_title(optimizer)
        ax.set_xlabel("epoch")
        if log:
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel(ylabel)
    return _common.save_figure_atomic(fig, path)


def _box_figure(runs: list[Any], metric: str, group: str, path: Path) -> Path:
    fig, axes, panels = _optimizer_panels(runs)
    for ax, optimizer, mine in panels:
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
            groups = [[r.summary[metric] for r in mine if r.config[group] == v] for v in values]
            plot_band(ax, values, scalar_bands(groups, rng), marker="o", label=optimizer)
        ax.set_xlabel(group)
        ax.set_ylabel(metric.replace("_", " "))
        ax.set_yscale("symlog")
        ax.legend()
    return _common.save_figure_atomic(fig, path)


def _grid_figure(runs: list[Any], path: Path) -> Path:
    fig, _, panels = _optimizer_panels(runs, sharey=False)
    for ax, optimizer, mine in panels:
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
    fig, axes, panels = _optimizer_panels(runs)
    for ax, optimizer, mine in panels:
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
    runs = finished_runs(store)
    rng = np.random.default_rng(seed)
    paths = [
        _common.write_csv_atomic(out / "runs.csv", run_rows(runs, CONFIG_KEYS)),
        _common.write_csv_atomic(out / "epochs.csv", epoch_rows(runs, CONFIG_KEYS)),
    ]
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
