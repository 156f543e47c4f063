"""Each experiment's ``--quick`` mode runs in-process and writes its figures and data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from experiments import _common, higgs_sweep, signal_propagation, variance_error, variance_scaling
from experiments.store import ResultStore


def _run(module: object, argv: list[str]) -> int:
    return _common.run_main(module.main, module.build_parser(), argv)  # type: ignore[attr-defined]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path


def test_variance_error_quick(tmp_path: Path) -> None:
    assert _run(variance_error, ["--quick", "--out", str(tmp_path)]) == 0
    _assert_png(tmp_path / "quick_sizes.png")
    rows = _rows(tmp_path / "variance_error.csv")
    assert {int(r["n"]) for r in rows} == set(variance_error.QUICK_GROUPS["quick_sizes"])
    assert {int(r["k"]) for r in rows} == set(range(1, 11))
    for r in rows:
        # the exact engine agrees with the independent dense Monte Carlo everywhere
        slack = 5 * float(r["mc_stderr"]) + (float(r["exact_upper"]) - float(r["exact_lower"]))
        assert abs(float(r["exact_error"])) <= slack + 1e-9, r
    # the series of order 10 is valid at small sigma^2 n and useless at sigma^2 n = 10
    limits = _rows(tmp_path / "series_validity.csv")
    k10 = [float(r["series_valid_up_to_sigma2_n"]) for r in limits if r["k"] == "10"]
    assert all(0.01 < limit < 1.0 for limit in k10)
    k1 = [float(r["series_valid_up_to_sigma2_n"]) for r in limits if r["k"] == "1"]
    assert all(a <= b for a, b in zip(k1, k10, strict=True))


def test_variance_scaling_quick(tmp_path: Path) -> None:
    assert _run(variance_scaling, ["--quick", "--out", str(tmp_path)]) == 0
    for name in ("fig04_variance_n_scaling.png", "fig05_variance_sqrt_n_scaling.png"):
        _assert_png(tmp_path / name)
    table = {(r["m"], r["n"]): r for r in _rows(tmp_path / "variance_table.csv")}
    assert float(table["512", "512"]["var_c1"]) == pytest.approx(0.3818, abs=5e-4)
    assert float(table["512", "512"]["var_c10"]) == pytest.approx(0.9044, abs=2e-3)
    assert float(table["3", "5"]["var_c1"]) == pytest.approx(0.41, abs=5e-4)
    assert float(table["inf", "inf"]["var_c1"]) == pytest.approx((3 - 5**0.5) / 2, abs=1e-12)
    assert "0.41" in (tmp_path / "findings.txt").read_text()


def test_marchenko_pastur_limit_matches_large_n() -> None:
    from wishart_moments.variance import output_variance

    for c in (0.5, 1.0, 3.0):
        large = output_variance(20_000, 20_000, c * c / 20_000, tol=1e-6).value
        assert variance_scaling.marchenko_pastur_limit(c) == pytest.approx(large, abs=1e-4)


def test_signal_propagation_quick(tmp_path: Path) -> None:
    assert _run(signal_propagation, ["--quick", "--out", str(tmp_path), "--depth", "12"]) == 0
    _assert_png(tmp_path / "signal_propagation.png")
    summary = json.loads((tmp_path / "signal_propagation_summary.json").read_text())
    assert summary["depth"] == 12
    for scheme in summary["schemes"]:
        # the mean-field prediction from the variance engine follows the measurement
        ratio = scheme["second_moment_last_layer"] / scheme["predicted_second_moment_last_layer"]
        assert 0.7 < ratio < 1.4, scheme
    rows = _rows(tmp_path / "signal_propagation.csv")
    assert len(rows) == 12 * len(summary["schemes"])


def test_higgs_sweep_quick_resumes_and_reports(tmp_path: Path) -> None:
    assert _run(higgs_sweep, ["--quick", "--out", str(tmp_path), "--no-report"]) == 0
    grid = higgs_sweep.QUICK
    expected = 2 * len(grid["scales"]) * len(grid["depths"]) * grid["folds"]
    with ResultStore(tmp_path / "sweep.sqlite") as store:
        runs = list(store.runs())
    assert len(runs) == expected
    for run in runs:
        assert len(run.epochs) == grid["epochs"]
        assert 0.0 <= run.summary["test_auc"] <= 1.0
        assert len(run.summary["layers_last_epoch"]["activation_stable_rank"]) == (
            run.config["depth"] - 1
        )
    # a second invocation finds every run done; --report then draws from the store alone
    assert _run(higgs_sweep, ["--quick", "--out", str(tmp_path), "--no-report"]) == 0
    with ResultStore(tmp_path / "sweep.sqlite") as store:
        assert store.count() == expected
        assert {r.config_hash: r.summary for r in store.runs()} == {
            r.config_hash: r.summary for r in runs
        }
    assert not (tmp_path / "runs.csv").exists()
    assert _run(higgs_sweep, ["--report", "--out", str(tmp_path)]) == 0
    for name in (
        "fig06a_val_auc_by_depth.png",
        "fig09_hessian_vs_movement_auc.png",
        "fig13_test_auc_grid.png",
        "fig17_gradient_stable_rank.png",
    ):
        _assert_png(tmp_path / name)
    assert len(_rows(tmp_path / "epochs.csv")) == expected * grid["epochs"]


def test_higgs_sweep_needs_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(higgs_sweep, ["--out", str(tmp_path)]) == 2
    assert "--data" in capsys.readouterr().err
    assert _run(higgs_sweep, ["--out", str(tmp_path), "--data", str(tmp_path / "no.gz")]) == 2
