"""CLI ``generate`` / ``show`` / ``verify``: output, files, and one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

from wishart_moments.coefficients import engine_limit
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.tables import SHIPPED_DIRECTORY, cache_directory, read_table


def test_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["generate", "--kmax", "5", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"k0{k}.json" for k in range(1, 6)]
    assert all(read_table(tmp_path / f"k0{k}.json") == recursion_matrix(k) for k in range(1, 6))
    assert "wrote 5 table(s)" in out and err.count("\n") == 5 and "k=5: recursion" in err
    code, out, err = run(
        ["generate", "--kmax", "4", "--engine", "matchings", "--out", str(tmp_path), "--quiet"],
        capsys,
    )
    assert code == 0 and err == ""
    assert read_table(tmp_path / "k04.json").engine == "matchings"


def test_show_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["generate", "--kmax", "3", "--out", str(tmp_path), "--quiet"], capsys)[0] == 0
    code, out, _ = run(["show", "3", "--dir", str(tmp_path)], capsys)
    assert code == 0
    assert out.splitlines()[1:] == [
        "     m^1  m^2  m^3",
        "n^3    1    0    0",
        "n^2    3    3    0",
        "n^1    4    3    1",
    ]
    code, out, _ = run(["show", "3", "--dir", str(tmp_path), "--format", "json"], capsys)
    assert code == 0 and json.loads(out) == json.loads((tmp_path / "k03.json").read_text())
    code, out, _ = run(["show", "2", "--dir", str(tmp_path), "--format", "sympy"], capsys)
    assert code == 0 and out.strip() == "sigma**4*(m**2*n + m*n**2 + m*n)"
    code, out, _ = run(["show", "2", "--engine", "matchings", "--format", "latex"], capsys)
    assert code == 0 and out.strip() == r"\sigma^{4} \left(m^{2} n + m n^{2} + m n\right)"


def test_show_looks_in_dir_then_shipped_then_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = cache_directory()
    code, out, _ = run(["show", "4", "--dir", str(tmp_path)], capsys)  # not in DIR: shipped
    assert code == 0 and f"{SHIPPED_DIRECTORY / 'k04.json'} (engine" in out.splitlines()[0]
    code, out, _ = run(["show", "43", "--dir", str(tmp_path)], capsys)  # nowhere: cached
    assert code == 0 and f"{cache / 'k43.json'} (engine recursion)" in out.splitlines()[0]
    assert read_table(cache / "k43.json") == recursion_matrix(43)
    assert list(tmp_path.iterdir()) == []  # the directory read is never written


def test_reading_never_creates_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing"
    for argv in (["show", "5"], ["show", "5", "--beta", "general"], ["verify", "--kmax", "2"]):
        code, _, err = run([*argv, "--dir", str(missing)], capsys)
        assert code == 2 and err.count("\n") == 1 and f"{missing} does not exist" in err
    assert not missing.exists()
    out = missing / "new"
    assert run(["generate", "--kmax", "2", "--out", str(out), "--quiet"], capsys)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["k01.json", "k02.json"]


def test_generate_without_out_writes_to_the_user_cache(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["generate", "--kmin", "44", "--kmax", "44", "--quiet"], capsys)
    assert code == 0 and f"to {cache_directory()} in" in out
    assert read_table(cache_directory() / "k44.json") == recursion_matrix(44)


def test_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["generate", "--kmax", "6", "--out", str(tmp_path), "--quiet"], capsys)
    argv = ["verify", "--kmax", "6", "--matchings-kmax", "5", "--dir", str(tmp_path)]
    code, out, _ = run(argv, capsys)
    assert code == 0, out
    assert "engine matchings: k = 1..5" in out and "6 file(s) checked" in out
    assert "0 failure(s): all checks passed" in out
    assert "  5  recursion, five_term, matchings, zonal, loop_equations" in out
    assert "  6  recursion, five_term, zonal, loop_equations" in out
    # A cached file that is corrupt (one digit changed, checksum kept) fails verify.
    path = tmp_path / "k06.json"
    doc = json.loads(path.read_text())
    doc["matrix"][5][0] = str(int(doc["matrix"][5][0]) + 10)
    path.write_text(json.dumps(doc))
    code, out, _ = run(argv, capsys)
    assert code == 1 and f"FAIL cached {path}" in out and "checksum" in out


def test_verify_default_directory_is_the_committed_tables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WISHART_MOMENTS_TABLES", raising=False)
    code, out, _ = run(["verify", "--kmax", "3", "--matchings-kmax", "3"], capsys)
    assert code == 0 and "/tables: " in out
    assert int(out.split("/tables: ")[1].split()[0]) >= 40  # the committed k01 .. k40


@pytest.mark.parametrize(
    "argv, message",
    [
        (["show", "0"], "k must be a positive integer, got 0"),
        (["show", "-1"], "k must be a positive integer, got -1"),
        (["show", "abc"], "invalid int value: 'abc'"),
        (["generate", "--kmax", "0"], "kmax must be a positive integer"),
        (["generate", "--kmax", "abc"], "invalid int value"),
        (["generate", "--kmax", "3", "--engine", "wick"], "invalid choice: 'wick'"),
        (["show", "3", "--engine", "wick"], "invalid choice: 'wick'"),
        (["show", "3", "--format", "xml"], "invalid choice: 'xml'"),
        (["verify", "--kmax", "-2"], "kmax must be a positive integer"),
        (["generate", "--kmax", "3", "--kmin", "5"], "kmin=5 is larger than kmax=3"),
    ],
)
def test_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extra = ["--out", str(tmp_path)] if argv[0] == "generate" else []
    code, _, err = run([*argv, *extra], capsys)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    code, _, err = run(["generate", "--kmax", "2", "--out", str(blocker / "sub")], capsys)
    assert code == 2 and err.count("\n") == 1 and f"cannot write tables to {blocker}" in err


def test_k_too_large_for_matchings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    limit = engine_limit("matchings")
    assert limit is not None
    argv = ["generate", "--kmax", str(limit + 1), "--engine", "matchings", "--out", str(tmp_path)]
    code, _, err = run(argv, capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"<= {limit}" in err and "perfect matchings" in err and "recursion" in err
    assert list(tmp_path.iterdir()) == []
    code, _, err = run(["show", str(limit + 1), "--engine", "matchings"], capsys)
    assert code == 2 and err.count("\n") == 1 and f"<= {limit}" in err
