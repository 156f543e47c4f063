"""The table file format: fields, checksum, serialisation and validation of one ``C^{(k)}``
document (see :mod:`wishart_moments.tables` for the layout).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .._validation import ENGINES, check_beta, check_order
from ..layout import (
    CoefficientMatrix,
    alpha_of,
    exact_number,
    expected_total,
    invariant_violations,
)

FORMAT = "wishart-moments-table"
FORMAT_VERSION = 1  # real tables
FORMAT_VERSION_BETA = 2  # any other beta: a "beta" field and rational entries


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


def beta_label(beta: object) -> str:
    """The directory suffix of ``beta``: ``"2"``, ``"4"``, ``"1_2"`` (for ``beta = 1/2``)."""
    value = Fraction(check_beta(beta))
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}_{value.denominator}"


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
    from .. import __version__

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
    """Schema-level checks of a parsed table document (mirrors ``tables/schema.json``)."""
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
