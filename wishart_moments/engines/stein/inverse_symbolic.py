"""Inverse moments as rational functions of ``u = n - m``: the chain at integer points,
numerators interpolated over candidate denominators built from the poles of ``K``.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from .. import _univariate as up
from .arguments import (
    Partition,
    _check_power,
    alpha_of,
    normalize_parts,
)
from .inverse import (
    _bareiss_solve,
    _inverse_chain,
    _inverse_space,
)

# -- exact univariate polynomials (coefficient lists, lowest degree first; products and division
# -- by engines._univariate) ----------------------------------------------------------------------


def _trim(p: list) -> list:
    while p and p[-1] == 0:
        p.pop()
    return p


def _pmul(p: list, q: list) -> list:
    return list(up.mul(p, q))  # type: ignore[arg-type]


def _pdivmod(p: list, q: list) -> tuple[list, list]:
    quot, rem = up.divmod_poly(p, up.trim(q))  # type: ignore[arg-type]
    return list(quot), list(rem)


def _interpolate(xs: list, ys: list) -> list:
    """Coefficients of the polynomial of degree < len(xs) through ``(xs, ys)`` (Newton form)."""
    size = len(xs)
    coef = list(ys)
    for j in range(1, size):
        for i in range(size - 1, j - 1, -1):
            coef[i] = (coef[i] - coef[i - 1]) / (xs[i] - xs[i - j])
    poly: list = [Fraction(coef[-1])]
    for i in range(size - 2, -1, -1):
        shifted = [Fraction(0), *poly]
        for k, c in enumerate(poly):
            shifted[k] -= xs[i] * c
        shifted[0] += coef[i]
        poly = shifted
    return _trim(poly)


def _peval(p: list, x: Any) -> Any:
    acc: Any = 0
    for c in reversed(p):
        acc = acc * x + c
    return acc


class RationalTerms:
    """Terms ``{key: numerator(u)}`` over one common ``denominator(u)``, ``u = n - m``.

    ``numerators[key]`` is a coefficient list (lowest degree first, Fractions);
    ``roots`` lists ``(c, multiplicity)`` with ``denominator = prod (u - c)^mult * rest``.
    """

    def __init__(self, numerators: dict, roots: list[tuple[Fraction, int]], rest: list) -> None:
        self.numerators = numerators
        self.roots = roots
        self.rest = rest

    def denominator(self) -> list:
        poly = list(self.rest)
        for c, mult in self.roots:
            for _ in range(mult):
                poly = _pmul(poly, [-c, Fraction(1)])
        return poly

    def at(self, u: Any) -> dict:
        den = _peval(self.denominator(), u)
        return {k: _peval(p, u) / den for k, p in self.numerators.items()}


@cache
def _charpoly(d: int, alpha: Fraction) -> tuple[Fraction, ...]:
    """``det(u I - K_d)`` by interpolation of exact (fraction-free) determinants at integers."""
    basis, _index, columns = _inverse_space(d, alpha)
    size = len(basis)
    v = alpha.denominator  # v (u I - K_d) is an integer matrix for integer u
    xs, ys = [], []
    for point in range(size + 1):
        mat = [[0] * size for _ in range(size)]
        for j, col in enumerate(columns):
            for i, c in col:
                mat[i][j] = -int(c * v)
        for i in range(size):
            mat[i][i] += point * v
        _, det = _bareiss_solve(mat, [0] * size)
        xs.append(Fraction(point))
        ys.append(Fraction(det, v**size))
    return tuple(_interpolate(xs, ys))


def _root_bound(d: int, alpha: Fraction) -> Fraction:
    """Bound on the eigenvalues of ``K_d``: its largest absolute column sum."""
    _b, _i, columns = _inverse_space(d, alpha)
    return max((sum((abs(c) for _, c in col), Fraction(0)) for col in columns), default=Fraction(0))


def _synthetic_division(p: list, c: Fraction) -> tuple[list, Fraction]:
    """``p = (u - c) q + r``: return ``(q, r)``."""
    if not p:
        return [], Fraction(0)
    out = [Fraction(0)] * (len(p) - 1)
    acc = Fraction(0)
    for i in range(len(p) - 1, 0, -1):
        acc = acc * c + p[i]
        out[i - 1] = acc
    return out, acc * c + p[0]


@cache
def _charpoly_factors(d: int, alpha: Fraction) -> tuple[tuple[tuple[Fraction, int], ...], tuple]:
    """``det(u I - K_d) = prod (u - c)^mult * rest`` with rational roots ``c``.

    Rational eigenvalues lie in ``Z / denominator(alpha)`` (``denominator(alpha) K_d`` is an
    integer matrix) and within the column-sum bound, so a finite scan finds them all.
    """
    poly = list(_charpoly(d, alpha))
    den = alpha.denominator
    lim = int(_root_bound(d, alpha) * den) + 1
    roots = []
    for j in range(-lim, lim + 1):
        c = Fraction(j, den)
        mult = 0
        while len(poly) > 1:
            q, r = _synthetic_division(poly, c)
            if r:
                break
            poly = q
            mult += 1
        if mult:
            roots.append((c, mult))
    return tuple(roots), tuple(poly)


@lru_cache(maxsize=128)
def _inverse_rational(mu: Partition, power: int, alpha: Fraction) -> RationalTerms:
    degrees = list(range(1, sum(mu) + power + 1))
    multiplicity: dict[Fraction, int] = {}
    rests: list[list] = []
    bound = Fraction(0)
    for d in degrees:
        roots, rest = _charpoly_factors(d, alpha)
        for c, mult in roots:
            multiplicity[c] = multiplicity.get(c, 0) + mult
        if len(rest) > 1:
            rests.append(list(rest))
        bound = max(bound, _root_bound(d, alpha))
    # Candidate denominators: every pole with multiplicity at most `level` (level 1 first), the
    # product of the whole chain's determinants last. A candidate is accepted when the numerators
    # interpolated through it reproduce the chain exactly at three further points.
    full = max(multiplicity.values(), default=0)
    values: dict[Fraction, dict] = {}
    start = Fraction(int(bound) + 2)

    def chain_at(x: Fraction) -> dict:
        if x not in values:
            values[x] = _inverse_chain(mu, power, alpha, x)[0]
        return values[x]

    level = 1
    while True:
        last = level >= full
        den = [Fraction(1)]
        for c, mult in multiplicity.items():
            for _ in range(min(mult, level)):
                den = _pmul(den, [-c, Fraction(1)])
        for rest in rests:
            den = _pmul(den, rest)
        npts = max(len(den) - 1, 1)  # numerators den * value have degree < deg(den)
        xs = [start + i for i in range(npts)]
        scaled = [{k: v * _peval(den, x) for k, v in chain_at(x).items()} for x in xs]
        keys = sorted({k for v in scaled for k in v})
        nums = {k: _interpolate(xs, [v.get(k, Fraction(0)) for v in scaled]) for k in keys}
        nums = {k: p for k, p in nums.items() if p}
        if last:
            break
        checks = [start + npts + i for i in range(3)]
        ok = all(
            {k: v for k, v in chain_at(x).items() if v}
            == {k: _peval(p, x) / _peval(den, x) for k, p in nums.items() if _peval(p, x)}
            for x in checks
        )
        if ok:
            break
        level += 1
    multiplicity = {c: min(mult, level) for c, mult in multiplicity.items()}
    # cancel the factors of den that divide every numerator
    roots = []
    for c in sorted(multiplicity):
        mult = multiplicity[c]
        while mult:
            divided = {k: _synthetic_division(p, c) for k, p in nums.items()}
            if any(r for _q, r in divided.values()):
                break
            nums = {k: _trim(q) for k, (q, _r) in divided.items()}
            mult -= 1
        if mult:
            roots.append((c, mult))
    rest_poly = [Fraction(1)]
    for rest in rests:
        divided = {k: _pdivmod(p, rest) for k, p in nums.items()}
        if any(r for _q, r in divided.values()):
            rest_poly = _pmul(rest_poly, rest)
        else:
            nums = {k: q for k, (q, _r) in divided.items()}
    return RationalTerms(nums, roots, rest_poly)


def inverse_matrix_terms(parts: Iterable[int], power: int, beta: object = 1) -> RationalTerms:
    """``E[p_mu(W^{-1}) W^{-power}]`` as rational functions of ``u = n - m`` (exact).

    Keys ``(lam, a)`` mean ``q_lam Lambda^a`` (``a = 0`` for ``power = 0``: the scalar moment).
    """
    mu = normalize_parts(parts)
    power = _check_power(power)
    if not mu and power == 0:
        return RationalTerms({((), 0): [Fraction(1)]}, [], [Fraction(1)])
    return _inverse_rational(mu, power, alpha_of(beta))
