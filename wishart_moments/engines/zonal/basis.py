"""Partitions, boxes and the exact zonal basis: the change of basis between power sums and
monomials, and Gram-Schmidt in the Jack inner product at ``alpha = 2`` (cached per degree).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from math import factorial, gcd, lcm, prod
from operator import mul

from ..._validation import check_order
from ...limits import limit
from .._parts import integer_items
from .._parts import partitions_of as _partitions
from .._parts import z_lambda as _z

Partition = tuple[int, ...]

#: Largest ``k`` accepted by the functions that build all zonal polynomials of degree ``k``
#: (:mod:`wishart_moments.limits`; ``benchmarks/bench_zonal.py``: all of ``k <= 8`` in under
#: 0.1 s, ``k = 16`` in 3 s). The exact change of basis grows like ``p(k)^3``; beyond it use the
#: recursion engine.
MAX_K_ZONAL = limit("zonal")

_WHY = " (the exact zonal change of basis costs O(p(k)^3) rational operations; use the recursion)"

ALPHA = 2  # Jack parameter of the zonal polynomials


# ---------------------------------------------------------------------------------------------
# Partitions and the combinatorics of boxes
# ---------------------------------------------------------------------------------------------


def partitions(k: int) -> list[Partition]:
    """The partitions of ``k`` as tuples of nonincreasing parts, in reverse lexicographic order.

    ``partitions(4) == [(4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1)]``.
    """
    k = check_order(k)
    return list(_partitions(k))


def check_partition(kappa: object) -> Partition:
    """Return ``kappa`` as a tuple of positive nonincreasing ints (zeros dropped), or raise."""
    parts = integer_items(
        kappa,
        minimum=0,
        not_iterable="a partition must be a sequence of nonincreasing nonnegative integers, "
        "got {parts!r}",
        bad_item="partition parts must be nonnegative integers, got {parts!r}",
    )
    if any(parts[i] < parts[i + 1] for i in range(len(parts) - 1)):
        raise ValueError(f"partition parts must be nonincreasing, got {kappa!r}")
    out = tuple(p for p in parts if p > 0)
    if not out:
        raise ValueError(f"the empty partition has no zonal polynomial here, got {kappa!r}")
    return out


def _conjugate(kappa: Partition) -> Partition:
    return tuple(sum(1 for p in kappa if p > j) for j in range(kappa[0]))


def _boxes(kappa: Partition) -> list[tuple[int, int, int, int]]:
    """``(i, j, arm, leg)`` for every box (1-based row ``i``, column ``j``) of ``kappa``."""
    conj = _conjugate(kappa)
    return [
        (i, j, kappa[i - 1] - j, conj[j - 1] - i)
        for i in range(1, len(kappa) + 1)
        for j in range(1, kappa[i - 1] + 1)
    ]


# ---------------------------------------------------------------------------------------------
# The change of basis and the Gram-Schmidt construction (exact, cached per degree)
# ---------------------------------------------------------------------------------------------


def _power_sums_in_monomials(k: int) -> dict[Partition, dict[Partition, int]]:
    """``{lam: {mu: L}}`` with ``p_lam = sum_mu L m_mu`` for every partition ``lam`` of ``k``.

    Built one factor at a time: ``p_r m_mu`` is the sum of ``m_nu`` over the ``nu`` obtained by
    adding ``r`` to one part of ``mu`` (a part ``i``, or a new part ``i = 0``), with coefficient the
    multiplicity of ``i + r`` in ``nu``. Products are shared between partitions with a common
    prefix (the parts are multiplied largest first).
    """
    memo: dict[Partition, dict[Partition, int]] = {(): {(): 1}}

    def row(lam: Partition) -> dict[Partition, int]:
        found = memo.get(lam)
        if found is not None:
            return found
        r = lam[-1]
        out: dict[Partition, int] = {}
        for mu, c in row(lam[:-1]).items():
            for i in {*mu, 0}:
                parts = list(mu)
                if i:
                    parts[parts.index(i)] = i + r
                else:
                    parts.append(r)
                nu = tuple(sorted(parts, reverse=True))
                out[nu] = out.get(nu, 0) + c * nu.count(i + r)
        memo[lam] = out
        return out

    return {lam: row(lam) for lam in _partitions(k)}


def _dominance_below(order: Sequence[Partition]) -> list[list[int]]:
    """``below[r]``: indices ``q < r`` with ``order[q] < order[r]`` in dominance order."""
    sums = []
    for lam in order:
        acc, partial = 0, []
        for part in lam:
            acc += part
            partial.append(acc)
        sums.append(partial)
    k = sums[0][-1]
    return [
        [
            q
            for q in range(r)
            if all(
                (sums[q][i] if i < len(sums[q]) else k) <= (sums[r][i] if i < len(sums[r]) else k)
                for i in range(max(len(sums[q]), len(sums[r])))
            )
        ]
        for r in range(len(order))
    ]


def _reduced(num: list[int], den: int) -> tuple[list[int], int]:
    """``num / den`` with the common factor of all entries and ``den`` removed."""
    g = gcd(den, *num)
    return ([x // g for x in num], den // g) if g > 1 else (num, den)


@cache
def _power_to_monomial(k: int) -> list[list[int]]:
    """``L[r][c]``: the coefficient of ``m_{order[c]}`` in ``p_{order[r]}``, ``order`` the
    partitions of ``k`` in increasing lexicographic order (nonzero only if ``c`` dominates ``r``,
    so ``L`` is upper triangular)."""
    order = tuple(reversed(_partitions(k)))
    size = len(order)
    index = {lam: i for i, lam in enumerate(order)}
    trans = [[0] * size for _ in range(size)]
    for lam, row in _power_sums_in_monomials(k).items():
        for mu, coef in row.items():
            trans[index[lam]][index[mu]] = coef
    return trans


@cache
def _monomials_in_power_sums(k: int) -> tuple[tuple[list[int], int], ...]:
    """``m_mu`` in the power-sum basis for every ``mu`` of ``k`` (increasing lexicographic order),
    each as integer numerators over one denominator; independent of alpha, cached.

    Back substitution in ``p_r = sum_{c >= r} L[r][c] m_c`` (``L`` upper triangular in this
    order, so ``m_c`` is supported on the indices ``>= c``: only that slice is updated).
    """
    trans = _power_to_monomial(k)
    size = len(trans)
    mono: list[tuple[list[int], int]] = [([], 1)] * size
    for r in range(size - 1, -1, -1):
        deps = [(trans[r][c], c) for c in range(r + 1, size) if trans[r][c]]
        den = lcm(1, *(mono[c][1] for _, c in deps))
        num = [0] * size
        num[r] = den
        for coef, c in deps:
            factor = coef * (den // mono[c][1])
            vec = mono[c][0]
            num[c:] = [x - factor * y for x, y in zip(num[c:], vec[c:], strict=True)]
        mono[r] = _reduced(num, den * trans[r][r])
    return tuple(mono)


def _gram_schmidt(
    mono: Sequence[tuple[list[int], int]], weight: Sequence[int], below: Sequence[Sequence[int]]
) -> tuple[list[tuple[list[int], int]], list[Fraction]]:
    """Jack ``P_r = m_r - sum_{q in below[r]} <m_r, P_q>/<P_q, P_q> P_q`` and ``<P_r, P_r>``.

    ``mono[r] = (num, den)``: ``m_r`` in the power-sum basis; ``weight[i]``: the integer
    ``<p_i, p_i>`` (up to one common factor, which then scales the norms). The ``P_r`` come back
    in the same ``(integer numerators, denominator)`` form, reduced.
    """
    jack: list[tuple[list[int], int]] = []
    norms: list[Fraction] = []
    for r, (num_r, den_r) in enumerate(mono):
        weighted = [w * x for w, x in zip(weight, num_r, strict=True)]
        steps = []
        for q in below[r]:
            num_q, den_q = jack[q]
            dot = sum(map(mul, weighted, num_q))
            if dot:
                steps.append((Fraction(dot, den_r * den_q * den_q) / norms[q], q))
        den = lcm(den_r, *(c.denominator for c, _ in steps))
        num = [(den // den_r) * x for x in num_r]
        for c, q in steps:
            factor = c.numerator * (den // c.denominator)
            num = [x - factor * y for x, y in zip(num, jack[q][0], strict=True)]
        num, den = _reduced(num, den)
        jack.append((num, den))
        norms.append(Fraction(sum(w * x * x for w, x in zip(weight, num, strict=True)), den * den))
    return jack, norms


class _ZonalBasis:
    """All zonal polynomials of degree ``k`` in the power-sum basis, and ``a_{k,kappa}``.

    Vectors are held as a list of integer numerators over one common integer denominator, which
    keeps the ``O(p(k)^3)`` inner loops in plain integer arithmetic.
    """

    def __init__(self, k: int) -> None:
        self.k = k
        # increasing lexicographic order: a linear extension of the dominance order
        self.order: tuple[Partition, ...] = tuple(reversed(_partitions(k)))
        self.index = {lam: i for i, lam in enumerate(self.order)}
        below = _dominance_below(self.order)
        self.power_to_monomial = _power_to_monomial(k)
        mono = _monomials_in_power_sums(k)
        # Jack inner product weights <p_lam, p_lam> = z_lam 2^{l(lam)}
        weight = [_z(lam) * ALPHA ** len(lam) for lam in self.order]
        # Gram-Schmidt: P_kappa = m_kappa - sum_{mu < kappa} <m_kappa, P_mu>/<P_mu, P_mu> P_mu.
        # P_kappa - m_kappa lies in the span of the m_mu (equivalently P_mu) with mu dominated by
        # kappa (Macdonald VI.10), so only those mu are projected out.
        jack, norms = _gram_schmidt(mono, weight, below)
        # C_kappa = 2^k k! / c'_kappa * P_kappa
        scale_num = ALPHA**k * factorial(k)
        self.zonal: dict[Partition, tuple[Fraction, ...]] = {}
        self.trace_coefficients: dict[Partition, Fraction] = {}
        top = self.index[(k,)]
        for r, kappa in enumerate(self.order):
            c_prime = prod(ALPHA * a + leg + ALPHA for _, _, a, leg in _boxes(kappa))
            scale = Fraction(scale_num, c_prime)
            num, den = jack[r]
            zonal = tuple(scale * Fraction(x, den) for x in num)
            self.zonal[kappa] = zonal
            # a_{k,kappa} = <p_(k), C_kappa> / <C_kappa, C_kappa>
            self.trace_coefficients[kappa] = zonal[top] * weight[top] / (scale * scale * norms[r])

    def power_expansion(self, kappa: Partition) -> dict[Partition, Fraction]:
        vec = self.zonal[kappa]
        return {lam: vec[self.index[lam]] for lam in _partitions(self.k) if vec[self.index[lam]]}

    def monomial_expansion(self, kappa: Partition) -> dict[Partition, Fraction]:
        vec = self.zonal[kappa]
        out: dict[Partition, Fraction] = {}
        for r, v in enumerate(vec):
            if v:
                for c, coef in enumerate(self.power_to_monomial[r]):
                    if coef:
                        out[self.order[c]] = out.get(self.order[c], Fraction(0)) + v * coef
        return {mu: out[mu] for mu in _partitions(self.k) if out.get(mu)}


@cache
def _basis(k: int) -> _ZonalBasis:
    return _ZonalBasis(k)


def _checked_partition(kappa: object) -> Partition:
    kappa = check_partition(kappa)
    check_order(sum(kappa), name="|kappa|", max_k=MAX_K_ZONAL, why=_WHY)
    return kappa
