"""Configurations of a sweep: the grid, the per-run seed, folds and the shared CLI options.

A run is a JSON-able ``dict``; its SHA-256 (``store.config_hash``) keys it in the result store and
seeds it (``run_seed``), so a run gets the same seed whatever order or process it runs in.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..store import config_hash

BACKENDS = ("local", "ray")
# the ``run_sweep`` keywords that ``add_backend_arguments`` adds, under the same names
BACKEND_OPTIONS = ("backend", "workers", "gpus_per_task", "cpus_per_task", "ray_address")


def expand_grid(
    axes: Mapping[str, Sequence[Any]], fixed: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every combination of the ``axes`` values (first axis outermost), each merged into
    ``fixed``: ``len = prod len(values)``. ``ValueError`` for an empty axis."""
    for name, values in axes.items():
        if len(values) == 0:
            raise ValueError(f"grid axis {name!r} has no values")
    names = list(axes)
    return [
        {**dict(fixed), **dict(zip(names, combination, strict=True))}
        for combination in itertools.product(*(axes[name] for name in names))
    ]


def run_seed(config: Mapping[str, Any]) -> int:
    """The run's seed: the first 32 bits of its configuration hash (independent of run order)."""
    return int(config_hash(config)[:8], 16)


def stratified_folds(labels: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number (0..n_folds-1) of each row: each class shuffled, then dealt round-robin.

    Every fold gets ``floor`` or ``ceil`` of ``count / n_folds`` rows of each class.
    """
    if n_folds < 2:
        raise ValueError(f"n_folds must be >= 2, got {n_folds}")
    labels = np.asarray(labels)
    fold = np.empty(labels.size, dtype=np.int64)
    rng = np.random.default_rng(seed)
    offset = 0
    for value in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == value))
        fold[rows] = (np.arange(rows.size) + offset) % n_folds
        offset += rows.size
    return fold


def apply_overrides(args: argparse.Namespace, overrides: Mapping[str, Any]) -> None:
    """Set each ``overrides`` entry on ``args`` (a quick mode's sizes)."""
    for key, value in overrides.items():
        setattr(args, key, value)


def add_backend_arguments(parser: argparse.ArgumentParser, store_name: str) -> None:
    """``--store``, ``--backend``, ``--workers``, ``--gpus-per-task``, ``--cpus-per-task``,
    ``--ray-address``: how and where the runs of a sweep execute."""
    add = parser.add_argument
    add("--store", type=Path, help=f"SQLite result store (default OUT/{store_name})")
    add("--backend", choices=BACKENDS, default="local")
    add("--workers", type=int, default=1, help="local worker processes")
    add("--gpus-per-task", type=float, default=0.0, help="Ray: GPUs requested per run")
    add("--cpus-per-task", type=float, default=1.0, help="Ray: CPUs requested per run")
    add("--ray-address", help="Ray cluster address (default: start a local one)")
