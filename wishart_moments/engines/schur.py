"""Complex (beta = 2) Wishart moments through Schur functions, exact.

For ``W = Sigma^{1/2} X X^* Sigma^{1/2}``, ``X`` complex ``m x n`` with iid standard entries
(``E|x|^2 = 1``), the Schur functions are eigenfunctions of the expectation:

    E s_lambda(W) = [n]_lambda s_lambda(Sigma),      [x]_lambda = prod_{boxes} (x + c(box)),

``c(i, j) = j - i`` the content of a box (the complex case of the generalised Pochhammer symbol,
Jack ``alpha = 1``). The power sums expand in Schur functions through the characters of the
symmetric group, ``p_mu = sum_lambda chi^lambda(mu) s_lambda`` (Frobenius), so

    E p_mu(S) = sum_{|lambda| = k} chi^lambda(mu) [n]_lambda [m]_lambda / H_lambda     (Sigma = I)
    E p_mu(W) = sum_lambda chi^lambda(mu) [n]_lambda sum_nu chi^lambda(nu) p_nu(Sigma) / z_nu

using ``s_lambda(1^m) = [m]_lambda / H_lambda`` (``H_lambda`` the product of the hook lengths) and
``s_lambda = sum_nu chi^lambda(nu) p_nu / z_nu``. The characters come from the Murnaghan-Nakayama
rule in its "multiplication" form: ``p_r s_lambda = sum (-1)^{ht} s_nu`` over the border strips
``nu / lambda`` of size ``r``, added on the abacus (beta-numbers). For a single trace only the hooks
``(k - a, 1^a)`` occur, with ``chi = (-1)^a``, which makes ``k = 60`` a matter of milliseconds.
All arithmetic is on Python ints: the sums are collected over ``k!`` (``k! / H_lambda = f^lambda``
is an integer) and divided exactly at the end.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from math import factorial

from ..limits import check_order, limit
from ._parts import Partition, check_parts, partitions_of, z_lambda

Terms = dict[tuple[int, int], int]
CovTerms = dict[tuple[int, Partition], int]

#: Largest degree for :func:`moment_terms_cov` of a multi-trace product (it needs the whole
#: character table of S_k; on a shared 2-core machine ``[16]``-sized tables take 0.3 s, k = 18
#: 4 s, k = 20 9 s) and of a single trace (hook characters in closed form: k = 20 in 0.35 s,
#: k = 24 in 1.5 s, k = 30 in 7 s).
#: Both live in :mod:`wishart_moments.limits` (``"schur-cov"``, ``"schur-cov-single"``; those of
#: :func:`moment_terms` are ``"schur"`` for a single trace, ``"schur-products"`` otherwise).
MAX_K_COV = limit("schur-cov")
MAX_K_COV_SINGLE = limit("schur-cov-single")


@cache
def _add_ribbons(lam: Partition, r: int) -> tuple[tuple[Partition, int], ...]:
    """``((nu, sign), ...)``: the ``nu`` with ``nu / lam`` a border strip of size ``r``,
    ``sign = (-1)^{height}``. On the abacus a strip is a bead moved from ``b`` to ``b + r``;
    its height is the number of beads jumped over."""
    length = len(lam) + r
    beads = [(lam[i] if i < len(lam) else 0) + length - 1 - i for i in range(length)]
    occupied = set(beads)
    out = []
    for b in beads:
        if b + r in occupied:
            continue
        height = sum(1 for x in beads if b < x < b + r)
        new = sorted((b + r if x == b else x for x in beads), reverse=True)
        nu = tuple(v - (length - 1 - i) for i, v in enumerate(new))
        out.append((tuple(p for p in nu if p > 0), -1 if height % 2 else 1))
    return tuple(out)


@cache
def characters(mu: Partition) -> dict[Partition, int]:
    """``{lambda: chi^lambda(mu)}`` for a partition ``mu`` (zero characters left out):
    the coefficients of ``p_mu`` in the Schur basis (Murnaghan-Nakayama)."""
    mu = check_parts(mu)
    if not mu:
        return {(): 1}
    if len(mu) == 1:  # p_k = sum over hooks
        k = mu[0]
        return {(k - a,) + (1,) * a: (-1) ** a for a in range(k)}
    current: Counter[Partition] = Counter(characters(mu[:-1]))
    out: Counter[Partition] = Counter()
    for lam, c in current.items():
        for nu, sign in _add_ribbons(lam, mu[-1]):
            out[nu] += sign * c
    return {lam: c for lam, c in out.items() if c}


@cache
def hook_characters(nu: Partition) -> tuple[int, ...]:
    """``chi^{(k-a, 1^a)}(nu)`` for ``a = 0 .. k-1``: the coefficients of
    ``prod_i (1 - (-t)^{nu_i}) / (1 + t)`` (the exterior powers of the reflection
    representation)."""
    poly = [1]
    for part in nu:
        nxt = [0] * (len(poly) + part)
        sign = -1 if part % 2 == 0 else 1  # -(-t)^part = sign * t^part
        for i, c in enumerate(poly):
            nxt[i] += c
            nxt[i + part] += sign * c
        poly = nxt
    quotient = []  # divide by 1 + t (exact: nu is not empty)
    carry = 0
    for c in poly[:-1]:
        carry = c - carry
        quotient.append(carry)
    if poly[-1] != carry:
        raise ArithmeticError(f"1 + t does not divide the hook polynomial of {nu}")
    return tuple(quotient)


def _contents(lam: Partition) -> list[int]:
    return [j - i for i, row in enumerate(lam) for j in range(row)]


@cache
def content_polynomial(lam: Partition) -> tuple[int, ...]:
    """Coefficients (constant term first) of ``[x]_lambda = prod_{boxes} (x + c(box))``."""
    poly = [1]
    for c in _contents(lam):
        nxt = [0] * (len(poly) + 1)
        for i, a in enumerate(poly):
            nxt[i] += a * c
            nxt[i + 1] += a
        poly = nxt
    return tuple(poly)


def hook_product(lam: Partition) -> int:
    """``H_lambda``, the product of the hook lengths (``f^lambda = k! / H_lambda``)."""
    conj = [sum(1 for p in lam if p > j) for j in range(lam[0])] if lam else []
    out = 1
    for i, row in enumerate(lam):
        for j in range(row):
            out *= (row - j - 1) + (conj[j] - i - 1) + 1
    return out


def moment_terms(parts: object) -> Terms:
    """``E prod_i tr(S^{parts_i})``, complex ``S = X X^*`` (Sigma = I), as
    ``{(i, j): coefficient of n^i m^j}`` (integers: they count permutations)."""
    mu = check_parts(parts)
    check_order("schur" if len(mu) < 2 else "schur-products", sum(mu), name="sum(parts)", minimum=0)
    if not mu:
        return {(0, 0): 1}
    k = sum(mu)
    kfact = factorial(k)
    # Kronecker substitution in m: every final coefficient times k! lies in [0, k!^2], so a
    # polynomial in m with such coefficients is one integer with w-bit digits, and the sum over
    # lambda is k + 1 big-integer multiply-adds per lambda instead of (k + 1)^2 small ones.
    w = 2 * kfact.bit_length() + 1
    acc = [0] * (k + 1)
    for lam, chi in characters(mu).items():
        weight = chi * (kfact // hook_product(lam))  # chi^lambda(mu) f^lambda
        poly = content_polynomial(lam)
        packed = weight * sum(c << (w * j) for j, c in enumerate(poly))
        for i, a in enumerate(poly):
            if a:
                acc[i] += a * packed
    out: Terms = {}
    mask = (1 << w) - 1
    for i, value in enumerate(acc):
        if value < 0:
            raise ArithmeticError(f"negative coefficient for parts {mu}")
        j = 0
        while value:
            digit = value & mask
            if digit:
                q, r = divmod(digit, kfact)
                if r:
                    raise ArithmeticError(f"non-integer coefficient for parts {mu}")
                out[(i, j)] = q
            value >>= w
            j += 1
    return out


def moment_terms_cov(parts: object) -> CovTerms:
    """``E prod_i tr(W^{parts_i})``, complex ``W`` with covariance Sigma, as
    ``{(e, nu): coefficient of n^e p_nu(Sigma)}`` (integers), ``p_nu = prod_j tr(Sigma^{nu_j})``."""
    mu = check_parts(parts)
    if len(mu) == 1:
        check_parts(mu, max_total=MAX_K_COV_SINGLE, why=" for a single trace")
    else:
        check_parts(mu, max_total=MAX_K_COV, why=" (the character table of S_k is needed)")
    if not mu:
        return {(0, ()): 1}
    k = sum(mu)
    chi_mu = characters(mu)
    hooks = [(k - a,) + (1,) * a for a in range(k)]
    out: CovTerms = {}
    for nu in partitions_of(k):
        if len(mu) == 1:  # only hooks occur: chi^lambda(nu) in closed form
            chi_nu = dict(zip(hooks, hook_characters(nu), strict=True))
        else:
            chi_nu = characters(nu)
        poly = [0] * (k + 1)
        for lam, c in chi_mu.items():
            d = chi_nu.get(lam)
            if d:
                for e, a in enumerate(content_polynomial(lam)):
                    poly[e] += c * d * a
        z = z_lambda(nu)
        for e, value in enumerate(poly):
            if value:
                q, r = divmod(value, z)
                if r:
                    raise ArithmeticError(f"non-integer coefficient for parts {mu}")
                out[(e, nu)] = q
    return out
