"""Certified l2 robustness of LDLT networks on real data, under each initializer, against torchlip.

Data: scikit-learn's bundled ``load_digits`` (1797 8x8 images, 64 features, 10 classes) and
``load_breast_cancer`` (569 x 30, 2 classes), and HIGGS (``--data HIGGS.csv.gz``, 28 features, 2
classes) when its file is given. Each is split once (stratified, 20% test, ``--seed``) and
standardised with the training rows' mean and standard deviation.

Models, all ``in -> width x (depth - 1) -> classes`` and trained alike (cross-entropy, AdamW, batch
64, cosine learning rate ``lr -> lr_min``):

- ``ldlt_variance_<t>``: ``LDLTMLP`` (ELU, alpha = gamma = 1), ``variance_prescribed`` for a
  per-layer output variance ``t`` (first layer capped at 0.95 of its reachable
  ``min(m, n) / m``, recorded as ``targets``);
- ``ldlt_scaled_c<c>``: the paper's family ``W_ij ~ N(0, (c / sqrt(n))^2)`` (``c = 1`` is its He
  baseline, ``c = 10`` its prescription); ``ldlt_he``: ``sigma^2 = 2 / n``;
- ``ldlt_lyapunov``: ``lyapunov_normal_`` (critical scale of leaky ReLU, slope 0.01; ELU is used
  as the activation, so this is the leaky-ReLU criterion applied to ELU);
- ``torchlip_spectral_groupsort``: deel-torchlip ``SpectralLinear`` layers (spectral
  normalisation + Bjorck orthonormalisation) with ``GroupSort2``, the usual 1-Lipschitz baseline;
- ``mlp_unconstrained``: ``nn.Linear`` + ELU with torch's default initialization (accuracy
  reference; its certificate is the product of its layers' spectral norms).

Measured per run: clean test accuracy, certified accuracy at each l2 radius (``certify``:
correct and ``(f_top1 - f_top2) / (sqrt 2 L) >= eps``), ``L`` the certified Lipschitz bound
(``LDLTMLP.lipschitz_constant()`` = 1 for the LDLT nets; the product of the exact spectral norms of
the applied weights for torchlip, whose normalisation is iterative, and for the plain MLP), training
seconds per epoch, and the initial output variance ``mean_i E_x f_i(x)^2`` on the training rows
(biases are 0 at initialization) against its prediction: ``s_1 = q_1 s_0``, ``s_{l+1} = q_{l+1}
E[ELU(Z)^2]``, ``Z ~ N(0, s_l)``, ``q_l`` the exact one-layer output variance (variance engine) and
``s_0 = 1`` (standardised features); for torchlip ``s_{l+1} = s_l min(m, n) / m`` (orthogonal
initial weights, GroupSort preserves norms).

Outputs in ``--out``: ``results.csv`` (one row per dataset x model x depth x seed),
``summary.csv`` (means and standard deviations over seeds) and ``table.md`` (the same as a
Markdown table), ``config.json``, and figures
``certified_vs_radius_<dataset>.png`` and ``accuracy_vs_depth_<dataset>.png`` and
``init_variance.png``. Runs are stored one by one in ``results.sqlite`` (``experiments/store``),
so an interrupted run resumes; ``--backend ray`` runs them on Ray like the HIGGS sweep.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common
from .store import ResultStore, RunRecord, config_hash
from .sweep.backends import report_only, run_and_report
from .sweep.config import (
    add_backend_arguments,
    apply_overrides,
    expand_grid,
    stratified_folds,
)
from .sweep.report import bootstrap_band, finished_runs, plot_band, scalar_bands
from .sweep.training import fit_run, predict, seed_run

DATASETS = ("digits", "breast_cancer", "higgs")
DEFAULT_DATASETS = ("digits", "breast_cancer")
LYAPUNOV_SLOPE = 0.01
FIRST_LAYER_CAP = 0.95
TEST_FOLDS = 5  # one stratified fold of five is the test split (20%)


@dataclass(frozen=True)
class Dataset:
    """A standardised, split data set: float32 features, int64 labels ``0..classes-1``."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    source: dict[str, Any]

    def identity(self) -> dict[str, Any]:
        """What identifies the data in a run's configuration (and so in its hash)."""
        return {
            "name": self.name,
            "n_train": int(self.y_train.size),
            "n_test": int(self.y_test.size),
            "features": int(self.x_train.shape[1]),
            "classes": self.classes,
            **self.source,
        }


def _standardise(
    name: str, x: np.ndarray, y: np.ndarray, seed: int, source: dict[str, Any]
) -> Dataset:
    """Stratified 80/20 split (``stratified_folds``, fold 0 is the test set), then
    ``x <- (x - mean_train) / std_train`` (std 1 where a feature is constant on the train rows)."""
    fold = stratified_folds(y, TEST_FOLDS, seed)
    test = fold == 0
    mean = x[~test].mean(axis=0)
    std = x[~test].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    x = ((x - mean) / std).astype(np.float32)
    labels = np.unique(y, return_inverse=True)[1].astype(np.int64)
    classes = int(labels.max()) + 1
    return Dataset(name, x[~test], labels[~test], x[test], labels[test], classes, source)


def load_dataset(
    name: str,
    seed: int = 0,
    data: Path | None = None,
    higgs_train: int = 100_000,
    higgs_test: int = 20_000,
    higgs_test_tail: int = 500_000,
) -> Dataset:
    """``digits`` / ``breast_cancer`` from scikit-learn (bundled, no download) or ``higgs`` from
    ``data`` (rows subsampled by ``experiments.higgs.load_higgs``; its test tail is the test set).
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: allowed are {', '.join(DATASETS)}")
    if name == "higgs":
        from .higgs import load_higgs

        if data is None:
            raise ValueError("dataset 'higgs' needs --data HIGGS.csv.gz")
        split = load_higgs(data, higgs_train, higgs_test, higgs_test_tail, seed=seed)
        source = {
            "file": Path(data).name,
            "bytes": Path(data).stat().st_size,
            "test_tail": higgs_test_tail,
            "seed": seed,
        }
        return Dataset(
            "higgs",
            split.x_train,
            split.y_train.astype(np.int64),
            split.x_test,
            split.y_test.astype(np.int64),
            2,
            source,
        )
    try:
        from sklearn import datasets
    except ImportError:
        raise ValueError(
            f"dataset {name!r} needs scikit-learn: pip install '.[experiments]'"
        ) from None
    bunch = datasets.load_digits() if name == "digits" else datasets.load_breast_cancer()
    x = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target)
    return _standardise(name, x, y, seed, {"source": f"sklearn.datasets.load_{name}", "seed": seed})


# --------------------------------------------------------------------------------------------
# models


def model_names(targets: list[float], scales: list[float], torchlip: bool = True) -> list[str]:
    """The model names of a run: variance targets, paper scales, He, Lyapunov, baselines."""
    names = [f"ldlt_variance_{t:g}" for t in targets]
    names += [f"ldlt_scaled_c{c:g}" for c in scales]
    names += ["ldlt_he", "ldlt_lyapunov"]
    if torchlip:
        names.append("torchlip_spectral_groupsort")
    names.append("mlp_unconstrained")
    return names


def _widths(config: dict[str, Any]) -> list[int]:
    data = config["data"]
    return [data["features"]] + [config["width"]] * (config["depth"] - 1) + [data["classes"]]


def _layer_shapes(config: dict[str, Any]) -> list[tuple[int, int]]:
    """``(m, n) = (out, in)`` of each layer."""
    widths = _widths(config)
    return [(widths[i + 1], widths[i]) for i in range(len(widths) - 1)]


def variance_targets(config: dict[str, Any], target: float) -> list[float]:
    """Per-layer targets: ``target``, capped at ``0.95 min(m, n) / m`` (the reachable bound)."""
    return [min(target, FIRST_LAYER_CAP * min(m, n) / m) for m, n in _layer_shapes(config)]


def _ldlt_init(config: dict[str, Any]) -> tuple[Any, dict[str, Any], list[float | None]]:
    """``(init, init_kwargs, sigma^2 per layer)`` of an ``ldlt_*`` model (``None`` where the
    layer's variance is prescribed instead)."""
    from lipschitz_layers import critical_scale
    from lipschitz_layers.init import lyapunov_normal_

    name = config["model"]
    shapes = _layer_shapes(config)
    if name.startswith("ldlt_variance_"):
        targets = variance_targets(config, float(name.removeprefix("ldlt_variance_")))
        return "variance_prescribed", {"target_variance": targets}, [None] * len(shapes)
    if name.startswith("ldlt_scaled_c"):
        c = float(name.removeprefix("ldlt_scaled_c"))
        return "scaled_normal", {"scale": c}, [c * c / n for _, n in shapes]
    if name == "ldlt_he":
        return "he_normal", {}, [2.0 / n for _, n in shapes]
    if name == "ldlt_lyapunov":
        sigma2 = [critical_scale(m, LYAPUNOV_SLOPE) ** 2 for m, _ in shapes]
        return lyapunov_normal_, {"negative_slope": LYAPUNOV_SLOPE}, sigma2
    raise ValueError(f"unknown model {name!r}")


def build_model(config: dict[str, Any]) -> Any:
    """The run's network, initialized from torch's global RNG."""
    from torch import nn

    name = config["model"]
    widths = _widths(config)
    if config["activation"] != "elu":
        raise ValueError(f"unknown activation {config['activation']!r}: allowed are 'elu'")
    if name.startswith("ldlt_"):
        from lipschitz_layers import LDLTMLP

        init, kwargs, _ = _ldlt_init(config)
        return LDLTMLP(
            widths[0],
            config["width"],
            widths[-1],
            config["depth"],
            activation=nn.ELU,
            init=init,
            init_kwargs=kwargs,
        )
    if name == "torchlip_spectral_groupsort":
        try:
            from deel import torchlip
        except ImportError:
            raise ValueError(
                "model 'torchlip_spectral_groupsort' needs deel-torchlip: "
                "pip install --no-deps deel-torchlip (see scripts/setup)"
            ) from None
        if config["width"] % 2:
            raise ValueError(f"GroupSort2 needs an even width, got {config['width']}")
        layers: list[nn.Module] = []
        for index in range(len(widths) - 1):
            if index:
                layers.append(torchlip.GroupSort2())
            layers.append(torchlip.SpectralLinear(widths[index], widths[index + 1]))
        return nn.Sequential(*layers)
    if name == "mlp_unconstrained":
        layers = []
        for index in range(len(widths) - 1):
            if index:
                layers.append(nn.ELU())
            layers.append(nn.Linear(widths[index], widths[index + 1]))
        return nn.Sequential(*layers)
    raise ValueError(f"unknown model {name!r}")


def _applied_weights(model: Any) -> list[Any]:
    """The matrices the layers apply (normalised for LDLT and torchlip), in eval mode."""
    from torch import nn

    from lipschitz_layers import LDLTLinear

    weights = []
    for module in model.modules():
        if isinstance(module, LDLTLinear):
            weights.append(module.normalized_weight())
        elif isinstance(module, nn.Linear):
            weights.append(module.weight)
    return weights


def layerwise_lipschitz(model: Any) -> float:
    """``prod_l ||W_l||_2`` over the applied weights (activations here are 1-Lipschitz)."""
    import torch

    with torch.no_grad():
        norms = [
            float(torch.linalg.matrix_norm(w.double(), ord=2)) for w in _applied_weights(model)
        ]
    return float(np.prod(norms))


def certified_lipschitz(config: dict[str, Any], model: Any) -> float:
    """The bound the certificate uses: ``LDLTMLP.lipschitz_constant()`` for LDLT nets, the
    product of exact spectral norms otherwise."""
    if config["model"].startswith("ldlt_"):
        return float(model.lipschitz_constant())
    return layerwise_lipschitz(model)


def predicted_output_variance(config: dict[str, Any], input_second_moment: float) -> float:
    """Predicted ``mean_i E f_i(x)^2`` at initialization (see the module docstring); NaN for
    the unconstrained MLP (no prediction made)."""
    name = config["model"]
    shapes = _layer_shapes(config)
    s = float(input_second_moment)
    if name == "torchlip_spectral_groupsort":
        for m, n in shapes:
            s *= min(m, n) / m
        return s
    if not name.startswith("ldlt_"):
        return float("nan")
    from torch import nn

    from lipschitz_layers import activation_second_moment
    from wishart_moments.variance import output_variance

    _, kwargs, sigma2 = _ldlt_init(config)
    targets = kwargs.get("target_variance")
    for index, (m, n) in enumerate(shapes):
        if sigma2[index] is None:
            q = float(targets[index])
        else:
            q = float(output_variance(m, n, float(sigma2[index]), tol=1e-6, seed=0).value)
        if index:
            s = activation_second_moment(nn.ELU(), s)
        s *= q
    return s


# --------------------------------------------------------------------------------------------
# one run


def radius_key(radius: float) -> str:
    """CSV column of a radius: ``certified_accuracy_<radius>`` (``%g``)."""
    return f"certified_accuracy_{radius:g}"


def train_run(
    config: dict[str, Any], data: dict[str, Dataset], device_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train one configuration on ``data[config['data']['name']]``; return summary and epochs."""
    import torch
    from torch import nn

    from lipschitz_layers import certified_accuracy

    device = _common.resolve_device(device_name)
    dataset = data[config["data"]["name"]]
    generator = seed_run(config)
    x_train = torch.as_tensor(dataset.x_train, device=device)
    y_train = torch.as_tensor(dataset.y_train, device=device)
    x_test = torch.as_tensor(dataset.x_test, device=device)
    y_test = torch.as_tensor(dataset.y_test, device=device)

    model = build_model(config).to(device)
    model.eval()
    with torch.no_grad():
        measured = float(model(x_train).double().pow(2).mean())
    predicted = predicted_output_variance(config, float(x_train.double().pow(2).mean()))

    cross_entropy = nn.CrossEntropyLoss()
    temperature = config["logit_scale"]

    def loss_fn(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return cross_entropy(temperature * logits, labels)

    def after_epoch(epoch: int) -> dict[str, Any]:
        if epoch + 1 != config["epochs"] and (epoch + 1) % config["eval_every"]:
            return {}
        test = predict(model, x_test)
        return {"test_accuracy": float((test.argmax(1) == y_test).double().mean())}

    epochs = fit_run(model, loss_fn, x_train, y_train, config, generator, after_epoch)
    model.eval()
    lipschitz = certified_lipschitz(config, model)
    test_logits = predict(model, x_test)
    radii = [float(r) for r in config["radii"]]
    certified = certified_accuracy(test_logits, y_test, lipschitz, radii).tolist()
    layerwise = layerwise_lipschitz(model)
    certified_layerwise = certified_accuracy(test_logits, y_test, layerwise, radii).tolist()
    train_logits = predict(model, x_train)
    summary: dict[str, Any] = {
        "clean_accuracy": float((test_logits.argmax(1) == y_test).double().mean()),
        **{radius_key(r): float(a) for r, a in zip(radii, certified, strict=True)},
        "train_accuracy": float((train_logits.argmax(1) == y_train).double().mean()),
        "final_train_loss": epochs[-1]["train_loss"],
        "lipschitz_bound": lipschitz,
        "lipschitz_layerwise": layerwise,
        "certified_accuracy_layerwise": certified_layerwise,
        "seconds_per_epoch": float(np.mean([e["seconds"] for e in epochs])),
        "init_output_variance_measured": measured,
        "init_output_variance_predicted": predicted,
    }
    if config["model"].startswith("ldlt_variance_"):
        summary["targets"] = variance_targets(config, float(config["model"].split("_")[-1]))
    return summary, epochs


# --------------------------------------------------------------------------------------------
# configurations, report, command line


def run_configs(args: argparse.Namespace, datasets: list[Dataset]) -> list[dict[str, Any]]:
    """dataset x model x depth x seed, in that order."""
    configs = []
    models = selected_models(args)
    fixed = {
        "width": args.width,
        "activation": "elu",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": args.optimizer,
        "lr": args.lr,
        "lr_min": args.lr_min,
        "logit_scale": args.logit_scale,
        "radii": [float(r) for r in args.radii],
        "eval_every": args.eval_every,
    }
    for dataset in datasets:
        axes = {"model": models, "depth": list(args.depths), "seed": list(args.seeds)}
        configs += expand_grid(axes, {"data": dataset.identity(), **fixed})
    return configs


def _describe(config: dict[str, Any]) -> str:
    return (
        f"{config['data']['name']} {config['model']} depth={config['depth']} seed={config['seed']}"
    )


def _headline(summary: dict[str, Any]) -> str:
    return f"clean {summary['clean_accuracy']:.3f}"


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


def _positive_floats(name: str, values: list[float], allow_zero: bool = False) -> None:
    for value in values:
        if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
            bound = ">= 0" if allow_zero else "> 0"
            raise ValueError(f"--{name} must be finite and {bound}, got {value!r}")


def selected_models(args: argparse.Namespace) -> list[str]:
    """The grid's models: ``model_names`` of the options, restricted to ``--models``."""
    names = model_names(list(args.targets), list(args.scales), torchlip=not args.no_torchlip)
    if not args.models:
        return names
    unknown = [m for m in args.models if m not in names]
    if unknown:
        raise ValueError(
            f"unknown model {unknown[0]!r} in --models: allowed are {', '.join(names)}"
        )
    return [m for m in names if m in args.models]


def _check_args(args: argparse.Namespace) -> None:
    for name in ("width", "epochs", "batch_size", "eval_every", "workers"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    for depth in args.depths:
        if depth < 1:
            raise ValueError(f"--depths values must be >= 1, got {depth}")
    _positive_floats("radii", list(args.radii))
    _positive_floats("scales", list(args.scales))
    for name in ("lr", "lr_min", "logit_scale"):  # each checked under its own option name
        _positive_floats(name.replace("_", "-"), [getattr(args, name)])
    for target in args.targets:
        if not 0 < target < 1:
            raise ValueError(f"--targets values must lie in (0, 1), got {target!r}")
    if "torchlip_spectral_groupsort" in selected_models(args) and args.width % 2:
        raise ValueError(f"--width must be even for GroupSort2 (torchlip), got {args.width}")
    if args.data is not None and not Path(args.data).is_file():
        raise ValueError(f"--data {str(args.data)!r} does not exist")
    if "higgs" in (args.dataset or []) and args.data is None:
        raise ValueError("--dataset higgs needs --data HIGGS.csv.gz")


def build_parser() -> argparse.ArgumentParser:
    parser = _common.make_parser("certified_robustness", __doc__.splitlines()[0])
    add = parser.add_argument
    add(
        "--dataset",
        nargs="+",
        choices=DATASETS,
        help="default: digits and breast_cancer, plus higgs when --data is given",
    )
    add("--data", type=Path, help="HIGGS.csv.gz (enables the higgs dataset)")
    add("--report", action="store_true", help="only write the CSVs and figures from the store")
    add("--depths", nargs="+", type=int, default=[2, 4, 8, 16])
    add("--seeds", nargs="+", type=int, default=[0, 1], help="training seeds of every model")
    add(
        "--targets",
        nargs="+",
        type=float,
        default=[0.5, 0.9],
        help="per-layer output variances of the variance-prescribed models",
    )
    add(
        "--scales",
        nargs="+",
        type=float,
        default=[1.0, 10.0],
        help="paper family c: W_ij ~ N(0, (c / sqrt(n))^2)",
    )
    add("--no-torchlip", action="store_true", help="leave out the deel-torchlip baseline")
    add("--models", nargs="+", help="run only these of the models (names as in results.csv)")
    add(
        "--radii",
        nargs="+",
        type=float,
        default=[0.1, 0.25, 0.5, 1.0, 1.5, 2.0],
        help="l2 radii of the certified accuracy (standardised features)",
    )
    add("--width", type=int, default=64)
    add("--epochs", type=int, default=20)
    add("--batch-size", type=int, default=64)
    add("--optimizer", choices=("sgd", "adamw"), default="adamw")
    add("--lr", type=float, default=3e-3, help="initial learning rate")
    add("--lr-min", type=float, default=1e-4, help="final learning rate of the cosine schedule")
    add(
        "--logit-scale",
        type=float,
        default=1.0,
        help="cross-entropy on logit-scale x logits (certificates use the logits themselves)",
    )
    add("--eval-every", type=int, default=5, help="test accuracy every this many epochs")
    add("--higgs-train", type=int, default=100_000, help="HIGGS training rows")
    add("--higgs-test", type=int, default=20_000, help="HIGGS test rows")
    add("--higgs-test-tail", type=int, default=500_000, help="HIGGS: the last rows hold the test")
    add_backend_arguments(parser, "results.sqlite")
    return parser


QUICK = {
    "depths": [2, 4],
    "seeds": [0],
    "targets": [0.9],
    "scales": [1.0, 10.0],
    "epochs": 15,
    "eval_every": 5,
}


def main(args: argparse.Namespace) -> int:
    out: Path = args.out
    store_path = args.store or out / "results.sqlite"
    if args.report:
        return report_only(store_path, lambda store: write_report(finished_runs(store), out))
    if args.quick:  # the quick sizes, except where the command line chose a value
        defaults = build_parser()
        apply_overrides(
            args,
            {k: v for k, v in QUICK.items() if getattr(args, k) == defaults.get_default(k)},
        )
    _check_args(args)
    names = args.dataset or list(DEFAULT_DATASETS) + (["higgs"] if args.data else [])
    _common.resolve_device(args.device)
    threads = _common.configure_threads(args)
    progress = _common.Progress("certified_robustness", 0)
    datasets = []
    for name in dict.fromkeys(names):
        progress.note(f"loading {name}")
        datasets.append(
            load_dataset(
                name, args.seed, args.data, args.higgs_train, args.higgs_test, args.higgs_test_tail
            )
        )
    configs = run_configs(args, datasets)
    config_text = {
        "command": "python -m experiments.certified_robustness " + " ".join(sys.argv[1:]),
        "quick": args.quick,
        "datasets": [d.identity() for d in datasets],
        "models": selected_models(args),
        "depths": args.depths,
        "seeds": args.seeds,
        "training": {
            k: v for k, v in configs[0].items() if k not in ("data", "model", "depth", "seed")
        },
        "first_layer_cap": FIRST_LAYER_CAP,
        "lyapunov_negative_slope": LYAPUNOV_SLOPE,
        "threads": threads,
        "runs": len(configs),
    }
    _common.write_json_atomic(out / "config.json", config_text)
    data = {d.name: d for d in datasets}
    wanted = {config_hash(c) for c in configs}

    def report(store: ResultStore) -> list[Path]:  # this grid's runs, not older ones in the store
        runs = [r for r in store.runs() if r.config_hash in wanted]
        return write_report(runs, out) if runs else []

    return run_and_report(
        args,
        configs,
        store_path,
        data,
        train_run,
        threads,
        progress,
        report,
        name="certified_robustness",
        describe=_describe,
        headline=_headline,
    )


if __name__ == "__main__":
    sys.exit(_common.run_main(main, build_parser()))
