"""The shared sweep helpers (``experiments/sweep``) against the code they stand for."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from experiments import _common
from experiments.store import ResultStore
from experiments.sweep import training
from experiments.sweep.backends import report_only, run_and_report, run_from_args
from experiments.sweep.config import BACKEND_OPTIONS, add_backend_arguments
from experiments.sweep.report import bootstrap_band, plot_band, scalar_bands

CONFIG = {"optimizer": "adamw", "lr": 1e-2, "lr_min": 1e-3, "epochs": 3, "batch_size": 8}


def test_scalar_bands_equal_bootstrap_band_of_each_group_in_turn() -> None:
    groups = [[0.1, 0.5, 0.3], [2.0], [1.0, 4.0, 4.0, 8.0]]
    mean, low, high = scalar_bands(groups, np.random.default_rng(3), resamples=200)
    rng = np.random.default_rng(3)
    for i, group in enumerate(groups):
        expected = bootstrap_band(np.array(group, float)[:, None], rng, resamples=200)
        assert (mean[i], low[i], high[i]) == tuple(e[0] for e in expected)
    assert mean[1] == low[1] == high[1] == 2.0  # one run: no interval
    assert np.allclose(mean, [0.3, 2.0, 4.25])
    assert np.all(low <= mean) and np.all(mean <= high)


def test_plot_band_draws_the_mean_and_shades_the_interval() -> None:
    _, axes = _common.new_figure(1, 1)
    ax = axes[0][0]
    x = np.array([1.0, 2.0, 3.0])
    band = (np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.5, 2.5]), np.array([1.5, 2.5, 3.5]))
    line = plot_band(ax, x, band, "--", alpha=0.3, label="m")
    assert np.array_equal(line.get_ydata(), band[0]) and line.get_linestyle() == "--"
    (shade,) = ax.collections
    assert shade.get_alpha() == 0.3
    ys = shade.get_paths()[0].vertices[:, 1]
    assert ys.min() == 0.5 and ys.max() == 3.5


def test_predict_in_chunks_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ELU(), torch.nn.Linear(5, 2))
    x = torch.randn(23, 3)
    rows: list[int] = []
    model.register_forward_hook(lambda _m, inputs, _out: rows.append(inputs[0].shape[0]))
    monkeypatch.setattr(training, "PREDICT_CHUNK", 4)
    out = training.predict(model, x)
    assert rows == [4, 4, 4, 4, 4, 3]
    assert out.dtype == torch.float64 and not out.requires_grad and out.shape == (23, 2)
    torch.testing.assert_close(out, model(x).detach().double(), rtol=1e-6, atol=1e-7)


def test_seed_run_seeds_torch_and_the_generator_from_the_config() -> None:
    first = training.seed_run(CONFIG)
    draws = torch.randn(4), torch.randperm(10, generator=first)
    second = training.seed_run(CONFIG)
    assert torch.equal(draws[0], torch.randn(4))
    assert torch.equal(draws[1], torch.randperm(10, generator=second))
    other = training.seed_run({**CONFIG, "lr": 2e-2})
    assert not torch.equal(draws[1], torch.randperm(10, generator=other))


def _trained(use_fit_run: bool) -> tuple[list[dict[str, Any]], list[torch.Tensor]]:
    generator = training.seed_run(CONFIG)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ELU(), torch.nn.Linear(4, 1))
    x = torch.randn(40, 3, generator=generator)
    y = x.sum(1, keepdim=True)
    loss = torch.nn.MSELoss()
    if use_fit_run:
        epochs = training.fit_run(model, loss, x, y, CONFIG, generator)
    else:
        epochs = training.fit(model, loss, x, y, generator=generator, **CONFIG)
    return epochs, [p.detach().clone() for p in model.parameters()]


def test_fit_run_is_fit_with_the_configs_settings() -> None:
    (epochs_a, params_a), (epochs_b, params_b) = _trained(True), _trained(False)
    strip = [{k: v for k, v in e.items() if k != "seconds"} for e in epochs_a]
    assert strip == [{k: v for k, v in e.items() if k != "seconds"} for e in epochs_b]
    assert epochs_a[0]["lr"] == CONFIG["lr"] and len(epochs_a) == CONFIG["epochs"]
    assert all(torch.equal(a, b) for a, b in zip(params_a, params_b, strict=True))


def _runner(config: dict[str, Any], data: Any, device: str) -> tuple[dict, list]:
    if config["depth"] == 3:
        raise RuntimeError("depth 3 fails")
    return {"value": config["depth"] * data}, [{"epoch": 0}]


def _args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    parser = _common.make_parser("t", "t")
    add_backend_arguments(parser, "s.sqlite")
    return parser.parse_args(["--out", str(tmp_path), *extra])


def test_run_from_args_forwards_the_backend_options(tmp_path: Path) -> None:
    args = _args(tmp_path, "--workers", "0")
    assert set(BACKEND_OPTIONS) <= set(vars(args))
    with ResultStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(ValueError, match="workers must be >= 1, got 0"):
            run_from_args(args, [{"depth": 1}], store, 10, _runner, None)


def test_run_and_report_then_report_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(tmp_path)
    seen: list[list[float]] = []

    def report(store: ResultStore) -> list[Path]:
        seen.append(sorted(r.summary["value"] for r in store.runs()))
        return [tmp_path / "a.csv"]

    configs = [{"depth": d} for d in (1, 2, 3)]
    progress = _common.Progress("t", 0)
    path = tmp_path / "s.sqlite"
    assert run_and_report(args, configs, path, 10, _runner, None, progress, report) == 1
    out, err = capsys.readouterr()
    assert seen == [[10, 20]] and out == f"{tmp_path / 'a.csv'}\n"
    assert "ran 2, skipped 0, failed 1" in err and "depth 3 fails" in err
    assert report_only(path, report) == 0
    assert seen[-1] == [10, 20] and capsys.readouterr().out == f"{tmp_path / 'a.csv'}\n"
