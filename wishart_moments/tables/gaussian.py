"""Gaussian beta-ensemble polynomials: ``2^k E tr H^{2k}`` as integer coefficients of
``m^i beta^l``, their file format and their cache (``root/gaussian/kNN.json``).

The format follows the general-beta Wishart polynomials (:mod:`.polynomials`): one file per
``k``, decimal-string coefficients, the same ``sha256`` over the canonical serialisation; its JSON
Schema is ``tables/gaussian/schema.json``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._validation import check_order
from ..layout import double_factorial
from .format import _RATIONAL, _dumps_rows, checksum, table_filename
from .locations import default_directory, search_path
from .storage import _writable_directory, _write_atomic

GAUSSIAN_FORMAT = "wishart-moments-gaussian-polynomial"
GAUSSIAN_QUANTITY = (
    "E tr(H^(2k)) = 2^(-k) sum c m^i beta^l over the terms [i, l, c], for the m x m Gaussian "
    "beta-ensemble with eigenvalue density proportional to |Delta(x)|^beta exp(-sum x_i^2/2) "
    "(beta = 1: GOE, H_ii ~ N(0,1), H_ij ~ N(0,1/2); beta = 2: GUE, E|H_ij|^2 = 1; any beta > 0: "
    "the Dumitriu-Edelman tridiagonal model); odd powers have expectation 0"
)
DIRECTORY = "gaussian"
_FIELDS = ("format", "format_version", "k", "quantity", "variables", "terms", "engine")
_FIELDS += ("package_version", "sha256")

Terms = Mapping[tuple[int, int], int]


def _catalan(k: int) -> int:
    out = 1
    for i in range(k):
        out = out * 2 * (2 * i + 1) // (i + 2)
    return out


def gaussian_violations(k: int, terms: Terms) -> list[str]:
    """What is wrong with ``terms`` as ``2^k E tr H^{2k}`` in ``m, beta`` (empty if nothing):
    nonzero integers, ``1 <= i <= k + 1``, ``l <= k``; at ``m = 1`` (``H = N(0, 1)``) the sum
    ``2^k (2k - 1)!!`` for every beta; the leading coefficient of ``m^{k+1} beta^k`` is the
    Catalan number ``C_k`` (the semicircle)."""
    bad = []
    at_one = [0] * (k + 1)
    for (i, e), c in terms.items():
        if isinstance(c, bool) or not isinstance(c, int) or not c:
            bad.append(f"coefficient of m^{i} beta^{e} is {c!r}, not a nonzero int")
        elif not (1 <= i <= k + 1 and 0 <= e <= k):
            bad.append(f"term m^{i} beta^{e} is outside the degree bounds for k={k}")
        else:
            at_one[e] += c
    if bad:
        return bad
    if at_one != [2**k * double_factorial(2 * k - 1)] + [0] * k:
        bad.append("at m = 1 the polynomial is not 2^k (2k-1)!! for every beta")
    if terms.get((k + 1, k)) != _catalan(k):
        bad.append(f"the coefficient of m^{k + 1} beta^{k} is not the Catalan number {_catalan(k)}")
    return bad


def gaussian_document(k: int, terms: Terms) -> dict[str, Any]:
    """The JSON document of ``2^k E tr H^{2k}``, checksum included."""
    from .. import __version__

    doc: dict[str, Any] = {
        "format": GAUSSIAN_FORMAT,
        "format_version": 1,
        "k": check_order(k),
        "quantity": GAUSSIAN_QUANTITY,
        "variables": ["m", "beta"],
        "terms": [[i, e, str(c)] for (i, e), c in sorted(terms.items(), reverse=True)],
        "engine": "loop_equations",
        "package_version": __version__,
    }
    doc["sha256"] = checksum(doc)
    return doc


def dumps_gaussian(k: int, terms: Terms) -> str:
    """The text of a Gaussian polynomial file: one term per line."""
    return _dumps_rows(gaussian_document(k, terms), "terms")


def parse_gaussian(doc: object, *, source: str = "polynomial") -> dict[tuple[int, int], int]:
    """Check a parsed document; return ``{(i, l): c}``; ``ValueError`` on any defect."""
    if not isinstance(doc, dict):
        raise ValueError(f"{source} is not a valid Gaussian polynomial: not a JSON object")
    errors = [f"missing field {key!r}" for key in _FIELDS if key not in doc]
    if set(doc) - set(_FIELDS):
        errors.append(f"unknown fields {sorted(set(doc) - set(_FIELDS))}")
    if not errors and (doc["format"] != GAUSSIAN_FORMAT or doc["format_version"] != 1):
        errors.append(f"format is {doc['format']!r} version {doc['format_version']!r}")
    if not errors and not (isinstance(doc["k"], int) and doc["k"] >= 1):
        errors.append("k must be a positive integer")
    terms: dict[tuple[int, int], int] = {}
    for row in doc.get("terms", []) if not errors else []:
        if not (
            isinstance(row, list)
            and len(row) == 3
            and all(isinstance(e, int) and not isinstance(e, bool) for e in row[:2])
            and isinstance(row[2], str)
            and _RATIONAL.match(row[2])
            and "/" not in row[2]
        ):
            errors.append(f"term {row!r} is not [i, l, 'integer']")
            break
        terms[(row[0], row[1])] = int(row[2])
    if errors:
        raise ValueError(f"{source} is not a valid Gaussian polynomial: {'; '.join(errors)}")
    if checksum(doc) != doc["sha256"]:
        raise ValueError(f"{source} is corrupt: sha256 checksum does not match its content")
    bad = gaussian_violations(doc["k"], terms)
    if bad:
        raise ValueError(f"{source} is corrupt: {'; '.join(bad)}")
    return terms


def read_gaussian(
    path: str | os.PathLike[str], *, k: int | None = None
) -> dict[tuple[int, int], int]:
    """Read and verify one file ``gaussian/kNN.json``."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from exc
    terms = parse_gaussian(doc, source=str(path))
    if k is not None and doc["k"] != k:
        raise ValueError(f"{path} holds the polynomial for k={doc['k']}, expected k={k}")
    return terms


def save_gaussian(k: int, terms: Terms, directory: str | os.PathLike[str] | None = None) -> Path:
    """Write ``2^k E tr H^{2k}`` atomically to ``root/gaussian/kNN.json`` (``root`` by default
    the user cache)."""
    bad = gaussian_violations(k, terms)
    if bad:
        raise ValueError(f"refusing to save an invalid polynomial for k={k}: {'; '.join(bad)}")
    root = default_directory() if directory is None else Path(directory)
    path = _writable_directory(root / DIRECTORY) / table_filename(k)
    try:
        _write_atomic(path, dumps_gaussian(k, terms))
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def load_gaussian(
    k: int, directory: str | os.PathLike[str] | None = None
) -> dict[tuple[int, int], int]:
    """``2^k E tr H^{2k}`` from ``gaussian/kNN.json`` of the first tables root that has a valid
    one (the search path of :func:`~wishart_moments.tables.load_table`: ``directory``, which
    must exist, or ``$WISHART_MOMENTS_TABLES``, then the shipped tables, then the user cache),
    else computed by the loop equations (not written). A damaged file is skipped with a
    warning."""
    k = check_order(k)
    for root in search_path(directory):
        try:
            return read_gaussian(root / DIRECTORY / table_filename(k), k=k)
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            warnings.warn(f"{exc}; skipping it", stacklevel=2)
    from ..ensembles.gaussian_loop import moment_terms

    return moment_terms([2 * k])
