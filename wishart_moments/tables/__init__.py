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
coefficients of ``n^i m^j alpha^l``, ``alpha = 2/beta``). The package ships such a root: the
repository's top-level ``tables/`` folder, installed as the data package
``wishart_moments.shipped_tables`` (real, complex and quaternion ``k = 1..40`` and more), so a
non-editable install loads them without rebuilding. Lookups read ``$WISHART_MOMENTS_TABLES``,
the shipped tables and the user cache, in that order, and write only to the user cache
(:mod:`.locations`).

``sha256`` is the hex digest of the canonical serialisation of every other field: UTF-8 of
``json.dumps(doc_without_sha256, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``.
The JSON Schema of the format is ``tables/schema.json``. Every write is atomic
(temporary file in the same directory, ``fsync``, ``os.replace``).
"""

from .format import (
    FIELDS,
    FORMAT,
    FORMAT_VERSION,
    FORMAT_VERSION_BETA,
    LAYOUT,
    QUANTITY,
    beta_label,
    checksum,
    dumps_table,
    parse_table,
    quantity,
    table_document,
    table_filename,
)
from .generation import generate_tables
from .locations import (
    ENV_TABLES_DIR,
    cache_directory,
    default_directory,
    search_path,
    shipped_directory,
)
from .polynomials import (
    POLYNOMIAL_FORMAT,
    POLYNOMIAL_QUANTITY,
    dumps_polynomial,
    load_polynomial,
    parse_polynomial,
    polynomial_document,
    polynomial_violations,
    read_polynomial,
    save_polynomial,
)
from .storage import (
    SHIPPED_DIRECTORY,
    beta_directory,
    check_writable,
    find_table,
    load_table,
    read_table,
    save_table,
)

__all__ = [
    "ENV_TABLES_DIR",
    "FIELDS",
    "FORMAT",
    "FORMAT_VERSION",
    "FORMAT_VERSION_BETA",
    "LAYOUT",
    "POLYNOMIAL_FORMAT",
    "POLYNOMIAL_QUANTITY",
    "QUANTITY",
    "SHIPPED_DIRECTORY",
    "beta_directory",
    "beta_label",
    "cache_directory",
    "check_writable",
    "checksum",
    "default_directory",
    "dumps_polynomial",
    "dumps_table",
    "find_table",
    "generate_tables",
    "load_polynomial",
    "load_table",
    "parse_polynomial",
    "parse_table",
    "polynomial_document",
    "polynomial_violations",
    "quantity",
    "read_polynomial",
    "read_table",
    "save_polynomial",
    "save_table",
    "search_path",
    "shipped_directory",
    "table_document",
    "table_filename",
]
