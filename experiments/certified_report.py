"""The report of the certified-robustness experiment: result and summary rows, CSVs, the
Markdown table and the figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import _common
from .certified_models import (
    radius_key,
)
from .store import RunRecord
from .sweep.report import bootstrap_band, plot_band, scalar_bands

RESULT_KEYS = (
    "clean_accuracy",
    "train_accuracy",
    "final_train_loss",
    "lipschitz_bound",
    "lipschitz_layerwise",
    "seconds_per_epoch",
    "init_output_variance_measured",
    "init_output_variance_predicted",
)


def result_rows(runs: list[RunRecord]) -> list[dict[str, Any]]:
    """One row per run, sorted by dataset, model, depth, seed."""
    rows = []
    for run in runs:
        c, s = run.config, run.summary
        radii = [radius_key(float(r)) for r in c["radii"]]
        rows.append(
            {
                "dataset": c["data"]["name"],
                "model": c["model"],
                "depth": c["depth"],
                "seed": c["seed"],
                "width": c["width"],
                "epochs": c["epochs"],
                "clean_accuracy": s["clean_accuracy"],
                **{key: s[key] for key in radii},
                **{key: s[key] for key in RESULT_KEYS[1:]},
                "fastest_epoch_seconds": min(e["seconds"] for e in run.epochs),
                "config_hash": run.config_hash,
            }
        )
    rows.sort(key=lambda r: (r["dataset"], r["model"], r["depth"], r["seed"]))
    return rows


def summary_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean and standard deviation over seeds of every numeric column, per dataset x model x
    depth."""
    groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["dataset"], row["model"], row["depth"]), []).append(row)
    keys = [k for k in rows[0] if k.startswith(("clean", "certified")) or k in RESULT_KEYS]
    keys.append("fastest_epoch_seconds")
    out = []
    for (dataset, model, depth), group in groups.items():
        entry: dict[str, Any] = {"dataset": dataset, "model": model, "depth": depth}
        entry["seeds"] = len(group)
        for key in keys:
            values = np.array([float(r.get(key, "nan")) for r in group])
            entry[f"{key}_mean"] = float(np.mean(values))
            entry[f"{key}_std"] = float(np.std(values, ddof=1)) if values.size > 1 else 0.0
        out.append(entry)
    return out


def _radius_figure(rows: list[dict[str, Any]], dataset: str, path: Path) -> Path:
    mine = [r for r in rows if r["dataset"] == dataset]
    depths = sorted({r["depth"] for r in mine})
    radius_cols = [k for k in mine[0] if k.startswith("certified_accuracy_")]
    radii = [0.0] + [float(k.removeprefix("certified_accuracy_")) for k in radius_cols]
    fig, axes = _common.new_figure(1, len(depths), sharey=True)
    rng = np.random.default_rng(0)
    for ax, depth in zip(axes[0], depths, strict=True):
        for model in sorted({r["model"] for r in mine}):
            chosen = [r for r in mine if r["depth"] == depth and r["model"] == model]
            curves = np.array(
                [[r["clean_accuracy"]] + [r[k] for k in radius_cols] for r in chosen], float
            )
            style = "--" if model == "mlp_unconstrained" else "-"
            band = bootstrap_band(curves, rng)
            plot_band(ax, radii, band, style, alpha=0.15, marker="o", ms=3, label=model)
        ax.set_title(f"{dataset}, depth {depth}")
        ax.set_xlabel("l2 radius (standardised features)")
    axes[0][0].set_ylabel("certified test accuracy")
    axes[0][-1].legend(fontsize=6)
    return _common.save_figure_atomic(fig, path)


def _depth_figure(rows: list[dict[str, Any]], dataset: str, path: Path) -> Path:
    mine = [r for r in rows if r["dataset"] == dataset]
    radius_cols = [k for k in mine[0] if k.startswith("certified_accuracy_")]
    middle = radius_cols[len(radius_cols) // 2]
    fig, axes = _common.new_figure(1, 2)
    rng = np.random.default_rng(0)
    for ax, key in zip(axes[0], ("clean_accuracy", middle), strict=True):
        for model in sorted({r["model"] for r in mine}):
            depths = sorted({r["depth"] for r in mine if r["model"] == model})
            groups = [
                [r[key] for r in mine if r["model"] == model and r["depth"] == d] for d in depths
            ]
            style = "--" if model == "mlp_unconstrained" else "-"
            band = scalar_bands(groups, rng)
            plot_band(ax, depths, band, style, alpha=0.15, marker="o", label=model)
        ax.set_xlabel("depth")
        depths_all = sorted({r["depth"] for r in mine})
        ax.set_xscale("log", base=2)
        ax.set_xticks(depths_all, [str(d) for d in depths_all])
        ax.minorticks_off()
        radius = key.removeprefix("certified_accuracy_")
        ax.set_title(
            f"{dataset}: clean accuracy"
            if key == "clean_accuracy"
            else f"{dataset}: certified accuracy, r = {radius}"
        )
    axes[0][0].set_ylabel("test accuracy")
    axes[0][-1].legend(fontsize=6)
    return _common.save_figure_atomic(fig, path)


def _variance_figure(rows: list[dict[str, Any]], path: Path) -> Path:
    fig, axes = _common.new_figure(1, 1)
    ax = axes[0][0]
    chosen = [r for r in rows if np.isfinite(float(r["init_output_variance_predicted"]))]
    for model in sorted({r["model"] for r in chosen}):
        mine = [r for r in chosen if r["model"] == model]
        ax.scatter(
            [r["init_output_variance_predicted"] for r in mine],
            [r["init_output_variance_measured"] for r in mine],
            s=12,
            label=model,
        )
    values = [
        float(r[k])
        for r in chosen
        for k in ("init_output_variance_predicted", "init_output_variance_measured")
    ]
    low, high = min(values) / 1.5, max(values) * 1.5
    ax.plot([low, high], [low, high], ":", color="k", lw=0.8, label="measured = predicted")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("predicted initial output variance")
    ax.set_ylabel("measured (training rows)")
    ax.legend(fontsize=6)
    return _common.save_figure_atomic(fig, path)


def markdown_table(summary: list[dict[str, Any]], radii: list[str]) -> str:
    """A Markdown table of ``summary_rows``: mean (+- std over seeds) per dataset x model x
    depth, certified accuracy at the chosen radii columns, seconds per epoch (mean, and in
    brackets the fastest epoch: less sensitive to a shared machine), initial output variance
    measured / predicted."""

    def cell(entry: dict[str, Any], key: str, digits: int = 3) -> str:
        mean, std = entry[f"{key}_mean"], entry[f"{key}_std"]
        return f"{mean:.{digits}f}" + (f" ± {std:.{digits}f}" if entry["seeds"] > 1 else "")

    head = ["dataset", "model", "depth", "clean"] + [f"cert. r={r}" for r in radii]
    head += ["s/epoch (fastest)", "init var measured / predicted"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for e in summary:
        cells = [e["dataset"], e["model"], str(e["depth"]), cell(e, "clean_accuracy")]
        cells += [cell(e, f"certified_accuracy_{r}") for r in radii]
        cells.append(f"{e['seconds_per_epoch_mean']:.2f} ({e['fastest_epoch_seconds_mean']:.2f})")
        cells.append(
            f"{e['init_output_variance_measured_mean']:.3g} / "
            f"{e['init_output_variance_predicted_mean']:.3g}"
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(runs: list[RunRecord], out: Path) -> list[Path]:
    """``results.csv``, ``summary.csv`` and the figures of ``runs``; return the paths."""
    if not runs:
        raise ValueError("no finished runs: nothing to report")
    rows = result_rows(runs)
    summary = summary_rows(rows)
    radii = [k.removeprefix("certified_accuracy_") for k in rows[0] if k.startswith("certified_")]
    paths = [
        _common.write_csv_atomic(out / "results.csv", rows),
        _common.write_csv_atomic(out / "summary.csv", summary),
        _common.write_text_atomic(out / "table.md", markdown_table(summary, radii)),
    ]
    for dataset in sorted({r["dataset"] for r in rows}):
        paths.append(_radius_figure(rows, dataset, out / f"certified_vs_radius_{dataset}.png"))
        paths.append(_depth_figure(rows, dataset, out / f"accuracy_vs_depth_{dataset}.png"))
    paths.append(_variance_figure(rows, out / "init_variance.png"))
    return paths
