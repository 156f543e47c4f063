"""The CLI run in-process for the CLI tests: ``run(argv, capsys) -> (code, stdout, stderr)``."""

from __future__ import annotations

import pytest

from wishart_moments.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; argparse usage errors exit through SystemExit."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
