"""Generation of the tables: ``C^{(k)}`` for a range of ``k`` computed by an engine and saved."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from .._validation import check_beta, check_order
from .locations import default_directory
from .storage import beta_directory, check_writable, save_table


def generate_tables(
    kmax: int,
    engine: str | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    kmin: int = 1,
    beta: object = 1,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Compute ``C^{(k)}`` for ``k = kmin .. kmax`` with ``engine`` and save each table atomically.

    ``out`` (a tables root) defaults to the user cache; ``beta != 1`` tables go to its
    ``beta<B>/`` folder, which is checked before any work and created only when the first table
    is written. Each file appears whole or not at all (temporary file, ``os.replace``), so an
    interrupted run leaves the tables finished so far and nothing partial. ``engine`` defaults to
    :func:`~wishart_moments.coefficients.default_engine`. ``progress``, if given, receives one
    line per table, and for the matchings engine
    a line every few seconds while a table is being counted. Returns the paths written.
    """
    from ..coefficients import (
        check_engine_beta,
        check_engine_order,
        coefficient_matrix,
        default_engine,
    )

    beta = check_beta(beta)
    engine = default_engine(beta) if engine is None else check_engine_beta(engine, beta)
    kmin = check_order(kmin, name="kmin")
    kmax = check_engine_order(kmax, engine, name="kmax")
    if kmin > kmax:
        raise ValueError(f"kmin={kmin} is larger than kmax={kmax}")
    root = default_directory() if out is None else Path(out)
    check_writable(beta_directory(root, beta))
    paths = []
    for k in range(kmin, kmax + 1):
        start = time.perf_counter()
        counting = None
        if progress is not None and engine == "matchings":
            counting = _matchings_progress(k, progress, start)
        cm = coefficient_matrix(k, engine, beta=beta, progress=counting)
        path = save_table(cm, root)
        paths.append(path)
        if progress is not None:
            progress(f"k={k}: {engine} {time.perf_counter() - start:.2f} s -> {path}")
    return paths


def _matchings_progress(
    k: int, report: Callable[[str], None], start: float, every_s: float = 5.0
) -> Callable[[int, int], None]:
    """Adapter for the enumerator's ``progress(done, total)``: a line every ``every_s`` seconds."""
    last = start

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= every_s and done < total:
            last = now
            report(
                f"k={k}: {done:,} of {total:,} matchings ({100 * done / total:.0f}%) "
                f"after {now - start:.0f} s"
            )

    return progress
