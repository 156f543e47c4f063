"""SymPy sums of many distinct monomials, assembled in SymPy's canonical order without flattening.

``Add(*terms)`` and ``Mul(*factors)`` sort their arguments with ``Basic.compare`` (a comparison
function: thousands of Python-level calls for a large sum) and query the assumptions of the
factors. For a sum of terms known to be distinct monomials that work is wasted: here each term is
built once with ``Mul._from_args`` and the terms are sorted with :func:`sort_key`, a tuple that
orders exactly as ``Basic.compare`` does: the class's rank in ``ordering_of_classes`` (then its
name, for a class not listed), the length of the hashable content, then its items in turn
(a rational number ``p/q`` is ``(rank, p, q)``). The results are the very objects that ``Add``
and ``Mul`` build (``==`` and ``hash`` agree); the tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from math import gcd
from typing import Any

import sympy
from sympy.core.basic import ordering_of_classes

__all__ = ["MonomialSum", "distinct_sum", "number", "sort_key", "times_factors"]

_RANK = {name: i for i, name in enumerate(ordering_of_classes)}
_UNKNOWN = len(ordering_of_classes) + 1
_RAW = _UNKNOWN + 1  # items that are not SymPy objects sort after those that are
_MUL = _RANK["Mul"]
_ADD = _RANK["Add"]
_INTEGER_RANKS = {0: _RANK["Zero"], 1: _RANK["One"], -1: _RANK["NegativeOne"]}
_SYMBOL_KEYS: dict[sympy.Basic, tuple] = {}

Keyed = tuple[tuple, sympy.Expr]


def _uncached(cls: type) -> Callable[..., sympy.Expr]:
    """``cls(*args)`` without SymPy's cache of constructor calls (a third of the cost of a new
    number; the objects are equal to the cached ones), where the constructor exposes it."""
    raw = getattr(cls.__new__, "__wrapped__", None)
    return cls if raw is None else lambda *args: raw(cls, *args)


_INTEGER = _uncached(sympy.Integer)
_RATIONAL = _uncached(sympy.Rational)


def _number_key(p: int, q: int) -> tuple:
    """:func:`sort_key` of ``Rational(p, q)`` (its singleton classes included)."""
    if q == 1:
        return (_INTEGER_RANKS.get(p, _RANK["Integer"]), p, 1)
    return (_RANK["Half"] if (p, q) == (1, 2) else _RANK["Rational"], p, q)


def sort_key(expr: sympy.Basic) -> tuple:
    """A key that sorts SymPy objects as ``Basic.compare`` does (``TypeError`` for a frozenset in
    the hashable content, which it does not cover)."""
    if expr.is_Rational:
        return _number_key(int(expr.p), int(expr.q))
    if expr.is_Symbol:
        found = _SYMBOL_KEYS.get(expr)
        if found is None:
            found = _SYMBOL_KEYS[expr] = _content_key(expr)
        return found
    return _content_key(expr)


def _content_key(expr: sympy.Basic) -> tuple:
    name = type(expr).__name__
    rank = _RANK.get(name, _UNKNOWN)
    content = expr._hashable_content()
    items = []
    for item in content:
        if isinstance(item, sympy.Basic):
            items.append(sort_key(item))
        elif isinstance(item, frozenset):
            raise TypeError("frozenset contents are not covered")
        else:
            items.append((_RAW, item))
    head = (rank, len(content)) if rank != _UNKNOWN else (rank, name, len(content))
    return (*head, *items)


def number(c: int | Fraction) -> sympy.Rational:
    """``c`` as a SymPy ``Integer`` / ``Rational``."""
    if isinstance(c, int) or c.denominator == 1:
        return sympy.Integer(int(c))
    return sympy.Rational(c.numerator, c.denominator)


class MonomialSum:
    """Builds ``sum_key c * prod(factors(key))`` for distinct monomials ``key`` and nonzero ``c``.

    ``factors(key)`` lists the non-numeric factors of one monomial (powers of distinct symbols;
    none for the constant term). The sorted factors of each monomial are cached, so one builder
    serves many sums over the same monomials. :meth:`build` also returns the :func:`sort_key`.
    """

    def __init__(self, factors: Callable[[Any], Iterable[sympy.Expr]]) -> None:
        self._factors = factors
        self._cache: dict[Any, tuple[tuple, tuple]] = {}

    def _sorted_factors(self, mono: Any) -> tuple[tuple, tuple]:
        pairs = sorted(((sort_key(f), f) for f in self._factors(mono)), key=lambda t: t[0])
        found = self._cache[mono] = (tuple(f for _, f in pairs), tuple(k for k, _ in pairs))
        return found

    def build(self, terms: Mapping[Any, int | Fraction], denominator: int = 1) -> Keyed:
        """``(sort_key(expr), expr)`` of the sum, every coefficient divided by ``denominator``."""
        out = []
        cache = self._cache
        integer, rational, from_args = _INTEGER, _RATIONAL, sympy.Mul._from_args
        ranks, integer_rank = _INTEGER_RANKS, _RANK["Integer"]
        for mono, c in terms.items():
            found = cache.get(mono)
            args, keys = found if found is not None else self._sorted_factors(mono)
            if isinstance(c, int):
                p, q = c, denominator
                if q != 1:
                    g = gcd(p, q)
                    p, q = p // g, q // g
            else:
                p, q = c.numerator, c.denominator * denominator
            if p == 1 and q == 1 and args:
                if len(args) == 1:
                    out.append((keys[0], args[0]))
                else:
                    out.append(((_MUL, len(args), *keys), from_args(args, True)))
                continue
            if q == 1:
                coeff, number_key = integer(p), (ranks.get(p, integer_rank), p, 1)
            else:
                coeff, number_key = rational(p, q), _number_key(p, q)
            if not args:
                out.append((number_key, coeff))
                continue
            out.append(((_MUL, len(args) + 1, number_key, *keys), from_args((coeff, *args), True)))
        return _sum(out)

    def __call__(self, terms: Mapping[Any, int | Fraction]) -> sympy.Expr:
        return self.build(terms)[1]


def _sum(out: list[Keyed]) -> Keyed:
    if not out:
        return _number_key(0, 1), sympy.Integer(0)
    if len(out) == 1:
        return out[0]
    out.sort(key=lambda t: t[0])
    return (_ADD, len(out), *(k for k, _ in out)), sympy.Add._from_args([t for _, t in out], True)


def times_factors(coefficient: Keyed, factors: Iterable[sympy.Expr]) -> Keyed:
    """``coefficient * prod(factors)`` as ``Mul`` builds it, for ``factors`` (powers, not
    numbers) whose bases are distinct and absent from ``coefficient`` (a :meth:`MonomialSum.build`
    or :func:`distinct_sum` result): nothing to merge, only to order."""
    key_c, expr = coefficient
    pairs = [(sort_key(f), f) for f in factors]
    if not pairs:
        return coefficient
    lead: list[Keyed] = []
    if expr.is_Number:
        if expr != 1:
            lead = [(key_c, expr)]
    elif expr.is_Mul:
        items = list(zip(key_c[2:], expr.args, strict=True))
        if expr.args[0].is_Number:
            lead, items = items[:1], items[1:]
        pairs += items
    else:
        pairs.append((key_c, expr))
    pairs.sort(key=lambda t: t[0])
    pairs = lead + pairs
    if len(pairs) == 1:
        return pairs[0]
    return (_MUL, len(pairs), *(k for k, _ in pairs)), sympy.Mul._from_args(
        [a for _, a in pairs], True
    )


def distinct_sum(terms: list[Keyed]) -> Keyed:
    """``Add`` of terms whose non-numeric parts are distinct: a term that is itself a sum (a
    :meth:`MonomialSum.build` result) contributes its terms, as ``Add`` would splice them in;
    ``Add`` itself when two numbers would have to be added."""
    flat: list[Keyed] = []
    for key, expr in terms:
        if expr.is_Add:
            flat.extend(zip(key[2:], expr.args, strict=True))
        else:
            flat.append((key, expr))
    if sum(1 for _, expr in flat if expr.is_Number) > 1:
        total = sympy.Add(*(expr for _, expr in terms))
        return sort_key(total), total
    return _sum(flat)
