"""Command line ``wishart-moments``: exact moments (any beta), the tables, the LDLT variance.

Each group of subcommands lives in a module ``wishart_moments/cli/<group>.py`` (one of
``SUBCOMMAND_MODULES``) exposing ``register(subparsers)``; every subcommand sets
``func(args) -> int``.

Exit status: 0 success; 1 a check failed (``verify``); 2 the input was refused (a usage error, or
a ``ValueError`` or ``OSError`` from the work: one line ``wishart-moments <command>: error: ...``
on stderr, never a traceback); 130 interrupted; 141 the reader of the output went away (``... |
head``: no message, as a command ended by ``SIGPIPE``). The API raises ``ValueError`` for bad
values and ``TypeError`` only for arguments of the wrong type, which the parsed command line never
passes: a ``TypeError`` (or any other exception) here is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence

from .. import __version__

PROG = "wishart-moments"
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE
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
    """Entry point of the console script; returns the exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning  # a warning is one line too
            status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (ValueError, OSError) as exc:
        print(f"{PROG} {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130


def _one_line(exc: BaseException) -> str:
    """The exception's message on one line (its type if it has none)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines) or type(exc).__name__


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush cannot fail again (the
    recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced in-process)
        pass


if __name__ == "__main__":
    sys.exit(main())
