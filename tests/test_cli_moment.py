"""CLI ``moment`` and ``show/generate/verify --beta``: output, JSON round trip, one-line errors."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from cli_runner import run

from wishart_moments.cli import main
from wishart_moments.coefficients import coefficient_matrix
from wishart_moments.moments import BETA, moment, moment_expression
from wishart_moments.symbolic import m, n
from wishart_moments.tables import read_table


def test_moment_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["moment", "--parts", "3,1", "--n", "7", "--m", "3", "--beta", "2"], capsys)
    assert code == 0 and out.strip() == str(moment([3, 1], n=7, m=3, beta=2))
    code, out, _ = run(
        ["moment", "--parts", "2", "--n", "7.5", "--m", "3", "--beta", "1/2"], capsys
    )
    assert code == 0 and sympy.Rational(out.strip()) == moment(
        [2], n=Fraction(15, 2), m=3, beta=Fraction(1, 2)
    )
    code, out, _ = run(["moment", "--parts", "2", "--n", "7", "--m", "3"], capsys)
    assert code == 0 and out.strip() == "231"  # real: nm(n + m + 1)


def test_moment_symbolic_and_latex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["moment", "--parts", "2", "--beta", "general", "--symbolic"], capsys)
    expr = sympy.sympify(out.strip(), locals={"n": n, "m": m, "beta": BETA})
    assert code == 0 and sympy.expand(expr - moment_expression([2], beta=None)) == 0
    code, out, _ = run(
        ["moment", "--parts", "2", "--beta", "4", "--symbolic", "--format", "latex"], capsys
    )
    assert code == 0 and out.strip() == sympy.latex(moment_expression([2], beta=4))


def test_moment_json_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "moment",
        "--parts",
        "3,2",
        "--n",
        "15/2",
        "--m",
        "4",
        "--beta",
        "3",
        "--format",
        "json",
    ]
    code, out, _ = run(argv, capsys)
    doc = json.loads(out)
    assert code == 0 and doc["parts"] == [3, 2] and doc["beta"] == "3" and doc["n"] == "15/2"
    assert sympy.Rational(doc["result"]) == moment([3, 2], n=Fraction(15, 2), m=4, beta=3)
    code, out, _ = run(
        ["moment", "--parts", "4", "--symbolic", "--beta", "general", "--format", "json"], capsys
    )
    doc = json.loads(out)
    back = sympy.sympify(doc["result"], locals={"n": n, "m": m, "beta": BETA})
    assert sympy.expand(back - moment_expression([4], beta=None)) == 0
    assert doc["symbolic"] is True and doc["beta"] == "general" and "latex" in doc


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--parts", "2,x", "--n", "7", "--m", "3"], "--parts must be comma-separated"),
        (["--parts", "2,-1", "--n", "7", "--m", "3"], "nonnegative"),
        (["--parts", "2", "--n", "7", "--m", "2.5"], "m must be a positive integer"),
        (["--parts", "2", "--n", "7", "--m", "3", "--beta", "0"], "beta must be > 0"),
        (["--parts", "2", "--n", "7", "--m", "3", "--beta=-1/2"], "beta must be > 0"),
        (["--parts", "2", "--n", "7", "--m", "3", "--beta", "x"], "beta must be an exact"),
        (["--parts", "2", "--n", "zero", "--m", "3"], "--n must be an exact number"),
        (["--parts", "2", "--n", "0", "--m", "3"], "n must be > 0"),
        (["--parts", "2", "--n", "7"], "--m is required"),
        (["--parts", "2", "--m", "3"], "--n is required"),
        (["--parts", "2", "--n", "7", "--cov", "1,2;3"], "square"),
        (["--parts", "2", "--n", "7", "--cov-file", "sigma.txt"], ".npy or .json"),
        (["--parts", "2", "--n", "7", "--m", "3", "--power", "-1"], "--power must be >= 0"),
        (["--parts", "2", "--n", "7", "--cov", "general"], "--cov general needs --symbolic"),
    ],
)
def test_moment_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["moment", *argv], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_show_generate_verify_beta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["generate", "--kmax", "4", "--beta", "4", "--out", str(tmp_path), "--quiet"], capsys
    )
    assert code == 0 and err == "" and "beta=4" in out
    cm = read_table(tmp_path / "beta4" / "k04.json")
    assert cm == coefficient_matrix(4, beta=4) and cm.beta == 4
    code, out, _ = run(["show", "3", "--beta", "4", "--dir", str(tmp_path)], capsys)
    assert code == 0 and "beta=4 (quaternion)" in out
    assert out.splitlines()[1:] == [
        "      m^1   m^2  m^3",
        "n^3     1     0    0",
        "n^2  -3/2     3    0",
        "n^1     1  -3/2    1",
    ]
    code, out, _ = run(["show", "3", "--beta", "2", "--format", "sympy"], capsys)
    assert code == 0 and out.strip() == "sigma**6*(m**3*n + 3*m**2*n**2 + m*n**3 + m*n)"
    code, out, _ = run(["verify", "--beta", "4", "--kmax", "4", "--dir", str(tmp_path)], capsys)
    assert code == 0 and "4 file(s) checked" in out and "all checks passed" in out
    code, out, _ = run(["verify", "--beta", "2", "--kmax", "6"], capsys)
    assert code == 0 and "40 file(s) checked" in out and "all checks passed" in out
    code, out, _ = run(["verify", "--beta", "3", "--kmax", "5", "--dir", str(tmp_path)], capsys)
    assert code == 0 and "0 file(s) checked" in out


def test_verify_beta_catches_a_wrong_cached_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["generate", "--kmax", "3", "--beta", "2", "--out", str(tmp_path)], capsys)[0] == 0
    path = tmp_path / "beta2" / "k03.json"
    path.write_text(path.read_text().replace('"3"', '"4"', 1))
    code, out, _ = run(["verify", "--beta", "2", "--kmax", "3", "--dir", str(tmp_path)], capsys)
    assert code == 1 and f"FAIL cached {path}" in out


def test_table_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["show", "3", "--beta", "0"], capsys)
    assert code == 2 and err.count("\n") == 1 and "beta must be > 0" in err
    code, _, err = run(["generate", "--kmax", "3", "--beta", "2", "--engine", "zonal"], capsys)
    assert code == 2 and err.count("\n") == 1 and "computes beta=1 only" in err
    code, _, err = run(
        ["generate", "--kmax", "30", "--engine", "matchings", "--out", str(tmp_path)], capsys
    )
    assert code == 2 and err.count("\n") == 1 and "allowed 1 <= kmax <=" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("terminal", "flag", "bar", "lines"),
    [
        (True, None, True, True),  # a terminal: the bar, and the lines above it
        (False, None, False, True),  # a log file or pipe: the lines only
        (False, "--progress", True, True),  # asked for: the bar anyway
        (True, "--quiet", False, False),  # nothing
    ],
)
def test_progress_on_stderr(
    terminal: bool,
    flag: str | None,
    bar: bool,
    lines: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    argv = ["generate", "--kmax", "3", "--out", str(tmp_path), *([flag] if flag else [])]
    assert main(argv) == 0
    err = stderr.getvalue()
    assert ("generate:" in err and "/3 [" in err) is bar, err
    assert ("k=3: recursion" in err) is lines, err
    assert "wrote 3 table(s)" in stdout.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k01.json", "k02.json", "k03.json"]


def test_quiet_and_progress_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["verify", "--kmax", "2", "--quiet", "--progress"], capsys)
    assert code == 2 and "not allowed with argument" in err


# ---------------------------------------------------------------- delegation to covariance


def test_moment_with_cov_and_inverse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    covariance = pytest.importorskip("wishart_moments.covariance")
    import numpy as np

    code, out, _ = run(["moment", "--parts", "2", "--n", "9", "--cov", "2,1;1,3"], capsys)
    sigma = [[2, 1], [1, 3]]
    assert code == 0 and sympy.Integer(out.strip()) == moment([2], n=9, cov=sigma)
    assert moment([2], n=9, cov=sigma) == 9**2 * 15 + 9 * 25 + 9 * 15  # n^2 p2 + n p1^2 + n p2
    code, out, _ = run(
        ["moment", "--parts", "1", "--n", "9", "--cov", "2,1;1,3", "--inverse"], capsys
    )
    assert code == 0 and out.strip() == "1/6"  # tr Sigma^{-1} / (n - m - 1)
    np.save(tmp_path / "sigma.npy", np.array([[2.0, 1.0], [1.0, 3.0]]))
    from_file = ["moment", "--parts", "1", "--n", "9", "--cov-file"]
    code, out, _ = run([*from_file, str(tmp_path / "sigma.npy"), "--inverse"], capsys)
    assert code == 0 and abs(float(out) - 1 / 6) < 1e-12
    (tmp_path / "sigma.json").write_text(json.dumps([[2, "1"], [1, 3]]))
    code, out, _ = run(
        [*from_file, str(tmp_path / "sigma.json"), "--power", "1", "--format", "json"], capsys
    )
    doc = json.loads(out)
    want = covariance.moment_matrix([1], 1, n=9, cov=sigma)
    assert (
        code == 0 and sympy.Matrix([[sympy.Rational(c) for c in r] for r in doc["result"]]) == want
    )
    code, out, err = run(["moment", "--parts", "1", "--n", "2", "--m", "3", "--inverse"], capsys)
    assert code == 2 and out == "" and "infinite" in err and err.count("\n") == 1


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_identity_covariance_agrees_with_the_loop_equations(beta: int) -> None:
    """The Stein engine with Sigma = I and the loop equations are independent derivations."""
    covariance = pytest.importorskip("wishart_moments.covariance")
    eye = sympy.eye(3).tolist()
    for parts in ([3], [2, 1], [2, 2], [4, 1]):
        assert moment(parts, n=7, cov=eye, beta=beta) == moment(parts, n=7, m=3, beta=beta)
    general = moment_expression([2, 1], beta=beta, cov="general")
    p = {covariance.power_sum_symbol(j): m for j in range(1, 4)}  # tr I^j = m
    assert sympy.expand(general.xreplace(p) - moment_expression([2, 1], beta=beta)) == 0


def test_general_beta_tables_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wishart_moments.engines.loop_equations import moment_terms
    from wishart_moments.tables import read_polynomial

    code, out, _ = run(
        ["generate", "--beta", "general", "--kmax", "4", "--out", str(tmp_path)], capsys
    )
    assert code == 0 and read_polynomial(tmp_path / "general" / "k04.json") == moment_terms([4])
    code, out, _ = run(["show", "2", "--beta", "general", "--format", "sympy"], capsys)
    assert code == 0 and out.strip() == "m**2*n + m*n**2 - m*n + 2*m*n/beta"
    code, out, _ = run(["show", "3", "--beta", "general", "--dir", str(tmp_path)], capsys)
    assert code == 0 and "10 terms" in out and " 2  n^1 m^1 alpha^2" in out.splitlines()
    code, out, _ = run(["verify", "--beta", "general", "--kmax", "6"], capsys)
    assert code == 0 and "20 file(s) checked" in out and "all checks passed" in out
    path = tmp_path / "general" / "k03.json"
    path.write_text(path.read_text().replace('"-3"', '"-4"', 1))
    code, out, _ = run(
        ["verify", "--beta", "general", "--kmax", "3", "--dir", str(tmp_path)], capsys
    )
    assert code == 1 and f"FAIL cached {path}" in out
