"""Coefficient tables: the paper's printed values, the committed JSON files, round trips,
corruption handling, and a Monte Carlo check of the polynomials themselves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wishart_moments import limits
from wishart_moments.coefficients import coefficient_matrix, engine_limit
from wishart_moments.engines.recursion import multi_trace_moment, recursion_matrix
from wishart_moments.layout import CoefficientMatrix, double_factorial
from wishart_moments.paper import PAPER_KMAX, paper_differences, paper_table
from wishart_moments.tables import (
    cache_directory,
    checksum,
    generate_tables,
    load_table,
    read_table,
    save_table,
    table_filename,
)

REPO_TABLES = Path(__file__).resolve().parent.parent / "tables"
COMMITTED_K = range(1, 41)
ENUMERATED_K = range(1, 11)  # committed tables produced by the matchings enumerator


# ---------------------------------------------------------------- the paper's printed tables


@pytest.mark.parametrize("k", range(1, PAPER_KMAX + 1))
def test_recursion_equals_paper(k: int) -> None:
    assert paper_differences(recursion_matrix(k)) == []


def test_paper_fully_printed_tables_equal_exactly() -> None:
    for k in range(1, 9):
        assert recursion_matrix(k) == paper_table(k)


def test_paper_half_printed_hidden_entries_have_printed_mirrors() -> None:
    for k in (9, 10):
        printed, table = paper_table(k), recursion_matrix(k)
        hidden = [(i, j) for i in range(k) for j in range(k) if table[i][j] and not printed[i][j]]
        assert hidden, "k = 9, 10 leave out half of the matrix"
        for i, j in hidden:
            assert printed[k - 1 - j][k - 1 - i] == table[i][j]


def test_paper_comparison_can_fail() -> None:
    good = recursion_matrix(10).tolist()
    for i, j in [(4, 2), (9, 0), (5, 5)]:  # printed, printed, hidden (mirror printed)
        bad = [row[:] for row in good]
        bad[i][j] += 1
        assert paper_differences(bad), (i, j)
    bad = recursion_matrix(6).tolist()
    bad[0][5] = 7  # a nonzero where the fully printed k = 6 table has 0
    assert paper_differences(bad)
    with pytest.raises(ValueError, match=r"paper prints k = 1\.\.10"):
        paper_table(11)


# ---------------------------------------------------------------- engines


def test_coefficient_matrix_dispatch_and_errors() -> None:
    assert coefficient_matrix(3) == [[1, 0, 0], [3, 3, 0], [4, 3, 1]]
    assert coefficient_matrix(3).engine == "recursion"
    assert engine_limit("recursion") == limits.limit("recursion")
    with pytest.raises(ValueError, match="unknown engine"):
        coefficient_matrix(3, "wick")
    for bad in (0, -1, 2.5, "3"):
        with pytest.raises(ValueError, match="positive integer"):
            coefficient_matrix(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("k", range(1, 11))
def test_engines_agree(k: int) -> None:
    """The Wick enumeration and the Stein recursion are independent: they must agree exactly."""
    assert coefficient_matrix(k, "matchings") == coefficient_matrix(k, "recursion")


def test_matchings_limit() -> None:
    limit = engine_limit("matchings")
    assert isinstance(limit, int) and limit >= 10
    with pytest.raises(ValueError, match=rf"too large.*<= {limit}.*perfect matchings"):
        coefficient_matrix(limit + 1, "matchings")
    with pytest.raises(ValueError, match=rf"kmax={limit + 1} is too large"):
        generate_tables(limit + 1, "matchings")


# ---------------------------------------------------------------- committed tables


@pytest.mark.parametrize("k", COMMITTED_K)
def test_committed_table(k: int) -> None:
    path = REPO_TABLES / table_filename(k)
    cm = read_table(path, k=k)  # checksum, structure and invariants
    assert cm.total() == double_factorial(2 * k - 1)
    assert all(cm[i][j] == cm[k - 1 - j][k - 1 - i] for i in range(k) for j in range(k))
    assert cm == recursion_matrix(k)
    assert cm.engine == ("matchings" if k in ENUMERATED_K else "recursion")
    if k <= PAPER_KMAX:
        assert paper_differences(cm) == []


def test_committed_tables_match_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO_TABLES / "schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(REPO_TABLES.glob("k*.json"))
    assert {table_filename(k) for k in COMMITTED_K} <= {p.name for p in files}
    for path in files:
        validator.validate(json.loads(path.read_text()))
    broken = json.loads(files[3].read_text())
    broken["matrix"][0][0] = 1  # a JSON number, not a decimal string
    assert not validator.is_valid(broken)


# ---------------------------------------------------------------- JSON round trip


def test_round_trip_exact_with_huge_integers(tmp_path: Path) -> None:
    cm = recursion_matrix(40)
    path = save_table(cm, tmp_path)
    assert path == tmp_path / "k40.json"
    assert read_table(path) == cm and read_table(path).engine == "recursion"
    raw = json.loads(path.read_text())  # a plain reader: entries come back as strings
    assert max(max(row) for row in cm) > 2**53
    assert all(isinstance(c, str) for row in raw["matrix"] for c in row)
    assert [[int(c) for c in row] for row in raw["matrix"]] == cm.tolist()
    assert int(raw["total"]) == double_factorial(79)
    assert raw["k"] == 40 and raw["sha256"] == checksum(raw)
    # A float-based reader (like JavaScript's) keeps every entry exact too: they are strings.
    floats = json.loads(path.read_text(), parse_int=float, parse_float=float)
    assert floats["matrix"] == raw["matrix"]
    assert [p.name for p in tmp_path.iterdir()] == ["k40.json"]  # no temporary files left


def test_generate_tables(tmp_path: Path) -> None:
    lines: list[str] = []
    paths = generate_tables(6, "recursion", tmp_path / "new", kmin=4, progress=lines.append)
    assert [p.name for p in paths] == ["k04.json", "k05.json", "k06.json"]
    assert len(lines) == 3 and "k=6" in lines[-1]
    assert [read_table(p) for p in paths] == [recursion_matrix(k) for k in (4, 5, 6)]
    with pytest.raises(ValueError, match="kmin=7 is larger than kmax=6"):
        generate_tables(6, out=tmp_path, kmin=7)


def test_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    target = blocker / "tables"
    with pytest.raises(ValueError, match=str(target)):
        save_table(recursion_matrix(3), target)
    with pytest.raises(ValueError, match="cannot write tables"):
        generate_tables(2, out=target)


def test_save_refuses_invalid_table(tmp_path: Path) -> None:
    bad = recursion_matrix(3).tolist()
    bad[2][0] += 1
    with pytest.raises(ValueError, match="invalid table"):
        save_table(CoefficientMatrix(bad, engine="recursion"), tmp_path)
    with pytest.raises(ValueError, match="unknown engine"):
        save_table(CoefficientMatrix(recursion_matrix(3).matrix), tmp_path)


def test_failed_write_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_table(recursion_matrix(4), tmp_path)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ValueError, match="No space left"):
        save_table(recursion_matrix(4), tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k04.json"]


# ---------------------------------------------------------------- corruption


def _flip_digit(path: Path, i: int, j: int) -> None:
    """Change one matrix entry, leaving the stored checksum as it was."""
    doc = json.loads(path.read_text())
    doc["matrix"][i][j] = str(int(doc["matrix"][i][j]) + 1)
    path.write_text(json.dumps(doc))


def test_corrupt_file_rejected_or_recomputed(tmp_path: Path) -> None:
    path = save_table(recursion_matrix(45), tmp_path)  # beyond the shipped tables
    _flip_digit(path, 3, 1)
    damaged = path.read_text()
    with pytest.raises(ValueError, match="checksum"):
        read_table(path)
    with pytest.raises(ValueError, match=r"checksum.*wishart-moments generate --kmax 45"):
        load_table(45, tmp_path, rebuild=False)
    with pytest.warns(UserWarning, match="checksum"):
        assert load_table(45, tmp_path) == recursion_matrix(45)
    assert path.read_text() == damaged  # a directory that is read is never rewritten
    assert read_table(cache_directory() / "k45.json") == recursion_matrix(45)  # cached there


def test_corrupt_file_with_recomputed_checksum_fails_invariants(tmp_path: Path) -> None:
    path = save_table(recursion_matrix(5), tmp_path)
    doc = json.loads(path.read_text())
    doc["matrix"][2][1] = str(int(doc["matrix"][2][1]) + 1)
    doc["sha256"] = checksum(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="sum to"):
        read_table(path)


@pytest.mark.parametrize(
    "text, match",
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "not a valid table"),
        ('{"format": "wishart-moments-table"}', "missing field"),
    ],
)
def test_garbage_rejected(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "k03.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_table(path)
    with pytest.warns(UserWarning, match=match):  # skipped for the shipped copy
        assert load_table(3, tmp_path) == recursion_matrix(3)


def test_inconsistent_size_rejected(tmp_path: Path) -> None:
    path = save_table(recursion_matrix(3), tmp_path)
    doc = json.loads(path.read_text())
    doc["k"] = 10**12  # must not try to build 10^12 row labels
    doc["sha256"] = checksum(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="must have k = 1000000000000 entries"):
        read_table(path)


def test_wrong_order_and_missing_file(tmp_path: Path) -> None:
    save_table(recursion_matrix(3), tmp_path)
    (tmp_path / "k03.json").rename(tmp_path / "k04.json")
    with pytest.raises(ValueError, match="holds the table for k=3, expected k=4"):
        read_table(tmp_path / "k04.json", k=4)
    with pytest.warns(UserWarning, match="expected k=4"):
        assert load_table(4, tmp_path) == recursion_matrix(4)
    with pytest.raises(ValueError, match=f"no valid table k46.json in {tmp_path}"):
        load_table(46, tmp_path, rebuild=False)
    assert not (tmp_path / "k46.json").exists()


# ---------------------------------------------------------------- Monte Carlo

MC_SAMPLES = 20_000
MC_TOLERANCE_SE = 5.0  # |MC mean - polynomial| must be within 5 standard errors of the mean


def _mc_mean(k: int, m: int, n: int, sigma: float) -> float:
    """Monte Carlo mean of tr(S^k), S = W W^T, W m x n iid N(0, sigma^2); seeded by the input."""
    rng = np.random.default_rng([k, m, n, round(1000 * sigma)])
    w = sigma * rng.standard_normal((MC_SAMPLES, m, n))
    eig = np.linalg.eigvalsh(w @ w.transpose(0, 2, 1))
    return float((eig**k).sum(axis=1).mean())


def _standard_error(k: int, m: int, n: int, sigma: float) -> float:
    """Exact standard error of that mean: sqrt(Var tr(S^k) / N), with the variance from the
    exact moments E tr(S^k)^2 and E tr(S^k) (a sample variance underestimates it badly for
    the heavy-tailed tr(S^5) of a thin W)."""
    second = sum(c * n**a * m**b for (a, b), c in multi_trace_moment([k, k]).items())
    first = recursion_matrix(k).evaluate(n, m)
    return sigma ** (2 * k) * float(second - first**2) ** 0.5 / MC_SAMPLES**0.5


def _mc_agrees(cm: CoefficientMatrix, m: int, n: int, sigma: float) -> bool:
    error = _mc_mean(cm.k, m, n, sigma) - float(cm.evaluate(n, m, sigma))
    return abs(error) <= MC_TOLERANCE_SE * _standard_error(cm.k, m, n, sigma)


@settings(max_examples=20)
@given(
    k=st.integers(1, 6),
    m=st.integers(1, 4),
    n=st.integers(1, 4),
    sigma=st.sampled_from([0.3, 0.7, 1.0, 1.6]),
)
def test_table_matches_monte_carlo(k: int, m: int, n: int, sigma: float) -> None:
    """Each of the 384 points is seeded by its parameters; all pass (the worst is 3.9 standard
    errors), so the outcome does not depend on which examples hypothesis draws."""
    assert _mc_agrees(load_table(k, REPO_TABLES, rebuild=False), m, n, sigma)


def test_monte_carlo_detects_one_wrong_coefficient() -> None:
    """A table off by one in a single coefficient fails the same check somewhere on a small grid.

    Every coefficient for k = 2; for k = 3 those of degree a + b >= 4 (off by one in the n m
    coefficient changes E tr(S^3) by about 1.5 standard errors at best: such low-order errors
    are caught by the exact checks, the (2k-1)!! sum and the agreement of the engines).
    """
    grid = [(m, n) for m in (1, 2, 3, 6) for n in (1, 2, 3, 6)]
    for k in (2, 3):
        good = recursion_matrix(k).tolist()
        assert all(_mc_agrees(CoefficientMatrix(good), m, n, 1.0) for m, n in grid)
        for i in range(k):
            for j in range(i + 1):  # the entries with a + b <= k + 1
                if (k - i) + (j + 1) < 4:
                    continue
                wrong = [row[:] for row in good]
                wrong[i][j] += 1
                detected = not all(_mc_agrees(CoefficientMatrix(wrong), m, n, 1.0) for m, n in grid)
                assert detected, (k, i, j)
