"""Cached JSON tables of ``C^{(k)}``: one file per ``k``, exact in any JSON reader, checksummed.

File ``k07.json`` (``k`` zero-padded to two digits) holds::

    {
      "format": "wishart-moments-table",
      "format_version": 1,
      "k": 7,
      "quantity": "E tr(S^k) = sigma^(2k) * sum_{a,b} C_{a,b} n^a m^b with ...",
      "layout": "row i (0-based) holds the power n^(k-i), column j holds m^(j+1) ...",
      "rows": ["n^7", ..., "n^1"],
      "columns": ["m^1", ..., "m^7"],
      "matrix": [["1", "0", ...], ...],     # decimal strings: exact beyond 2^53
      "total": "135135",                    # (2k-1)!!, the sum of all entries
      "engine": "matchings",
      "package_version": "0.1.0",
      "sha256": "..."
    }

``sha256`` is the hex digest of the canonical serialisation of every other field: UTF-8 of
``json.dumps(doc_without_sha256, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``.
The JSON Schema of the format is ``tables/schema.json``. Every write is atomic (temporary file in
the same directory, ``fsync``, ``os.replace``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._validation import ENGINES, check_engine, check_order
from .layout import CoefficientMatrix, double_factorial, invariant_violations

FORMAT = "wishart-moments-table"
FORMAT_VERSION = 1
ENV_TABLES_DIR = "WISHART_MOMENTS_TABLES"

QUANTITY = (
    "E tr(S^k) = sigma^(2k) * sum_{a,b} C_{a,b} n^a m^b with C_{a,b} = matrix[k-a][b-1], "
    "for S = W W^T, W an m x n matrix of iid N(0, sigma^2) entries"
)
LAYOUT = (
    "k x k matrix; row i (0-based) holds the power n^(k-i), column j holds m^(j+1), "
    "i.e. rows n^k .. n^1 and columns m^1 .. m^k as in the paper (arXiv 2601.08253, section IV-E); "
    "entries are nonnegative integers written as decimal strings"
)

_REQUIRED = {
    "format": str,
    "format_version": int,
    "k": int,
    "quantity": str,
    "layout": str,
    "rows": list,
    "columns": list,
    "matrix": list,
    "total": str,
    "engine": str,
    "package_version": str,
    "sha256": str,
}
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def table_filename(k: int) -> str:
    """File name of the table for order ``k``: ``k01.json``, ..., ``k40.json``, ``k100.json``."""
    return f"k{check_order(k):02d}.json"


def default_directory() -> Path:
    """Where tables are cached when no directory is given.

    ``$WISHART_MOMENTS_TABLES`` if set; else the repository's ``tables/`` beside the package
    (source checkout or editable install); else ``$XDG_CACHE_HOME/wishart_moments/tables``
    (``~/.cache/wishart_moments/tables``).
    """
    env = os.environ.get(ENV_TABLES_DIR)
    if env:
        return Path(env).expanduser()
    repo_tables = Path(__file__).resolve().parent.parent / "tables"
    if (repo_tables / "schema.json").is_file():
        return repo_tables
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "wishart_moments" / "tables"


def _canonical(doc: Mapping[str, Any]) -> bytes:
    body = {key: value for key, value in doc.items() if key != "sha256"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def checksum(doc: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical serialisation of ``doc`` without its ``sha256``."""
    return hashlib.sha256(_canonical(doc)).hexdigest()


def table_document(cm: CoefficientMatrix) -> dict[str, Any]:
    """The JSON document (a ``dict``) that stores ``cm``, checksum included."""
    from . import __version__

    k = cm.k
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "k": k,
        "quantity": QUANTITY,
        "layout": LAYOUT,
        "rows": [f"n^{k - i}" for i in range(k)],
        "columns": [f"m^{j + 1}" for j in range(k)],
        "matrix": [[str(c) for c in row] for row in cm.matrix],
        "total": str(double_factorial(2 * k - 1)),
        "engine": cm.engine,
        "package_version": __version__,
    }
    doc["sha256"] = checksum(doc)
    return doc


def dumps_table(cm: CoefficientMatrix) -> str:
    """``cm`` serialised as the text of its JSON file (one matrix row per line)."""
    fields = []
    for key, value in table_document(cm).items():
        if key == "matrix":
            rows = ",\n".join(f"    {json.dumps(row)}" for row in value)
            fields.append(f'  "matrix": [\n{rows}\n  ]')
        else:
            fields.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _structure_errors(doc: object) -> list[str]:
    """Schema-level checks of a parsed table document (mirrors ``tables/schema.json``)."""
    if not isinstance(doc, dict):
        return [f"top level is {type(doc).__name__}, expected an object"]
    errors = []
    for key, kind in _REQUIRED.items():
        if key not in doc:
            errors.append(f"missing field {key!r}")
        elif kind is int and (isinstance(doc[key], bool) or not isinstance(doc[key], int)):
            errors.append(f"field {key!r} must be an integer")
        elif not isinstance(doc[key], kind):
            errors.append(f"field {key!r} must be a {kind.__name__}")
    extra = sorted(set(doc) - set(_REQUIRED))
    if extra:
        errors.append(f"unknown fields {extra}")
    if errors:
        return errors
    if doc["format"] != FORMAT:
        errors.append(f"format is {doc['format']!r}, expected {FORMAT!r}")
    if doc["format_version"] != FORMAT_VERSION:
        errors.append(f"format_version {doc['format_version']} is not supported")
    k = doc["k"]
    if k < 1:
        return [*errors, f"k = {k} is not a positive integer"]
    if not len(doc["rows"]) == len(doc["columns"]) == len(doc["matrix"]) == k:
        return [*errors, f"rows, columns and matrix must have k = {k} entries"]
    if doc["rows"] != [f"n^{k - i}" for i in range(k)]:
        errors.append("rows do not list n^k .. n^1")
    if doc["columns"] != [f"m^{j + 1}" for j in range(k)]:
        errors.append("columns do not list m^1 .. m^k")
    matrix = doc["matrix"]
    if any(not isinstance(row, list) or len(row) != k for row in matrix):
        errors.append(f"matrix is not {k} x {k}")
    elif not all(isinstance(c, str) and _DECIMAL.match(c) for row in matrix for c in row):
        errors.append("matrix entries must be decimal strings of nonnegative integers")
    if not _DECIMAL.match(doc["total"]):
        errors.append("total must be a decimal string")
    if doc["engine"] not in ENGINES:
        errors.append(f"engine {doc['engine']!r} is not one of {list(ENGINES)}")
    if not _SHA256.match(doc["sha256"]):
        errors.append("sha256 must be 64 lowercase hex digits")
    return errors


def parse_table(doc: object, *, source: str = "table") -> CoefficientMatrix:
    """Check a parsed table document and return its matrix; ``ValueError`` on any defect.

    Checks the structure, the checksum, that ``total`` is ``(2k-1)!!`` and every invariant of
    :func:`~wishart_moments.layout.invariant_violations`.
    """
    errors = _structure_errors(doc)
    if errors:
        raise ValueError(f"{source} is not a valid table: {'; '.join(errors)}")
    assert isinstance(doc, dict)
    if checksum(doc) != doc["sha256"]:
        raise ValueError(f"{source} is corrupt: sha256 checksum does not match its content")
    k = doc["k"]
    if int(doc["total"]) != double_factorial(2 * k - 1):
        raise ValueError(f"{source} is corrupt: total {doc['total']} is not (2k-1)!! for k={k}")
    matrix = [[int(c) for c in row] for row in doc["matrix"]]
    bad = invariant_violations(matrix)
    if bad:
        raise ValueError(f"{source} is corrupt: {'; '.join(bad)}")
    return CoefficientMatrix(matrix, engine=doc["engine"])


def read_table(path: str | os.PathLike[str], *, k: int | None = None) -> CoefficientMatrix:
    """Read and verify one table file (see :func:`parse_table`); optionally require order ``k``.

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError`` if it is not valid JSON,
    not a table, corrupt, or of another order.
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
    """Write ``cm`` atomically to ``directory/kNN.json`` and return the path.

    Refuses (``ValueError``) a table that fails an invariant or names no known engine, and an
    unwritable directory.
    """
    check_engine(cm.engine)
    bad = cm.violations()
    if bad:
        raise ValueError(f"refusing to save an invalid table for k={cm.k}: {'; '.join(bad)}")
    path = _writable_directory(directory) / table_filename(cm.k)
    try:
        _write_atomic(path, dumps_table(cm))
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def load_table(
    k: int, directory: str | os.PathLike[str] | None = None, *, rebuild: bool = True
) -> CoefficientMatrix:
    """``C^{(k)}`` read from the cached JSON table, checksum and invariants verified.

    ``directory`` defaults to :func:`default_directory`. A missing or corrupt file is recomputed
    by the exact recursion and rewritten atomically (a warning says so if it cannot be written);
    with ``rebuild=False`` it raises ``ValueError`` instead.
    """
    k = check_order(k)
    folder = default_directory() if directory is None else Path(directory)
    path = folder / table_filename(k)
    try:
        return read_table(path, k=k)
    except FileNotFoundError:
        problem = f"table {path} is missing"
    except OSError as exc:
        problem = f"table {path} cannot be read: {exc.strerror or exc}"
    except ValueError as exc:
        problem = str(exc)
    if not rebuild:
        raise ValueError(
            f"{problem}; regenerate it with `wishart-moments generate --kmax {k} "
            f"--out {folder}` or call load_table(k, rebuild=True)"
        )
    from .engines.recursion import recursion_matrix

    cm = recursion_matrix(k)
    try:
        save_table(cm, folder)
    except ValueError as exc:
        warnings.warn(f"{problem}; recomputed it but could not rewrite it: {exc}", stacklevel=2)
    return cm


def generate_tables(
    kmax: int,
    engine: str = "recursion",
    out: str | os.PathLike[str] | None = None,
    *,
    kmin: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Compute ``C^{(k)}`` for ``k = kmin .. kmax`` with ``engine`` and save each table atomically.

    ``out`` defaults to :func:`default_directory`. ``progress``, if given, receives one line per
    table, and for the matchings engine a line every few seconds while a table is being counted.
    Returns the paths written.
    """
    from .coefficients import check_engine_order, coefficient_matrix

    engine = check_engine(engine)
    kmin = check_order(kmin, name="kmin")
    kmax = check_engine_order(kmax, engine, name="kmax")
    if kmin > kmax:
        raise ValueError(f"kmin={kmin} is larger than kmax={kmax}")
    folder = _writable_directory(out)
    paths = []
    for k in range(kmin, kmax + 1):
        start = time.perf_counter()
        counting = None
        if progress is not None and engine == "matchings":
            counting = _matchings_progress(k, progress, start)
        cm = coefficient_matrix(k, engine, progress=counting)
        path = save_table(cm, folder)
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
