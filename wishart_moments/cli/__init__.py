"""Command line ``wishart-moments``: exact moments (any beta), the tables, the LDLT variance.

Each group of subcommands lives in a module ``wishart_moments/cli/<group>.py`` (one of
``SUBCOMMAND_MODULES``) exposing ``register(subparsers)``; every subcommand sets
``func(args) -> int``. Errors in the user's input print one line on stderr and exit with status
2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

from .. import __version__

PROG = "wishart-moments"
#: The modules of this package that register subcommands, in the order of ``--help``.
SUBCOMMAND_MODULES = ("covariance", "ensembles", "moment", "noncentral", "tables", "variance")


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def _one_line_warning(message: Warning | str, *_: object, **__: object) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning  # a warning is one line too
            return int(args.func(args) or 0)
    except (ValueError, OSError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
