"""General-beta polynomials: ``E tr S^k`` as integer coefficients of ``n^i m^j alpha^l``
(``alpha = 2/beta``), their file format and their cache.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._validation import check_engine, check_order
from .format import (
    _RATIONAL,
    _dumps_rows,
    checksum,
    table_filename,
)
from .locations import default_directory, search_path
from .storage import _writable_directory, _write_atomic

# ---------------------------------------------------------------------------------------------
# General-beta polynomials: E tr S^k as integer coefficients of n^i m^j alpha^l (alpha = 2/beta)

POLYNOMIAL_FORMAT = "wishart-moments-beta-polynomial"
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
    from .. import __version__

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
    """Write the polynomial of ``E tr S^k`` atomically to ``root/general/kNN.json`` (``root``
    by default the user cache)."""
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
    """The general-beta polynomial of ``E tr S^k`` from ``general/kNN.json`` of the first tables
    root that has a valid one (the search path of :func:`load_table`: ``directory``, which must
    exist, or ``$WISHART_MOMENTS_TABLES``, then the shipped tables, then the user cache), else
    computed by the loop equations (not written). A damaged file is skipped with a warning."""
    k = check_order(k)
    for root in search_path(directory):
        path = root / "general" / table_filename(k)
        try:
            return read_polynomial(path, k=k)
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            warnings.warn(f"{exc}; skipping it", stacklevel=2)
    from ..engines.loop_equations import moment_terms

    return moment_terms([k])
