"""Loop equations (Schwinger-Dyson) for beta-Wishart / beta-Laguerre multi-trace moments, exact.

``S = X X^*``, ``X`` an ``m x n`` matrix of iid standard real / complex / quaternion entries
(``E|x|^2 = 1``; ``beta = 1, 2, 4``), or for any ``beta > 0`` the beta-Laguerre ensemble with
eigenvalue density ``prop. |Delta(lam)|^beta prod_i lam_i^{beta(n-m+1)/2 - 1} e^{-beta lam_i / 2}``.
With ``alpha = 2/beta``, ``p_r = tr S^r`` (``p_0 = m``) and ``f = prod_j p_{mu_j}``, integrating
``sum_i d/dlam_i (lam_i^k f density)`` to zero gives

    E[p_k f] = E[sum_{r=0}^{k-1} p_r p_{k-1-r} f] + (n - m + (alpha - 1)(k - 1)) E[p_{k-1} f]
               + alpha sum_j mu_j E[p_{k + mu_j - 1} f / p_{mu_j}].

(The Vandermonde term gives ``(beta/2)(sum_r p_r p_{k-1-r} - k p_{k-1})``, the weight
``(beta(n-m+1)/2 - 1) p_{k-1} - (beta/2) p_k``, the derivative of ``lam^k`` ``k p_{k-1}``;
multiply by ``alpha``.) Every right-hand term has total degree one less. Folding the two
``p_0 p_{k-1}`` terms in, with ``s = n + m``, ``p = n m``, ``gamma = alpha - 1`` and ``k`` the
smallest part of ``mu = (k, P)``:

    M(k, P) = sum_{r=1}^{k-2} M(r, k-1-r, P) + (s + gamma (k-1)) M(k-1, P)
              + (1 + gamma) sum_{q in P} q M(k+q-1, P \\ q)                       (k >= 2)
    M(1, P) = (p + (1 + gamma)|P|) M(P),     M() = 1.

So ``M(mu) = p Q_mu(s, p, gamma)`` with **nonnegative** integer coefficients of ``s^i p^j gamma^l``,
``i + j + l <= |mu| - 1``. At ``n = m = 1`` (``s = 2, p = 1``) and ``alpha = 2`` (``gamma = 1``) the
moment is ``E chi_1^{2|mu|} = (2|mu| - 1)!!``, which bounds every coefficient: a Kronecker
substitution (one Python integer per state, ``w``-bit slots) is exact, and the recursion becomes
shifts, small multiples and additions. For a fixed rational ``alpha = a/b`` the scaled
``R_mu = b^{|mu|-1} Q_mu(s, p, a/b - 1)`` obeys the same recursion with integer multipliers

    R(k, P) = b sum_r R(r, k-1-r, P) + (b s + (a - b)(k - 1)) R(k-1, P) + a sum_q q R(k+q-1, P \\ q)
    R(1, P) = (b p + a |P|) R(P),

packed in two variables; its coefficients are signed when ``alpha < 1`` (``beta > 2``), decoded
with a bias of ``2^{w-1}`` per slot. ``beta = 2`` is ``a = b = 1`` (plain nonnegative integers: the
complex tables count permutations).

Checks: ``E tr S = n m``; ``E tr S^2 = n m (n + m) + (alpha - 1) n m``; ``n = m = 1``:
``E tr S^k = prod_{i<k} (1 + alpha i)``; ``alpha = 2`` is :mod:`wishart_moments.engines.recursion`.
The slow reference (:mod:`~wishart_moments.engines.loop_equations_reference`) expands the
Dumitriu-Edelman bidiagonal model in chi-square moments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from math import ceil, comb
from typing import Any

from .._validation import check_beta
from ..layout import double_factorial
from ..limits import check_order
from ._parts import evaluation_order, integer_items

State = tuple[int, ...]
GeneralTerms = dict[tuple[int, int, int], int]
FixedTerms = dict[tuple[int, int], Any]


def _insert(parts: State, *new: int) -> State:
    return tuple(sorted((*parts, *new)))


def _dependencies(mu: State) -> tuple[State, list[State], State | None, list[tuple[int, State]]]:
    """``(down, pairs, middle, qterms)`` of ``mu = (k, P)``, ``k`` its smallest part.

    ``k >= 2``: ``sum_r M(r, k-1-r, P) = 2 sum_{pairs} M + M(middle)``; ``down = (k-1, P)``;
    ``qterms`` holds ``(q * multiplicity, (k+q-1, P \\ q))``. ``k = 1``: ``down = P``, no others.
    """
    k, rest = mu[0], mu[1:]
    if k == 1:
        return rest, [], None, []
    down = _insert(rest, k - 1)
    pairs: list[State] = []
    middle = None
    for a in range(1, k // 2 + 1):
        b = k - 1 - a
        if a < b:
            pairs.append(_insert(rest, a, b))
        elif a == b:
            middle = _insert(rest, a, a)
    qterms: list[tuple[int, State]] = []
    previous = 0
    for i, q in enumerate(rest):
        if q != previous:
            previous = q
            qterms.append((q * rest.count(q), _insert(rest[:i] + rest[i + 1 :], k + q - 1)))
    return down, pairs, middle, qterms


def _used(mu: State) -> set[State]:
    down, pairs, middle, qterms = _dependencies(mu)
    return {down, middle, *pairs, *(d for _, d in qterms)} - {None, ()}  # type: ignore[return-value]


def _evaluation_order(targets: Iterable[State]) -> tuple[list[State], dict[State, int]]:
    """Every state the targets need, by increasing total, and how many states use each one."""
    return evaluation_order(targets, _used)


class _Packing:
    """Kronecker layout: ``width``-bit slots; ``s^i p^j gamma^l`` in slot ``i + K j + K P l``.

    ``i < K`` and ``j < P`` for every monomial of the decoded targets (``P = K`` in general;
    single traces have ``(n, m)``-degree ``i + 2j + 2 <= k + 1``, so ``P = ceil(K/2)`` will do).
    The intermediate states need not fit: the packed integers are exact evaluations at
    ``s = 2^w``, ``p = 2^{wK}``, ``gamma = 2^{wKP}``. Signed coefficients are decoded with a bias
    of ``2^{width-1}`` per slot.
    """

    def __init__(
        self, K: int, bound: int, variables: int, signed: bool, p_slots: int | None = None
    ) -> None:
        bits = bound.bit_length() + (1 if signed else 0) + 1
        self.width = -(-bits // 8) * 8
        self.K = K
        self.P = K if p_slots is None else p_slots
        self.variables = variables
        self.shift_s = self.width
        self.shift_p = self.width * K
        self.shift_g = self.width * K * self.P
        self.slots = K * self.P * (K if variables == 3 else 1)
        self.signed = signed

    def decode(self, packed: int) -> dict[tuple[int, ...], int]:
        """``{(i, j[, l]): c}`` of the packed polynomial."""
        nbytes = self.width // 8
        half = 1 << (self.width - 1)
        if self.signed:
            ones = ((1 << (self.width * self.slots)) - 1) // ((1 << self.width) - 1)
            packed = packed + half * ones
            if packed < 0:
                raise ArithmeticError("packed value outside the layout")  # pragma: no cover
        raw = int(packed).to_bytes(max(1, -(-int(packed).bit_length() // 8)), "little")
        K = self.K
        out: dict[tuple[int, ...], int] = {}
        for slot, start in enumerate(range(0, len(raw), nbytes)):
            c = int.from_bytes(raw[start : start + nbytes], "little")
            if self.signed:
                c -= half
            if c:
                i, j = slot % K, (slot // K) % self.P
                key = (i, j) if self.variables == 2 else (i, j, slot // (K * self.P))
                out[key] = c
        return out


def _sweep(
    targets: set[State],
    layout: _Packing,
    first: Callable[[int, int], int],
    step: Callable[[int, int, int, int], int],
) -> dict[State, dict[tuple[int, ...], int]]:
    """Run the loop equations over every state the targets need, in packed integers.

    ``mu = (1, P)``: the value is ``first(v, |P|)``, ``v`` the value at ``P`` (1 at ``P = ()``).
    ``mu = (k, P)``, ``k >= 2``: ``step(k, acc, v, q)`` with ``v`` the value at ``down``,
    ``acc = 2 sum_pairs + middle`` and ``q = sum_qterms c * value`` (see :func:`_dependencies`).
    States are dropped as soon as their last user is done.
    """
    order, uses = _evaluation_order(targets)
    values: dict[State, int] = {}
    found = {}
    for mu in order:
        k = mu[0]
        down, pairs, middle, qterms = _dependencies(mu)
        if k == 1:
            value = first(values[down], sum(down)) if down else 1
        else:
            acc = 0
            for d in pairs:
                acc += values[d]
            acc <<= 1
            if middle is not None:
                acc += values[middle]
            q = 0
            for c, d in qterms:
                q += c * values[d]
            value = step(k, acc, values[down], q)
        if uses[mu]:
            values[mu] = value
        if mu in targets:
            found[mu] = layout.decode(value)
        for d in {down, middle, *pairs, *(d for _, d in qterms)} - {None, ()}:
            uses[d] -= 1
            if not uses[d]:
                del values[d]
    return found


def _evaluate_general(targets: Iterable[State], K: int) -> dict[State, dict[tuple[int, ...], int]]:
    """Coefficients of ``Q_mu(s, p, gamma)`` for each target (totals at most ``K``)."""
    targets = set(targets)
    single = all(len(mu) == 1 for mu in targets)
    p_slots = (K + 1) // 2 if single else K
    layout = _Packing(K, double_factorial(2 * K - 1), 3, signed=False, p_slots=p_slots)
    ss, sp, sg = layout.shift_s, layout.shift_p, layout.shift_g

    def first(v: int, total: int) -> int:
        return (v << sp) + total * (v + (v << sg))

    def step(k: int, acc: int, v: int, q: int) -> int:
        return acc + (v << ss) + (((k - 1) * v) << sg) + q + (q << sg)

    return _sweep(targets, layout, first, step)


def _fixed_bound(K: int, a: int, b: int) -> int:
    """A bound on every coefficient of ``R_mu`` for ``|mu| <= K`` (see the module docstring).

    ``a >= b``: all coefficients are nonnegative and sum (at ``s = 2``) to
    ``b^{K-1} prod_{i<K} (1 + alpha i) = prod_{i=1}^{K-1} (b + a i)``. ``a < b``: ``|gamma| < 1``,
    so each ``|c|`` is at most ``b^{K-1} Q(2, 1, 1) = b^{K-1} (2K - 1)!!``.
    """
    if a >= b:
        out = 1
        for i in range(1, K):
            out *= b + a * i
        return out
    return b ** (K - 1) * double_factorial(2 * K - 1)


def _evaluate_fixed(
    targets: Iterable[State], K: int, a: int, b: int
) -> dict[State, dict[tuple[int, ...], int]]:
    """Coefficients of ``R_mu(s, p) = b^{|mu|-1} Q_mu(s, p, a/b - 1)`` (totals at most ``K``)."""
    targets = set(targets)
    p_slots = (K + 1) // 2 if all(len(mu) == 1 for mu in targets) else K
    layout = _Packing(K, _fixed_bound(K, a, b), 2, signed=a < b, p_slots=p_slots)
    ss, sp = layout.shift_s, layout.shift_p
    ab = a - b

    def first(v: int, total: int) -> int:
        return b * (v << sp) + a * total * v

    def step(k: int, acc: int, v: int, q: int) -> int:
        if b == 1:
            return acc + (v << ss) + ab * (k - 1) * v + a * q
        return b * (acc + (v << ss)) + ab * (k - 1) * v + a * q

    return _sweep(targets, layout, first, step)


# ---------------------------------------------------------------------------------------------
# Inputs, caches and conversion to the n^i m^j (alpha^l) basis


def _check_parts(parts: Iterable[int], engine: str) -> tuple[State, int]:
    """Sorted positive parts and the number of zero parts (``tr S^0 = m``), within the reach of
    ``engine`` (:mod:`wishart_moments.limits`; a part 0 counts 1)."""
    values = integer_items(
        parts,
        minimum=0,
        not_iterable="parts must be an iterable of nonnegative integers, got {parts!r}",
        bad_item="parts must be nonnegative integers, got {p!r} in {items!r}",
    )
    zeros = sum(1 for p in values if p == 0)
    check_order(engine, sum(values) + zeros, name="sum(parts)", minimum=0)
    return tuple(sorted(int(p) for p in values if p > 0)), zeros


def alpha_fraction(beta: object) -> Fraction:
    """``alpha = 2/beta`` as a ``Fraction`` for an exact rational ``beta > 0`` (see
    :func:`wishart_moments._validation.check_beta`); else ``ValueError``."""
    return 2 / Fraction(check_beta(beta))


# Single-trace results per mode: a sweep to K yields every order up to K; a request past the
# largest order done sweeps ahead to _GROWTH times it (as in engines.recursion).
_GROWTH = 1.25
_SINGLE: dict[tuple[int, int] | None, dict[int, dict[tuple[int, ...], int]]] = {}


def _packed_coefficients(mu: State, alpha: Fraction | None) -> dict[tuple[int, ...], int]:
    """``Q_mu`` (general, ``alpha=None``) or ``R_mu`` (fixed ``alpha``) coefficients."""
    mode = None if alpha is None else (alpha.numerator, alpha.denominator)

    def run(targets: list[State], K: int) -> dict[State, dict[tuple[int, ...], int]]:
        if mode is None:
            return _evaluate_general(targets, K)
        return _evaluate_fixed(targets, K, *mode)

    if len(mu) > 1:
        return run([mu], sum(mu))[mu]
    cache = _SINGLE.setdefault(mode, {})
    k = mu[0]
    if k not in cache:
        top = max(k, ceil(_GROWTH * max(cache, default=0)))
        wanted = [(j,) for j in range(1, top + 1) if j not in cache]
        cache.update((j, q) for (j,), q in run(wanted, top).items())
    return cache[k]


def moment_terms(parts: Iterable[int]) -> GeneralTerms:
    """``E prod_j tr(S^{parts_j})`` as ``{(i, j, l): c}``, ``c`` the coefficient of
    ``n^i m^j alpha^l`` (exact ints, ``alpha = 2/beta``). Parts may come in any order; a part 0 is
    ``tr S^0 = m``; no parts is the constant 1. E.g. ``[2]`` gives
    ``{(2,1,0): 1, (1,2,0): 1, (1,1,1): 1, (1,1,0): -1}``.
    """
    mu, zeros = _check_parts(parts, "loop_equations-general")
    if not mu:
        return {(0, zeros, 0): 1}
    q = _packed_coefficients(mu, None)
    terms: GeneralTerms = {}
    for (i, j, g), c in q.items():
        # p^{j+1} (n + m)^i (alpha - 1)^g
        for u in range(g + 1):
            cu = c * comb(g, u) * (-1 if (g - u) % 2 else 1)
            for r in range(i + 1):
                key = (r + j + 1, i - r + j + 1 + zeros, u)
                terms[key] = terms.get(key, 0) + cu * comb(i, r)
    return {key: c for key, c in terms.items() if c}


def moment_terms_at(parts: Iterable[int], beta: object) -> FixedTerms:
    """``E prod_j tr(S^{parts_j})`` at one exact rational ``beta > 0`` as ``{(i, j): c}``,
    ``c`` the coefficient of ``n^i m^j``: an ``int`` when ``alpha = 2/beta`` is an integer
    (``beta = 2``: the complex case, ``beta = 1``: real), else a ``Fraction``.
    """
    alpha = alpha_fraction(beta)
    mu, zeros = _check_parts(parts, "loop_equations")
    if not mu:
        return {(0, zeros): 1}
    r = _packed_coefficients(mu, alpha)
    scale = alpha.denominator ** (sum(mu) - 1)
    raw: dict[tuple[int, int], int] = {}
    for (i, j), c in r.items():
        for t in range(i + 1):
            key = (t + j + 1, i - t + j + 1 + zeros)
            raw[key] = raw.get(key, 0) + c * comb(i, t)
    if scale == 1:
        return {key: c for key, c in raw.items() if c}
    return {key: Fraction(c, scale) for key, c in raw.items() if c}


def evaluate_terms(terms: dict[tuple[int, ...], Any], n: Any, m: Any, alpha: Any = None) -> Any:
    """``sum c n^i m^j (alpha^l)`` for a term map of either kind (exact for exact arguments)."""
    total: Any = 0
    for key, c in terms.items():
        value = c * n ** key[0] * m ** key[1]
        if len(key) == 3:
            value *= alpha ** key[2]
        total += value
    return total
