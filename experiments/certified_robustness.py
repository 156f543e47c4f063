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
from pathlib import Path
from typing import Any

from . import _common
from .certified_data import DATASETS, TEST_FOLDS, Dataset, load_dataset
from .certified_models import (
    FIRST_LAYER_CAP,
    LYAPUNOV_SLOPE,
    build_model,
    certified_lipschitz,
    layerwise_lipschitz,
    model_names,
    predicted_output_variance,
    radius_key,
    train_run,
    variance_targets,
)
from .certified_report import (
    RESULT_KEYS,
    markdown_table,
    result_rows,
    summary_rows,
    write_report,
)
from .store import ResultStore, config_hash
from .sweep.backends import report_only, run_and_report
from .sweep.config import (
    add_backend_arguments,
    apply_overrides,
    expand_grid,
)
from .sweep.report import finished_runs

# the experiment's names, wherever they are defined, stay importable from here
__all__ = [
    "DATASETS",
    "DEFAULT_DATASETS",
    "FIRST_LAYER_CAP",
    "LYAPUNOV_SLOPE",
    "QUICK",
    "RESULT_KEYS",
    "TEST_FOLDS",
    "Dataset",
    "build_model",
    "build_parser",
    "certified_lipschitz",
    "layerwise_lipschitz",
    "load_dataset",
    "main",
    "markdown_table",
    "model_names",
    "predicted_output_variance",
    "radius_key",
    "result_rows",
    "run_configs",
    "selected_models",
    "summary_rows",
    "train_run",
    "variance_targets",
    "write_report",
]

DEFAULT_DATASETS = ("digits", "breast_cancer")


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
