"""certified_robustness: CSV columns, certificates that hold, resume, predictions, bad input."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

pytest.importorskip("sklearn")
pytest.importorskip("deel.torchlip")

from experiments import _common, certified_robustness
from experiments.certified_robustness import (
    build_model,
    certified_lipschitz,
    layerwise_lipschitz,
    load_dataset,
    predicted_output_variance,
)
from experiments.store import ResultStore
from lipschitz_layers import certified_radius

RADII = ["0.1", "0.5", "1", "2"]
TINY = [
    "--dataset", "breast_cancer",
    "--depths", "1", "2",
    "--seeds", "0",
    "--targets", "0.9",
    "--scales", "1",
    "--width", "8",
    "--epochs", "2",
    "--eval-every", "1",
    "--radii", *RADII,
    "--threads", "1",
]  # fmt: skip


def _run(argv: list[str]) -> int:
    return _common.run_main(certified_robustness.main, certified_robustness.build_parser(), argv)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certified")
    assert _run(["--out", str(out), *TINY]) == 0
    return out


def test_csv_has_one_row_per_run_and_the_documented_columns(tiny_run: Path) -> None:
    rows = _rows(tiny_run / "results.csv")
    models = certified_robustness.model_names([0.9], [1.0])
    assert len(rows) == len(models) * 2  # one dataset x models x depths x one seed
    assert {(r["dataset"], r["model"], r["depth"]) for r in rows} == {
        ("breast_cancer", m, depth) for m in models for depth in ("1", "2")
    }
    assert any("torchlip" in m for m in models)
    for column in ["clean_accuracy", *(f"certified_accuracy_{r}" for r in RADII)]:
        assert column in rows[0]
    for name in (
        "certified_vs_radius_breast_cancer.png",
        "accuracy_vs_depth_breast_cancer.png",
        "init_variance.png",
    ):
        assert (tiny_run / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    config = json.loads((tiny_run / "config.json").read_text())
    assert config["runs"] == len(rows) and config["training"]["radii"] == [0.1, 0.5, 1.0, 2.0]
    summary = _rows(tiny_run / "summary.csv")
    assert len(summary) == len(rows) and all(s["seeds"] == "1" for s in summary)
    table = (tiny_run / "table.md").read_text().splitlines()
    assert len(table) == 2 + len(rows) and "cert. r=0.5" in table[0]


def test_certified_accuracy_is_monotone_in_the_radius_and_below_clean(tiny_run: Path) -> None:
    for row in _rows(tiny_run / "results.csv"):
        values = [float(row["clean_accuracy"])]
        values += [float(row[f"certified_accuracy_{r}"]) for r in RADII]
        assert all(0.0 <= v <= 1.0 for v in values)
        assert all(a >= b for a, b in itertools.pairwise(values)), row
        if row["model"].startswith(("ldlt_", "torchlip")):
            assert float(row["lipschitz_bound"]) == pytest.approx(1.0, abs=1e-3)
            # the LDLT bound 1 is never below the product of the layers' spectral norms
            assert float(row["lipschitz_layerwise"]) <= float(row["lipschitz_bound"]) + 1e-6
        assert float(row["seconds_per_epoch"]) > 0


def test_a_second_run_trains_nothing(tiny_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ResultStore(tiny_run / "results.sqlite") as store:
        before = {r.config_hash: r.summary for r in store.runs()}

    def no_training(*args: Any) -> Any:
        raise AssertionError("a stored run was trained again")

    monkeypatch.setattr(certified_robustness, "train_run", no_training)
    assert _run(["--out", str(tiny_run), *TINY]) == 0
    with ResultStore(tiny_run / "results.sqlite") as store:
        assert {r.config_hash: r.summary for r in store.runs()} == before
    assert _run(["--out", str(tiny_run), "--report"]) == 0


def _config(model: str, depth: int, features: int, classes: int, width: int = 16) -> dict:
    data = {"name": "x", "features": features, "classes": classes}
    return {"model": model, "depth": depth, "width": width, "activation": "elu", "data": data}


@pytest.mark.parametrize(
    "model", ["ldlt_scaled_c1", "ldlt_variance_0.9", "ldlt_lyapunov", "torchlip_spectral_groupsort"]
)
def test_one_layer_output_variance_matches_its_prediction(model: str) -> None:
    # one layer (no activation): E|M x|^2 / m = q s_0 holds exactly in expectation over W
    config = _config(model, 1, features=12, classes=6)
    predicted = predicted_output_variance(config, 1.0)
    torch.manual_seed(0)
    x = torch.randn(256, 12)
    draws = []
    with torch.no_grad():
        for _ in range(300):
            draws.append(float(build_model(config).eval()(x).pow(2).mean() / x.pow(2).mean()))
    mean, stderr = np.mean(draws), np.std(draws, ddof=1) / math.sqrt(len(draws))
    assert abs(mean - predicted) < 5 * stderr + 1e-6, (mean, stderr, predicted)


@pytest.mark.parametrize("model", ["ldlt_he", "torchlip_spectral_groupsort", "mlp_unconstrained"])
def test_no_perturbation_inside_the_certified_radius_changes_the_class(model: str) -> None:
    data = load_dataset("breast_cancer", seed=0)
    config = _config(model, 3, data.x_train.shape[1], data.classes)
    torch.manual_seed(1)
    net = build_model(config)
    x = torch.as_tensor(data.x_test[:64])
    optimizer = torch.optim.Adam(net.parameters(), 1e-2)
    xt, yt = torch.as_tensor(data.x_train), torch.as_tensor(data.y_train)
    for _ in range(30):  # a little training so that margins are not all tiny
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        optimizer.step()
    net.eval()
    lipschitz = certified_lipschitz(config, net)
    assert layerwise_lipschitz(net) <= lipschitz * (1 + 1e-6)
    x = x.clone().requires_grad_(True)
    logits = net(x)
    radius = certified_radius(logits.detach(), lipschitz)
    label = logits.argmax(1)
    top2 = logits.topk(2, dim=1).values
    (grad,) = torch.autograd.grad((top2[:, 0] - top2[:, 1]).sum(), x)
    generator = torch.Generator().manual_seed(2)
    directions = [-grad] + [torch.randn(x.shape, generator=generator) for _ in range(8)]
    with torch.no_grad():
        for direction in directions:  # the steepest descent of the margin, then random ones
            step = direction / direction.norm(dim=1, keepdim=True) * (0.999 * radius[:, None])
            assert torch.equal(net(x + step).argmax(1), label)


def _error(argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    assert _run(["--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_bad_input_is_one_line_and_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "--data" in _error(["--dataset", "higgs"], capsys, tmp_path)
    assert "does not exist" in _error(["--data", str(tmp_path / "no.gz")], capsys, tmp_path)
    assert "--radii" in _error(["--radii", "0.5", "-1"], capsys, tmp_path)
    assert "--targets" in _error(["--targets", "1.5"], capsys, tmp_path)
    assert "--depths" in _error(["--depths", "0"], capsys, tmp_path)
    assert "--lr-min must be" in _error(["--lr-min", "-1"], capsys, tmp_path)
    assert "--logit-scale must be" in _error(["--logit-scale", "0"], capsys, tmp_path)
    assert "even" in _error(["--width", "7"], capsys, tmp_path)
    assert "unknown model 'resnet'" in _error(["--models", "resnet"], capsys, tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        _run(["--out", str(tmp_path), "--dataset", "mnist"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown dataset 'iris'"):
        load_dataset("iris")


def test_higgs_runs_from_a_file_in_the_uci_format(tmp_path: Path) -> None:
    from experiments.higgs import write_synthetic_higgs

    data = write_synthetic_higgs(tmp_path / "HIGGS.csv.gz", 600, seed=0)
    argv = ["--out", str(tmp_path), "--data", str(data), "--dataset", "higgs"]
    argv += ["--higgs-train", "300", "--higgs-test", "100", "--higgs-test-tail", "200"]
    argv += ["--depths", "2", "--seeds", "0", "--epochs", "1", "--width", "8"]
    assert _run([*argv, "--models", "ldlt_he", "--threads", "1"]) == 0
    (row,) = _rows(tmp_path / "results.csv")
    assert row["dataset"] == "higgs" and 0.0 <= float(row["clean_accuracy"]) <= 1.0
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["datasets"][0]["classes"] == 2 and config["datasets"][0]["n_test"] == 100
