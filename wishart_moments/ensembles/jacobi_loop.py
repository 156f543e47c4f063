"""Loop equations of the Jacobi (MANOVA) beta-ensemble, exact: per degree a linear system.

Density ``prop. prod x_i^a (1 - x_i)^b |Delta(x)|^beta`` on ``[0, 1]^m``. With ``p_r = sum x_i^r``
(``p_0 = m``), ``f = prod_j p_{nu_j}`` and ``s >= 1``, integrating
``sum_i d/dx_i [x_i^s (1 - x_i) f density]`` to zero (the factor ``x (1 - x)`` kills the boundary
terms when ``a, b > -1``) gives

    (U - (s+1)(beta/2 - 1)) E[p_s f] + beta/2 sum_{r=1}^{s-1} E[p_r p_{s-r} f]
        + sum_j nu_j E[p_{s+nu_j} f / p_{nu_j}] = L_s(f),        U = a + b + beta m,

    L_1(f) = ((1 + a - beta/2) m + beta/2 m^2 + |nu|) E[f],
    L_s(f) = (s (1 - beta/2) + a + beta m) E[p_{s-1} f] + beta/2 sum_{r=1}^{s-2} E[p_r p_{s-1-r} f]
             + sum_j nu_j E[p_{s-1+nu_j} f / p_{nu_j}]          (s >= 2).

(The Vandermonde term gives ``beta/2 sum_r (p_r p_{s-r} - p_r p_{s+1-r})`` over the two
powers of ``x^s - x^{s+1}``, the weight ``a (p_{s-1} - p_s) - b p_s``, the derivative
``s p_{s-1} - (s+1) p_s``.) Written for every partition ``lambda = (s, nu)`` of ``d`` (``s`` its
smallest part) the left sides form ``(U I - C) X_d``, ``C`` a constant matrix, and the right
sides involve degree ``d - 1`` only: each degree is one linear solve. Hence the moments are
polynomials in ``a`` and ``m`` over ``Q(U)``, and ``U = beta (n1 + n2)/2 + beta - 2`` depends on
``n1 + n2`` alone.

* Exact numbers: Gaussian elimination over ``Q`` per degree (:func:`loop_moment_at`).
* Symbolic ``n1, n2`` (and ``m``): fraction-free (Bareiss) elimination over ``Z[U]`` with the
  monomials ``a^i m^j`` as right-hand columns, each degree over one denominator whose linear
  factors (at the rational eigenvalues of ``C``) are cancelled where every numerator vanishes
  (:func:`loop_moment`).

Check: ``m = 1`` gives the Beta moments ``E x^k = prod_{i<k} (a + 1 + i)/(a + b + 2 + i)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from math import gcd

from ..engines import _univariate as up
from ..engines._parts import partitions_of
from ..engines.jack.inverse_at_identity import (
    _bareiss_solve,
    _div_linear_int,
    _hom_eval,
    _rational_roots,
)
from ._rational import RationalTerms

Partition = tuple[int, ...]  # nonincreasing positive parts
AM = tuple[int, int]  # (power of a, power of m)
Row = tuple[dict[Partition, tuple[int, int]], list[tuple[dict[AM, int], Partition, int]]]


def _insert(nu: Partition, *new: int) -> Partition:
    return tuple(sorted((*nu, *new), reverse=True))


def _merges(nu: Partition, shift: int) -> Iterator[tuple[int, Partition]]:
    """``(nu_j * multiplicity, nu with one nu_j replaced by nu_j + shift)`` per distinct part."""
    for q in sorted(set(nu), reverse=True):
        rest = list(nu)
        rest.remove(q)
        yield q * nu.count(q), _insert(tuple(rest), q + shift)


@cache
def _equations(d: int, num: int, den: int) -> tuple[tuple[Partition, Row], ...]:
    """The loop equations of degree ``d`` at ``beta = num/den``, each times ``2 den``:
    ``(lambda, (top, lower))`` with ``top = {target: (c0, c1)}`` meaning the left side
    ``sum (c0 + c1 U) E p_target`` and ``lower = [(coefficient in a, m), source, m_power]``
    meaning the right side ``sum coefficient * m^m_power * E p_source``."""
    two = 2 * den
    out = []
    for lam in partitions_of(d):
        s = lam[-1]
        nu = lam[:-1]
        top: dict[Partition, list[int]] = {lam: [(s + 1) * (two - num), two]}
        for r in range(1, s):
            target = _insert(nu, r, s - r)
            top.setdefault(target, [0, 0])[0] += num
        for c, target in _merges(nu, s):
            top.setdefault(target, [0, 0])[0] += two * c
        lower: list[tuple[dict[AM, int], Partition, int]] = []
        if s == 1:
            # ((1 + a - beta/2) m + beta/2 m^2 + |nu|) E[f]
            coef = {(0, 1): two - num, (1, 1): two, (0, 2): num, (0, 0): two * sum(nu)}
            lower.append(({k: v for k, v in coef.items() if v}, nu, 0))
        else:
            coef = {(0, 0): s * (two - num), (1, 0): two, (0, 1): 2 * num}
            lower.append(({k: v for k, v in coef.items() if v}, _insert(nu, s - 1), 0))
            for r in range(1, s - 1):
                lower.append(({(0, 0): num}, _insert(nu, r, s - 1 - r), 0))
            for c, source in _merges(nu, s - 1):
                lower.append(({(0, 0): two * c}, source, 0))
        out.append((lam, ({t: (c[0], c[1]) for t, c in top.items()}, lower)))
    return tuple(out)


def _beta_pair(beta: Fraction) -> tuple[int, int]:
    return beta.numerator, beta.denominator


# ---------------------------------------------------------------------------------------------
# Exact numbers


def _solve_q(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Gaussian elimination over Q; ``ZeroDivisionError`` if singular."""
    size = len(rhs)
    a = [[*row, rhs[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = next((r for r in range(col, size) if a[r][col]), None)
        if pivot is None:
            raise ZeroDivisionError("singular loop equations")
        a[col], a[pivot] = a[pivot], a[col]
        inv = 1 / a[col][col]
        prow = [x * inv for x in a[col]]
        a[col] = prow
        for r in range(size):
            f = a[r][col]
            if r != col and f:
                a[r] = [x - f * y for x, y in zip(a[r], prow, strict=True)]
    return [a[r][size] for r in range(size)]


@cache
def _values_at(
    d: int, num: int, den: int, m: int, a: Fraction, b: Fraction
) -> dict[Partition, Fraction]:
    """``{lambda: E p_lambda}`` for every partition of ``d`` at exact ``m``, ``a``, ``b``."""
    if d == 0:
        return {(): Fraction(1)}
    lower = _values_at(d - 1, num, den, m, a, b)
    U = a + b + Fraction(num, den) * m
    eqs = _equations(d, num, den)
    index = {lam: r for r, (lam, _) in enumerate(eqs)}
    matrix = [[Fraction(0)] * len(eqs) for _ in eqs]
    rhs = []
    for r, (_, (top, low)) in enumerate(eqs):
        for target, (c0, c1) in top.items():
            matrix[r][index[target]] = c0 + c1 * U
        total = Fraction(0)
        for coef, source, _ in low:
            c = sum((v * a**i * m**j for (i, j), v in coef.items()), Fraction(0))
            total += c * lower[source]
        rhs.append(total)
    solution = _solve_q(matrix, rhs)
    return {lam: solution[index[lam]] for lam, _ in eqs}


def loop_moment_at(mu: Partition, beta: Fraction, m: int, a: Fraction, b: Fraction) -> Fraction:
    """``E p_mu`` (``mu`` nonincreasing, positive parts) at exact ``m``, ``a``, ``b``;
    ``ZeroDivisionError`` where the system is singular (``U`` at an eigenvalue)."""
    num, den = _beta_pair(beta)
    return _values_at(sum(mu), num, den, m, Fraction(a), Fraction(b))[tuple(mu)]


# ---------------------------------------------------------------------------------------------
# Symbolic: polynomials in a and m over Q(U)

Value = dict[AM, up.IPoly]  # numerator: a^i m^j -> integer polynomial in U


def _iadd(p: up.IPoly, q: up.IPoly) -> up.IPoly:
    return up.isub(p, up.iscale(q, -1))


def _content(values: dict[Partition, Value], den: up.IPoly) -> int:
    g = 0
    for c in den:
        g = gcd(g, c)
    for value in values.values():
        for p in value.values():
            for c in p:
                g = gcd(g, c)
                if g == 1:
                    return 1
    return g or 1


@cache
def _level(
    d: int, num: int, den: int, m: int | None
) -> tuple[dict[Partition, Value], up.IPoly, tuple[tuple[tuple[int, int], int], ...]]:
    """``(N, D, roots)``: ``E p_lambda = N_lambda(U; a, m) / D(U)`` for every ``lambda`` of ``d``
    (``m`` substituted when it is an integer), reduced at the rational ``roots = ((u, v), e)`` of
    ``D`` (factors ``(v U - u)^e``)."""
    if d == 0:
        return {(): {(0, 0): (1,)}}, (1,), ()
    lower, lower_den, lower_roots = _level(d - 1, num, den, m)
    eqs = _equations(d, num, den)
    index = {lam: r for r, (lam, _) in enumerate(eqs)}
    size = len(eqs)
    matrix: list[list[up.IPoly]] = [[()] * size for _ in range(size)]
    columns: dict[AM, int] = {}
    rhs_rows: list[Value] = []
    bound = 1
    for r, (_, (top, low)) in enumerate(eqs):
        gersh = 0
        for target, (c0, c1) in top.items():
            matrix[r][index[target]] = up.itrim([c0, c1])
            gersh += abs(c0)
        bound = max(bound, gersh // (2 * den) + 1)  # |eigenvalue of C / (2 den)|
        acc: Value = {}
        for coef, source, _ in low:
            for (i, j), c in coef.items():
                if m is not None:
                    c, j = c * m**j, 0
                for (i2, j2), p in lower[source].items():
                    key = (i + i2, j + j2)
                    acc[key] = _iadd(acc.get(key, ()), up.iscale(p, c))
        acc = {key: p for key, p in acc.items() if p}
        for key in acc:
            columns.setdefault(key, len(columns))
        rhs_rows.append(acc)
    keys = list(columns)
    rhs = [[row.get(key, ()) for key in keys] for row in rhs_rows]
    sol, det = _bareiss_solve(matrix, rhs)
    values = {
        lam: {key: sol[index[lam]][c] for c, key in enumerate(keys) if sol[index[lam]][c]}
        for lam, _ in eqs
    }
    total_den = up.imul(det, lower_den)
    det_roots, _ = _rational_roots(up.primitive(det), bound)
    roots = dict(lower_roots)
    for key, e in det_roots.items():
        roots[key] = roots.get(key, 0) + e
    kept = {}
    for (u, v), e in roots.items():
        while e and all(_hom_eval(p, u, v) == 0 for val in values.values() for p in val.values()):
            values = {
                lam: {key: _div_linear_int(p, u, v) for key, p in val.items()}
                for lam, val in values.items()
            }
            total_den = _div_linear_int(total_den, u, v)
            e -= 1
        if e:
            kept[(u, v)] = e
    g = _content(values, total_den)
    if total_den[-1] < 0:
        g = -g
    if g != 1:
        values = {
            lam: {key: tuple(c // g for c in p) for key, p in val.items()}
            for lam, val in values.items()
        }
        total_den = tuple(c // g for c in total_den)
    return values, total_den, tuple(sorted(kept.items()))


def _compose(p: up.IPoly | up.Poly, c1: Fraction, c0: Fraction) -> up.Poly:
    """``p(c1 s + c0)`` as a polynomial in ``s``."""
    out: up.Poly = up.ZERO
    for c in reversed(p):
        out = up.add(up.mul(out, (c0, c1)), (Fraction(c),))
    return out


def _a_powers(beta: Fraction, top: int) -> list[dict[tuple[int, int], Fraction]]:
    """``a^i`` as ``{(power of m, power of n1): c}``, ``a = beta (n1 - m + 1)/2 - 1``."""
    h = beta / 2
    linear = {(0, 1): h, (1, 0): -h, (0, 0): h - 1}
    out = [{(0, 0): Fraction(1)}]
    for _ in range(top):
        nxt: dict[tuple[int, int], Fraction] = {}
        for (i, j), c in out[-1].items():
            for (di, dj), x in linear.items():
                key = (i + di, j + dj)
                nxt[key] = nxt.get(key, Fraction(0)) + c * x
        out.append({k: c for k, c in nxt.items() if c})
    return out


def loop_moment(mu: Partition, beta: Fraction, m: int | None = None) -> RationalTerms:
    """``E p_mu`` as :class:`RationalTerms` (polynomial in ``m``, ``n1`` over ``Q(n1 + n2)``),
    from the symbolic loop equations; an integer ``m`` is substituted from the start."""
    if not mu:
        return RationalTerms({(0, 0): up.ONE})
    num, den = _beta_pair(beta)
    values, denominator, _ = _level(sum(mu), num, den, m)
    value = values[mu]
    # U = beta s/2 + beta - 2,  a = beta (n1 - m + 1)/2 - 1
    c1, c0 = beta / 2, beta - 2
    a_pow = _a_powers(beta, max((i for i, _ in value), default=0))
    out: dict[tuple[int, int], up.Poly] = {}
    for (i, j), p in value.items():
        composed = _compose(p, c1, c0)
        for (mi, nj), c in a_pow[i].items():
            key = (mi + j, nj)
            out[key] = up.add(out.get(key, up.ZERO), up.scale(composed, c))
    if m is not None:
        folded: dict[tuple[int, int], up.Poly] = {}
        for (mi, nj), p in out.items():
            folded[(0, nj)] = up.add(folded.get((0, nj), up.ZERO), up.scale(p, Fraction(m) ** mi))
        out = folded
    return RationalTerms(out, _compose(denominator, c1, c0))
