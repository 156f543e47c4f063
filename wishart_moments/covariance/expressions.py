"""The engines' exact terms as SymPy expressions, the monomials assembled in canonical order
(:mod:`wishart_moments.canonical`): the same objects plain SymPy arithmetic builds, faster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from math import comb, lcm
from typing import Any

import sympy

from ..canonical import MonomialSum, distinct_sum, number, times_factors
from ..engines.stein import RationalTerms
from ..symbolic import m as m_symbol
from ..symbolic import n as n_symbol


def _powers(base: sympy.Symbol) -> Callable[[int], sympy.Expr]:
    cache: dict[int, sympy.Expr] = {1: base}

    def power(k: int) -> sympy.Expr:
        if k not in cache:
            cache[k] = sympy.Pow(base, sympy.Integer(k), evaluate=False)  # as base**k
        return cache[k]

    return power


def _trace_factors(symbol: Callable[[int], sympy.Symbol], lam: tuple[int, ...]) -> list[sympy.Expr]:
    """``prod_{parts j} symbol(j)`` as a list of powers of distinct symbols."""
    return [
        sympy.Pow(symbol(j), sympy.Integer(lam.count(j)), evaluate=False)  # as symbol(j)**count
        if lam.count(j) > 1
        else symbol(j)
        for j in set(lam)
    ]


def polynomial_expr(terms: dict, symbol: Callable[[int], sympy.Symbol]) -> sympy.Expr:
    """``sum c n^e p_lam`` from ``{(e, lam): c}`` with ``symbol(j)`` for the power sums."""
    n_power = _powers(n_symbol)

    def factors(key: tuple[int, tuple[int, ...]]) -> list[sympy.Expr]:
        e, lam = key
        return ([n_power(e)] if e else []) + _trace_factors(symbol, lam)

    return MonomialSum(factors)(terms)


@cache
def _binomials(i: int) -> tuple[int, ...]:
    """The coefficients of ``(n - m)^i`` on ``n^a m^(i-a)``, ``a = 0..i``."""
    return tuple(comb(i, a) * (-1 if (i - a) % 2 else 1) for a in range(i + 1))


def rational_exprs(
    rt: RationalTerms, groups: Iterable[Iterable[Any]], symbol: Callable[[int], sympy.Symbol]
) -> list[sympy.Expr]:
    """For each group of keys ``(lam, a)``: ``sum_key numerator_key(n - m) q_lam / D(n - m)``,
    each numerator expanded in ``n`` and ``m`` (``D`` the common denominator of ``rt``); the
    same expression as ``Add(*(expand(N(n - m)) * q_lam)) / D(n - m)``."""
    n_power, m_power = _powers(n_symbol), _powers(m_symbol)
    expanded = MonomialSum(
        lambda ab: ([n_power(ab[0])] if ab[0] else []) + ([m_power(ab[1])] if ab[1] else [])
    )
    bases = [expanded({(1, 0): 1, (0, 1): -1, **({(0, 0): -c} if c else {})}) for c, _ in rt.roots]
    poles = [sympy.Pow(base, -k) for base, (_, k) in zip(bases, rt.roots, strict=True)]
    out = []
    for keys in groups:
        num = []
        for key in keys:
            poly = rt.numerators[key]
            common = lcm(*(c.denominator for c in poly))
            coefs = {}
            for i, c in enumerate(poly):
                if c:
                    c_int = c.numerator * (common // c.denominator)
                    for a, b in enumerate(_binomials(i)):  # (n - m)^i = sum_a b n^a m^(i-a)
                        coefs[(a, i - a)] = c_int * b
            num.append(times_factors(expanded.build(coefs, common), _trace_factors(symbol, key[0])))
        total = distinct_sum(num)
        factors = total[1].args if total[1].is_Mul else (total[1],)
        if len(rt.rest) > 1 or any(f in bases for f in factors):
            # SymPy divides: a factor without rational roots, or one that cancels (in the
            # coefficient of one power of Sigma^-1 the common denominator need not be reduced)
            u = n_symbol - m_symbol
            den = sympy.Mul(*((u - number(c)) ** k for c, k in rt.roots))
            den *= sympy.Add(*(number(c) * u**i for i, c in enumerate(rt.rest)))
            out.append(total[1] / den)
        else:  # times (n - m - c)^(-k) for each pole: no base in common, only ordered in
            out.append(times_factors(total, poles)[1])
    return out
