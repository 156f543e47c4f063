"""Words in ``Sigma`` and ``Omega``: canonical forms, SymPy symbols and numeric evaluation.

A *word* is a string over the letters ``S`` (``Sigma``) and ``O`` (``Omega = M M^*``); the empty
word is the identity. An *open* word is the matrix product read left to right; a *closed* word is
its trace, which does not change under rotation, and for ``beta = 1`` (real symmetric ``Sigma``,
``Omega``) not under reversal either (``tr A^T = tr A``). The canonical closed word is the least
rotation (``beta = 1``: of the word and its reversal) in the order ``O < S``, so
``tr(Sigma Omega Sigma^2 Omega)`` is ``"OSOSS"``.

Symbols, one per canonical closed word, all without assumptions so ``expr.subs`` takes numbers:
``p{j} = tr Sigma^j``, ``w{j} = tr Omega^j``, and ``t_<word>`` for a mixed word written with
exponents (``t_OSOS2 = tr(Omega Sigma Omega Sigma^2)``). The empty closed word, ``tr I``, is
``m``. :func:`evaluate_words` gives the values at numeric matrices, exactly (ints, Fractions,
SymPy Rationals and Gaussian rationals) or in floating point, from memoised prefix products.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

__all__ = [
    "ExactComplexMatrix",
    "ExactMatrix",
    "Gaussian",
    "WordValues",
    "canonical",
    "compress",
    "expand_word",
    "is_word_symbol",
    "word_of_symbol",
    "word_symbol",
]

M_SYMBOL = sympy.Symbol("m")
N_SYMBOL = sympy.Symbol("n")

_RUN = re.compile(r"([SO])(\d*)")


@lru_cache(maxsize=1 << 18)
def canonical(word: str, beta: int) -> str:
    """The canonical closed word: least rotation (``beta = 1``: of ``word`` and its reversal)."""
    if len(word) < 2:
        return word
    best = min(word[i:] + word[:i] for i in range(len(word)))
    if beta == 1:
        rev = word[::-1]
        best = min(best, *(rev[i:] + rev[:i] for i in range(len(rev))))
    return best


def compress(word: str) -> str:
    """``"OSOSS"`` -> ``"OSOS2"`` (runs as exponents); the empty word is ``"I"``."""
    if not word:
        return "I"
    out = []
    i = 0
    while i < len(word):
        j = i
        while j < len(word) and word[j] == word[i]:
            j += 1
        out.append(word[i] + (str(j - i) if j - i > 1 else ""))
        i = j
    return "".join(out)


def expand_word(text: str) -> str:
    """A word given with exponents (``"OSOS2"``, ``"S^2 O"``, ``"I"``) as a string of letters."""
    if not isinstance(text, str):
        raise ValueError(f"a word must be a string of S and O (e.g. 'SOS2O'), got {text!r}")
    compact = text.replace(" ", "").replace("*", "").replace("^", "")
    if compact in ("", "I"):
        return ""
    pos, out = 0, []
    for match in _RUN.finditer(compact):
        if match.start() != pos:
            break
        out.append(match.group(1) * int(match.group(2) or 1))
        pos = match.end()
    if pos != len(compact) or "0" in "".join(m.group(2)[:1] for m in _RUN.finditer(compact)):
        raise ValueError(
            f"a word is letters S (Sigma) and O (Omega) with optional exponents, e.g. 'SOS2O', "
            f"got {text!r}"
        )
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _symbol(word: str) -> sympy.Symbol:
    if not word:
        return M_SYMBOL
    if "O" not in word:
        return sympy.Symbol(f"p{len(word)}")
    if "S" not in word:
        return sympy.Symbol(f"w{len(word)}")
    return sympy.Symbol(f"t_{compress(word)}")


def word_symbol(word: str, beta: int = 1) -> sympy.Symbol:
    """The symbol of ``tr(word)`` (``word`` with or without exponents; canonicalised first).

    ``word_symbol("SO") == word_symbol("OS") == Symbol("t_OS")``; ``word_symbol("SS") == p2``;
    ``word_symbol("O3") == w3``; ``word_symbol("") == m``.
    """
    if isinstance(beta, bool) or beta not in (1, 2):
        raise ValueError(f"beta must be 1 (real) or 2 (complex), got {beta!r}")
    return _symbol(canonical(expand_word(word), beta))


def is_word_symbol(sym: sympy.Basic) -> bool:
    """Whether ``sym`` is ``m``, ``p<j>``, ``w<j>`` or ``t_<word>``."""
    return isinstance(sym, sympy.Symbol) and word_of_symbol(sym) is not None


def word_of_symbol(sym: sympy.Symbol) -> str | None:
    """The closed word (letters) of a word symbol, ``None`` for any other symbol."""
    name = sym.name
    if name == "m":
        return ""
    match = re.fullmatch(r"([pw])([1-9]\d*)", name)
    if match:
        return ("S" if match.group(1) == "p" else "O") * int(match.group(2))
    if name.startswith("t_"):
        try:
            word = expand_word(name[2:])
        except ValueError:
            return None
        return word if word and "S" in word and "O" in word else None
    return None


# ---------------------------------------------------------------------------------------------
# numeric evaluation


class Gaussian:
    """An exact Gaussian rational ``re + i im`` (Fractions), closed under ``+``, ``-``, ``*``."""

    __slots__ = ("im", "re")

    def __init__(self, re: Any, im: Any = 0) -> None:
        self.re = Fraction(re)
        self.im = Fraction(im)

    def __add__(self, other: Any) -> Gaussian:
        if isinstance(other, Gaussian):
            return Gaussian(self.re + other.re, self.im + other.im)
        return Gaussian(self.re + other, self.im)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Gaussian:
        if isinstance(other, Gaussian):
            return Gaussian(self.re - other.re, self.im - other.im)
        return Gaussian(self.re - other, self.im)

    def __rsub__(self, other: Any) -> Gaussian:
        return Gaussian(other - self.re, -self.im)

    def __neg__(self) -> Gaussian:
        return Gaussian(-self.re, -self.im)

    def __mul__(self, other: Any) -> Gaussian:
        if isinstance(other, Gaussian):
            return Gaussian(
                self.re * other.re - self.im * other.im, self.re * other.im + self.im * other.re
            )
        return Gaussian(self.re * other, self.im * other)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Gaussian):
            return self.re == other.re and self.im == other.im
        return self.im == 0 and self.re == other

    def __hash__(self) -> int:
        return hash((self.re, self.im))

    def __repr__(self) -> str:
        return f"Gaussian({self.re}, {self.im})"

    def sympy(self) -> sympy.Expr:
        return sympy.Rational(self.re) + sympy.I * sympy.Rational(self.im)


class ExactComplexMatrix:
    """An exact complex matrix ``re + i im`` (two lists of rows of Fractions)."""

    def __init__(self, re: list[list[Fraction]], im: list[list[Fraction]]) -> None:
        self.re = re
        self.im = im

    def __matmul__(self, other: ExactComplexMatrix) -> ExactComplexMatrix:
        a, b, c, d = self.re, self.im, other.re, other.im
        ac, bd, ad, bc = _mul(a, c), _mul(b, d), _mul(a, d), _mul(b, c)
        return ExactComplexMatrix(_sub(ac, bd), _add(ad, bc))

    def trace(self) -> Gaussian:
        size = len(self.re)
        return Gaussian(
            sum((self.re[i][i] for i in range(size)), Fraction(0)),
            sum((self.im[i][i] for i in range(size)), Fraction(0)),
        )


class ExactMatrix:
    """An exact real matrix (rows of Fractions)."""

    def __init__(self, rows: list[list[Fraction]]) -> None:
        self.rows = rows

    def __matmul__(self, other: ExactMatrix) -> ExactMatrix:
        return ExactMatrix(_mul(self.rows, other.rows))

    def trace(self) -> Fraction:
        return sum((self.rows[i][i] for i in range(len(self.rows))), Fraction(0))


def _mul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    cols = list(zip(*b, strict=True))
    return [
        [sum((x * y for x, y in zip(r, c, strict=True) if x and y), Fraction(0)) for c in cols]
        for r in a
    ]


def _add(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[x + y for x, y in zip(r, s, strict=True)] for r, s in zip(a, b, strict=True)]


def _sub(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[x - y for x, y in zip(r, s, strict=True)] for r, s in zip(a, b, strict=True)]


class WordValues:
    """``tr(word)`` and ``word`` at given matrices, with every prefix product computed once.

    ``sigma`` and ``omega`` are both float/complex NumPy arrays, or both exact
    (:class:`ExactMatrix` / :class:`ExactComplexMatrix`). Exact traces are Fractions, or
    :class:`Gaussian` numbers when complex.
    """

    def __init__(self, sigma: Any, omega: Any, size: int) -> None:
        self.size = size
        self.numeric = isinstance(sigma, np.ndarray)
        self._letters = {"S": sigma, "O": omega}
        self._prefix: dict[str, Any] = {}
        self._traces: dict[str, Any] = {}

    def matrix(self, word: str) -> Any:
        """The product ``word`` (the empty word is not stored: callers handle the identity)."""
        got = self._prefix.get(word)
        if got is None:
            if len(word) == 1:
                got = self._letters[word]
            else:
                got = self.matrix(word[:-1]) @ self._letters[word[-1]]
            self._prefix[word] = got
        return got

    def trace(self, word: str) -> Any:
        """``tr(word)``; ``m`` for the empty word."""
        got = self._traces.get(word)
        if got is None:
            if not word:
                got = self.size if not self.numeric else float(self.size)
            elif self.numeric:
                got = complex(np.trace(self.matrix(word)))
                if self.real:
                    got = got.real
            else:
                got = self.matrix(word).trace()
            self._traces[word] = got
        return got

    @property
    def real(self) -> bool:
        return not np.iscomplexobj(self._letters["S"]) and not np.iscomplexobj(self._letters["O"])

    def product(self, words: Iterable[str]) -> Any:
        """``prod tr(word)`` over ``words``."""
        out: Any = 1
        for w in words:
            out = out * self.trace(w)
        return out
