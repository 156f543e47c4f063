"""A five-term recursion in ``k`` for the single-trace moments ``M_k = E tr(S^k)`` (real case).

With ``sigma = 1``, ``s = n + m`` and ``p = n m``, for every ``k >= 5``

    (k + 1) M_k = c_1 M_{k-1} + c_2 M_{k-2} + c_3 M_{k-3} + c_4 M_{k-4}

    c_1 = (4k - 1)(s - 1)
    c_2 = 5k^3 - 16k^2 + 13k - 1 + (8k - 12)(s + p) - (6k - 9) s^2
    c_3 = -(s - 1) [10k^3 - 68k^2 + 150k - 107 + (16k - 44) p - (4k - 11) s^2]
    c_4 = -4k^5 + 60k^4 - 353k^3 + 1016k^2 - 1428k + 784 + (-20k^3 + 208k^2 - 724k + 848) p
          + (64 - 16k) p^2 + (5k^3 - 52k^2 + 181k - 212) s^2 + (8k - 32) s^2 p + (4 - k) s^4

(``_COEFFICIENTS`` below). It was found by fitting, not derived: among recursions of order 4
whose coefficients are polynomials of degree <= 5 in ``k`` and weighted degree <= j in
``(s, p)``, it is the only one (up to a factor) that the exact moments from the multi-trace
Stein recursion (:mod:`wishart_moments.engines.recursion`) satisfy for ``5 <= k <= 14``; the tests
re-derive it that way and check it against the multi-trace recursion for every ``k <= 60``. No
proof is known to us (Ledoux, Ann. IHP 2009, proves five-term recursions of this kind for the
Gaussian orthogonal and symplectic ensembles). ``M_1 .. M_4`` come from the multi-trace recursion.

The moments are carried packed (Kronecker substitution, ``n^a m^b`` in the ``w``-bit field of
slot ``a + V b``), so a step is a few dozen shifts, small multiples and additions of integers, and
one exact division by ``k + 1``: the recursion holds at the packing point, and the quotient's
fields are ``M_k``'s coefficients, which are nonnegative and at most ``(2k - 1)!!``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from math import ceil

from ..layout import CoefficientMatrix, Terms, double_factorial
from ..limits import check_order

# (j, u, v) -> coefficients (constant first) of the polynomial in k multiplying s^u p^v in c_j.
_COEFFICIENTS: dict[tuple[int, int, int], tuple[int, ...]] = {
    (1, 0, 0): (1, -4),
    (1, 1, 0): (-1, 4),
    (2, 0, 0): (-1, 13, -16, 5),
    (2, 0, 1): (-12, 8),
    (2, 1, 0): (-12, 8),
    (2, 2, 0): (9, -6),
    (3, 0, 0): (-107, 150, -68, 10),
    (3, 0, 1): (-44, 16),
    (3, 1, 0): (107, -150, 68, -10),
    (3, 1, 1): (44, -16),
    (3, 2, 0): (11, -4),
    (3, 3, 0): (-11, 4),
    (4, 0, 0): (784, -1428, 1016, -353, 60, -4),
    (4, 0, 1): (848, -724, 208, -20),
    (4, 0, 2): (64, -16),
    (4, 2, 0): (-212, 181, -52, 5),
    (4, 2, 1): (-32, 8),
    (4, 4, 0): (4, -1),
}
FIRST_K = 5  # the recursion gives M_k for k >= FIRST_K from M_1 .. M_4


def step_coefficients(k: int) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """``{(u, v): [(j, coefficient of s^u p^v in c_j(k)), ...]}``."""
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (j, u, v), poly in _COEFFICIENTS.items():
        out.setdefault((u, v), []).append((j, sum(c * k**g for g, c in enumerate(poly))))
    return out


class _Packing:
    """Kronecker layout for ``M_k``, ``k <= K``: ``w``-bit fields, ``V`` slots per power of m."""

    def __init__(self, K: int) -> None:
        self.K = K
        self.nbytes = -(-double_factorial(2 * K - 1).bit_length() // 8)
        self.slots_n = K + 1  # n-degree 0..K

    def shift(self, a: int, b: int) -> int:
        return 8 * self.nbytes * (a + self.slots_n * b)

    def pack(self, terms: Terms) -> int:
        raw = bytearray(self.nbytes * self.slots_n * (max(b for _, b in terms) + 1))
        for (a, b), c in terms.items():
            start = self.nbytes * (a + self.slots_n * b)
            raw[start : start + self.nbytes] = c.to_bytes(self.nbytes, "little")
        return int.from_bytes(raw, "little")

    def unpack(self, packed: int) -> Terms:
        raw = packed.to_bytes(-(-packed.bit_length() // 8), "little")
        size, terms = self.nbytes, {}
        for slot, start in enumerate(range(0, len(raw), size)):
            c = int.from_bytes(raw[start : start + size], "little")
            if c:
                terms[(slot % self.slots_n, slot // self.slots_n)] = c
        return terms


def single_trace_moments(first: list[Terms], growth: float = 1.1) -> Iterator[Terms]:
    """``M_5, M_6, ...`` as ``{(a, b): coefficient of n^a m^b}``, from ``first = [M_1, .., M_4]``.

    The packing is sized for orders up to some ``K`` and rebuilt ``growth`` times larger when the
    sequence passes it.
    """
    packing = _Packing(2 * FIRST_K)
    recent = [packing.pack(t) for t in first]  # M_{k-4} .. M_{k-1}
    k = FIRST_K
    while True:
        if k > packing.K:
            bigger = _Packing(max(k, ceil(growth * packing.K)))
            recent = [bigger.pack(packing.unpack(v)) for v in recent]
            packing = bigger
        # (k + 1) M_k = sum_v p^v sum_u s^u Y_uv with Y_uv = sum_j a_juv(k) M_{k-j}, by Horner
        # in s (times s: two shifts) and then in p (one shift).
        shift_n, shift_m = packing.shift(1, 0), packing.shift(0, 1)
        parts = {
            uv: sum(c * recent[-j] for j, c in terms) for uv, terms in step_coefficients(k).items()
        }
        numerator = 0
        for v in range(max(v for _, v in parts), -1, -1):
            row = 0
            for u in range(max(u for u, row_v in parts if row_v == v), -1, -1):
                row = (row << shift_n) + (row << shift_m) + parts.get((u, v), 0)
            numerator = (numerator << (shift_n + shift_m)) + row
        value, remainder = divmod(numerator, k + 1)
        if remainder or value < 0:
            raise ArithmeticError(f"five-term recursion failed at k = {k}")
        recent = [*recent[1:], value]
        yield packing.unpack(value)
        k += 1


def five_term_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` by the fitted five-term recursion (``engine="five_term"``).

    ``k <= 4`` come from the multi-trace Stein recursion, which also seeds the sequence. The
    recursion is verified against the multi-trace recursion for every ``k <= 60`` in the tests;
    beyond that it is an unproven (but exact-integer, divisibility-checked) extension of the fit.
    Asking for ``k = 1, 2, 3, ...`` in turn costs one step each.
    """
    return _matrix(check_order("five_term", k))


@lru_cache(maxsize=128)
def _matrix(k: int) -> CoefficientMatrix:
    return CoefficientMatrix.from_terms(k, _ORDERS.terms(k), engine="five_term")


class _Orders:
    """``E tr(S^k)`` for increasing ``k``, continuing the five-term recursion where it stopped."""

    def __init__(self) -> None:
        self._next_k = FIRST_K
        self._sequence: Iterator[Terms] | None = None

    @staticmethod
    def _seed(k: int) -> Terms:
        from .recursion import multi_trace_moment

        return multi_trace_moment([k])

    def _start(self) -> Iterator[Terms]:
        return single_trace_moments([self._seed(j) for j in range(1, FIRST_K)])

    def terms(self, k: int) -> Terms:
        if k < FIRST_K:
            return self._seed(k)
        if k < self._next_k:  # behind the running sequence: a separate one, not kept
            return next(islice(self._start(), k - FIRST_K, None))
        if self._sequence is None:
            self._sequence = self._start()
        while True:
            terms = next(self._sequence)
            self._next_k += 1
            if self._next_k > k:
                return terms


_ORDERS = _Orders()
