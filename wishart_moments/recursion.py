"""Exact Stein / Schwinger-Dyson recursion for Wishart multi-trace moments (any order).

With ``M(mu) = E prod_i tr(S^{mu_i})`` at ``sigma = 1`` (``S = W W^T``, ``W`` real ``m x n``),
``tr(S^0) = m`` and ``P`` the remaining parts, Gaussian integration by parts
``E[W_ij f(W)] = E[df/dW_ij]`` gives

    M(k, P) = (n + k - 1) M(k-1, P) + sum_{p=0}^{k-2} M(p+1, k-2-p, P)
              + sum_{q in P} 2q M(k+q-1, P \\ q)

The smallest part is expanded first (far fewer states), memoised over partitions.
Polynomials in ``(n, m)`` are held as one Python integer by Kronecker substitution
(coefficient of ``n^a m^b`` in the bit field of slot ``a + A b``): the coefficients are
nonnegative and bounded by ``(2K-1)!!``, so the packing is exact.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._validation import check_order
from .layout import CoefficientMatrix, Terms, double_factorial


class _PackedRecursion:
    """All multi-trace moments of total degree <= ``K``, packed as integers."""

    def __init__(self, K: int) -> None:
        self.K = K
        self.bits = double_factorial(2 * K - 1).bit_length() + 1
        self.slots_n = K + 1  # n-degree 0..K
        self.shift_m = self.bits * self.slots_n
        self.memo: dict[tuple[int, ...], int] = {(): 1}

    def moment(self, mu: tuple[int, ...]) -> int:
        """Packed ``M(mu)`` for a sorted tuple of positive parts with ``sum(mu) <= K``."""
        memo = self.memo
        found = memo.get(mu)
        if found is not None:
            return found
        # Iterative depth-first evaluation (no Python recursion limit for large K).
        stack = [mu]
        while stack:
            state = stack[-1]
            if state in memo:
                stack.pop()
                continue
            deps = self._dependencies(state)
            missing = [d for _, d, _ in deps if d not in memo]
            if missing:
                stack.extend(missing)
                continue
            acc = 0
            for coef, dep, m_power in deps:
                val = memo[dep]
                if m_power:
                    val <<= self.shift_m * m_power
                if coef == "n+":
                    acc += (val << self.bits) + (state[0] - 1) * val
                else:
                    acc += coef * val
            memo[state] = acc
            stack.pop()
        return memo[mu]

    @staticmethod
    def _dependencies(mu: tuple[int, ...]) -> list[tuple[object, tuple[int, ...], int]]:
        """Terms of the recursion for ``M(mu)``: (coefficient, state, extra power of m)."""
        k, rest = mu[0], mu[1:]
        deps: list[tuple[object, tuple[int, ...], int]] = []
        # (n + k - 1) M(k-1, P); tr(S^0) = m.
        if k == 1:
            deps.append(("n+", rest, 1))
        else:
            deps.append(("n+", tuple(sorted((k - 1, *rest))), 0))
        # sum_{p=0}^{k-2} M(p+1, k-2-p, P): symmetric in p <-> k-2-p.
        for a in range(1, k):
            b = k - 1 - a
            if a < b:
                deps.append((2, tuple(sorted((a, b, *rest))), 0))
            elif a == b:
                deps.append((1, tuple(sorted((a, b, *rest))), 0))
            elif b == 0:
                deps.append((1, tuple(sorted((a, *rest))), 1))
        # sum_{q in P} 2q M(k+q-1, P \ q), equal parts grouped.
        seen: set[int] = set()
        for i, q in enumerate(rest):
            if q in seen:
                continue
            seen.add(q)
            merged = tuple(sorted((k + q - 1, *rest[:i], *rest[i + 1 :])))
            deps.append((2 * q * rest.count(q), merged, 0))
        return deps

    def unpack(self, packed: int) -> Terms:
        """``{(a, b): coefficient of n^a m^b}`` from a packed polynomial."""
        mask = (1 << self.bits) - 1
        terms: Terms = {}
        slot = 0
        while packed:
            c = packed & mask
            if c:
                terms[(slot % self.slots_n, slot // self.slots_n)] = c
            packed >>= self.bits
            slot += 1
        return terms


_ENGINES: dict[int, _PackedRecursion] = {}


def _engine_for(total: int) -> _PackedRecursion:
    cap = 16
    while cap < total:
        cap *= 2
    eng = _ENGINES.get(cap)
    if eng is None:
        eng = _ENGINES[cap] = _PackedRecursion(cap)
    return eng


def multi_trace_moment(parts: Iterable[int]) -> Terms:
    """``E prod_i tr(S^{parts_i})`` at ``sigma = 1`` as ``{(a, b): coefficient of n^a m^b}``.

    Multiply by ``sigma^{2 sum(parts)}`` for general ``sigma``. Parts equal to 0 contribute ``m``.
    """
    parts = list(parts)
    for p in parts:
        if isinstance(p, bool) or not isinstance(p, int) or p < 0:
            raise ValueError(f"parts must be nonnegative integers, got {p!r}")
    zeros = parts.count(0)
    mu = tuple(sorted(p for p in parts if p > 0))
    if not mu:
        return {(0, zeros): 1}
    eng = _engine_for(sum(mu))
    terms = eng.unpack(eng.moment(mu))
    return {(a, b + zeros): c for (a, b), c in terms.items()}


def recursion_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` of ``E tr(S^k)`` by the Stein recursion (exact, any ``k >= 1``)."""
    k = check_order(k)
    return CoefficientMatrix.from_terms(k, multi_trace_moment([k]), engine="recursion")
