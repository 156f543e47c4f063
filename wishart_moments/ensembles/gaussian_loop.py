"""Loop equations (Schwinger-Dyson) of the Gaussian beta-ensemble, exact in ``m`` and ``beta``.

The eigenvalue density is ``prop. |Delta(x)|^beta exp(-sum x_i^2 / 2)`` (Dumitriu-Edelman, as in
MOPS). With ``p_r = sum_i x_i^r`` (``p_0 = m``) and ``f = prod_j p_{mu_j}``, integrating
``sum_i d/dx_i (x_i^{s-1} f density)`` to zero gives, for ``s >= 1``,

    E[p_s f] = (s-1)(1 - beta/2) E[p_{s-2} f] + beta/2 sum_{r=0}^{s-2} E[p_r p_{s-2-r} f]
               + sum_j mu_j E[p_{s+mu_j-2} f / p_{mu_j}]

(the Vandermonde term gives ``beta/2 (sum_r p_r p_{s-2-r} - (s-1) p_{s-2})``, the weight
``-p_s``, the derivative of ``x^{s-1}`` the ``(s-1) p_{s-2}``). Every right-hand term has total
degree two less, so odd totals vanish. With ``alpha = 2/beta``, ``b = alpha - 1`` and
``M(mu) = alpha^{|mu|/2} E p_mu`` (the moments of ``sqrt(alpha) H``), for ``mu = (s, P)`` with
``s`` its smallest part:

    M(s, P) = (s-1) b M(s-2, P) + sum_{r=0}^{s-2} M(r, s-2-r, P)
              + (1 + b) sum_{q in P} q M(s+q-2, P \\ q)

(a part 0 is a factor ``m``). All coefficients are nonnegative: ``M(mu)`` is a polynomial in
``m`` and ``b`` with nonnegative integer coefficients (Goulden-Jackson's ``b``-weighted maps).
At ``m = 1``, ``b = 1`` (``beta = 1``) it is ``2^K (2K - 1)!!`` (``|mu| = 2K``, the moments of
``sqrt 2 N(0, 1)``), which bounds every coefficient: the recursion runs on Kronecker-packed
Python integers (one integer per state; multiplying by ``m`` or ``b`` is a shift), as the
Laguerre loop equations do. Back in ``beta``:

    2^K E p_mu = sum_{i,l} c_{il} m^i (2 - beta)^l beta^{K-l},     M(mu) = sum c_{il} m^i b^l.

At a fixed rational ``beta = P/Q`` the scaled ``T(mu) = (2Q)^K E p_mu`` obeys the recursion with
integer multipliers ``(s-1)(2Q - P)``, ``P`` and ``2Q`` (signed when ``beta > 2``), packed in
``m`` alone.

Checks: ``E tr H^2 = m + beta m(m-1)/2``; the GUE ``E tr H^4 = 2m^3 + m``; ``(tr H)`` is
``N(0, m)`` for every beta. Independent derivations: :mod:`.gaussian_maps` (genus expansion,
beta = 1, 2) and :mod:`.gaussian_tridiagonal` (the tridiagonal model expanded, slow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from math import ceil, comb

from .._validation import check_beta
from ..engines._parts import evaluation_order
from ..engines.loop_equations import _Packing
from ..layout import double_factorial

State = tuple[int, ...]
#: ``2^K E p_mu = sum c m^i beta^l`` as ``{(i, l): c}`` (integers).
GeneralTerms = dict[tuple[int, int], int]


def _insert(parts: State, *new: int) -> State:
    return tuple(sorted((*parts, *new)))


def _dependencies(
    mu: State,
) -> tuple[State | None, int, list[State], State | None, list[tuple[int, State, int]]]:
    """``(down, down_m, pairs, middle, qterms)`` for ``mu = (s, P)``, ``s`` its smallest part.

    ``down`` is ``(s-2, P)`` with ``down_m`` parts 0 removed (a factor ``m^down_m``), ``None``
    for ``s = 1``; the split sum ``sum_{r=1}^{s-3} M(r, s-2-r, P)`` is ``2 sum_pairs + middle``;
    ``qterms`` holds ``(q * multiplicity, state, m_power)`` for the merges (a part ``s + q - 2``
    of 0 only when ``s = q = 1``).
    """
    s, rest = mu[0], mu[1:]
    down: State | None = None
    down_m = 0
    if s == 2:
        down, down_m = rest, 1
    elif s > 2:
        down = _insert(rest, s - 2)
    pairs: list[State] = []
    middle = None
    for r in range(1, (s - 2) // 2 + 1):
        if r < s - 2 - r:
            pairs.append(_insert(rest, r, s - 2 - r))
        else:
            middle = _insert(rest, r, r)
    qterms: list[tuple[int, State, int]] = []
    previous = 0
    for i, q in enumerate(rest):
        if q != previous:
            previous = q
            others = rest[:i] + rest[i + 1 :]
            merged = s + q - 2
            state = others if merged == 0 else _insert(others, merged)
            qterms.append((q * rest.count(q), state, int(merged == 0)))
    return down, down_m, pairs, middle, qterms


def _used(mu: State) -> set[State]:
    down, _, pairs, middle, qterms = _dependencies(mu)
    return {down, middle, *pairs, *(d for _, d, _ in qterms)} - {None, ()}  # type: ignore[return-value]


def _sweep(
    targets: set[State],
    shift_m: int,
    combine: Callable[[int, int, int, int], int],
    merge_only: Callable[[int], int],
) -> dict[State, int]:
    """Packed values of every target (all totals even, no zero parts).

    ``combine(s, D, S, Q)`` gives the value of ``(s, P)``, ``s >= 2``, from ``D`` (the value of
    ``down`` times its ``m`` power), ``S = sum_{r=0}^{s-2} M(r, s-2-r, P)`` and
    ``Q = sum_q q M(s+q-2, P \\ q)``; ``merge_only(Q)`` that of ``(1, P)``. Multiplying by ``m``
    is a left shift by ``shift_m``. States are dropped when their last user is done.
    """
    order, uses = evaluation_order(targets, _used)
    values: dict[State, int] = {(): 1}
    found: dict[State, int] = {}
    for mu in order:
        s = mu[0]
        down, down_m, pairs, middle, qterms = _dependencies(mu)
        q = 0
        for c, d, e in qterms:
            q += (c * values[d]) << (shift_m * e)
        if s == 1:
            value = merge_only(q)
        else:
            dv = values[down] << (shift_m * down_m)  # type: ignore[index]
            if s == 2:
                split = dv << shift_m  # r = 0: p_0 p_0 P = m * (m P)
            else:
                split = 0
                for d in pairs:
                    split += values[d]
                split <<= 1
                if middle is not None:
                    split += values[middle]
                split += dv << (shift_m + 1)  # r = 0 and r = s - 2: 2 m M(s-2, P)
            value = combine(s, dv, split, q)
        if uses[mu]:
            values[mu] = value
        if mu in targets:
            found[mu] = value
        for d in _used(mu):
            uses[d] -= 1
            if not uses[d]:
                del values[d]
    return found


def _degree_bounds(targets: Iterable[State]) -> tuple[int, int]:
    """``(m slots, K)``: every target has ``m``-degree ``<= K + l(mu)`` and ``|mu| <= 2K``."""
    targets = list(targets)
    K = max(sum(mu) for mu in targets) // 2
    return max(sum(mu) // 2 + len(mu) for mu in targets) + 1, K


def _evaluate_general(targets: set[State]) -> dict[State, dict[tuple[int, ...], int]]:
    """``M(mu)`` as ``{(i, l): c}`` (coefficient of ``m^i b^l``) for each target."""
    m_slots, K = _degree_bounds(targets)
    layout = _Packing(m_slots, 2**K * double_factorial(2 * K - 1), 2, False, p_slots=K + 1)
    sm, sb = layout.shift_s, layout.shift_p

    def combine(s: int, dv: int, split: int, q: int) -> int:
        return (((s - 1) * dv) << sb) + split + q + (q << sb)

    def merge_only(q: int) -> int:
        return q + (q << sb)

    packed = _sweep(targets, sm, combine, merge_only)
    return {mu: layout.decode(v) for mu, v in packed.items()}


def _fixed_bound(K: int, num: int, den: int) -> int:
    """A bound on the sum of ``|c|`` of ``T(mu)``, ``|mu| <= 2K`` (each step multiplies it by at
    most ``2K (|2Q - P| + P + 2Q)``)."""
    step = abs(2 * den - num) + num + 2 * den
    out = 1
    for j in range(1, K + 1):
        out *= 2 * j * step
    return out


def _evaluate_fixed(
    targets: set[State], num: int, den: int
) -> dict[State, dict[tuple[int, ...], int]]:
    """``T(mu) = (2Q)^K E p_mu`` at ``beta = P/Q`` as ``{(i, 0): c}`` (coefficient of ``m^i``)."""
    m_slots, K = _degree_bounds(targets)
    signed = num > 2 * den
    layout = _Packing(m_slots, _fixed_bound(K, num, den), 2, signed, p_slots=1)
    sm = layout.shift_s
    down_c, split_c, merge_c = 2 * den - num, num, 2 * den

    def combine(s: int, dv: int, split: int, q: int) -> int:
        return (s - 1) * down_c * dv + split_c * split + merge_c * q

    def merge_only(q: int) -> int:
        return merge_c * q

    packed = _sweep(targets, sm, combine, merge_only)
    return {mu: layout.decode(v) for mu, v in packed.items()}


# ---------------------------------------------------------------------------------------------
# Public terms


def _split_parts(parts: Iterable[int]) -> tuple[State, int]:
    """Sorted positive parts and the number of zero parts (``tr H^0 = m``)."""
    values = [int(p) for p in parts]
    return tuple(sorted(p for p in values if p > 0)), sum(1 for p in values if p == 0)


# A sweep to K yields every single trace up to K; a request past the largest order done sweeps
# ahead to _GROWTH times it (as the Laguerre loop equations do).
_GROWTH = 1.25
_SINGLE: dict[tuple[int, int] | None, dict[int, dict[tuple[int, ...], int]]] = {}


def _raw(mu: State, mode: tuple[int, int] | None) -> dict[tuple[int, ...], int]:
    def run(targets: set[State]) -> dict[State, dict[tuple[int, ...], int]]:
        return _evaluate_general(targets) if mode is None else _evaluate_fixed(targets, *mode)

    if len(mu) > 1:
        return run({mu})[mu]
    cache = _SINGLE.setdefault(mode, {})
    k = mu[0]
    if k not in cache:
        top = max(k // 2, ceil(_GROWTH * max(cache, default=0) / 2))
        wanted = {(2 * j,) for j in range(1, top + 1) if 2 * j not in cache}
        cache.update((j, c) for (j,), c in run(wanted).items())
    return cache[k]


def moment_terms(parts: Iterable[int]) -> GeneralTerms:
    """``2^K E prod_j tr(H^{parts_j})`` (``2K = sum(parts)``) as ``{(i, l): c}``, ``c`` the integer
    coefficient of ``m^i beta^l``; ``{}`` for an odd total. A part 0 is ``tr H^0 = m``.

    ``[2]`` gives ``{(1, 0): 2, (2, 1): 1, (1, 1): -1}``: ``E tr H^2 = m + beta m (m - 1)/2``.
    """
    mu, zeros = _split_parts(parts)
    if sum(mu) % 2:
        return {}
    if not mu:
        return {(zeros, 0): 1}
    K = sum(mu) // 2
    out: GeneralTerms = {}
    for (i, e), c in _raw(mu, None).items():
        # c m^i (2 - beta)^e beta^(K - e)
        for t in range(e + 1):
            key = (i + zeros, K - e + t)
            out[key] = out.get(key, 0) + c * comb(e, t) * 2 ** (e - t) * (-1) ** t
    return {key: c for key, c in sorted(out.items()) if c}


def moment_terms_at(parts: Iterable[int], beta: object) -> dict[int, Fraction]:
    """``E prod_j tr(H^{parts_j})`` at one exact rational ``beta > 0`` as ``{i: c}``, ``c`` the
    coefficient of ``m^i`` (``Fraction``); ``{}`` for an odd total."""
    value = Fraction(check_beta(beta))
    mu, zeros = _split_parts(parts)
    if sum(mu) % 2:
        return {}
    if not mu:
        return {zeros: Fraction(1)}
    scale = (2 * value.denominator) ** (sum(mu) // 2)
    raw = _raw(mu, (value.numerator, value.denominator))
    return {i + zeros: Fraction(c, scale) for (i, _), c in sorted(raw.items()) if c}


def general_at(terms: GeneralTerms, beta: Fraction, K: int) -> dict[int, Fraction]:
    """The ``{i: c}`` (powers of ``m``) of ``2^-K sum c m^i beta^l`` at ``beta``."""
    out: dict[int, Fraction] = {}
    for (i, e), c in terms.items():
        out[i] = out.get(i, Fraction(0)) + c * beta**e
    return {i: c / 2**K for i, c in sorted(out.items()) if c}
