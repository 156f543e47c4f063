"""Inverse moments for any ``Sigma``: ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``, and
the results as SymPy rational functions of ``n, m``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from math import gcd, lcm
from typing import TYPE_CHECKING, Any

from .. import _univariate as up
from ..zonal.basis import _boxes
from .basis import (
    Partition,
    _as_int,
    _basis,
    as_rational,
    check_parts,
    identity_scale,
)
from .inverse_at_identity import (
    MPoly,
    _cancel,
    _div_linear_int,
    _frac,
    _hom_eval,
    _inverse_level,
    _inverse_power_moments,
    _mtrim,
)

if TYPE_CHECKING:
    import sympy


def _divide_linear_m(p: MPoly, u: int, v: int) -> MPoly:
    """``p / (v m + u)`` in ``Z[a][m]`` (``gcd(u, v) = 1``, synthetic division in ``m``);
    ``ArithmeticError`` if not exact."""
    if not p:
        return []
    quot: MPoly = [()] * (len(p) - 1)
    carry: up.IPoly = ()  # q_e from the top: p_{e+1} = v q_e + u q_{e+1}
    for e in range(len(p) - 2, -1, -1):
        top = up.isub(p[e + 1], up.iscale(carry, u))
        carry = tuple(c // v for c in top)
        if any(c % v for c in top):
            raise ArithmeticError("E C_kappa(S^{-1}) is not divisible by C_kappa(I_m)")
        quot[e] = carry
    if up.isub(p[0], up.iscale(carry, u)):
        raise ArithmeticError("E C_kappa(S^{-1}) is not divisible by C_kappa(I_m)")
    return quot


def _add_scaled(acc: list[list[int]], c: int, poly: Sequence[Sequence[int]]) -> None:
    """``acc += c * poly`` in place, both integer polynomials in two variables (lists of rows)."""
    for e, x in enumerate(poly):
        while len(acc) <= e:
            acc.append([])
        row = acc[e]
        if len(row) < len(x):
            row.extend([0] * (len(x) - len(row)))
        for i, y in enumerate(x):
            row[i] += c * y


@cache
def _inverse_jack_factors(
    k: int, beta: Fraction
) -> tuple[dict[Partition, tuple[MPoly, Fraction]], up.IPoly]:
    """``({kappa: (Q_kappa, s_kappa)}, D)``: ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``
    with ``d_kappa = s_kappa Q_kappa(m, a) / D(a)``, ``Q_kappa`` integer, ``|kappa| = k``. The
    division of ``E C_kappa(S^{-1})`` by ``C_kappa(I_m)`` is exact (checked)."""
    alpha = 2 / beta
    basis = _basis(k, alpha)
    moments, den = _inverse_power_moments(k, beta)
    index = basis._index
    out = {}
    for kappa in basis.partitions:
        num, factor = basis._integer_rows[kappa]  # C_kappa = factor * sum num[lam] p_lam
        acc: list[list[int]] = []
        for lam in basis.partitions:
            c = num[index[lam]]
            if c:
                _add_scaled(acc, c, moments[lam])
        qk: MPoly = _mtrim([up.itrim(row) for row in acc])
        scalar = factor / identity_scale(kappa, alpha)
        for i, j, _, _ in _boxes(kappa):  # divide by m + alpha (j-1) - (i-1) = (v m + u) / v
            shift = alpha * (j - 1) - (i - 1)
            qk = _divide_linear_m(qk, shift.numerator, shift.denominator)
            scalar *= shift.denominator
        out[kappa] = (qk, scalar)
    return out, den


def inverse_terms_cov(parts: Iterable[int], beta: Any) -> dict[Partition, tuple[MPoly, up.IPoly]]:
    """``E prod_i tr(W^{-parts_i}) = sum_lam (N_lam / D_lam) q_lam(Sigma)`` as
    ``{lam: (N_lam, D_lam)}``: integer polynomials, ``N_lam`` in ``m`` over ``Z[a]`` (list of
    a-polynomials, ``m^0`` first), ``D_lam`` in ``a = beta(n - m + 1)/2 - 1``, reduced."""
    mu = check_parts(parts)
    beta_q = as_rational(beta, "beta")
    if not mu:
        return {(): ([(1,)], (1,))}
    alpha = 2 / beta_q
    k = sum(mu)
    basis = _basis(k, alpha)
    factors, den = _inverse_jack_factors(k, beta_q)
    roots = _inverse_level(k, beta_q)[2]
    weights: dict[Partition, list[tuple[Fraction, MPoly]]] = {}
    for kappa, a in basis.power_in_jack(mu).items():
        qk, scalar = factors[kappa]
        for lam, c in basis.jack_in_power(kappa).items():
            weights.setdefault(lam, []).append((a * c * scalar, qk))
    out = {}
    for lam in basis.partitions:
        if lam not in weights:
            continue
        common = lcm(*(w.denominator for w, _ in weights[lam]))
        acc: list[list[int]] = []
        for w, qk in weights[lam]:
            _add_scaled(acc, _as_int(w * common), qk)
        num = _mtrim([up.itrim(row) for row in acc])
        if num:
            values, d = _cancel({lam: num}, up.iscale(den, common), roots)
            out[lam] = (values[lam], d)
    return out


def inverse_moment_exists(total: int, n: Any, m: Any, beta: Any) -> bool:
    """Whether ``E prod tr(W^{-parts})`` with ``sum(parts) = total`` is finite:
    ``beta (n - m + 1) / 2 > total``."""
    return as_rational(beta, "beta") * (Fraction(n) - Fraction(m) + 1) / 2 > total


def _sympy_rational(c: Fraction) -> sympy.Rational:
    import sympy

    return sympy.Rational(c.numerator, c.denominator)


def _nm_numerator(num: MPoly, beta: Fraction) -> dict[tuple[int, int], Fraction]:
    """``N(m, a)`` at ``a = b n - b m + (b - 1)``, ``b = beta/2``, as ``{(i, j): c of n^i m^j}``."""
    b = beta / 2
    powers: list[dict[tuple[int, int], Fraction]] = [{(0, 0): Fraction(1)}]
    top = max((len(x) for x in num), default=0)
    for _ in range(1, top):
        last, nxt = powers[-1], {}
        for (i, j), c in last.items():
            for key, f in (((i + 1, j), b), ((i, j + 1), -b), ((i, j), b - 1)):
                if f:
                    nxt[key] = nxt.get(key, Fraction(0)) + c * f
        powers.append(nxt)
    out: dict[tuple[int, int], Fraction] = {}
    for e, x in enumerate(num):
        for i, c in enumerate(x):
            if c:
                for (pn, pm), d in powers[i].items():
                    key = (pn, pm + e)
                    out[key] = out.get(key, Fraction(0)) + c * d
    return {key: c for key, c in out.items() if c}


def _to_sympy(
    num: MPoly, den: up.IPoly, beta: Fraction, roots: dict[tuple[int, int], int]
) -> sympy.Expr:
    """``N(m, a) / D(a)`` at ``a = beta(n - m + 1)/2 - 1``: expanded numerator in ``n, m``,
    denominator as a product of powers of primitive integer polynomials in ``n - m`` (the linear
    factors ``v a - u`` of ``roots`` by trial division; anything left is factored by SymPy)."""
    import sympy

    from ...symbolic import m, n

    coefs = _nm_numerator(num, beta)
    scale_num = Fraction(
        gcd(*(c.numerator for c in coefs.values())), lcm(*(c.denominator for c in coefs.values()))
    )
    numer = sympy.Poly.from_dict(
        {key: int(c / scale_num) for key, c in coefs.items()}, n, m, domain="ZZ"
    ).as_expr()
    rest = tuple(den)
    pieces: list[tuple[up.Poly, int]] = []
    for u, v in sorted(roots):
        e = 0
        while len(rest) > 1 and _hom_eval(rest, u, v) == 0:
            rest, e = _div_linear_int(rest, u, v), e + 1
        if e:
            pieces.append(((Fraction(-u), Fraction(v)), e))
    restf = _frac(rest)
    if len(restf) > 1:  # not covered by the known linear factors (not expected)
        for f in _irreducible_factors(rest):
            e = 0
            while len(restf) > 1:
                quot, rem = up.divmod_poly(restf, f)
                if rem:
                    break
                restf, e = quot, e + 1
            if e:
                pieces.append((f, e))
    rest = restf
    # each factor as a primitive integer polynomial in d = n - m (a = b d + b - 1, b = beta/2)
    b = beta / 2
    shift = up.trim([b - 1, b])
    const = rest[0] / scale_num
    denom = []
    for f, e in pieces:
        in_d: up.Poly = up.ZERO
        for c in reversed(f):  # Horner in a = shift(d)
            in_d = up.add(up.mul(in_d, shift), up.trim([c]))
        prim = up.primitive(in_d)
        const *= (in_d[-1] / prim[-1]) ** e
        denom.append(sympy.Add(*(sympy.Integer(c) * (n - m) ** i for i, c in enumerate(prim))) ** e)
    return numer / (_sympy_rational(const) * sympy.Mul(*denom))


@cache
def _irreducible_factors(den: up.IPoly | up.Poly) -> tuple[up.Poly, ...]:
    """The irreducible factors over Q of ``den`` (SymPy's univariate factorisation), each made
    primitive with positive leading coefficient."""
    import sympy

    t = sympy.Symbol("a")
    poly = sympy.Poly([_sympy_rational(Fraction(c)) for c in reversed(den)], t, domain="QQ")
    out = []
    for f, _ in poly.factor_list()[1]:
        coefs = [Fraction(int(x.p), int(x.q)) for x in reversed(f.all_coeffs())]
        out.append(_frac(up.primitive(coefs)))
    return tuple(out)


def inverse_moment_cov(parts: Iterable[int], beta: Any) -> sympy.Expr:
    """``E prod_i tr(W^{-parts_i})`` as a SymPy expression in ``n, m, q1, q2, ...``
    (``q_j = tr Sigma^{-j}``), through ``E C_kappa(W^{-1}) = d_kappa C_kappa(Sigma^{-1})``.

    Finite iff ``beta (n - m + 1) / 2 > sum(parts)`` (see :func:`inverse_moment_exists`).
    """
    import sympy

    beta_q = as_rational(beta, "beta")
    k = sum(check_parts(parts))
    terms = inverse_terms_cov(parts, beta_q)
    roots = _inverse_level(k, beta_q)[2] if k else {}
    q = {j: sympy.Symbol(f"q{j}") for lam in terms for j in lam}
    return sympy.Add(
        *(
            _to_sympy(num, den, beta_q, roots) * sympy.Mul(*(q[j] for j in lam))
            for lam, (num, den) in sorted(terms.items())
        )
    )


def inverse_moment(parts: Iterable[int], beta: Any) -> sympy.Expr:
    """``E prod_i tr(S^{-parts_i})`` at ``Sigma = I``, a rational function of ``n, m``, directly
    from the loop equations."""
    import sympy

    mu = check_parts(parts)
    beta_q = as_rational(beta, "beta")
    if not mu:
        return sympy.Integer(1)
    values, den, roots, _ = _inverse_level(sum(mu), beta_q)
    reduced, d = _cancel({mu: values[mu]}, den, roots)
    return _to_sympy(reduced[mu], d, beta_q, roots)
