"""Reading a sweep's store back for its report: flat rows and bootstrap bands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..store import ResultStore, RunRecord


def finished_runs(store: ResultStore) -> list[RunRecord]:
    """Every finished run; ``ValueError`` if there is none (nothing to report)."""
    runs = list(store.runs())
    if not runs:
        raise ValueError(f"no finished runs in {store.path}: nothing to report")
    return runs


def run_rows(
    runs: Iterable[RunRecord], config_keys: Sequence[str], summary_keys: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """One flat row per run: ``config_hash``, the chosen config keys, then the scalar summary
    entries (``summary_keys`` or every non-dict, non-list entry of each summary)."""
    rows = []
    for run in runs:
        keys = summary_keys or [
            k for k, v in run.summary.items() if not isinstance(v, (dict, list))
        ]
        rows.append(
            {
                "config_hash": run.config_hash,
                **{k: run.config[k] for k in config_keys},
                **{k: run.summary[k] for k in keys},
            }
        )
    return rows


def epoch_rows(runs: Iterable[RunRecord], config_keys: Sequence[str]) -> list[dict[str, Any]]:
    """One row per epoch of every run, with the run's hash and chosen config keys."""
    return [
        {"config_hash": r.config_hash, **{k: r.config[k] for k in config_keys}, **e}
        for r in runs
        for e in r.epochs
    ]


def bootstrap_band(
    curves: np.ndarray, rng: np.random.Generator, resamples: int = 1000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over runs (rows) and a 95% bootstrap interval of the mean, per column."""
    mean = np.nanmean(curves, axis=0)
    if curves.shape[0] < 2:
        return mean, mean, mean
    picks = rng.integers(0, curves.shape[0], size=(resamples, curves.shape[0]))
    means = np.nanmean(curves[picks], axis=1)
    return mean, np.nanpercentile(means, 2.5, axis=0), np.nanpercentile(means, 97.5, axis=0)
