"""Inverse Wishart moments by the spectral decomposition of the Stein chain, exact.

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
leaves, after the cancellations, exactly the boxes of ``kappa``.

**The chain in that light.** :mod:`wishart_moments.engines.stein` computes
``N_r = E[p_mu(W^{-1}) W^{-r}]`` by the steps ``(u I - K_d) N_r = N_{r-1} Lambda`` (``K_d`` a
constant matrix on the ``q_lam Lambda^a``, ``|lam| + a = d``) and the traces
``tr(q_lam Lambda^a) = q_lam q_a`` between the parts of ``mu``. Every ``N`` is a sum
``sum_phi y_phi / D_phi(u)`` of constant vectors ``y_phi`` in the eigenspaces of the expectation
map (``phi`` labels the eigenvalue ``1 / D_phi``; the traces keep the labels). As
``D_phi = (u + i - alpha j) D_psi`` for ``phi = psi + (i, j)``, the step sends ``y_psi Lambda``
into the eigenvectors of ``K_d`` for the eigenvalues ``alpha j - i``, one per box ``(i, j)`` that
can be added to ``psi``, and the part for ``(i, j)`` becomes a term of ``y_phi``. So a step is: for
each ``psi``, split ``x = y_psi Lambda`` by Lagrange interpolation in ``K_d`` on the Krylov vectors
``x, K_d x, ...`` (no linear solve), and check the split: ``prod (K_d - alpha j + i) x = 0``, else
``ArithmeticError``. Starting from ``1`` (``phi = ()``) this gives every inverse moment as
``sum_phi c_phi / D_phi(u)``, exactly: evaluated directly at a given ``u``, or over one reduced
denominator (every pole is some ``alpha j - i``). The results equal
:func:`wishart_moments.engines.stein.inverse_matrix_terms` (which interpolates the chain solved at
integer points instead); the tests compare the two and the Jack route at ``Sigma = I``.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import cache, lru_cache
from math import gcd, lcm
from operator import mul
from typing import Any

from ._parts import partitions_of
from .stein.arguments import _add_part, _check_power, _removals, alpha_of, normalize_parts
from .stein.inverse_symbolic import RationalTerms

Partition = tuple[int, ...]
Key = tuple[Partition, int]
#: ``(phi, scale, {(lam, a): integer})``: the term ``scale * vector / D_phi(u)``.
Component = tuple[Partition, Fraction, dict[Key, int]]

__all__ = ["inverse_components", "inverse_terms", "inverse_terms_at"]


def _addable(psi: Partition) -> list[tuple[int, int]]:
    """The boxes ``(i, j)`` (1-based) that can be added to ``psi``."""
    out = []
    for i in range(len(psi) + 1):
        j = (psi[i] if i < len(psi) else 0) + 1
        if i == 0 or psi[i - 1] >= j:
            out.append((i + 1, j))
    return out


def _add_box(psi: Partition, i: int) -> Partition:
    return (*psi[: i - 1], (psi[i - 1] if i <= len(psi) else 0) + 1, *psi[i:])


class _Space:
    """Degree ``d``: the matrix basis ``(lam, a)`` (``a >= 1``, ``|lam| + a = d``) with the columns
    of ``v K_d`` (integers, ``v`` the denominator of alpha), the scalar basis (partitions of
    ``d``), and the maps between them and from degree ``d - 1`` (times ``Lambda``; trace)."""

    def __init__(self, d: int, alpha: Fraction) -> None:
        au, av = alpha.numerator, alpha.denominator
        self.basis = tuple((lam, a) for a in range(d, 0, -1) for lam in partitions_of(d - a))
        index = {key: i for i, key in enumerate(self.basis)}
        self.columns = []
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
            self.columns.append(tuple((i, c) for i, c in col.items() if c))
        self.scalars = partitions_of(d)
        scalar_index = {lam: i for i, lam in enumerate(self.scalars)}
        self.trace = [scalar_index[_add_part(lam, a)] for lam, a in self.basis]
        self.size = len(self.basis)
        # times Lambda from degree d - 1: the matrix basis (lam, a) and the scalars lam
        self.lift_matrix = [
            index[(lam, a + 1)] for a in range(d - 1, 0, -1) for lam in partitions_of(d - 1 - a)
        ]
        self.lift_scalar = [index[(lam, 1)] for lam in partitions_of(d - 1)]
        # a fixed functional r and r v K_d, for the check of each split
        self.probe = [(i * 2654435761 + 12345) % 1000003 + 1 for i in range(self.size)]
        self.probe_k = [sum(self.probe[i] * c for i, c in col) for col in self.columns]


@cache
def _space(d: int, alpha: Fraction) -> _Space:
    return _Space(d, alpha)


def _poly_from_roots(roots: list[int]) -> list[int]:
    """Coefficients (lowest first) of ``prod (z - r)``."""
    poly = [1]
    for r in roots:
        nxt = [0] * (len(poly) + 1)
        for t, c in enumerate(poly):
            nxt[t] -= r * c
            nxt[t + 1] += c
        poly = nxt
    return poly


def _combine(vectors: list[list[int]], coefs: list[int]) -> list[int]:
    """``sum coefs[t] vectors[t]`` (dense vectors of one length; ``coefs`` may be shorter)."""
    out = [0] * len(vectors[0])
    for coef, vec in zip(coefs, vectors, strict=False):
        if coef:
            out = [o + coef * x for o, x in zip(out, vec, strict=True)]
    return out


def _collect(merged: dict[Partition, list[tuple[Fraction, list[int]]]]) -> list:
    """One ``(phi, scale, dense integer vector)`` per label, the content taken out."""
    out = []
    for phi, pieces in merged.items():
        den = lcm(*(s.denominator for s, _ in pieces))
        acc = _combine(
            [v for _, v in pieces], [s.numerator * (den // s.denominator) for s, _ in pieces]
        )
        g = gcd(*acc)
        if g:
            out.append((phi, Fraction(g, den), [x // g for x in acc] if g != 1 else acc))
    return out


def _step(components: list, d: int, alpha: Fraction, scalar: bool) -> list:
    """``N -> (u I - K_d)^{-1} N Lambda`` on ``N = sum_psi scale vec / D_psi`` (``vec`` dense on
    the scalar basis of degree ``d - 1`` if ``scalar``, else on its matrix basis)."""
    space = _space(d, alpha)
    au, av = alpha.numerator, alpha.denominator
    lift = space.lift_scalar if scalar else space.lift_matrix
    columns, probe, probe_k, size = space.columns, space.probe, space.probe_k, space.size
    merged: dict[Partition, list[tuple[Fraction, list[int]]]] = {}
    for psi, scale, vec in components:
        boxes = _addable(psi)
        roots = [au * j - av * i for i, j in boxes]  # eigenvalues of v K_d
        x = [0] * size
        for i, c in zip(lift, vec, strict=True):
            x[i] = c
        krylov = [x]
        for _ in boxes[1:]:
            nxt = [0] * size
            for col, c in zip(columns, krylov[-1], strict=True):
                if c:
                    for i, w in col:
                        nxt[i] += w * c
            krylov.append(nxt)
        # the split needs prod (v K_d - root) x = 0; checked on the functional r (probe), with
        # r v K_d (probe_k) for the last power
        seen = [sum(map(mul, probe, v)) for v in krylov]
        seen.append(sum(map(mul, probe_k, krylov[-1])))
        if sum(map(mul, _poly_from_roots(roots), seen)):
            raise ArithmeticError(
                f"the Stein step of degree {d} leaves the eigenspaces of the boxes added to {psi}"
            )
        pieces = []  # (den, den * part of x for root t), Lagrange interpolation in v K_d
        for t in range(len(boxes) - 1):
            others = roots[:t] + roots[t + 1 :]
            den = 1
            for r in others:
                den *= roots[t] - r
            pieces.append((den, _combine(krylov, _poly_from_roots(others))))
        common = lcm(1, *(den for den, _ in pieces))  # the last part: x minus the others
        coefs = [common, *(-(common // den) for den, _ in pieces)]
        pieces.append((common, _combine([x, *(v for _, v in pieces)], coefs)))
        for (i, _j), (den, piece) in zip(boxes, pieces, strict=True):
            merged.setdefault(_add_box(psi, i), []).append((scale / den, piece))
    return _collect(merged)


def _trace(components: list, d: int, alpha: Fraction) -> list:
    """``tr(q_lam Lambda^a) = q_{lam + a}``: matrix terms of degree ``d`` become scalar ones."""
    space = _space(d, alpha)
    merged: dict[Partition, list[tuple[Fraction, list[int]]]] = {}
    for phi, scale, vec in components:
        acc = [0] * len(space.scalars)
        for i, c in zip(space.trace, vec, strict=True):
            acc[i] += c
        merged.setdefault(phi, []).append((scale, acc))
    return _collect(merged)


@lru_cache(maxsize=128)
def inverse_components(mu: Partition, power: int, alpha: Fraction) -> tuple[Component, ...]:
    """``E[p_mu(W^{-1}) W^{-power}] = sum_phi scale * vec / D_phi(u)``, ``vec`` keyed by
    ``(lam, a)`` for ``q_lam Lambda^a`` (``a = 0``: the scalar moment, ``power = 0``)."""
    components: list = [((), Fraction(1), [1])]
    d, scalar = 0, True
    for part in reversed(mu):  # smallest part first, as stein.inverse
        for _ in range(part):
            d += 1
            components = _step(components, d, alpha, scalar)
            scalar = False
        components = _trace(components, d, alpha)
        scalar = True
    for _ in range(power):
        d += 1
        components = _step(components, d, alpha, scalar)
        scalar = False
    keys = [(lam, 0) for lam in partitions_of(d)] if scalar else _space(d, alpha).basis
    return tuple(
        (phi, scale, {key: c for key, c in zip(keys, vec, strict=True) if c})
        for phi, scale, vec in components
    )


@cache
def _box_roots(phi: Partition, alpha: Fraction) -> tuple[tuple[Fraction, int], ...]:
    """``D_phi(u) = prod (u - c)^mult`` as ``((c, mult), ...)``, ``c = alpha j - i``."""
    out: dict[Fraction, int] = {}
    for i, row in enumerate(phi, 1):
        for j in range(1, row + 1):
            c = alpha * j - i
            out[c] = out.get(c, 0) + 1
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
        for c, mult in _box_roots(phi, alpha):
            den *= (u - c) ** mult
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
    full: dict[Fraction, int] = {}
    for phi, _s, _v in components:
        for c, mult in _box_roots(phi, alpha):
            full[c] = max(full.get(c, 0), mult)
    # the common denominator L = prod (u - c)^full[c]; L / D_phi = prod (q u - r)^e / q^e
    scaled = []
    for phi, scale, vec in components:
        own = dict(_box_roots(phi, alpha))
        poly = [1]
        for c, mult in full.items():
            for _ in range(mult - own.get(c, 0)):
                poly = _times_linear(poly, c.denominator, c.numerator)
                scale /= c.denominator
        scaled.append((poly, scale, vec))
    common = lcm(*(s.denominator for _, s, _ in scaled))
    width = sum(full.values()) + 1
    nums: dict[Key, list[int]] = {}
    for poly, scale, vec in scaled:
        f = scale.numerator * (common // scale.denominator)
        for key, c in vec.items():
            acc = nums.get(key)
            if acc is None:
                acc = nums[key] = [0] * width
            fc = f * c
            for t, x in enumerate(poly):
                if x:
                    acc[t] += fc * x
    for key, p in list(nums.items()):
        while p and p[-1] == 0:
            p.pop()
        if not p:
            del nums[key]
    # cancel every factor (u - c) that divides all the numerators
    roots = []
    num_scale = Fraction(1, common)
    for c in sorted(full):
        mult = full[c]
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
    numerators = {key: [num_scale * x for x in nums[key]] for key in sorted(nums)}
    return RationalTerms(numerators, roots, [Fraction(1)])
