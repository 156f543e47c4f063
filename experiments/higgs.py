"""Streaming loader of the UCI HIGGS data set (``HIGGS.csv.gz``) with index-based subsampling.

Format (UCI id 280): gzip-compressed CSV, no header, 11,000,000 rows of 29 comma-separated numbers
written like ``1.000000000000000000e+00``; column 0 is the label (1 signal, 0 background), then 21
low-level and 7 high-level features. The usual test set is the last 500,000 rows.

The loader never holds the text of the file: a first pass counts the rows (skipped if ``n_rows`` is
given), the row indices to keep are then drawn (training rows from the rows before the test tail,
test rows from the tail, both without replacement), and a second pass parses only the chosen lines.
Features are standardised with the training rows' mean and standard deviation.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HIGGS_COLUMNS = 29
HIGGS_FEATURES = HIGGS_COLUMNS - 1
HIGGS_ROWS = 11_000_000
HIGGS_TEST_TAIL = 500_000
_READ_BLOCK = 1 << 22  # bytes of decompressed text per read


@dataclass(frozen=True)
class HiggsSplit:
    """Standardised training and test rows (float32 features, float32 labels in {0, 1})."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray  # training mean of each raw feature
    std: np.ndarray  # training standard deviation of each raw feature (1 where it was 0)
    train_rows: np.ndarray  # 0-based row numbers in the file
    test_rows: np.ndarray


def count_rows(path: Path | str) -> int:
    """Number of lines of a gzip text file, counted in blocks (an unterminated last line counts)."""
    count = 0
    last = b"\n"
    with gzip.open(path, "rb") as handle:
        while block := handle.read(_READ_BLOCK):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _parse_row(line: bytes, row: int) -> list[float]:
    fields = line.split(b",")
    if len(fields) != HIGGS_COLUMNS:
        raise ValueError(
            f"HIGGS row {row} has {len(fields)} fields, expected {HIGGS_COLUMNS} (label + 28)"
        )
    try:
        values = [float(field) for field in fields]
    except ValueError as exc:
        raise ValueError(f"HIGGS row {row} is not numeric: {exc}") from None
    if values[0] not in (0.0, 1.0):
        raise ValueError(f"HIGGS row {row} has label {values[0]!r}, expected 0 or 1")
    return values


def read_rows(path: Path | str, rows: np.ndarray) -> np.ndarray:
    """Parse the lines with the given 0-based numbers (any order) into a ``(len(rows), 29)`` array.

    One streaming pass; only the wanted lines are ever parsed. Rows are returned in the order of
    ``rows``. ``ValueError`` if a row number is past the end of the file or a line is malformed.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        return np.empty((0, HIGGS_COLUMNS))
    if rows.min() < 0:
        raise ValueError(f"row numbers must be >= 0, got {int(rows.min())}")
    order = np.argsort(rows, kind="stable")
    wanted = rows[order]
    if np.any(np.diff(wanted) == 0):
        raise ValueError("row numbers must be distinct")
    out = np.empty((rows.size, HIGGS_COLUMNS))
    position = 0  # index into `wanted`
    with gzip.open(path, "rb") as handle:
        for line_number, line in enumerate(handle):
            if line_number == wanted[position]:
                out[order[position]] = _parse_row(line.rstrip(b"\r\n"), line_number)
                position += 1
                if position == wanted.size:
                    return out
    raise ValueError(f"row {int(wanted[position])} requested but the file has {line_number + 1}")


def choose_rows(
    n_rows: int, n_train: int, n_test: int, test_tail: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted row numbers: training from ``[0, n_rows - test_tail)``, test from the tail after it.

    Both drawn uniformly without replacement with ``numpy.random.default_rng(seed)``.
    """
    for name, value in (("n_train", n_train), ("n_test", n_test), ("test_tail", test_tail)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if test_tail >= n_rows:
        raise ValueError(f"test_tail={test_tail} must be smaller than the file's {n_rows} rows")
    if n_test > test_tail:
        raise ValueError(f"n_test={n_test} exceeds the test tail of {test_tail} rows")
    if n_train > n_rows - test_tail:
        raise ValueError(
            f"n_train={n_train} exceeds the {n_rows - test_tail} rows before the test tail"
        )
    rng = np.random.default_rng(seed)
    train = np.sort(rng.choice(n_rows - test_tail, size=n_train, replace=False))
    test = np.sort(rng.choice(test_tail, size=n_test, replace=False)) + (n_rows - test_tail)
    return train, test


def load_higgs(
    path: Path | str,
    n_train: int = 100_000,
    n_test: int = 20_000,
    test_tail: int = HIGGS_TEST_TAIL,
    seed: int = 0,
    n_rows: int | None = None,
) -> HiggsSplit:
    """Subsample and standardise HIGGS: ``n_train`` rows before the test tail, ``n_test`` from it.

    ``n_rows`` (the file's line count) saves the counting pass when known (11,000,000 for the real
    file). Standardisation: ``x <- (x - mean_train) / std_train`` per feature.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"HIGGS data file {str(path)!r} does not exist")
    if n_rows is None:
        n_rows = count_rows(path)
    train_rows, test_rows = choose_rows(n_rows, n_train, n_test, test_tail, seed)
    table = read_rows(path, np.concatenate([train_rows, test_rows]))
    train, test = table[:n_train], table[n_train:]
    mean = train[:, 1:].mean(axis=0)
    std = train[:, 1:].std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def features(block: np.ndarray) -> np.ndarray:
        return ((block[:, 1:] - mean) / std).astype(np.float32)

    return HiggsSplit(
        x_train=features(train),
        y_train=train[:, 0].astype(np.float32),
        x_test=features(test),
        y_test=test[:, 0].astype(np.float32),
        mean=mean,
        std=std,
        train_rows=train_rows,
        test_rows=test_rows,
    )


def write_synthetic_higgs(path: Path | str, n_rows: int, seed: int = 0) -> Path:
    """Write a HIGGS-format file (gzip, no header, label first, ``%.18e``) with a learnable label.

    Features are Gaussian with per-column offsets and scales; the label is 1 with probability
    ``sigmoid(2 * (x_1 + x_2 * x_3 - 0.5 * x_4^2 + 0.5))`` (standardised columns), so a network
    can beat chance but not be perfect. For quick runs and tests, never a stand-in for results.
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be >= 1, got {n_rows}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_rows, HIGGS_FEATURES))
    logit = 2.0 * (z[:, 0] + z[:, 1] * z[:, 2] - 0.5 * z[:, 3] ** 2 + 0.5)
    label = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    offsets = rng.uniform(-1.0, 2.0, HIGGS_FEATURES)
    scales = rng.uniform(0.5, 2.0, HIGGS_FEATURES)
    table = np.column_stack([label, z * scales + offsets])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="ascii") as handle:
        np.savetxt(handle, table, fmt="%.18e", delimiter=",")
    return path
