"""Reading a sweep's store back for its report: flat rows and bootstrap bands, and drawing a band
(mean line, 95% interval shaded) on a matplotlib axis."""

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


Band = tuple[np.ndarray, np.ndarray, np.ndarray]


def scalar_bands(
    groups: Iterable[Sequence[float]], rng: np.random.Generator, resamples: int = 1000
) -> Band:
    """``bootstrap_band`` of each group of scalars (one group per x value, drawn in order):
    arrays of the means and of the interval ends, one entry per group."""
    stats = [
        bootstrap_band(np.asarray(group, float).reshape(-1, 1), rng, resamples) for group in groups
    ]
    return tuple(np.array([s[i][0] for s in stats]) for i in range(3))  # type: ignore[return-value]


def plot_band(ax: Any, x: Any, band: Band, *fmt: str, alpha: float = 0.2, **kwargs: Any) -> Any:
    """``ax.plot(x, mean, *fmt, **kwargs)`` and the interval ``[low, high]`` shaded in the line's
    colour; return the line."""
    mean, low, high = band
    (line,) = ax.plot(x, mean, *fmt, **kwargs)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=alpha)
    return line
