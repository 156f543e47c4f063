"""Zonal polynomials and the third derivation of ``E tr(S^k)``: James' theorem (paper eq. 4-8).

For ``S ~ W_m(n, sigma^2 I_m)`` (``S = W W^T``, ``W`` real ``m x n`` with iid ``N(0, sigma^2)``)
and a partition ``kappa`` of ``k``, James' theorem reads

    E[C_kappa(S)] = 2^k (n/2)_kappa C_kappa(sigma^2 I_m),
    (a)_kappa = prod_i (a - (i-1)/2)_{kappa_i}

and expanding the power sum in the zonal basis,
``tr(S^k) = sum_{|kappa|=k} a_{k,kappa} C_kappa(S)``, gives (eq. 8)

    E tr(S^k) = 2^k sigma^{2k} sum_{|kappa|=k} a_{k,kappa} (n/2)_kappa C_kappa(I_m).

How each piece is computed here, exactly (``fractions.Fraction`` and Python ints):

* ``C_kappa`` is the Jack polynomial with parameter ``alpha = 2`` in the normalisation
  ``sum_{|kappa|=k} C_kappa(X) = (tr X)^k``: ``C_kappa = 2^k k! / c'_kappa * P_kappa`` with
  ``c'_kappa = prod_{boxes} (2 a(s) + l(s) + 2)`` (equivalently ``2^k k! / j_kappa * J_kappa``,
  ``j_kappa = prod (2a + l + 1)(2a + l + 2)``). ``P_kappa = m_kappa + (terms lower in dominance)``
  is obtained by Gram-Schmidt on the monomial symmetric functions, each ``m_kappa`` made
  orthogonal to the ``P_mu`` with ``mu`` below ``kappa`` in dominance order, under the Jack inner
  product ``<p_lambda, p_mu> = delta z_lambda 2^{l(lambda)}`` of the power sums ``p_j = tr X^j``
  (Macdonald, ch. VI.10; orthogonality to the incomparable ``mu`` then holds by the theorem, and
  the tests check it).
* ``a_{k,kappa} = <p_(k), C_kappa> / <C_kappa, C_kappa>`` (the ``C_kappa`` are orthogonal).
* ``C_kappa(I_m)`` in closed form (Muirhead, Thm 7.2.7)::

      C_kappa(I_m) = 2^{2k} k! (m/2)_kappa prod_{i<j} (2 kappa_i - 2 kappa_j - i + j)
                     / prod_i (2 kappa_i + l - i)!,          l = l(kappa).

Both ``2^k (n/2)_kappa`` and ``2^k (m/2)_kappa`` equal
``prod_{(i,j) in kappa} (x + 2(j-1) - (i-1))`` at ``x = n, m``, so every term of eq. 8 is a
rational multiple of a product of integer polynomials.

The cost is dominated by the exact change of basis, ``O(p(k)^3)`` rational operations
(``p(k)`` partitions of ``k``): see :data:`MAX_K_ZONAL`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from math import factorial, gcd, lcm, prod
from operator import mul
from typing import TYPE_CHECKING, Any

from .._validation import check_order
from ..layout import CoefficientMatrix
from ._parts import integer_items
from ._parts import partitions_of as _partitions
from ._parts import z_lambda as _z

if TYPE_CHECKING:
    import numpy as np
    import sympy

Partition = tuple[int, ...]

#: Largest ``k`` accepted by the functions that build all zonal polynomials of degree ``k``.
#: Measured on a shared 2-core machine (``benchmarks/bench_zonal.py``): all of ``k <= 8`` in
#: under 0.1 s, ``k = 12`` in 0.3 s, ``k = 16`` in 3 s, ``k = 18`` in 13-22 s, ``k = 20`` in
#: 60-80 s. The exact change of basis grows like ``p(k)^3``; beyond it use the recursion engine.
MAX_K_ZONAL = 20

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


# ---------------------------------------------------------------------------------------------
# Zonal polynomials
# ---------------------------------------------------------------------------------------------


def zonal_expansion(kappa: Sequence[int], basis: str = "power") -> dict[Partition, Fraction]:
    """Exact coefficients of ``C_kappa`` in the power-sum or monomial basis.

    ``basis="power"``: ``{lambda: c}`` with ``C_kappa = sum c p_lambda``,
    ``p_lambda = prod_i tr(X^{lambda_i})``. ``basis="monomial"``: ``{mu: c}`` with
    ``C_kappa = sum c m_mu``, ``m_mu`` the monomial symmetric function of the eigenvalues.
    Zero coefficients are left out.

    >>> zonal_expansion((1, 1))
    {(2,): Fraction(-2, 3), (1, 1): Fraction(2, 3)}
    """
    kappa = _checked_partition(kappa)
    if basis == "power":
        return _basis(sum(kappa)).power_expansion(kappa)
    if basis == "monomial":
        return _basis(sum(kappa)).monomial_expansion(kappa)
    raise ValueError(f"unknown basis {basis!r}: allowed are 'power', 'monomial'")


def _power_sum_symbols(k: int) -> list[sympy.Symbol]:
    import sympy

    return list(sympy.symbols(f"p1:{k + 1}"))


def zonal_polynomial(
    kappa: Sequence[int], variables: Sequence[Any] | None = None, *, basis: str = "power"
) -> sympy.Expr:
    """``C_kappa`` as a SymPy expression with exact rational coefficients.

    With ``variables=None`` the result is written in the power sums ``p1, ..., pk``
    (``basis="power"``, ``p_j = tr X^j``) or in monomial symmetric functions named ``m_2_1`` etc.
    (``basis="monomial"``). With ``variables = (x_1, ..., x_m)`` (symbols or numbers: the
    eigenvalues of ``X``) it is the expanded polynomial ``C_kappa(diag(x_1, ..., x_m))``.

    >>> zonal_polynomial((2,))
    p1**2/3 + 2*p2/3
    """
    import sympy

    kappa = _checked_partition(kappa)
    k = sum(kappa)
    if basis not in ("power", "monomial"):
        raise ValueError(f"unknown basis {basis!r}: allowed are 'power', 'monomial'")
    if variables is None:
        if basis == "power":
            p = _power_sum_symbols(k)
            terms = zonal_expansion(kappa, "power").items()
            return sympy.Add(
                *(sympy.Rational(c) * sympy.Mul(*(p[j - 1] for j in lam)) for lam, c in terms)
            )
        terms = zonal_expansion(kappa, "monomial").items()
        return sympy.Add(
            *(sympy.Rational(c) * sympy.Symbol("m_" + "_".join(map(str, mu))) for mu, c in terms)
        )
    xs = [sympy.sympify(x) for x in variables]
    if not xs:
        raise ValueError("variables must hold at least one eigenvalue")
    power = [sympy.Add(*(x**j for x in xs)) for j in range(1, k + 1)]
    expr = sympy.Add(
        *(
            sympy.Rational(c) * sympy.Mul(*(power[j - 1] for j in lam))
            for lam, c in zonal_expansion(kappa, "power").items()
        )
    )
    return sympy.expand(expr)


def _sub_multisets(mu: Partition) -> list[Partition]:
    """Every sub-multiset of the parts of ``mu`` (as a partition, ``()`` included)."""
    out: list[Partition] = [()]
    for value in sorted(set(mu), reverse=True):
        out = [(*sub, *(value,) * r) for sub in out for r in range(mu.count(value) + 1)]
    return out


def zonal_values(kappa: Sequence[int], eigenvalues: Any) -> np.ndarray:
    """``C_kappa(X)`` in floating point from the eigenvalues of ``X``, batched over leading axes.

    ``eigenvalues`` has shape ``(..., m)``; the result has shape ``(...)``. Evaluated through the
    monomial expansion, whose coefficients are all positive, so there is no cancellation for
    nonnegative eigenvalues (the power-sum expansion alternates in sign). Each ``m_mu(x)`` comes
    from the recurrence over the variables ``f_i(S) = f_{i-1}(S) + sum_{v in S} x_i^v
    f_{i-1}(S - v)`` on the sub-multisets ``S`` of the parts (distinct values ``v``).
    """
    import numpy as np

    kappa = _checked_partition(kappa)
    x = np.asarray(eigenvalues, dtype=float)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"eigenvalues must have shape (..., m) with m >= 1, got shape {x.shape}")
    expansion = zonal_expansion(kappa, "monomial")
    # largest first, so that an in-place update still reads f_{i-1} of the smaller states
    states = sorted(
        {sub for mu in expansion for sub in _sub_multisets(mu) if sub}, key=sum, reverse=True
    )
    values = {state: np.zeros(x.shape[:-1]) for state in states}
    values[()] = np.ones(x.shape[:-1])
    for i in range(x.shape[-1]):
        xi = x[..., i]
        powers = {v: xi**v for v in range(1, kappa[0] + 1)}
        for state in states:
            for v in set(state):
                rest = list(state)
                rest.remove(v)
                values[state] = values[state] + powers[v] * values[tuple(rest)]
    out = np.zeros(x.shape[:-1])
    for mu, c in expansion.items():
        out = out + float(c) * values[mu]
    return out


# ---------------------------------------------------------------------------------------------
# Closed forms: generalized Pochhammer symbol, C_kappa(I_m), James' theorem
# ---------------------------------------------------------------------------------------------


def generalized_pochhammer(a: Any, kappa: Sequence[int], alpha: Any = ALPHA) -> sympy.Expr:
    """``(a)_kappa = prod_i prod_{j=0}^{kappa_i - 1} (a - (i-1)/alpha + j)`` as a SymPy expression.

    ``alpha = 2`` (the default) is the real-Wishart symbol of the paper, eq. 4:
    ``(a)_kappa = prod_i (a - (i-1)/2)_{kappa_i}``; ``alpha = 1`` is the complex case.
    """
    import sympy

    kappa = check_partition(kappa)
    a = sympy.sympify(a)
    alpha = sympy.sympify(alpha)
    if alpha.is_zero:
        raise ValueError("alpha must be nonzero")
    return sympy.Mul(
        *(
            a - sympy.Rational(i - 1) / alpha + j
            for i, part in enumerate(kappa, start=1)
            for j in range(part)
        )
    )


def _content_polynomial(kappa: Partition) -> list[int]:
    """Integer coefficients (constant first) of ``prod_{(i,j)} (x + 2(j-1) - (i-1))``,
    which is ``2^k (x/2)_kappa``."""
    poly = [1]
    for i, j, _, _ in _boxes(kappa):
        shift = 2 * (j - 1) - (i - 1)
        poly = [
            (poly[t - 1] if t else 0) + (shift * poly[t] if t < len(poly) else 0)
            for t in range(len(poly) + 1)
        ]
    return poly


def _identity_scale(kappa: Partition) -> Fraction:
    """``C_kappa(I_m) = scale * 2^k (m/2)_kappa``: ``2^k k! prod_{i<j}(...) / prod_i (...)!``."""
    length, k = len(kappa), sum(kappa)
    num = prod(
        2 * kappa[i] - 2 * kappa[j] - i + j for i in range(length) for j in range(i + 1, length)
    )
    den = prod(factorial(2 * kappa[i] + length - (i + 1)) for i in range(length))
    return Fraction(ALPHA**k * factorial(k) * num, den)


def zonal_at_identity(kappa: Sequence[int], m: Any = None) -> sympy.Expr:
    """``C_kappa(I_m)`` by Muirhead's closed form (Thm 7.2.7), a polynomial in ``m``.

        C_kappa(I_m) = 2^{2k} k! (m/2)_kappa prod_{i<j} (2 kappa_i - 2 kappa_j - i + j)
                       / prod_i (2 kappa_i + l(kappa) - i)!

    ``m`` defaults to the symbol ``m``; pass an integer for the exact value.

    >>> zonal_at_identity((2,))
    m*(m + 2)/3
    """
    import sympy

    kappa = check_partition(kappa)
    m = sympy.Symbol("m") if m is None else sympy.sympify(m)
    # 2^k (m/2)_kappa = prod_{(i,j) in kappa} (m + 2(j-1) - (i-1)), written box by box
    boxes = _boxes(kappa)
    return sympy.Rational(_identity_scale(kappa)) * sympy.Mul(
        *(m + 2 * (j - 1) - (i - 1) for i, j, _, _ in boxes)
    )


def james_expectation(kappa: Sequence[int], n: Any = None, m: Any = None, sigma: Any = 1) -> Any:
    """``E[C_kappa(S)] = 2^k (n/2)_kappa sigma^{2k} C_kappa(I_m)`` for ``S ~ W_m(n, sigma^2 I_m)``.

    James' theorem (paper eq. 4-5). ``n`` and ``m`` default to the symbols ``n``, ``m``.
    """
    import sympy

    kappa = check_partition(kappa)
    n = sympy.Symbol("n") if n is None else sympy.sympify(n)
    k = sum(kappa)
    return (
        2**k
        * generalized_pochhammer(n / 2, kappa)
        * sympy.sympify(sigma) ** (2 * k)
        * zonal_at_identity(kappa, m)
    )


# ---------------------------------------------------------------------------------------------
# Power sums in the zonal basis, and the coefficient table through eq. 8
# ---------------------------------------------------------------------------------------------


def trace_zonal_coefficients(k: int) -> dict[Partition, Fraction]:
    """``{kappa: a_{k,kappa}}`` with ``tr(X^k) = sum_{|kappa|=k} a_{k,kappa} C_kappa(X)`` (eq. 6).

    Computed as ``<p_(k), C_kappa> / <C_kappa, C_kappa>`` in the Jack inner product. Zeros are kept
    (every partition of ``k`` is a key), in reverse lexicographic order.

    >>> trace_zonal_coefficients(2)
    {(2,): Fraction(1, 1), (1, 1): Fraction(-1, 2)}
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    coefs = _basis(k).trace_coefficients
    return {kappa: coefs[kappa] for kappa in _partitions(k)}


def _poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def zonal_terms(k: int) -> dict[tuple[int, int], int]:
    """``{(a, b): C_ab}`` of ``E tr(S^k) = sum C_ab n^a m^b`` (``sigma = 1``) through eq. 8.

    ``sum_kappa a_{k,kappa} [2^k (n/2)_kappa] [C_kappa(I_m)]``, summed exactly; raises
    ``ArithmeticError`` if a coefficient were not an integer (it never is).
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    acc: dict[tuple[int, int], Fraction] = {}
    for kappa, a_coef in trace_zonal_coefficients(k).items():
        if not a_coef:
            continue
        weight = a_coef * _identity_scale(kappa)
        content = _content_polynomial(kappa)  # 2^k (x/2)_kappa, the same for x = n and x = m
        for a, cn in enumerate(content):
            if cn:
                for b, cm in enumerate(content):
                    if cm:
                        acc[(a, b)] = acc.get((a, b), Fraction(0)) + weight * cn * cm
    terms: dict[tuple[int, int], int] = {}
    for ab, c in acc.items():
        if c.denominator != 1:
            raise ArithmeticError(f"non-integer coefficient {c} of n^{ab[0]} m^{ab[1]} (k={k})")
        if c:
            terms[ab] = int(c)
    return terms


def zonal_matrix(k: int) -> CoefficientMatrix:
    """``C^{(k)}`` of ``E tr(S^k)`` through James' theorem and zonal polynomials (paper eq. 8).

    Exact; ``k <= MAX_K_ZONAL``. An independent check of the Wick enumeration and the Stein
    recursion.
    """
    k = check_order(k, max_k=MAX_K_ZONAL, why=_WHY)
    return CoefficientMatrix.from_terms(k, zonal_terms(k), engine="zonal")
