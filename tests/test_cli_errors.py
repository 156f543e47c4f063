"""How the command line ends: one line and status 2 for refused input (never a traceback), a
traceback for a bug, status 141 and no message when the reader of the output goes away."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run

from wishart_moments.cli import EXIT_BROKEN_PIPE, main

ROOT = Path(__file__).resolve().parents[1]


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``show 90 --engine five_term | head -c 100``: about 1 MB of output, the reader leaves after
    100 bytes; no "Broken pipe" message, the status a shell gives a command ended by SIGPIPE."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "wishart_moments", "show", "90", "--engine", "five_term"]
    with subprocess.Popen(
        argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        head = proc.stdout.read(100)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert head.startswith(b"# E tr(S^90)")
    assert err == ""
    assert code == EXIT_BROKEN_PIPE == 141


@pytest.mark.parametrize(
    ("content", "why"),
    [(np.ones(3), r"must hold an m x m matrix, got shape \(3,\)"), (None, "cannot read")],
)
def test_bad_cov_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, why: str
) -> None:
    path = tmp_path / "sigma.npy"
    if content is None:
        path.write_bytes(b"")  # an empty file
    else:
        np.save(path, content)
    code, out, err = run(["moment", "--parts", "2", "--n", "5", "--cov-file", str(path)], capsys)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "error:" in err
    assert re.search(why, err)


def test_orders_beyond_reach_are_refused_before_any_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    for argv in (
        ["show", "1000000"],
        ["moment", "--parts", "1000000", "--n", "5", "--m", "3"],
        ["verify", "--kmax", "1000000"],
        ["generate", "--kmax", "1000000", "--out", str(out_dir)],
        ["generate", "--kmax", "1000000", "--beta", "general", "--out", str(out_dir)],
    ):
        code, out, err = run(argv, capsys)
        assert code == 2 and out == "", argv
        assert "is too large for engine" in err and len(err.splitlines()) == 1, argv
    assert not out_dir.exists()


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ValueError and OSError are the user's input; anything else propagates."""
    from wishart_moments.cli import variance

    def broken(args: object) -> int:
        raise TypeError("a bug")

    monkeypatch.setattr(variance, "_variance", broken)
    with pytest.raises(TypeError, match="a bug"):
        main(["variance", "--m", "4", "--n", "5", "--sigma2", "0.1"])


def test_a_multi_line_message_is_printed_on_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wishart_moments.cli import variance

    def refuse(args: object) -> int:
        raise ValueError("first line\nsecond line\n")

    monkeypatch.setattr(variance, "_variance", refuse)
    code, _, err = run(["variance", "--m", "4", "--n", "5", "--sigma2", "0.1"], capsys)
    assert code == 2
    assert err == "wishart-moments variance: error: first line; second line\n"
