"""Inverse multi-trace moments ``E q_lambda`` at ``Sigma = I`` from the loop equations of the
eigenvalues of ``S^{-1}``, solved exactly over ``Z[a]`` (Bareiss elimination, cancellation at
the rational roots of ``det(C - a I)``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import gcd, lcm

from .. import _univariate as up
from .._parts import partitions_of as _partitions
from .basis import (
    Partition,
    _as_int,
)

# ---------------------------------------------------------------------------------------------
# Inverse moments at Sigma = I: loop equations over Q(a)
# ---------------------------------------------------------------------------------------------

# A polynomial in m with coefficients in Z[a] (or Q[a]): a list of a-polynomials, m^0 first. A
# value in Q(a)[m] is such a numerator over one common denominator, a polynomial in a.
MPoly = list[up.IPoly]


def _insert(nu: Partition, *new: int) -> Partition:
    return tuple(sorted((*nu, *new), reverse=True))


def _remove(lam: Partition, part: int) -> Partition:
    out = list(lam)
    out.remove(part)
    return tuple(out)


def _mtrim(p: MPoly) -> MPoly:
    while p and not p[-1]:
        p.pop()
    return p


def loop_equations(degree: int, beta: Fraction, choice: str = "smallest") -> list[tuple]:
    """The loop equations of degree ``degree`` at ``Sigma = I``, one per ``lambda``:
    ``(lambda, {target: (c0, c1)}, (source, shift))`` meaning
    ``sum_target (c0 + c1 a) E q_target = -beta/2 m^shift E q_source``.

    ``choice``: which part ``s`` of ``lambda`` is differentiated (``"smallest"``, ``"largest"``).
    """
    half = beta / 2
    out = []
    for lam in _partitions(degree):
        s = lam[-1] if choice == "smallest" else lam[0]
        nu = _remove(lam, s)
        row: dict[Partition, list[Fraction]] = {lam: [(s - 1) * (1 - half), Fraction(-1)]}
        for j, part in enumerate(nu):
            target = _insert(nu[:j] + nu[j + 1 :], s + part)
            row.setdefault(target, [Fraction(0), Fraction(0)])[0] += part
        for t in range(1, s):
            row.setdefault(_insert(nu, t, s - t), [Fraction(0), Fraction(0)])[0] += half
        source = (nu, 1) if s == 1 else (_insert(nu, s - 1), 0)
        out.append((lam, {t: (c[0], c[1]) for t, c in row.items()}, source))
    return out


def _bareiss_solve(
    matrix: list[list[up.IPoly]], rhs: list[list[up.IPoly]]
) -> tuple[list[list[up.IPoly]], up.IPoly]:
    """``(Y, d)`` with ``matrix @ (Y / d) = rhs`` over ``Z[a]`` (Bareiss fraction-free
    elimination, ``d = +-det``; every division is exact in ``Z[a]``)."""
    size = len(matrix)
    rows = [matrix[r] + rhs[r] for r in range(size)]
    width = len(rows[0])
    prev: up.IPoly = (1,)
    for k in range(size):
        if not rows[k][k]:
            swap = next(r for r in range(k + 1, size) if rows[r][k])
            rows[k], rows[swap] = rows[swap], rows[k]
        piv, pivot_row = rows[k][k], rows[k]
        for i in range(k + 1, size):
            ri = rows[i]
            rik = ri[k]
            for j in range(k + 1, width):
                val = up.imul(ri[j], piv)
                if rik and pivot_row[j]:
                    val = up.isub(val, up.imul(rik, pivot_row[j]))
                ri[j] = up.idiv_exact(val, prev) if val else ()
            ri[k] = ()
        prev = piv
    det = rows[-1][size - 1]
    sol: list[list[up.IPoly]] = [[()] * (width - size) for _ in range(size)]
    for i in range(size - 1, -1, -1):
        for col in range(width - size):
            acc = up.imul(det, rows[i][size + col])
            for j in range(i + 1, size):
                if rows[i][j] and sol[j][col]:
                    acc = up.isub(acc, up.imul(rows[i][j], sol[j][col]))
            sol[i][col] = up.idiv_exact(acc, rows[i][i]) if acc else ()
    return sol, det


def _frac(p: up.Poly | up.IPoly) -> up.Poly:
    return up.trim([Fraction(c) for c in p])


def _hom_eval(p: up.IPoly, u: int, v: int) -> int:
    """``v^deg(p) p(u / v)`` (exact, integers)."""
    acc, vp = 0, 1
    for c in reversed(p):
        acc = acc * u + c * vp
        vp *= v
    return acc


def _div_linear_int(p: up.IPoly, u: int, v: int) -> up.IPoly:
    """``p / (v a - u)`` in ``Z[a]`` (``gcd(u, v) = 1``); ``ArithmeticError`` if not exact."""
    d = len(p) - 1
    quot = [0] * d
    carry = 0  # q_i, from the top: c_{i+1} = v q_i - u q_{i+1}
    for i in range(d - 1, -1, -1):
        num = p[i + 1] + u * carry
        carry, rem = divmod(num, v)
        if rem:
            raise ArithmeticError("inexact division by a linear factor")
        quot[i] = carry
    if p[0] != -u * carry:
        raise ArithmeticError("inexact division by a linear factor")
    return tuple(quot)


def _rational_roots(p: up.IPoly, bound: int) -> tuple[dict[tuple[int, int], int], up.IPoly]:
    """Rational roots ``u/v`` (with multiplicity) of ``p`` with ``|u/v| <= bound`` and ``v`` a
    divisor (``<= 64``) of the leading coefficient, and what is left of ``p`` after dividing them
    out (rational root theorem: ``u`` divides the constant term, ``v`` the leading one)."""
    roots: dict[tuple[int, int], int] = {}
    while len(p) > 1 and p[0] == 0:
        roots[(0, 1)] = roots.get((0, 1), 0) + 1
        p = p[1:]
    for v in range(1, 65):
        if len(p) <= 1:
            break
        if p[-1] % v:
            continue
        for u in range(-bound * v, bound * v + 1):
            if len(p) <= 1:
                break
            if not u or gcd(u, v) != 1 or p[0] % u:
                continue
            while len(p) > 1 and _hom_eval(p, u, v) == 0:
                p = _div_linear_int(p, u, v)
                roots[(u, v)] = roots.get((u, v), 0) + 1
    return roots, p


def _int_content(values: dict[Partition, MPoly], den: up.IPoly) -> int:
    g = 0
    for c in den:
        g = gcd(g, c)
    for p in values.values():
        for x in p:
            for c in x:
                if g == 1:
                    return 1
                g = gcd(g, c)
    return g


@cache
def _inverse_level(
    degree: int, beta: Fraction
) -> tuple[dict[Partition, MPoly], up.IPoly, dict[tuple[int, int], int], up.IPoly]:
    """``(N, D, roots, rest)``: ``E q_lambda = N_lambda(m, a) / D(a)`` for ``|lambda| = degree``,
    integer polynomials; ``D = c prod (v a - u)^e * rest`` with ``roots = {(u, v): e}``. Common
    linear factors of ``D`` and all numerators are cancelled by exact evaluation at the roots."""
    if degree == 0:
        return {(): [(1,)]}, (1,), {}, (1,)
    lower, lower_den, lower_roots, lower_rest = _inverse_level(degree - 1, beta)
    order = tuple(reversed(_partitions(degree)))  # (1^d) first: less fill-in in the elimination
    index = {lam: r for r, lam in enumerate(order)}
    width = degree + 1  # the m-degree of E q_lambda is at most l(lambda)
    eqs = loop_equations(degree, beta)
    scale = lcm(*(c.denominator for _, row, _ in eqs for cs in row.values() for c in cs))
    half = beta / 2
    matrix: list[list[up.IPoly]] = [[()] * len(order) for _ in order]
    rhs: list[list[up.IPoly]] = [[()] * width for _ in order]
    bound = 1
    for lam, row, (source, shift) in eqs:
        r = index[lam]
        gersh = Fraction(0)
        for target, (c0, c1) in row.items():
            matrix[r][index[target]] = up.itrim([_as_int(c0 * scale), _as_int(c1 * scale)])
            gersh += abs(c0)
        bound = max(bound, int(gersh) + 1)  # eigenvalues of C: |a| <= max row sum
        for e, x in enumerate(lower[source]):
            rhs[r][e + shift] = tuple(-half.numerator * c for c in x)
    # E q = (sol / det) * scale / (half.denominator * lower_den)
    sol, det = _bareiss_solve(matrix, rhs)
    values = {lam: [up.iscale(x, scale) for x in _mtrim(list(sol[index[lam]]))] for lam in order}
    den = up.iscale(up.imul(det, lower_den), half.denominator)
    det_roots, det_rest = _rational_roots(up.primitive(det), bound)
    roots = dict(lower_roots)
    for key, e in det_roots.items():
        roots[key] = roots.get(key, 0) + e
    rest = up.imul(lower_rest, det_rest)
    if len(rest) > 1:
        # det(C - a I) can have factors without rational roots (complex eigenvalues of C); in
        # practice they cancel entirely: try that first, else cancel by a gcd over Q
        gi = up.primitive(rest)
        try:
            values = {
                lam: [up.idiv_exact(x, gi) if x else () for x in p] for lam, p in values.items()
            }
            den, rest = up.idiv_exact(den, gi), (1,)
            g = up.ONE
        except ArithmeticError:
            g = up.monic(_frac(rest))
            for p in values.values():
                for x in p:
                    if x and len(g) > 1:
                        g = up.gcd(g, _frac(x))
        if len(g) > 1:
            gi = up.primitive(g)
            values = {
                lam: [up.idiv_exact(x, gi) if x else () for x in p] for lam, p in values.items()
            }
            den, rest = up.idiv_exact(den, gi), up.idiv_exact(rest, gi)
    values, den = _cancel(values, den, roots)
    # keep the multiplicities of the roots still in den (cancelled ones are gone from den)
    remaining = {}
    for (u, v), e in roots.items():
        left, probe = 0, den
        while left < e and len(probe) > 1 and _hom_eval(probe, u, v) == 0:
            probe = _div_linear_int(probe, u, v)
            left += 1
        if left:
            remaining[(u, v)] = left
    roots = remaining
    return values, den, roots, rest


def _inverse_power_moments(degree: int, beta: Fraction) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """``({lambda: N_lambda}, D)``: ``E q_lambda = N_lambda(m, a) / D(a)`` for ``|lambda| = degree``
    at ``Sigma = I``, ``q_r = tr S^{-r}``, ``a = beta(n - m + 1)/2 - 1``: integer polynomials,
    reduced (no common factor of ``D`` and all the ``N_lambda``)."""
    values, den, _, _ = _inverse_level(degree, beta)
    return values, den


def _cancel(
    values: dict[Partition, MPoly], den: up.IPoly, roots: dict[tuple[int, int], int]
) -> tuple[dict[Partition, MPoly], up.IPoly]:
    """Cancel the linear factors ``(v a - u)`` of ``roots`` common to ``den`` and every numerator
    (exact evaluation at ``u / v``), then the integer content; ``den`` gets a positive lead."""
    for (u, v), e in roots.items():
        while e and all(_hom_eval(x, u, v) == 0 for p in values.values() for x in p if x):
            values = {
                lam: [_div_linear_int(x, u, v) if x else () for x in p] for lam, p in values.items()
            }
            den = _div_linear_int(den, u, v)
            e -= 1
    g = _int_content(values, den)
    if den[-1] < 0:
        g = -g
    if g != 1:
        values = {lam: [tuple(c // g for c in x) for x in p] for lam, p in values.items()}
        den = tuple(c // g for c in den)
    return values, den
