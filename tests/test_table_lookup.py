"""Where tables are looked up and written: ``$WISHART_MOMENTS_TABLES``, the shipped tables, the
user cache, then computed and cached; nothing written into the package, no directory created by
a read, no partial file left by ``generate``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wishart_moments.engines.loop_equations import moment_terms
from wishart_moments.engines.recursion import recursion_matrix
from wishart_moments.layout import CoefficientMatrix
from wishart_moments.tables import (
    ENV_TABLES_DIR,
    SHIPPED_DIRECTORY,
    cache_directory,
    default_directory,
    find_table,
    generate_tables,
    load_polynomial,
    load_table,
    read_table,
    save_table,
    search_path,
    shipped_directory,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_TREES = (ROOT / "wishart_moments", ROOT / "lipschitz_layers", ROOT / "tables")


def _files(*trees: Path) -> set[Path]:
    """Every file under ``trees`` except Python's and Numba's bytecode caches."""
    return {
        p for tree in trees for p in tree.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }


def test_search_order_and_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = tmp_path / "xdg" / "wishart-moments" / "tables"
    assert cache_directory() == default_directory() == cache
    assert shipped_directory() == SHIPPED_DIRECTORY == ROOT / "tables"  # a source checkout
    assert search_path() == [ROOT / "tables"]  # the cache does not exist yet: left out
    assert not cache.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    monkeypatch.setenv(ENV_TABLES_DIR, str(mine))
    assert search_path() == [mine, ROOT / "tables"]
    cm = CoefficientMatrix(recursion_matrix(12).matrix, engine="five_term")
    path = save_table(cm, mine)
    assert find_table(12) == (cm, path)  # the environment's copy comes before the shipped one
    assert find_table(11)[1] == ROOT / "tables" / "k11.json"
    # Missing everywhere: computed and cached in the user cache, never in the env directory.
    assert find_table(41) == (recursion_matrix(41), cache / "k41.json")
    assert sorted(p.name for p in mine.iterdir()) == ["k12.json"]
    assert search_path() == [mine, ROOT / "tables", cache]
    assert find_table(41)[1] == cache / "k41.json"  # read back from the cache
    other = tmp_path / "other"
    other.mkdir()
    assert search_path(other) == [other, ROOT / "tables", cache]  # it replaces the environment


def test_nothing_is_written_into_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = _files(*PACKAGE_TREES)
    from cli_runner import main

    assert load_table(41) == recursion_matrix(41)
    assert load_table(3, beta=3) == load_table(3, beta=3, rebuild=False)  # computed, then cached
    assert load_table(42, beta=2) == load_table(42, beta=2, rebuild=False)
    assert load_polynomial(25) == moment_terms([25])  # not shipped: computed, not written
    assert main(["show", "43"]) == 0
    assert _files(*PACKAGE_TREES) == before
    cache = tmp_path / "xdg" / "wishart-moments" / "tables"
    assert {p.relative_to(cache).as_posix() for p in _files(cache)} == {
        "k41.json",
        "k43.json",
        "beta3/k03.json",
        "beta2/k42.json",
    }


def test_reading_never_creates_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing"
    for read in (
        lambda: load_table(3, missing),
        lambda: load_table(3, missing, beta=2, rebuild=False),
        lambda: load_polynomial(3, missing),
    ):
        with pytest.raises(ValueError, match=f"tables directory {missing} does not exist"):
            read()
    monkeypatch.setenv(ENV_TABLES_DIR, str(missing))
    with pytest.raises(ValueError, match=rf"\${ENV_TABLES_DIR} {missing} does not exist"):
        load_table(3)
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    with pytest.raises(ValueError, match=f"{a_file} is not a directory"):
        load_table(3, a_file)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_unwritable_cache_warns_and_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.warns(UserWarning, match=f"could not cache it: cannot write tables to {blocker}"):
        assert find_table(47) == (recursion_matrix(47), None)


def test_generate_leaves_whole_files_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wishart_moments import coefficients  # generate_tables looks it up at each call

    real = coefficients.coefficient_matrix

    def interrupted_at_3(k: int, *args: object, **kwargs: object) -> CoefficientMatrix:
        if k == 3:
            raise KeyboardInterrupt
        return real(k, *args, **kwargs)

    monkeypatch.setattr(coefficients, "coefficient_matrix", interrupted_at_3)
    out = tmp_path / "new" / "tables"
    with pytest.raises(KeyboardInterrupt):
        generate_tables(5, "recursion", out, kmin=3)
    assert not (tmp_path / "new").exists()  # nothing written yet: no directory either
    with pytest.raises(KeyboardInterrupt):
        generate_tables(5, "recursion", out)
    assert sorted(p.name for p in out.iterdir()) == ["k01.json", "k02.json"]
    assert [read_table(p) for p in sorted(out.iterdir())] == [recursion_matrix(k) for k in (1, 2)]

    def interrupted_write(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(coefficients, "coefficient_matrix", real)
    monkeypatch.setattr(os, "replace", interrupted_write)
    with pytest.raises(KeyboardInterrupt):
        generate_tables(4, "recursion", out, kmin=4)
    assert sorted(p.name for p in out.iterdir()) == ["k01.json", "k02.json"]  # no temporary file


def _installed_copy(site: Path) -> None:
    """Lay the package out in ``site`` as the wheel does, following pyproject.toml's mapping."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    ignore = shutil.ignore_patterns("__pycache__")
    for package in ("wishart_moments", "lipschitz_layers"):
        shutil.copytree(ROOT / package, site / package, ignore=ignore)
    for package, folder in config["package-dir"].items():
        shutil.copytree(ROOT / folder, site.joinpath(*package.split(".")), ignore=ignore)


def test_an_installed_package_finds_its_tables_and_writes_only_to_the_cache(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site-packages"
    _installed_copy(site)
    cache = tmp_path / "xdg" / "wishart-moments" / "tables"
    script = (
        "from wishart_moments.tables import shipped_directory, load_table, find_table\n"
        "from wishart_moments.cli import main\n"
        "print(shipped_directory())\n"
        "load_table(40, rebuild=False); load_table(40, beta=4, rebuild=False)\n"
        "print(find_table(41)[1])\n"
        "raise SystemExit(main(['show', '44', '--format', 'json']))\n"
    )
    before = _files(site)
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop(ENV_TABLES_DIR, None)
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == str(site / "wishart_moments" / "shipped_tables")
    assert lines[1] == str(cache / "k41.json")
    assert json.loads("\n".join(lines[2:]))["k"] == 44
    assert _files(site) == before
    assert {p.name for p in _files(cache)} == {"k41.json", "k44.json"}
