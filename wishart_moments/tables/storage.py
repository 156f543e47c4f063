"""How the tables are read, written atomically, and looked up (computed and cached in the user
cache when no readable copy exists; see :mod:`.locations` for where they are looked up).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

from .._validation import check_beta, check_engine, check_order
from ..layout import (
    CoefficientMatrix,
)
from .format import (
    beta_label,
    dumps_table,
    parse_table,
    table_filename,
)
from .locations import cache_directory, default_directory, search_path, shipped_directory

SHIPPED_DIRECTORY = shipped_directory()


def beta_directory(root: str | os.PathLike[str], beta: object = 1) -> Path:
    """The folder of the ``beta`` tables under a tables root: the root itself for ``beta = 1``,
    else ``root/beta<label>`` (``beta2``, ``beta4``, ``beta1_2``)."""
    beta = check_beta(beta)
    return Path(root) if beta == 1 else Path(root) / f"beta{beta_label(beta)}"


def read_table(
    path: str | os.PathLike[str], *, k: int | None = None, beta: object = None
) -> CoefficientMatrix:
    """Read and verify one table file (see :func:`parse_table`); optionally require order ``k``
    and field ``beta``.

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError`` if it is not valid JSON,
    not a table, corrupt, or of another order or beta.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from exc
    cm = parse_table(doc, source=str(path))
    if k is not None and cm.k != k:
        raise ValueError(f"{path} holds the table for k={cm.k}, expected k={k}")
    if beta is not None and cm.beta != check_beta(beta):
        raise ValueError(f"{path} holds the table for beta={cm.beta}, expected beta={beta}")
    return cm


def check_writable(directory: str | os.PathLike[str]) -> Path:
    """``directory`` as a ``Path`` if tables can be written there, creating nothing: it is a
    writable directory, or it does not exist yet and its nearest existing ancestor is one.
    ``ValueError`` naming the path otherwise."""
    path = Path(directory).expanduser()
    probe = path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"cannot write tables to {path}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write tables to {path}: permission denied on {probe}")
    return path


def _writable_directory(directory: str | os.PathLike[str] | None) -> Path:
    """``directory`` (default: the user cache), created if needed, ready for a write."""
    path = check_writable(default_directory() if directory is None else directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot write tables to {path}: {exc.strerror or exc}") from exc
    return path


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see either the old or the new file, whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable where the platform allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def save_table(cm: CoefficientMatrix, directory: str | os.PathLike[str] | None = None) -> Path:
    """Write ``cm`` atomically to ``directory/kNN.json`` (``directory/beta<B>/kNN.json`` for
    ``beta != 1``; ``directory`` is a tables root, by default the user cache) and return the
    path. The folder is created if needed.

    Refuses (``ValueError``) a table that fails an invariant or names no known engine, and an
    unwritable directory.
    """
    if not isinstance(cm, CoefficientMatrix):
        raise TypeError(f"cm must be a CoefficientMatrix, got {type(cm).__name__}")
    check_engine(cm.engine)
    bad = cm.violations()
    if bad:
        raise ValueError(f"refusing to save an invalid table for k={cm.k}: {'; '.join(bad)}")
    root = default_directory() if directory is None else Path(directory)
    path = _writable_directory(beta_directory(root, cm.beta)) / table_filename(cm.k)
    try:
        _write_atomic(path, dumps_table(cm))
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def find_table(
    k: int,
    directory: str | os.PathLike[str] | None = None,
    *,
    beta: object = 1,
    rebuild: bool = True,
) -> tuple[CoefficientMatrix, Path | None]:
    """``C^{(k)}`` (of ``beta``) and the file it was read from (or cached to: ``None`` if it was
    computed and could not be cached). See :func:`load_table`."""
    k = check_order(k)
    beta = check_beta(beta)
    roots = search_path(directory)
    name = Path(beta_directory(".", beta), table_filename(k))
    problems = []
    for root in roots:
        path = root / name
        try:
            cm = read_table(path, k=k, beta=beta)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"table {path} cannot be read: {exc.strerror or exc}")
            continue
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if problems:
            warnings.warn(f"{'; '.join(problems)}; using {path}", stacklevel=3)
        return cm, path
    cache = cache_directory()
    if not rebuild:
        where = ", ".join(str(root) for root in roots) or "no tables directory"
        flag = "" if beta == 1 else f" --beta {beta}"
        raise ValueError(
            f"no valid table {name} in {where}"
            + "".join(f"; {problem}" for problem in problems)
            + f"; load_table with rebuild=True computes it and caches it in {cache}, "
            f"`wishart-moments generate --kmax {k}{flag} --out DIR` writes it to DIR"
        )
    from ..coefficients import coefficient_matrix

    cm = coefficient_matrix(k, beta=beta)
    try:
        path: Path | None = save_table(cm, cache)
    except ValueError as exc:
        problems.append(f"computed {name} but could not cache it: {exc}")
        path = None
    if problems:
        warnings.warn("; ".join(problems), stacklevel=3)
    return cm, path


def load_table(
    k: int,
    directory: str | os.PathLike[str] | None = None,
    *,
    beta: object = 1,
    rebuild: bool = True,
) -> CoefficientMatrix:
    """``C^{(k)}`` (of ``beta``) read from a JSON table, checksum and invariants verified.

    Looks in ``directory`` (a tables root, which must exist; default ``$WISHART_MOMENTS_TABLES``
    if set), then in the tables shipped with the package, then in the user cache
    (:func:`~wishart_moments.tables.locations.search_path`); ``beta != 1`` tables live in each
    root's ``beta<B>/`` folder. A damaged file is skipped with a warning. If no valid copy is
    found the table is computed by the default exact engine (the recursion for ``beta = 1``, the
    three-term recursion for ``beta = 2``, else the loop equations) and written atomically to the
    user cache, the only place a lookup writes; with ``rebuild=False`` it raises ``ValueError``.
    """
    return find_table(k, directory, beta=beta, rebuild=rebuild)[0]
