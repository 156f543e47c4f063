"""The data sets of the certified-robustness experiment: digits, breast cancer and HIGGS, split
once (stratified, 20% test) and standardised with the training rows' statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .sweep.config import (
    stratified_folds,
)

DATASETS = ("digits", "breast_cancer", "higgs")


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
