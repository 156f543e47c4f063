"""Integer-coded words for the noncentral Wick kernel (:mod:`wishart_moments.kernels.noncentral`).

A word in ``Sigma`` and ``Omega`` of length ``L`` is ``L`` bits, most significant first, ``O = 0``
and ``S = 1``: comparing two codes of one length compares the words in the order ``O < S``, so the
least rotation (real: of the word and of its reversal) is the canonical closed word of
:func:`wishart_moments.noncentral.words.canonical`. A set of closed words packs into one integer,
from the least significant bit: each word as ``L`` ones, a zero and its ``L`` bits, sorted by
``2^L | bits``, and a final 1 above the last (``3 L + 1`` bits for ``L`` letters in all).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def reverse(bits, length):
    """The word read backwards."""
    out = 0
    for _ in range(length):
        out = (out << 1) | (bits & 1)
        bits >>= 1
    return out


@njit(cache=True)
def canonical(bits, length, real):
    """Least rotation of the word (``real``: also of its reversal)."""
    if length < 2:
        return bits
    mask = (np.int64(1) << length) - 1
    best = bits
    x = bits
    for _ in range(length - 1):
        x = ((x << 1) | (x >> (length - 1))) & mask
        if x < best:
            best = x
    if real:
        x = reverse(bits, length)
        if x < best:
            best = x
        for _ in range(length - 1):
            x = ((x << 1) | (x >> (length - 1))) & mask
            if x < best:
                best = x
    return best


@njit(cache=True)
def omegas(bits, length):
    """How many ``O`` (zero bits) the word has."""
    count = 0
    for i in range(length):
        if not (bits >> i) & 1:
            count += 1
    return count


@njit(cache=True)
def pack(wb, wl, count):
    """The closed words ``wb[:count]`` (lengths ``wl``) as one integer (sorted first)."""
    for i in range(1, count):  # insertion sort by 2^L | bits
        b, ln = wb[i], wl[i]
        code = (np.int64(1) << ln) | b
        j = i - 1
        while j >= 0 and ((np.int64(1) << wl[j]) | wb[j]) > code:
            wb[j + 1], wl[j + 1] = wb[j], wl[j]
            j -= 1
        wb[j + 1], wl[j + 1] = b, ln
    hi = np.int64(0)
    pos = 0
    for i in range(count):
        ln = wl[i]
        hi |= ((np.int64(1) << ln) - 1) << pos
        pos += ln + 1
        hi |= wb[i] << pos
        pos += ln
    return hi | (np.int64(1) << pos)


@njit(cache=True)
def unpack(hi, wb, wl):
    """Fill ``wb``, ``wl`` with the closed words packed in ``hi``; return their number."""
    count = 0
    x = hi
    while x != 1:
        ln = 0
        while x & 1:
            ln += 1
            x >>= 1
        x >>= 1
        wb[count] = x & ((np.int64(1) << ln) - 1)
        wl[count] = ln
        x >>= ln
        count += 1
    return count


@njit(cache=True)
def sub(bits, length, i, j):
    """Letters ``i .. j-1``."""
    return (bits >> (length - j)) & ((np.int64(1) << (j - i)) - 1)


@njit(cache=True)
def rest(bits, length, i):
    """``R`` with ``tr(word) = tr(O R)`` for the ``O`` at position ``i``."""
    mask = (np.int64(1) << length) - 1
    shift = (i + 1) % length
    rot = ((bits << shift) | (bits >> (length - shift))) & mask if shift else bits
    return rot >> 1
