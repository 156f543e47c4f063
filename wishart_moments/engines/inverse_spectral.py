"""Inverse Wishart moments in closed form through Jack polynomials, and the Stein chain split
into the same eigenvectors: exact, with no linear solve and no interpolation.

``W ~ W_m^beta(n, Sigma)``, ``Lambda = Sigma^{-1}``, ``q_j = tr Lambda^j``, ``u = n - m``,
``alpha = 2 / beta``, and for a partition ``phi``

    D_phi(u) = prod_{(i, j) in phi} (u + i - alpha j)          (row i, column j, from 1).

**The Jack theorem for the inverse.** For the Jack polynomials ``P_kappa`` (parameter alpha),

    E P_kappa(W^{-1}) = P_kappa(Lambda) / D_kappa(u).

``S^{-1}`` is orthogonally (unitarily) invariant, so the left side is a multiple of
``P_kappa(Lambda)``; ``P_kappa(x^{-1}) = (x_1 ... x_m)^{-kappa_1} P_hat(x)`` with ``hat`` the
complement of ``kappa`` in the ``m x kappa_1`` rectangle; ``det(W)^{-t}`` times the density of
``W`` is the density at ``n - alpha t`` times a ratio of multivariate gamma functions; and the
forward theorem ``E P_nu(W) = prod_{(i,j) in nu} (n + alpha (j - 1) - (i - 1)) P_nu(Sigma)``
leaves, after the cancellations, exactly the boxes of ``kappa``. With
``p_mu = sum_kappa <p_mu, P_kappa> / <P_kappa, P_kappa> P_kappa`` (the ``P_kappa`` of
:mod:`wishart_moments.engines.jack_pieri`) this gives every ``E p_mu(W^{-1})``.

**Matrix-valued moments.** :mod:`wishart_moments.engines.stein` computes
``N_r = E[p_mu(W^{-1}) W^{-r}]`` by the steps ``(u I - K_d) N_r = N_{r-1} Lambda`` (``K_d`` a
constant matrix on the ``q_lam Lambda^a``, ``|lam| + a = d``). Every ``N`` is a sum
``sum_phi y_phi / D_phi(u)`` of constant vectors ``y_phi`` in the eigenspaces of the expectation
map (``phi`` labels the eigenvalue ``1 / D_phi``). As ``D_phi = (u + i - alpha j) D_psi`` for
``phi = psi + (i, j)``, a step sends ``y_psi Lambda`` into the eigenvectors of ``K_d`` for the
eigenvalues ``alpha j - i``, one per box ``(i, j)`` that can be added to ``psi``, and the part for
``(i, j)`` becomes a term of ``y_phi``: each step splits ``y_psi Lambda`` by
:func:`wishart_moments.engines._krylov.eigen_split`, which checks the premise.

So every inverse moment is ``sum_phi c_phi / D_phi(u)`` with exact vectors ``c_phi``: evaluated
directly at a given ``u``, or put over one reduced denominator (every pole is some
``alpha j - i``). The results equal :func:`wishart_moments.engines.stein.inverse_matrix_terms`
(the chain solved at integer points and interpolated); the tests compare the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import cache, lru_cache
from math import gcd, lcm
from operator import mul
from typing import Any

from ._krylov import combine, eigen_split, probe, probe_times
from ._parts import partitions_of, z_lambda
from .jack_pieri import jack_vectors
from .stein.arguments import _add_part, _check_power, _removals, alpha_of, normalize_parts
from .stein.inverse_symbolic import RationalTerms

Partition = tuple[int, ...]
Key = tuple[Partition, int]
#: ``(phi, scale, {(lam, a): integer})``: the term ``scale * vector / D_phi(u)``.
Component = tuple[Partition, Fraction, dict[Key, int]]

__all__ = ["inverse_components", "inverse_terms", "inverse_terms_at"]


class _Space:
    """Degree ``d``: the matrix basis ``(lam, a)`` (``a >= 1``, ``|lam| + a = d``), the columns of
    ``v K_d`` (integers, ``v`` the denominator of alpha), the check's functional, and where the
    terms of degree ``d - 1`` go when multiplied by ``Lambda``."""

    def __init__(self, d: int, alpha: Fraction) -> None:
        au, av = alpha.numerator, alpha.denominator
        self.basis = tuple((lam, a) for a in range(d, 0, -1) for lam in partitions_of(d - a))
        index = {key: i for i, key in enumerate(self.basis)}
        columns = []
        for lam, a in self.basis:
            col: dict[int, int] = {}
            if au != av:
                col[index[(lam, a)]] = a * (au - av)
            for s in range(1, a):
                i = index[(_add_part(lam, s), a - s)]
                col[i] = col.get(i, 0) + av
            for j, mult, rest in _removals(lam):
                i = index[(rest, a + j)]
                col[i] = col.get(i, 0) + au * j * mult
            columns.append(tuple((i, c) for i, c in col.items() if c))
        self.columns = tuple(columns)
        self.probe = probe(len(self.basis))
        self.probe_k = probe_times(self.probe, self.columns)
        # times Lambda from degree d - 1: its matrix basis (lam, a), or its scalars lam
        self.lift_matrix = [
            index[(lam, a + 1)] for a in range(d - 1, 0, -1) for lam in partitions_of(d - 1 - a)
        ]
        self.lift_scalar = [index[(lam, 1)] for lam in partitions_of(d - 1)]


@cache
def _space(d: int, alpha: Fraction) -> _Space:
    return _Space(d, alpha)


def _scalar_components(mu: Partition, alpha: Fraction) -> list:
    """``(kappa, <p_mu, P_kappa> / <P_kappa, P_kappa>, P_kappa)`` with
    ``<p_lam, p_lam> = z_lam alpha^{l(lam)}`` (times a common factor, which cancels)."""
    k = sum(mu)
    order = partitions_of(k)
    au, av = alpha.numerator, alpha.denominator
    weight = [z_lambda(lam) * au ** len(lam) * av ** (k - len(lam)) for lam in order]
    col = order.index(mu)
    out = []
    for kappa, vec in jack_vectors(k, alpha).items():
        if vec[col]:
            norm = sum(w * c * c for w, c in zip(weight, vec, strict=True) if c)
            out.append((kappa, Fraction(weight[col] * vec[col], norm), vec))
    return out


def _step(components: list, d: int, alpha: Fraction, scalar: bool) -> list:
    """``N -> (u I - K_d)^{-1} N Lambda`` on ``N = sum_psi scale vec / D_psi`` (``vec`` dense on
    the scalars of degree ``d - 1`` if ``scalar``, else on its matrix basis)."""
    space = _space(d, alpha)
    au, av = alpha.numerator, alpha.denominator
    lift = space.lift_scalar if scalar else space.lift_matrix
    merged: dict[Partition, list[tuple[Fraction, list[int]]]] = {}
    for psi, scale, vec in components:
        boxes = [
            (i, j)
            for i, j in ((i + 1, (psi[i] if i < len(psi) else 0) + 1) for i in range(len(psi) + 1))
            if i == 1 or psi[i - 2] >= j
        ]
        x = [0] * len(space.basis)
        for i, c in zip(lift, vec, strict=True):
            x[i] = c
        roots = [au * j - av * i for i, j in boxes]  # the eigenvalues of v K_d
        try:
            parts = eigen_split(x, space.columns, roots, space.probe, space.probe_k)
        except ArithmeticError:
            raise ArithmeticError(
                f"the Stein step of degree {d} leaves the eigenspaces of the boxes added to {psi}"
            ) from None
        for t, (den, piece) in parts.items():
            i = boxes[t][0]
            phi = (*psi[: i - 1], (psi[i - 1] if i <= len(psi) else 0) + 1, *psi[i:])
            merged.setdefault(phi, []).append((scale / den, piece))
    out = []
    for phi, pieces in merged.items():  # one integer vector per phi, its content taken out
        den = lcm(*(s.denominator for s, _ in pieces))
        acc = combine(
            [v for _, v in pieces], [s.numerator * (den // s.denominator) for s, _ in pieces]
        )
        g = gcd(*acc)
        if g:
            out.append((phi, Fraction(g, den), [x // g for x in acc]))
    return out


@lru_cache(maxsize=128)
def inverse_components(mu: Partition, power: int, alpha: Fraction) -> tuple[Component, ...]:
    """``E[p_mu(W^{-1}) W^{-power}] = sum_phi scale * vec / D_phi(u)``, ``vec`` keyed by
    ``(lam, a)`` for ``q_lam Lambda^a`` (``a = 0``: the scalar moment, ``power = 0``)."""
    components = _scalar_components(mu, alpha)
    d = sum(mu)
    for step in range(power):
        components = _step(components, d + step + 1, alpha, step == 0)
    d += power
    keys = [(lam, 0) for lam in partitions_of(d)] if power == 0 else _space(d, alpha).basis
    return tuple(
        (phi, scale, {key: c for key, c in zip(keys, vec, strict=True) if c})
        for phi, scale, vec in components
    )


@cache
def _box_roots(phi: Partition, alpha: Fraction) -> tuple[tuple[int, int], ...]:
    """``D_phi(u) = prod (u - r / v)^mult`` as ``((r, mult), ...)``: ``r / v = alpha j - i`` over
    the boxes, ``v`` the denominator of alpha."""
    au, av = alpha.numerator, alpha.denominator
    out: dict[int, int] = {}
    for i, row in enumerate(phi, 1):
        for j in range(1, row + 1):
            r = au * j - av * i
            out[r] = out.get(r, 0) + 1
    return tuple(out.items())


def inverse_terms_at(parts: Iterable[int], power: int, beta: object, u: Any) -> dict[Key, Any]:
    """``E[p_mu(W^{-1}) W^{-power}]`` at ``u = n - m`` as ``{(lam, a): c}`` (``q_lam Lambda^a``):
    exact for a rational ``u``, floating point for a float ``u``. ``ZeroDivisionError`` at a pole
    (never where the moment exists, ``beta (u + 1) / 2 > sum(parts) + power``)."""
    mu = normalize_parts(parts)
    alpha = alpha_of(beta)
    exact = not isinstance(u, float)
    if exact:
        u = Fraction(u)
    out: dict[Key, Any] = {}
    for phi, scale, vec in inverse_components(mu, _check_power(power), alpha):
        den: Any = 1
        for r, mult in _box_roots(phi, alpha):
            den *= (u - Fraction(r, alpha.denominator)) ** mult
        if den == 0:
            raise ZeroDivisionError(f"n - m = {u} is a pole of the inverse moment")
        f = scale / den if exact else float(scale) / den
        for key, c in vec.items():
            out[key] = out.get(key, 0) + f * c
    return {key: c for key, c in out.items() if c}


def _times_linear(p: list[int], q: int, r: int) -> list[int]:
    """``p(u) (q u - r)``, integer coefficients lowest first."""
    out = [0] * (len(p) + 1)
    for t, c in enumerate(p):
        out[t] -= r * c
        out[t + 1] += q * c
    return out


def _divide_linear(p: list[int], q: int, r: int) -> list[int] | None:
    """``p / (q u - r)`` if it divides ``p`` (``gcd(q, r) = 1``: the quotient is integral by
    Gauss's lemma), else ``None``."""
    quot = [0] * (len(p) - 1)
    carry = 0
    for t in range(len(p) - 1, 0, -1):
        val = p[t] + carry
        if val % q:
            return None
        quot[t - 1] = val // q
        carry = quot[t - 1] * r
    return quot if p[0] + carry == 0 else None


def inverse_terms(parts: Iterable[int], power: int, beta: object) -> RationalTerms:
    """``E[p_mu(W^{-1}) W^{-power}]`` as numerators over one reduced monic denominator in
    ``u = n - m`` (the form of :func:`wishart_moments.engines.stein.inverse_matrix_terms`)."""
    mu = normalize_parts(parts)
    power = _check_power(power)
    alpha = alpha_of(beta)
    if not mu and power == 0:
        return RationalTerms({((), 0): [Fraction(1)]}, [], [Fraction(1)])
    components = inverse_components(mu, power, alpha)
    full: dict[int, int] = {}
    for phi, _s, _v in components:
        for r, mult in _box_roots(phi, alpha):
            full[r] = max(full.get(r, 0), mult)
    roots_q = {r: Fraction(r, alpha.denominator) for r in full}
    # the common denominator L = prod (u - c)^full[c]; L / D_phi = prod (q u - r)^e / q^e
    width = sum(full.values()) + 1
    weights: list[tuple[list[int], Fraction, dict]] = []
    for phi, scale, vec in components:
        own = dict(_box_roots(phi, alpha))
        poly, den = [1], 1
        for r, mult in full.items():
            c = roots_q[r]
            for _ in range(mult - own.get(r, 0)):
                poly = _times_linear(poly, c.denominator, c.numerator)
                den *= c.denominator
        weights.append((poly + [0] * (width - len(poly)), scale / den if den != 1 else scale, vec))
    common = lcm(*(s.denominator for _, s, _ in weights))
    factors = [s.numerator * (common // s.denominator) for _, s, _ in weights]
    columns = list(zip(*(poly for poly, _, _ in weights), strict=True))  # one per power of u
    nums: dict[Key, list[int]] = {}
    for key in sorted({key for _, _, vec in weights for key in vec}):
        row = [f * vec.get(key, 0) for f, (_, _, vec) in zip(factors, weights, strict=True)]
        p = [sum(map(mul, row, col)) for col in columns]
        while p and p[-1] == 0:
            p.pop()
        if p:
            nums[key] = p
    # cancel every factor (u - c) that divides all the numerators
    roots = []
    num_scale = Fraction(1, common)
    for c in sorted(roots_q.values()):
        mult = full[c.numerator * (alpha.denominator // c.denominator)]
        while mult:
            divided = {}
            for key, p in nums.items():
                quot = _divide_linear(p, c.denominator, c.numerator)
                if quot is None:
                    break
                divided[key] = quot
            else:
                nums, mult, num_scale = divided, mult - 1, num_scale * c.denominator
                continue
            break
        if mult:
            roots.append((c, mult))
    numerators = {key: [num_scale * x for x in p] for key, p in nums.items()}
    return RationalTerms(numerators, roots, [Fraction(1)])
