"""HIGGS loader against small gzip files written here in the exact UCI format."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from experiments.higgs import (
    HIGGS_COLUMNS,
    choose_rows,
    count_rows,
    load_higgs,
    read_rows,
    write_synthetic_higgs,
)


def _raw_table(n_rows: int, seed: int = 1) -> np.ndarray:
    """Row r: label, then features that encode r so a row can be recognised after loading."""
    rng = np.random.default_rng(seed)
    table = np.empty((n_rows, HIGGS_COLUMNS))
    table[:, 0] = rng.integers(0, 2, n_rows)
    table[:, 1] = np.arange(n_rows)  # the row number itself
    table[:, 2:] = rng.normal(3.0, 2.0, (n_rows, HIGGS_COLUMNS - 2))
    return table


def _write_uci_format(path: Path, table: np.ndarray, final_newline: bool = True) -> None:
    # exactly as the UCI file: no header, label first, 18-digit scientific notation
    lines = [",".join(f"{value:.18e}" for value in row) for row in table]
    text = "\n".join(lines) + ("\n" if final_newline else "")
    with gzip.open(path, "wb") as handle:
        handle.write(text.encode("ascii"))


def test_format_written_matches_uci_style(tmp_path: Path) -> None:
    path = tmp_path / "HIGGS.csv.gz"
    _write_uci_format(path, _raw_table(3))
    first = gzip.open(path, "rt").readline()
    assert first.count(",") == HIGGS_COLUMNS - 1
    assert first.split(",")[1] == "0.000000000000000000e+00"


@pytest.mark.parametrize("final_newline", [True, False])
def test_count_rows(tmp_path: Path, final_newline: bool) -> None:
    path = tmp_path / "HIGGS.csv.gz"
    _write_uci_format(path, _raw_table(37), final_newline)
    assert count_rows(path) == 37


def test_read_rows_returns_requested_rows_in_requested_order(tmp_path: Path) -> None:
    table = _raw_table(50)
    path = tmp_path / "HIGGS.csv.gz"
    _write_uci_format(path, table)
    rows = np.array([49, 3, 17, 0])
    np.testing.assert_array_equal(read_rows(path, rows), table[rows])
    with pytest.raises(ValueError, match="row 50"):
        read_rows(path, np.array([2, 50]))


def test_load_higgs_subsamples_and_standardises(tmp_path: Path) -> None:
    table = _raw_table(400)
    path = tmp_path / "HIGGS.csv.gz"
    _write_uci_format(path, table)
    split = load_higgs(path, n_train=120, n_test=30, test_tail=100, seed=3)
    assert split.x_train.shape == (120, 28) and split.x_test.shape == (30, 28)
    assert split.x_train.dtype == np.float32
    # training rows before the tail, test rows inside the last 100, no duplicates
    assert split.train_rows.max() < 300 and split.test_rows.min() >= 300
    assert len(set(split.train_rows)) == 120 and len(set(split.test_rows)) == 30
    # undoing the standardisation gives back exactly the chosen raw rows
    raw_train = split.x_train * split.std + split.mean
    np.testing.assert_allclose(raw_train, table[split.train_rows, 1:], rtol=1e-5, atol=1e-4)
    raw_test = split.x_test * split.std + split.mean
    np.testing.assert_allclose(raw_test, table[split.test_rows, 1:], rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(split.y_train, table[split.train_rows, 0])
    np.testing.assert_array_equal(split.y_test, table[split.test_rows, 0])
    # statistics come from the training rows only
    np.testing.assert_allclose(split.mean, table[split.train_rows, 1:].mean(axis=0))
    np.testing.assert_allclose(split.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.x_train.std(axis=0), 1.0, atol=1e-5)
    # the same seed gives the same rows; giving n_rows skips the count but changes nothing
    again = load_higgs(path, n_train=120, n_test=30, test_tail=100, seed=3, n_rows=400)
    np.testing.assert_array_equal(again.train_rows, split.train_rows)
    np.testing.assert_array_equal(again.x_test, split.x_test)


def test_load_higgs_rejects_bad_files_and_sizes(tmp_path: Path) -> None:
    path = tmp_path / "HIGGS.csv.gz"
    table = _raw_table(20)
    _write_uci_format(path, table)
    with pytest.raises(ValueError, match="n_train=20"):
        load_higgs(path, n_train=20, n_test=2, test_tail=5)
    with pytest.raises(ValueError, match="n_test=6"):
        load_higgs(path, n_train=2, n_test=6, test_tail=5)
    with pytest.raises(ValueError, match="does not exist"):
        load_higgs(tmp_path / "missing.csv.gz", n_train=2, n_test=2, test_tail=5)
    bad = tmp_path / "bad.csv.gz"
    table[4, 0] = 2.0  # a label that is neither 0 nor 1
    _write_uci_format(bad, table)
    with pytest.raises(ValueError, match=r"row 4 has label 2\.0"):
        read_rows(bad, np.arange(10))
    short = tmp_path / "short.csv.gz"
    with gzip.open(short, "wt") as handle:
        handle.write("1.0,2.0,3.0\n")
    with pytest.raises(ValueError, match="3 fields"):
        read_rows(short, np.array([0]))


def test_choose_rows_is_uniform_over_the_pools() -> None:
    train, test = choose_rows(1000, 600, 90, 100, seed=0)
    assert train.min() >= 0 and train.max() < 900 and len(np.unique(train)) == 600
    assert test.min() >= 900 and test.max() < 1000 and len(np.unique(test)) == 90
    # 600 of 900 rows: about a third of each third of the pool
    counts = np.histogram(train, bins=[0, 300, 600, 900])[0]
    assert np.all(np.abs(counts - 200) < 40)


def test_synthetic_file_has_the_higgs_format_and_a_learnable_label(tmp_path: Path) -> None:
    path = write_synthetic_higgs(tmp_path / "syn.csv.gz", 2000, seed=0)
    table = read_rows(path, np.arange(2000))
    assert set(np.unique(table[:, 0])) == {0.0, 1.0}
    # feature 1 is correlated with the label by construction
    standardised = (table[:, 1] - table[:, 1].mean()) / table[:, 1].std()
    assert np.corrcoef(standardised, table[:, 0])[0, 1] > 0.2
