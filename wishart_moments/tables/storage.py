"""Where the tables live and how they are read, written atomically, and loaded (recomputed on
demand when a file is missing or damaged).
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

ENV_TABLES_DIR = "WISHART_MOMENTS_TABLES"
SHIPPED_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "tables"


def default_directory() -> Path:
    """Where tables are read and cached when no directory is given (the tables *root*).

    ``$WISHART_MOMENTS_TABLES`` if set; else the tables shipped in the package
    (``wishart_moments/data/tables``, also after a non-editable install); else
    ``$XDG_CACHE_HOME/wishart_moments/tables`` (``~/.cache/wishart_moments/tables``).
    """
    env = os.environ.get(ENV_TABLES_DIR)
    if env:
        return Path(env).expanduser()
    if (SHIPPED_DIRECTORY / "schema.json").is_file():
        return SHIPPED_DIRECTORY
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "wishart_moments" / "tables"


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


def _writable_directory(directory: str | os.PathLike[str] | None) -> Path:
    path = default_directory() if directory is None else Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot write tables to {path}: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write tables to {path}: permission denied")
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
    ``beta != 1``; ``directory`` is a tables root) and return the path.

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


def load_table(
    k: int,
    directory: str | os.PathLike[str] | None = None,
    *,
    beta: object = 1,
    rebuild: bool = True,
) -> CoefficientMatrix:
    """``C^{(k)}`` (of ``beta``) read from the cached JSON table, checksum and invariants verified.

    ``directory`` (a tables root) defaults to :func:`default_directory`; ``beta != 1`` tables
    live in its ``beta<B>/`` folder. A missing or corrupt file is recomputed by the default exact
    engine (the recursion for ``beta = 1``, the three-term recursion for ``beta = 2``, else the loop
    equations) and rewritten atomically (a
    warning says so if it cannot be written); with ``rebuild=False`` it raises ``ValueError``.
    """
    k = check_order(k)
    beta = check_beta(beta)
    root = default_directory() if directory is None else Path(directory)
    folder = beta_directory(root, beta)
    path = folder / table_filename(k)
    try:
        return read_table(path, k=k, beta=beta)
    except FileNotFoundError:
        problem = f"table {path} is missing"
    except OSError as exc:
        problem = f"table {path} cannot be read: {exc.strerror or exc}"
    except ValueError as exc:
        problem = str(exc)
    if not rebuild:
        flag = "" if beta == 1 else f" --beta {beta}"
        raise ValueError(
            f"{problem}; regenerate it with `wishart-moments generate --kmax {k}{flag} "
            f"--out {root}` or call load_table(k, rebuild=True)"
        )
    from ..coefficients import coefficient_matrix

    cm = coefficient_matrix(k, beta=beta)
    try:
        save_table(cm, root)
    except ValueError as exc:
        warnings.warn(f"{problem}; recomputed it but could not rewrite it: {exc}", stacklevel=2)
    return cm
