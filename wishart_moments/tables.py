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

That is a real (``beta = 1``) table, ``format_version`` 1. Tables of the other betas
(``beta = 2`` complex, ``4`` quaternion, any rational ``beta > 0``; see docs/beta.md) have
``format_version`` 2, one more field ``"beta"`` (``"2"``, ``"1/2"``), entries that are exact
rationals written ``"p"`` or ``"p/q"`` (``"-3/2"``), and ``total = prod_{i<k} (1 + 2i/beta)``.

A tables directory (the *root*) holds the real tables itself and the others in subdirectories
``beta2/``, ``beta4/``, ``beta1_2/`` (``beta = 1/2``), ...; ``general/`` holds the general-beta
polynomials (``format = "wishart-moments-beta-polynomial"``: ``E tr S^k`` as integer
coefficients of ``n^i m^j alpha^l``, ``alpha = 2/beta``). The package ships such a root in
``wishart_moments/data/tables/`` (real and complex ``k = 1..40`` and more), so a non-editable
install loads them without rebuilding.

``sha256`` is the hex digest of the canonical serialisation of every other field: UTF-8 of
``json.dumps(doc_without_sha256, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``.
The JSON Schema of the format is ``wishart_moments/data/tables/schema.json``. Every write is atomic
(temporary file in the same directory, ``fsync``, ``os.replace``).
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
from fractions import Fraction
from pathlib import Path
from typing import Any

from ._validation import ENGINES, check_beta, check_engine, check_order
from .layout import (
    CoefficientMatrix,
    alpha_of,
    exact_number,
    expected_total,
    invariant_violations,
)

FORMAT = "wishart-moments-table"
FORMAT_VERSION = 1  # real tables
FORMAT_VERSION_BETA = 2  # any other beta: a "beta" field and rational entries
POLYNOMIAL_FORMAT = "wishart-moments-beta-polynomial"
ENV_TABLES_DIR = "WISHART_MOMENTS_TABLES"
SHIPPED_DIRECTORY = Path(__file__).resolve().parent / "data" / "tables"
FIELDS = {1: "real", 2: "complex", 4: "quaternion"}

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
_RATIONAL = re.compile(r"(0|-?[1-9][0-9]*(/[1-9][0-9]*)?)\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def table_filename(k: int) -> str:
    """File name of the table for order ``k``: ``k01.json``, ..., ``k40.json``, ``k100.json``."""
    return f"k{check_order(k):02d}.json"


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


def beta_label(beta: object) -> str:
    """The directory suffix of ``beta``: ``"2"``, ``"4"``, ``"1_2"`` (for ``beta = 1/2``)."""
    value = Fraction(check_beta(beta))
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}_{value.denominator}"


def beta_directory(root: str | os.PathLike[str], beta: object = 1) -> Path:
    """The folder of the ``beta`` tables under a tables root: the root itself for ``beta = 1``,
    else ``root/beta<label>`` (``beta2``, ``beta4``, ``beta1_2``)."""
    beta = check_beta(beta)
    return Path(root) if beta == 1 else Path(root) / f"beta{beta_label(beta)}"


def quantity(beta: object = 1) -> str:
    """The ``quantity`` text of a table of ``beta``."""
    beta = check_beta(beta)
    if beta == 1:
        return QUANTITY
    field = FIELDS.get(beta)  # type: ignore[call-overload]
    model = (
        f"X an m x n matrix of iid standard {field} Gaussian entries (E|x|^2 = 1)"
        if field
        else f"the beta-Laguerre ensemble with beta = {beta} (Dumitriu-Edelman)"
    )
    return (
        "E tr(S^k) = sum_{a,b} C_{a,b} n^a m^b with C_{a,b} = matrix[k-a][b-1], "
        f"for S = X X^*, {model}; beta = {beta}, alpha = 2/beta = {alpha_of(beta)}"
    )


def _layout_text(beta: object) -> str:
    if check_beta(beta) == 1:
        return LAYOUT
    return LAYOUT.replace(
        "entries are nonnegative integers written as decimal strings",
        "entries are exact rationals written as strings 'p' or 'p/q'",
    )


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
    real = cm.beta == 1
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION if real else FORMAT_VERSION_BETA,
        "k": k,
        "quantity": quantity(cm.beta),
        "layout": _layout_text(cm.beta),
        "rows": [f"n^{k - i}" for i in range(k)],
        "columns": [f"m^{j + 1}" for j in range(k)],
        "matrix": [[str(c) for c in row] for row in cm.matrix],
        "total": str(expected_total(k, cm.beta)),
        "engine": cm.engine,
        "package_version": __version__,
    }
    if not real:
        doc["beta"] = str(cm.beta)
    doc["sha256"] = checksum(doc)
    return doc


def _dumps_rows(doc: Mapping[str, Any], rows_key: str) -> str:
    """``doc`` as JSON text, one field a line and the list ``doc[rows_key]`` one item a line."""
    fields = []
    for key, value in doc.items():
        if key == rows_key:
            rows = ",\n".join(f"    {json.dumps(row)}" for row in value)
            fields.append(f"  {json.dumps(key)}: [\n{rows}\n  ]")
        else:
            fields.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def dumps_table(cm: CoefficientMatrix) -> str:
    """``cm`` serialised as the text of its JSON file (one matrix row per line)."""
    return _dumps_rows(table_document(cm), "matrix")


def _structure_errors(doc: object) -> list[str]:
    """Schema-level checks of a parsed table document (mirrors ``data/tables/schema.json``)."""
    if not isinstance(doc, dict):
        return [f"top level is {type(doc).__name__}, expected an object"]
    errors = []
    version = doc.get("format_version")
    required = dict(_REQUIRED)
    if version == FORMAT_VERSION_BETA:
        required["beta"] = str
    for key, kind in required.items():
        if key not in doc:
            errors.append(f"missing field {key!r}")
        elif kind is int and (isinstance(doc[key], bool) or not isinstance(doc[key], int)):
            errors.append(f"field {key!r} must be an integer")
        elif not isinstance(doc[key], kind):
            errors.append(f"field {key!r} must be a {kind.__name__}")
    extra = sorted(set(doc) - set(required))
    if extra:
        errors.append(f"unknown fields {extra}")
    if errors:
        return errors
    if doc["format"] != FORMAT:
        errors.append(f"format is {doc['format']!r}, expected {FORMAT!r}")
    if version not in (FORMAT_VERSION, FORMAT_VERSION_BETA):
        errors.append(f"format_version {doc['format_version']} is not supported")
    entry = _DECIMAL if version == FORMAT_VERSION else _RATIONAL
    if version == FORMAT_VERSION_BETA:
        try:
            if check_beta(doc["beta"]) == 1 or str(check_beta(doc["beta"])) != doc["beta"]:
                errors.append(f"beta {doc['beta']!r} must be a reduced 'p' or 'p/q' other than 1")
        except ValueError as exc:
            errors.append(str(exc))
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
    elif not all(isinstance(c, str) and entry.match(c) for row in matrix for c in row):
        errors.append(
            "matrix entries must be decimal strings of nonnegative integers"
            if entry is _DECIMAL
            else "matrix entries must be strings of exact rationals 'p' or 'p/q'"
        )
    if not entry.match(doc["total"]):
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
    beta = check_beta(doc.get("beta", 1))
    want = expected_total(k, beta)
    if exact_number(Fraction(doc["total"])) != want:
        what = "(2k-1)!!" if beta == 1 else f"prod_(i<k) (1 + alpha i) = {want}"
        raise ValueError(f"{source} is corrupt: total {doc['total']} is not {what} for k={k}")
    matrix = [[exact_number(Fraction(c)) for c in row] for row in doc["matrix"]]
    bad = invariant_violations(matrix, beta)
    if bad:
        raise ValueError(f"{source} is corrupt: {'; '.join(bad)}")
    return CoefficientMatrix(matrix, engine=doc["engine"], beta=beta)


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
    from .coefficients import coefficient_matrix

    cm = coefficient_matrix(k, beta=beta)
    try:
        save_table(cm, root)
    except ValueError as exc:
        warnings.warn(f"{problem}; recomputed it but could not rewrite it: {exc}", stacklevel=2)
    return cm


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

    ``out`` (a tables root) defaults to :func:`default_directory`; ``beta != 1`` tables go to its
    ``beta<B>/`` folder. ``engine`` defaults to
    :func:`~wishart_moments.coefficients.default_engine`. ``progress``, if given, receives one
    line per table, and for the matchings engine
    a line every few seconds while a table is being counted. Returns the paths written.
    """
    from .coefficients import (
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
    _writable_directory(beta_directory(root, beta))
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


# ---------------------------------------------------------------------------------------------
# General-beta polynomials: E tr S^k as integer coefficients of n^i m^j alpha^l (alpha = 2/beta)

POLYNOMIAL_QUANTITY = (
    "E tr(S^k) = sum c n^i m^j alpha^l over the terms [i, j, l, c], alpha = 2/beta, for the "
    "beta-Wishart / beta-Laguerre matrix S = X X^* (X m x n, iid entries with E|x|^2 = 1; "
    "beta = 1 real, 2 complex, 4 quaternion, any beta > 0 through the Dumitriu-Edelman model)"
)
_POLYNOMIAL_FIELDS = {
    "format": str,
    "format_version": int,
    "k": int,
    "quantity": str,
    "variables": list,
    "terms": list,
    "engine": str,
    "package_version": str,
    "sha256": str,
}


def polynomial_violations(k: int, terms: Mapping[tuple[int, int, int], int]) -> list[str]:
    """What is wrong with ``terms`` as ``E tr S^k`` in ``n, m, alpha`` (empty list if nothing).

    ``n <-> m`` symmetry; ``i + j <= k + 1``, ``l <= k - 1``; the leading term ``n^k m``; and at
    ``n = m = 1`` the polynomial ``prod_{i<k} (1 + alpha i)`` in ``alpha``.
    """
    bad = []
    gamma = [1]
    for i in range(1, k):  # prod (1 + alpha i), constant first
        gamma = [a + i * b for a, b in zip([*gamma, 0], [0, *gamma], strict=True)]
    at_one = [0] * k
    for (i, j, g), c in terms.items():
        if isinstance(c, bool) or not isinstance(c, int) or not c:
            bad.append(f"coefficient of n^{i} m^{j} alpha^{g} is {c!r}, not a nonzero int")
            continue
        if i + j > k + 1 or g > k - 1 or min(i, j) < 1 or g < 0:
            bad.append(f"term n^{i} m^{j} alpha^{g} is outside the degree bounds for k={k}")
            continue
        if terms.get((j, i, g)) != c:
            bad.append(f"not symmetric in n <-> m at n^{i} m^{j} alpha^{g}")
        at_one[g] += c
    if bad:
        return bad
    if at_one != gamma:
        bad.append("at n = m = 1 the polynomial is not prod_{i<k} (1 + alpha i)")
    if terms.get((k, 1, 0)) != 1:
        bad.append(f"the coefficient of n^{k} m is not 1")
    return bad


def polynomial_document(
    k: int, terms: Mapping[tuple[int, int, int], int], engine: str = "loop_equations"
) -> dict[str, Any]:
    """The JSON document of the general-beta polynomial of ``E tr S^k``, checksum included."""
    from . import __version__

    doc: dict[str, Any] = {
        "format": POLYNOMIAL_FORMAT,
        "format_version": 1,
        "k": check_order(k),
        "quantity": POLYNOMIAL_QUANTITY,
        "variables": ["n", "m", "alpha"],
        "terms": [[i, j, g, str(c)] for (i, j, g), c in sorted(terms.items(), reverse=True)],
        "engine": check_engine(engine),
        "package_version": __version__,
    }
    doc["sha256"] = checksum(doc)
    return doc


def dumps_polynomial(k: int, terms: Mapping[tuple[int, int, int], int]) -> str:
    """The text of a polynomial file: one term per line."""
    return _dumps_rows(polynomial_document(k, terms), "terms")


def parse_polynomial(doc: object, *, source: str = "polynomial") -> dict[tuple[int, int, int], int]:
    """Check a parsed polynomial document; return ``{(i, j, l): c}``; ``ValueError`` on defects."""
    if not isinstance(doc, dict):
        raise ValueError(f"{source} is not a valid polynomial table: not a JSON object")
    errors = [f"missing field {key!r}" for key in _POLYNOMIAL_FIELDS if key not in doc]
    errors += [f"unknown fields {sorted(set(doc) - set(_POLYNOMIAL_FIELDS))}"] * bool(
        set(doc) - set(_POLYNOMIAL_FIELDS)
    )
    if not errors and (doc["format"] != POLYNOMIAL_FORMAT or doc["format_version"] != 1):
        errors.append(f"format is {doc['format']!r} version {doc['format_version']!r}")
    if not errors and not (isinstance(doc["k"], int) and doc["k"] >= 1):
        errors.append("k must be a positive integer")
    terms: dict[tuple[int, int, int], int] = {}
    if not errors:
        for row in doc["terms"]:
            if not (
                isinstance(row, list)
                and len(row) == 4
                and all(isinstance(e, int) and not isinstance(e, bool) for e in row[:3])
                and isinstance(row[3], str)
                and _RATIONAL.match(row[3])
                and "/" not in row[3]
            ):
                errors.append(f"term {row!r} is not [i, j, l, 'integer']")
                break
            terms[(row[0], row[1], row[2])] = int(row[3])
    if errors:
        raise ValueError(f"{source} is not a valid polynomial table: {'; '.join(errors)}")
    if checksum(doc) != doc["sha256"]:
        raise ValueError(f"{source} is corrupt: sha256 checksum does not match its content")
    bad = polynomial_violations(doc["k"], terms)
    if bad:
        raise ValueError(f"{source} is corrupt: {'; '.join(bad)}")
    return terms


def read_polynomial(
    path: str | os.PathLike[str], *, k: int | None = None
) -> dict[tuple[int, int, int], int]:
    """Read and verify one general-beta polynomial file (``general/kNN.json``)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from exc
    terms = parse_polynomial(doc, source=str(path))
    if k is not None and doc["k"] != k:
        raise ValueError(f"{path} holds the polynomial for k={doc['k']}, expected k={k}")
    return terms


def save_polynomial(
    k: int,
    terms: Mapping[tuple[int, int, int], int],
    directory: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the polynomial of ``E tr S^k`` atomically to ``root/general/kNN.json``."""
    bad = polynomial_violations(k, terms)
    if bad:
        raise ValueError(f"refusing to save an invalid polynomial for k={k}: {'; '.join(bad)}")
    root = default_directory() if directory is None else Path(directory)
    path = _writable_directory(root / "general") / table_filename(k)
    try:
        _write_atomic(path, dumps_polynomial(k, terms))
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def load_polynomial(
    k: int, directory: str | os.PathLike[str] | None = None
) -> dict[tuple[int, int, int], int]:
    """The general-beta polynomial of ``E tr S^k`` from ``root/general/kNN.json`` if that file is
    there and valid, else computed by the loop equations (not written)."""
    k = check_order(k)
    root = default_directory() if directory is None else Path(directory)
    path = root / "general" / table_filename(k)
    try:
        return read_polynomial(path, k=k)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        warnings.warn(f"{exc}; computing the polynomial instead", stacklevel=2)
    from .engines.loop_equations import moment_terms

    return moment_terms([k])
