"""Exact univariate polynomials and rational functions over Q (``fractions.Fraction``).

A polynomial is a tuple of ``Fraction`` coefficients, constant first, without trailing zeros (the
zero polynomial is ``()``). :class:`RatFun` is a reduced quotient ``num / den`` with ``den`` monic.
Integer polynomials (``IPoly``, tuples of ints) serve the fraction-free elimination of the
inverse-moment loop equations in :mod:`wishart_moments.engines.jack`, whose linear systems have
coefficients affine in one variable; ``RatFun`` and :func:`solve` serve its slow reference.
Kept tiny and dependency-free on purpose.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd as _gcd
from math import lcm as _lcm

Poly = tuple[Fraction, ...]

ZERO: Poly = ()
ONE: Poly = (Fraction(1),)


def trim(coefs: list[Fraction] | tuple[Fraction, ...]) -> Poly:
    """``coefs`` without trailing zeros, as a tuple of Fractions."""
    out = list(coefs)
    while out and not out[-1]:
        out.pop()
    return tuple(Fraction(c) for c in out)


def add(p: Poly, q: Poly) -> Poly:
    if len(p) < len(q):
        p, q = q, p
    return trim([c + (q[i] if i < len(q) else 0) for i, c in enumerate(p)])


def neg(p: Poly) -> Poly:
    return tuple(-c for c in p)


def sub(p: Poly, q: Poly) -> Poly:
    return add(p, neg(q))


def scale(p: Poly, c: Fraction) -> Poly:
    return trim([c * x for x in p]) if c else ZERO


def mul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return ZERO
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        if x:
            for j, y in enumerate(q):
                out[i + j] += x * y
    return trim(out)


def divmod_poly(p: Poly, q: Poly) -> tuple[Poly, Poly]:
    """``(quotient, remainder)`` of ``p / q`` (``q`` nonzero)."""
    if not q:
        raise ZeroDivisionError("division by the zero polynomial")
    rem = list(p)
    lead = q[-1]
    quot = [Fraction(0)] * max(len(p) - len(q) + 1, 0)
    for shift in range(len(p) - len(q), -1, -1):
        c = rem[shift + len(q) - 1] / lead
        if c:
            quot[shift] = c
            for i, y in enumerate(q):
                rem[shift + i] -= c * y
    return trim(quot), trim(rem[: len(q) - 1])


def monic(p: Poly) -> Poly:
    return scale(p, 1 / p[-1]) if p else ZERO


def gcd(p: Poly, q: Poly) -> Poly:
    """Monic greatest common divisor (Euclid)."""
    while q:
        p, q = q, divmod_poly(p, q)[1]
    return monic(p)


def evaluate(p: Poly, x: Fraction) -> Fraction:
    out = Fraction(0)
    for c in reversed(p):
        out = out * x + c
    return out


class RatFun:
    """A reduced rational function ``num / den`` in one variable, ``den`` monic."""

    __slots__ = ("den", "num")

    def __init__(self, num: Poly, den: Poly = ONE, *, reduced: bool = False) -> None:
        if not den:
            raise ZeroDivisionError("rational function with zero denominator")
        if not num:
            self.num, self.den = ZERO, ONE
            return
        if not reduced and len(den) > 1:
            g = gcd(num, den)
            if len(g) > 1:
                num, den = divmod_poly(num, g)[0], divmod_poly(den, g)[0]
        lead = den[-1]
        if lead != 1:
            num, den = scale(num, 1 / lead), scale(den, 1 / lead)
        self.num, self.den = num, den

    @classmethod
    def constant(cls, c: Fraction | int) -> RatFun:
        return cls(trim([Fraction(c)]), ONE, reduced=True)

    def __bool__(self) -> bool:
        return bool(self.num)

    def __add__(self, other: RatFun) -> RatFun:
        if not other.num:
            return self
        if not self.num:
            return other
        if self.den == other.den:
            return RatFun(add(self.num, other.num), self.den)
        g = gcd(self.den, other.den)
        a, b = divmod_poly(self.den, g)[0], divmod_poly(other.den, g)[0]
        return RatFun(add(mul(self.num, b), mul(other.num, a)), mul(a, other.den))

    def __neg__(self) -> RatFun:
        return RatFun(neg(self.num), self.den, reduced=True)

    def __sub__(self, other: RatFun) -> RatFun:
        return self + (-other)

    def __mul__(self, other: RatFun) -> RatFun:
        if not self.num or not other.num:
            return RatFun(ZERO)
        g1, g2 = gcd(self.num, other.den), gcd(other.num, self.den)
        n1, d2 = divmod_poly(self.num, g1)[0], divmod_poly(other.den, g1)[0]
        n2, d1 = divmod_poly(other.num, g2)[0], divmod_poly(self.den, g2)[0]
        return RatFun(mul(n1, n2), mul(d1, d2), reduced=True)

    def scaled(self, c: Fraction) -> RatFun:
        return RatFun(scale(self.num, Fraction(c)), self.den, reduced=True)

    def __truediv__(self, other: RatFun) -> RatFun:
        if not other.num:
            raise ZeroDivisionError("division by the zero rational function")
        return self * RatFun(other.den, other.num)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RatFun) and self.num == other.num and self.den == other.den

    def __hash__(self) -> int:
        return hash((self.num, self.den))

    def __call__(self, x: Fraction) -> Fraction:
        return evaluate(self.num, x) / evaluate(self.den, x)

    def __repr__(self) -> str:
        return f"RatFun({self.num!r}, {self.den!r})"


def solve(matrix: list[list[RatFun]], rhs: list[list[RatFun]]) -> list[list[RatFun]]:
    """Solve ``matrix @ X = rhs`` exactly (Gaussian elimination over Q(x); ``rhs`` has columns).

    Raises ``ZeroDivisionError`` if the matrix is singular over Q(x).
    """
    size = len(matrix)
    a = [row[:] for row in matrix]
    b = [row[:] for row in rhs]
    for col in range(size):
        pivot = next((r for r in range(col, size) if a[r][col]), None)
        if pivot is None:
            raise ZeroDivisionError("singular linear system")
        a[col], a[pivot] = a[pivot], a[col]
        b[col], b[pivot] = b[pivot], b[col]
        inv = RatFun(a[col][col].den, a[col][col].num, reduced=True)
        a[col] = [x * inv for x in a[col]]
        b[col] = [x * inv for x in b[col]]
        for r in range(size):
            if r != col and a[r][col]:
                f = a[r][col]
                a[r] = [x - f * y if y else x for x, y in zip(a[r], a[col], strict=True)]
                b[r] = [x - f * y if y else x for x, y in zip(b[r], b[col], strict=True)]
    return b


# ---------------------------------------------------------------------------------------------
# Integer polynomials (tuples of ints, constant first, no trailing zeros): fraction-free work
# ---------------------------------------------------------------------------------------------

IPoly = tuple[int, ...]


def itrim(coefs: list[int]) -> IPoly:
    while coefs and not coefs[-1]:
        coefs.pop()
    return tuple(coefs)


def imul(p: IPoly, q: IPoly) -> IPoly:
    if not p or not q:
        return ()
    out = [0] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        if x:
            for j, y in enumerate(q):
                out[i + j] += x * y
    return itrim(out)


def isub(p: IPoly, q: IPoly) -> IPoly:
    size = max(len(p), len(q))
    return itrim([(p[i] if i < len(p) else 0) - (q[i] if i < len(q) else 0) for i in range(size)])


def iscale(p: IPoly, c: int) -> IPoly:
    return tuple(c * x for x in p) if c else ()


def idiv_exact(p: IPoly, q: IPoly) -> IPoly:
    """``p / q`` in ``Z[x]``; ``ArithmeticError`` unless ``q`` divides ``p`` with an integer
    quotient."""
    if not q:
        raise ZeroDivisionError("division by the zero polynomial")
    rem = list(p)
    lead = q[-1]
    quot = [0] * max(len(p) - len(q) + 1, 0)
    for shift in range(len(p) - len(q), -1, -1):
        top = rem[shift + len(q) - 1]
        if top:
            c, r = divmod(top, lead)
            if r:
                raise ArithmeticError("inexact integer polynomial division")
            quot[shift] = c
            for i, y in enumerate(q):
                rem[shift + i] -= c * y
    if any(rem):
        raise ArithmeticError("inexact integer polynomial division")
    return itrim(quot)


def primitive(p: Poly | IPoly) -> IPoly:
    """The integer polynomial ``c p`` with coprime integer coefficients and positive leading
    coefficient (``c`` a nonzero rational)."""
    if not p:
        return ()
    fr = [Fraction(x) for x in p]
    den = _lcm(*(x.denominator for x in fr))
    ints = [int(x * den) for x in fr]
    g = 0
    for x in ints:
        g = _gcd(g, x)
    if ints[-1] < 0:
        g = -g
    return tuple(x // g for x in ints)


def interpolate(xs: list[Fraction], ys: list[Fraction]) -> Poly:
    """The polynomial of degree ``< len(xs)`` through the points ``(xs[i], ys[i])``, exactly
    (Newton's divided differences, then Horner on the Newton form)."""
    diffs = [Fraction(y) for y in ys]
    for j in range(1, len(xs)):
        for i in range(len(xs) - 1, j - 1, -1):
            diffs[i] = (diffs[i] - diffs[i - 1]) / (xs[i] - xs[i - j])
    poly: Poly = trim(diffs[-1:])
    for i in range(len(xs) - 2, -1, -1):  # poly = poly * (x - x_i) + diffs[i]
        poly = add(mul(poly, trim([-Fraction(xs[i]), Fraction(1)])), trim([diffs[i]]))
    return poly
