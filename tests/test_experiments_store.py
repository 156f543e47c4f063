"""Result store and sweep resume: interruptions neither repeat nor lose runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from experiments.higgs_sweep import SweepData, run_sweep, stratified_folds
from experiments.store import ResultStore, config_hash

REPO = Path(__file__).resolve().parents[1]


def _configs(n: int) -> list[dict[str, Any]]:
    return [{"depth": 5 + i, "scale": 1.0, "optimizer": "sgd", "fold": 0} for i in range(n)]


def _data() -> SweepData:
    y = np.array([0, 1] * 5, dtype=np.float32)
    x = np.zeros((10, 2), dtype=np.float32)
    return SweepData(x, y, x, y, stratified_folds(y, 2, 0))


class CountingRunner:
    """Records every configuration it trains; can fail on chosen depths or stop the sweep."""

    def __init__(self, fail_depths: tuple[int, ...] = (), interrupt_after: int | None = None):
        self.calls: list[int] = []
        self.fail_depths = fail_depths
        self.interrupt_after = interrupt_after

    def __call__(self, config: dict[str, Any], data: SweepData, device: str) -> Any:
        if self.interrupt_after is not None and len(self.calls) == self.interrupt_after:
            raise KeyboardInterrupt  # the user presses Ctrl-C between runs
        self.calls.append(config["depth"])
        if config["depth"] in self.fail_depths:
            raise RuntimeError(f"diverged at depth {config['depth']}")
        epochs = [{"epoch": e, "val_auc": 0.5 + 0.01 * e} for e in range(3)]
        return {"test_auc": 0.6, "depth_seen": config["depth"]}, epochs


def test_config_hash_ignores_key_order_and_sees_every_value() -> None:
    assert config_hash({"a": 1, "b": [1, 2]}) == config_hash({"b": [1, 2], "a": 1})
    assert config_hash({"a": 1, "b": [1, 2]}) != config_hash({"a": 1, "b": [1, 3]})
    assert config_hash({"a": 1}) != config_hash({"a": 1.5})


def test_record_and_read_back(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "s.sqlite") as store:
        config = {"depth": 5, "nested": {"x": 1}}
        key = store.record_run(config, {"test_auc": 0.7}, [{"val_auc": 0.6}, {"val_auc": 0.65}])
        with pytest.raises(ValueError, match="already"):
            store.record_run(config, {"test_auc": 0.1}, [])
        assert store.is_finished(config) and store.finished_hashes() == {key}
    with ResultStore(tmp_path / "s.sqlite") as store:  # persisted
        (run,) = store.runs()
        assert run.config == config and run.summary == {"test_auc": 0.7}
        assert [e["val_auc"] for e in run.epochs] == [0.6, 0.65]


def test_a_value_that_is_not_json_leaves_nothing_behind(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(TypeError):
            store.record_run({"depth": 5}, {"ok": 1}, [{"a": 1}, {"b": object()}])
        assert store.count() == 0 and list(store.runs()) == []


def test_a_kill_inside_the_transaction_leaves_no_half_run(tmp_path: Path) -> None:
    # the process dies after the runs row is inserted and before the epochs are: nothing remains
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from experiments.store import ResultStore

        class Dying:
            def __init__(self, connection):
                self.connection = connection
            def __enter__(self):
                return self.connection.__enter__()
            def __exit__(self, *exc):
                return self.connection.__exit__(*exc)
            def execute(self, *args):
                return self.connection.execute(*args)
            def executemany(self, *args):
                os._exit(3)  # killed mid-transaction

        store = ResultStore({str(tmp_path / "s.sqlite")!r})
        store.record_run({{"depth": 1}}, {{"auc": 0.5}}, [{{"e": 0}}])  # a finished run
        store._connection = Dying(store._connection)
        store.record_run({{"depth": 2}}, {{"auc": 0.5}}, [{{"e": 0}}])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 3, result.stderr.decode()
    with ResultStore(tmp_path / "s.sqlite") as store:
        runs = list(store.runs())
        assert [r.config for r in runs] == [{"depth": 1}]
        count = store._connection.execute("SELECT COUNT(*) FROM epochs").fetchone()[0]
        assert count == 1


def test_failed_runs_are_retried_and_finished_ones_skipped(tmp_path: Path) -> None:
    configs = _configs(5)
    with ResultStore(tmp_path / "s.sqlite") as store:
        first = CountingRunner(fail_depths=(7,))
        outcome = run_sweep(configs, store, _data(), runner=first)
        assert first.calls == [5, 6, 7, 8, 9]
        assert len(outcome.ran) == 4 and len(outcome.failed) == 1
        assert "diverged at depth 7" in outcome.failed[0][1]
        assert store.count() == 4 and not store.is_finished(configs[2])

        second = CountingRunner()
        outcome = run_sweep(configs, store, _data(), runner=second)
        assert second.calls == [7]  # only the failed run, nothing repeated
        assert len(outcome.skipped) == 4 and not outcome.failed
        assert store.count() == 5
        assert sorted(r.summary["depth_seen"] for r in store.runs()) == [5, 6, 7, 8, 9]


def test_an_interrupted_sweep_resumes_without_repeating_or_losing_runs(tmp_path: Path) -> None:
    configs = _configs(6)
    with ResultStore(tmp_path / "s.sqlite") as store:
        stopped = CountingRunner(interrupt_after=2)
        with pytest.raises(KeyboardInterrupt):
            run_sweep(configs, store, _data(), runner=stopped)
        assert stopped.calls == [5, 6] and store.count() == 2
    with ResultStore(tmp_path / "s.sqlite") as store:  # a new process would reopen the file
        resumed = CountingRunner()
        run_sweep(configs, store, _data(), runner=resumed)
        assert resumed.calls == [7, 8, 9, 10]
        assert store.finished_hashes() == {config_hash(c) for c in configs}


def _module_level_runner(config: dict[str, Any], data: SweepData, device: str) -> Any:
    if config["depth"] == 6:
        raise RuntimeError("boom")
    return {"test_auc": float(config["depth"])}, [{"epoch": 0}]


def test_worker_processes_store_every_run(tmp_path: Path) -> None:
    configs = _configs(4)
    with ResultStore(tmp_path / "s.sqlite") as store:
        outcome = run_sweep(configs, store, _data(), workers=2, runner=_module_level_runner)
        assert len(outcome.failed) == 1 and "boom" in outcome.failed[0][1]
        assert sorted(r.summary["test_auc"] for r in store.runs()) == [5.0, 7.0, 8.0]


def test_stratified_folds_balance_each_class() -> None:
    labels = np.array([0] * 23 + [1] * 12)
    fold = stratified_folds(labels, 5, seed=4)
    for value, total in ((0, 23), (1, 12)):
        counts = np.bincount(fold[labels == value], minlength=5)
        assert counts.sum() == total and counts.max() - counts.min() <= 1
    assert np.bincount(fold).max() - np.bincount(fold).min() <= 1
    with pytest.raises(ValueError, match="n_folds"):
        stratified_folds(labels, 1, 0)


def test_ray_backend_in_a_local_cluster(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    configs = _configs(3)
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}},
    )
    try:
        with ResultStore(tmp_path / "s.sqlite") as store:
            outcome = run_sweep(configs, store, _data(), backend="ray", runner=_ray_runner)
            assert len(outcome.ran) == 2 and len(outcome.failed) == 1
            assert "boom" in outcome.failed[0][1]
            assert sorted(r.summary["test_auc"] for r in store.runs()) == [5.0, 7.0]
            again = run_sweep(configs, store, _data(), backend="ray", runner=_ray_runner)
            assert len(again.skipped) == 2 and len(again.failed) == 1
    finally:
        ray.shutdown()


def _ray_runner(config: dict[str, Any], data: SweepData, device: str) -> Any:
    return _module_level_runner(config, data, device)
