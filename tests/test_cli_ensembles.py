"""CLI for the Gaussian and Jacobi ensembles: ``moment --ensemble``, ``show`` / ``generate
--ensemble gaussian`` (files, schema, checksums) and ``verify-ensembles``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy
from cli_runner import run

from wishart_moments.ensembles import gaussian_moment, jacobi_moment
from wishart_moments.ensembles.gaussian_loop import moment_terms
from wishart_moments.tables import SHIPPED_DIRECTORY
from wishart_moments.tables.gaussian import (
    dumps_gaussian,
    gaussian_violations,
    load_gaussian,
    read_gaussian,
    save_gaussian,
)

M, N1, N2, BETA = sympy.symbols("m n1 n2 beta")


def test_moment_gaussian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["moment", "--ensemble", "gaussian", "--parts", "4", "--m", "3", "--beta", "2"], capsys
    )
    assert code == 0 and out.strip() == "57"  # 2 m^3 + m
    code, out, _ = run(
        ["moment", "--ensemble", "gaussian", "--parts", "3,1", "--beta", "general", "--symbolic"],
        capsys,
    )
    assert code == 0
    assert (
        sympy.expand(
            sympy.sympify(out, locals={"m": M, "beta": BETA})
            - gaussian_moment([3, 1], m=M, beta=None)
        )
        == 0
    )
    code, out, _ = run(
        ["moment", "--ensemble", "gaussian", "--parts", "2", "--m", "5", "--format", "json"], capsys
    )
    doc = json.loads(out)
    assert code == 0 and doc["result"] == "15" and doc["ensemble"] == "gaussian"
    assert "Gaussian" in doc["quantity"]


def test_moment_jacobi(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["moment", "--ensemble", "jacobi", "--parts", "1", "--m", "3", "--n1", "5", "--n2", "7"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and out.strip() == "5/4"
    argv = [
        "moment",
        "--ensemble",
        "jacobi",
        "--parts",
        "2,1",
        "--m",
        "2",
        "--symbolic",
        "--beta",
        "2",
    ]
    code, out, _ = run(argv, capsys)
    got = sympy.sympify(out, locals={"n1": N1, "n2": N2})
    assert code == 0 and sympy.cancel(got - jacobi_moment([2, 1], m=2, n1=N1, n2=N2, beta=2)) == 0
    argv = [
        "moment",
        "--ensemble",
        "jacobi",
        "--parts",
        "2",
        "--m",
        "3",
        "--n1",
        "9/2",
        "--n2",
        "4",
    ]
    code, out, _ = run([*argv, "--format", "json"], capsys)
    doc = json.loads(out)
    assert sympy.Rational(doc["result"]) == jacobi_moment([2], m=3, n1=sympy.Rational(9, 2), n2=4)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--ensemble", "jacobi", "--parts", "1", "--m", "3", "--n1", "2", "--n2", "7"],
            "n1 > m - 1",
        ),
        (["--ensemble", "jacobi", "--parts", "1", "--m", "3", "--n1", "5"], "--n2 is required"),
        (["--ensemble", "gaussian", "--parts", "2", "--n", "3", "--m", "2"], "--n is not used"),
        (["--ensemble", "gaussian", "--parts", "2", "--m", "2", "--n1", "3"], "--ensemble jacobi"),
        (["--parts", "2", "--n", "3", "--m", "2", "--n2", "4"], "--ensemble jacobi"),
        (["--ensemble", "gaussian", "--parts", "200", "--symbolic", "--beta", "general"], "<= 100"),
        (
            [
                "--ensemble",
                "jacobi",
                "--parts",
                "1",
                "--m",
                "3",
                "--n1",
                "5",
                "--n2",
                "4",
                "--beta",
                "general",
            ],
            "exact rational beta",
        ),
    ],
)
def test_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["moment", *argv], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_show_and_generate_gaussian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["generate", "--ensemble", "gaussian", "--kmax", "6", "--out", str(tmp_path)], capsys
    )
    assert code == 0 and "wrote 6 Gaussian polynomial(s)" in out and err.count("\n") == 6
    for k in range(1, 7):
        assert read_gaussian(tmp_path / "gaussian" / f"k{k:02d}.json", k=k) == moment_terms([2 * k])
    code, out, _ = run(
        ["show", "3", "--ensemble", "gaussian", "--dir", str(tmp_path), "--format", "json"], capsys
    )
    assert code == 0 and out == (tmp_path / "gaussian" / "k03.json").read_text()
    code, out, _ = run(["show", "3", "--ensemble", "gaussian", "--format", "sympy"], capsys)
    got = sympy.sympify(out, locals={"m": M, "beta": BETA})
    assert sympy.expand(got - gaussian_moment([6], m=M, beta=None)) == 0
    code, out, _ = run(
        ["show", "2", "--ensemble", "gaussian", "--engine", "loop_equations"], capsys
    )
    assert code == 0 and out.splitlines()[1].split() == ["2", "m^3", "beta^2"]
    code, _, err = run(["show", "2", "--ensemble", "gaussian", "--beta", "3"], capsys)
    assert code == 2 and "drop --beta" in err
    code, _, err = run(["generate", "--ensemble", "gaussian", "--kmax", "60"], capsys)
    assert code == 2 and "kmax=60 is too large" in err


def test_gaussian_files_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save_gaussian(4, moment_terms([8]), tmp_path)
    assert load_gaussian(4, tmp_path) == moment_terms([8])
    doc = json.loads(path.read_text())
    doc["terms"][0][2] = str(int(doc["terms"][0][2]) + 1)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="checksum"):
        read_gaussian(path)
    with pytest.warns(UserWarning, match="checksum"):
        assert load_gaussian(4, tmp_path) == moment_terms([8])
    bad = dict(moment_terms([8]))
    bad[(5, 4)] += 1
    assert gaussian_violations(4, bad)
    with pytest.raises(ValueError, match="refusing"):
        save_gaussian(4, bad, tmp_path)
    code, out, _ = run(
        [
            "verify-ensembles",
            "--kmax",
            "3",
            "--degree",
            "4",
            "--jacobi-degree",
            "2",
            "--jacobi-numeric-degree",
            "2",
            "--dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 1 and f"FAIL cached {path}" in out and "1 failure(s)" in out


def test_verify_ensembles(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "verify-ensembles",
        "--kmax",
        "6",
        "--degree",
        "6",
        "--jacobi-degree",
        "3",
        "--jacobi-numeric-degree",
        "4",
    ]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "0 failure(s): all checks passed" in out
    assert "20 file(s) checked" in out
    assert out.count(" ok ") == 9


def test_shipped_gaussian_files_match_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = SHIPPED_DIRECTORY / "gaussian"
    schema = json.loads((folder / "schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(folder.glob("k*.json"))
    assert len(files) == 20
    for k, path in enumerate(files, start=1):
        validator.validate(json.loads(path.read_text()))
        assert path.read_text() == dumps_gaussian(k, moment_terms([2 * k]))
    doc = json.loads(files[1].read_text())
    doc["terms"][0][2] = 3  # a JSON number, not a string
    assert not validator.is_valid(doc)
