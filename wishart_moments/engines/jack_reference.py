"""Slow, obvious references for :mod:`wishart_moments.engines.jack` (tests only).

* :func:`jack_in_power_reference`: Jack polynomials by plain Gram-Schmidt. The monomials are
  written in power sums by brute force (the coefficient of ``x^mu`` in ``p_lambda`` counts the
  ways to distribute the parts of ``lambda`` over the variables) and a dense Fraction inverse;
  each ``m_kappa`` is then orthogonalised against *every* earlier partition in increasing
  lexicographic order under ``<p_lambda, p_mu> = delta z_lambda alpha^{l(lambda)}`` (no use of the
  dominance order), and the ``C_kappa`` are scaled so that ``p_1^k = sum_kappa C_kappa``
  (computed by orthogonal projection; no hook-length formula).
* :func:`inverse_power_moments_reference`: the Sigma = I inverse loop equations written for the
  *largest* part of each partition (the engine uses the smallest), solved by Gaussian
  elimination over ``Q(a)`` with reduced rational functions (:class:`~._univariate.RatFun`).
"""

from __future__ import annotations

from fractions import Fraction

from ._parts import partitions_of as _partitions
from ._parts import z_lambda as _z
from ._univariate import RatFun, solve, trim
from .jack.inverse_at_identity import loop_equations

Partition = tuple[int, ...]


def _distributions(parts: Partition, targets: list[int]) -> int:
    """Ways to send each part to one target slot so that every slot's sum is exactly its value."""
    if not parts:
        return int(all(t == 0 for t in targets))
    first, rest = parts[0], parts[1:]
    total = 0
    for i, t in enumerate(targets):
        if t >= first:
            targets[i] -= first
            total += _distributions(rest, targets)
            targets[i] += first
    return total


def _inverse(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    size = len(matrix)
    aug = [row[:] + [Fraction(int(i == j)) for j in range(size)] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if aug[r][col])
        aug[col], aug[pivot] = aug[pivot], aug[col]
        inv = 1 / aug[col][col]
        aug[col] = [x * inv for x in aug[col]]
        for r in range(size):
            if r != col and aug[r][col]:
                f = aug[r][col]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[col], strict=True)]
    return [row[size:] for row in aug]


def jack_in_power_reference(k: int, alpha: Fraction) -> dict[Partition, dict[Partition, Fraction]]:
    """``{kappa: {lambda: c}}`` with ``C^{(alpha)}_kappa = sum c p_lambda`` (zeros left out)."""
    alpha = Fraction(alpha)
    order = sorted(_partitions(k))  # increasing lexicographic
    size = len(order)
    # L[lam][mu] = coefficient of m_mu in p_lam = coefficient of x^mu
    trans = [[Fraction(_distributions(lam, list(mu))) for mu in order] for lam in order]
    mono = _inverse(trans)  # m_mu = sum_lam mono[mu][lam] p_lam
    weight = [_z(lam) * alpha ** len(lam) for lam in order]

    def dot(u: list[Fraction], v: list[Fraction]) -> Fraction:
        return sum((w * x * y for w, x, y in zip(weight, u, v, strict=True)), Fraction(0))

    monic: list[list[Fraction]] = []
    for r in range(size):
        vec = list(mono[r])
        for q in range(r):
            c = dot(mono[r], monic[q]) / dot(monic[q], monic[q])
            vec = [x - c * y for x, y in zip(vec, monic[q], strict=True)]
        monic.append(vec)
    p1k = [Fraction(int(lam == (1,) * k)) for lam in order]
    out = {}
    for kappa, vec in zip(order, monic, strict=True):
        c = dot(p1k, vec) / dot(vec, vec)
        out[kappa] = {lam: c * x for lam, x in zip(order, vec, strict=True) if x}
    return out


def inverse_power_moments_reference(degree: int, beta: Fraction) -> dict[Partition, list[RatFun]]:
    """``{lambda: [r_0, r_1, ...]}`` with ``E q_lambda = sum_e r_e(a) m^e`` at ``Sigma = I``."""
    beta = Fraction(beta)
    if degree == 0:
        return {(): [RatFun.constant(1)]}
    lower = inverse_power_moments_reference(degree - 1, beta)
    order = _partitions(degree)
    index = {lam: r for r, lam in enumerate(order)}
    width = degree + 1
    matrix = [[RatFun.constant(0)] * len(order) for _ in order]
    rhs = [[RatFun.constant(0)] * width for _ in order]
    for lam, row, (source, shift) in loop_equations(degree, beta, choice="largest"):
        r = index[lam]
        for target, (c0, c1) in row.items():
            matrix[r][index[target]] = RatFun(trim([Fraction(c0), Fraction(c1)]))
        for e, x in enumerate(lower[source]):
            rhs[r][e + shift] = x.scaled(-beta / 2)
    sol = solve(matrix, rhs)
    out = {}
    for lam in order:
        row = list(sol[index[lam]])
        while row and not row[-1]:
            row.pop()
        out[lam] = row
    return out
