"""Jacobi moments as exact rational functions: polynomials in ``m, n1`` over ``Q(n1 + n2)``.

At a fixed rational ``beta`` every Jacobi moment ``E prod tr J^{mu_j}`` is
``sum_{i,j} N_ij(s) m^i n1^j / D(s)`` (Kadell's formula puts the whole denominator in
``s = n1 + n2``; the loop equations put it in ``a + b + beta m``, which is ``beta s/2 + beta - 2``).
:class:`RationalTerms` holds that form reduced (``D`` monic, no common factor of ``D`` and every
``N_ij``), so two derivations agree exactly iff their forms are equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import comb
from typing import Any

from ..engines import _univariate as up

Key = tuple[int, int]  # (power of m, power of n1)


class RationalTerms:
    """``sum_{(i, j)} num[(i, j)](s) m^i n1^j / den(s)``, reduced; ``s = n1 + n2``."""

    __slots__ = ("den", "num")

    def __init__(self, num: Mapping[Key, up.Poly], den: up.Poly = up.ONE) -> None:
        if not den:
            raise ZeroDivisionError("rational terms with a zero denominator")
        terms = {key: up.trim(list(p)) for key, p in num.items()}
        terms = {key: p for key, p in terms.items() if p}
        den = up.trim(list(den))
        g = up.monic(den)
        for p in terms.values():
            if len(g) == 1:
                break
            g = up.gcd(g, p)
        if len(g) > 1:
            den = up.divmod_poly(den, g)[0]
            terms = {key: up.divmod_poly(p, g)[0] for key, p in terms.items()}
        lead = 1 / den[-1]
        self.den = up.scale(den, lead) if terms else up.ONE
        self.num = {key: up.scale(p, lead) for key, p in sorted(terms.items())}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RationalTerms) and (self.num, self.den) == (other.num, other.den)

    def __hash__(self) -> int:
        return hash((tuple(self.num.items()), self.den))

    def __repr__(self) -> str:
        return f"RationalTerms({self.num!r}, {self.den!r})"

    def at(self, m: Any, n1: Any, n2: Any) -> Fraction:
        """The value at exact numbers ``m, n1, n2`` (``ArithmeticError`` at a pole)."""
        m, n1 = Fraction(m), Fraction(n1)
        s = n1 + Fraction(n2)
        numerator: up.Poly = up.ZERO
        for (i, j), p in self.num.items():
            numerator = up.add(numerator, up.scale(p, m**i * n1**j))
        value = up.RatFun(numerator, self.den)
        den = up.evaluate(value.den, s)
        if not den:
            raise ArithmeticError(f"the moment has a pole at n1 + n2 = {s}")
        return up.evaluate(value.num, s) / den

    def to_sympy(self, m: Any, n1: Any, n2: Any) -> Any:
        """A SymPy expression: the numerator expanded in ``m, n1, n2`` over the denominator
        factored in ``n1 + n2`` (``m``, ``n1``, ``n2`` symbols or numbers)."""
        import sympy

        def rat(c: Fraction) -> Any:
            return sympy.Rational(c.numerator, c.denominator)

        scale, factors = Fraction(1), []
        if len(self.den) > 1:  # den = content * prod factors (integer primitive factors)
            x = sympy.Dummy("s")
            content, factors = sympy.factor_list(
                sympy.Add(*(rat(c) * x**e for e, c in enumerate(self.den) if c)), x
            )
            scale = 1 / Fraction(int(content.p), int(content.q))
            factors = [f.subs(x, n1 + n2) ** power for f, power in factors]
        expanded: dict[tuple[int, int, int], Fraction] = {}
        for (i, j), p in self.num.items():
            for e, c in enumerate(p):
                for t in range(e + 1):  # s^e = sum_t C(e, t) n1^t n2^(e-t)
                    key = (i, j + t, e - t)
                    expanded[key] = expanded.get(key, Fraction(0)) + c * comb(e, t) * scale
        numerator = sympy.Add(
            *(
                sympy.Mul(rat(c), m**i, n1**j, n2**k)
                for (i, j, k), c in sorted(expanded.items())
                if c
            )
        )
        return numerator / sympy.Mul(*factors) if factors else numerator
