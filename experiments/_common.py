"""Plumbing shared by the experiments: command line, device, seeding, progress, atomic outputs.

Every experiment is run as ``python -m experiments.NAME [--quick] --out DIR [--device cpu|cuda]``.
Outputs are written atomically (a temporary file in the same directory, fsync, ``os.replace``), so
an interrupted experiment never leaves a truncated CSV, JSON or PNG behind.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

DEVICES = ("cpu", "cuda")
#: What every experiment needs beyond the package (module -> distribution): the
#: ``experiments`` extra. deel-torchlip (same extra) and Ray (the ``ray`` extra) are optional.
EXPERIMENTS_EXTRA = {"matplotlib": "matplotlib", "sklearn": "scikit-learn"}


def check_experiments_extra() -> None:
    """``ValueError`` naming the ``experiments`` extra if a module it installs is missing (checked
    before any work, so a long run cannot fail at its last step)."""
    missing = [d for m, d in EXPERIMENTS_EXTRA.items() if importlib.util.find_spec(m) is None]
    if missing:
        raise ValueError(
            f"the experiments extra is not installed (missing: {', '.join(missing)}): "
            "python3 -m pip install -e '.[experiments]' from the repository root"
        )


class _OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def make_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The parser every experiment starts from: ``--quick``, ``--out``, ``--device``, ``--seed``."""
    parser = _OneLineParser(prog=f"python -m experiments.{prog}", description=description)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes that finish in seconds (used by the tests)"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for figures and data")
    parser.add_argument("--device", choices=DEVICES, default="cpu", help="torch device")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random generator")
    parser.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads (default: torch's choice; 1 with --quick, where small matrices "
        "and a shared machine make more threads much slower)",
    )
    return parser


def configure_threads(args: argparse.Namespace) -> int | None:
    """Apply ``--threads`` (1 under ``--quick`` unless given) to torch; return the count set."""
    threads = args.threads if args.threads is not None else (1 if args.quick else None)
    if threads is not None:
        if threads < 1:
            raise ValueError(f"--threads must be >= 1, got {threads}")
        import torch

        torch.set_num_threads(threads)
    return threads


def run_main(
    main: Callable[[argparse.Namespace], int],
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
) -> int:
    """Parse ``argv``, check the experiments extra, run ``main``; a ValueError/OSError becomes
    one line and exit status 2."""
    args = parser.parse_args(argv)
    try:
        check_experiments_extra()
        return int(main(args) or 0)
    except (ValueError, OSError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130


def resolve_device(name: str) -> Any:
    """The ``torch.device`` for ``name``; ``ValueError`` if it is unknown or CUDA is absent."""
    import torch

    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}: allowed are {', '.join(DEVICES)}")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but torch.cuda.is_available() is False")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed Python's and torch's global generators (NumPy code uses ``default_rng(seed)``)."""
    random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a hard dependency of the project
        return
    torch.manual_seed(seed)


class Progress:
    """Progress lines on stderr: ``[name] i/total (pct) elapsed, eta: message``."""

    def __init__(self, name: str, total: int, stream: IO[str] | None = None) -> None:
        self.name = name
        self.total = max(int(total), 0)
        self.done = 0
        self.start = time.monotonic()
        self.stream = stream if stream is not None else sys.stderr

    def step(self, message: str = "", count: int = 1) -> None:
        """Record ``count`` finished units and print one line."""
        self.done += count
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done and self.total else 0.0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        print(
            f"[{self.name}] {self.done}/{self.total} ({pct:.0f}%) {elapsed:.1f}s, eta {eta:.1f}s"
            + (f": {message}" if message else ""),
            file=self.stream,
            flush=True,
        )

    def note(self, message: str) -> None:
        """Print a free-form line with the elapsed time."""
        elapsed = time.monotonic() - self.start
        print(f"[{self.name}] {elapsed:.1f}s: {message}", file=self.stream, flush=True)


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success fsync it and ``os.replace`` onto ``path``.

    The parent directory is created if needed. On an exception the temporary file is removed and
    ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def to_json(obj: Any) -> str:
    """JSON text of ``obj`` (NumPy scalars/arrays and paths allowed; NaN written as NaN)."""
    return json.dumps(obj, indent=2, sort_keys=True, default=_json_default)


def write_json_atomic(path: Path | str, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically; return the path."""
    return write_text_atomic(path, to_json(obj) + "\n")


def write_csv_atomic(
    path: Path | str, rows: Iterable[Mapping[str, Any]], fieldnames: Sequence[str] | None = None
) -> Path:
    """Write ``rows`` (dicts) as CSV with a header to ``path`` atomically; return the path.

    ``fieldnames`` defaults to the keys of the first row, in order.
    """
    rows = list(rows)
    if fieldnames is None:
        fieldnames = list(rows[0]) if rows else []
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fieldnames), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in fieldnames})
    return write_text_atomic(path, buffer.getvalue())


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots`` on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kwargs.setdefault("figsize", (5.0 * ncols, 3.8 * nrows))
    kwargs.setdefault("squeeze", False)
    return plt.subplots(nrows, ncols, **kwargs)


def save_figure_atomic(fig: Any, path: Path | str, dpi: int = 110) -> Path:
    """Save a matplotlib figure as PNG atomically, close it, and return the path."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    plt.close(fig)
    return Path(path)
