"""CLI ``wishart-moments moment`` with --cov, --cov-file, --inverse, --power, --symbolic."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy
from cli_runner import run

from wishart_moments.cli import main
from wishart_moments.covariance import moment_cov, moment_expression_cov, moment_matrix
from wishart_moments.symbolic import n

COV = "2,1,0;1,3,1;0,1,1"
SIGMA = sympy.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 1]])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc, out, err = run(["moment", *argv], capsys)
    return rc, out.strip(), err.strip()


def test_cov_exact_scalar_and_inverse(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--parts", "3,1", "--n", "9", "--cov", COV)
    assert rc == 0 and sympy.sympify(out) == moment_cov([3, 1], n=9, cov=SIGMA)
    rc, out, _ = _run(capsys, "--parts", "1,1", "--n", "15/2", "--cov", COV, "--inverse")
    expected = moment_cov([1, 1], n=sympy.Rational(15, 2), cov=SIGMA, inverse=True)
    assert rc == 0 and sympy.sympify(out) == expected
    rc, out, _ = _run(capsys, "--parts", "2", "--n", "9", "--cov", COV, "--beta", "4")
    assert rc == 0 and sympy.sympify(out) == moment_cov([2], n=9, cov=SIGMA, beta=4)


def test_power_gives_the_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(
        capsys, "--parts", "1", "--n", "9", "--cov", COV, "--power", "2", "--format", "json"
    )
    doc = json.loads(out)
    got = sympy.Matrix([[sympy.sympify(x) for x in row] for row in doc["result"]])
    assert rc == 0 and got == moment_matrix([1], 2, n=9, cov=SIGMA)
    rc, out, _ = _run(
        capsys,
        "--parts",
        "1",
        "--n",
        "12",
        "--cov",
        COV,
        "--power",
        "1",
        "--inverse",
        "--format",
        "json",
    )
    got = sympy.Matrix([[sympy.sympify(x) for x in row] for row in json.loads(out)["result"]])
    assert got == moment_matrix([1], 1, n=12, cov=SIGMA, inverse=True)


def test_symbolic(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--parts", "2", "--cov", COV, "--symbolic")
    assert rc == 0 and sympy.sympify(out, locals={"n": n}) == moment_cov([2], n=n, cov=SIGMA)
    rc, out, _ = _run(
        capsys, "--parts", "1,1", "--cov", "general", "--inverse", "--symbolic", "--format", "json"
    )
    expr = moment_expression_cov([1, 1], inverse=True)
    doc = json.loads(out)
    assert (
        rc == 0
        and sympy.sympify(doc["result"], locals={s.name: s for s in expr.free_symbols}) == expr
    )


def test_cov_files(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    exact = tmp_path / "s.json"
    exact.write_text(json.dumps([[2, 1, 0], [1, 3, 1], [0, "1/1", 1]]))
    rc, out, _ = _run(capsys, "--parts", "2,1", "--n", "9", "--cov-file", str(exact))
    assert rc == 0 and sympy.sympify(out) == moment_cov([2, 1], n=9, cov=SIGMA)
    floats = tmp_path / "s.npy"
    np.save(floats, np.array(SIGMA.tolist(), dtype=float))
    rc, out, _ = _run(capsys, "--parts", "2,1", "--n", "9", "--cov-file", str(floats))
    assert rc == 0
    assert abs(float(out) / float(moment_cov([2, 1], n=9, cov=SIGMA)) - 1) < 1e-12


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--parts", "2", "--n", "9", "--cov", "2,1;0,3"], "not symmetric"),
        (["--parts", "2", "--n", "9", "--cov", "1,2;2,1"], "not positive definite"),
        (["--parts", "2", "--n", "9", "--cov", "1,2,3;2,1"], "square"),
        (["--parts", "2", "--n", "9", "--cov", "1,x;x,1"], "exact number"),
        (["--parts", "2", "--n", "4", "--cov", COV, "--inverse"], "beta (n - m + 1) / 2 > 2"),
        (["--parts", "2", "--n", "9", "--cov", COV, "--beta", "0"], "beta must be > 0"),
        (
            ["--parts", "2", "--n", "9", "--cov", COV, "--beta", "general", "--inverse"],
            "inverse moments need a numeric beta",
        ),
        (["--parts", "2", "--n", "-9", "--cov", COV], "n must be positive"),
        (["--parts", "2", "--n", "9", "--cov-file", "s.txt"], ".npy or .json"),
    ],
)
def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv, message) -> None:
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and not out
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_verify_cov(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["verify-cov", "--kmax", "4", "--inverse-kmax", "2"])
    out = capsys.readouterr().out
    assert rc == 0 and "verify-cov: 0 failure(s): ok" in out and "FAIL" not in out
    rc = main(["verify-cov", "--kmax", "0"])
    assert rc == 2 and "--kmax" in capsys.readouterr().err
