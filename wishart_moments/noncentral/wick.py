"""The noncentral Wick sum ``exp(Delta) p_mu(Omega) Omega^r`` by the Numba kernel.

:mod:`wishart_moments.kernels.noncentral` runs the level recursion of
:mod:`.contractions` on integer-coded words (degrees ``|mu| + r <= MAX_DEGREE``); this module
turns its arrays into the terms ``{(closed, open): {e: c}}`` that the other engines return.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from ..kernels import noncentral as kernel
from ..kernels.noncentral_words import pack
from .stein import Terms

MAX_DEGREE = kernel.MAX_DEGREE

__all__ = ["MAX_DEGREE", "matrix_terms", "scalar_terms"]


@lru_cache(maxsize=1 << 16)
def _word(code: int) -> str:
    """The word of ``2^L | bits`` (``O`` for a zero bit, ``S`` for a one)."""
    length = code.bit_length() - 1
    return "".join("S" if (code >> (length - 1 - i)) & 1 else "O" for i in range(length))


@lru_cache(maxsize=1 << 18)
def _closed(hi: int) -> tuple[str, ...]:
    words = []
    x = hi
    while x != 1:
        length = 0
        while x & 1:
            length += 1
            x >>= 1
        x >>= 1
        words.append(_word((1 << length) | (x & ((1 << length) - 1))))
        x >>= length
    return tuple(sorted(words))


def _pack(words: list[tuple[int, int]]) -> int:
    wb = np.array([b for b, _ in words] + [0], np.int64)
    wl = np.array([n for _, n in words] + [0], np.int64)
    return int(pack(wb, wl, len(words)))


@lru_cache(maxsize=256)
def _matrix(mu: tuple[int, ...], power: int, beta: int, identity: bool) -> Terms:
    degree = sum(mu) + power
    if degree > MAX_DEGREE:
        raise ValueError(
            f"the Wick kernel takes |parts| + power <= {MAX_DEGREE} (int64 counts), got {degree}"
        )
    hi = _pack([(0, k) for k in mu])
    his, los, es, cs = kernel.expand(
        np.int64(hi), np.int64(1 << power), degree, beta == 1, identity
    )
    out: Terms = {}
    for h, lo, e, c in zip(his.tolist(), los.tolist(), es.tolist(), cs.tolist(), strict=True):
        out.setdefault((_closed(h), _word(lo)), {})[e] = c
    return out


def matrix_terms(mu: Iterable[int], power: int, beta: int, identity: bool = False) -> Terms:
    """``E[prod_i tr(W^{mu_i}) W^power]`` as ``{(closed, open): {e: c}}``."""
    return _matrix(tuple(sorted(mu, reverse=True)), power, beta, identity)


def scalar_terms(mu: Iterable[int], beta: int, identity: bool = False) -> Terms:
    """``E prod_i tr(W^{mu_i})`` as ``{(closed, ""): {e: c}}``."""
    return matrix_terms(mu, 0, beta, identity)
