"""The coefficient matrix ``C^{(k)}`` of ``E tr(S^k)`` in the paper's layout, and its invariants.

``E tr(S^k) = sigma^{2k} sum_{a,b} C_{a,b} n^a m^b`` for ``S = W W^T``, ``W`` an ``m x n`` matrix
of iid ``N(0, sigma^2)`` entries. The paper stores ``C^{(k)}`` as a ``k x k`` matrix whose row ``i``
(0-based) holds the power ``n^{k-i}`` and whose column ``j`` holds ``m^{j+1}``::

    k = 3:  [[1, 0, 0],      n^3 m
             [3, 3, 0],      3 n^2 m + 3 n^2 m^2
             [4, 3, 1]]      4 n m + 3 n m^2 + n m^3

Every entry is an exact Python ``int``. The same layout holds the tables of the whole beta family
(``X`` real, complex or quaternion with ``E|x|^2 = 1``, or the beta-Laguerre ensemble; see
docs/beta.md): ``beta = 2`` entries are nonnegative ints counting permutations, ``beta = 4`` and
other rational ``beta`` have exact ``Fraction`` entries (``alpha = 2/beta``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

from . import limits
from ._validation import check_beta, check_order

Terms = dict[tuple[int, int], int]
Exact = int | Fraction


def exact_number(c: object) -> Exact:
    """``c`` as an ``int`` (when integral) or ``Fraction``; ``ValueError`` for inexact values."""
    if isinstance(c, bool) or not isinstance(c, numbers.Rational):
        if isinstance(c, float) and c.is_integer():
            return int(c)
        raise ValueError(f"table entries must be exact integers or fractions, got {c!r}")
    value = Fraction(int(c.numerator), int(c.denominator))
    return int(value) if value.denominator == 1 else value


def alpha_of(beta: object) -> Fraction:
    """The Jack parameter ``alpha = 2/beta`` as a ``Fraction``."""
    return 2 / Fraction(check_beta(beta))


def expected_total(k: int, beta: object = 1) -> Exact:
    """Sum of the entries of ``C^{(k)}``, i.e. ``E tr S^k`` at ``n = m = 1``: the Gamma moment
    ``prod_{i<k} (1 + alpha i)``.

    ``(2k-1)!!`` for ``beta = 1``, ``k!`` for ``beta = 2``.
    """
    alpha = alpha_of(beta)
    out = Fraction(1)
    for i in range(k):
        out *= 1 + alpha * i
    return exact_number(out)


def double_factorial(n: int) -> int:
    """``n!! = n (n-2) (n-4) ...``, with ``(-1)!! = 0!! = 1``, for ``-1 <= n <= 10^6``
    (:mod:`wishart_moments.limits`).

    Even ``n``: ``2^(n/2) (n/2)!``; odd ``n``: the odd factors multiplied by binary splitting
    (balanced products keep CPython's big-integer multiplication fast).
    """
    n = limits.check_order("double_factorial", n, name="n", minimum=-1)
    if n % 2 == 0:
        return math.factorial(n // 2) << (n // 2)
    return _product(range(1, n + 1, 2))


def _product(values: range) -> int:
    """The product of ``values`` by binary splitting."""
    if len(values) <= 64:
        return math.prod(values)
    middle = len(values) // 2
    return _product(values[:middle]) * _product(values[middle:])


def matrix_from_terms(k: int, terms: Mapping[tuple[int, int], Any]) -> list[list[Exact]]:
    """Arrange ``{(a, b): C_ab}`` (coefficient of ``n^a m^b``) in the paper's ``k x k`` layout."""
    mat: list[list[Exact]] = [[0] * k for _ in range(k)]
    for (a, b), c in terms.items():
        if not (1 <= a <= k and 1 <= b <= k):
            if c:
                raise ValueError(f"term n^{a} m^{b} does not fit the k={k} layout")
            continue
        mat[k - a][b - 1] = exact_number(mat[k - a][b - 1] + exact_number(c))
    return mat


def terms_from_matrix(mat: Sequence[Sequence[Any]]) -> dict[tuple[int, int], Exact]:
    """Inverse of :func:`matrix_from_terms`: the nonzero ``{(a, b): C_ab}``."""
    k = len(mat)
    return {
        (k - i, j + 1): exact_number(c) for i, row in enumerate(mat) for j, c in enumerate(row) if c
    }


def invariant_violations(mat: Sequence[Sequence[Any]], beta: object = 1) -> list[str]:
    """Check the properties every table must have; return a list of what fails (empty if none).

    * square ``k x k`` of exact numbers: nonnegative ints for ``beta = 1, 2`` (and whenever
      ``alpha = 2/beta`` is an integer), nonnegative when ``alpha >= 1``; with ``alpha = a/b``
      every entry times ``b^{k-1}`` is an integer;
    * entries sum to ``prod_{i<k} (1 + alpha i)`` (``E tr S^k`` at ``n = m = 1``): ``(2k-1)!!``,
      the number of perfect matchings of ``2k`` points, for ``beta = 1``; ``k!`` for ``beta = 2``;
    * ``C_{a,b} = C_{b,a}`` (persymmetric matrix: ``n <-> m`` symmetry of ``E tr(S^k)``),
    * zero where ``a + b > k + 1`` (a matching has at most ``k + 1`` index classes),
    * row ``n^k`` is ``[1, 0, ..., 0]``.
    """
    k = len(mat)
    bad: list[str] = []
    if k == 0 or any(len(row) != k for row in mat):
        return [f"not a square k x k matrix (k = {k})"]
    alpha = alpha_of(beta)
    scale = alpha.denominator ** (k - 1)
    for i, row in enumerate(mat):
        for j, c in enumerate(row):
            if alpha == 2:  # the real tables: the historical, stricter message
                if isinstance(c, bool) or not isinstance(c, int) or c < 0:
                    bad.append(f"entry [{i}][{j}] = {c!r} is not a nonnegative int")
                continue
            if isinstance(c, bool) or not isinstance(c, (int, Fraction)):
                bad.append(f"entry [{i}][{j}] = {c!r} is not an exact int or Fraction")
            elif isinstance(c, Fraction) and (c * scale).denominator != 1:
                bad.append(f"entry [{i}][{j}] = {c} times {scale} is not an integer")
            elif alpha >= 1 and c < 0:
                bad.append(f"entry [{i}][{j}] = {c} is negative (alpha = {alpha} >= 1)")
    if bad:
        return bad
    total = sum(map(sum, mat))
    want = expected_total(k, beta)
    if total != want:
        what = "(2k-1)!!" if alpha == 2 else "k!" if alpha == 1 else "prod_{i<k} (1 + alpha i)"
        bad.append(f"entries sum to {total}, expected {what} = {want}")
    for i in range(k):
        for j in range(k):
            # C_{a,b} with a = k - i, b = j + 1; its mirror C_{b,a} sits at row k - b, column a - 1.
            if mat[i][j] != mat[k - 1 - j][k - 1 - i]:
                bad.append(f"not persymmetric at [{i}][{j}]")
            if (k - i) + (j + 1) > k + 1 and mat[i][j]:
                bad.append(f"nonzero [{i}][{j}] = n^{k - i} m^{j + 1} above degree k + 1")
    if list(mat[0]) != [1] + [0] * (k - 1):
        bad.append(f"row n^k is {list(mat[0])}, expected [1, 0, ...]")
    return bad


class CoefficientMatrix(Sequence[tuple[Exact, ...]]):
    """The exact ``k x k`` table ``C^{(k)}``; indexes, iterates and compares like that matrix.

    ``cm.matrix`` is a tuple of row tuples; ``cm[i][j]`` is the same entry; ``cm == [[...]]``
    compares with nested lists. ``cm.coefficient(a, b)`` is the coefficient of ``n^a m^b``.
    ``cm.beta`` is the field (``1`` real, ``2`` complex, ``4`` quaternion, or any rational
    ``beta > 0``); entries are ints, or ``Fraction`` where ``beta`` calls for them. Two tables are
    equal when their ``beta`` and entries are.
    """

    __slots__ = ("beta", "engine", "k", "matrix")

    def __init__(
        self, matrix: Sequence[Sequence[Any]], engine: str = "unknown", beta: object = 1
    ) -> None:
        k = len(matrix)
        check_order(k, name="matrix size")
        rows = tuple(tuple(exact_number(c) for c in row) for row in matrix)
        if any(len(r) != k for r in rows):
            lengths = [len(r) for r in rows]
            raise ValueError(f"coefficient matrix must be square, got row lengths {lengths}")
        self.k: int = k
        self.matrix: tuple[tuple[Exact, ...], ...] = rows
        self.engine: str = engine
        self.beta: Exact = check_beta(beta)

    @classmethod
    def from_terms(
        cls,
        k: int,
        terms: Mapping[tuple[int, int], Any],
        engine: str = "unknown",
        beta: object = 1,
    ) -> CoefficientMatrix:
        return cls(matrix_from_terms(k, terms), engine=engine, beta=beta)

    def __getitem__(self, i: Any) -> Any:
        return self.matrix[i]

    def __len__(self) -> int:
        return self.k

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self.matrix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CoefficientMatrix):
            return self.beta == other.beta and self.matrix == other.matrix
        try:
            return self.matrix == tuple(tuple(exact_number(c) for c in row) for row in other)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self) -> int:
        return hash((self.beta, self.matrix))

    def __repr__(self) -> str:
        beta = "" if self.beta == 1 else f", beta={self.beta!r}"
        rows = [[str(c) if isinstance(c, Fraction) else c for c in r] for r in self.matrix]
        return f"CoefficientMatrix(k={self.k}, engine={self.engine!r}{beta}, matrix={rows})"

    def __str__(self) -> str:
        width = max(len(str(c)) for row in self.matrix for c in row)
        return "\n".join(" ".join(str(c).rjust(width) for c in row) for row in self.matrix)

    def tolist(self) -> list[list[Exact]]:
        """The matrix as nested lists of Python ints (and ``Fraction`` where needed)."""
        return [list(row) for row in self.matrix]

    def to_numpy(self) -> Any:
        """The matrix as a NumPy array of ``dtype=object`` (exact ints / Fractions)."""
        import numpy as np

        return np.array(self.tolist(), dtype=object)

    def terms(self) -> dict[tuple[int, int], Exact]:
        """``{(a, b): C_ab}`` for the nonzero coefficients of ``n^a m^b``."""
        return terms_from_matrix(self.matrix)

    def coefficient(self, a: int, b: int) -> Exact:
        """Coefficient of ``n^a m^b`` (0 outside the table)."""
        if 1 <= a <= self.k and 1 <= b <= self.k:
            return self.matrix[self.k - a][b - 1]
        return 0

    def total(self) -> Exact:
        """Sum of all entries; ``prod_{i<k} (1 + alpha i)`` (``(2k-1)!!`` at ``beta = 1``)."""
        return exact_number(sum(map(sum, self.matrix), Fraction(0)))

    def violations(self) -> list[str]:
        """See :func:`invariant_violations`."""
        return invariant_violations(self.matrix, self.beta)

    def evaluate(self, n: Any, m: Any, sigma: Any = 1) -> Any:
        """``sigma^{2k} sum C_ab n^a m^b``; exact for ``int``/``Fraction`` arguments."""
        return sigma ** (2 * self.k) * sum(c * n**a * m**b for (a, b), c in self.terms().items())
