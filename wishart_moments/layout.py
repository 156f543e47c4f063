"""The coefficient matrix ``C^{(k)}`` of ``E tr(S^k)`` in the paper's layout, and its invariants.

``E tr(S^k) = sigma^{2k} sum_{a,b} C_{a,b} n^a m^b`` for ``S = W W^T``, ``W`` an ``m x n`` matrix
of iid ``N(0, sigma^2)`` entries. The paper stores ``C^{(k)}`` as a ``k x k`` matrix whose row ``i``
(0-based) holds the power ``n^{k-i}`` and whose column ``j`` holds ``m^{j+1}``::

    k = 3:  [[1, 0, 0],      n^3 m
             [3, 3, 0],      3 n^2 m + 3 n^2 m^2
             [4, 3, 1]]      4 n m + 3 n m^2 + n m^3

Every entry is an exact Python ``int``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ._validation import check_order

Terms = dict[tuple[int, int], int]


def double_factorial(n: int) -> int:
    """``n!! = n (n-2) (n-4) ...``, with ``(-1)!! = 0!! = 1``."""
    out = 1
    for j in range(n, 0, -2):
        out *= j
    return out


def matrix_from_terms(k: int, terms: Mapping[tuple[int, int], int]) -> list[list[int]]:
    """Arrange ``{(a, b): C_ab}`` (coefficient of ``n^a m^b``) in the paper's ``k x k`` layout."""
    mat = [[0] * k for _ in range(k)]
    for (a, b), c in terms.items():
        if not (1 <= a <= k and 1 <= b <= k):
            if c:
                raise ValueError(f"term n^{a} m^{b} does not fit the k={k} layout")
            continue
        mat[k - a][b - 1] += int(c)
    return mat


def terms_from_matrix(mat: Sequence[Sequence[int]]) -> Terms:
    """Inverse of :func:`matrix_from_terms`: the nonzero ``{(a, b): C_ab}``."""
    k = len(mat)
    return {(k - i, j + 1): int(c) for i, row in enumerate(mat) for j, c in enumerate(row) if c}


def invariant_violations(mat: Sequence[Sequence[int]]) -> list[str]:
    """Check the properties every table must have; return a list of what fails (empty if none).

    * square ``k x k`` of nonnegative Python integers,
    * entries sum to ``(2k-1)!!`` (the number of perfect matchings of ``2k`` points),
    * ``C_{a,b} = C_{b,a}`` (persymmetric matrix: ``n <-> m`` symmetry of ``E tr(S^k)``),
    * zero where ``a + b > k + 1`` (a matching has at most ``k + 1`` index classes),
    * row ``n^k`` is ``[1, 0, ..., 0]``.
    """
    k = len(mat)
    bad: list[str] = []
    if k == 0 or any(len(row) != k for row in mat):
        return [f"not a square k x k matrix (k = {k})"]
    for i, row in enumerate(mat):
        for j, c in enumerate(row):
            if isinstance(c, bool) or not isinstance(c, int) or c < 0:
                bad.append(f"entry [{i}][{j}] = {c!r} is not a nonnegative int")
    if bad:
        return bad
    total = sum(map(sum, mat))
    if total != double_factorial(2 * k - 1):
        bad.append(f"entries sum to {total}, expected (2k-1)!! = {double_factorial(2 * k - 1)}")
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


class CoefficientMatrix(Sequence[tuple[int, ...]]):
    """The exact ``k x k`` table ``C^{(k)}``; indexes, iterates and compares like that matrix.

    ``cm.matrix`` is a tuple of row tuples; ``cm[i][j]`` is the same entry; ``cm == [[...]]``
    compares with nested lists. ``cm.coefficient(a, b)`` is the coefficient of ``n^a m^b``.
    """

    __slots__ = ("engine", "k", "matrix")

    def __init__(self, matrix: Sequence[Sequence[int]], engine: str = "unknown") -> None:
        k = len(matrix)
        check_order(k, name="matrix size")
        rows = tuple(tuple(int(c) for c in row) for row in matrix)
        if any(len(r) != k for r in rows):
            lengths = [len(r) for r in rows]
            raise ValueError(f"coefficient matrix must be square, got row lengths {lengths}")
        self.k: int = k
        self.matrix: tuple[tuple[int, ...], ...] = rows
        self.engine: str = engine

    @classmethod
    def from_terms(
        cls, k: int, terms: Mapping[tuple[int, int], int], engine: str = "unknown"
    ) -> CoefficientMatrix:
        return cls(matrix_from_terms(k, terms), engine=engine)

    def __getitem__(self, i: Any) -> Any:
        return self.matrix[i]

    def __len__(self) -> int:
        return self.k

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self.matrix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CoefficientMatrix):
            return self.matrix == other.matrix
        try:
            return self.matrix == tuple(tuple(int(c) for c in row) for row in other)  # type: ignore[union-attr]
        except TypeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash(self.matrix)

    def __repr__(self) -> str:
        return f"CoefficientMatrix(k={self.k}, engine={self.engine!r}, matrix={self.tolist()})"

    def __str__(self) -> str:
        width = max(len(str(c)) for row in self.matrix for c in row)
        return "\n".join(" ".join(str(c).rjust(width) for c in row) for row in self.matrix)

    def tolist(self) -> list[list[int]]:
        """The matrix as nested lists of Python ints."""
        return [list(row) for row in self.matrix]

    def to_numpy(self) -> Any:
        """The matrix as a NumPy array of ``dtype=object`` (exact Python ints)."""
        import numpy as np

        return np.array(self.tolist(), dtype=object)

    def terms(self) -> Terms:
        """``{(a, b): C_ab}`` for the nonzero coefficients of ``n^a m^b``."""
        return terms_from_matrix(self.matrix)

    def coefficient(self, a: int, b: int) -> int:
        """Coefficient of ``n^a m^b`` (0 outside the table)."""
        if 1 <= a <= self.k and 1 <= b <= self.k:
            return self.matrix[self.k - a][b - 1]
        return 0

    def total(self) -> int:
        """Sum of all entries; ``(2k-1)!!`` for a correct table."""
        return sum(map(sum, self.matrix))

    def violations(self) -> list[str]:
        """See :func:`invariant_violations`."""
        return invariant_violations(self.matrix)

    def evaluate(self, n: Any, m: Any, sigma: Any = 1) -> Any:
        """``sigma^{2k} sum C_ab n^a m^b``; exact for ``int``/``Fraction`` arguments."""
        return sigma ** (2 * self.k) * sum(c * n**a * m**b for (a, b), c in self.terms().items())
