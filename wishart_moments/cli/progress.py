"""Progress of long CLI runs (``generate``, ``verify``): a tqdm bar on stderr.

The bar is drawn only when stderr is a terminal (tqdm's ``disable=None``), unless ``--progress``
asks for it anyway; ``--quiet`` turns it off together with the progress lines. Lines written
with :func:`write` pass above a drawn bar instead of tearing it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from tqdm import tqdm


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--progress`` on a long-running subcommand."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quiet", action="store_true", help="no progress on stderr")
    group.add_argument(
        "--progress",
        action="store_true",
        help="draw the progress bar even when stderr is not a terminal",
    )


def bar(
    total: int, label: str, args: argparse.Namespace, *, stream: TextIO | None = None
) -> tqdm:
    """A tqdm bar of ``total`` steps on stderr (or ``stream``), as ``args`` ask for it."""
    quiet = getattr(args, "quiet", False)
    forced = getattr(args, "progress", False)
    return tqdm(
        total=total,
        desc=label,
        unit="k",
        file=sys.stderr if stream is None else stream,
        disable=True if quiet else (False if forced else None),
        leave=False,
        dynamic_ncols=True,
    )


def write(line: str, *, stream: TextIO | None = None) -> None:
    """Print ``line`` (to stdout by default) above any bar being drawn."""
    tqdm.write(line, file=sys.stdout if stream is None else stream)
