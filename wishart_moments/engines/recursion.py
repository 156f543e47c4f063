"""Exact Stein / Schwinger-Dyson recursion for Wishart multi-trace moments (any order).

With ``M(mu) = E prod_i tr(S^{mu_i})`` at ``sigma = 1`` (``S = W W^T``, ``W`` real ``m x n``),
``tr(S^0) = m`` and ``P`` the remaining parts, Gaussian integration by parts
``E[W_ij f(W)] = E[df/dW_ij]`` gives

    M(k, P) = (n + k - 1) M(k-1, P) + sum_{p=0}^{k-2} M(p+1, k-2-p, P)
              + sum_{q in P} 2q M(k+q-1, P \\ q)

The smallest part is expanded first (far fewer states). Folding the ``p = k-2`` term
``M(k-1, 0, P) = m M(k-1, P)`` into the first one and, for ``k = 1``, the ``q``-sum into
``M(q, P \\ q) = M(P)`` gives

    M(k, P) = (s + k - 1) M(k-1, P) + sum_{a+b=k-1, a,b>=1} M(a, b, P) + sum_q 2q M(k+q-1, P \\ q)
    M(1, P) = (p + 2|P|) M(P)                          s = n + m,  p = n m

Every coefficient is a polynomial in ``s`` and ``p`` with nonnegative coefficients, so each
``M(mu) = p Q_mu(s, p)`` (all parts positive) is held as ``Q_mu`` with nonnegative integer
coefficients ``c_ij`` of ``s^i p^j``. Since ``M(1, 1) = (2|mu|-1)!!`` (a 1 x 1 Wishart matrix is
``chi^2_1``) and ``M = sum c_ij 2^i`` there, ``c_ij <= (2|mu|-1)!!``; ``Q_mu`` has ``n``-degree
``i + j <= |mu| - 1``. That makes a Kronecker substitution exact: ``Q_mu`` is one integer with
``c_ij`` in the ``w``-bit field of slot ``i + V j`` (``V = K`` for totals up to ``K``), and the
recursion is shifts, small multiples and additions of integers. The symmetric basis needs half the
slots of the ``n^a m^b`` basis.

A state of total ``t`` needs only states of total ``t - 1``: the reachable states are listed first,
then evaluated layer by layer, each dropped when its last user is done (about one layer is held).

This is the reference engine (``engine="recursion"``). The faster five-term recursion in ``k``
of :mod:`wishart_moments.engines.five_term` (``engine="five_term"``) was fitted to it and is checked
against it in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from math import ceil, comb
from typing import Any

from ..layout import CoefficientMatrix, Terms, double_factorial
from ..limits import check_order
from ._parts import evaluation_order

State = tuple[int, ...]


def _insert(parts: State, *new: int) -> State:
    """``parts`` (sorted) with the positive values ``new`` added, sorted."""
    return tuple(sorted((*parts, *new)))


def _dependencies(mu: State) -> tuple[State | None, list[tuple[int, State]], State | None]:
    """``(down, doubled, middle)`` with ``Q_mu = (s + k - 1) Q_down + 2 sum c Q_d + Q_middle``.

    ``doubled`` holds ``(c, state)``; for ``k = 1``, ``down`` is ``P`` and its factor is
    ``p + 2|P|`` (the other entries are empty).
    """
    k, rest = mu[0], mu[1:]
    if k == 1:
        return rest, [], None
    down = _insert(rest, k - 1)
    doubled: list[tuple[int, State]] = []
    middle = None
    for a in range(1, k // 2 + 1):
        b = k - 1 - a
        if a < b:
            doubled.append((1, _insert(rest, a, b)))
        elif a == b:
            middle = _insert(rest, a, a)
    previous = 0
    for i, q in enumerate(rest):
        if q != previous:
            previous = q
            doubled.append((q * rest.count(q), _insert(rest[:i] + rest[i + 1 :], k + q - 1)))
    return down, doubled, middle


class _Layout:
    """Kronecker layout for states of total at most ``K``: ``w``-bit slots, ``V`` per power of p."""

    def __init__(self, K: int) -> None:
        self.K = K
        self.width = -(-double_factorial(2 * K - 1).bit_length() // 8) * 8  # whole bytes
        self.slots_s = K
        self.shift_p = self.width * self.slots_s

    def symmetric_coefficients(self, packed: int) -> dict[tuple[int, int], int]:
        """``{(i, j): c_ij}`` of ``Q = sum c_ij s^i p^j`` from its packed integer."""
        nbytes = self.width // 8
        raw = int(packed).to_bytes(-(-int(packed).bit_length() // 8) or 1, "little")
        out: dict[tuple[int, int], int] = {}
        for slot, start in enumerate(range(0, len(raw), nbytes)):
            c = int.from_bytes(raw[start : start + nbytes], "little")
            if c:
                out[(slot % self.slots_s, slot // self.slots_s)] = c
        return out


def _to_nm_terms(sym: dict[tuple[int, int], int]) -> Terms:
    """``M = p Q`` in the ``n^a m^b`` basis.

    ``(n+m)^i (nm)^(j+1) = sum_r C(i, r) n^(r+j+1) m^(i-r+j+1)``.
    """
    terms: Terms = {}
    for (i, j), c in sym.items():
        for r in range(i + 1):
            key = (r + j + 1, i - r + j + 1)
            terms[key] = terms.get(key, 0) + c * comb(i, r)
    return terms


def _used(mu: State) -> set[State]:
    down, doubled, middle = _dependencies(mu)
    return {down, middle, *(d for _, d in doubled)} - {None, ()}  # type: ignore[return-value]


def _evaluation_order(targets: Iterable[State]) -> tuple[list[State], dict[State, int]]:
    """Every state the targets need, by increasing total, and how many states use each one."""
    return evaluation_order(targets, _used)


def _evaluate(
    targets: Iterable[State], layout: _Layout, one: Any = 1
) -> dict[State, dict[tuple[int, int], int]]:
    """Symmetric coefficients of ``Q_mu`` for each target (totals at most ``layout.K``).

    ``one`` is the unit of the integer type that carries the packed values (``int``; the benchmark
    also runs ``flint.fmpz``).
    """
    targets = set(targets)
    order, uses = _evaluation_order(targets)
    shift_s, shift_p = layout.width, layout.shift_p
    found: dict[State, dict[tuple[int, int], int]] = {}
    values: dict[State, Any] = {}
    for mu in order:
        k = mu[0]
        down, doubled, middle = _dependencies(mu)
        if k == 1:
            if not down:
                value = one
            else:
                v = values[down]
                value = (v << shift_p) + 2 * (sum(down)) * v
        else:
            acc = 0
            for c, d in doubled:
                acc += values[d] * c if c != 1 else values[d]
            acc <<= 1
            if middle is not None:
                acc += values[middle]
            v = values[down]
            value = acc + (v << shift_s) + (k - 1) * v
        if uses[mu]:
            values[mu] = value
        if mu in targets:
            found[mu] = layout.symmetric_coefficients(value)
        for d in {down, middle, *(d for _, d in doubled)} - {None, ()}:
            uses[d] -= 1
            if not uses[d]:
                del values[d]
    return found


# Orders computed so far: k -> symmetric coefficients of Q_(k). A sweep to K yields every order
# up to K, at a cost growing like K^8, so a request past the largest order done sweeps ahead to
# _GROWTH times it: asking for k = 1, 2, 3, ... in turn then costs about one sweep to the last k.
_SINGLE: dict[int, dict[tuple[int, int], int]] = {}
_GROWTH = 1.25


def _single_trace(k: int) -> dict[tuple[int, int], int]:
    """Symmetric coefficients of ``Q_(k)`` (see the module docstring)."""
    if k not in _SINGLE:
        top = max(k, ceil(_GROWTH * max(_SINGLE, default=0)))
        wanted = [(j,) for j in range(1, top + 1) if j not in _SINGLE]
        _SINGLE.update((j, sym) for (j,), sym in _evaluate(wanted, _Layout(top)).items())
    return _SINGLE[k]


def multi_trace_moment(parts: Iterable[int]) -> Terms:
    """``E prod_i tr(S^{parts_i})`` at ``sigma = 1`` as ``{(a, b): coefficient of n^a m^b}``.

    Multiply by ``sigma^{2 sum(parts)}`` for general ``sigma``. Parts equal to 0 contribute ``m``.
    """
    if isinstance(parts, (str, bytes)):
        raise ValueError(f"parts must be a sequence of nonnegative integers, got {parts!r}")
    parts = list(parts)
    for p in parts:
        if isinstance(p, bool) or not isinstance(p, int) or p < 0:
            raise ValueError(f"parts must be nonnegative integers, got {p!r}")
    zeros = parts.count(0)
    mu = tuple(sorted(p for p in parts if p > 0))
    check_order("recursion", sum(mu) + zeros, name="sum(parts)", minimum=0)
    if not mu:
        return {(0, zeros): 1}
    if len(mu) == 1:
        sym = _single_trace(mu[0])
    else:
        layout = _Layout(sum(mu))
        sym = _evaluate([mu], layout)[mu]
    return {(a, b + zeros): c for (a, b), c in _to_nm_terms(sym).items()}


def recursion_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` of ``E tr(S^k)`` by the multi-trace Stein recursion (exact, proven; ``k <= 75``).

    Asking for ``k = 1, 2, 3, ...`` in turn costs about one sweep to the last ``k``. For still
    higher orders, the fitted five-term recursion (``engine="five_term"``) is much faster.
    """
    return _matrix(check_order("recursion", k))


@lru_cache(maxsize=128)
def _matrix(k: int) -> CoefficientMatrix:
    return CoefficientMatrix.from_terms(k, _to_nm_terms(_single_trace(k)), engine="recursion")
