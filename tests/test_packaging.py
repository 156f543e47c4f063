"""What the distribution promises: one version in both packages, typed packages, the shipped
tables where pyproject.toml maps them, and experiments that name their extra when it is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import lipschitz_layers
import wishart_moments

ROOT = Path(__file__).resolve().parent.parent


def test_both_packages_carry_the_version_and_are_typed() -> None:
    assert lipschitz_layers.__version__ == wishart_moments.__version__
    assert wishart_moments.__version__.count(".") == 2
    for package in (wishart_moments, lipschitz_layers):
        assert (Path(package.__file__).parent / "py.typed").is_file()


def test_the_shipped_tables_have_one_home() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {"wishart_moments.shipped_tables": "tables"}
    assert (ROOT / "tables" / "schema.json").is_file()
    assert len(list((ROOT / "tables").glob("k*.json"))) >= 40
    assert not list((ROOT / "wishart_moments").rglob("k[0-9][0-9].json"))  # no second copy


@pytest.mark.parametrize("experiment", ["variance_scaling", "lyapunov_depth"])
def test_an_experiment_without_its_extra_says_which_one(experiment: str, tmp_path: Path) -> None:
    script = (
        "import runpy, sys\n"
        "sys.modules['sklearn'] = None  # as if scikit-learn were not installed\n"
        f"sys.argv = ['{experiment}', '--quick', '--out', sys.argv[1]]\n"
        f"runpy.run_module('experiments.{experiment}', run_name='__main__')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "scikit-learn" in run.stderr and "'.[experiments]'" in run.stderr
    assert not (tmp_path / "out").exists()
